"""The command line (typer). ``app.py`` is the root; one module per command family.

Running a command imports only its own family's module: typer builds the parameters of
every registered command on each run, which with every family registered cost about 20 ms
of start-up. ``quizprep --help``, an unknown command, shell completion and
``from quizprep.cli import app`` (tests) register them all.
"""

import os
import sys
from importlib import import_module
from typing import Any

FAMILIES = ("study", "lookup", "decks", "progress", "plan", "code", "config")
COMMAND_FAMILY = {
    "drill": "study", "stats": "study", "interview": "study", "grade": "study",
    "suspended": "study", "flagged": "study",
    "list": "lookup", "explain": "lookup", "math": "lookup",
    "deck": "decks", "import": "decks", "export": "decks",
    "progress": "progress", "reset": "progress", "where": "progress",
    "plan": "plan", "code": "code", "config": "config",
}  # fmt: skip


def register(argv: list[str] | None = None) -> Any:
    """The root app with the commands ``argv`` needs (all of them for ``None``)."""
    from quizprep.cli.app import app

    name = next((a for a in argv if not a.startswith("-")), None) if argv is not None else None
    family = COMMAND_FAMILY.get(name or "")
    if family is None or "_QUIZPREP_COMPLETE" in os.environ:
        for each in FAMILIES:
            import_module(f"quizprep.cli.{each}")
    else:
        import_module(f"quizprep.cli.{family}")
    return app


def main() -> None:
    register(sys.argv[1:])
    from quizprep.cli.app import main as run

    run()


def __getattr__(name: str) -> Any:
    if name == "app":
        return register()
    raise AttributeError(f"module 'quizprep.cli' has no attribute {name!r}")


__all__ = ["app", "main"]
