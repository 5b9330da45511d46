"""How ready the user will be on an interview date: FSRS's forecast and the plan's projection.

:func:`forecast` is FSRS's own prediction for the cards as they stand: each card's
retrievability at the interview hour of the date (``Scheduler.get_card_retrievability``),
cards never rated counting as 0. :func:`project` walks the plan forward day by day, doing
each day's reviews and new cards as the drill would (the same pacing and bring-forward rule
from :mod:`quizprep.study.plan`) with every answer rated Good, to show the work each day
and the readiness it leads to. Times are parameters; nothing reads a clock.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from quizprep.decks.model import DIFFICULTIES
from quizprep.study.plan import (
    GOOD,
    INTERVIEW_HOUR,
    STUDY_HOUR,
    WEAKEST,
    CardKey,
    Plan,
    apply_dues,
    at_local,
    days_for_new,
    days_until,
    introduced_since,
    load_plans,
    local_day,
    new_limit_today,
    plan_cards,
    plan_dues,
    recall_at,
    seconds_per_review,
    window_reviews_since,
)
from quizprep.study.storage import LEARNING, RELEARNING, StoredCard

if TYPE_CHECKING:
    from quizprep.decks.catalog import Catalog
    from quizprep.decks.model import Card
    from quizprep.study.scheduler import Scheduler
    from quizprep.study.storage import Storage

MAX_CHART_DAYS = 21


class Group(NamedTuple):
    """Predicted recall on the date for one topic or difficulty."""

    name: str
    cards: int
    introduced: int
    recall: float  # mean over all its cards, never-rated ones counting 0

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "cards": self.cards,
            "introduced": self.introduced,
            "recall": round(self.recall, 4),
        }


class Readiness(NamedTuple):
    at: datetime
    recall: float
    cards: int
    introduced: int
    by_topic: tuple[Group, ...]
    by_difficulty: tuple[Group, ...]
    weakest: tuple[Group, ...]  # the topics with the lowest predicted recall, lowest first
    per_card: dict[CardKey, float]

    def to_json(self) -> dict[str, Any]:
        return {
            "at": self.at.isoformat(timespec="minutes"),
            "recall": round(self.recall, 4),
            "cards": self.cards,
            "introduced": self.introduced,
            "by_topic": [g.to_json() for g in self.by_topic],
            "by_difficulty": [g.to_json() for g in self.by_difficulty],
            "weakest_topics": [g.name for g in self.weakest],
        }


def forecast(
    cards: Sequence[Card],
    states: Mapping[CardKey, StoredCard],
    recall: Callable[[StoredCard], float],
    at: datetime,
) -> Readiness:
    """Predicted recall at ``at`` of each card, overall and per topic and difficulty."""
    per_card = {c.key: recall(states[c.key]) if c.key in states else 0.0 for c in cards}
    topics = _groups(cards, per_card, lambda c: c.topic)
    difficulties = sorted(
        _groups(cards, per_card, lambda c: c.difficulty),
        key=lambda g: DIFFICULTIES.index(g.name) if g.name in DIFFICULTIES else 99,
    )
    topics.sort(key=lambda g: g.name.lower())
    weakest = sorted(topics, key=lambda g: (g.recall, g.name.lower()))[:WEAKEST]
    return Readiness(
        at=at,
        recall=sum(per_card.values()) / len(per_card) if per_card else 0.0,
        cards=len(per_card),
        introduced=sum(1 for c in cards if c.key in states),
        by_topic=tuple(topics),
        by_difficulty=tuple(difficulties),
        weakest=tuple(weakest),
        per_card=per_card,
    )


def _groups(cards: Sequence[Card], recall: dict[CardKey, float], name: Any) -> list[Group]:
    members: dict[str, list[Card]] = {}
    for card in cards:
        members.setdefault(name(card), []).append(card)
    return [
        Group(
            name=key,
            cards=len(group),
            introduced=sum(1 for c in group if recall[c.key] > 0),
            recall=sum(recall[c.key] for c in group) / len(group),
        )
        for key, group in members.items()
    ]


# -- projecting the plan forward -------------------------------------------------------------


class Day(NamedTuple):
    """One day of the plan, as the projection expects it to go."""

    day: date
    new: int  # cards introduced
    reviews: int  # ratings given, learning steps included
    minutes: float
    readiness: float  # mean predicted recall at the interview hour that day

    def to_json(self) -> dict[str, Any]:
        return {
            "date": self.day.isoformat(),
            "new": self.new,
            "reviews": self.reviews,
            "minutes": round(self.minutes, 1),
            "readiness": round(self.readiness, 4),
        }


def project(
    plan: Plan,
    cards: Sequence[Card],
    states: Mapping[CardKey, StoredCard],
    scheduler: Scheduler,
    now: datetime,
    seconds: float,
    *,
    introduced_today: int = 0,
    done_today: int = 0,
) -> list[Day]:
    """Each day from today to the date if the user drills the plan's cards every day and
    answers every one Good: new cards, reviews, minutes, and readiness that day."""
    import fsrs

    sim: dict[CardKey, StoredCard] = {c.key: states[c.key] for c in cards if c.key in states}
    keys = [c.key for c in cards]
    # The readiness of every day reads every card: parse each card state once, not once a
    # day, and ask fsrs's own scheduler (the parameters ours uses) for the retrievability.
    engine = fsrs.Scheduler(desired_retention=scheduler.desired_retention)
    parsed = {key: fsrs.Card.from_json(stored.fsrs) for key, stored in sim.items()}
    recall_on_date = recall_at(scheduler, plan.target())
    step = timedelta(seconds=seconds)
    days: list[Day] = []
    today = local_day(now)
    day = today
    while day <= plan.date:
        first = day == today
        start = now if first else at_local(day, STUDY_HOUR)
        tomorrow = at_local(day + timedelta(days=1))
        clock = start
        new = reviews = 0
        if day < plan.date:
            intro = introduced_today if first else 0
            waiting = [k for k in keys if k not in sim]
            limit = max(0, new_limit_today(plan, len(waiting), intro, day) - intro)
            done = done_today if first else 0
            dues = plan_dues(
                plan, sim, keys, start, recall_on_date, scheduler.desired_retention, done
            )
            current = apply_dues(sim, dues)
            queue: list[tuple[datetime, int, CardKey]] = []
            for order, key in enumerate(keys):
                stored = current.get(key)
                if stored is not None and stored.due < tomorrow:
                    heapq.heappush(queue, (max(start, stored.due), order, key))
            for order, key in enumerate(waiting[:limit]):
                heapq.heappush(queue, (start, len(keys) + order, key))
                new += 1
            while queue:
                when, order, key = heapq.heappop(queue)
                clock = max(clock, when)
                before = sim.get(key)
                outcome = scheduler.review(key, before.fsrs if before else None, GOOD, clock)
                sim[key] = StoredCard(key, outcome.fsrs, outcome.state, outcome.due)
                parsed[key] = fsrs.Card.from_json(outcome.fsrs)
                reviews += 1
                clock += step
                if outcome.state in (LEARNING, RELEARNING) and outcome.due < tomorrow:
                    heapq.heappush(queue, (outcome.due, order, key))
        moment = plan.target() if day == plan.date else max(clock, at_local(day, INTERVIEW_HOUR))
        total = sum(engine.get_card_retrievability(card, moment) for card in parsed.values())
        ready = total / len(keys) if keys else 0.0
        days.append(Day(day, new, reviews, reviews * seconds / 60, ready))
        day += timedelta(days=1)
    return days


# -- the report `quizprep plan` shows ----------------------------------------------------------


class Report(NamedTuple):
    plan: Plan
    today: date
    days_left: int  # until the date (0: the interview is today; negative: it has passed)
    cards: int
    new_left: int  # cards not yet introduced
    new_days: int  # days left to introduce them
    seconds_per_review: float
    measured: bool  # seconds per review from the user's own log (else the default)
    minutes_needed: float  # the projection's mean minutes per study day
    readiness: Readiness  # FSRS's forecast for the date, from the cards as they stand
    days: tuple[Day, ...]  # the projection, today to the date
    target: float  # the desired retention

    @property
    def peak_minutes(self) -> float:
        return max((d.minutes for d in self.days if d.day < self.plan.date), default=0.0)

    @property
    def overloaded(self) -> bool:
        """The busiest day needs more than the minutes the user gave the plan."""
        return round(self.peak_minutes) > self.plan.budget

    @property
    def pace_line(self) -> str:
        """``42 cards in 3 days: about 25 minutes a day``."""
        left = self.days_left
        minutes = f"about {max(1, round(self.minutes_needed))} minutes a day"
        if not self.new_left:
            return f"every card introduced; reviews for {left} day{'s' * (left != 1)}: {minutes}"
        cards = f"{self.new_left} new card{'s' * (self.new_left != 1)}"
        return f"{cards} in {left} day{'s' * (left != 1)}: {minutes}"

    def to_json(self) -> dict[str, Any]:
        return {
            **self.plan.to_json(),
            "today": self.today.isoformat(),
            "days_left": self.days_left,
            "cards": self.cards,
            "new_left": self.new_left,
            "seconds_per_review": round(self.seconds_per_review, 1),
            "seconds_measured": self.measured,
            "minutes_needed": round(self.minutes_needed, 1),
            "peak_minutes": round(self.peak_minutes, 1),
            "overloaded": self.overloaded,
            "target": self.target,
            "readiness": self.readiness.to_json(),
            "days": [d.to_json() for d in self.days],
        }


def report(
    storage: Storage,
    plan: Plan,
    every_card: Sequence[Card],
    scheduler: Scheduler,
    now: datetime,
    *,
    states: Mapping[CardKey, StoredCard] | None = None,
    projection: bool = True,
) -> Report:
    """Everything ``quizprep plan`` shows for one plan at ``now``."""
    today = local_day(now)
    cards = plan_cards(plan, every_card)
    states = storage.states() if states is None else states
    target = plan.target()
    readiness = forecast(cards, states, recall_at(scheduler, target), target)
    seconds, measured = seconds_per_review(storage)
    days: list[Day] = []
    if projection and today < plan.date:
        midnight = at_local(today)
        keys = {c.key for c in cards}
        days = project(
            plan,
            cards,
            states,
            scheduler,
            now,
            seconds,
            introduced_today=len(introduced_since(storage, midnight) & keys),
            done_today=len(window_reviews_since(storage, plan, midnight) & keys),
        )
    study = [d for d in days if d.day < plan.date]
    return Report(
        plan=plan,
        today=today,
        days_left=days_until(plan, today),
        cards=len(cards),
        new_left=sum(1 for c in cards if c.key not in states),
        new_days=days_for_new(plan, today),
        seconds_per_review=seconds,
        measured=measured,
        minutes_needed=sum(d.minutes for d in study) / len(study) if study else 0.0,
        readiness=readiness,
        days=tuple(days),
        target=scheduler.desired_retention,
    )


def gather(deck_paths: Sequence[Path] = (), now: datetime | None = None) -> list[Report]:
    """``quizprep plan``: a report for every stored plan."""
    from quizprep.decks.catalog import load_catalog
    from quizprep.study.scheduler import Scheduler, utc_now
    from quizprep.study.settings import desired_retention
    from quizprep.study.storage import Storage

    now = now or utc_now()
    cards = load_catalog(list(deck_paths)).cards
    with Storage.open() as storage:
        scheduler = Scheduler(desired_retention(storage))
        states = storage.states()
        return [
            report(storage, plan, cards, scheduler, now, states=states)
            for plan in load_plans(storage)
        ]


def readiness_for_stats(
    storage: Storage, catalog: Catalog, scheduler: Scheduler, now: datetime
) -> list[Report]:
    """The plans still ahead (or today), for ``stats``' readiness line: no projection.

    The catalog's cards are built only when there is a plan to report on."""
    today = local_day(now)
    plans = [plan for plan in load_plans(storage) if plan.date >= today]
    if not plans:
        return []
    cards = catalog.cards
    states = storage.states()
    return [
        report(storage, plan, cards, scheduler, now, states=states, projection=False)
        for plan in plans
    ]


