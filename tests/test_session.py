"""The drill session state machine, on a real database with a fixed clock."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from quizprep.errors import QuizprepError
from quizprep.study.scheduler import Scheduler
from quizprep.study.session import Session
from quizprep.study.storage import LEARNING, REVIEW, ReviewRecord, Storage

from .drill_helpers import Clock, deck_cards


@pytest.fixture
def cards(tmp_path: Path):
    return deck_cards(tmp_path)


@pytest.fixture
def storage(tmp_path: Path):
    with Storage.open(tmp_path / "p.sqlite3") as opened:
        yield opened


def make(cards, storage, clock, **kwargs) -> Session:
    return Session(cards, storage, Scheduler(seed=7), clock, **kwargs)


def drain(session: Session, rating: int = 3) -> list[str]:
    """Rate every card the session offers; returns the card ids in the order shown."""
    shown = []
    while not session.finished:
        shown.append(session.current.id)
        session.reveal()
        session.rate(rating)
    return shown


def test_new_cards_in_deck_order_up_to_the_daily_limit(cards, storage) -> None:
    clock = Clock()
    session = make(cards, storage, clock, new_per_day=4)
    assert session.kind() == "new"
    assert session.total == 4
    first = [session.current.id]
    session.reveal()
    session.rate(4)  # Easy: straight to review, does not come back today
    first.append(session.current.id)
    assert first == ["c1", "c2"]
    # Everything else Easy too, so nothing returns within the session.
    while not session.finished:
        session.rate(4)
    assert session.reviewed == 4
    # Same day, new session: the four introduced today count against the limit.
    again = make(cards, storage, clock, new_per_day=4)
    assert again.finished
    assert again.summary().new_waiting == 2
    assert again.summary().new_left_today == 0
    # Raising the limit for today lets more in.
    more = make(cards, storage, clock, new_per_day=5)
    assert [c.id for c in [more.current]] == ["c5"] and more.total == 1


def test_due_cards_come_first_most_overdue_first(cards, storage) -> None:
    clock = Clock()
    session = make(cards, storage, clock, new_per_day=3)
    shown = []
    while not session.finished:
        shown.append(session.current.id)
        session.rate(4)  # c1, c2, c3 graduate with (fuzzed) multi-day intervals
    dues = {k: s.due for k, s in storage.states().items()}
    assert shown == ["c1", "c2", "c3"] and len(dues) == 3
    clock.at = max(dues.values()) + timedelta(days=1)
    later = make(cards, storage, clock, new_per_day=10)
    order = []
    while not later.finished and len(order) < 3:
        order.append(later.current.key)
        later.rate(4)
    assert order == sorted(dues, key=lambda k: dues[k])  # oldest due date first
    assert later.kind() == "new" and later.current.id == "c4"


def test_review_cards_are_due_all_day_learning_steps_to_the_minute(cards, storage) -> None:
    from quizprep.study.scheduler import local, next_day_start
    from quizprep.study.session import is_due

    clock = Clock()
    session = make(cards[:2], storage, clock)
    session.rate(4)  # c1 Easy: a review card due in some days
    session.rate(1)  # c2 Again: a learning card due in one minute
    c1, c2 = (storage.state(c.key) for c in cards[:2])
    assert (c1.state, c2.state) == (REVIEW, LEARNING)
    # The morning of c1's due day, hours before its due minute: already in the session.
    morning = local(c1.due).replace(hour=0, minute=0, second=1)
    assert morning < c1.due
    clock.at = morning
    today = make(cards[:1], storage, clock)
    assert (today.current.id, today.kind()) == ("c1", "review")
    # The evening before, it is not due yet.
    clock.at = morning - timedelta(seconds=2)
    assert make(cards[:1], storage, clock).finished
    # A learning step is due at its minute, not all day.
    before = c2.due - timedelta(seconds=30)
    assert next_day_start(before) > c2.due
    assert not is_due(c2, before, next_day_start(before))
    assert is_due(c2, c2.due, next_day_start(c2.due))


def test_learning_card_comes_back_within_the_session(cards, storage) -> None:
    clock = Clock()
    session = make(cards[:3], storage, clock)
    assert session.current.id == "c1"
    session.rate(1)  # Again: due again in one minute
    assert session.current.id == "c2"
    assert session.total == 4  # c1 will be back
    clock.advance(minutes=2)
    session.rate(3)  # c2 Good: due in 10 minutes
    assert session.current.id == "c1"  # c1 is due now, so it jumps ahead of c3
    assert session.kind() == "learning"
    session.rate(3)
    assert session.current.id == "c3"
    session.rate(4)
    # Queue empty: learning cards due within 20 minutes are shown early, oldest first.
    assert session.current.id == "c2"
    session.rate(3)
    assert session.current.id == "c1"
    session.rate(3)
    assert session.finished
    summary = session.summary()
    assert summary.reviewed == 6 and summary.again == 1
    assert [c.id for c in summary.missed] == ["c1"]
    assert summary.next_due is not None and summary.next_due > clock()


def test_every_rating_is_in_the_database_immediately(cards, storage, tmp_path) -> None:
    clock = Clock()
    session = make(cards, storage, clock, limit=3)
    session.rate(3)
    session.rate(1)
    other = Storage.open(tmp_path / "p.sqlite3")
    log = other.log()
    assert [(e.key[1], e.rating) for e in log] == [("c1", 3), ("c2", 1)]
    assert other.state(("drilltest", "c1")).state == LEARNING
    other.close()


def test_undo_restores_database_and_screen(cards, storage) -> None:
    clock = Clock()
    session = make(cards, storage, clock)
    session.rate(3)
    assert session.current.id == "c2"
    session.reveal()
    before_total = session.total
    session.rate(1)
    assert session.again == 1
    card = session.undo()
    assert card.id == "c2" and session.current.id == "c2"
    assert not session.revealed
    assert session.again == 0 and session.reviewed == 1 and session.total == before_total
    assert storage.state(("drilltest", "c2")) is None
    assert [e.key[1] for e in storage.log()] == ["c1"]
    session.undo()
    assert session.current.id == "c1" and storage.log() == [] and storage.states() == {}
    assert session.undo() is None


def test_skip_buries_until_tomorrow(cards, storage) -> None:
    clock = Clock()
    session = make(cards[:2], storage, clock)
    session.skip()
    assert session.current.id == "c2"
    session.quit()
    assert [c.id for c in session.summary().skipped] == ["c1"]
    assert make(cards[:2], storage, clock).current.id == "c2"  # still buried today
    clock.advance(days=1)
    assert make(cards[:2], storage, clock).current.id == "c1"


def test_undo_of_skip_unburies(cards, storage) -> None:
    clock = Clock()
    session = make(cards[:2], storage, clock)
    session.skip()
    session.undo()
    assert session.current.id == "c1"
    assert storage.buried(clock()) == set()


def test_cram_never_touches_the_schedule(cards, storage) -> None:
    clock = Clock()
    session = make(cards[:3], storage, clock, cram=True)
    assert session.intervals() is None and session.kind() == "cram"
    session.rate(1)  # Again in cram: back at the end of the queue
    session.rate(3)
    session.skip()
    assert session.current.id == "c1"
    session.rate(3)
    assert session.finished
    assert storage.log() == [] and storage.states() == {} and storage.buried(clock()) == set()
    summary = session.summary()
    assert summary.cram and summary.reviewed == 3 and summary.again == 1


def test_cram_drills_cards_that_are_not_due(cards, storage) -> None:
    clock = Clock()
    first = make(cards[:2], storage, clock)
    drain(first, rating=4)
    assert make(cards[:2], storage, clock).finished  # nothing due
    cram = make(cards[:2], storage, clock, cram=True)
    assert drain(cram) == ["c1", "c2"]


def test_limit_caps_the_session(cards, storage) -> None:
    session = make(cards, storage, Clock(), limit=2)
    assert session.total == 2
    assert len(drain(session, rating=4)) == 2


def test_intervals_preview_matches_the_rating(cards, storage) -> None:
    clock = Clock()
    session = make(cards, storage, clock)
    session.rate(4)
    clock.advance(days=30)
    later = make(cards, storage, clock, new_per_day=0)
    preview = later.intervals()
    key = later.current.key
    later.rate(3)
    assert storage.state(key).due - clock() == preview[3]
    assert storage.state(key).state == REVIEW


def test_rating_must_be_one_to_four(cards, storage) -> None:
    session = make(cards, storage, Clock())
    with pytest.raises(ValueError):
        session.rate(0)
    assert storage.log() == []


def test_duplicate_cards_are_drilled_once(cards, storage) -> None:
    session = make(cards[:2] + cards[:2], storage, Clock())
    assert session.total == 2


def test_quit_keeps_progress_and_marks_unfinished(cards, storage) -> None:
    clock = Clock()
    session = make(cards, storage, clock)
    session.rate(3)
    session.quit()
    summary = session.summary()
    assert session.finished and not summary.finished
    assert summary.reviewed == 1 and len(storage.log()) == 1
    assert summary.next_due == clock() + timedelta(minutes=10)


def test_a_refused_undo_keeps_the_rating_undoable_later(cards, storage, tmp_path) -> None:
    """Another terminal rated the card since: undo says no and changes nothing, so the
    next undo does not jump back over that rating to an earlier one."""
    clock = Clock()
    session = make(cards, storage, clock)
    session.rate(3)  # c1
    session.rate(3)  # c2
    assert session.current.id == "c3"
    with Storage.open(tmp_path / "p.sqlite3") as other:
        before = other.state(("drilltest", "c2"))
        other.review(
            ("drilltest", "c2"),
            lambda b: ReviewRecord(
                clock() + timedelta(seconds=1), 4, 0, "elsewhere", REVIEW, before.due
            ),
        )
    with pytest.raises(QuizprepError, match="rated again since"):
        session.undo()
    assert session.current.id == "c3" and session.reviewed == 2 and session.can_undo
    with pytest.raises(QuizprepError, match="rated again since"):
        session.undo()  # still refused: c1's rating is not undone behind the user's back
    assert [e.key[1] for e in storage.log()] == ["c1", "c2", "c2"]
