"""Shared pieces for tests that run quizprep in a real pseudo-terminal."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

QUIZPREP = shutil.which("quizprep") or str(Path(sys.executable).parent / "quizprep")
TIMEOUT = 20


def pty_env(home: Path, columns: int) -> dict[str, str]:
    """The environment of a person's terminal, with the test's own data folder."""
    out = dict(os.environ)
    out.update(QUIZPREP_HOME=str(home), TERM="xterm-256color", COLUMNS=str(columns), LINES="40")
    out.pop("NO_COLOR", None)
    # A scorecard longer than the screen would wait in less for a `q` no test sends; the
    # pager itself is tested on its own (test_cli_hygiene), with QUIZPREP_PAGER set there.
    out["QUIZPREP_PAGER"] = "cat"
    return out


def styled(text: str) -> str:
    """A regex for ``text`` as a terminal shows it: colour codes may sit between characters."""
    import re

    return "(?:\x1b\\[[0-9;]*m)*".join(re.escape(ch) for ch in text)


def skip_welcome(home: Path) -> None:
    """Mark the first drill's welcome screen as seen, for tests about something else."""
    from quizprep.study.settings import WELCOMED_SETTING
    from quizprep.study.storage import Storage

    home.mkdir(parents=True, exist_ok=True)
    with Storage.open(home / "progress.sqlite3") as storage:
        storage.set_setting(WELCOMED_SETTING, "1")
