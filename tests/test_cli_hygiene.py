"""What a gh/uv user expects of the command line: --version, bare help, real metavars, whole
summaries, one example per line, completion that starts fast, a pager on a terminal (never
in a pipe), `where`, `interview list/show`, and `deck schema --install`."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pexpect
import pytest
from typer.testing import CliRunner

from quizprep.cli import app
from quizprep.decks.templates import schema_text
from quizprep.study.migrations import SCHEMA_VERSION
from quizprep.tui.editor import editor_command
from quizprep.tui.pager import pager_command

from .interview_helpers import write_interview_deck
from .pty_helpers import QUIZPREP, TIMEOUT, pty_env

runner = CliRunner()
COMMANDS = [
    "drill", "explain", "list", "math", "stats", "interview", "interview list",
    "interview show", "deck validate", "deck new", "deck list", "deck limit", "deck schema",
    "deck orphans", "suspended", "flagged", "export", "import", "progress export",
    "progress import", "reset", "where",
]  # fmt: skip


def run(*args: str, stdin: str | None = None):
    return runner.invoke(app, list(args), input=stdin)


def test_version_and_bare_command() -> None:
    for flag in ("--version", "-V"):
        result = run(flag)
        assert result.exit_code == 0 and result.stdout.startswith("quizprep ")
    bare = run()
    assert bare.exit_code == 0 and "Commands:" in bare.stdout and "drill" in bare.stdout
    group = run("deck")
    assert group.exit_code == 0 and "validate" in group.stdout


@pytest.mark.parametrize("command", COMMANDS)
def test_help_shows_real_metavars_and_one_example_per_line(command: str) -> None:
    result = run(*command.split(), "--help")
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert "{" not in text.split("\n")[0], text.split("\n")[0]  # no `{QUERY}` in usage
    assert "<str>" not in text and "<int>" not in text and "<path>" not in text
    for line in text.splitlines():
        assert line.count("quizprep ") <= 1 or "Examples" in line, line


def test_command_summaries_are_whole() -> None:
    for group in ((), ("deck",), ("progress",), ("interview",)):
        text = run(*group, "--help").stdout
        commands = text.split("Commands:")[1]
        assert "..." not in commands, commands


def complete(line: str, home: Path) -> list[str]:
    words = line.split()
    cword = len(words) if line.endswith(" ") else len(words) - 1
    env = dict(os.environ, COMP_WORDS=line, COMP_CWORD=str(cword),
               _QUIZPREP_COMPLETE="complete_bash", QUIZPREP_HOME=str(home))  # fmt: skip
    out = subprocess.run([QUIZPREP], env=env, capture_output=True, text=True, timeout=60)
    return out.stdout.split()


def test_shell_completion_of_names_ids_topics_and_cards(quizprep_home: Path) -> None:
    assert "focal" in complete("quizprep math fo", quizprep_home)
    assert "vanishing" in complete("quizprep math demo ", quizprep_home)
    assert set(complete("quizprep drill --deck ", quizprep_home)) >= {"losses", "activations"}
    assert complete("quizprep drill --difficulty m", quizprep_home) == ["medium"]
    assert "Losses" in complete("quizprep drill --topic ", quizprep_home)
    assert "losses/focal-loss" in complete("quizprep explain losses/foc", quizprep_home)
    assert complete("quizprep drill --order r", quizprep_home) == ["random"]


def test_completion_module_imports_nothing_heavy() -> None:
    code = (
        "import sys, quizprep.cli.complete as c; c.math_names(''); c.difficulties('');"
        "print(sorted({'numpy', 'sqlite3', 'fsrs', 'yaml'} & set(sys.modules)))"
    )
    env = dict(os.environ, _QUIZPREP_COMPLETE="complete_bash")
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    assert out.stdout.strip() == "[]"
    # Not completing: typer gets no callbacks to inspect on every run.
    plain = "import quizprep.cli.complete as c; print(c.deck_ids, c.math_names)"
    out = subprocess.run([sys.executable, "-c", plain], capture_output=True, text=True)
    assert out.stdout.strip() == "None None"


def test_pager_choice() -> None:
    assert pager_command({}) == ["less"]
    assert pager_command({"PAGER": "more"}) == ["more"]
    assert pager_command({"PAGER": "more", "QUIZPREP_PAGER": "less -S"}) == ["less", "-S"]
    assert pager_command({"PAGER": "cat"}) is None
    assert pager_command({"QUIZPREP_PAGER": ""}) is None
    assert pager_command({"PAGER": "no-such-pager-here"}) is None


def test_piped_output_is_never_paged_and_has_no_trailing_spaces(tmp_path: Path) -> None:
    record = tmp_path / "paged.txt"
    env = dict(os.environ, QUIZPREP_PAGER=f"tee {record}", QUIZPREP_HOME=str(tmp_path))
    for args in (["explain", "focal"], ["list"], ["stats"], ["deck", "list"]):
        out = subprocess.run([QUIZPREP, *args], env=env, capture_output=True, text=True)
        assert out.returncode == 0, out.stderr
        assert not record.exists()
        assert all(line == line.rstrip() for line in out.stdout.splitlines()), args


def pager_env(home: Path, cols: int, record: Path) -> dict[str, str]:
    env = pty_env(home, cols)
    env["QUIZPREP_PAGER"] = f"{sys.executable} -c \"import sys; open({str(record)!r}, 'w')" \
                            ".write(sys.stdin.read()); print('PAGED')\""  # fmt: skip
    return env


def test_long_output_goes_through_the_pager_on_a_terminal(tmp_path: Path) -> None:
    record = tmp_path / "paged.txt"
    env = pager_env(tmp_path / "home", 160, record)
    child = pexpect.spawn(QUIZPREP, ["explain", "focal"], env=env, dimensions=(50, 160),
                          encoding="utf-8", timeout=TIMEOUT)  # fmt: skip
    child.expect("PAGED")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    text = record.read_text(encoding="utf-8")
    assert "Focal loss" in text and "\x1b[" in text  # colours go through the pager
    plain = re.sub(r"\x1b\[[0-9;]*m", "", text).splitlines()
    assert max(len(line) for line in plain) == 100  # prose wraps at 100 on a 160 terminal
    record.unlink()
    child = pexpect.spawn(QUIZPREP, ["explain", "focal", "--no-pager"], env=env,
                          dimensions=(50, 160), encoding="utf-8", timeout=TIMEOUT)  # fmt: skip
    child.expect("Focal loss")
    child.expect(pexpect.EOF)
    child.close()
    assert not record.exists()
    child = pexpect.spawn(QUIZPREP, ["--no-pager", "stats"], env=env, dimensions=(24, 80),
                          encoding="utf-8", timeout=TIMEOUT)  # fmt: skip
    child.expect(pexpect.EOF)
    child.close()
    assert not record.exists()


def test_editor_commands() -> None:
    path = Path("/d/deck.yaml")
    assert editor_command(path, 7, {"EDITOR": "vim"}) == ["vim", "+7", "/d/deck.yaml"]
    assert editor_command(path, 7, {"EDITOR": "nano -w"}) == ["nano", "-w", "+7", "/d/deck.yaml"]
    assert editor_command(path, 7, {"VISUAL": "code", "EDITOR": "vi"}) == [
        "code", "--wait", "--goto", "/d/deck.yaml:7",
    ]  # fmt: skip
    assert editor_command(path, 7, {"EDITOR": "subl -w"})[-1] == "/d/deck.yaml:7"
    assert editor_command(path, 0, {}) == ["vi", "+1", "/d/deck.yaml"]


def test_where_lists_every_place_and_checks_it(quizprep_home: Path) -> None:
    result = run("where", "--json")
    assert result.exit_code == 0
    places = {p["name"]: p for p in json.loads(result.stdout)}
    assert set(places) >= {"data folder", "database", "decks folder", "backups", "deck cache",
                           "deck schema"}  # fmt: skip
    assert places["backups"]["path"] == str(quizprep_home / "backups")
    assert not quizprep_home.exists()  # looking creates nothing
    run("drill", "--cram", "--limit", "1", stdin="q\n")
    text = run("where").stdout
    assert f"schema {SCHEMA_VERSION}" in text and str(quizprep_home) in text
    run("deck", "schema", "--install")
    assert "up to date" in run("where").stdout
    (quizprep_home / "backups").write_text("not a folder")
    broken = run("where")
    assert broken.exit_code == 1 and "is a file, not a folder" in broken.stdout


def test_interview_list_and_show_reopen_scorecards(tmp_path: Path) -> None:
    deck = write_interview_deck(tmp_path)
    assert "No interviews yet" in run("interview", "list").stdout
    args = ("interview", "--deck", str(deck), "--topic", "ivtest", "--questions", "2")
    done = run(*args, "--seed", "5", stdin="max of zero and x\n\nlearned scale\n\n3\n")
    assert done.exit_code == 0, done.output
    assert "interview show 1" in done.output
    listed = run("interview", "list")
    assert listed.exit_code == 0 and "Mock interviews" in listed.stdout
    assert json.loads(run("interview", "list", "--json").stdout)[0]["id"] == 1
    shown = run("interview", "show", "1", "--deck", str(deck))
    assert shown.exit_code == 0, shown.output
    assert "Scorecard" in shown.stdout and "Model answer: ReLU returns max(0, x)" in shown.stdout
    assert "What does ReLU compute?" in shown.stdout
    without = run("interview", "show", "1")  # the deck is not loaded: answers still shown
    assert "What does ReLU compute?" in without.stdout
    assert "in none of the loaded decks" in without.stdout
    missing = run("interview", "show", "9")
    assert missing.exit_code == 1 and "no interview #9" in missing.stderr


def test_deck_schema_install_and_the_template_points_at_it(quizprep_home: Path) -> None:
    result = run("deck", "schema", "--install")
    assert result.exit_code == 0
    installed = quizprep_home / "deck.schema.json"
    assert installed.read_text() == schema_text()
    (quizprep_home / "deck.schema.json").unlink()
    run("deck", "new", "acme")
    text = (quizprep_home / "decks" / "acme.yaml").read_text()
    assert f"$schema={installed.as_uri()}" in text
    assert installed.exists()
    out = quizprep_home / "elsewhere.json"
    assert run("deck", "schema", "-o", str(out)).exit_code == 0
    assert json.loads(out.read_text())


def test_validate_points_a_bad_math_field_at_its_own_line(tmp_path: Path) -> None:
    path = tmp_path / "d.yaml"
    path.write_text(
        "deck: d\ntitle: D\nversion: 1\ncards:\n  - id: a\n    topic: T\n    difficulty: easy\n"
        "    question: Q?\n    answer: A.\n    key_points: [k]\n    math: focall\n",
        encoding="utf-8",
    )
    result = run("deck", "validate", str(path))
    assert result.exit_code == 1
    assert f"{path}:11: card 'a': math 'focall'" in result.stdout


def test_the_scorecard_at_the_end_of_an_interview_is_paged(tmp_path: Path) -> None:
    deck = write_interview_deck(tmp_path)
    record = tmp_path / "paged.txt"
    env = pager_env(tmp_path / "home", 80, record)
    child = pexpect.spawn(
        QUIZPREP, ["interview", "--deck", str(deck), "--topic", "ivtest", "--questions", "1"],
        env=env, dimensions=(24, 80), encoding="utf-8", timeout=TIMEOUT,
    )  # fmt: skip
    child.expect(r"\[\d\d:\d\d\] › ")
    child.sendline("max of zero and x")
    child.expect(r"\[\d\d:\d\d\] … ")
    child.sendline("")
    child.expect("change a verdict")  # the grader's verdicts, up for toggles
    child.send("\r")
    child.expect("Follow-up")
    child.sendcontrol("c")
    child.expect("PAGED")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    text = record.read_text(encoding="utf-8")
    assert "Scorecard" in text and "What does ReLU compute?" in text
