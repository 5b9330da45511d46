"""FSRS through quizprep's wrapper: seeded fuzz, previews that match, interval labels."""

from __future__ import annotations

import json
import random
from datetime import datetime, timedelta, timezone

import fsrs.scheduler
import pytest

from quizprep.errors import QuizprepError
from quizprep.study.scheduler import (
    Scheduler,
    check_retention,
    format_interval,
    format_until,
)
from quizprep.study.storage import LEARNING, RELEARNING, REVIEW

T0 = datetime(2025, 3, 10, 9, 0, tzinfo=timezone.utc)
KEY = ("losses", "mse")


def graduate(scheduler: Scheduler, key=KEY, goods: int = 4) -> tuple[str, datetime]:
    """Rate a new card Good ``goods`` times, each exactly when due; returns (json, due)."""
    stored, when = None, T0
    for _ in range(goods):
        outcome = scheduler.review(key, stored, 3, when)
        stored, when = outcome.fsrs, outcome.due
    return stored, when


def test_new_card_follows_fsrs_learning_steps() -> None:
    scheduler = Scheduler(seed=1)
    again = scheduler.review(KEY, None, 1, T0)
    good = scheduler.review(KEY, None, 3, T0)
    assert again.state == LEARNING and again.interval == timedelta(minutes=1)
    assert good.state == LEARNING and good.interval == timedelta(minutes=10)
    second = scheduler.review(KEY, good.fsrs, 3, good.due)
    assert second.state == REVIEW and second.interval >= timedelta(days=1)
    assert json.loads(second.fsrs)["last_review"].startswith("2025-03-10T09:10")


def test_lapse_goes_to_relearning() -> None:
    scheduler = Scheduler(seed=1)
    stored, due = graduate(scheduler)
    lapse = scheduler.review(KEY, stored, 1, due)
    assert lapse.state == RELEARNING
    assert lapse.interval == timedelta(minutes=10)


def test_same_seed_same_intervals_different_seeds_differ() -> None:
    runs = {}
    for seed in range(12):
        _, due = graduate(Scheduler(seed=seed), goods=5)
        runs[seed] = due
    assert graduate(Scheduler(seed=3), goods=5)[1] == runs[3]
    assert len(set(runs.values())) > 1  # fuzz actually varies with the seed


def test_without_fuzz_every_seed_agrees() -> None:
    dues = {graduate(Scheduler(seed=s, fuzz=False), goods=5)[1] for s in range(6)}
    assert len(dues) == 1


def test_preview_matches_what_the_rating_then_gives() -> None:
    scheduler = Scheduler(seed=42)
    stored, due = graduate(scheduler)
    when = due + timedelta(days=2)
    preview = scheduler.preview(KEY, stored, when)
    for rating in (1, 2, 3, 4):
        assert scheduler.review(KEY, stored, rating, when).interval == preview[rating]
    assert preview[1] < preview[2] < preview[3] < preview[4]


def test_fuzz_leaves_the_global_random_generator_alone() -> None:
    original = fsrs.scheduler.random
    random.seed(1234)
    expected = [random.random() for _ in range(3)]
    random.seed(1234)
    graduate(Scheduler(seed=9), goods=6)
    assert [random.random() for _ in range(3)] == expected
    assert fsrs.scheduler.random is original


def test_higher_retention_means_shorter_intervals() -> None:
    strict = graduate(Scheduler(0.97, fuzz=False), goods=4)[1]
    loose = graduate(Scheduler(0.80, fuzz=False), goods=4)[1]
    assert strict < loose


def test_retrievability_falls_with_time() -> None:
    scheduler = Scheduler(seed=1)
    stored, due = graduate(scheduler)
    assert scheduler.retrievability(None, due) == 0.0
    soon = scheduler.retrievability(stored, due - timedelta(days=1))
    later = scheduler.retrievability(stored, due + timedelta(days=30))
    assert 0 < later < soon <= 1


@pytest.mark.parametrize("value", [0.5, 0.995, 1.0, 0.0])
def test_retention_out_of_range_is_a_user_error(value: float) -> None:
    with pytest.raises(QuizprepError, match="out of range"):
        check_retention(value)
    with pytest.raises(QuizprepError):
        Scheduler(value)


def test_bad_rating_is_refused() -> None:
    with pytest.raises(QuizprepError):
        Scheduler(seed=1).review(KEY, None, 5, T0)


@pytest.mark.parametrize(
    ("interval", "label"),
    [
        (timedelta(seconds=20), "<1m"),
        (timedelta(minutes=1), "1m"),
        (timedelta(minutes=10), "10m"),
        (timedelta(hours=3), "3h"),
        (timedelta(hours=1, minutes=30), "1.5h"),
        (timedelta(days=1), "1d"),
        (timedelta(days=4), "4d"),
        (timedelta(days=29), "29d"),
        (timedelta(days=36), "1.2mo"),
        (timedelta(days=60), "2mo"),
        (timedelta(days=365), "1y"),
        (timedelta(days=913), "2.5y"),
    ],
)
def test_format_interval_like_anki(interval: timedelta, label: str) -> None:
    assert format_interval(interval) == label


def test_format_until() -> None:
    assert format_until(T0, T0 + timedelta(minutes=1)) == "now"
    assert format_until(T0 + timedelta(days=3), T0) == "in 3d"
