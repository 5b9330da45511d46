"""FSRS scheduling through the ``fsrs`` package, with seeded fuzz and Anki-style previews.

fsrs draws its interval fuzz from the module-level ``random()`` of ``fsrs.scheduler`` (the
global ``random`` generator). To make fuzz reproducible without touching the global
generator, each review swaps that name for a generator seeded from (our seed, the card,
the card's last review) while ``review_card`` runs. Keying the draw on the card's state
rather than on call order means the preview shown on a button is exactly the interval the
rating gives, and a test with a fixed seed and clock is exact.
"""

from __future__ import annotations

import math
import threading
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any, NamedTuple

from quizprep.errors import QuizprepError

if TYPE_CHECKING:
    import fsrs

CardKey = tuple[str, str]

RATINGS: dict[int, str] = {1: "Again", 2: "Hard", 3: "Good", 4: "Easy"}
DEFAULT_RETENTION = 0.9
MIN_RETENTION, MAX_RETENTION = 0.70, 0.99

REVIEW_STATE = 2  # fsrs.State.Review
_fuzz_lock = threading.Lock()


class Outcome(NamedTuple):
    """What a rating does to a card."""

    fsrs: str  # the scheduler card as JSON, for storage
    state: int  # 1 learning, 2 review, 3 relearning (fsrs.State values)
    due: datetime
    interval: timedelta  # due - review time


def check_retention(value: float) -> float:
    if not MIN_RETENTION <= value <= MAX_RETENTION:
        raise QuizprepError(
            f"desired retention {value:g} is out of range; "
            f"use a value from {MIN_RETENTION:g} to {MAX_RETENTION:g} (0.9 is a good default)"
        )
    return value


def as_utc(moment: datetime) -> datetime:
    """fsrs insists on tzinfo == timezone.utc exactly."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: pass an aware datetime")
    return moment.astimezone(timezone.utc)


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def day_start(now: datetime) -> datetime:
    """Midnight of ``now``'s day in ``now``'s own time zone (local days, not UTC days)."""
    return now.replace(hour=0, minute=0, second=0, microsecond=0)


def local(moment: datetime) -> datetime:
    """``moment`` in the computer's local time zone."""
    return moment.astimezone()


def next_day_start(now: datetime) -> datetime:
    """The next local midnight after ``now`` (DST-safe: computed on the wall clock)."""
    here = local(now)
    tomorrow = (day_start(here) + timedelta(days=1)).replace(tzinfo=None)
    return tomorrow.astimezone()  # the wall-clock midnight in the local zone


# One fuzz seed for every review the app computes (drill, interview, progress replay). The
# fuzz still differs per card and per review, because the draw also mixes in the card and
# its last review; but the same review log always rebuilds the same state, so importing
# another machine's progress does not move the due dates of cards drilled here.
FUZZ_SEED = 0


