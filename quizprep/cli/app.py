"""The root command: the typer app, its command order, error handling and shared helpers.

Only ``quizprep.cli`` imports typer. Imports of rich, NumPy, fsrs and SQLite happen inside the
commands that need them, so that ``quizprep --help`` and ``quizprep explain`` start fast.
No ``from __future__ import annotations`` in this package: typer would evaluate every
annotation string on each run.
"""

import contextlib
import functools
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from quizprep.cli import complete
from quizprep.errors import QuizprepError

F = TypeVar("F", bound=Callable[..., Any])

# The order `quizprep --help` lists commands in: daily use first.
COMMAND_ORDER = (
    "drill", "explain", "list", "math", "code", "stats", "plan", "interview", "grade",
    "deck", "suspended", "flagged", "export", "import", "progress", "config", "reset", "where",
)  # fmt: skip


class CommandGroup(typer.core.TyperGroup):
    """Command lists with whole summaries (click cuts them at 45 characters with "...");
    a bare group (`quizprep`, `quizprep deck`) shows its help and succeeds, as git and gh
    do, where click exits 2."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if not args and self.no_args_is_help and not ctx.resilient_parsing:
            typer.echo(ctx.get_help())
            ctx.exit(0)
        return super().parse_args(ctx, args)

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        rows = []
        for name in self.list_commands(ctx):
            cmd = self.get_command(ctx, name)
            if cmd is not None and not cmd.hidden:
                rows.append((name, cmd.get_short_help_str(limit=1000)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


class _OrderedGroup(CommandGroup):
    def list_commands(self, ctx: Any) -> list[str]:
        rank = {name: i for i, name in enumerate(COMMAND_ORDER)}
        return sorted(super().list_commands(ctx), key=lambda n: rank.get(n, len(rank)))


def _plain_metavar(self: Any, ctx: Any, *, usage: bool = False) -> str:
    # typer writes a required argument as {QUERY} in usage lines; every CLI people know
    # (git, gh, uv, click itself) writes QUERY.
    text = _typer_metavar(self, ctx, usage=usage)
    return text[1:-1] if text.startswith("{") and text.endswith("}") else text


def _named_metavar(self: Any, ctx: Any) -> str:
    # An option without its own metavar is shown as its name (`--topic TOPIC`), as argparse
    # does, rather than typer's `--topic <str>`; choices keep their list.
    text = _typer_option_metavar(self, ctx)
    if self.metavar is None and text.startswith("<") and "|" not in text and self.opts:
        long = max(self.opts, key=len).lstrip("-")
        return long.upper().replace("-", "_") + ("..." if text.endswith("...") else "")
    return text


_typer_metavar = typer.core.TyperArgument.make_metavar
typer.core.TyperArgument.make_metavar = _plain_metavar  # type: ignore[method-assign]
_typer_option_metavar = typer.core.TyperOption.make_metavar
typer.core.TyperOption.make_metavar = _named_metavar  # type: ignore[method-assign]

app = typer.Typer(
    cls=_OrderedGroup,
    name="quizprep",
    no_args_is_help=True,
    rich_markup_mode=None,  # typer's rich help imports markdown-it: +60 ms on every --help
    context_settings={"help_option_names": ["-h", "--help"]},
    pretty_exceptions_enable=False,
)


def _show_version(value: bool) -> None:
    if value:
        from importlib.metadata import PackageNotFoundError, version

        try:
            number = version("quizprep")
        except PackageNotFoundError:  # a source checkout that was never installed
            number = "unknown"
        typer.echo(f"quizprep {number}")
        raise typer.Exit(0)


@app.callback()
def root(
    show_version: Annotated[
        bool,
        typer.Option(
            "--version",
            "-V",
            help="Print the version and exit.",
            callback=_show_version,
            is_eager=True,
        ),
    ] = False,
    no_pager: Annotated[
        bool,
        typer.Option(
            "--no-pager", help="Never page long output (as `git --no-pager`; also PAGER=cat)."
        ),
    ] = False,
) -> None:
    """A terminal trainer for machine-learning interviews: drill, look up, and see the math.

    \b
    Start here:
      quizprep drill              today's cards (Space shows, Space again: Good)
      quizprep explain focal      look a topic up
      quizprep math focal         the math, with real numbers
      quizprep where              where your progress and decks live
    """
    if no_pager:
        import os

        os.environ["QUIZPREP_PAGER"] = "cat"


deck_app = typer.Typer(
    cls=CommandGroup,
    help="Check and manage decks (your own YAML question files).",
    no_args_is_help=True,
)
app.add_typer(deck_app, name="deck")
progress_app = typer.Typer(
    cls=CommandGroup,
    help="Carry your progress between machines: export and import the review log as JSON.",
    no_args_is_help=True,
)
app.add_typer(progress_app, name="progress")

TopicOption = Annotated[
    str | None,
    typer.Option(
        help="Only cards whose topic contains this.",
        metavar="TOPIC",
        autocompletion=complete.topics,
    ),
]
DifficultyOption = Annotated[
    str | None,
    typer.Option(
        help="Only cards of this difficulty: easy, medium or hard.",
        metavar="LEVEL",
        autocompletion=complete.difficulties,
    ),
]
TagOption = Annotated[
    str | None,
    typer.Option(help="Only cards with this tag.", metavar="TAG", autocompletion=complete.tags),
]
DeckOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--deck",
        help="A deck file or folder to add (repeatable).",
        metavar="PATH",
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def _check_grader(value: str | None) -> str | None:
    if (
        value is not None
        and value.strip() != "local"
        and not (value.startswith("llm:") and value[4:].strip())
    ):
        raise typer.BadParameter("use 'local' or 'llm:MODEL' (any model `llm models` lists)")
    return value


GraderOption = Annotated[
    str | None,
    typer.Option(
        "--grader",
        metavar="local|llm:MODEL",
        help="Who grades typed answers: the local grader, or a model through the `llm` "
        'library (pip install "quizprep[ai]"). Default: `quizprep config set grader`.',
        callback=_check_grader,
    ),
]
NoPagerOption = Annotated[
    bool, typer.Option("--no-pager", help="Print straight to the terminal, without a pager.")
]


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


@contextlib.contextmanager
def paged(no_pager: bool = False, *, prose: bool = True) -> Iterator[Any]:
    """A console for long output: through the pager on a terminal (see quizprep.tui.pager),
    straight to stdout when piped or with ``--no-pager``."""
    from quizprep.render.style import stdout_console
    from quizprep.tui.pager import pager_stream

    with pager_stream(not no_pager) as stream:
        yield stdout_console(prose=prose, file=stream)


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
