"""``quizprep plan``: set, show or clear an interview date.

No ``from __future__ import annotations`` in this package: typer would evaluate every
annotation string on each run.
"""

from typing import Annotated

import typer

from quizprep.cli.app import JsonOption, app, console, handles_errors, print_json
from quizprep.errors import QuizprepError


@app.command("plan")
@handles_errors
def plan(
    when: Annotated[
        str | None,
        typer.Option("--date", metavar="YYYY-MM-DD", help="The interview date (today or later)."),
    ] = None,
    deck_ids: Annotated[
        list[str] | None,
        typer.Option(
            "--deck",
            metavar="ID",
            help="Plan only this deck (repeatable); default: every deck.",
        ),
    ] = None,
    minutes: Annotated[
        int | None,
        typer.Option("--minutes-per-day", metavar="N", help="Minutes you can drill a day (20)."),
    ] = None,
    clear: Annotated[
        bool, typer.Option("--clear", help="Remove the plan (or take --deck decks out of it).")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """An interview date: pace new cards, review every card before it, forecast readiness."""
    from quizprep.study import readiness

    if clear and (when or minutes is not None):
        raise typer.BadParameter(
            "--clear takes no --date or --minutes-per-day", param_hint="--clear"
        )
    if minutes is not None and when is None:
        raise typer.BadParameter(
            "give the date too: --date YYYY-MM-DD", param_hint="--minutes-per-day"
        )
    if clear:
        notes = readiness.clear(deck_ids or ())
        if as_json:
            print_json({"cleared": notes})
            return
        from quizprep.render.plan import render_cleared

        render_cleared(console(), notes)
        return
    notes: list[str] = []
    if when is not None:
        from quizprep.study.plan import check_minutes, local_day, parse_date
        from quizprep.study.scheduler import utc_now

        now = utc_now()
        try:
            day = parse_date(when, local_day(now))
            check_minutes(minutes)
        except QuizprepError as exc:
            hint = "--date" if "minutes" not in exc.message else "--minutes-per-day"
            raise typer.BadParameter(exc.message, param_hint=hint) from None
        reports, notes = readiness.set_plan(day, deck_ids or (), minutes, now=now)
    else:
        reports = readiness.gather()
        if deck_ids:
            reports = [r for r in reports if any(r.plan.covers(d) for d in deck_ids)]
    if as_json:
        print_json({"notes": notes, "plans": [r.to_json() for r in reports]})
        return
    from quizprep.render.plan import render_reports

    render_reports(console(), reports, notes)
