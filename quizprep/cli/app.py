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
    "drill", "explain", "list", "math", "stats", "interview", "grade",
    "deck", "export", "import", "progress", "config", "reset",
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

    return wrapper  # type: ignore[return-value]


def print_json(data: Any) -> None:
    import json

    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def console():
    from quizprep.render.style import stdout_console

    return stdout_console()


def write_text_file(path: Path, text: str, *, overwrite: bool) -> None:
    if path.exists() and not overwrite:
        raise QuizprepError(f"{path} already exists", hint="Pass --force to overwrite it.")
    try:
        with path.open("w", encoding="utf-8", newline="") as handle:
            handle.write(text)
    except OSError as exc:
        raise QuizprepError(f"{path}: cannot write: {exc.strerror or exc}") from None


def note(message: str) -> None:
    from quizprep.render.style import stderr_console

    stderr_console().print(message, markup=False, highlight=False, soft_wrap=True)


def main() -> None:
    app()
