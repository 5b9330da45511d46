"""The command line (typer). ``app.py`` is the root; one module per command family.

Run as ``quizprep CMD``, only CMD's family module is imported: typer builds the parameters of
every registered command on each run, which with every family registered cost about 20 ms
of start-up. ``quizprep --help``, an unknown command, shell completion, and any other
importer of this package (tests, scripts) get every command.
"""

import os
import sys
from importlib import import_module
from pathlib import Path

from quizprep.cli.app import app
from quizprep.cli.app import main as _run

FAMILIES = ("study", "lookup", "decks", "progress", "plan", "code", "config")
COMMAND_FAMILY = {
    "drill": "study", "stats": "study", "interview": "study", "grade": "study",
    "suspended": "study", "flagged": "study",
    "list": "lookup", "explain": "lookup", "math": "lookup",
    "deck": "decks", "import": "decks", "export": "decks",
    "progress": "progress", "reset": "progress", "where": "progress",
    "plan": "plan", "code": "code", "config": "config",
}  # fmt: skip


def register(argv: list[str] | None = None) -> None:
    """Import the command modules ``argv`` needs (all of them for ``None``)."""
    name = next((a for a in argv if not a.startswith("-")), None) if argv is not None else None
    family = COMMAND_FAMILY.get(name or "")
    if family is None or "_QUIZPREP_COMPLETE" in os.environ:
        for each in FAMILIES:
            import_module(f"quizprep.cli.{each}")
    else:
        import_module(f"quizprep.cli.{family}")


def _running_as_quizprep() -> bool:
    """The console script or ``python -m quizprep``, not a test runner or another program."""
    return bool(sys.argv) and Path(sys.argv[0]).name in ("quizprep", "__main__.py")


register(sys.argv[1:] if _running_as_quizprep() else None)


def main() -> None:
    _run()


__all__ = ["app", "main", "register"]
