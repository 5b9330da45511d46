"""The command line. The only module that imports typer; every command parses, calls, renders.

Imports of rich, NumPy, fsrs and SQLite happen inside the commands that need them, so that
``quizprep --help`` and ``quizprep explain`` start fast.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from quizprep.errors import QuizprepError

F = TypeVar("F", bound=Callable[..., Any])

app = typer.Typer(
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


def _print_json(data: Any) -> None:
    import json

    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def _console():
    from quizprep.render.style import stdout_console

    return stdout_console()


@app.command("list")
@handles_errors
def list_cards(
    topic: Annotated[str | None, typer.Option(help="Only cards whose topic contains this.")] = None,
    difficulty: Annotated[
        str | None, typer.Option(help="Only cards of this difficulty: easy, medium or hard.")
    ] = None,
    tag: Annotated[str | None, typer.Option(help="Only cards with this tag.")] = None,
    deck: DeckOption = None,
    as_json: JsonOption = False,
) -> None:
    """List every card, with its difficulty, topic and question."""
    from quizprep.catalog import load_catalog

    cards = load_catalog(deck or ()).select(topic=topic, difficulty=difficulty, tag=tag)
    if as_json:
        _print_json([card.to_dict() for card in cards])
        return
    from quizprep.render.cards import render_card_table

    render_card_table(_console(), cards)


@app.command()
@handles_errors
def explain(
    query: Annotated[str, typer.Argument(help="A card id, alias, tag or words of its question.")],
    deck: DeckOption = None,
    as_json: JsonOption = False,
    show_math: Annotated[
        bool, typer.Option("--math", help="Also show the card's math: formula, numbers, plot.")
    ] = False,
) -> None:
    """Look a topic up: quizprep explain focal, quizprep explain "dead relu"."""
    from quizprep.catalog import load_catalog
    from quizprep.search import find, good_alternatives, suggestions

    catalog = load_catalog(deck or ())
    matches = find(catalog.cards, query)
    if not matches:
        if as_json:
            _print_json(
                {
                    "error": f"no card matches {query!r}",
                    "suggestions": suggestions(catalog.cards, query),
                }
            )
            raise typer.Exit(1)
        from quizprep.render.cards import render_no_match
        from quizprep.render.style import stderr_console

        render_no_match(stderr_console(), query, suggestions(catalog.cards, query))
        raise typer.Exit(1)
    best, others = matches[0], [m.card for m in good_alternatives(matches)]
    if as_json:
        _print_json(best.card.to_dict() | {"other_matches": [c.ref for c in others]})
        return
    from quizprep.render.cards import render_explain

    console = _console()
    render_explain(console, best.card, others, catalog.resolve)
    if show_math:
        _show_card_math(console, best.card.math)


def _show_card_math(console: Any, name: str | None) -> None:
    if not name:
        console.print("This card has no math demo.", style="dim")
        return
    from quizprep import mathlab
    from quizprep.render.math import render

    render(console, mathlab.run(name))


@deck_app.command("validate")
@handles_errors
def deck_validate(
    paths: Annotated[list[Path], typer.Argument(help="Deck files or folders to check.")],
) -> None:
    """Check deck files; print every problem as FILE:LINE: message."""
    from quizprep.validate import validate_paths

    report = validate_paths(paths)
    from quizprep.render.cards import render_validation

    render_validation(_console(), report.decks, report.problems, report.files)
    if report.problems:
        raise typer.Exit(1)


@deck_app.command("new")
@handles_errors
def deck_new(
    name: Annotated[str, typer.Argument(help="Deck name; its id is made from it.")],
    path: Annotated[
        Path | None,
        typer.Option(help="File or folder to write (default: your decks folder)."),
    ] = None,
) -> None:
    """Write a commented template deck that passes validation."""
    from quizprep.decktools import new_deck

    written = new_deck(name, path)
    _console().print(f"Wrote {written}\nEdit it, then: quizprep deck validate {written}")


@deck_app.command("list")
@handles_errors
def deck_list(deck: DeckOption = None, as_json: JsonOption = False) -> None:
    """Every deck: built-in, your decks folder and --deck paths, with counts."""
    from quizprep.catalog import load_catalog
    from quizprep.decktools import describe_decks

    catalog = load_catalog(deck or ())
    rows = describe_decks(catalog, _due_by_deck(catalog))
    if as_json:
        _print_json(rows)
        return
    from quizprep.render.decks import render_deck_list

    render_deck_list(_console(), rows)


def _due_by_deck(catalog: Any) -> dict[str, int] | None:
    """Due counts per deck when a progress database exists (never creates one)."""
    from quizprep.paths import database_path

    if not database_path().exists():
        return None
    from quizprep.progress import due_counts_by_deck

    return due_counts_by_deck(catalog)


@deck_app.command("schema")
@handles_errors
def deck_schema() -> None:
    """Print the deck format as JSON Schema (for editor completion and checking)."""
    from quizprep.decktools import schema_text

    sys.stdout.write(schema_text())


# --- math commands ---
# --- end math commands ---

# --- drill commands ---
# --- end drill commands ---


def main() -> None:
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
