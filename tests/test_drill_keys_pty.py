"""The drill's keys in a real terminal at 80×24 and 160×50: Space/Enter after the reveal,
the typed-answer prompt (Esc and Ctrl-D leave it; `q` and words are an answer), the prompt
coming back after `m` and `u`, the short-first back side, `a`, the welcome screen, `e`."""

from __future__ import annotations

import sys
from pathlib import Path

import pexpect
import pytest
from rich.console import Console

from quizprep.decks.catalog import load_catalog
from quizprep.render.drill import DrillView, screen
from quizprep.study.session import Counts
from quizprep.study.storage import Storage

from .pty_helpers import QUIZPREP, TIMEOUT, pty_env, styled

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pty")

SIZES = [(24, 80), (50, 160)]

LONG = """\
deck: longcards
title: Long cards
version: 1
cards:
  - id: long
    topic: Losses
    difficulty: hard
    question: Why does focal loss down-weight easy examples, and what does gamma do?
    short: It multiplies cross-entropy by (1 - p_t)^gamma, so confident correct examples add little.
    answer: |
      Focal loss multiplies the cross-entropy of each example by a modulating factor that
      shrinks as the model grows confident in the true class. With gamma = 2 an example the
      model gets right with probability 0.9 contributes a hundred times less than under plain
      cross-entropy, so the gradient is dominated by the hard, misclassified examples.

      In dense detection the easy negatives vastly outnumber everything else; without the
      factor their many small losses swamp the few informative ones.
    key_points:
      - multiplies cross-entropy by (1 - p_t)^gamma
      - easy, confident examples are down-weighted
      - gamma = 0 gives plain cross-entropy
      - the gradient is dominated by hard examples
      - alpha balances positives and negatives
    formula: "FL(p_t) = -alpha_t (1 - p_t)^gamma log p_t"
    common_mistakes:
      - Saying focal loss re-weights classes; alpha does that, gamma re-weights examples.
      - Thinking larger gamma is always better; too large and learning from easy examples stops.
      - Forgetting that gamma = 0 recovers cross-entropy exactly.
    follow_ups:
      - question: What happens to the gradient for an example with p_t near 1?
      - question: How would you pick gamma?
  - id: second
    topic: Activations
    difficulty: easy
    question: What does ReLU compute?
    answer: max(0, x).
    key_points:
      - max of zero and x
"""


@pytest.fixture
def deck(quizprep_home: Path) -> Path:
    folder = quizprep_home / "decks"
    folder.mkdir(parents=True)
    path = folder / "longcards.yaml"
    path.write_text(LONG, encoding="utf-8")
    return path


def spawn(home: Path, size: tuple[int, int], *args: str, env: dict | None = None):
    rows, cols = size
    environ = pty_env(home, cols)
    environ["LINES"] = str(rows)
    environ.update(env or {})
    child = pexpect.spawn(
        QUIZPREP, ["drill", "--deck", "longcards", "--order", "deck", *args], env=environ,
        dimensions=size, encoding="utf-8", timeout=TIMEOUT,
    )  # fmt: skip
    return child


def welcome(child: pexpect.spawn) -> None:
    child.expect("Welcome to quizprep")
    child.expect("any key to start")
    child.send("x")


def log(home: Path) -> list[tuple[str, int]]:
    with Storage.open(home / "progress.sqlite3") as storage:
        return [(e.key[1], e.rating) for e in storage.log()]


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[1]}x{s[0]}")
def test_space_and_enter_mean_good_after_the_reveal(quizprep_home: Path, deck, size) -> None:
    child = spawn(quizprep_home, size)
    welcome(child)
    child.expect(styled("2 new · 0 learning · 0 review"))
    child.send(" ")
    child.expect("Space/Enter")
    child.send(" ")  # Good
    child.expect(styled("1 new · 1 learning"))
    child.send("\r")
    child.expect("Easy")
    child.send("\r")  # Good
    child.expect(["Session done", "Nothing else is left"])
    child.send("q")
    child.expect(pexpect.EOF)
    child.close()
    assert log(quizprep_home)[:2] == [("long", 3), ("second", 3)]


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[1]}x{s[0]}")
def test_typed_prompt_esc_ctrl_d_and_q_as_text(quizprep_home: Path, deck, size) -> None:
    child = spawn(quizprep_home, size, "--typed")
    welcome(child)
    child.expect("Esc or Ctrl-D: back to keys")
    child.send("q but really")  # q and words: an answer, never quit
    child.send("\x7f" * 6)  # Backspace edits the line
    child.send("gamma = 0 gives plain cross-entropy\r")
    child.expect(styled("Your answer: q but gamma = 0 gives plain cross-entropy"))
    child.expect("accept verdicts")
    child.send("\r")  # accept the grader's verdicts, then rate
    child.expect("rate")
    child.send("2")
    child.expect("Esc or Ctrl-D: back to keys")  # the next card asks again
    child.send("half an answ")
    child.send("\x1b")  # Esc leaves at once, whatever was typed
    child.expect("Back to the keys")
    child.expect(styled("q quit"))
    child.send("m")  # no math on this card: a note, and the prompt is back
    child.expect("No math for this card")
    child.expect("Esc or Ctrl-D: back to keys")
    child.sendcontrol("d")  # Ctrl-D leaves too
    child.expect("Back to the keys")
    child.send("u")  # undo the first card's rating: its prompt comes back, no old box
    child.expect("Undone: longcards/long is back")
    child.expect("Esc or Ctrl-D: back to keys")
    before = child.before
    assert "Your answer: q but" not in before.split("Undone")[-1]
    child.send("\x1b")
    child.expect("Back to the keys")
    child.send("q")
    child.expect("Session stopped")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert log(quizprep_home) == []


