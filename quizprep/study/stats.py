"""Where the user stands: plain numbers for ``quizprep stats`` (and ``--json``).

Everything over the review log is a SQL aggregate on the ``(reviewed_at, state_before,
rating)`` index, so a log of 100,000 rows costs index range scans, not Python loops. The
per-card numbers (states, due counts, mastery) loop over card states, of which there is
one per card, not per review.

Days are local calendar days: the log's UTC milliseconds are shifted by the local UTC
offset of ``now`` before being cut into days.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from quizprep.decks.model import DIFFICULTIES
from quizprep.study.backups import backups_dir, list_backups
from quizprep.study.grades import GradeOverrides, overrides
from quizprep.study.practice import ExerciseStats, exercise_stats
from quizprep.study.scheduler import Scheduler, local
from quizprep.study.storage import (
    NEW,
    REVIEW,
    STATE_NAMES,
    Storage,
    from_ms,
    stored_time,
    to_ms,
)
from quizprep.study.today import is_due

if TYPE_CHECKING:
    from quizprep.decks.index import CardRow
    from quizprep.decks.model import Card

DAY_MS = 86_400_000
RETENTION_DAYS = 30
HEATMAP_WEEKS = 53
EPOCH = date(1970, 1, 1)


# NamedTuples, not frozen dataclasses: as immutable, and ~1 ms cheaper to define on every
# `stats` run.


class Mastery(NamedTuple):
    name: str
    cards: int
    seen: int
    mastery: float  # mean recall probability over all cards (never-seen cards count 0)
    recall: float | None  # mean recall probability over seen cards only

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "cards": self.cards,
            "seen": self.seen,
            "mastery": round(self.mastery, 4),
            "recall": None if self.recall is None else round(self.recall, 4),
        }


class InterviewRecord(NamedTuple):
    """One row of the interview history (``stats``)."""

    id: int
    started_at: datetime
    ended_at: datetime | None
    planned: int
    questions: int
    score: float | None
    budget: timedelta
    topic: str | None
    end_reason: str | None

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "started_at": self.started_at.isoformat(timespec="seconds"),
            "date": self.started_at.astimezone().date().isoformat(),
            "questions": self.questions,
            "planned": self.planned,
            "score": None if self.score is None else round(self.score, 4),
            "minutes": round((self.ended_at - self.started_at).total_seconds() / 60, 1)
            if self.ended_at
            else None,
            "budget_minutes": round(self.budget.total_seconds() / 60, 1),
            "topic": self.topic,
            "end_reason": self.end_reason,
        }


class Stats(NamedTuple):
    today: date
    reviews: int
    reviews_today: int
    again_today: int
    retention: float | None  # share of review-state drill reviews in 30 days not rated Again
    retention_reviews: int  # how many reviews that share is over
    streak: int
    states: dict[str, int]
    cards: int
    cards_seen: int
    due_now: int
    due_next_7_days: list[tuple[date, int]]
    by_topic: list[Mastery]
    by_difficulty: list[Mastery]
    heatmap: Mapping[date, int]  # reviews per local day, days without any left out
    heatmap_start: date | None
    desired_retention: float | None
    interviews: Sequence[InterviewRecord]  # newest first
    backups_folder: str  # where reset, prune and import save a copy first
    backups: Sequence[str]  # oldest first
    exercises: Sequence[ExerciseStats]  # code, then derive
    grading: GradeOverrides | None  # how often the user overrode the grader
    plans: Sequence[Any] = ()  # readiness.Report per interview date ahead

    def to_json(self) -> dict[str, Any]:
        return {
            "today": self.today.isoformat(),
            "reviews": self.reviews,
            "reviews_today": self.reviews_today,
            "again_today": self.again_today,
            "retention": None if self.retention is None else round(self.retention, 4),
            "retention_reviews": self.retention_reviews,
            "retention_days": RETENTION_DAYS,
            "streak": self.streak,
            "cards": self.cards,
            "cards_seen": self.cards_seen,
            "due_now": self.due_now,
            "states": self.states,
            "due_next_7_days": [{"date": d.isoformat(), "due": n} for d, n in self.due_next_7_days],
            "mastery": {
                "by_topic": [m.to_json() for m in self.by_topic],
                "by_difficulty": [m.to_json() for m in self.by_difficulty],
            },
            "heatmap": {d.isoformat(): n for d, n in sorted(self.heatmap.items())},
            "desired_retention": self.desired_retention,
            "interviews": [i.to_json() for i in self.interviews],
            "plans": [p.to_json() for p in self.plans],
            "backups": {"folder": self.backups_folder, "files": list(self.backups)},
            "exercises": {e.kind: e.to_json() for e in self.exercises},
            "grading": (self.grading or GradeOverrides(0, 0, 0, 0)).to_json(),
        }

    def dumps(self) -> str:
        import json

        return json.dumps(self.to_json(), indent=2, ensure_ascii=False)


class CardGroup(NamedTuple):
    """How many loaded cards share a topic and a difficulty."""

    topic: str
    difficulty: str
    cards: int


def collect(
    storage: Storage,
    cards: Sequence[Card | CardRow],
    now: datetime,
    scheduler: Scheduler | None = None,
) -> Stats:
    """Every number ``stats`` shows. ``cards`` are the cards of the loaded decks."""
    counts: dict[tuple[str, str], int] = {}
    for card in cards:
        counts[card.topic, card.difficulty] = counts.get((card.topic, card.difficulty), 0) + 1
    groups = [CardGroup(t, d, n) for (t, d), n in counts.items()]
    stored = storage.states()
    seen = [card for card in cards if card.key in stored]
    return collect_groups(storage, groups, seen, now, scheduler, stored)


def collect_groups(
    storage: Storage,
    groups: Sequence[CardGroup],
    seen: Sequence[Card | CardRow],
    now: datetime,
    scheduler: Scheduler | None = None,
    stored: dict | None = None,
) -> Stats:
    """:func:`collect` from card counts per group and the cards that have progress.

    A 50,000-card deck is counted in SQL; only cards with progress are looked at one by
    one (their recall needs the scheduler), so ``stats`` costs what the progress does.
    """
    here = local(now)
    offset_ms = int(here.utcoffset().total_seconds() * 1000)  # type: ignore[union-attr]
    today = here.date()
    today_ms = _day_start_ms(today, offset_ms)
    now_ms = to_ms(now)

    # The log: aggregates only.
    reviews = storage.query("SELECT COUNT(*) FROM review_log")[0][0]
    # Bounded above too: a review stamped in the future is not one of today's.
    today_row = storage.query(
        "SELECT COUNT(*), COALESCE(SUM(rating = 1), 0) FROM review_log"
        " WHERE reviewed_at >= ? AND reviewed_at < ?",
        (today_ms, _day_start_ms(today + timedelta(days=1), offset_ms)),
    )[0]
    since = now_ms - RETENTION_DAYS * DAY_MS
    kept = storage.query(
        "SELECT COUNT(*), COALESCE(SUM(rating > 1), 0) FROM review_log"
        " WHERE reviewed_at >= ? AND state_before = ? AND source = 'drill'",
        (since, REVIEW),
    )[0]
    heat_start = today - timedelta(days=today.weekday() + 7 * (HEATMAP_WEEKS - 1))
    tomorrow_ms = _day_start_ms(today + timedelta(days=1), offset_ms)
    heatmap = _days(storage, offset_ms, _day_start_ms(heat_start, offset_ms), tomorrow_ms)
    streak = _streak(storage, heatmap, today, offset_ms)

    # Card states: one row per card.
    scheduler = scheduler or Scheduler()
    stored = storage.states() if stored is None else stored
    states = dict.fromkeys(STATE_NAMES.values(), 0)
    ends = [_day_start_ms(today + timedelta(days=i + 1), offset_ms) for i in range(7)]
    due_counts = [0] * 7
    due_now = 0
    recall: dict[tuple[str, str], float] = {}
    total = sum(g.cards for g in groups)
    states[STATE_NAMES[NEW]] = total
    with storage.reading():  # a damaged saved card is a corrupt-database error
        for card in seen:
            row = stored.get(card.key)
            if row is None or card.key in recall:
                continue
            states[STATE_NAMES[NEW]] -= 1
            states[STATE_NAMES[row.state]] += 1
            due = to_ms(row.due)
            due_now += is_due(row, now, from_ms(tomorrow_ms))
            for i, end in enumerate(ends):
                if due < end:
                    due_counts[i] += 1
                    break
            recall[card.key] = scheduler.retrievability(row.fsrs, now, card.key)
    return Stats(
        today=today,
        reviews=int(reviews),
        reviews_today=int(today_row[0]),
        again_today=int(today_row[1]),
        retention=(kept[1] / kept[0]) if kept[0] else None,
        retention_reviews=int(kept[0]),
        streak=streak,
        states=states,
        cards=total,
        cards_seen=len(recall),
        due_now=due_now,
        due_next_7_days=[(today + timedelta(days=i), n) for i, n in enumerate(due_counts)],
        by_topic=_mastery(groups, seen, recall, lambda c: c.topic),
        by_difficulty=sorted(
            _mastery(groups, seen, recall, lambda c: c.difficulty),
            key=lambda m: DIFFICULTIES.index(m.name) if m.name in DIFFICULTIES else 99,
        ),
        heatmap=heatmap,
        heatmap_start=heat_start,
        desired_retention=scheduler.desired_retention,
        interviews=interview_history(storage),
        backups_folder=str(backups_dir(storage.path)),
        backups=[str(p) for p in list_backups(backups_dir(storage.path))],
        exercises=exercise_stats(storage),
        grading=overrides(storage),
    )


def interview_history(storage: Storage, limit: int | None = None) -> list[InterviewRecord]:
    """Saved mock interviews, newest first."""
    sql = (
        "SELECT id, started_at, ended_at, planned, questions, score, budget_ms, topic,"
        " end_reason FROM interviews ORDER BY started_at DESC, id DESC"
    )
    rows = storage.query(sql + (" LIMIT ?" if limit else ""), (limit,) if limit else ())
    with storage.reading():
        return [
            InterviewRecord(
                id=row[0],
                started_at=stored_time(row[1], "interviews.started_at"),
                ended_at=stored_time(row[2], "interviews.ended_at") if row[2] is not None else None,
                planned=row[3],
                questions=row[4],
                score=row[5],
                budget=_budget(row[6]),
                topic=row[7],
                end_reason=row[8],
            )
            for row in rows
        ]


def _budget(ms: object) -> timedelta:
    from quizprep.study.storage import DamagedRow

    try:
        return timedelta(milliseconds=ms)  # type: ignore[arg-type]
    except (TypeError, OverflowError):
        raise DamagedRow(f"interviews.budget_ms holds {str(ms)[:40]!r}") from None


def gather(deck_paths: Sequence[Path] = (), now: datetime | None = None) -> Stats:
    """``quizprep stats``: the loaded decks' cards against the progress database."""
    from quizprep.decks.catalog import load_catalog
    from quizprep.study.scheduler import utc_now
    from quizprep.study.settings import desired_retention

    catalog = load_catalog(list(deck_paths))
    now = now or utc_now()
    with Storage.open() as storage:
        scheduler = Scheduler(desired_retention(storage), fuzz=False)
        stored = storage.states()
        # Counted in SQL; only cards with progress are read (stats never builds a card).
        groups = [CardGroup(*g) for g in catalog.groups()]
        seen = catalog.light_rows(stored)
        stats = collect_groups(storage, groups, seen, now, scheduler, stored)
        # plan hook: the readiness line of each interview date still ahead (the plan
        # modules are imported, and cards built, only when a plan is stored)
        plans = []
        if storage.query("SELECT 1 FROM interview_plans LIMIT 1"):
            from quizprep.study.readiness import readiness_for_stats

            plans = readiness_for_stats(storage, catalog, scheduler, now)
    return stats._replace(plans=plans) if plans else stats


