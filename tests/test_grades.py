"""Stored grades (migration 4): the grader's verdicts and the user's, and the override rate
`quizprep stats` reports."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest
from rich.console import Console

from quizprep.study.grades import overrides, record
from quizprep.study.migrations import MIGRATIONS
from quizprep.study.scheduler import Scheduler
from quizprep.study.stats import collect
from quizprep.study.storage import ReviewRecord, Storage

from .drill_helpers import deck_cards

NOW = datetime(2025, 6, 18, 15, 0, tzinfo=timezone.utc)
C, M, X = "covered", "missed", "contradicted"


@pytest.fixture
def db(tmp_path: Path):
    with Storage.open(tmp_path / "p.sqlite3") as storage:
        yield storage


def review(storage: Storage, key: tuple[str, str], rating: int) -> int:
    scheduler = Scheduler()

    def compute(before):
        out = scheduler.review(key, before.fsrs if before else None, rating, NOW)
        return ReviewRecord(NOW, rating, 1000, out.fsrs, out.state, out.due)

    return storage.review(key, compute).id


def test_migration_4_creates_the_grades_table(db: Storage) -> None:
    assert 4 in [number for number, _, _ in MIGRATIONS]
    assert db.schema_version() >= 4
    assert db.query("SELECT COUNT(*) FROM review_grades") == [(0,)]


def test_overrides_count_changed_answers_and_points(db: Storage, tmp_path: Path) -> None:
    cards = deck_cards(tmp_path, n=3)
    assert overrides(db).graded == 0 and overrides(db).share is None
    first = review(db, cards[0].key, 3)
    record(db, cards[0], [C, C], [C, C], 3, 3, NOW, review_id=first)
    second = review(db, cards[1].key, 2)
    record(db, cards[1], [C, C], [C, X], 3, 1, NOW, review_id=second)
    record(db, cards[2], [M, M], [C, M], 1, 2, NOW, interview_id=1, position=1)
    result = overrides(db)
    assert (result.graded, result.overridden, result.points, result.points_changed) == (3, 2, 6, 2)
    assert result.share == pytest.approx(2 / 3)
    # an undone review takes its grade out of the figures
    db.undo(second)
    assert overrides(db).graded == 2 and overrides(db).overridden == 1


def test_stats_report_the_override_rate(db: Storage, tmp_path: Path) -> None:
    cards = deck_cards(tmp_path, n=2)
    log_id = review(db, cards[0].key, 2)
    record(db, cards[0], [C, C], [C, M], 3, 2, NOW, review_id=log_id)
    stats = collect(db, cards, NOW, Scheduler(fuzz=False))
    assert stats.to_json()["grading"] == {
        "graded": 1, "overridden": 1, "override_rate": 1.0, "points": 2, "points_changed": 1,
    }  # fmt: skip
    from quizprep.render.stats import render_stats

    console = Console(record=True, width=100, color_system=None)
    render_stats(console, stats)
    assert "changed the grader's verdicts on 1 (100%)" in console.export_text()
