"""Interview-date plans: pace new cards, bring reviews forward, forecast readiness on the day.

Spaced repetition optimises for remembering forever: two weeks before an interview, FSRS
happily schedules a card's next review for the week after it. A plan ties a set of decks to
a date and changes only *when the drill shows cards*, never a card's FSRS state:

* **Pacing.** New cards are spread evenly over the days up to the day before the final
  window (the last ``window_days`` days before the date), so every card is introduced with
  a few days to spare. A late starter (nothing left but the window) gets them by the day
  before the date, and a clear estimate of the minutes a day that takes.
* **Bring forward.** In the final window, every card whose last review came before the
  window is shown once more. A card FSRS already has due on a window day keeps that day;
  the others (FSRS would put their review after the date) are brought forward, strongest
  first: each window day takes its even share of the cards still waiting, those with the
  highest predicted recall on the date (FSRS retrievability) first, so the weakest are seen
  last, closest to the date. A card reviewed in the window whose predicted recall on the
  date is still below the desired retention comes back on the day before the date.
* **Afterwards** nothing is adjusted: each card is due when FSRS says, from its real last
  review, so ending or clearing a plan loses nothing.

Readiness is FSRS's own prediction: the mean retrievability of the plan's cards at the
interview hour (local noon) of the date, cards not yet introduced counting as 0.

Everything here takes the time as a parameter (no clock is read) and returns plain data.
fsrs is reached only through :class:`~quizprep.study.scheduler.Scheduler`, imported lazily.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, NamedTuple

from quizprep.errors import QuizprepError
from quizprep.study.storage import NEW, REVIEW, StoredCard, from_ms, to_ms

if TYPE_CHECKING:
    from quizprep.decks.model import Card
    from quizprep.study.scheduler import Scheduler
    from quizprep.study.storage import Storage

CardKey = tuple[str, str]
States = dict[CardKey, StoredCard]

MAX_WINDOW_DAYS = 3  # the final window: every card is reviewed in the last days before the date
INTERVIEW_HOUR = 12  # readiness is predicted for local noon of the date
STUDY_HOUR = 9  # when the projection assumes each later day's drill happens
DEFAULT_SECONDS_PER_REVIEW = 20.0  # until the log has enough timed reviews of the user's own
MAX_ANSWER_SECONDS = 60.0  # as Anki: a longer answer time is a user who walked away
MIN_TIMED_REVIEWS = 10
TIMED_SAMPLE = 500  # the most recent timed reviews the median is taken over
DEFAULT_MINUTES_PER_DAY = 20
MAX_MINUTES_PER_DAY = 600
WEAKEST = 3
GOOD = 3

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class Plan(NamedTuple):
    """One interview date and the decks it covers (``()`` = every deck)."""

    date: date
    decks: tuple[str, ...] = ()
    minutes_per_day: int | None = None  # None: DEFAULT_MINUTES_PER_DAY
    created: date | None = None  # the local day it was set; None: two weeks before the date
    id: int | None = None

    def covers(self, deck_id: str) -> bool:
        return not self.decks or deck_id in self.decks

    @property
    def scope(self) -> str:
        return "all decks" if not self.decks else ", ".join(self.decks)

    @property
    def budget(self) -> int:
        return self.minutes_per_day or DEFAULT_MINUTES_PER_DAY

    @property
    def window_days(self) -> int:
        """3 days for a plan of 12 days or more, fewer for a shorter one (at least 1)."""
        created = self.created or self.date - timedelta(days=14)
        return max(1, min(MAX_WINDOW_DAYS, (self.date - created).days // 4))

    @property
    def window_start(self) -> date:
        return self.date - timedelta(days=self.window_days)

    def intro_deadline(self, today: date) -> date:
        """The last day new cards are introduced: the day before the window, or for a late
        starter already past it, the day before the date."""
        normal = self.window_start - timedelta(days=1)
        return normal if today <= normal else self.date - timedelta(days=1)

    def target(self) -> datetime:
        """The moment readiness is predicted for: local noon of the date."""
        return at_local(self.date, INTERVIEW_HOUR)

    def to_json(self) -> dict[str, object]:
        return {
            "date": self.date.isoformat(),
            "decks": list(self.decks),
            "minutes_per_day": self.budget,
            "window_days": self.window_days,
        }


# -- days and dates --------------------------------------------------------------------------


def at_local(day: date, hour: int = 0) -> datetime:
    """``hour`` o'clock on ``day`` in the computer's local time zone, as an aware datetime."""
    return datetime.combine(day, time(hour)).astimezone()


def local_day(moment: datetime) -> date:
    return moment.astimezone().date()


def days_until(plan: Plan, today: date) -> int:
    return (plan.date - today).days


def parse_date(text: str, today: date) -> date:
    """``YYYY-MM-DD``, today or later; a usage error (exit 2) otherwise."""
    if not _DATE.fullmatch(text.strip()):
        raise QuizprepError(f"{text!r} is not a date; use YYYY-MM-DD, e.g. 2026-12-15", 2)
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise QuizprepError(f"{text!r} is not a real date (YYYY-MM-DD)", 2) from None
    if day < today:
        raise QuizprepError(
            f"{day.isoformat()} is in the past (today is {today.isoformat()}); "
            "give the date of an interview still ahead",
            2,
        )
    return day


def check_minutes(minutes: int | None) -> int | None:
    if minutes is not None and not 1 <= minutes <= MAX_MINUTES_PER_DAY:
        raise QuizprepError(f"minutes per day must be 1–{MAX_MINUTES_PER_DAY}, not {minutes}", 2)
    return minutes


# -- pacing ----------------------------------------------------------------------------------


def days_for_new(plan: Plan, today: date) -> int:
    """Days left to introduce new cards, today included (0 on or after the date)."""
    if today >= plan.date:
        return 0
    return (plan.intro_deadline(today) - today).days + 1


def new_limit_today(plan: Plan, waiting: int, introduced_today: int, today: date) -> int:
    """New cards for today's drill in all: the cards not yet introduced at the start of the
    day spread evenly over the days left for new cards. (``waiting`` is counted now, so the
    cards introduced earlier today are added back: a second drill the same day gets the
    same day's share, not a new share of a smaller remainder.)"""
    days = days_for_new(plan, today)
    if days <= 0:
        return 0
    return math.ceil((waiting + introduced_today) / days)


# -- bringing reviews forward ----------------------------------------------------------------


def last_review(stored: StoredCard) -> datetime | None:
    """When the card was last rated, from the scheduler's JSON (no fsrs import)."""
    value = json.loads(stored.fsrs).get("last_review")
    return datetime.fromisoformat(value) if value else None


def waiting_for_window(plan: Plan, stored: StoredCard) -> bool:
    """A review card not yet seen in the final window (its last review came before it)."""
    if stored.state != REVIEW:
        return False
    last = last_review(stored)
    return last is None or last < at_local(plan.window_start)


def plan_dues(
    plan: Plan,
    states: Mapping[CardKey, StoredCard],
    keys: Iterable[CardKey],
    now: datetime,
    recall_on_date: Callable[[StoredCard], float],
    retention: float,
    done_today: int = 0,
) -> dict[CardKey, datetime]:
    """The due time the plan gives each of ``keys`` whose FSRS due it changes, at ``now``.

    ``done_today``: cards that were waiting for their window review at the start of today
    and have had it since (so the day's share is kept across several drills a day).
    """
    today = local_day(now)
    if not plan.window_start <= today < plan.date:
        return {}
    tomorrow = at_local(today + timedelta(days=1))
    date_start = at_local(plan.date)
    waiting: list[StoredCard] = []
    changed: dict[CardKey, datetime] = {}
    for key in keys:
        stored = states.get(key)
        if stored is None or stored.state != REVIEW:
            continue  # new cards are paced; learning steps keep their minutes
        if waiting_for_window(plan, stored):
            waiting.append(stored)
        elif stored.due >= date_start and recall_on_date(stored) < retention:
            # Seen in the window, but FSRS puts the next review after the date while recall
            # on the date would fall below the target: once more, the day before the date.
            changed[key] = at_local(plan.date - timedelta(days=1))
    due_anyway = [s for s in waiting if s.due < tomorrow]
    later = [s for s in waiting if s.due >= tomorrow]
    days_left = (plan.date - today).days
    share = math.ceil((len(waiting) + done_today) / days_left)
    room = max(0, share - done_today - len(due_anyway))
    # Strongest first, so the cards most likely to be forgotten are seen closest to the date.
    later.sort(key=lambda s: (-recall_on_date(s), s.key))
    midnight = at_local(today)
    for stored in later[:room]:
        changed[stored.key] = midnight
    return changed


def apply_dues(states: Mapping[CardKey, StoredCard], dues: Mapping[CardKey, datetime]) -> States:
    out = dict(states)
    for key, due in dues.items():
        out[key] = out[key]._replace(due=due)
    return out


# -- the user's pace -------------------------------------------------------------------------


def seconds_per_review(storage: Storage) -> tuple[float, bool]:
    """Median seconds per drill review over the latest timed ones (each capped at a minute),
    and whether it was measured (``False``: too few timed reviews, the default is used)."""
    rows = storage.query(
        "SELECT duration_ms FROM review_log WHERE duration_ms > 0 AND source = 'drill'"
        " ORDER BY reviewed_at DESC LIMIT ?",
        (TIMED_SAMPLE,),
    )
    if len(rows) < MIN_TIMED_REVIEWS:
        return DEFAULT_SECONDS_PER_REVIEW, False
    import statistics  # only here: it pulls in fractions and decimal

    return statistics.median(min(r[0] / 1000, MAX_ANSWER_SECONDS) for r in rows), True


def introduced_since(storage: Storage, since: datetime) -> set[CardKey]:
    rows = storage.query(
        "SELECT DISTINCT deck_id, card_id FROM review_log WHERE reviewed_at >= ?"
        " AND state_before = ?",
        (to_ms(since), NEW),
    )
    return {(d, c) for d, c in rows}


def window_reviews_since(storage: Storage, plan: Plan, since: datetime) -> set[CardKey]:
    """Cards whose window review (their first review since before the window) was given
    at or after ``since``."""
    rows = storage.query(
        "SELECT deck_id, card_id, fsrs_before, due_before FROM review_log"
        " WHERE reviewed_at >= ? AND state_before = ?",
        (to_ms(since), REVIEW),
    )
    out = set()
    for deck_id, card_id, fsrs_before, due_before in rows:
        before = StoredCard((deck_id, card_id), fsrs_before, REVIEW, from_ms(due_before))
        if plan.covers(deck_id) and waiting_for_window(plan, before):
            out.add((deck_id, card_id))
    return out


# -- storing plans ---------------------------------------------------------------------------


def load_plans(storage: Storage) -> list[Plan]:
    """Every stored plan, nearest date first."""
    rows = storage.query(
        "SELECT id, interview_date, decks, minutes_per_day, created_at FROM interview_plans"
        " ORDER BY interview_date, id"
    )
    return [
        Plan(
            date=date.fromisoformat(day),
            decks=tuple(json.loads(decks)),
            minutes_per_day=minutes,
            created=local_day(from_ms(created)),
            id=row_id,
        )
        for row_id, day, decks, minutes, created in rows
    ]


def _overlaps(a: Plan, b: Plan) -> bool:
    return not a.decks or not b.decks or bool(set(a.decks) & set(b.decks))


def save_plan(storage: Storage, plan: Plan, now: datetime) -> tuple[Plan, list[str]]:
    """Store ``plan``; an overlapping plan loses the overlapping decks (or goes, if nothing
    is left of it). Returns the stored plan and a note for each plan changed."""
    notes: list[str] = []
    created = to_ms(now)
    with storage.transaction() as db:
        for old in load_plans(storage):
            if not _overlaps(old, plan):
                continue
            if (old.date, old.decks) == (plan.date, plan.decks):
                # The same plan set again (say, with other minutes): it keeps the day it was
                # first set, so its final window does not shrink.
                row = db.execute(
                    "SELECT created_at FROM interview_plans WHERE id = ?", (old.id,)
                ).fetchone()
                created = min(created, int(row[0]))
            keep = tuple(d for d in old.decks if plan.decks and d not in plan.decks)
            if keep:
                db.execute(
                    "UPDATE interview_plans SET decks = ? WHERE id = ?", (json.dumps(keep), old.id)
                )
                notes.append(f"the {old.date} plan now covers only {', '.join(keep)}")
            else:
                db.execute("DELETE FROM interview_plans WHERE id = ?", (old.id,))
                if (old.date, old.decks) != (plan.date, plan.decks):
                    notes.append(f"replaced the {old.date} plan for {old.scope}")
        cursor = db.execute(
            "INSERT INTO interview_plans (interview_date, decks, minutes_per_day, created_at)"
            " VALUES (?, ?, ?, ?)",
            (plan.date.isoformat(), json.dumps(list(plan.decks)), plan.minutes_per_day, created),
        )
    saved = plan._replace(id=int(cursor.lastrowid or 0), created=local_day(from_ms(created)))
    return saved, notes


def clear_plans(storage: Storage, decks: Sequence[str] = ()) -> list[str]:
    """Remove every plan, or take ``decks`` out of the plans; returns what changed."""
    notes: list[str] = []
    with storage.transaction() as db:
        for old in load_plans(storage):
            if decks and old.decks and not set(decks) & set(old.decks):
                continue
            keep = tuple(d for d in old.decks if decks and d not in decks)
            if decks and not old.decks:
                notes.append(
                    f"the {old.date} plan covers all decks; clear it with `quizprep plan --clear`"
                )
                continue
            if keep:
                db.execute(
                    "UPDATE interview_plans SET decks = ? WHERE id = ?", (json.dumps(keep), old.id)
                )
                notes.append(f"the {old.date} plan now covers only {', '.join(keep)}")
            else:
                db.execute("DELETE FROM interview_plans WHERE id = ?", (old.id,))
                notes.append(f"removed the {old.date} plan for {old.scope}")
    return notes


# -- which cards a plan covers ---------------------------------------------------------------


def plan_cards(plan: Plan, cards: Sequence[Card]) -> list[Card]:
    seen: dict[CardKey, Card] = {}
    for card in cards:
        if plan.covers(card.deck):
            seen.setdefault(card.key, card)
    return list(seen.values())


def active(plans: Sequence[Plan], today: date) -> list[Plan]:
    """Plans still shaping the drill: the date is still ahead."""
    return [p for p in plans if today < p.date]


def plan_for(plans: Sequence[Plan], deck_id: str, today: date) -> Plan | None:
    """The nearest active plan covering ``deck_id``."""
    for plan in active(plans, today):
        if plan.covers(deck_id):
            return plan
    return None


# -- the drill's hooks -----------------------------------------------------------------------


class DrillPlan(NamedTuple):
    """What the active plans change about today's drill."""

    cards: list[Card]  # the selected cards, planned ones first (new cards come in this order)
    new_per_day: int | None  # the day's new-card limit for Session; None: no plan applies
    adjust: Callable[[States, datetime], States] | None  # Session's hook for due times
    plans: list[Plan]


def recall_at(scheduler: Scheduler, at: datetime) -> Callable[[StoredCard], float]:
    return lambda stored: scheduler.retrievability(stored.fsrs, at)


def for_drill(
    storage: Storage,
    every_card: Sequence[Card],
    selected: Sequence[Card],
    scheduler: Scheduler,
    now: datetime,
) -> DrillPlan:
    """The hooks a drill at ``now`` takes from the stored plans.

    ``every_card``: all loaded cards (a plan paces its whole set, not just today's filter);
    ``selected``: the cards this drill shows.
    """
    today = local_day(now)
    decks = {card.deck for card in selected}
    plans = [p for p in active(load_plans(storage), today) if any(map(p.covers, decks))]
    if not plans:
        return DrillPlan(list(selected), None, None, [])
    midnight = at_local(today)
    states = storage.states()
    introduced = introduced_since(storage, midnight)
    pace = 0
    for plan in plans:
        keys = [c.key for c in plan_cards(plan, every_card)]
        waiting = sum(1 for k in keys if k not in states)
        mine = sum(1 for k in keys if k in introduced)
        pace += new_limit_today(plan, waiting, mine, today) - mine
    # Session counts every card introduced today against its limit; the plan's share is
    # what is left of the plans' paces, whatever else was introduced.
    new_per_day = pace + len(introduced)

    rank = {p.id: i for i, p in enumerate(plans)}

    def order(card: Card) -> int:
        owner = next((p for p in plans if p.covers(card.deck)), None)
        return len(plans) if owner is None else rank[owner.id]

    ordered = sorted(selected, key=order)  # stable: deck order within each plan

    def adjust(current: States, at: datetime) -> States:
        dues: dict[CardKey, datetime] = {}
        start = at_local(local_day(at))
        for plan in plans:
            # The whole plan shares out the window, whatever this drill's filters select.
            keys = [c.key for c in plan_cards(plan, every_card)]
            done = len(window_reviews_since(storage, plan, start))
            recall = recall_at(scheduler, plan.target())
            dues.update(
                plan_dues(plan, current, keys, at, recall, scheduler.desired_retention, done)
            )
        return apply_dues(current, dues)

    return DrillPlan(ordered, new_per_day, adjust, plans)


def final_queue(
    cards: Sequence[Card],
    states: Mapping[CardKey, StoredCard],
    recall: Callable[[StoredCard], float],
) -> list[Card]:
    """The introduced cards, lowest predicted recall first (the last day's drill order)."""
    seen = [(recall(states[c.key]), i, c) for i, c in enumerate(cards) if c.key in states]
    return [card for _, _, card in sorted(seen, key=lambda t: (t[0], t[1]))]


def queue_in_order(order: Sequence[CardKey], now: datetime) -> Callable[[States, datetime], States]:
    """A Session hook that makes exactly ``order`` due now, in that order (the session shows
    due cards by due time)."""

    def adjust(current: States, at: datetime) -> States:
        out = dict(current)
        for i, key in enumerate(order):
            if key in out:
                out[key] = out[key]._replace(due=now - timedelta(milliseconds=len(order) - i))
        return out

    return adjust
