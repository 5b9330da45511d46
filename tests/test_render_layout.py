"""Columns and frames laid out by hand (render/layout.py), and `stats` drawn with them: at any
width every line fits, nothing ends in spaces, long names are cut with "…", colour only adds
to what the text says. Also the literal-text renderer's fast path (render/text.py)."""

from __future__ import annotations

import io
import re
import subprocess
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pexpect
import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.console import Console
from rich.text import Text

from quizprep.files import without_surrogates
from quizprep.render.layout import columns, fit, frame, print_lines
from quizprep.render.stats import render_stats
from quizprep.render.text import UNSAFE, clean
from quizprep.study.grades import GradeOverrides
from quizprep.study.practice import ExerciseStats
from quizprep.study.stats import InterviewRecord, Mastery, Stats

from .pty_helpers import QUIZPREP, TIMEOUT, pty_env

ANSI = re.compile(r"\x1b\[[0-9;]*m")
LONG_TOPIC = "A [bracketed] topic whose name goes on well past any column: " + "x" * 60


def console(width: int, *, colour: bool = False) -> Console:
    return Console(
        file=io.StringIO(),
        width=width,
        force_terminal=colour,
        color_system="truecolor" if colour else None,
        highlight=False,
        emoji=False,
    )


def test_fit_cuts_with_an_ellipsis_and_pads_outside_the_style() -> None:
    assert fit(Text("abcdef"), 4).plain == "abc…"
    assert fit(Text("ab"), 4).plain == "ab  "
    assert fit(Text("ab"), 4, "right").plain == "  ab"
    chip = fit(Text(" EASY ", style="on green"), 8)
    assert chip.plain == " EASY   "
    covered = [(s.start, s.end) for s in chip.spans if "green" in str(s.style)]
    assert covered == [(0, 6)]  # the background stops at the chip
    assert fit(Text("two\nlines"), 20).plain.rstrip() == "two lines"


def test_columns_align_shrink_one_column_and_leave_no_trailing_spaces() -> None:
    rows = [
        [Text("short"), Text("1"), Text("")],
        [Text("a much longer name here"), Text("100"), Text("note")],
    ]
    lines = columns(rows, "lrl", header=("Name", "N", ""), width=24, flex=0)
    plain = [line.plain for line in lines]
    assert plain[0].startswith(" Name") and set(plain[1].strip()) == {"─"}
    assert all(len(line) <= 24 and line == line.rstrip() for line in plain)
    assert plain[2].startswith(" short ") and plain[2].endswith("  1")
    assert "…" in plain[3] and plain[3].endswith("100   note")
    # right-justified numbers end in the same column
    assert plain[2].index("1") == plain[3].index("100") + 2


def test_frame_is_as_wide_as_its_widest_line_or_its_title() -> None:
    lines = frame("Title", [Text("one"), Text("three")])
    widths = {line.cell_len for line in lines}
    assert widths == {len("│ three │")} or widths == {len("╭─ Title ─╮")}
    assert len(widths) == 1
    assert lines[0].plain.startswith("╭─ Title ") and lines[-1].plain.startswith("╰")
    wide = frame("A long title here", [Text("x")])
    assert len({line.cell_len for line in wide}) == 1


def test_print_lines_wraps_only_a_line_wider_than_the_console() -> None:
    out = console(20)
    print_lines(out, [Text("fits"), Text("this line is wider than twenty cells"), Text("end")])
    text = out.file.getvalue().splitlines()
    assert text[0] == "fits" and text[-1] == "end"
    assert all(len(line.rstrip()) <= 20 for line in text) and len(text) > 3


def full_stats() -> Stats:
    today = date(2026, 12, 2)
    start = today - timedelta(days=today.weekday() + 7 * 52)
    heatmap = {start + timedelta(days=d): 1 + d % 40 for d in range(0, 364, 2)}
    at = datetime(2026, 12, 1, 9, 30, tzinfo=timezone.utc)
    interviews = [
        InterviewRecord(i, at - timedelta(days=i), at - timedelta(days=i, minutes=-12), 6, 5,
                        (0.9, 0.4, None)[i % 3], timedelta(minutes=20), LONG_TOPIC, "time")
        for i in range(1, 11)
    ]  # fmt: skip
    return Stats(
        today=today, reviews=12_345, reviews_today=37, again_today=4, retention=0.873,
        retention_reviews=310, streak=12,
        states={"new": 40, "learning": 3, "review": 55, "relearning": 3}, cards=101,
        cards_seen=61, due_now=7,
        due_next_7_days=[(today + timedelta(days=i), n) for i, n in enumerate((7, 3, 0, 12))],
        by_topic=[Mastery("Losses", 17, 9, 0.41, 0.7), Mastery(LONG_TOPIC, 2, 1, 0.5, 0.9)],
        by_difficulty=[Mastery("easy", 31, 20, 0.72, 0.9), Mastery("hard", 26, 0, 0.0, None)],
        heatmap=heatmap, heatmap_start=start, desired_retention=0.9, interviews=interviews,
        backups_folder="/data/backups", backups=["/data/backups/progress-1.sqlite3"],
        exercises=[ExerciseStats("code", 12, 5, 3, 9)], grading=GradeOverrides(20, 3, 80, 5),
    )  # fmt: skip


