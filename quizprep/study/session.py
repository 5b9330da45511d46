"""A drill session as a state machine: which card comes next, what each action does.

No I/O here: the session is built from cards, a :class:`Storage`, a :class:`Scheduler` and a
clock, and the interactive loop (``quizprep.tui.drill``) only calls its actions. Each rating is
written through storage (committed) before the next card is chosen.

Order: cards already due (review cards on their day, learning steps at their minute), most
overdue first; then new cards up to the daily new-card limit (counting cards already
introduced today); learning and relearning cards come back within the session once their
short step is up — or, when nothing else is left, up to ``learn_ahead`` early, as Anki does.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import NamedTuple

from quizprep.decks.model import Card
from quizprep.study.scheduler import Outcome, Scheduler, local, next_day_start
from quizprep.study.storage import (
    LEARNING,
    NEW,
    RELEARNING,
    REVIEW,
    STATE_NAMES,
    CardKey,
    ReviewRecord,
    Storage,
    StoredCard,
    from_ms,
    to_ms,
)

DEFAULT_NEW_PER_DAY = 10
LEARN_AHEAD = timedelta(minutes=20)
AGAIN = 1


class Summary(NamedTuple):
    """What the end-of-session screen and the nothing-due message need."""

    reviewed: int  # ratings given
    again: int  # how many of them were Again
    missed: tuple[Card, ...]  # cards rated Again at least once, in order
    skipped: tuple[Card, ...]
    next_due: datetime | None  # earliest due time among the selected cards already seen
    new_waiting: int  # selected cards never rated
    new_left_today: int  # how many of those today's new-card limit still allows
    cram: bool
    finished: bool  # every card of the session done (not quit early)


class _Snapshot:
    """The session as it was before an action, so undo can put it back."""

    __slots__ = ("again", "buried", "current", "kinds", "learning", "log_id", "missed",
                 "queue", "reviewed", "shown", "skipped")  # fmt: skip

    def __init__(self, session: Session) -> None:
        self.current = session.current
        self.queue = list(session._queue)
        self.learning = list(session._learning)
        self.reviewed = session.reviewed
        self.again = session.again
        self.missed = dict(session._missed)
        self.skipped = dict(session._skipped)
        self.shown = session._shown
        self.kinds = dict(session._kinds)
        self.log_id: int | None = None
        self.buried: CardKey | None = None


def is_due(stored: StoredCard, now: datetime, tomorrow: datetime) -> bool:
    """Due in today's session: learning steps at their minute, review cards all day.

    As in Anki, a review card is due on its day rather than at the minute FSRS computed
    (a card due at 18:00 belongs to this morning's session, not tomorrow's, where it would
    already be overdue). Learning steps are minutes apart and keep their exact time.
    """
    if stored.state == REVIEW:
        return stored.due < tomorrow
    return stored.due <= now


class Session:
    """One drill: the queue of cards and what rating, skipping and undoing do to it."""

    def __init__(
        self,
        cards: Sequence[Card],
        storage: Storage,
        scheduler: Scheduler,
        now: Callable[[], datetime],
        *,
        limit: int | None = None,
        new_per_day: int = DEFAULT_NEW_PER_DAY,
        cram: bool = False,
        learn_ahead: timedelta = LEARN_AHEAD,
        adjust: Callable[[dict[CardKey, StoredCard], datetime], dict[CardKey, StoredCard]]
        | None = None,  # plan hook (quizprep.study.plan): due times an interview plan sets
    ) -> None:
        self.storage = storage
        self.scheduler = scheduler
        self.now = now
        self.limit = limit
        self.new_per_day = new_per_day
        self.cram = cram
        self.learn_ahead = learn_ahead
        self.current: Card | None = None
        self.revealed = False
        self.reviewed = 0
        self.again = 0
        self.quit_early = False
        if limit is not None and limit < 1:
            raise ValueError("limit must be at least 1")
        unique: dict[CardKey, Card] = {}
        for card in cards:
            unique.setdefault(card.key, card)
        self.cards = list(unique.values())
        self._learning: list[tuple[datetime, Card]] = []
        self._missed: dict[CardKey, Card] = {}
        self._skipped: dict[CardKey, Card] = {}
        self._history: list[_Snapshot] = []
        self._shown = 0
        self._shown_at: datetime | None = None
        started = self.now()
        states = self.storage.states()
        if adjust is not None:  # plan hook: only which cards are due today, never FSRS state
            states = adjust(states, started)
        self._kinds = {key: states[key].state for key in unique if key in states}
        self._queue = self._plan(states, started)
        self._advance()

    # -- planning ------------------------------------------------------------------------

    def _plan(self, states: dict[CardKey, StoredCard], now: datetime) -> list[Card]:
        if self.cram:
            return list(self.cards[: self.limit])
        buried = self.storage.buried(now)
        tomorrow = next_day_start(now)
        due: list[tuple[datetime, int, Card]] = []
        new: list[Card] = []
        for index, card in enumerate(self.cards):
            if card.key in buried:
                continue
            stored = states.get(card.key)
            if stored is None:
                new.append(card)
            elif is_due(stored, now, tomorrow):
                due.append((stored.due, index, card))
            elif stored.state in (LEARNING, RELEARNING) and stored.due < tomorrow:
                self._learning.append((stored.due, card))
        queue = [card for _, _, card in sorted(due, key=lambda t: (t[0], t[1]))]
        queue += new[: self.new_left_today(now)]
        if self.limit is not None:
            queue = queue[: self.limit]
            keep = self.limit - len(queue)
            self._learning = sorted(self._learning, key=lambda t: t[0])[: max(keep, 0)]
        return queue

    def new_left_today(self, now: datetime | None = None) -> int:
        now = now or self.now()
        today = local(now).replace(hour=0, minute=0, second=0, microsecond=0)
        return max(0, self.new_per_day - self.storage.new_cards_since(today))

    def _advance(self) -> None:
        """Choose the next card: a learning card now due, else the queue, else learn ahead."""
        now = self.now()
        self._learning.sort(key=lambda t: t[0])
        nxt: Card | None = None
        if self._learning and self._learning[0][0] <= now:
            nxt = self._learning.pop(0)[1]
        elif self._queue:
            nxt = self._queue.pop(0)
        elif self._learning and self._learning[0][0] <= now + self.learn_ahead:
            nxt = self._learning.pop(0)[1]
        self.current = nxt
        self.revealed = False
        if nxt is not None:
            self._shown += 1
            self._shown_at = now

    # -- what the screen shows -----------------------------------------------------------

    @property
    def finished(self) -> bool:
        return self.current is None

    @property
    def position(self) -> int:
        """1-based number of the card on screen."""
        return self._shown

    @property
    def total(self) -> int:
        """Cards shown so far plus those still waiting (grows when a card must come back)."""
        return self._shown + len(self._queue) + len(self._learning)

    def kind(self, card: Card | None = None) -> str:
        """``new``, ``learning``, ``review``, ``relearning`` or ``cram``."""
        card = card or self.current
        if card is None:
            return ""
        if self.cram:
            return "cram"
        return STATE_NAMES[self._kinds.get(card.key, NEW)]

    def intervals(self) -> dict[int, timedelta] | None:
        """What each rating would schedule for the current card (``None`` in cram mode)."""
        if self.current is None or self.cram:
            return None
        stored = self.storage.state(self.current.key)
        with self.storage.reading():  # a damaged saved card is a corrupt-database error
            return self.scheduler.preview(
                self.current.key, stored.fsrs if stored else None, self.now()
            )

    # -- actions -------------------------------------------------------------------------

    def reveal(self) -> None:
        if self.current is not None:
            self.revealed = True

    def rate(self, rating: int) -> int | None:
        """Rate the current card (1–4); the rating is committed before this returns.

        Returns the review-log id (``None`` in cram mode, which writes nothing).
        """
        card = self._require()
        if rating not in (1, 2, 3, 4):
            raise ValueError(f"rating must be 1–4, not {rating!r}")
        snapshot = self._snapshot()
        # Whole milliseconds, as the review log and progress files store them, so that a
        # replay of the log computes exactly the state computed here.
        now = from_ms(to_ms(self.now()))
        duration = int((now - self._shown_at).total_seconds() * 1000) if self._shown_at else None
        if self.cram:
            if rating == AGAIN:
                self._queue.append(card)
        else:
            outcome: list[Outcome] = []

            def compute(before: StoredCard | None) -> ReviewRecord:
                result = self.scheduler.review(
                    card.key, before.fsrs if before else None, rating, now, duration
                )
                outcome.append(result)
                return ReviewRecord(
                    now, rating, max(duration or 0, 0), result.fsrs, result.state, result.due
                )

            entry = self.storage.review(card.key, compute)
            snapshot.log_id = entry.id
            self._kinds[card.key] = outcome[0].state
            if outcome[0].state in (LEARNING, RELEARNING) and outcome[0].due < next_day_start(now):
                self._learning.append((outcome[0].due, card))
        self.reviewed += 1
        if rating == AGAIN:
            self.again += 1
            self._missed.setdefault(card.key, card)
        self._history.append(snapshot)
        self._advance()
        return snapshot.log_id

    def skip(self) -> None:
        """Put the current card away until tomorrow (cram: just move on)."""
        card = self._require()
        snapshot = self._snapshot()
        if not self.cram:
            self.storage.bury(card.key, next_day_start(self.now()))
            snapshot.buried = card.key
        self._skipped.setdefault(card.key, card)
        self._history.append(snapshot)
        self._advance()

    @property
    def can_undo(self) -> bool:
        return bool(self._history)

    def undo(self) -> Card | None:
        """Take back the last rating or skip; that card is shown again, question side up.

        The log row is removed and the card's previous state restored in the database.
        Returns the card, or ``None`` when there is nothing to undo.
        """
        if not self._history:
            return None
        snapshot = self._history[-1]
        if snapshot.log_id is not None:
            self.storage.undo(snapshot.log_id)
        if snapshot.buried is not None:
            self.storage.unbury(snapshot.buried)
        # Only now: a refused undo (rated again elsewhere) leaves the session as it was.
        self._history.pop()
        self.current = snapshot.current
        self._queue = snapshot.queue
        self._learning = snapshot.learning
        self.reviewed = snapshot.reviewed
        self.again = snapshot.again
        self._missed = snapshot.missed
        self._skipped = snapshot.skipped
        self._shown = snapshot.shown
        self._kinds = snapshot.kinds
        self.revealed = False
        self._shown_at = self.now()
        self.quit_early = False
        return self.current

    def quit(self) -> None:
        if self.current is not None:
            self.quit_early = True
        self.current = None

    # -- the end -------------------------------------------------------------------------

    def summary(self) -> Summary:
        now = self.now()
        states = self.storage.states()
        buried = self.storage.buried(now)
        keys = [card.key for card in self.cards]
        dues = [states[k].due for k in keys if k in states and k not in buried]
        waiting = sum(1 for k in keys if k not in states and k not in buried)
        return Summary(
            reviewed=self.reviewed,
            again=self.again,
            missed=tuple(self._missed.values()),
            skipped=tuple(self._skipped.values()),
            next_due=min(dues) if dues else None,
            new_waiting=waiting,
            new_left_today=self.new_left_today(now),
            cram=self.cram,
            finished=not self.quit_early,
        )

    # -- helpers -------------------------------------------------------------------------

    def _require(self) -> Card:
        if self.current is None:
            raise RuntimeError("no card: the session is over")
        return self.current

    def _snapshot(self) -> _Snapshot:
        return _Snapshot(self)
