"""`quizprep drill` in a real pseudo-terminal: single keypresses, Ctrl-C, and SIGKILL."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pexpect
import pytest

from quizprep.study.storage import Storage

from .drill_helpers import write_deck
from .pty_helpers import QUIZPREP, TIMEOUT, pty_env

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pty")


@pytest.fixture
def deck(tmp_path: Path) -> Path:
    return write_deck(tmp_path)


def env(home: Path) -> dict[str, str]:
    return pty_env(home, 100)


def spawn(home: Path, *args: str) -> pexpect.spawn:
    child = pexpect.spawn(
        QUIZPREP, ["drill", *args], env=env(home), dimensions=(40, 100),
        encoding="utf-8", timeout=TIMEOUT,
    )  # fmt: skip
    return child


def stats(home: Path, deck: Path) -> dict:
    result = subprocess.run(
        [QUIZPREP, "stats", "--json", "--deck", str(deck)],
        env=env(home), capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    return json.loads(result.stdout)


def test_single_keypresses_drive_a_session(quizprep_home: Path, deck: Path) -> None:
    child = spawn(quizprep_home, "--deck", str(deck), "--topic", "Alpha")
    child.expect("card 1 of 3")
    child.expect("show answer")
    child.send(" ")  # space reveals; no Enter needed
    child.expect("Again")
    child.expect("Easy")
    child.send("3")
    child.expect("card 2 of")
    child.send("\r")  # Enter reveals too
    child.expect("Again")
    child.send("1")
    child.expect("card 3 of")
    child.send("m")
    child.expect("math")  # the card has no usable math: a note, not a crash
    child.send("u")  # undo the Again on card 2 (c3)
    child.expect("Undone: drilltest/c3 is back")
    child.send(" ")
    child.expect("Again")
    child.send("4")
    child.expect("card 3 of")
    child.send("q")
    child.expect("Session stopped")
    child.expect("cards reviewed")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    data = stats(quizprep_home, deck)
    assert data["reviews"] == 2
    assert data["cards_seen"] == 2
    with Storage.open() as storage:
        assert [(e.key[1], e.rating) for e in storage.log()] == [("c1", 3), ("c3", 4)]


def test_typed_answer_in_a_terminal(quizprep_home: Path, deck: Path) -> None:
    child = spawn(quizprep_home, "--deck", str(deck), "--topic", "Alpha", "--typed")
    child.expect("Your answer")
    child.sendline("vanishing gradient and a convex loss")
    child.expect("Covered 2 of 2 key points")
    child.expect("accept verdicts")
    child.send("1")  # the user overrules the grader: point 1 is not covered after all
    child.expect("Covered 1 of 2 key points")
    child.expect("Hard")
    child.send("1")  # … and back: missed → contradicted
    child.expect("1 contradicted")
    child.send("1")  # contradicted → covered
    child.expect("Covered 2 of 2 key points")
    child.send("\r")
    child.expect("accept Good")
    child.send("\r")
    child.expect("card 2 of")
    child.sendcontrol("c")
    child.expect("every rating you gave is saved")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    data = stats(quizprep_home, deck)
    assert data["reviews"] == 1
    # the grader's verdicts and the user's final ones are kept with the review
    assert data["grading"]["graded"] == 1
    assert data["grading"]["overridden"] == 0


def test_toggled_verdicts_are_stored_and_counted(quizprep_home: Path, deck: Path) -> None:
    child = spawn(quizprep_home, "--deck", str(deck), "--topic", "Alpha", "--typed")
    child.expect("Your answer")
    child.sendline("vanishing gradient and a convex loss")
    child.expect("accept verdicts")
    child.send("2")
    child.expect("Covered 1 of 2 key points")
    child.send("\r")
    child.expect("accept Hard")
    child.send("\r")
    child.expect("card 2 of")
    child.sendcontrol("c")
    child.expect(pexpect.EOF)
    child.close()
    data = stats(quizprep_home, deck)
    assert data["grading"] == {
        "graded": 1, "overridden": 1, "override_rate": 1.0, "points": 2, "points_changed": 1,
    }  # fmt: skip
    with Storage.open() as storage:
        assert [e.rating for e in storage.log()] == [2]
        rows = storage.query("SELECT grader, final, proposed, rating FROM review_grades")
    assert rows == [('["covered", "covered"]', '["covered", "missed"]', 3, 2)]


def test_ctrl_c_keeps_ratings_and_restores_the_terminal(quizprep_home: Path, deck: Path) -> None:
    child = spawn(quizprep_home, "--deck", str(deck), "--topic", "Alpha")
    child.expect("card 1 of")
    child.send(" ")
    child.expect("Again")
    child.send("2")
    child.expect("card 2 of")
    child.sendcontrol("c")
    child.expect("Session stopped")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert stats(quizprep_home, deck)["reviews"] == 1


def test_sigkill_mid_session_loses_no_rating(quizprep_home: Path, deck: Path) -> None:
    child = spawn(quizprep_home, "--deck", str(deck), "--limit", "5")
    ratings = ["3", "1", "4", "2"]
    for i, key in enumerate(ratings, start=1):
        child.expect(f"card {i} of")
        child.send(" ")
        child.expect("Easy")
        child.send(key)
    child.expect("card 5 of")  # the next card is on screen: every rating so far is committed
    os.kill(child.pid, signal.SIGKILL)
    child.expect(pexpect.EOF)
    child.close()
    assert child.signalstatus == signal.SIGKILL
    with Storage.open() as storage:
        log = storage.log()
        assert [e.rating for e in log] == [int(k) for k in ratings]
        assert len(storage.states()) == 4
    assert stats(quizprep_home, deck)["reviews"] == 4


def test_two_terminals_drill_at_once(quizprep_home: Path, deck: Path) -> None:
    one = spawn(quizprep_home, "--deck", str(deck), "--topic", "Alpha")
    two = spawn(quizprep_home, "--deck", str(deck), "--topic", "Beta")
    for child in (one, two):
        child.expect("card 1 of")
    for child in (one, two, one, two):
        child.send(" ")
        child.expect("Easy")
        child.send("3")
        child.expect("card [0-9]+ of")
    for child in (one, two):
        child.send("q")
        child.expect(pexpect.EOF)
        child.close()
        assert child.exitstatus == 0
    assert stats(quizprep_home, deck)["reviews"] == 4
