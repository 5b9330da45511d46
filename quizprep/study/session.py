"""A drill session as a state machine: which card comes next, what each action does.

No I/O here: the session is built from cards, a :class:`Storage`, a :class:`Scheduler` and a
clock, and the interactive loop (``quizprep.tui.drill``) only calls its actions. Each rating is
written through storage (committed) before the next card is chosen.

Order (``order="due"``, the default): cards already due (review cards on their day, learning
steps at their minute), most overdue first; then new cards, each deck up to its own daily
new-card limit (counting cards already introduced today), interleaved across decks and topics
so the first day is not one topic. ``"deck"`` keeps the decks' file order; ``"random"``
shuffles (seeded). Learning and relearning cards come back within the session once their short
step is up — or, when nothing else is left, up to ``learn_ahead`` early, as Anki does; the
session then says so (:attr:`Session.early`). Suspended cards never come up; buried ones not
until tomorrow.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import NamedTuple

from quizprep.decks.model import Card
from quizprep.study.scheduler import Outcome, Scheduler, next_day_start
from quizprep.study.storage import (
    FLAGGED,
    LEARNING,
    NEW,
    RELEARNING,
    REVIEW,
    STATE_NAMES,
    SUSPENDED,
    CardKey,
    ReviewRecord,
    Storage,
    StoredCard,
    from_ms,
    to_ms,
)
from quizprep.study.today import DEFAULT_NEW_PER_DAY, Counts, interleave, is_due, today_start

__all__ = ["DEFAULT_NEW_PER_DAY", "Counts", "Session", "Summary", "is_due"]

LEARN_AHEAD = timedelta(minutes=20)
AGAIN = 1
ORDERS = ("due", "deck", "random")


class NewLimit(NamedTuple):
    """A deck whose new cards today's limit holds back."""

    deck: str
    introduced: int  # new cards of this deck first rated today
    limit: int
    waiting: int  # its new cards not shown today because of the limit


class Summary(NamedTuple):
    """What the end-of-session screen and the nothing-due message need."""

    reviewed: int  # ratings given
    again: int  # how many of them were Again
    missed: tuple[Card, ...]  # cards rated Again at least once, in order
    skipped: tuple[Card, ...]
    next_due: datetime | None  # earliest due time among the selected cards already seen
    new_waiting: int  # selected cards never rated
    new_left_today: int  # how many of those today's new-card limits still allow
    cram: bool
    finished: bool  # every card of the session done (not quit early)
    limited: tuple[NewLimit, ...] = ()  # decks whose limit is used up with cards waiting
    suspended: tuple[Card, ...] = ()  # suspended in this session
    flagged: tuple[Card, ...] = ()  # selected cards that carry a flag


