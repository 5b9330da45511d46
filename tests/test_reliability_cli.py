"""Issue 10 at the command line: literal text everywhere, options, encodings, the terminal.

Classes covered: markup and escapes in every command's output (6, 7), numeric options (11),
encodings and broken output streams (12), one clear line for bad input (21).
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from quizprep.cli import app
from quizprep.paths import database_path
from quizprep.render.text import clean, literal

from .pty_helpers import QUIZPREP

runner = CliRunner()

MARKUP = [
    "[INST]x[/INST]",
    "x[i]",
    "[mask]",
    "[link=https://evil.example]docs[/link]",
    ":thumbs_up:",
    "[bold red]loud[/]",
]
HOSTILE = " ".join(MARKUP)
DECK = f"""\
deck: hostile
title: "Title {HOSTILE}"
version: 1
cards:
  - id: inj
    topic: "Topic {HOSTILE}"
    difficulty: hard
    question: "Why {HOSTILE}?"
    answer: "Because {HOSTILE}."
    key_points: ["point {HOSTILE}"]
    common_mistakes: ["mistake {HOSTILE}"]
    follow_ups: ["follow {HOSTILE}"]
    why_asked: "asked {HOSTILE}"
"""


def cli(*args: str, stdin: str | None = None):
    return runner.invoke(app, list(args), input=stdin)


def assert_literal(output: str, where: object) -> None:
    flat = "".join(output.split())  # rich wraps long lines
    for text in MARKUP:
        assert "".join(text.split()) in flat, (where, text, output)
    assert "👍" not in output and "\x1b" not in output, where


@pytest.fixture
def deck(tmp_path: Path) -> Path:
    path = tmp_path / "hostile.yaml"
    path.write_text(DECK, encoding="utf-8")
    return path


def test_every_command_shows_deck_text_literally(
    deck: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "400")  # wide enough that no table cell is cut short
    assert cli("deck", "validate", str(deck)).exit_code == 0
    for args in (
        ("list", "--deck", str(deck)),
        ("deck", "list", "--deck", str(deck)),
        ("explain", "hostile/inj", "--deck", str(deck)),
    ):
        result = cli(*args)
        assert result.exit_code == 0, (args, result.output)
        if args[0] == "deck":
            assert "Title[INST]x[/INST]" in "".join(result.output.split())
            continue
        assert_literal(result.output, args)
    # The drill's end summary lists the card answered Again.
    drilled = cli("drill", "--deck", str(deck), "--topic", "Topic [INST]", stdin="\n1\nq\n")
    assert drilled.exit_code == 0, drilled.output
    assert_literal(drilled.output, "drill")
    assert "Why[INST]x[/INST]x[i]" in "".join(drilled.output.split()).split("Missed:")[1]
    # An interview on that topic: its table in `stats` shows the topic the user typed.
    asked = cli("interview", "--deck", str(deck), "--topic", "Topic [INST]", stdin="x\n\n")
    assert asked.exit_code == 0, asked.output
    assert_literal(asked.output, "interview")
    stats = cli("stats", "--deck", str(deck))
    assert stats.exit_code == 0, stats.output
    assert "Topic[INST]" in "".join(stats.output.split())


def test_ids_with_markup_and_escapes_in_the_database_are_shown_safely() -> None:
    assert cli("stats").exit_code == 0  # creates the database
    raw = sqlite3.connect(database_path())
    raw.execute(
        "INSERT INTO review_log (deck_id, card_id, reviewed_at, rating, state_before,"
        " state_after, interval_after, due_after, fsrs_after) VALUES"
        " ('gone[INST]', 'x[i]\x1b]0;pwned\x07\x1b[2J', 1, 3, 0, 1, 60, 60001, '{}')"
    )
    raw.commit()
    raw.close()
    result = cli("deck", "orphans")
    assert result.exit_code == 0, result.output
    assert "gone[INST]" in result.output and "\x1b" not in result.output


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_literal_never_parses_and_strips_controls(text: str) -> None:
    shown = literal(text)
    assert shown.spans == []
    plain = shown.plain
    assert all(c in "\n\t" or (ord(c) >= 32 and not 0x7F <= ord(c) <= 0x9F) for c in plain)
    assert not any(0xD800 <= ord(c) <= 0xDFFF for c in plain)
    # Everything that is not a control character survives, brackets and colons included.
    assert plain == clean(text)
    assert plain.count("[") == text.count("[") and plain.count(":") == text.count(":")


# -- 11: options ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ("interview", "--seed", "99999999999999999999"),
        ("interview", "--seed", "-1"),
        ("interview", "--minutes", "nan"),
        ("interview", "--minutes", "inf"),
        ("interview", "--minutes", "1e308"),
        ("interview", "--minutes", "-5"),
        ("interview", "--questions", "0"),
        ("interview", "--questions", "100000"),
        ("drill", "--new", "-1"),
        ("drill", "--new", "99999999999999999999"),
        ("drill", "--limit", "0"),
        ("drill", "--retention", "nan"),
        ("drill", "--retention", "0.5"),
    ],
)
def test_numeric_options_are_checked_before_anything_runs(args: tuple[str, ...]) -> None:
    result = cli(*args, stdin="an answer\n\n")
    assert result.exit_code == 2, result.output
    assert "Invalid value for" in result.output and "must be" in result.output
    assert "Traceback" not in result.output
    assert not database_path().exists()  # nothing ran


# -- 12: encodings and output streams ------------------------------------------------------


def run(args: list[str], home: Path, **kw) -> subprocess.CompletedProcess:
    env = dict(os.environ, QUIZPREP_HOME=str(home), COLUMNS="100")
    env.update(kw.pop("env", {}))
    if "stdout" not in kw:
        kw["capture_output"] = True
    return subprocess.run([QUIZPREP, *args], env=env, timeout=60, check=False, **kw)


@pytest.mark.parametrize("encoding", ["ascii", "cp1252", "latin-1"])
def test_output_to_a_non_utf8_stream_falls_back_to_ascii(
    quizprep_home: Path, encoding: str
) -> None:
    for args in (["explain", "focal"], ["list"], ["stats"], ["deck", "list"], ["math", "relu"]):
        done = run(args, quizprep_home, env={"PYTHONIOENCODING": encoding})
        assert done.returncode == 0, (args, done.stderr.decode(errors="replace"))
        assert b"UnicodeEncodeError" not in done.stderr
        done.stdout.decode(encoding)  # every byte is valid in the stream's encoding
    explained = run(["explain", "focal"], quizprep_home, env={"PYTHONIOENCODING": "ascii"})
    assert b"gamma" in explained.stdout or b"g = 2" in explained.stdout


def test_closed_stdout_is_one_line_and_exit_1(quizprep_home: Path) -> None:
    done = run(["list"], quizprep_home, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert done.returncode == 0  # sanity: a normal run
    closed = subprocess.run(
        f"{QUIZPREP} list >&-",
        shell=True,
        env=dict(os.environ, QUIZPREP_HOME=str(quizprep_home)),
        capture_output=False,
        stderr=subprocess.PIPE,
        timeout=60,
        check=False,
    )
    assert closed.returncode == 1
    assert closed.stderr.decode().strip().count("\n") == 0
    assert "standard output is closed" in closed.stderr.decode()


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_full_disk_behind_stdout_is_one_line_and_exit_1(quizprep_home: Path) -> None:
    for args in (["list"], ["explain", "focal"], ["progress", "export", "-"]):
        with open("/dev/full", "w") as full:
            done = run(
                args, quizprep_home, stdout=full, capture_output=False, stderr=subprocess.PIPE
            )
        err = done.stderr.decode()
        assert done.returncode == 1, (args, err)
        assert err.strip() == "quizprep: cannot write output: disk full", err


def test_undecodable_bytes_typed_in_an_interview_are_saved_replaced(
    quizprep_home: Path, tmp_path: Path
) -> None:
    from .interview_helpers import write_interview_deck

    deck = write_interview_deck(tmp_path)
    answer = b"max of zero and \xff\xfe x\n\n"
    for env in ({}, {"LC_ALL": "C", "PYTHONUTF8": "1"}):
        done = run(
            ["interview", "--deck", str(deck), "--topic", "ivtest", "--questions", "1"],
            quizprep_home,
            input=answer * 3,
            env=env,
        )
        assert done.returncode == 0, done.stderr.decode(errors="replace")
        assert b"Traceback" not in done.stderr
    with sqlite3.connect(database_path()) as raw:
        saved = [row[0] for row in raw.execute("SELECT answer FROM interview_answers")]
    assert saved and all("\ufffd" in text for text in saved if "max of zero" in text)


def test_undecodable_bytes_in_a_drill_do_not_crash(quizprep_home: Path, tmp_path: Path) -> None:
    from .drill_helpers import write_deck

    deck = write_deck(tmp_path)
    done = run(
        ["drill", "--deck", str(deck), "--typed", "--topic", "Alpha"],
        quizprep_home,
        input=b"gradient \xff saturation\n\n3\nq\n",  # answer, accept verdicts, rate
    )
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    assert json.loads(run(["stats", "--json"], quizprep_home).stdout)["reviews"] == 1


def test_no_traceback_for_a_closed_stdin(quizprep_home: Path) -> None:
    closed = subprocess.run(
        f"{QUIZPREP} drill --limit 1 <&-",
        shell=True,
        env=dict(os.environ, QUIZPREP_HOME=str(quizprep_home)),
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert b"Traceback" not in closed.stderr, closed.stderr
    assert closed.returncode in (0, 1)


def test_python_is_this_python() -> None:
    """The subprocess tests run the quizprep of this environment, not another install."""
    assert Path(QUIZPREP).parent == Path(sys.executable).parent


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",))))
def test_the_ascii_fallback_keeps_one_character_per_character(text: str) -> None:
    """Any text encodes to ASCII with the fallback, and tables keep their alignment."""
    from quizprep.render.text import ascii_streams

    ascii_streams()  # registers the handler
    encoded = text.encode("ascii", "quizprep-ascii")
    assert len(encoded) == len(text)
    assert "▌ ✓ ━ ⣿ ╭ é".encode("ascii", "quizprep-ascii") == b"| v - * + e"
