"""What today holds, shared by the drill and ``deck list``: when a card is due, Anki's three
counts per deck, and the order new cards are dealt in."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, NamedTuple, TypeVar

from quizprep.decks.model import Card
from quizprep.study.scheduler import local, next_day_start
from quizprep.study.storage import LEARNING, RELEARNING, REVIEW, SUSPENDED, StoredCard

if TYPE_CHECKING:
    from quizprep.study.storage import Storage

T = TypeVar("T")
DEFAULT_NEW_PER_DAY = 10  # new cards a deck introduces a day, unless told otherwise


class Counts(NamedTuple):
    """Anki's three numbers: cards still to go today, the one on screen included."""

    new: int
    learning: int
    review: int


def is_due(stored: StoredCard, now: datetime, tomorrow: datetime) -> bool:
    """Due in today's session: learning steps at their minute, review cards all day.

    As in Anki, a review card is due on its day rather than at the minute FSRS computed
    (a card due at 18:00 belongs to this morning's session, not tomorrow's, where it would
    already be overdue). Learning steps are minutes apart and keep their exact time.
    """
    if stored.state == REVIEW:
        return stored.due < tomorrow
    return stored.due <= now


def today_start(now: datetime) -> datetime:
    """Local midnight starting ``now``'s day: new-card limits count from there."""
    return local(now).replace(hour=0, minute=0, second=0, microsecond=0)


def deck_counts(
    cards: Sequence[Card],
    storage: Storage,
    now: datetime,
    new_per_day: int = DEFAULT_NEW_PER_DAY,
    new_limits: Mapping[str, int] | None = None,
) -> dict[str, Counts]:
    """Per deck, what today's drill of it holds, as on Anki's deck screen: new cards its
    limit still allows, learning cards due today, review cards due today."""
    limits = dict(new_limits or {})
    states = storage.states()
    hidden = storage.buried(now) | storage.marked(SUSPENDED).keys()
    introduced = storage.new_cards_by_deck_since(today_start(now))
    tomorrow = next_day_start(now)
    tally: dict[str, list[int]] = {}
    for card in cards:
        row = tally.setdefault(card.deck, [0, 0, 0])
        if card.key in hidden:
            continue
        stored = states.get(card.key)
        if stored is None:
            row[0] += 1
        elif stored.state in (LEARNING, RELEARNING) and stored.due < tomorrow:
            row[1] += 1
        elif is_due(stored, now, tomorrow):
            row[2] += 1
    out = {}
    for deck, (new, learning, review) in tally.items():
        left = max(0, limits.get(deck, new_per_day) - introduced.get(deck, 0))
        out[deck] = Counts(min(new, left), learning, review)
    return out


def interleave(cards: Sequence[Card]) -> list[Card]:
    """Deal cards round-robin across decks, and within each deck across its topics.

    Each topic keeps its file order, so a deck's easy cards still come before its hard
    ones; but the first ten new cards are no longer all one topic of the first deck.
    """
    by_deck: dict[str, dict[str, list[Card]]] = {}
    for card in cards:
        by_deck.setdefault(card.deck, {}).setdefault(card.topic, []).append(card)
    return _round_robin([_round_robin(list(t.values())) for t in by_deck.values()])


def _round_robin(streams: list[list[T]]) -> list[T]:
    out: list[T] = []
    for i in range(max((len(s) for s in streams), default=0)):
        out += [s[i] for s in streams if i < len(s)]
    return out