class Scheduler:
    """FSRS with this app's choices: seeded fuzz, default learning steps (1m, 10m)."""

    def __init__(
        self,
        desired_retention: float = DEFAULT_RETENTION,
        *,
        fuzz: bool = True,
        seed: int | None = None,
    ) -> None:
        self.desired_retention = check_retention(desired_retention)
        self.seed = FUZZ_SEED if seed is None else seed
        self.fuzz = fuzz
        self._scheduler: fsrs.Scheduler | None = None

    @property
    def _fsrs(self) -> fsrs.Scheduler:
        # fsrs is imported on first use, not at start-up: the first drill card shows the
        # question side only, and the scheduler is needed once the answer is revealed.
        if self._scheduler is None:
            import fsrs

            self._scheduler = fsrs.Scheduler(
                desired_retention=self.desired_retention, enable_fuzzing=self.fuzz
            )
        return self._scheduler

    @staticmethod
    def card_id(key: CardKey) -> int:
        # fsrs wants an int id (and sleeps 1 ms to invent one if none is given).
        return zlib.crc32(f"{key[0]}/{key[1]}".encode())

    def load(self, key: CardKey, stored: str | None) -> fsrs.Card:
        import fsrs

        if stored is None:
            return fsrs.Card(
                card_id=self.card_id(key), due=datetime(1970, 1, 1, tzinfo=timezone.utc)
            )
        try:
            return fsrs.Card.from_json(stored)
        except (ValueError, KeyError, TypeError, OverflowError, AttributeError):
            raise _damaged(key) from None

    @contextmanager
    def _seeded(self, key: CardKey, card: fsrs.Card) -> Iterator[None]:
        import fsrs.scheduler as _fsrs_scheduler

        if not callable(getattr(_fsrs_scheduler, "random", None)):  # pragma: no cover
            raise RuntimeError("fsrs.scheduler no longer draws fuzz from random(); update quizprep")
        seed = self._fuzz_seed(key, card)
        drawn: list[Callable[[], float]] = []

        def draw() -> float:
            # Seeded on first use: fsrs draws only for review-state intervals, and seeding
            # from a string (a SHA-512) was a tenth of replaying a big progress import.
            if not drawn:
                import random  # only a review needs it; keeps the first card fast

                drawn.append(random.Random(seed).random)
            return drawn[0]()

        with _fuzz_lock:
            original = _fsrs_scheduler.random
            _fsrs_scheduler.random = draw  # type: ignore[assignment]
            try:
                yield
            finally:
                _fsrs_scheduler.random = original  # type: ignore[assignment]

    def review(
        self,
        key: CardKey,
        stored: str | None,
        rating: int,
        when: datetime,
        duration_ms: int | None = None,
    ) -> Outcome:
        """Rate a card (``stored`` is its saved JSON, ``None`` for a new card).

        Ratings that graduate a card to whole days are kept apart, as Anki keeps them: Good
        gives at least a day more than Hard, and Easy at least a day more than Good. A
        learning card's Good and Easy both graduate from short-term stability and can land
        on the same day ("3 Good 1d, 4 Easy 1d"); a card already in review has intervals
        far enough apart that this is left to fsrs (and :meth:`replay` stays cheap). Each
        rating's result depends only on the card and the moment, so the preview and the
        rating agree.
        """
        if rating not in RATINGS:
            raise QuizprepError(f"rating must be 1–4, not {rating!r}")
        when = as_utc(when)
        after = self._raw(key, stored, rating, when, duration_ms)
        if rating >= 2 and int(after.state) == REVIEW_STATE and _graduating(stored):
            below = self.review(key, stored, rating - 1, when)
            floor = below.due + timedelta(days=1)
            if below.state == REVIEW_STATE and _days(after.due - when) <= _days(below.interval):
                after.due = floor
        return Outcome(after.to_json(), int(after.state), after.due, after.due - when)

    def _raw(
        self, key: CardKey, stored: str | None, rating: int, when: datetime, duration_ms: int | None
    ) -> fsrs.Card:
        import fsrs

        card = self.load(key, stored)
        try:
            with self._seeded(key, card):
                after, _log = self._fsrs.review_card(
                    card, fsrs.Rating(rating), review_datetime=when, review_duration=duration_ms
                )
        except (ValueError, OverflowError) as exc:
            if stored is None:
                raise
            raise _damaged(key) from exc  # absurd saved values (a due date in year 9999)
        return after

    def _fuzz_seed(self, key: CardKey, card: fsrs.Card) -> str:
        return f"{self.seed}|{key[0]}/{key[1]}|{card.last_review}|{card.step}"

    def replay(
        self, key: CardKey, reviews: Iterable[tuple[datetime, int, int | None]]
    ) -> list[Outcome]:
        """Rate a new card through ``reviews`` (time, rating, duration) in order.

        The same outcomes as calling :meth:`review` with each result's JSON (same fuzz
        draws, same JSON), built for a progress import of 100,000 reviews: the card stays
        in memory (fsrs copies the card it is given), the fuzz hook is set once per card
        rather than once per review, and the JSON is written directly.
        """
        import random

        import fsrs
        import fsrs.scheduler as _fsrs_scheduler

        card = self.load(key, None)
        out = []
        current: list[Any] = [None, None]  # this review's seed, and its generator once drawn

        def draw() -> float:
            if current[1] is None:
                current[1] = random.Random(current[0]).random
            return current[1]()

        review_card = self._fsrs.review_card

        def rated(before: Any, r: int, duration: int | None, seed: str, when: datetime) -> Any:
            current[0], current[1] = seed, None
            after, _log = review_card(
                before, fsrs.Rating(r), review_datetime=when, review_duration=duration
            )
            # the same whole-day spacing as review() when a card graduates
            if r >= 2 and int(after.state) == REVIEW_STATE and int(before.state) != REVIEW_STATE:
                below = rated(before, r - 1, None, seed, when)
                gap = _days(below.due - when)
                if int(below.state) == REVIEW_STATE and _days(after.due - when) <= gap:
                    after.due = below.due + timedelta(days=1)
            return after

        with _fuzz_lock:
            original = _fsrs_scheduler.random
            _fsrs_scheduler.random = draw  # type: ignore[assignment]
            try:
                for when, rating, duration_ms in reviews:
                    if rating not in RATINGS:
                        raise QuizprepError(f"rating must be 1–4, not {rating!r}")
                    if when.tzinfo is not timezone.utc:
                        when = as_utc(when)
                    card = rated(card, rating, duration_ms, self._fuzz_seed(key, card), when)
                    out.append(Outcome(card_json(card), int(card.state), card.due, card.due - when))
            finally:
                _fsrs_scheduler.random = original  # type: ignore[assignment]
        return out

    def preview(self, key: CardKey, stored: str | None, when: datetime) -> dict[int, timedelta]:
        """The interval each rating 1–4 would give if pressed at ``when``."""
        return {r: self.review(key, stored, r, when).interval for r in RATINGS}

    def retrievability(
        self, stored: str | None, when: datetime, key: CardKey = ("?", "?")
    ) -> float:
        """FSRS's predicted probability of recalling the card at ``when`` (0 if never rated)."""
        if stored is None:
            return 0.0
        card = self.load(key, stored)
        try:
            return float(self._fsrs.get_card_retrievability(card, as_utc(when)))
        except (ValueError, OverflowError, TypeError):
            raise _damaged(key) from None