@pytest.mark.parametrize("width", [40, 60, 80, 100, 160])
def test_stats_fit_every_width(width: int) -> None:
    out = console(width)
    render_stats(out, full_stats())
    lines = out.file.getvalue().splitlines()
    assert max(len(line) for line in lines) <= width
    text = "\n".join(lines)
    for shown in ("Reviews today", "12,345", "Due in the next 7 days", "Losses", "41%", "9/17",
                  "EASY", "HARD", "Review days", "Mock interviews", "latest 8 of 10",
                  "Exercises: code 3 of 12", "Backups: 1 in"):  # fmt: skip
        assert shown in text.replace("\n", " "), (width, shown)
    # the long topic is cut where it does not fit, never wrapped onto a line of its own
    assert any(line.startswith(" A [br") and "█" in line for line in lines)
    assert (LONG_TOPIC in text) is (width == 160)  # 159 cells: name, bar, share, seen
    # the tables' own lines never end in spaces (prose lines are rich's, stripped when piped)
    table = [line for line in lines if "░" in line or "█" in line or "│" in line]
    assert table and all(line == line.rstrip() for line in table)


def test_colour_adds_to_the_text_and_changes_no_character() -> None:
    plain, coloured = console(80), console(80, colour=True)
    render_stats(plain, full_stats())
    render_stats(coloured, full_stats())
    styled = coloured.file.getvalue()
    assert "\x1b[" in styled
    assert ANSI.sub("", styled) == plain.file.getvalue()


def test_stats_in_a_terminal_with_and_without_colour(tmp_path: Path) -> None:
    for no_color in (False, True):
        env = pty_env(tmp_path / "home", 80)
        if no_color:
            env["NO_COLOR"] = "1"
        child = pexpect.spawn(QUIZPREP, ["--no-pager", "stats"], env=env, dimensions=(24, 80),
                              encoding="utf-8", timeout=TIMEOUT)  # fmt: skip
        child.expect(pexpect.EOF)
        child.close()
        assert child.exitstatus == 0
        screen = child.before
        colours = re.findall(r"\x1b\[(?:[0-9;]*;)?(?:3[0-7]|9[0-7]|38;5;\d+)m", screen)
        assert bool(colours) is not no_color
        lines = ANSI.sub("", screen).replace("\r", "").splitlines()
        assert max(len(line.rstrip()) for line in lines) <= 80
        assert any(line.startswith("╭─ Due in the next 7 days") for line in lines)


def test_piped_stats_have_no_escapes_and_no_trailing_spaces(tmp_path: Path) -> None:
    env = pty_env(tmp_path / "home", 80)
    done = subprocess.run([QUIZPREP, "stats"], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "\x1b" not in done.stdout and "Mastery by topic" in done.stdout
    assert all(line == line.rstrip() for line in done.stdout.splitlines())


# -- the literal-text renderer's fast path -------------------------------------------------

SAMPLED = st.text(
    st.characters(
        codec=None,
        categories=None,
        min_codepoint=0,
        max_codepoint=0x2100,
    )
    | st.sampled_from(["\n", "\t", "\x1b", "\x9b", "\u202e", "\u2066", "\ud800", "\udfff", "é"]),
    max_size=40,
)


@given(SAMPLED)
def test_clean_removes_exactly_the_unsafe_characters(text: str) -> None:
    assert clean(text) == re.sub(UNSAFE, "", text)


@given(SAMPLED)
def test_without_surrogates_replaces_exactly_the_lone_surrogates(text: str) -> None:
    assert without_surrogates(text) == re.sub("[\ud800-\udfff]", "\ufffd", text)
