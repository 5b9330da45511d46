"""The grader against hand-labelled answers (the dev parts of tests/grading_eval): floors that
a regression in any mechanism would break. The held-out parts are only read by
benchmarks/grading.py."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def report():
    sys.path.insert(0, str(ROOT))
    try:
        from benchmarks.grading import DEV_PARTS, evaluate, load_parts
    finally:
        sys.path.remove(str(ROOT))
    return evaluate(load_parts(DEV_PARTS))


def test_the_dev_set_has_the_documented_shape(report) -> None:
    assert report.cases >= 220
    assert set(report.by_kind) == {"strong", "partial", "wrong", "offtopic", "terse"}


def test_confident_misconceptions_are_never_rated_above_again(report) -> None:
    assert report.wrong_above_again <= report.wrong_total / 15  # the 1 in 15


def test_rating_agreement_floor(report) -> None:
    assert report.agreement >= 0.9  # the target


def test_strong_and_terse_answers_are_mostly_good(report) -> None:
    assert report.good_strong_terse / report.strong_terse_total >= 0.9


def test_point_verdicts_floor(report) -> None:
    kinds = report.by_kind
    assert kinds["offtopic"]["rating_agreement"] >= 0.98  # off-topic answers stay at Again
    assert kinds["strong"]["contradicted_precision"] == 1.0  # no false contradiction
    assert kinds["terse"]["contradicted_precision"] == 1.0
    assert kinds["wrong"]["contradicted_recall"] >= 0.5
    assert kinds["strong"]["covered_recall"] >= 0.8
    assert kinds["terse"]["covered_recall"] >= 0.85
    assert kinds["partial"]["covered_precision"] >= 0.95
