"""What a card is about, and which clauses of an answer speak of it.

The named things of the lexicon a card is about (``mse``, ``tanh``), the specific words of
its id and aliases that say an answer is about it at all, and the card's own multi-word name
("label smoothing") that a clause may leave out after an earlier one said it.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from quizprep.decks.model import Card
    from quizprep.study.grading.match import Phrase
    from quizprep.study.grading.text import Clause


def card_subjects(card: Card) -> frozenset[str]:
    """The named things a card is about (``mse``, ``tanh`` and ``sigmoid``…), from its id,
    aliases and question."""
    return _subjects(card.id, card.aliases, card.question)


@lru_cache(maxsize=1024)
def _subjects(card_id: str, aliases: tuple[str, ...], question: str) -> frozenset[str]:
    from quizprep.study.grading.lexicon import SUBJECTS
    from quizprep.study.grading.match import _prepared
    from quizprep.study.grading.text import tokens

    found: set[str] = set()
    for text in (card_id.replace("-", " "), question):
        found |= {t.key for t in tokens(_prepared(text))[0] if t.key in SUBJECTS}
    if not found:
        for alias in aliases:
            found |= {t.key for t in tokens(_prepared(alias))[0] if t.key in SUBJECTS}
    return frozenset(found)


# Words of a card's id and aliases too general to say which card an answer is about.
_GENERAL = frozenset(
    {"loss", "function", "activation", "class", "layer", "network", "gradient", "zero",
     "vs", "why", "what", "choice", "choosing", "output", "regression", "classification",
     "training", "train", "deep", "signal", "properties", "property", "modern", "default",
     "hidden", "one", "two", "speed", "derivative", "at", "cod", "code", "implement",
     "derive", "exercise", "exercis"}
)  # fmt: skip


def names_topic(card: Card, clauses: list[Clause]) -> bool:
    """Does the answer name what this card is about: its subjects, or a specific word of
    its id or aliases?"""
    wanted = _topic_words(card.id, card.aliases, card.question)
    return any(t.key in wanted for clause in clauses for t in clause.tokens)


@lru_cache(maxsize=1024)
def _topic_words(card_id: str, aliases: tuple[str, ...], question: str) -> frozenset[str]:
    from quizprep.study.grading.match import _prepared
    from quizprep.study.grading.text import tokens

    wanted = set(_subjects(card_id, aliases, question))
    for alias in aliases:  # a one-word alias names the card ("svm loss" is a neighbour)
        found = tokens(_prepared(alias))[0]
        if len(found) == 1:
            wanted.add(found[0].key)
    named = {t.key for t in tokens(_prepared(card_id.replace("-", " ")))[0]}
    # general words drop out, unless they are all the id has ("loss function")
    return frozenset((wanted - _GENERAL) | (named - _GENERAL or named))


def card_names(card: Card) -> tuple[tuple[str, ...], ...]:
    """The card's own name as token keys (its id's words, its aliases of two words or more),
    when no subject of the lexicon names it: "label smoothing", "dice loss"."""
    return _names(card.id, card.aliases)


@lru_cache(maxsize=1024)
def _names(card_id: str, aliases: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    from quizprep.study.grading.lexicon import SUBJECTS
    from quizprep.study.grading.match import _prepared
    from quizprep.study.grading.text import tokens

    out = []
    for text in (card_id.replace("-", " "), *aliases):
        keys = tuple(t.key for t in tokens(_prepared(text))[0])
        if keys and not set(keys) & SUBJECTS and not set(keys) <= _GENERAL:
            out.append(keys)
    return tuple(dict.fromkeys(out))


_RELATIVE = re.compile(r"(?:which|that|whose|where|who)\b")
_COMPARED = re.compile(r"(?:versus|vs|than|unlike|compared)\b")
_LEADING_PRONOUN = re.compile(r"(?:(?:but|and|so|yet|also|plus|then)\s+)?(?:it|it's|this)\b")


def elided_name(
    card: Card, clauses: list[Clause], subjects: frozenset[str]
) -> dict[int, tuple[str, ...]]:
    """Clauses that leave out the card's name after an earlier one said it, each with the
    name: "Label smoothing … . It makes calibration worse", "label smoothing sharpens the
    targets and hurts calibration" (not "…, which hurts calibration": that is another
    thing's)."""
    from quizprep.study.grading.lexicon import SUBJECTS

    names = card_names(card) if not subjects else ()
    out: dict[int, tuple[str, ...]] = {}
    said: tuple[str, ...] | None = None  # the name an earlier clause said
    said_segment = -1
    for i, clause in enumerate(clauses):
        keys = [t.key for t in clause.tokens]
        here = next((n for n in names if _contains_run(keys, n)), None)
        if here is not None:
            said, said_segment = here, clause.segment
            continue
        if said is None or clause.subject is not None or any(k in SUBJECTS for k in keys):
            continue
        if _RELATIVE.match(clause.text) or _COMPARED.match(clause.text):
            continue
        if _LEADING_PRONOUN.match(clause.text) or clause.segment == said_segment:
            out[i] = said
    return out


def _contains_run(keys: list[str] | tuple[str, ...], run: tuple[str, ...]) -> bool:
    return any(tuple(keys[i : i + len(run)]) == run for i in range(len(keys) - len(run) + 1))


@lru_cache(maxsize=4096)
def without_name(reject: Phrase, name: tuple[str, ...]) -> Phrase | None:
    """The reject with the card's name left out, when it names it and says two words more."""
    keys = [t.key for t in reject.tokens]
    for i in range(len(keys) - len(name) + 1):
        if tuple(keys[i : i + len(name)]) == name:
            rest = reject.tokens[:i] + reject.tokens[i + len(name) :]
            if len(rest) >= 2:
                return reject._replace(tokens=rest, explicit=False)
    return None
