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
from .pty_helpers import QUIZPREP, TIMEOUT, pty_env, styled

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pty")


@pytest.fixture
def deck(tmp_path: Path) -> Path:
    return write_deck(tmp_path)


def env(home: Path) -> dict[str, str]:
    return pty_env(home, 100)


def spawn(home: Path, *args: str, welcome: bool = True) -> pexpect.spawn:
    child = pexpect.spawn(
        QUIZPREP, ["drill", *args], env=env(home), dimensions=(40, 100),
        encoding="utf-8", timeout=TIMEOUT,
    )  # fmt: skip
    if welcome:  # a new data folder: the first drill greets once
        child.expect("Welcome to quizprep")
        child.expect("any key to start")
        child.send("x")
    return child


def stats(home: Path, deck: Path) -> dict:
    result = subprocess.run(
        [QUIZPREP, "stats", "--json", "--deck", str(deck)],
        env=env(home), capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    return json.loads(result.stdout)


def test_single_keypresses_drive_a_session(quizprep_home: Path, deck: Path) -> None:
    child = spawn(quizprep_home, "--deck", str(deck), "--topic", "Alpha")
    child.expect(styled("3 new · 0 learning · 0 review"))
    child.expect("show answer")
    child.send(" ")  # space reveals; no Enter needed
    child.expect("Again")
    child.expect("Easy")
    child.send("3")
    child.expect(styled("2 new · 1 learning"))
    child.send("\r")  # Enter reveals too
    child.expect("Again")
    child.send("1")
    child.expect(styled("1 new · 2 learning"))
    child.send("m")
    child.expect("math")  # the card has no usable math: a note, not a crash
    child.send("u")  # undo the Again on card 2 (c3)
    child.expect("Undone: drilltest/c3 is back")
    child.send(" ")
    child.expect("Again")
    child.send("4")
    child.expect(styled("1 new · 1 learning"))
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
    child.expect(styled("2 new · 1 learning"))
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
    child.expect("Esc or Ctrl-D")  # the next card's typed prompt
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
    child.expect(styled("3 new"))
    child.send(" ")
    child.expect("Again")
    child.send("2")
    child.expect(styled("2 new · 1 learning"))
    child.sendcontrol("c")
    child.expect("Session stopped")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert stats(quizprep_home, deck)["reviews"] == 1


def test_sigkill_mid_session_loses_no_rating(quizprep_home: Path, deck: Path) -> None:
    child = spawn(quizprep_home, "--deck", str(deck), "--limit", "5")
    ratings = ["3", "1", "4", "2"]
    for i, key in enumerate(ratings):
        child.expect(styled(f"{5 - i} new"))
        child.send(" ")
        child.expect("Easy")
        child.send(key)
    child.expect(styled("1 new"))  # the next card is on screen: every rating so far is committed
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
    one.expect(styled("3 new"))
    two = spawn(quizprep_home, "--deck", str(deck), "--topic", "Beta", welcome=False)
    two.expect(styled("3 new"))
    for child in (one, two, one, two):
        child.send(" ")
        child.expect("Easy")
        child.send("3")
        child.expect("learning")
    for child in (one, two):
        child.send("q")
        child.expect(pexpect.EOF)
        child.close()
        assert child.exitstatus == 0
    assert stats(quizprep_home, deck)["reviews"] == 4
