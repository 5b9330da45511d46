"""`progress import` at scale: bounded chunks that let another terminal write in between."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from quizprep.study import sync
from quizprep.study.scheduler import Scheduler
from quizprep.study.storage import Storage
from quizprep.study.sync import FUZZ_SEED, export_progress, import_progress, replay_card

from .test_sync import T0, clock_after_the_simulated_reviews, drill, drill_days, full_log, states

# the simulated drills run into the future; imports refuse reviews more than a day ahead
__all__ = ["clock_after_the_simulated_reviews"]

KEYS = [("deck", f"card-{i:02d}") for i in range(12)]


@pytest.fixture
def exported(tmp_path: Path) -> Path:
    """A progress file of twelve cards drilled for weeks on another machine."""
    with Storage.open(tmp_path / "other" / "progress.sqlite3") as other:
        drill_days(other, 5, KEYS, T0)
        path = tmp_path / "progress.json"
        export_progress(other, path, T0 + timedelta(days=200))
    return path


@pytest.mark.parametrize("parallel", [False, True], ids=["in-process", "workers"])
def test_what_an_import_writes_is_what_a_replay_from_the_log_gives(
    tmp_path: Path, exported: Path, monkeypatch: pytest.MonkeyPatch, parallel: bool
) -> None:
    monkeypatch.setattr(sync, "CHUNK_REVIEWS", 10)  # many chunks
    if parallel:  # replayed by forked workers even for this small file
        monkeypatch.setattr(sync, "PARALLEL_REVIEWS", 0)
        monkeypatch.setattr(sync.os, "cpu_count", lambda: 2)
    with Storage.open(tmp_path / "here" / "progress.sqlite3") as here:
        drill_days(here, 9, KEYS[:4], T0 + timedelta(days=2))  # some history of our own
        result = import_progress(here, exported)
        assert result.added + result.already == len(KEYS) * 7 and result.replayed == len(KEYS)
        log, cards = full_log(here), states(here)
        with here.transaction() as db:
            scheduler = Scheduler(seed=FUZZ_SEED)
            assert not any(replay_card(db, key, scheduler)[0] for key in KEYS)
        assert full_log(here) == log and states(here) == cards
        again = import_progress(here, exported)
        assert (again.added, again.rebuilt, again.replayed) == (0, 0, 0)


def test_a_rating_given_between_chunks_is_kept_and_replayed(
    tmp_path: Path, exported: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sync, "CHUNK_REVIEWS", 10)
    db_path = tmp_path / "here" / "progress.sqlite3"
    late = ("deck", "card-11")  # written in the last chunk
    rated: list[int] = []
    real_write = sync._write_chunk

    def write_then_drill(storage, plans, scheduler, retention):  # type: ignore[no-untyped-def]
        changed = real_write(storage, plans, scheduler, retention)
        if not rated:  # another terminal rates a card the import has not written yet
            with Storage.open(db_path) as other:
                entry = drill(other, Scheduler(seed=3), late, 3, T0 + timedelta(days=90))
                rated.append(entry.id)
        return changed

    monkeypatch.setattr(sync, "_write_chunk", write_then_drill)
    with Storage.open(db_path) as here:
        import_progress(here, exported)
        times = [e.reviewed_at for e in here.log(late)]
        assert len(times) == 8  # the 7 imported reviews and the one given meanwhile
        assert abs(max(times) - (T0 + timedelta(days=90))) < timedelta(milliseconds=1)
        with here.transaction() as db:  # the state is the replay of all eight
            assert replay_card(db, late, Scheduler(seed=FUZZ_SEED))[0] is False


def test_replay_gives_what_one_review_at_a_time_gives() -> None:
    import random

    rng = random.Random(7)
    scheduler = Scheduler(seed=11)
    for card in range(30):
        key = ("deck", f"c{card}")
        at = T0 + timedelta(minutes=card)
        reviews = []
        for _ in range(12):
            at += timedelta(hours=rng.randrange(1, 24 * 40), microseconds=rng.randrange(10**6))
            reviews.append((at, rng.choice((1, 2, 3, 3, 4)), rng.choice((None, 1500))))
        fast = scheduler.replay(key, reviews)
        stored = None
        for (when, rating, duration), outcome in zip(reviews, fast, strict=True):
            slow = scheduler.review(key, stored, rating, when, duration)
            assert outcome == slow  # same JSON (byte for byte), state, due and interval
            stored = slow.fsrs
