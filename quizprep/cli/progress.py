"""Progress commands: progress export/import, reset.

No ``from __future__ import annotations`` in this package: typer would evaluate every
annotation string on each run.
"""

from pathlib import Path
from typing import Annotated

import typer

from quizprep.cli.app import (
    JsonOption,
    app,
    confirm_destructive,
    console,
    handles_errors,
    note,
    print_json,
    progress_app,
)


@progress_app.command("export")
@handles_errors
def progress_export(
    file: Annotated[
        Path, typer.Argument(metavar="FILE", help="The JSON file to write ('-' for stdout).")
    ],
) -> None:
    """Write every review and your desired retention to FILE.json."""
    from quizprep.study.scheduler import utc_now
    from quizprep.study.storage import Storage
    from quizprep.study.sync import export_progress

    target = None if str(file) == "-" else file
    with Storage.open() as storage:
        result = export_progress(storage, target, utc_now())
    if target is not None:
        note(f"Exported {result.reviews} reviews of {result.cards} cards to {file}.")


@progress_app.command("import")
@handles_errors
def progress_import(
    file: Annotated[
        Path, typer.Argument(metavar="FILE", help="A file written by `quizprep progress export`.")
    ],
) -> None:
    """Merge reviews from FILE.json (the same review twice is kept once) and rebuild states."""
    from quizprep.decks.progressbar import ProgressBar
    from quizprep.render.stats import render_import
    from quizprep.study.backups import take_backup
    from quizprep.study.storage import Storage
    from quizprep.study.sync import merge, read_progress_file

    incoming = read_progress_file(file)  # a bad file is refused before anything is touched
    with Storage.open() as storage:
        # Merging never deletes a review, but it rebuilds card states: keep a copy first.
        backup = take_backup(storage, "import") if any(storage.progress_counts()) else None
        with ProgressBar("Importing progress", "reviews") as bar:
            result = merge(storage, incoming, file, bar.update)
    render_import(console(), result)
    if backup is not None:
        note(f"Backup of the database before the import: {backup}")


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
    from quizprep.study.backups import take_backup
    from quizprep.study.storage import Storage

    with Storage.open() as storage:
        cards, reviews = storage.progress_counts(deck_id)
        backup = None
        if cards or reviews:
            confirm_destructive(reset_question(cards, reviews, deck_id), yes)
            backup = take_backup(storage, "reset")
            storage.reset(deck_id)
    render_reset(console(), cards, reviews, deck_id)
    if backup is not None:
        note(f"Backup of the database before the reset: {backup}")


@app.command()
@handles_errors
def where(as_json: JsonOption = False) -> None:
    """Where your progress, decks, backups and cache live, and whether each is usable."""
    from quizprep.study.where import places

    found = places()
    if as_json:
        print_json([place.to_json() for place in found])
    else:
        from quizprep.render.where import render_where

        render_where(console(), found)
    if not all(place.ok for place in found):
        raise typer.Exit(1)
