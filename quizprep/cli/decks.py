"""Deck commands: deck validate/new/list/schema/orphans, import, export.

No ``from __future__ import annotations`` in this package: typer would evaluate every
annotation string on each run.
"""

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from quizprep.cli.app import (
    DeckOption,
    JsonOption,
    app,
    confirm_destructive,
    console,
    deck_app,
    handles_errors,
    note,
    print_json,
    write_text_file,
)


@deck_app.command("validate")
@handles_errors
def deck_validate(
    paths: Annotated[
        list[Path], typer.Argument(metavar="PATH...", help="Deck files or folders to check.")
    ],
) -> None:
    """Check deck files; print every problem as FILE:LINE: message."""
    from quizprep.decks.validate import validate_paths

    report = validate_paths(paths)
    from quizprep.render.cards import render_validation

    render_validation(console(), report.decks, report.problems, report.files)
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
    from quizprep.decks.templates import new_deck

    written = new_deck(name, path)
    from quizprep.render.text import literal

    console().print(literal(f"Wrote {written}\nEdit it, then: quizprep deck validate {written}"))


@deck_app.command("list")
@handles_errors
def deck_list(deck: DeckOption = None, as_json: JsonOption = False) -> None:
    """Every deck: built-in, your decks folder and --deck paths, with counts."""
    from quizprep.decks.catalog import load_catalog
    from quizprep.decks.templates import describe_decks

    catalog = load_catalog(deck or ())
    rows = describe_decks(catalog, _due_by_deck(catalog))
    if as_json:
        print_json(rows)
        return
    from quizprep.render.decks import render_deck_list

    render_deck_list(console(), rows)


def _due_by_deck(catalog: Any) -> dict[str, int] | None:
    """Due counts per deck when a progress database exists (never creates one)."""
    from quizprep.paths import database_path

    if not database_path().exists():
        return None
    from quizprep.study.stats import due_counts_by_deck

    return due_counts_by_deck(catalog)


@deck_app.command("schema")
@handles_errors
def deck_schema() -> None:
    """Print the deck format as JSON Schema (for editor completion and checking)."""
    from quizprep.decks.templates import schema_text

    sys.stdout.write(schema_text())


@deck_app.command("orphans")
@handles_errors
def deck_orphans(
    deck: DeckOption = None,
    prune: Annotated[
        bool, typer.Option("--prune", help="Delete the progress of cards gone from their deck.")
    ] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Prune without asking.")] = False,
) -> None:
    """Progress of cards their deck no longer contains (removed or renamed cards).

    Decks considered: built-in, your decks folder and --deck paths. Progress of a deck that
    is not loaded at all is listed apart and never pruned (pass its --deck, or clear it with
    `quizprep reset --deck ID`).
    """
    from quizprep.decks.catalog import load_catalog
    from quizprep.decks.templates import describe_decks
    from quizprep.render.stats import orphans_question, render_orphans
    from quizprep.study.backups import take_backup
    from quizprep.study.storage import Storage, split_orphans

    catalog = load_catalog(deck or ())
    origins = [row["origin"] for row in describe_decks(catalog)]
    considered = {name: origins.count(name) for name in ("built-in", "user folder", "--deck")}
    known = [card.key for card in catalog.cards]
    pruned = backup = None
    with Storage.open() as storage:
        removed, unloaded = split_orphans(storage.orphans(known), (d.id for d in catalog.decks))
        if prune and removed:
            confirm_destructive(orphans_question(removed), yes)
            backup = take_backup(storage, "orphans")
            pruned = storage.prune([o.key for o in removed])
    render_orphans(console(), removed, unloaded, considered, pruned if prune else None)
    if backup is not None:
        note(f"Backup of the database before pruning: {backup}")


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
    from quizprep.decks import export
    from quizprep.decks.catalog import load_catalog

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
        write_text_file(output, text, overwrite=True)
    note(f"Exported {cards} cards from {len(decks)} decks to {output}.")


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
    from quizprep.decks.importer import convert_table, existing_deck
    from quizprep.render.progress import ProgressBar
    from quizprep.render.style import stderr_console

    with ProgressBar(stderr_console(), "Reading rows") as progress:
        result = convert_table(table, deck_id, progress=progress)
    if result.ignored_columns:
        note(f"Ignored columns: {', '.join(result.ignored_columns)}.")
    if (clash := existing_deck(result.deck_id)) and clash != (output and output.resolve()):
        note(f"Deck id {result.deck_id!r} is already used by {clash}; use --deck-id to rename.")
    if output is None:
        sys.stdout.write(result.yaml_text)
        return
    write_text_file(output, result.yaml_text, overwrite=force)
    note(
        f"Imported {result.cards} cards into {output} (deck id {result.deck_id}). "
        f"Check it: quizprep deck validate {output}"
    )
