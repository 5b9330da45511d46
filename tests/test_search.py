"""Ranking for `explain`: named matches first, then words of the question."""

from __future__ import annotations

from quizprep.decks.catalog import load_catalog
from quizprep.decks.search import NAMED, find, good_alternatives, suggestions


def refs(query: str) -> list[str]:
    return [m.card.ref for m in find(load_catalog().cards, query)]


def test_id_alias_and_tag_matches_rank_above_word_matches() -> None:
    found = find(load_catalog().cards, "focal")
    assert found[0].card.ref == "losses/focal-loss"
    assert all(m.score >= NAMED for m in found)


def test_words_of_the_question_find_a_card_without_aliases() -> None:
    assert refs("why not train on accuracy")[0] == "losses/why-not-accuracy"
    assert refs("zero centered hidden layers tanh")[0] == "activations/tanh-vs-sigmoid"


def test_long_word_queries_never_outrank_a_named_match() -> None:
    long_query = " ".join(["gradient softmax cross entropy logits probability"] * 4)
    assert all(m.score < NAMED for m in find(load_catalog().cards, long_query))


def test_alternatives_are_only_good_matches() -> None:
    matches = find(load_catalog().cards, "cross entropy")
    others = good_alternatives(matches)
    assert others and all(m.score >= NAMED or m.score >= matches[0].score / 2 for m in others)


def test_nonsense_has_no_match_but_typos_get_suggestions() -> None:
    cards = load_catalog().cards
    assert find(cards, "qwertyuiop") == []
    assert "focal" in suggestions(cards, "focl")


def test_blank_query_gets_no_suggestions() -> None:
    cards = load_catalog().cards
    for blank in ("", "  ", "\t"):
        assert find(cards, blank) == []
        assert suggestions(cards, blank) == []


def test_suggestions_ignore_surrounding_spaces() -> None:
    assert "focal" in suggestions(load_catalog().cards, "  focl ")
