"""The command line (typer). ``app.py`` is the root; one module per command family.

Run as ``quizprep CMD``, only CMD's family module is imported, and typer is handed CMD alone
(in a group, the subcommands the command line names): typer builds the parameters of every
registered command on each run, which with every family registered cost about 20 ms of
start-up. ``quizprep --help``, an unknown command, shell completion, and any other importer
of this package (tests, scripts) get every command.
"""

import os
import sys
from importlib import import_module
from pathlib import Path
from typing import Any

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
    """Import the command modules ``argv`` needs (all of them for ``None``), and hand typer
    only the command ``argv`` names: typer builds the parameters of every command it holds
    (about 0.2 ms each, 1 ms for the drill's), and a run needs one."""
    name = next((a for a in argv if not a.startswith("-")), None) if argv is not None else None
    family = COMMAND_FAMILY.get(name or "")
    if family is None or "_QUIZPREP_COMPLETE" in os.environ:
        for each in FAMILIES:
            import_module(f"quizprep.cli.{each}")
        return
    import_module(f"quizprep.cli.{family}")
    assert argv is not None and name is not None
    _keep_only(app, name, argv)


def _keep_only(group: Any, name: str, argv: list[str]) -> None:
    """Drop ``group``'s commands other than ``name``; inside the group ``name`` (``deck``,
    ``interview``), drop the subcommands that no word of ``argv`` names (a bare group keeps
    them all, for its help)."""
    group.registered_commands = [c for c in group.registered_commands if _name(c) == name]
    group.registered_groups = [g for g in group.registered_groups if g.name == name]
    words = set(argv)
    for sub in group.registered_groups:
        inner = sub.typer_instance
        named = [c for c in inner.registered_commands if _name(c) in words]
        if named:
            inner.registered_commands = named


def _name(command: Any) -> str:
    """The name typer gives a registered command (its function's, dashed, unless set)."""
    return command.name or command.callback.__name__.lower().replace("_", "-")


def _running_as_quizprep() -> bool:
    """The console script or ``python -m quizprep``, not a test runner (``python -m pytest``
    runs a ``__main__.py`` too) or another program."""
    if not sys.argv:
        return False
    if Path(sys.argv[0]).name == "quizprep":
        return True
    spec = getattr(sys.modules.get("__main__"), "__spec__", None)
    return getattr(spec, "name", None) == "quizprep.__main__"


register(sys.argv[1:] if _running_as_quizprep() else None)


def main() -> None:
    """The program. Run as quizprep, it ends with :func:`os._exit` once the command is done,
    its output flushed and the ``atexit`` handlers run: the interpreter's teardown (freeing
    every module and object: typer's, rich's, NumPy's) would add about 15 ms to each
    command, 45 ms with NumPy, after its output is complete. Everything quizprep writes is
    flushed or committed before the command returns (files through ``with``, SQLite
    transactions committed), so nothing is left for the teardown to do. Other callers, and
    a run with another thread still alive, get the ``SystemExit``."""
    try:
        _run()
    except SystemExit as exc:
        if _running_as_quizprep():
            _exit_now(exc.code)
        raise


def _exit_now(code: object) -> None:
    """Leave the process with ``code`` at once, or return to let the normal exit happen."""
    import atexit

    code = 0 if code is None else code
    threading = sys.modules.get("threading")
    if not isinstance(code, int) or (threading is not None and threading.active_count() > 1):
        return
    run_exitfuncs = getattr(atexit, "_run_exitfuncs", None)
    if run_exitfuncs is None:
        return
    run_exitfuncs()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError, AttributeError):
        return  # the normal exit reports it, as before
    os._exit(code)


__all__ = ["app", "main", "register"]
