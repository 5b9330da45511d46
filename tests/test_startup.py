"""Start-up discipline: the lookup commands never import NumPy, fsrs or PyYAML needlessly.

sqlite3 is allowed on lookups (the card index is a SQLite file; its import costs about
7 ms, measured in README's scale section) but not on ``--help``.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import DECKS

PROBE = """
import sys
from quizprep.cli import app
try:
    app(sys.argv[1:], standalone_mode=False)
finally:
    heavy = sorted(m for m in ("numpy", "fsrs", "sqlite3") if m in sys.modules)
    print("HEAVY=" + ",".join(heavy), file=sys.stderr)
"""


def heavy_modules(args: list[str], home: Path) -> str:
    env = {**os.environ, "QUIZPREP_HOME": str(home)}
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, *args], capture_output=True, text=True, env=env, check=False
    )
    line = [ln for ln in proc.stderr.splitlines() if ln.startswith("HEAVY=")]
    assert line, proc.stderr
    return line[-1].removeprefix("HEAVY=")


@pytest.mark.parametrize(
    "args",
    [
        ["explain", "focal"],
        ["list"],
        ["list", "--json"],
        ["deck", "validate", str(DECKS / "good" / "full.yaml")],
        ["--help"],
    ],
    ids=" ".join,
)
def test_lookup_commands_do_not_import_numpy(args: list[str], quizprep_home: Path) -> None:
    # Twice: the first run parses the YAML, the second is served from the card index.
    allowed = {"sqlite3"} if args != ["--help"] else set()
    for _ in range(2):
        heavy = set(filter(None, heavy_modules(args, quizprep_home).split(",")))
        assert heavy <= allowed, heavy


def test_second_lookup_skips_yaml(quizprep_home: Path) -> None:
    probe = PROBE.replace('("numpy", "fsrs", "sqlite3")', '("yaml",)')
    env = {**os.environ, "QUIZPREP_HOME": str(quizprep_home)}
    runs = [
        subprocess.run(
            [sys.executable, "-c", probe, "explain", "kl"],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        ).stderr
        for _ in range(2)
    ]
    assert "HEAVY=yaml" in runs[0]  # cold: parses the decks
    assert "HEAVY=\n" in runs[1] or runs[1].rstrip().endswith("HEAVY=")  # warm: cache only


REGISTERED = """
import sys
sys.argv = ["quizprep", *sys.argv[1:]]
import quizprep.cli
app = sys.modules["quizprep.cli.app"].app
def names(group):
    return sorted(c.name or c.callback.__name__ for c in group.registered_commands)
print(names(app), {g.name: names(g.typer_instance) for g in app.registered_groups})
"""


@pytest.mark.parametrize(
    ("args", "commands", "groups"),
    [
        (["stats"], ["stats"], {}),
        (["explain", "focal"], ["explain"], {}),
        (["deck", "validate", "x.yaml"], [], {"deck": ["validate"]}),
        (["deck"], [], {"deck": ["limit", "list", "new", "orphans", "schema", "validate"]}),
        (["interview", "--questions", "3", "show", "2"], [], {"interview": ["show"]}),
    ],
    ids=" ".join,
)
def test_typer_is_handed_only_the_command_run(
    args: list[str], commands: list[str], groups: dict[str, list[str]]
) -> None:
    proc = subprocess.run(
        [sys.executable, "-c", REGISTERED, *args], capture_output=True, text=True, check=True
    )
    assert proc.stdout.strip() == f"{commands} {groups}"


def test_help_and_unknown_commands_see_every_command() -> None:
    for args in (["--help"], ["no-such-command"]):
        proc = subprocess.run(
            [sys.executable, "-c", REGISTERED, *args], capture_output=True, text=True, check=True
        )
        assert "'drill'" in proc.stdout and "'math'" in proc.stdout and "'deck'" in proc.stdout


def test_the_fast_exit_keeps_exit_codes_output_and_atexit(tmp_path: Path) -> None:
    # quizprep leaves with os._exit after a command: atexit handlers (coverage, a user's
    # sitecustomize) still run, exit codes and piped output are what they were.
    site = tmp_path / "site"
    site.mkdir()
    mark = tmp_path / "atexit-ran"
    (site / "sitecustomize.py").write_text(
        "import atexit, os\n"
        "atexit.register(lambda: open(os.environ['MARK'], 'a').write('ran\\n'))\n"
    )
    env = {
        **os.environ,
        "QUIZPREP_HOME": str(tmp_path / "home"),
        "PYTHONPATH": os.pathsep.join([str(site), os.environ.get("PYTHONPATH", "")]),
        "MARK": str(mark),
    }
    cases = [(["list"], 0), (["explain", "no-such-card-at-all"], 1), (["stats", "--nope"], 2)]
    for args, code in cases:
        proc = subprocess.run(
            [sys.executable, "-m", "quizprep", *args], env=env, capture_output=True, text=True
        )
        assert proc.returncode == code, (args, proc.stderr)
    listed = subprocess.run(
        [sys.executable, "-m", "quizprep", "list"], env=env, capture_output=True, text=True
    ).stdout
    assert re.fullmatch(r"\d+ cards: \d+ easy, \d+ medium, \d+ hard", listed.splitlines()[-1])
    assert mark.read_text().splitlines() == ["ran"] * (len(cases) + 1)
