"""Deck commands: deck validate/new/list/schema/orphans, import, export.

No ``from __future__ import annotations`` in this package: typer would evaluate every
annotation string on each run.
"""

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from quizprep.cli import complete
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
    """Every deck with today's new, learning and due cards (built-in, yours, --deck paths)."""
    from quizprep.decks.catalog import load_catalog
    from quizprep.decks.templates import describe_decks

    catalog = load_catalog(deck or ())
    today, limits = _today_by_deck(catalog)
    rows = describe_decks(catalog, today=today, limits=limits)
    if as_json:
        print_json(rows)
        return
    from quizprep.render.decks import render_deck_list

    render_deck_list(console(), rows)


def _today_by_deck(catalog: Any) -> tuple[dict, dict[str, int]]:
    """Today's counts and each deck's new-card limit. Without a progress database (never
    created here) every card is new and every limit the default."""
    from quizprep.paths import database_path
    from quizprep.study.session import DEFAULT_NEW_PER_DAY
    from quizprep.study.today import deck_counts

    ids = [d.id for d in catalog.decks]
    if not database_path().exists():
        today = {d.id: (min(len(d.cards), DEFAULT_NEW_PER_DAY), 0, 0) for d in catalog.decks}
        return today, dict.fromkeys(ids, DEFAULT_NEW_PER_DAY)
    from quizprep.study.scheduler import utc_now
    from quizprep.study.settings import new_card_limits
    from quizprep.study.storage import Storage

    with Storage.open() as storage:
        default, own = new_card_limits(storage)
        today = deck_counts(catalog.cards, storage, utc_now(), default, own)
    return today, {i: own.get(i, default) for i in ids}


@deck_app.command("limit")
@handles_errors
def deck_limit(
    deck_id: Annotated[
        str | None,
        typer.Argument(
            metavar="[ID]",
            help="The deck (see `quizprep deck list`); leave out with --all.",
            autocompletion=complete.deck_ids,
            show_default=False,
        ),
    ] = None,
    count: Annotated[
        str | None,
        typer.Argument(
            metavar="[N]",
            help="New cards a day; 'default' to follow --all again. Leave out to show.",
            show_default=False,
        ),
    ] = None,
    every: Annotated[
        int | None,
        typer.Option(
            "--all", help="Set every deck's limit to N (drops per-deck limits).", metavar="N"
        ),
    ] = None,
) -> None:
    """Show or set how many new cards a deck introduces a day (default 10 per deck).

    \b
    Examples:
      quizprep deck limit                  # every deck's limit
      quizprep deck limit acme-onsite 20   # this deck: 20 new cards a day
      quizprep deck limit acme-onsite default
      quizprep deck limit --all 5          # every deck: 5 a day
    For one day only: quizprep drill --new 20
    """
    from quizprep.decks.catalog import load_catalog, unknown_deck
    from quizprep.study.settings import new_card_limits, set_new_card_limit
    from quizprep.study.storage import Storage

    catalog = load_catalog()
    if every is not None and (deck_id is not None or count is not None):
        raise typer.BadParameter("give either --all N or ID N, not both", param_hint="--all")
    if deck_id is not None and catalog.deck(deck_id) is None:
        raise unknown_deck(deck_id, [d.id for d in catalog.decks])
    if count is not None and count != "default" and not count.isdigit():
        raise typer.BadParameter(f"{count!r} is not a whole number", param_hint="N")
    with Storage.open() as storage:
        if every is not None:
            set_new_card_limit(storage, None, every)
            note(f"Every deck now introduces up to {every} new cards a day.")
        elif deck_id is not None and count is not None:
            limit = None if count == "default" else int(count)
            set_new_card_limit(storage, deck_id, limit)
        default, own = new_card_limits(storage)
    ids = [deck_id] if deck_id is not None else [d.id for d in catalog.decks]
    for one in ids:
        limit = own.get(one, default)
        origin = "its own" if one in own else "the default"
        console().print(f"{one}: {limit} new cards a day ({origin})", markup=False)


@deck_app.command("schema")
@handles_errors
def deck_schema(
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write it to FILE.", metavar="FILE")
    ] = None,
    install: Annotated[
        bool,
        typer.Option(
            "--install",
            help="Write it into the data folder, where `deck new` templates point their "
            "$schema (done by `deck new` too; rerun after an upgrade).",
        ),
    ] = False,
) -> None:
    """Print the deck format as JSON Schema (for editor completion and checking).

    \b
    Examples:
      quizprep deck schema --install
      quizprep deck schema -o deck.schema.json
    """
    from quizprep.decks.templates import install_schema, schema_text

    if output is None and not install:
        sys.stdout.write(schema_text())
        return
    for target in ([output] if output else []) + ([None] if install else []):
        note(f"Wrote {install_schema(target)}")


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
