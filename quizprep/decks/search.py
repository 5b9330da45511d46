"""Finding the card a user means: ``explain focal``, ``explain "dead relu"``, ``explain kl``."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import NamedTuple

from quizprep.decks.model import Card

_WORD = re.compile(r"[a-z0-9]+")
_STOP = frozenset(
    "a an and are as at be by do does for from how in is it of on or the to vs what when "
    "where which why with you your".split()
)
# How much a query word found in each part of a card is worth.
_WEIGHTS = (("name", 6.0), ("tags", 3.0), ("question", 2.0), ("topic", 1.0), ("answer", 0.5))


class Match(NamedTuple):
    card: Card
    score: float


def words(text: str) -> list[str]:
    return [_stem(w) for w in _WORD.findall(text.lower()) if w not in _STOP]


def vocabulary(text: str) -> set[str]:
    """The distinct stemmed words of ``text`` (stemming each distinct word once)."""
    return {_stem(w) for w in set(_WORD.findall(text.lower())) - _STOP}


def _stem(word: str) -> str:
    # Plurals only: "losses" and "loss", "relus" and "relu" should meet.
    if len(word) > 4 and word.endswith("es") and word[-3] in "sxz":
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def _phrase(text: str) -> str:
    return " ".join(_WORD.findall(text.lower()))


def find(cards: Sequence[Card], query: str) -> list[Match]:
    """Cards matching ``query``, best first. Empty when nothing matches well enough."""
    phrase = _phrase(query)
    terms = words(query) or _WORD.findall(query.lower())
    if not phrase:
        return []
    raw = query.strip().lower()
    # Named matches (id, alias, tag) outrank any word match, so when there are some the
    # word scoring (the slow part: it reads every answer) cannot change the result.
    matches = [Match(card, s) for card in cards if (s := _named_score(card, raw, phrase))]
    if not matches:
        for card in cards:
            score = _word_score(card, phrase, terms)
            if score > 0:
                matches.append(Match(card, score))
    matches.sort(key=lambda m: (-m.score, m.card.deck, m.card.id))
    return matches


NAMED = 100.0  # every named match scores at least this; word matches stay below it


def _named_score(card: Card, raw: str, phrase: str) -> float:
    if raw in (card.ref.lower(), card.id.lower()):
        return 1000.0
    if phrase == _phrase(card.id):
        return 500.0
    if any(phrase == _phrase(a) for a in card.aliases):
        return 400.0
    if any(phrase == _phrase(t) for t in card.tags):
        return 150.0
    return 0.0


def _word_score(card: Card, phrase: str, terms: list[str]) -> float:
    names = [_phrase(card.id), *(_phrase(a) for a in card.aliases)]
    fields = {
        "name": vocabulary(" ".join(names)),
        "tags": vocabulary(" ".join(card.tags)),
        "question": vocabulary(card.question),
        "topic": vocabulary(card.topic),
        "answer": vocabulary(card.answer),
    }
    total, found = 0.0, 0
    for term in terms:
        best = 0.0
        for field, weight in _WEIGHTS:
            vocab = fields[field]
            if term in vocab:
                best = max(best, weight)
            elif len(term) >= 3 and any(w.startswith(term) for w in vocab):
                best = max(best, weight * 0.6)
        if best:
            found += 1
        total += best
    if not found:
        return 0.0
    # Every query word should count: a card matching all of them beats one that
    # matches a single word strongly.
    coverage = found / len(terms)
    if coverage < 0.5 or (len(terms) > 1 and total / len(terms) < 1.0):
        return 0.0
    if phrase in _phrase(card.question):
        total += 5.0
    return min(total * coverage * coverage, NAMED - 1.0)


def good_alternatives(matches: Sequence[Match], limit: int = 5) -> list[Match]:
    """Matches after the best worth listing: named by an alias or tag, or close in score."""
    if not matches:
        return []
    best = matches[0].score
    return [m for m in matches[1:] if m.score >= NAMED or m.score >= best * 0.5][:limit]


def suggestions(cards: Sequence[Card], query: str, n: int = 5) -> list[str]:
    """Lookup words close to ``query``, for a "did you mean" line."""
    import difflib

    query = query.strip().lower()
    if not query:
        return []
    vocab: dict[str, None] = {}
    for card in cards:
        for word in (card.id, *card.aliases, *card.tags):
            vocab[word.lower()] = None
    return difflib.get_close_matches(query, list(vocab), n=n, cutoff=0.5)