class _Snapshot:
    """The session as it was before an action, so undo can put it back."""

    __slots__ = ("again", "buried", "current", "done", "early", "flag", "flags", "kinds",
                 "learning", "log_id", "missed", "queue", "revealed", "reviewed", "shown",
                 "skipped", "suspended", "suspensions")  # fmt: skip

    def __init__(self, session: Session) -> None:
        self.current = session.current
        self.revealed = session.revealed
        self.early = session.early
        self.queue = list(session._queue)
        self.learning = list(session._learning)
        self.reviewed = session.reviewed
        self.again = session.again
        self.done = session.done
        self.missed = dict(session._missed)
        self.skipped = dict(session._skipped)
        self.suspensions = dict(session._suspended)
        self.flags = dict(session._flags)
        self.shown = session._shown
        self.kinds = dict(session._kinds)
        self.log_id: int | None = None
        self.buried: CardKey | None = None
        self.suspended: CardKey | None = None
        self.flag: tuple[CardKey, datetime | None] | None = None  # key, flag time before


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
        new_limits: Mapping[str, int] | None = None,
        new_total: int | None = None,  # a cap across decks (an interview plan's pace)
        cram: bool = False,
        learn_ahead: timedelta = LEARN_AHEAD,
        adjust: Callable[[dict[CardKey, StoredCard], datetime], dict[CardKey, StoredCard]]
        | None = None,  # plan hook (quizprep.study.plan): due times an interview plan sets
        order: str = "due",
        seed: int | None = None,
    ) -> None:
        """``new_per_day`` is each deck's daily new-card limit unless ``new_limits`` names
        the deck; ``seed`` makes ``order="random"`` repeatable."""
        self.storage = storage
        self.scheduler = scheduler
        self.now = now
        self.limit = limit
        self.new_per_day = new_per_day
        self.new_limits = dict(new_limits or {})
        self.new_total = new_total
        self.cram = cram
        self.learn_ahead = learn_ahead
        self.order = order
        self.seed = seed
        self.current: Card | None = None
        self.revealed = False
        self.early: timedelta | None = None  # shown this much before its learning step
        self.reviewed = 0
        self.again = 0
        self.done = 0  # cards rated, buried or suspended: the progress bar's filled part
        self.quit_early = False
        if limit is not None and limit < 1:
            raise ValueError("limit must be at least 1")
        if order not in ORDERS:
            raise ValueError(f"order must be one of {ORDERS}, not {order!r}")
        unique: dict[CardKey, Card] = {}
        for card in cards:
            unique.setdefault(card.key, card)
        self.cards = list(unique.values())
        self._learning: list[tuple[datetime, Card]] = []
        self._missed: dict[CardKey, Card] = {}
        self._skipped: dict[CardKey, Card] = {}
        self._suspended: dict[CardKey, Card] = {}
        self._history: list[_Snapshot] = []
        self._shown = 0
        self._shown_at: datetime | None = None
        started = self.now()
        states = self.storage.states()
        if adjust is not None:  # plan hook: only which cards are due today, never FSRS state
            states = adjust(states, started)
        self._flags = {k: at for k, at in storage.marked(FLAGGED).items() if k in unique}
        self._kinds = {key: states[key].state for key in unique if key in states}
        self._queue = self._plan(states, started)
        self._advance()

    # -- planning ------------------------------------------------------------------------

    def _plan(self, states: dict[CardKey, StoredCard], now: datetime) -> list[Card]:
        suspended = self.storage.marked(SUSPENDED)
        cards = [card for card in self.cards if card.key not in suspended]
        if self.cram:
            return self._arrange(cards, [])[: self.limit]
        buried = self.storage.buried(now)
        tomorrow = next_day_start(now)
        due: list[tuple[datetime, int, Card]] = []
        new: list[Card] = []
        for index, card in enumerate(cards):
            if card.key in buried:
                continue
            stored = states.get(card.key)
            if stored is None:
                new.append(card)
            elif is_due(stored, now, tomorrow):
                due.append((stored.due, index, card))
            elif stored.state in (LEARNING, RELEARNING) and stored.due < tomorrow:
                self._learning.append((stored.due, card))
        left = self._new_left(now)
        total = None
        if self.new_total is not None:
            total = max(0, self.new_total - self.storage.new_cards_since(today_start(now)))
        admitted: list[Card] = []
        for card in new:
            if total is not None and len(admitted) >= total:
                break
            if left.get(card.deck, 0) > 0:
                left[card.deck] -= 1
                admitted.append(card)
        if self.order == "deck":
            due.sort(key=lambda t: t[1])
        else:
            due.sort(key=lambda t: (t[0], t[1]))
        queue = self._arrange(admitted, [card for _, _, card in due])
        if self.limit is not None:
            queue = queue[: self.limit]
            keep = self.limit - len(queue)
            self._learning = sorted(self._learning, key=lambda t: t[0])[: max(keep, 0)]
        return queue

    def _arrange(self, new: list[Card], due: list[Card]) -> list[Card]:
        """Due cards first, then new ones, in the session's order."""
        if self.order == "random":
            import random  # only a shuffled session needs it

            queue = due + new
            random.Random(self.seed).shuffle(queue)
            return queue
        if self.order == "deck":
            return due + new
        return due + interleave(new)

    def limit_for(self, deck: str) -> int:
        """The deck's daily new-card limit."""
        return self.new_limits.get(deck, self.new_per_day)

    def _new_left(self, now: datetime) -> dict[str, int]:
        """Per deck of the selected cards: how many more new cards today allows."""
        introduced = self.storage.new_cards_by_deck_since(today_start(now))
        decks = {card.deck for card in self.cards}
        return {d: max(0, self.limit_for(d) - introduced.get(d, 0)) for d in decks}

    def new_left_today(self, now: datetime | None = None) -> int:
        """How many of the selected cards never rated today's limits still allow."""
        now = now or self.now()
        left = self._new_left(now)
        states = self.storage.states()
        hidden = self.storage.buried(now) | self.storage.marked(SUSPENDED).keys()
        waiting: dict[str, int] = {}
        for card in self.cards:
            if card.key not in states and card.key not in hidden:
                waiting[card.deck] = waiting.get(card.deck, 0) + 1
        return sum(min(n, left[d]) for d, n in waiting.items())

    def _advance(self) -> None:
        """Choose the next card: a learning card now due, else the queue, else learn ahead."""
        now = self.now()
        self._learning.sort(key=lambda t: t[0])
        nxt: Card | None = None
        self.early = None
        if self._learning and self._learning[0][0] <= now:
            nxt = self._learning.pop(0)[1]
        elif self._queue:
            nxt = self._queue.pop(0)
        elif self._learning and self._learning[0][0] <= now + self.learn_ahead:
            due, nxt = self._learning.pop(0)
            self.early = due - now  # nothing else is left: shown before its step is up
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

    def counts(self) -> Counts:
        """New, learning and review cards still to go, the one on screen included."""
        waiting = [*self._queue, *(card for _, card in self._learning)]
        if self.current is not None:
            waiting.append(self.current)
        tally = {NEW: 0, LEARNING: 0, REVIEW: 0}
        for card in waiting:
            state = self._kinds.get(card.key, NEW)
            tally[LEARNING if state == RELEARNING else state] += 1
        return Counts(tally[NEW], tally[LEARNING], tally[REVIEW])

    @property
    def remaining(self) -> int:
        """Cards still to go, the one on screen included."""
        return len(self._queue) + len(self._learning) + (self.current is not None)

    def flagged(self, card: Card | None = None) -> bool:
        card = card or self.current
        return card is not None and card.key in self._flags

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
        self.done += 1
        if rating == AGAIN:
            self.again += 1
            self._missed.setdefault(card.key, card)
        self._history.append(snapshot)
        self._advance()
        return snapshot.log_id

    def bury(self) -> None:
        """Put the current card away until tomorrow (cram: just move on)."""
        card = self._require()
        snapshot = self._snapshot()
        if not self.cram:
            self.storage.bury(card.key, next_day_start(self.now()))
            snapshot.buried = card.key
        self._skipped.setdefault(card.key, card)
        self._history.append(snapshot)
        self.done += 1
        self._advance()

    skip = bury  # the key was `s` before it was `b`

    def suspend(self) -> None:
        """Take the current card out of every drill until it is unsuspended."""
        card = self._require()
        snapshot = self._snapshot()
        self.storage.mark(SUSPENDED, card.key, self.now())
        snapshot.suspended = card.key
        self._suspended[card.key] = card
        self._history.append(snapshot)
        self.done += 1
        self._advance()

    def toggle_flag(self) -> bool:
        """Flag the current card for later (or take the flag off); returns the new state.

        The card stays on screen: a flag marks it, it does not move it.
        """
        card = self._require()
        snapshot = self._snapshot()
        before = self._flags.get(card.key)
        at = None if before is not None else self.now()
        self.storage.mark(FLAGGED, card.key, at)
        snapshot.flag = (card.key, before)
        if at is None:
            del self._flags[card.key]
        else:
            self._flags[card.key] = at
        self._history.append(snapshot)
        return at is not None

    def replace(self, card: Card) -> None:
        """Put an edited version of a card in the session (same key, so same progress)."""

        def swap(old: Card) -> Card:
            return card if old.key == card.key else old

        self.cards = [swap(c) for c in self.cards]
        self._queue = [swap(c) for c in self._queue]
        self._learning = [(due, swap(c)) for due, c in self._learning]
        for seen in (self._missed, self._skipped, self._suspended):
            if card.key in seen:
                seen[card.key] = card
        if self.current is not None:
            self.current = swap(self.current)
        for snapshot in self._history:  # an undo must not bring the old text back
            snapshot.queue = [swap(c) for c in snapshot.queue]
            snapshot.learning = [(due, swap(c)) for due, c in snapshot.learning]
            if snapshot.current is not None:
                snapshot.current = swap(snapshot.current)

    @property
    def can_undo(self) -> bool:
        return bool(self._history)

    def undo(self) -> Card | None:
        """Take back the last rating, bury, suspension or flag.

        A rated, buried or suspended card is shown again, question side up; the log row is
        removed and the card's previous state restored in the database. A flag just comes
        off (or back on). Returns the card, or ``None`` when there is nothing to undo.
        """
        if not self._history:
            return None
        snapshot = self._history[-1]
        if snapshot.log_id is not None:
            self.storage.undo(snapshot.log_id)
        if snapshot.buried is not None:
            self.storage.unbury(snapshot.buried)
        if snapshot.suspended is not None:
            self.storage.mark(SUSPENDED, snapshot.suspended, None)
        if snapshot.flag is not None:
            self.storage.mark(FLAGGED, *snapshot.flag)
        # Only now: a refused undo (rated again elsewhere) leaves the session as it was.
        self._history.pop()
        self.current = snapshot.current
        self._queue = snapshot.queue
        self._learning = snapshot.learning
        self.reviewed = snapshot.reviewed
        self.again = snapshot.again
        self.done = snapshot.done
        self._missed = snapshot.missed
        self._skipped = snapshot.skipped
        self._suspended = snapshot.suspensions
        self._flags = snapshot.flags
        self._shown = snapshot.shown
        self._kinds = snapshot.kinds
        self.early = snapshot.early
        # A flag left the card where it was (the answer stays as shown); anything else
        # shows the card fresh.
        self.revealed = self.revealed if snapshot.flag is not None else False
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
        hidden = self.storage.buried(now) | self.storage.marked(SUSPENDED).keys()
        keys = [card.key for card in self.cards]
        dues = [states[k].due for k in keys if k in states and k not in hidden]
        waiting: dict[str, int] = {}
        for card in self.cards:
            if card.key not in states and card.key not in hidden:
                waiting[card.deck] = waiting.get(card.deck, 0) + 1
        introduced = self.storage.new_cards_by_deck_since(today_start(now))
        left = self._new_left(now)
        limited = tuple(
            NewLimit(deck, introduced.get(deck, 0), self.limit_for(deck), n)
            for deck, n in waiting.items()
            if left[deck] == 0
        )
        return Summary(
            reviewed=self.reviewed,
            again=self.again,
            missed=tuple(self._missed.values()),
            skipped=tuple(self._skipped.values()),
            next_due=min(dues) if dues else None,
            new_waiting=sum(waiting.values()),
            new_left_today=sum(min(n, left[d]) for d, n in waiting.items()),
            cram=self.cram,
            finished=not self.quit_early,
            limited=() if self.cram else limited,
            suspended=tuple(self._suspended.values()),
            flagged=tuple(card for card in self.cards if card.key in self._flags),
        )

    # -- helpers -------------------------------------------------------------------------

    def _require(self) -> Card:
        if self.current is None:
            raise RuntimeError("no card: the session is over")
        return self.current

    def _snapshot(self) -> _Snapshot:
        return _Snapshot(self)
