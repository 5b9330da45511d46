"""The exercise and derive card fields: loader, cache, validator, schema, and the built-in deck."""

from __future__ import annotations

import json
import re
from pathlib import Path

from quizprep.core import derivations
from quizprep.core.exercises import DERIVATION_NAMES, DERIVATION_VARIABLES, EXERCISE_NAMES
from quizprep.decks.catalog import load_catalog
from quizprep.decks.loader import load_deck
from quizprep.decks.validate import validate_paths

from .conftest import ROOT

SCHEMA = json.loads((ROOT / "quizprep" / "decks" / "deck.schema.json").read_text())

DECK = """\
deck: mine
title: Mine
version: 1
cards:
  - id: softmax-code
    topic: Code
    difficulty: easy
    question: Write softmax.
    answer: Subtract the max.
    key_points: [subtract the max]
    exercise: stable-softmax
  - id: bce-derive
    topic: Derive
    difficulty: easy
    question: dL/dz of BCE?
    answer: sigmoid(z) - y
    key_points: [sigma minus y]
    derive: bce-logits
"""


def test_loader_reads_the_fields_and_to_dict_shows_them(tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text(DECK, encoding="utf-8")
    deck, problems = load_deck(path)
    assert problems == [] and deck is not None
    code, derive = deck.cards
    assert (code.exercise, code.derive) == ("stable-softmax", None)
    assert (derive.exercise, derive.derive) == (None, "bce-logits")
    assert code.to_dict()["exercise"] == "stable-softmax"
    assert validate_paths([path]).problems == []


def test_the_card_index_keeps_the_fields(tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text(DECK, encoding="utf-8")
    deck, _ = load_deck(path)
    assert deck is not None
    first = load_catalog([path]).deck(deck.id)  # parsed into the index
    again = load_catalog([path]).deck(deck.id)  # read back from it
    assert first is not None and again is not None
    assert [c._replace(source="") for c in again.cards] == [
        c._replace(source="") for c in deck.cards
    ]
    assert {c.exercise for c in again.cards} >= {"stable-softmax"}


def test_schema_lists_exactly_the_exercise_and_derivation_names() -> None:
    props = SCHEMA["$defs"]["card"]["properties"]
    assert props["exercise"]["anyOf"][0]["enum"] == list(EXERCISE_NAMES)
    assert props["derive"]["anyOf"][0]["enum"] == list(DERIVATION_NAMES)
    # the NumPy-free name list agrees with the registry it stands for
    assert tuple(derivations.BY_NAME) == DERIVATION_NAMES
    assert {n: tuple(v.name for v in d.variables) for n, d in derivations.BY_NAME.items()} == (
        DERIVATION_VARIABLES
    )


def test_builtin_exercise_deck_covers_every_exercise_and_derivation() -> None:
    deck = load_catalog().deck("exercises")
    assert deck is not None
    exercises = [c.exercise for c in deck.cards if c.exercise]
    derives = [c.derive for c in deck.cards if c.derive]
    assert sorted(exercises) == sorted(EXERCISE_NAMES)
    assert sorted(derives) == sorted(DERIVATION_NAMES)
    assert len(derives) >= 10 and len(exercises) >= 12
    for card in deck.cards:
        assert bool(card.exercise) != bool(card.derive), card.ref


def test_the_expressions_derivation_cards_tell_you_to_type_are_right() -> None:
    """'Type: EXPR.' in a derivation card's answer must pass that card's own check."""
    checked = 0
    for card in load_catalog().deck("exercises").cards:
        if not card.derive:
            continue
        derivation = derivations.get(card.derive)
        assert derivations.check(derivation, derivation.answer).ok, card.ref
        assert all(v.name in card.question for v in derivation.variables), card.ref
        match = re.search(r"[Tt]ype:\s*(.+?)\.(?:\s|$)", card.answer)
        if match:
            result = derivations.check(derivation, match[1])
            assert result.ok, (card.ref, match[1], result.message)
            checked += 1
    assert checked >= 10


def test_mock_interviews_leave_derivation_cards_to_the_drill() -> None:
    import random

    from quizprep.study.interview import pick_questions

    cards = load_catalog().deck("exercises").cards
    picked = pick_questions(cards, 30, random.Random(1))
    assert picked and not any(c.derive for c in picked)
    assert {c.exercise for c in picked} == set(EXERCISE_NAMES)  # code cards are fair game
