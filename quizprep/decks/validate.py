"""``quizprep deck validate``: every problem of the given deck files, in one run."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from quizprep.decks.catalog import check_references, deck_files, load_catalog
from quizprep.decks.loader import load_deck
from quizprep.decks.model import Deck
from quizprep.decks.problem import Problem
from quizprep.errors import QuizprepError


@dataclass(frozen=True)
class Report:
    decks: list[Deck]
    problems: list[str]
    files: int


def validate_paths(paths: Iterable[Path]) -> Report:
    """Check each file on its own, then its references against the other visible decks."""
    files: list[Path] = []
    for path in paths:
        if not path.exists():
            raise QuizprepError(f"{path}: no such file or folder")
        found = deck_files(path)
        if not found:
            raise QuizprepError(f"{path}: no .yaml or .yml deck files in this folder")
        files += found
    targets = {f.resolve() for f in files}
    problems: list[Problem] = []
    decks: list[Deck] = []
    for path in files:
        deck, found_problems = load_deck(path)
        problems += found_problems
        if deck is not None:
            decks.append(deck)
            problems += _math_problems(deck)
            problems += _exercise_problems(deck)
    # References may point into decks that are not being validated (built-in or the
    # user's folder); those decks are context only, their own problems are not ours.
    context = load_catalog(strict=False).decks
    context = [d for d in context if d.path.resolve() not in targets]
    problems += [
        p for p in check_references([*decks, *context]) if Path(p.path).resolve() in targets
    ]
    return Report(decks, [str(p) for p in sorted(set(problems))], len(files))


def _math_problems(deck: Deck) -> list[Problem]:
    from quizprep.core.names import MATH_NAMES, closest_math_name

    bad = [card for card in deck.cards if card.math and card.math not in MATH_NAMES]
    if not bad:
        return []
    # The model keeps each card's first line only; the field's own line (what an editor
    # jumps to) comes from reading the file again, which happens only when something is
    # wrong.
    lines = field_lines(deck.path, "math")
    return [
        Problem(
            card.source,
            lines.get(card.id, card.line),
            f"card {card.id!r}: math {card.math!r} is not a function or demo"
            f"{closest_math_name(card.math or '')}",
        )
        for card in bad
    ]


def field_lines(path: Path, field: str) -> dict[str, int]:
    """Card id → the line of that card's ``field`` in the deck file."""
    from quizprep.decks.yamlsource import line_of, read_yaml

    data, _ = read_yaml(path)
    cards = data.get("cards") if isinstance(data, dict) else None
    out: dict[str, int] = {}
    for node in cards if isinstance(cards, list) else []:
        if isinstance(node, dict) and field in node:
            out[str(node.get("id"))] = line_of(node, field)
    return out


def _exercise_problems(deck: Deck) -> list[Problem]:
    from quizprep.core.exercises import DERIVATION_NAMES, EXERCISE_NAMES, closest

    out = []
    for card in deck.cards:
        for field, value, names in (
            ("exercise", card.exercise, EXERCISE_NAMES),
            ("derive", card.derive, DERIVATION_NAMES),
        ):
            if value and value not in names:
                kind = "code exercise" if field == "exercise" else "derivation"
                out.append(
                    Problem(
                        card.source,
                        card.line,
                        f"card {card.id!r}: {field} {value!r} is not a {kind}"
                        f"{closest(value, names)}",
                    )
                )
    return out
