"""`stats` numbers on a real database built with a fixed clock."""

from __future__ import annotations

import sqlite3
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from quizprep.study.scheduler import Scheduler
from quizprep.study.stats import collect, due_by_deck
from quizprep.study.storage import NEW, REVIEW, ReviewRecord, Storage, to_ms

from .drill_helpers import deck_cards

NOW = datetime(2025, 6, 18, 15, 0, tzinfo=timezone.utc)  # a Wednesday


@pytest.fixture(autouse=True)
def utc_zone(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def db(tmp_path: Path):
    with Storage.open(tmp_path / "p.sqlite3") as storage:
        yield storage


@pytest.fixture
def cards(tmp_path: Path):
    return deck_cards(tmp_path, n=6)


def log_rows(storage: Storage, rows: list[tuple[str, datetime, int, int]]) -> None:
    """Append raw review-log rows: (card id, time, rating, state before)."""
    raw = sqlite3.connect(storage.path)
    raw.executemany(
        "INSERT INTO review_log (deck_id, card_id, reviewed_at, rating, duration_ms,"
        " state_before, state_after, interval_after, due_after, fsrs_after)"
        " VALUES ('drilltest', ?, ?, ?, 0, ?, 2, 86400, ?, '{}')",
        [(c, to_ms(t), r, s, to_ms(t) + 86_400_000) for c, t, r, s in rows],
    )
    raw.commit()
    raw.close()


def review(storage: Storage, scheduler: Scheduler, key, rating: int, when: datetime) -> None:
    def compute(before):
        out = scheduler.review(key, before.fsrs if before else None, rating, when)
        return ReviewRecord(when, rating, 1000, out.fsrs, out.state, out.due)

    storage.review(key, compute)


def test_empty_database(db: Storage, cards) -> None:
    stats = collect(db, cards, NOW)
    assert stats.reviews == 0 and stats.reviews_today == 0
    assert stats.retention is None and stats.streak == 0
    assert stats.states == {"new": 6, "learning": 0, "review": 0, "relearning": 0}
    assert stats.cards_seen == 0 and stats.due_now == 0
    assert [n for _, n in stats.due_next_7_days] == [0] * 7
    assert all(m.mastery == 0 and m.recall is None for m in stats.by_topic)
    assert stats.heatmap == {}


def test_today_total_and_retention_window(db: Storage, cards) -> None:
    rows = [
        ("c1", NOW - timedelta(hours=1), 3, REVIEW),
        ("c2", NOW - timedelta(hours=2), 1, REVIEW),
        ("c3", NOW - timedelta(days=3), 3, REVIEW),
        ("c4", NOW - timedelta(days=10), 2, REVIEW),
        ("c5", NOW - timedelta(days=5), 1, NEW),  # not a review-state review
        ("c6", NOW - timedelta(days=45), 1, REVIEW),  # outside the 30 days
    ]
    log_rows(db, rows)
    stats = collect(db, cards, NOW)
    assert stats.reviews == 6
    assert stats.reviews_today == 2 and stats.again_today == 1
    assert stats.retention_reviews == 4
    assert stats.retention == pytest.approx(3 / 4)
    json = stats.to_json()
    assert json["reviews"] == 6 and json["retention"] == 0.75
    assert {"reviews", "cards_seen", "due_now", "retention"} <= json.keys()


def test_streak_counts_consecutive_days(db: Storage, cards) -> None:
    days = [0, 1, 2, 4, 5]
    log_rows(db, [("c1", NOW - timedelta(days=d), 3, REVIEW) for d in days])
    assert collect(db, cards, NOW).streak == 3
    # Nothing yet today does not break yesterday's streak.
    assert collect(db, cards, NOW + timedelta(days=1)).streak == 3
    assert collect(db, cards, NOW + timedelta(days=2)).streak == 0


def test_streak_longer_than_the_heatmap_window(db: Storage, cards) -> None:
    log_rows(db, [("c1", NOW - timedelta(days=d), 3, REVIEW) for d in range(500)])
    stats = collect(db, cards, NOW)
    assert stats.streak == 500
    assert len(stats.heatmap) == (NOW.date() - stats.heatmap_start).days + 1


def test_heatmap_counts_reviews_per_day(db: Storage, cards) -> None:
    log_rows(db, [("c1", NOW - timedelta(days=2, hours=h), 3, REVIEW) for h in range(3)])
    log_rows(db, [("c2", NOW - timedelta(days=400), 3, REVIEW)])
    stats = collect(db, cards, NOW)
    assert stats.heatmap == {date(2025, 6, 16): 3}
    assert stats.heatmap_start.weekday() == 0  # columns are whole weeks


def test_days_are_local_days(db: Storage, cards, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    # 02:00 UTC on the 18th is 22:00 on the 17th in New York (EDT, UTC-4).
    log_rows(db, [("c1", datetime(2025, 6, 18, 2, 0, tzinfo=timezone.utc), 3, REVIEW)])
    stats = collect(db, cards, NOW)
    assert stats.heatmap == {date(2025, 6, 17): 1}
    assert stats.reviews_today == 0 and stats.streak == 1


def test_states_due_counts_and_mastery(db: Storage, cards) -> None:
    scheduler = Scheduler(seed=3, fuzz=False)
    start = NOW - timedelta(days=20)
    for card in cards[:3]:  # topics Alpha, Beta, Alpha
        review(db, scheduler, card.key, 3, start)
        review(db, scheduler, card.key, 3, start + timedelta(minutes=10))  # graduates
    review(db, scheduler, cards[3].key, 1, NOW - timedelta(minutes=5))  # learning, due soon
    stats = collect(db, cards, NOW, scheduler)
    assert stats.states == {"new": 2, "learning": 1, "review": 3, "relearning": 0}
    assert stats.cards_seen == 4
    stored = db.states()
    due_now = sum(stored[c.key].due <= NOW for c in cards[:4])
    assert stats.due_now == due_now >= 4  # three graduated 20 days ago + the Again card
    assert stats.due_next_7_days[0][1] == 4  # today includes everything overdue
    alpha = next(m for m in stats.by_topic if m.name == "Alpha")
    assert alpha.cards == 3 and alpha.seen == 2
    assert 0 < alpha.mastery < alpha.recall < 1
    assert [m.name for m in stats.by_difficulty] == ["easy", "medium", "hard"]
    by_deck = due_by_deck(db, cards, NOW)
    assert by_deck == {"drilltest": due_now}


def test_due_in_the_coming_week(db: Storage, cards) -> None:
    scheduler = Scheduler(seed=3, fuzz=False)
    review(db, scheduler, cards[0].key, 3, NOW)
    review(db, scheduler, cards[0].key, 3, NOW + timedelta(minutes=10))
    due = db.states()[cards[0].key].due
    stats = collect(db, cards, NOW + timedelta(minutes=10), scheduler)
    expected_day = (due.date() - NOW.date()).days
    assert 1 <= expected_day < 7
    counts = [n for _, n in stats.due_next_7_days]
    assert counts[expected_day] == 1 and sum(counts) == 1
    assert stats.due_now == 0


def test_orphaned_progress_is_not_counted_as_a_card(db: Storage, cards) -> None:
    scheduler = Scheduler(seed=3)
    review(db, scheduler, ("gone-deck", "gone"), 3, NOW)
    stats = collect(db, cards, NOW, scheduler)
    assert stats.reviews == 1  # history is history
    assert stats.cards_seen == 0 and stats.states["new"] == 6


def test_due_counts_by_deck_for_deck_list(tmp_path: Path) -> None:
    from quizprep.decks.catalog import load_catalog
    from quizprep.study.stats import due_counts_by_deck

    from .drill_helpers import write_deck

    catalog = load_catalog([write_deck(tmp_path)], include_builtin=False, include_user=False)
    scheduler = Scheduler(seed=1)
    with Storage.open() as storage:
        review(storage, scheduler, catalog.cards[0].key, 1, NOW - timedelta(hours=1))
        review(storage, scheduler, catalog.cards[1].key, 4, NOW - timedelta(hours=1))
    assert due_counts_by_deck(catalog, NOW) == {"drilltest": 1}


def test_stats_from_the_card_index_equal_stats_over_every_card(quizprep_home: Path) -> None:
    from quizprep.decks.catalog import load_catalog
    from quizprep.paths import database_path
    from quizprep.study.stats import gather

    cards = load_catalog().cards
    scheduler = Scheduler(seed=1)
    with Storage.open(database_path()) as storage:
        for i, card in enumerate(cards[:7]):
            review(storage, scheduler, card.key, 1 + i % 4, NOW - timedelta(days=i))
        storage.review(("gone", "card"), lambda before: ReviewRecord(  # an orphan's progress
            NOW, 3, 1000, *_fresh(scheduler, NOW)))  # fmt: skip
        full = collect(storage, cards, NOW, Scheduler(fuzz=False))
    fast = gather(now=NOW)
    assert fast == full
    assert fast.cards == len(cards) and fast.cards_seen == 7
    assert fast.states["new"] == len(cards) - 7


def _fresh(scheduler: Scheduler, when: datetime) -> tuple:
    out = scheduler.review(("gone", "card"), None, 3, when)
    return out.fsrs, out.state, out.due
