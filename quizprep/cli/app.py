"""The root command: the typer app, its command order, error handling and shared helpers.

Only ``quizprep.cli`` imports typer. Imports of rich, NumPy, fsrs and SQLite happen inside the
commands that need them, so that ``quizprep --help`` and ``quizprep explain`` start fast.
No ``from __future__ import annotations`` in this package: typer would evaluate every
annotation string on each run.
"""

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from quizprep.errors import QuizprepError

F = TypeVar("F", bound=Callable[..., Any])

# The order `quizprep --help` lists commands in: daily use first.
COMMAND_ORDER = (
    "drill", "explain", "list", "math", "code", "stats", "interview",
    "deck", "export", "import", "progress", "reset",
)  # fmt: skip


class _OrderedGroup(typer.core.TyperGroup):
    def list_commands(self, ctx: Any) -> list[str]:
        rank = {name: i for i, name in enumerate(COMMAND_ORDER)}
        return sorted(super().list_commands(ctx), key=lambda n: rank.get(n, len(rank)))


app = typer.Typer(
    cls=_OrderedGroup,
    name="quizprep",
    help="A terminal trainer for machine-learning interviews: drill, look up, and see the math.",
    no_args_is_help=True,
    rich_markup_mode=None,  # typer's rich help imports markdown-it: +60 ms on every --help
    context_settings={"help_option_names": ["-h", "--help"]},
    pretty_exceptions_enable=False,
)
deck_app = typer.Typer(
    help="Check and manage decks (your own YAML question files).", no_args_is_help=True
)
app.add_typer(deck_app, name="deck")
progress_app = typer.Typer(
    help="Carry your progress between machines: export and import the review log as JSON.",
    no_args_is_help=True,
)
app.add_typer(progress_app, name="progress")

DeckOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--deck",
        help="A deck file or folder to add (repeatable).",
        metavar="PATH",
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def in_range(low: float, high: float, *, above: bool = False) -> Callable[[Any], Any]:
    """An option callback: the value must be a finite number from ``low`` (or, with
    ``above``, more than ``low``) to ``high``, else a usage error (exit 2) before anything
    runs — never an overflow after the user has typed an answer."""
    import math

    def fmt(x: float) -> str:
        return f"{x:,}" if isinstance(x, int) else f"{x:g}"

    want = f"more than {fmt(low)}" if above else f"from {fmt(low)}"
    want += f" and at most {fmt(high)}" if above else f" to {fmt(high)}"

    def check(value: Any) -> Any:
        if value is None:
            return value
        too_low = value <= low if above else value < low
        if not math.isfinite(value) or too_low or value > high:
            shown = str(value) if len(str(value)) <= 24 else str(value)[:21] + "…"
            raise typer.BadParameter(f"must be {want}, not {shown}")
        return value

    return check


def handles_errors(func: F) -> F:
    """User errors become a message and exit 1; Ctrl-C becomes exit 130."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except QuizprepError as exc:
            from quizprep.render.style import print_error

            print_error(exc.message, exc.hint)
            raise typer.Exit(exc.exit_code) from None
        except (KeyboardInterrupt, typer.Abort):
            sys.stderr.write("\nInterrupted.\n")
            raise typer.Exit(130) from None
        except OSError as exc:
            if exc.filename is None:
                raise  # writing the output failed: main() reports it
            # A file the user named that the system refuses (permissions, a name too long).
            from quizprep.files import os_reason
            from quizprep.render.style import print_error

            print_error(f"{exc.filename}: {os_reason(exc)}")
            raise typer.Exit(1) from None

    return wrapper  # type: ignore[return-value]


def confirm_destructive(question: str, yes: bool) -> None:
    """Ask before deleting progress; without a terminal to ask on, require ``--yes``.

    A "no" (or Ctrl-D) deletes nothing and exits 1.
    """
    if yes:
        return
    stdin = sys.stdin
    try:
        interactive = stdin is not None and stdin.isatty()
    except (ValueError, OSError):
        interactive = False
    if not interactive:
        raise QuizprepError(
            f"{question}\nNot done: standard input is not a terminal, so quizprep cannot ask.",
            hint="Pass --yes to go ahead without asking.",
        )
    note(question)
    try:
        agreed = typer.confirm("Go ahead?", default=False, err=True)
    except (typer.Abort, EOFError):
        agreed = False
    if not agreed:
        sys.stderr.write("Nothing was deleted.\n")
        raise typer.Exit(1)


def print_json(data: Any) -> None:
    import json

    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def console():
    from quizprep.render.style import stdout_console

    return stdout_console()


def write_text_file(path: Path, text: str, *, overwrite: bool) -> None:
    """Write ``text`` to ``path`` through the one atomic writer (see quizprep.files)."""
    from quizprep.files import write_atomic

    if path.exists() and not overwrite:
        raise QuizprepError(f"{path} already exists", hint="Pass --force to overwrite it.")
    write_atomic(path, text)


def note(message: str) -> None:
    from quizprep.render.style import stderr_console
    from quizprep.render.text import literal

    stderr_console().print(literal(message), highlight=False, soft_wrap=True)


def main() -> None:
    """The entry point: the app, plus what can go wrong with the terminal itself.

    Output that cannot be written (stdout closed, a full disk behind ``> file``, a closed
    pipe) ends in one line on stderr and exit 1, not a traceback; a stream that cannot
    encode Unicode gets ASCII glyphs instead of UnicodeEncodeError.
    """
    import os

    if sys.stderr is None:  # started with 2>&-: nowhere to report anything
        sys.stderr = open(os.devnull, "w")  # noqa: SIM115 - lives as long as the process
    if sys.stdout is None:  # started with >&-
        sys.stderr.write("quizprep: standard output is closed; nothing can be shown\n")
        raise SystemExit(1)
    _ascii_if_needed()
    code: Any = 0
    try:
        app()
    except SystemExit as exc:
        code = exc.code
    except OSError as exc:
        code = _output_failed(exc)
    try:
        sys.stdout.flush()
    except (OSError, ValueError) as exc:
        code = _output_failed(exc)
    raise SystemExit(code)


def _ascii_if_needed() -> None:
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "utf-8").lower()
        if not encoding.replace("_", "-").startswith("utf"):
            from quizprep.render.text import ascii_streams

            ascii_streams(sys.stdout, sys.stderr)
            return


def _output_failed(exc: BaseException) -> int:
    """Report an output failure once; keep the interpreter from failing again at exit."""
    import errno
    import os

    reason = "standard output is closed"
    if isinstance(exc, OSError):
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            reason = "cannot write output: disk full"
        elif exc.errno == errno.EPIPE:
            reason = ""  # `quizprep list | head`: the reader left; nothing to say
        elif exc.errno != errno.EBADF:
            reason = f"cannot write output: {exc.strerror or exc}"
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass
    if reason:
        try:
            sys.stderr.write(f"quizprep: {reason}\n")
            sys.stderr.flush()
        except (OSError, ValueError):
            pass
    return 1
