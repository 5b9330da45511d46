"""`quizprep interview` in a real pseudo-terminal: typed answers, Ctrl-D, Ctrl-C, the clock."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pexpect
import pytest

from quizprep.study.storage import Storage

from .interview_helpers import write_interview_deck
from .pty_helpers import QUIZPREP, TIMEOUT, pty_env

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pty")

ANSI = r"(?:\x1b\[[0-9;]*m)*"


@pytest.fixture
def deck(tmp_path: Path) -> Path:
    return write_interview_deck(tmp_path)


def env(home: Path) -> dict[str, str]:
    return pty_env(home, 80)


def spawn(home: Path, deck: Path, *args: str) -> pexpect.spawn:
    return pexpect.spawn(
        QUIZPREP,
        ["interview", "--deck", str(deck), "--topic", "ivtest", "--seed", "1", *args],
        env=env(home), dimensions=(40, 80), encoding="utf-8", timeout=TIMEOUT,
    )  # fmt: skip


def stats(home: Path) -> dict:
    result = subprocess.run(
        [QUIZPREP, "stats", "--json"],
        env=env(home), capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    return json.loads(result.stdout)


def noted(what: str) -> str:
    return rf"Noted · {ANSI}{what}"


def answer(child: pexpect.spawn, *lines: str) -> None:
    """Type an answer line by line at the clock prompt, then an empty line."""
    for line in lines:
        child.expect(r"\[\d\d:\d\d\] [›…] ")
        child.sendline(line)
    child.expect(r"\[\d\d:\d\d\] [›…] ")
    child.sendline("")


def confirm(child: pexpect.spawn, *toggles: str) -> None:
    """At the grader's verdicts: press number keys to toggle, then Enter to accept."""
    child.expect("accept")
    for key in toggles:
        child.send(key)
        child.expect("accept")
    child.send("\r")


def test_a_whole_interview_in_a_terminal(quizprep_home: Path, deck: Path) -> None:
    child = spawn(quizprep_home, deck)
    child.expect("Question 1 of 3")
    child.expect(rf"00:00{ANSI} / {ANSI}20:00")  # the clock, between colour codes
    answer(child, "max of zero and x", "the gradient is one for positive inputs")
    child.expect("Covered 2 of 2 key points")
    confirm(child)
    child.expect(noted("2 of 2 key points"))
    child.expect("Follow-up to question 1")
    answer(child, "learned scale and shift")
    confirm(child)
    child.expect(noted("1 of 2 key points"))

    child.expect("Question 2 of 3")
    child.expect(r"\[\d\d:\d\d\] › ")
    child.sendline("standardise each feature over the batch")
    child.expect(r"\[\d\d:\d\d\] … ")
    child.sendcontrol("d")  # Ctrl-D ends a multi-line answer too
    confirm(child)
    child.expect(noted("1 of 2 key points"))
    child.expect("Follow-up to question 2")
    child.expect("you rate yourself")
    answer(child, "after the linear layer, before the activation")
    child.expect("How did you do?")
    child.send("3")  # one keypress, no Enter
    child.expect(noted("self-rated Good"))

    child.expect("Question 3 of 3")
    answer(child, "it down-weights easy examples")
    child.expect("Covered 1 of 3 key points")
    confirm(child, "3")  # the user: "helps class imbalance" missed → contradicted
    child.expect(noted("1 of 3 key points"))
    child.expect("1 contradicted")
    child.expect("Follow-up to question 3")
    answer(child, "it is plain cross-entropy")
    child.expect("How did you do?")
    child.send("x")
    child.expect("Press 1, 2, 3 or 4")
    child.send("4")

    child.expect("Scorecard")
    child.expect("3 of 3 questions")
    child.expect("Model answer")
    child.expect("Weak topics")
    child.expect("Back in your drill")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0

    data = stats(quizprep_home)
    assert [(i["questions"], i["planned"], i["end_reason"]) for i in data["interviews"]] == [
        (3, 3, "finished")
    ]
    # norm answered half as a follow-up and as a question (Hard twice), focal badly (Again)
    assert data["grading"]["graded"] == 4 and data["grading"]["overridden"] == 1
    with Storage.open() as storage:
        assert [(e.key[1], e.rating) for e in storage.log()] == [
            ("norm", 2),
            ("norm", 2),
            ("focal", 1),
        ]
    assert data["reviews"] == 3


def test_ctrl_c_shows_and_saves_the_scorecard(quizprep_home: Path, deck: Path) -> None:
    child = spawn(quizprep_home, deck)
    child.expect("Question 1 of 3")
    answer(child, "max of zero and x")
    confirm(child)
    child.expect(noted("1 of 2 key points"))
    child.expect("Follow-up to question 1")
    child.expect(r"\[\d\d:\d\d\] › ")
    child.send("half an answ")
    child.sendcontrol("c")
    child.expect("Scorecard")
    child.expect("1 of 3 questions")
    child.expect("Stopped early")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    interviews = stats(quizprep_home)["interviews"]
    assert [(i["questions"], i["end_reason"]) for i in interviews] == [(1, "interrupted")]


def test_the_time_budget_ends_the_interview(quizprep_home: Path, deck: Path) -> None:
    child = spawn(quizprep_home, deck, "--minutes", "0.02")  # 1.2 seconds
    child.expect("Question 1 of 3")
    child.expect(r"\[\d\d:\d\d\] › ")
    time.sleep(1.5)  # a slow answer: the budget runs out while typing
    child.sendline("max of zero and x")
    child.expect(r"\[\d\d:\d\d\] … ")
    child.sendline("")
    confirm(child)
    child.expect("Time is up")
    child.expect("That was the last question")
    child.expect("Time ran out")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert stats(quizprep_home)["interviews"][0]["end_reason"] == "time"