def test_welcome_is_shown_once(quizprep_home: Path, deck) -> None:
    child = spawn(quizprep_home, (24, 80))
    welcome(child)
    child.expect("show answer")
    child.send("q")
    child.expect(pexpect.EOF)
    child.close()
    again = spawn(quizprep_home, (24, 80))
    index = again.expect(["Welcome to quizprep", "show answer"])
    assert index == 1
    again.send("q")
    again.expect(pexpect.EOF)
    again.close()


def test_a_opens_the_rest_of_the_back_at_80x24(quizprep_home: Path, deck) -> None:
    child = spawn(quizprep_home, (24, 80))
    welcome(child)
    child.send(" ")
    child.expect("In short")
    child.expect(styled("a full answer"))
    child.send("a")
    child.expect("Common mistakes")
    child.expect(styled("a short answer"))
    child.send("a")
    child.expect(styled("a full answer"))
    child.send("q")
    child.expect(pexpect.EOF)
    child.close()


def test_e_edits_the_card_at_its_line_and_keeps_progress(
    quizprep_home: Path, deck: Path, tmp_path: Path
) -> None:
    editor = tmp_path / "editor.py"
    record = tmp_path / "argv.txt"
    editor.write_text(
        "import sys, pathlib\n"
        f"pathlib.Path({str(record)!r}).write_text(' '.join(sys.argv[1:]))\n"
        "path = pathlib.Path(sys.argv[-1])\n"
        "text = path.read_text().replace('What does ReLU compute?', 'What is ReLU, exactly?')\n"
        "path.write_text(text)\n",
        encoding="utf-8",
    )
    child = spawn(
        quizprep_home, (24, 80), env={"EDITOR": f"{sys.executable} {editor}", "VISUAL": ""}
    )
    welcome(child)
    child.send(" ")
    child.send("3")  # rate the first card: progress to keep
    child.expect("What does ReLU compute")
    child.send("e")
    child.expect("What is ReLU, exactly")
    child.expect("Reloaded longcards/second")
    child.send(" ")
    child.send("4")
    child.expect(["Session done", "Nothing else is left"])
    child.send("q")
    child.expect(pexpect.EOF)
    child.close()
    line = LONG.splitlines().index("  - id: second") + 1
    assert record.read_text() == f"+{line} {deck}"
    assert log(quizprep_home)[:2] == [("long", 3), ("second", 4)]


def test_the_question_stays_on_screen_after_the_reveal_at_80x24(deck: Path) -> None:
    card = load_catalog([deck], include_builtin=False).cards[0]
    console = Console(width=80, height=24, record=True, force_terminal=False)
    view = DrillView(
        card, Counts(2, 0, 0), 0.0, "new", True, intervals=None, height=24, can_undo=True
    )
    for part in screen(console, view):
        console.print(part)
    lines = console.export_text().splitlines()
    assert len(lines) < 24
    assert "Why does focal loss down-weight easy" in lines[2]
    assert any("In short" in line for line in lines)
    assert any("a full answer" in line for line in lines)
    assert not any("Common mistakes" in line for line in lines)
    # Tall enough: everything at once, short answer and key points first.
    tall = Console(width=160, height=50, record=True, force_terminal=False)
    for part in screen(tall, view._replace(height=50)):
        tall.print(part)
    text = "\n".join(line.rstrip() for line in tall.export_text().splitlines())
    assert text.index("In short") < text.index("Key points") < text.index("▌ Answer\n")
    assert "Common mistakes" in text and "Follow-ups" in text
    assert "a full answer" not in text


def last_screen(text: str) -> list[str]:
    """What the terminal shows after the last clear, without colour codes."""
    import re

    shown = text.rsplit("\x1b[2J\x1b[H", 1)[-1]
    return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", shown).replace("\r", "").split("\n")


def test_a_typed_answer_keeps_the_question_on_an_80x24_screen(quizprep_home: Path, deck) -> None:
    import io

    child = spawn(quizprep_home, (24, 80), "--typed")
    child.logfile_read = seen = io.StringIO()
    welcome(child)
    child.expect("Esc or Ctrl-D: back to keys")
    child.send("gamma zero gives cross-entropy and easy examples are down-weighted\r")
    child.expect("accept verdicts")
    child.send("\r")
    child.expect(styled("? all keys"))
    screen_lines = [line for line in last_screen(seen.getvalue()) if line.strip()]
    assert len(screen_lines) <= 24
    assert any("Why does focal loss down-weight easy" in line for line in screen_lines)
    assert any("In short" in line for line in screen_lines)
    child.send("q")
    child.expect(pexpect.EOF)
    child.close()