def _damaged(key: CardKey) -> Exception:
    """A saved scheduler card fsrs cannot use: reported as a damaged database row."""
    from quizprep.study.storage import DamagedRow

    return DamagedRow(f"card_state row {key[0]}/{key[1]}: the scheduler's saved card is not valid")


def _graduating(stored: str | None) -> bool:
    """Whether a card with this saved JSON is new or still learning (not yet in review)."""
    if stored is None:
        return True
    import json

    try:
        return int(json.loads(stored).get("state", 0)) != REVIEW_STATE
    except (ValueError, TypeError, AttributeError):
        return True  # load() reports a damaged card properly


def _days(interval: timedelta) -> int:
    """Whole days, as the rating buttons show them."""
    return round(interval.total_seconds() / 86400)


def format_interval(interval: timedelta) -> str:
    """Anki's short form: ``<1m``, ``10m``, ``3h``, ``1d``, ``4d``, ``1.2mo``, ``2.5y``."""
    seconds = interval.total_seconds()
    if seconds < 60:
        return "<1m"
    minutes = seconds / 60
    if minutes < 60:
        return f"{round(minutes)}m"
    hours = minutes / 60
    if hours < 24:
        return _unit(hours, "h")
    days = hours / 24
    if days < 30:
        return f"{round(days)}d"
    if days < 365:
        return _unit(days / 30, "mo")
    return _unit(days / 365, "y")


def _unit(value: float, suffix: str) -> str:
    rounded = round(value, 1)
    text = f"{rounded:.0f}" if rounded == int(rounded) else f"{rounded:.1f}"
    return text + suffix


def format_until(moment: datetime, now: datetime) -> str:
    """``now``, ``in 10m``, ``in 3d`` — how long until ``moment``."""
    delta = moment - now
    if delta <= timedelta(0):
        return "now"
    return "in " + format_interval(delta)


def card_json(card: fsrs.Card) -> str:
    """``card.to_json()``, written directly (a third of a progress import's replay).

    Checked against fsrs's own ``to_json`` on first use; any difference (a new fsrs field,
    a float JSON writes differently) falls back to ``to_json`` for good.
    """
    global _direct_json
    stability, difficulty = card.stability, card.difficulty
    plain = all(
        v is None or (type(v) is float and math.isfinite(v)) for v in (stability, difficulty)
    )
    if not plain or _direct_json is False or type(card.step) not in (int, type(None)):
        return card.to_json()
    last = card.last_review
    text = (
        f'{{"card_id": {int(card.card_id)}, "state": {int(card.state.value)}, '
        f'"step": {"null" if card.step is None else int(card.step)}, '
        f'"stability": {"null" if stability is None else repr(stability)}, '
        f'"difficulty": {"null" if difficulty is None else repr(difficulty)}, '
        f'"due": "{card.due.isoformat()}", '
        f'"last_review": {"null" if last is None else chr(34) + last.isoformat() + chr(34)}}}'
    )
    if _direct_json is None:
        _direct_json = text == card.to_json()
        if not _direct_json:
            return card.to_json()
    return text


_direct_json: bool | None = None  # None: not yet checked against fsrs's to_json
