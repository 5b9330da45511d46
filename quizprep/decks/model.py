"""The deck model: plain, immutable data that every other layer reads.

A deck file holds ``deck`` (stable id), ``title``, ``version`` and ``cards``. A card is
identified by ``(deck id, card id)``; progress is keyed on that pair, so a card's text can
change without losing its history.
"""

from pathlib import Path
from typing import Any, NamedTuple

DIFFICULTIES: tuple[str, ...] = ("easy", "medium", "hard")


# NamedTuples rather than frozen dataclasses: same immutability, but several milliseconds
# cheaper to define, and this module is on the start-up path of every lookup. No
# `from __future__ import annotations` here: typing.NamedTuple compiles each field's
# annotation when it is a string (a quarter of a millisecond for these four).


class KeyPoint(NamedTuple):
    """One fact an interviewer listens for.

    ``accept`` holds other phrasings that count as saying it; ``reject`` the wrong claims that
    contradict it (a classic mistake). An ``optional`` point adds credit but is not needed
    for a Good rating ("purpose in one sentence" cards are graded on their core points).
    """

    text: str
    accept: tuple[str, ...] = ()
    reject: tuple[str, ...] = ()
    optional: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "accept": list(self.accept),
            "reject": list(self.reject),
            "optional": self.optional,
        }


class FollowUp(NamedTuple):
    """A follow-up question; ``card`` names the card that answers it, when one does."""

    question: str
    card: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"question": self.question, "card": self.card}


class Card(NamedTuple):
    deck: str
    id: str
    topic: str
    difficulty: str
    question: str
    answer: str
    key_points: tuple[KeyPoint, ...]
    tags: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    formula: str | None = None
    math: str | None = None
    why_asked: str | None = None
    common_mistakes: tuple[str, ...] = ()
    follow_ups: tuple[FollowUp, ...] = ()
    related: tuple[str, ...] = ()
    source: str = ""
    line: int = 0
    short: str | None = None  # what a candidate says in the first 20 seconds
    exercise: str | None = None  # a `quizprep code` exercise that practises this card
    derive: str | None = None  # a derivation: the answer is an expression, checked numerically

    @property
    def key(self) -> tuple[str, str]:
        """The identity progress is stored under."""
        return (self.deck, self.id)

    @property
    def ref(self) -> str:
        """``deck/id``: how a card is named across decks (``related`` may use it)."""
        return f"{self.deck}/{self.id}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "deck": self.deck,
            "topic": self.topic,
            "difficulty": self.difficulty,
            "question": self.question,
            "short": self.short,
            "answer": self.answer,
            "key_points": [kp.to_dict() for kp in self.key_points],
            "tags": list(self.tags),
            "aliases": list(self.aliases),
            "formula": self.formula,
            "math": self.math,
            "why_asked": self.why_asked,
            "common_mistakes": list(self.common_mistakes),
            "follow_ups": [f.to_dict() for f in self.follow_ups],
            "related": list(self.related),
            "source": self.source,
            "line": self.line,
            "exercise": self.exercise,
            "derive": self.derive,
        }


class Deck(NamedTuple):
    id: str
    title: str
    version: int
    cards: tuple[Card, ...]
    path: Path
    builtin: bool = False
    description: str | None = None
    line: int = 1

    def by_difficulty(self) -> dict[str, int]:
        counts = dict.fromkeys(DIFFICULTIES, 0)
        for card in self.cards:
            counts[card.difficulty] += 1
        return counts
