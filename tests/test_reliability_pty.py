"""Issue 10 in a real terminal: waiting for the lock, Ctrl-C while waiting, asking first."""

from __future__ import annotations

import sqlite3
import sys
import threading
import time
from pathlib import Path

import pexpect
import pytest

from quizprep.study.storage import Storage

from .drill_helpers import write_deck
from .pty_helpers import QUIZPREP, TIMEOUT, pty_env, skip_welcome

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pty")


def spawn(home: Path, *args: str) -> pexpect.spawn:
    skip_welcome(home)
    return pexpect.spawn(
        QUIZPREP, list(args), env=pty_env(home, 100), dimensions=(40, 100),
        encoding="utf-8", timeout=TIMEOUT,
    )  # fmt: skip


def reviews(home: Path) -> int:
    with Storage.open(home / "progress.sqlite3") as storage:
        return len(storage.log())


def test_ctrl_c_while_waiting_for_the_lock_keeps_earlier_ratings(
    quizprep_home: Path, tmp_path: Path
) -> None:
    deck = write_deck(tmp_path)
    child = spawn(quizprep_home, "drill", "--deck", str(deck), "--topic", "Alpha")
    child.expect("show answer")
    child.send(" ")
    child.expect("Easy")
    child.send("3")  # committed before the next card is drawn
    child.expect("show answer")
    child.send(" ")
    child.expect("Easy")
    # Another quizprep (a long import) takes the write lock now.
    holder = sqlite3.connect(quizprep_home / "progress.sqlite3", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        child.send("3")
        child.expect("waiting for another quizprep")
        time.sleep(0.3)
        child.sendintr()
        child.expect(pexpect.EOF)
        child.close()
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert child.exitstatus == 130
    assert reviews(quizprep_home) == 1


def test_a_rating_given_while_another_quizprep_writes_is_saved(
    quizprep_home: Path, tmp_path: Path
) -> None:
    deck = write_deck(tmp_path)
    child = spawn(quizprep_home, "drill", "--deck", str(deck), "--topic", "Alpha")
    child.expect("show answer")
    child.send(" ")
    child.expect("Easy")
    holder = sqlite3.connect(
        quizprep_home / "progress.sqlite3", isolation_level=None, check_same_thread=False
    )
    holder.execute("BEGIN IMMEDIATE")
    release = threading.Timer(6.0, lambda: holder.execute("COMMIT"))
    release.start()  # longer than SQLite's 5 s busy timeout, where the old code gave up
    child.send("3")
    child.expect("waiting for another quizprep")
    child.expect("show answer", timeout=TIMEOUT + 10)
    child.send("q")
    child.expect(pexpect.EOF)
    child.close()
    release.join()
    holder.close()
    assert child.exitstatus == 0
    assert reviews(quizprep_home) == 1


def test_reset_asks_on_a_terminal_and_backs_up(quizprep_home: Path, tmp_path: Path) -> None:
    deck = write_deck(tmp_path)
    child = spawn(quizprep_home, "drill", "--deck", str(deck), "--topic", "Alpha")
    child.expect("show answer")
    child.send(" ")
    child.expect("Easy")
    child.send("3")
    child.expect("show answer")
    child.send("q")
    child.expect(pexpect.EOF)
    child.close()

    declined = spawn(quizprep_home, "reset")
    declined.expect("Delete the progress of 1 card and 1 review")
    declined.expect(r"Go ahead\? \[y/N\]")
    declined.sendline("n")
    declined.expect("Nothing was deleted")
    declined.expect(pexpect.EOF)
    declined.close()
    assert declined.exitstatus == 1 and reviews(quizprep_home) == 1

    accepted = spawn(quizprep_home, "reset")
    accepted.expect(r"Go ahead\? \[y/N\]")
    accepted.sendline("y")
    accepted.expect("cleared 1 card and 1 review")
    accepted.expect("Backup of the database before the reset")
    accepted.expect(pexpect.EOF)
    accepted.close()
    assert accepted.exitstatus == 0 and reviews(quizprep_home) == 0
    backups = list((quizprep_home / "backups").glob("progress-*-reset.sqlite3"))
    assert len(backups) == 1
    with Storage.open(backups[0]) as saved:
        assert saved.progress_counts() == (1, 1)