def due_by_deck(storage: Storage, cards: Sequence[Card | CardRow], now: datetime) -> dict[str, int]:
    """Cards due now per deck id (seen cards only; new cards are not 'due')."""
    stored = storage.states()
    counts: dict[str, int] = {}
    for card in cards:
        row = stored.get(card.key)
        counts.setdefault(card.deck, 0)
        if row is not None and row.due <= now:
            counts[card.deck] += 1
    return counts


def due_counts_by_deck(catalog: Any, now: datetime | None = None) -> dict[str, int]:
    """Cards due now per deck of ``catalog`` (what ``deck list`` shows), from the database."""
    from quizprep.study.scheduler import utc_now

    with Storage.open() as storage:
        return due_by_deck(storage, list(catalog.rows(question=False)), now or utc_now())


def _day_start_ms(day: date, offset_ms: int) -> int:
    return (day - EPOCH).days * DAY_MS - offset_ms


def _days(storage: Storage, offset_ms: int, start_ms: int, end_ms: int) -> dict[date, int]:
    """Reviews per local day from ``start_ms`` (a local midnight) to ``end_ms``.

    One index range count per day, generated in SQL: about twice as fast as GROUP BY on
    a computed day, which sorts every row through a temporary B-tree.
    """
    days = max(0, -(-(end_ms - start_ms) // DAY_MS))  # ceiling
    rows = storage.query(
        "WITH RECURSIVE day(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM day WHERE n + 1 < ?)"
        " SELECT n, (SELECT COUNT(*) FROM review_log WHERE reviewed_at >= ? + n * ?"
        " AND reviewed_at < ? + (n + 1) * ?) AS reviews FROM day WHERE reviews > 0",
        (days, start_ms, DAY_MS, start_ms, DAY_MS),
    )
    first = EPOCH + timedelta(days=(start_ms + offset_ms) // DAY_MS)
    return {first + timedelta(days=int(n)): int(count) for n, count in rows}


def _streak(storage: Storage, recent: dict[date, int], today: date, offset_ms: int) -> int:
    """Consecutive days with reviews up to today (or up to yesterday, if today has none yet).

    Walks back one day at a time in SQL with an EXISTS probe per day: one index seek a
    day, however many reviews each day holds.
    """
    last = today if today in recent else today - timedelta(days=1)
    if last not in recent:
        return 0
    rows = storage.query(
        "WITH RECURSIVE back(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM back WHERE EXISTS"
        " (SELECT 1 FROM review_log"
        "  WHERE reviewed_at >= :last - n * :day AND reviewed_at < :last - (n - 1) * :day))"
        " SELECT COUNT(*) - 1 FROM back",
        {"last": _day_start_ms(last, offset_ms), "day": DAY_MS},
    )
    return int(rows[0][0])


def _mastery(
    groups: Sequence[CardGroup], seen: Sequence[Card | CardRow], recall: dict, group: Any
) -> list[Mastery]:
    sizes: dict[str, int] = {}
    for g in groups:
        sizes[group(g)] = sizes.get(group(g), 0) + g.cards
    recalled: dict[str, list[float]] = {}
    for card in seen:
        if card.key in recall:
            recalled.setdefault(group(card), []).append(recall[card.key])
    out = []
    for name, size in sizes.items():
        values = recalled.get(name, [])
        out.append(
            Mastery(
                name=name,
                cards=size,
                seen=len(values),
                # fsum: exact whatever order the cards came in (index or deck order)
                mastery=math.fsum(values) / size,
                recall=math.fsum(values) / len(values) if values else None,
            )
        )
    return sorted(out, key=lambda m: m.name.lower())
