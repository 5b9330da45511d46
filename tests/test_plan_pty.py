"""`quizprep drill --final` in a real pseudo-terminal: keypresses, then the interview, Ctrl-C."""

from __future__ import annotations

import sys
from datetime import timedelta
from pathlib import Path

import pexpect
import pytest

from quizprep.study.plan import Plan, save_plan
from quizprep.study.scheduler import Scheduler, utc_now
from quizprep.study.storage import Storage

from .drill_helpers import write_deck
from .pty_helpers import QUIZPREP, TIMEOUT, pty_env, skip_welcome
from .test_plan import rate

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pty")


def test_final_drill_then_interview_and_ctrl_c_keeps_ratings(quizprep_home: Path) -> None:
    (quizprep_home / "decks").mkdir(parents=True)
    write_deck(quizprep_home / "decks", n=6)
    now = utc_now()
    scheduler = Scheduler(0.9)
    with Storage.open() as storage:
        save_plan(storage, Plan(now.astimezone().date(), ("drilltest",)), now)
        for card_id, ago in (("c5", 2), ("c3", 20)):
            when = now - timedelta(days=ago)
            rate(storage, scheduler, ("drilltest", card_id), 3, when)
            rate(storage, scheduler, ("drilltest", card_id), 3, when + timedelta(minutes=10))
        before = len(storage.log())
    skip_welcome(quizprep_home)
    child = pexpect.spawn(
        QUIZPREP, ["drill", "--final"], env=pty_env(quizprep_home, 100), dimensions=(40, 100),
        encoding="utf-8", timeout=TIMEOUT,
    )  # fmt: skip
    child.expect("2 cards, lowest predicted recall first")
    child.expect("Question number 3")  # learned 20 days ago: the weakest
    child.send(" ")
    child.expect("Easy")
    child.send("3")
    child.expect("Question number 5")
    child.send(" ")
    child.expect("Easy")
    child.send("2")
    child.expect("u undo the last rating")
    child.send("x")
    child.expect("mock interview on your weakest topics")
    child.expect("Question 1")
    child.sendintr()
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    with Storage.open() as storage:
        log = storage.log()[before:]
    assert [(e.key[1], e.rating) for e in log[:2]] == [("c3", 3), ("c5", 2)]
