"""Shared pieces for the drill tests: a settable clock and a small real deck file."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

from quizprep.decks.catalog import load_catalog
from quizprep.decks.model import Card

T0 = datetime(2025, 3, 10, 9, 0, tzinfo=timezone.utc)


class Clock:
    """An injected clock the test moves by hand."""

    def __init__(self, start: datetime = T0) -> None:
        self.at = start

    def __call__(self) -> datetime:
        return self.at

    def advance(self, **kwargs: float) -> datetime:
        self.at += timedelta(**kwargs)
        return self.at


def write_deck(folder: Path, n: int = 6, deck_id: str = "drilltest") -> Path:
    lines = [f"deck: {deck_id}", "title: Drill test deck", "version: 1", "cards:"]
    for i in range(1, n + 1):
        difficulty = ("easy", "medium", "hard")[i % 3]
        topic = "Alpha" if i % 2 else "Beta"
        lines += [
            f"  - id: c{i}",
            f"    topic: {topic}",
            f"    difficulty: {difficulty}",
            f"    question: Question number {i}?",
            f"    answer: Answer number {i} mentions gradient saturation.",
            "    key_points:",
            f"      - text: point {i} about gradient saturation",
            "        accept: [vanishing gradient]",
            "      - the loss is convex",
        ]
        if i == 1:
            lines.append("    math: not-a-real-demo")
    path = folder / f"{deck_id}.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def deck_cards(folder: Path, n: int = 6) -> list[Card]:
    path = write_deck(folder, n)
    return load_catalog([path], include_builtin=False, include_user=False).cards
