"""Exercise cards in a real drill, in a pseudo-terminal: a derivation typed at the prompt and
a code exercise opened with `c`; the check's proposed rating is accepted with Enter."""

from __future__ import annotations

import stat
import sys
from pathlib import Path

import pexpect
import pytest

from quizprep.study.storage import Storage

from .pty_helpers import QUIZPREP, TIMEOUT, pty_env, skip_welcome

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pty")
SOLUTIONS = Path(__file__).resolve().parent / "solutions"

DECK = """\
deck: practice
title: Practice
version: 1
cards:
  - id: bce-grad
    topic: Derivations
    difficulty: easy
    tags: [derive-only]
    derive: bce-logits
    question: Derive dL/dz for BCE on a logit z with target y.
    answer: sigmoid(z) - y
    key_points: [sigma of z minus y]
  - id: huber-code
    topic: Code
    difficulty: easy
    tags: [code-only]
    exercise: huber
    question: Implement the Huber loss with its gradient.
    answer: Quadratic inside delta, linear outside; the gradient is the clipped residual.
    key_points: [clip the residual]
"""


@pytest.fixture
def deck(tmp_path: Path) -> Path:
    path = tmp_path / "practice.yaml"
    path.write_text(DECK, encoding="utf-8")
    return path


def spawn(home: Path, deck: Path, tag: str, **env: str) -> pexpect.spawn:
    skip_welcome(home)
    environment = pty_env(home, 100)
    environment.pop("EDITOR", None)
    environment.pop("VISUAL", None)
    environment.update(env)
    return pexpect.spawn(
        QUIZPREP, ["drill", "--deck", str(deck), "--tag", tag], env=environment,
        dimensions=(40, 100), encoding="utf-8", timeout=TIMEOUT,
    )  # fmt: skip


def finish(child: pexpect.spawn) -> None:
    """After the last rating: the card may come back early (nothing else is left), asking
    again at the typed prompt, or the drill offers a last undo."""
    seen = child.expect(["any other key to finish", "Type the derivative", "show answer"])
    if seen == 1:
        child.send("\x1b")
        child.expect("show answer")
    child.send("q")


def ratings(home: Path) -> list[tuple[str, int]]:
    with Storage.open(home / "progress.sqlite3") as storage:
        return [(e.key[1], e.rating) for e in storage.log()]


def test_a_derivation_card_checks_the_typed_expression(quizprep_home: Path, deck: Path) -> None:
    child = spawn(quizprep_home, deck, "derive-only")
    child.expect("Type the derivative as an expression in z, y")
    child.sendline("z.__class__")  # refused, shown with the reason, asked again
    child.expect("unexpected character '.'")
    child.expect("Parse problems are not rated")
    child.expect("Type the derivative")
    child.sendline("y - sigmoid(z)")
    child.expect("the sign is flipped")
    child.expect("yours:")
    child.expect("exact:")
    child.expect("Proposed rating: ")
    child.expect("1 Again")
    child.expect("Press any key")
    child.send(" ")
    child.expect("Your derivative is wrong")
    child.expect("accept Again")
    child.send("\r")  # Enter accepts the proposed rating; Again brings the card back
    child.expect("Type the derivative")  # a fresh showing asks again: the old proposal is gone
    child.send("\x1b")  # Esc leaves the prompt
    child.expect("show answer")
    child.send("q")
    child.expect("Session stopped")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert ratings(quizprep_home) == [("bce-grad", 1)]


def test_a_right_derivation_proposes_good(quizprep_home: Path, deck: Path) -> None:
    child = spawn(quizprep_home, deck, "derive-only")
    child.expect("Type the derivative")
    child.sendline("1/(1 + exp(-z)) - y")
    child.expect("matches the exact gradient")
    child.expect("Proposed rating: ")
    child.expect("3 Good")
    child.expect("Press any key")
    child.send(" ")
    child.expect("accept Good")
    child.send("\r")
    finish(child)
    child.expect("Session (done|stopped)")
    child.expect(pexpect.EOF)
    child.close()
    assert ratings(quizprep_home) == [("bce-grad", 3)]


def test_c_opens_the_code_exercise_and_the_check_proposes_the_rating(
    quizprep_home: Path, deck: Path, tmp_path: Path
) -> None:
    editor = tmp_path / "editor.sh"
    editor.write_text(f'#!/bin/sh\ncp "{SOLUTIONS / "huber__good.py"}" "$1"\n')
    editor.chmod(editor.stat().st_mode | stat.S_IEXEC)
    child = spawn(quizprep_home, deck, "code-only", EDITOR=str(editor))
    child.expect("code exercise")
    child.send("c")
    child.expect("7 of 7 cases passed")
    child.expect("proposed rating: ")
    child.expect("3 Good")
    child.expect("Press any key")
    child.send(" ")
    child.expect("Code check: 7 of 7 cases passed")
    child.expect("accept Good")
    child.send("\r")
    finish(child)
    child.expect("Session (done|stopped)")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert ratings(quizprep_home) == [("huber-code", 3)]
    assert (quizprep_home / "exercises" / "huber.py").exists()


def test_c_without_an_editor_writes_the_starter_and_says_so(
    quizprep_home: Path, deck: Path
) -> None:
    child = spawn(quizprep_home, deck, "code-only")
    child.expect("code exercise")
    child.send("c")
    child.expect("Wrote ")
    child.expect("press c again")
    child.send("c")  # the untouched starter: every case says it is not written yet
    child.expect("0 of 7 cases passed")
    child.expect("Press any key")
    child.send(" ")
    child.expect("accept Again")
    child.send("q")
    child.expect(pexpect.EOF)
    child.close()
    assert ratings(quizprep_home) == []


def _processes_mentioning(text: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:
                continue
            if text in cmdline:
                found.append(int(entry.name))
    return found


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc")
def test_ctrl_c_during_a_check_exits_130_and_leaves_no_child(
    quizprep_home: Path, deck: Path, tmp_path: Path
) -> None:
    looping = tmp_path / "looping_solution.py"
    looping.write_text("# quizprep exercise: huber\ndef huber(p, t, delta=1.0):\n"
                       "    while True:\n        pass\n")  # fmt: skip
    editor = tmp_path / "editor.sh"
    editor.write_text(f'#!/bin/sh\ncp "{looping}" "$1"\n')
    editor.chmod(editor.stat().st_mode | stat.S_IEXEC)
    child = spawn(quizprep_home, deck, "code-only", EDITOR=str(editor))
    child.expect("code exercise")
    child.send("c")
    child.expect("Checking")
    marker = str(quizprep_home / "exercises" / "huber.py")
    for _ in range(50):  # wait for the sandboxed child to be running
        if _processes_mentioning(marker):
            break
        child.expect(pexpect.TIMEOUT, timeout=0.1)
    assert _processes_mentioning(marker)
    child.sendintr()
    child.expect("Interrupted")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert _processes_mentioning(marker) == []
