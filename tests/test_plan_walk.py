"""A two-week interview plan walked day by day through the real drill session.

An injected clock, a real SQLite database, simulated ratings from a seeded generator. The
drill is run exactly as ``quizprep drill`` runs it: the plan's hooks (new-card limit, due
times) go into :class:`Session`, which rates through FSRS and the database.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from pathlib import Path

import fsrs
import pytest

from quizprep.decks.catalog import load_catalog
from quizprep.study.plan import Plan, at_local, for_drill, last_review, load_plans, save_plan
from quizprep.study.readiness import forecast, report
from quizprep.study.scheduler import Scheduler
from quizprep.study.session import Session
from quizprep.study.storage import NEW, Storage

from .drill_helpers import write_deck

START = date(2026, 12, 1)
DATE = START + timedelta(days=14)
CARDS = 30
# Mostly Good, with enough Again and Hard to exercise relearning and short intervals.
RATINGS, WEIGHTS = (1, 2, 3, 4), (0.12, 0.15, 0.63, 0.10)


def drill_day(storage: Storage, cards, scheduler: Scheduler, day: date, rng: random.Random) -> int:
    """Every session the user would do that day (a morning drill, then again an hour after
    the last one until nothing is left). Returns the ratings given."""
    clock = {"at": at_local(day, 9)}

    def now() -> datetime:
        return clock["at"]

    given = 0
    while True:
        hooks = for_drill(storage, cards, cards, scheduler, now())
        session = Session(
            hooks.cards,
            storage,
            scheduler,
            now,
            new_per_day=10 if hooks.new_per_day is None else hooks.new_per_day,
            adjust=hooks.adjust,
        )
        if session.finished:
            return given
        while not session.finished:
            clock["at"] += timedelta(seconds=25)
            session.reveal()
            session.rate(rng.choices(RATINGS, WEIGHTS)[0])
            given += 1
        clock["at"] += timedelta(hours=1)
        assert clock["at"] < at_local(day + timedelta(days=1)), "the day's drill never ends"


@pytest.fixture
def walked(tmp_path: Path):
    """The whole fortnight, done once per test module run of this fixture."""
    deck = write_deck(tmp_path, n=CARDS)
    cards = load_catalog([deck], include_builtin=False, include_user=False).cards
    storage = Storage.open(tmp_path / "progress.sqlite3")
    scheduler = Scheduler(0.9, seed=11)
    plan, _ = save_plan(storage, Plan(DATE), at_local(START, 8))
    rng = random.Random(20261201)
    per_day = {}
    day = START
    while day < DATE:
        per_day[day] = drill_day(storage, cards, scheduler, day, rng)
        day += timedelta(days=1)
    yield storage, cards, scheduler, plan, per_day
    storage.close()


def introduced_on(storage: Storage) -> dict[tuple[str, str], date]:
    return {
        e.key: e.reviewed_at.astimezone().date() for e in storage.log() if e.state_before == NEW
    }


def test_every_card_is_introduced_in_time_and_evenly(walked) -> None:
    storage, cards, _, plan, _ = walked
    assert plan.window_days == 3
    first = introduced_on(storage)
    assert set(first) == {c.key for c in cards}
    deadline = plan.intro_deadline(START)
    assert deadline == DATE - timedelta(days=4)
    assert max(first.values()) <= deadline
    # 30 cards over the 11 days up to the deadline: 3 a day at most, never a pile-up.
    per_day: dict[date, int] = {}
    for day in first.values():
        per_day[day] = per_day.get(day, 0) + 1
    assert max(per_day.values()) == 3
    assert min(per_day.get(START + timedelta(days=i), 0) for i in range(10)) >= 2


def test_every_card_is_reviewed_in_the_last_days_before_the_date(walked) -> None:
    storage, cards, _, plan, _ = walked
    window = {plan.window_start + timedelta(days=i) for i in range(plan.window_days)}
    reviewed = {e.key for e in storage.log() if e.reviewed_at.astimezone().date() in window}
    assert reviewed == {c.key for c in cards}
    # Spread over the window, not piled on its last day.
    per_day = {d: 0 for d in window}
    seen: set = set()
    for entry in storage.log():
        day = entry.reviewed_at.astimezone().date()
        if day in window and entry.key not in seen:
            seen.add(entry.key)
            per_day[day] += 1
    assert all(n >= CARDS // 6 for n in per_day.values()), per_day
    # And the last review of every card lands in the window.
    for key, stored in storage.states().items():
        last = last_review(stored)
        assert last is not None and at_local(plan.window_start) <= last < at_local(DATE), key


def test_forecast_is_fsrs_own_retrievability_at_the_date(walked) -> None:
    storage, cards, scheduler, plan, _ = walked
    states = storage.states()
    target = plan.target()
    ready = forecast(cards, states, lambda s: scheduler.retrievability(s.fsrs, target), target)
    reference = fsrs.Scheduler(desired_retention=0.9)
    expected = {
        key: reference.get_card_retrievability(fsrs.Card.from_json(s.fsrs), target)
        for key, s in states.items()
    }
    assert ready.per_card == pytest.approx(expected, abs=0, rel=0)
    assert ready.recall == pytest.approx(sum(expected.values()) / CARDS, rel=1e-12)
    # Per topic: the same numbers grouped.
    for group in ready.by_topic:
        members = [c.key for c in cards if c.topic == group.name]
        assert group.recall == pytest.approx(sum(expected[k] for k in members) / len(members))
    # Following the plan leaves almost every card at or above the desired retention.
    assert ready.recall >= 0.9
    assert sum(r >= 0.9 for r in expected.values()) >= CARDS - 2


def test_the_report_agrees_with_the_forecast_and_the_plan_ends_after_the_date(walked) -> None:
    storage, cards, scheduler, plan, _ = walked
    the_day = report(storage, plan, cards, scheduler, at_local(DATE, 8))
    target = plan.target()
    reference = fsrs.Scheduler(desired_retention=0.9)
    states = storage.states()
    mean = (
        sum(
            reference.get_card_retrievability(fsrs.Card.from_json(states[c.key].fsrs), target)
            for c in cards
        )
        / CARDS
    )
    assert the_day.readiness.recall == pytest.approx(mean, rel=1e-12)
    assert the_day.days_left == 0 and the_day.new_left == 0
    # The day after: the plan shapes nothing; every due time is FSRS's own.
    after = at_local(DATE + timedelta(days=1), 9)
    hooks = for_drill(storage, cards, cards, scheduler, after)
    assert hooks.adjust is None and hooks.new_per_day is None and hooks.plans == []
    for stored in states.values():
        card = fsrs.Card.from_json(stored.fsrs)
        assert stored.due == card.due  # nothing the plan did is stored as state
    assert load_plans(storage)[0].date == DATE  # kept until cleared; inert


def test_without_a_plan_fsrs_alone_leaves_cards_unreviewed_before_the_date(tmp_path: Path) -> None:
    """The baseline the plan fixes: plain FSRS with ten new cards a day."""
    deck = write_deck(tmp_path, n=CARDS)
    cards = load_catalog([deck], include_builtin=False, include_user=False).cards
    with Storage.open(tmp_path / "p.sqlite3") as storage:
        scheduler = Scheduler(0.9, seed=11)
        rng = random.Random(20261201)
        day = START
        while day < DATE:
            drill_day(storage, cards, scheduler, day, rng)
            day += timedelta(days=1)
        window_start = at_local(DATE - timedelta(days=3))
        lasts = [last_review(s) for s in storage.states().values()]
        unreviewed = [last for last in lasts if last is not None and last < window_start]
        assert len(unreviewed) > CARDS // 3


def test_the_projection_matches_the_rule_it_projects(tmp_path: Path) -> None:
    deck = write_deck(tmp_path, n=CARDS)
    cards = load_catalog([deck], include_builtin=False, include_user=False).cards
    with Storage.open(tmp_path / "p.sqlite3") as storage:
        scheduler = Scheduler(0.9, seed=11)
        plan, _ = save_plan(storage, Plan(DATE), at_local(START, 8))
        days = report(storage, plan, cards, scheduler, at_local(START, 8)).days
    assert [d.day for d in days] == [START + timedelta(days=i) for i in range(15)]
    assert sum(d.new for d in days) == CARDS
    assert all(d.new == 0 for d in days if d.day > plan.intro_deadline(START))
    # Every card once in the window, each answered Good: at least one review per card.
    assert sum(d.reviews for d in days if d.day >= plan.window_start) >= CARDS
    assert days[-1].reviews == 0 and days[-1].readiness >= 0.9
    assert [d.readiness for d in days[:11]] == sorted(d.readiness for d in days[:11])
    assert days[0].minutes == pytest.approx(days[0].reviews * 20 / 60)