def chart_days(days: Sequence[Day]) -> list[Day]:
    """At most MAX_CHART_DAYS rows: every k-th day of a long plan, always the date."""
    if len(days) <= MAX_CHART_DAYS:
        return list(days)
    step = -(-len(days) // MAX_CHART_DAYS)
    picked = list(days[::step])
    if picked[-1] is not days[-1]:
        picked[-1] = days[-1]
    return picked


def set_plan(
    day: date,
    deck_ids: Sequence[str],
    minutes: int | None,
    deck_paths: Sequence[Path] = (),
    now: datetime | None = None,
) -> tuple[list[Report], list[str]]:
    """``quizprep plan --date``: store the plan; returns every plan's report and notes."""
    from quizprep.decks.catalog import load_catalog
    from quizprep.errors import QuizprepError
    from quizprep.study.plan import check_minutes, save_plan
    from quizprep.study.scheduler import utc_now
    from quizprep.study.storage import Storage

    now = now or utc_now()
    check_minutes(minutes)
    catalog = load_catalog(list(deck_paths))
    known = sorted({card.deck for card in catalog.cards})
    wanted = tuple(dict.fromkeys(deck_ids))
    unknown = [d for d in wanted if d not in known]
    if unknown:
        raise QuizprepError(
            f"unknown deck id {', '.join(repr(d) for d in unknown)}; "
            f"known deck ids: {', '.join(known) or 'none'}",
            hint="See them with `quizprep deck list`.",
        )
    with Storage.open() as storage:
        _, notes = save_plan(storage, Plan(day, wanted, minutes), now)
    return gather(deck_paths, now), notes


def clear(deck_ids: Sequence[str]) -> list[str]:
    """``quizprep plan --clear [--deck ID]...``."""
    from quizprep.study.plan import clear_plans
    from quizprep.study.storage import Storage

    with Storage.open() as storage:
        return clear_plans(storage, tuple(dict.fromkeys(deck_ids)))
