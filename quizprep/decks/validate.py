"""``quizprep deck validate``: every problem of the given deck files, in one run."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from quizprep.decks.catalog import catalog_sources, deck_files, open_index
from quizprep.decks.index import CardRow
from quizprep.decks.model import DIFFICULTIES
from quizprep.decks.problem import Problem
from quizprep.errors import QuizprepError


class DeckSummary(NamedTuple):
    """A checked deck as ``deck validate`` reports it (its cards' light fields only)."""

    id: str
    path: Path
    cards: tuple[CardRow, ...]

    def by_difficulty(self) -> dict[str, int]:
        counts = dict.fromkeys(DIFFICULTIES, 0)
        for card in self.cards:
            counts[card.difficulty] += 1
        return counts


@dataclass(frozen=True)
class Report:
    decks: list[DeckSummary]
    problems: list[str]
    files: int


def validate_paths(paths: Iterable[Path]) -> Report:
    """Check each file on its own, then its references against the other visible decks.

    Every file is parsed at most once, through the card index: a file that has not
    changed since it was last indexed is not parsed at all (its problems were stored).
    """
    files: list[Path] = []
    for path in paths:
        if not path.exists():
            raise QuizprepError(f"{path}: no such file or folder")
        found = deck_files(path)
        if not found:
            raise QuizprepError(f"{path}: no .yaml or .yml deck files in this folder")
        files += found
    targets = list(dict.fromkeys(f.resolve() for f in files))
    # References may point into decks that are not being validated (built-in or the
    # user's folder); those decks are context only, their own problems are not ours.
    visible = {p.resolve(): builtin for p, builtin in catalog_sources()}
    context = [(p, b) for p, b in visible.items() if p not in set(targets)]
    index = open_index([*((t, visible.get(t, False)) for t in targets), *context])
    names = {str(t) for t in targets}
    ids = [f.id for f in index.files if f.path in names]
    problems = [p for p in index.problems() if p.path in names]
    problems += _math_problems(index.math_names(ids))
    decks = [
        DeckSummary(f.deck, Path(f.path), tuple(index.rows(files=[f.id])))
        for f in index.files
        if f.id in set(ids) and f.deck is not None and f.cards
    ]
    return Report(decks, [str(p) for p in sorted(set(problems))], len(files))


def _math_problems(rows: Iterable[tuple[str, int, str, str]]) -> list[Problem]:
    from quizprep.core.names import MATH_NAMES, closest_math_name

    bad = [row for row in rows if row[3] not in MATH_NAMES]
    # The index keeps each card's first line; the field's own line (what an editor jumps
    # to) comes from reading the file again, which happens only when something is wrong.
    lines = {path: field_lines(Path(path), "math") for path in {row[0] for row in bad}}
    return [
        Problem(
            path,
            lines[path].get(card_id, line),
            f"card {card_id!r}: math {math!r} is not a function or demo{closest_math_name(math)}",
        )
        for path, line, card_id, math in bad
    ]


def field_lines(path: Path, field: str) -> dict[str, int]:
    """Card id → the line of that card's ``field`` in the deck file."""
    from quizprep.decks.yamlsource import line_of, read_yaml

    try:
        data, _ = read_yaml(path)
    except QuizprepError:
        return {}
    cards = data.get("cards") if isinstance(data, dict) else None
    out: dict[str, int] = {}
    for node in cards if isinstance(cards, list) else []:
        if isinstance(node, dict) and field in node:
            out[str(node.get("id"))] = line_of(node, field)
    return out
