"""The command line. The only module that imports typer; every command parses, calls, renders.

Imports of rich, NumPy, fsrs and SQLite happen inside the commands that need them, so that
``quizprep --help`` and ``quizprep explain`` start fast. No ``from __future__ import
annotations`` here: typer would then evaluate every annotation string on each run, which
costs about 6 ms of start-up.
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
    "drill", "explain", "list", "math", "stats", "interview",
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
    query: Annotated[
        str, typer.Argument(metavar="QUERY", help="A card id, alias, tag or words of its question.")
    ],
    deck: DeckOption = None,
    as_json: JsonOption = False,
    show_math: Annotated[
        bool, typer.Option("--math", help="Also show the card's math: formula, numbers, plot.")
    ] = False,
) -> None:
    """Look a card up by id, alias, tag or words of its question.

    Examples: quizprep explain focal; quizprep explain "dead relu"; quizprep explain
    losses/mse.
    """
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
    paths: Annotated[
        list[Path], typer.Argument(metavar="PATH...", help="Deck files or folders to check.")
    ],
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
    name: Annotated[str, typer.Argument(metavar="NAME", help="Deck name; its id is made from it.")],
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
    from quizprep.stats import due_counts_by_deck

    return due_counts_by_deck(catalog)


@deck_app.command("schema")
@handles_errors
def deck_schema() -> None:
    """Print the deck format as JSON Schema (for editor completion and checking)."""
    from quizprep.decktools import schema_text

    sys.stdout.write(schema_text())


# -- math ------------------------------------------------------------------------------
def _math_option(text: str) -> Any:
    return typer.Option(help=text, show_default=False, rich_help_panel="Parameters")


@app.command("math")
@handles_errors
def math_cmd(
    name: Annotated[
        str | None,
        typer.Argument(
            metavar="[NAME]", help="A function (focal, cross_entropy, gelu…) or 'demo'."
        ),
    ] = None,
    demo: Annotated[
        str | None, typer.Argument(metavar="[DEMO]", help="With 'demo': the demo to run.")
    ] = None,
    x: Annotated[
        str | None,
        typer.Option("--x", help="Inputs, comma-separated; rows of logits separated by ';'."),
    ] = None,
    target: Annotated[str | None, typer.Option(help="Targets, comma-separated.")] = None,
    gamma: Annotated[
        str | None, _math_option("focal, softmax_focal, focal-vs-ce: focusing exponent γ ≥ 0.")
    ] = None,
    alpha: Annotated[
        str | None,
        _math_option("focal: weight of positives (< 0 off); softmax_focal: per class; elu: α."),
    ] = None,
    delta: Annotated[
        str | None, _math_option("huber: where the quadratic turns linear (> 0).")
    ] = None,
    margin: Annotated[str | None, _math_option("multi_margin: the margin m.")] = None,
    p: Annotated[str | None, _math_option("multi_margin: the exponent, 1 or 2.")] = None,
    weight: Annotated[
        str | None,
        _math_option("cross_entropy, multi_margin: per-class weights; prelu: the slope."),
    ] = None,
    label_smoothing: Annotated[
        str | None, _math_option("cross_entropy: smoothing ε in [0, 1].")
    ] = None,
    pos_weight: Annotated[
        str | None, _math_option("bce_with_logits: weight of positive examples.")
    ] = None,
    negative_slope: Annotated[str | None, _math_option("leaky_relu: slope for x < 0.")] = None,
    approximate: Annotated[str | None, _math_option("gelu: none or tanh.")] = None,
    lam: Annotated[str | None, _math_option("l2: strength λ.")] = None,
    reduction: Annotated[str | None, _math_option("kl_div: batchmean, mean or sum.")] = None,
    plot: Annotated[bool, typer.Option("--plot/--no-plot", help="Draw the terminal plot.")] = True,
    as_json: JsonOption = False,
) -> None:
    """Show the math: formula, worked example, gradient check, plot. Alone: list everything.

    Examples: quizprep math focal --gamma 2; quizprep math cross_entropy --x 2,1,0.1
    --target 0; quizprep math demo vanishing.
    """
    from quizprep import mathlab

    if name is None:
        entries = mathlab.list_entries()
        if as_json:
            _print_json(entries)
            return
        from quizprep.render.math import render_index

        render_index(_console(), entries)
        return
    if name == "demo":
        if demo is None:
            raise QuizprepError(
                "which demo? e.g. quizprep math demo vanishing",
                hint="Run `quizprep math` to list every demo.",
            )
        name = demo
    elif demo is not None:
        raise typer.BadParameter(
            f"unexpected extra argument {demo!r} (only `math demo NAME` takes two)",
            param_hint="'demo'",
        )
    params = {
        "gamma": gamma, "alpha": alpha, "delta": delta, "margin": margin, "p": p,
        "weight": weight, "label_smoothing": label_smoothing, "pos_weight": pos_weight,
        "negative_slope": negative_slope, "approximate": approximate, "lam": lam,
        "reduction": reduction,
    }  # fmt: skip
    result = mathlab.run(name, x=x, target=target, params=params)
    if as_json:
        _print_json(result)
        return
    from quizprep.render.math import render

    render(_console(), result, plot=plot)


# -- export ------------------------------------------------------------------------------
EXPORT_FORMATS = ("markdown", "csv", "anki")


@app.command("export")
@handles_errors
def export_cmd(
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="markdown (cheat sheet), csv (Anki text) or anki.")
    ] = "markdown",
    deck_ids: Annotated[
        list[str] | None,
        typer.Option(
            "--deck", help="A deck id to export (repeatable); default: all.", metavar="ID"
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write here (anki: default quizprep.apkg)."),
    ] = None,
) -> None:
    """Export decks: a Markdown cheat sheet, a CSV for Anki, or an Anki .apkg package."""
    if fmt not in EXPORT_FORMATS:
        raise typer.BadParameter(f"use one of {', '.join(EXPORT_FORMATS)}", param_hint="--format")
    from quizprep import export
    from quizprep.catalog import load_catalog

    decks = export.select_decks(load_catalog().decks, deck_ids or ())
    cards = sum(len(d.cards) for d in decks)
    if fmt == "anki":
        output = output or Path("quizprep.apkg")
        export.export_apkg(decks, output)
    else:
        if fmt == "markdown":
            text = export.export_markdown(decks)
        else:
            text = export.export_csv([card for deck in decks for card in deck.cards])
        if output is None:
            sys.stdout.write(text)
            return
        _write_text_file(output, text, overwrite=True)
    _note(f"Exported {cards} cards from {len(decks)} decks to {output}.")


@app.command("import")
@handles_errors
def import_cmd(
    table: Annotated[
        Path, typer.Argument(metavar="FILE", help="A .csv or .tsv table with a header row.")
    ],
    deck_id: Annotated[
        str | None, typer.Option("--deck-id", help="The new deck's id (default: the file name).")
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the YAML deck here.")
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite --output if it exists.")
    ] = False,
) -> None:
    """Turn a question/answer table into a YAML deck (printed, or written with -o)."""
    from quizprep.importer import convert_table, existing_deck

    result = convert_table(table, deck_id)
    if result.ignored_columns:
        _note(f"Ignored columns: {', '.join(result.ignored_columns)}.")
    if (clash := existing_deck(result.deck_id)) and clash != (output and output.resolve()):
        _note(f"Deck id {result.deck_id!r} is already used by {clash}; use --deck-id to rename.")
    if output is None:
        sys.stdout.write(result.yaml_text)
        return
    _write_text_file(output, result.yaml_text, overwrite=force)
    _note(
        f"Imported {result.cards} cards into {output} (deck id {result.deck_id}). "
        f"Check it: quizprep deck validate {output}"
    )


def _write_text_file(path: Path, text: str, *, overwrite: bool) -> None:
    if path.exists() and not overwrite:
        raise QuizprepError(f"{path} already exists", hint="Pass --force to overwrite it.")
    try:
        with path.open("w", encoding="utf-8", newline="") as handle:
            handle.write(text)
    except OSError as exc:
        raise QuizprepError(f"{path}: cannot write: {exc.strerror or exc}") from None


def _note(message: str) -> None:
    from quizprep.render.style import stderr_console

    stderr_console().print(message, markup=False, highlight=False, soft_wrap=True)


# -- interview ------------------------------------------------------------------------------


@app.command()
@handles_errors
def interview(
    deck: DeckOption = None,
    topic: Annotated[str | None, typer.Option(help="Only cards whose topic contains this.")] = None,
    questions: Annotated[int, typer.Option(help="How many questions (easy to hard).")] = 6,
    minutes: Annotated[float, typer.Option(help="Time budget in minutes.")] = 20.0,
    seed: Annotated[
        int | None, typer.Option(help="Pick the same questions as an earlier interview.")
    ] = None,
) -> None:
    """A timed mock interview: type answers, get follow-ups, see a scorecard at the end."""
    from quizprep.interview import InterviewOptions
    from quizprep.interview_runner import run
    from quizprep.keys import for_stdin

    options = InterviewOptions(deck or (), topic, questions, minutes, seed)
    code = run(options, _console(), for_stdin())
    if code:
        raise typer.Exit(code)


progress_app = typer.Typer(
    help="Carry your progress between machines: export and import the review log as JSON.",
    no_args_is_help=True,
)
app.add_typer(progress_app, name="progress")


@progress_app.command("export")
@handles_errors
def progress_export(
    file: Annotated[
        Path, typer.Argument(metavar="FILE", help="The JSON file to write ('-' for stdout).")
    ],
) -> None:
    """Write every review and your desired retention to FILE.json."""
    from quizprep.scheduler import utc_now
    from quizprep.storage import Storage
    from quizprep.sync import export_progress

    target = None if str(file) == "-" else file
    with Storage.open() as storage:
        result = export_progress(storage, target, utc_now())
    if target is not None:
        _note(f"Exported {result.reviews} reviews of {result.cards} cards to {file}.")


@progress_app.command("import")
@handles_errors
def progress_import(
    file: Annotated[
        Path, typer.Argument(metavar="FILE", help="A file written by `quizprep progress export`.")
    ],
) -> None:
    """Merge reviews from FILE.json (the same review twice is kept once) and rebuild states."""
    from quizprep.render.stats import render_import
    from quizprep.storage import Storage
    from quizprep.sync import import_progress

    with Storage.open() as storage:
        result = import_progress(storage, file)
    render_import(_console(), result)


# -- drill ------------------------------------------------------------------------------


@app.command()
@handles_errors
def drill(
    deck: DeckOption = None,
    topic: Annotated[str | None, typer.Option(help="Only cards whose topic contains this.")] = None,
    difficulty: Annotated[
        str | None, typer.Option(help="Only cards of this difficulty: easy, medium or hard.")
    ] = None,
    tag: Annotated[str | None, typer.Option(help="Only cards with this tag.")] = None,
    limit: Annotated[int | None, typer.Option(help="At most N cards this session.")] = None,
    new: Annotated[
        int | None, typer.Option("--new", help="New cards allowed today (default 10).")
    ] = None,
    cram: Annotated[
        bool, typer.Option("--cram", help="Drill the selected cards without touching the schedule.")
    ] = False,
    typed: Annotated[
        bool, typer.Option("--typed", help="Type each answer; quizprep grades the key points.")
    ] = False,
    retention: Annotated[
        float | None,
        typer.Option(help="Desired retention, 0.70–0.99 (default 0.9); remembered."),
    ] = None,
) -> None:
    """Spaced-repetition drill: due cards first, then new ones. Keys: Enter, 1-4, m, u, s, t, q."""
    from quizprep.drill import DrillOptions, run
    from quizprep.keys import for_stdin

    options = DrillOptions(deck or (), topic, difficulty, tag, limit, new, cram, typed, retention)
    code = run(options, _console(), for_stdin())
    if code:
        raise typer.Exit(code)


@app.command()
@handles_errors
def stats(deck: DeckOption = None, as_json: JsonOption = False) -> None:
    """Your progress: reviews, retention, streak, due soon, mastery, review calendar."""
    from quizprep.stats import gather

    result = gather(deck or ())
    if as_json:
        _print_json(result.to_json())
        return
    from quizprep.render.stats import render_stats

    render_stats(_console(), result)


@app.command()
@handles_errors
def reset(
    deck_id: Annotated[
        str | None, typer.Option("--deck", metavar="ID", help="Only this deck's progress.")
    ] = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Clear progress (card states and review history), after confirmation."""
    from quizprep.render.stats import render_reset, reset_question
    from quizprep.storage import Storage

    with Storage.open() as storage:
        cards, reviews = storage.progress_counts(deck_id)
        asked = (cards or reviews) and not yes
        if asked and not typer.confirm(reset_question(cards, reviews, deck_id), err=True):
            sys.stderr.write("Nothing was deleted.\n")
            raise typer.Exit(1)
        if cards or reviews:
            storage.reset(deck_id)
    render_reset(_console(), cards, reviews, deck_id)


@deck_app.command("orphans")
@handles_errors
def deck_orphans(
    deck: DeckOption = None,
    prune: Annotated[bool, typer.Option("--prune", help="Delete that history.")] = False,
) -> None:
    """Progress of cards no loaded deck contains any more (removed or renamed cards)."""
    from quizprep.catalog import load_catalog
    from quizprep.render.stats import render_orphans
    from quizprep.storage import Storage

    known = [card.key for card in load_catalog(deck or ()).cards]
    with Storage.open() as storage:
        orphans = storage.orphans(known)
        pruned = storage.prune([o.key for o in orphans]) if prune else None
    render_orphans(_console(), orphans, pruned)


def main() -> None:
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
