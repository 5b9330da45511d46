"""Study commands: drill, interview, stats.

No ``from __future__ import annotations`` in this package: typer would evaluate every
annotation string on each run.
"""

from typing import Annotated

import typer

from quizprep.cli.app import (
    DeckOption,
    JsonOption,
    app,
    console,
    handles_errors,
    in_range,
    print_json,
)

# Bounds checked before anything runs (exit 2). The seed is stored as a SQLite integer.
MAX_SEED = 2**63 - 1

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
    limit: Annotated[
        int | None,
        typer.Option(help="At most N cards this session.", callback=in_range(1, 100_000)),
    ] = None,
    new: Annotated[
        int | None,
        typer.Option(
            "--new", help="New cards allowed today (default 10).", callback=in_range(0, 10_000)
        ),
    ] = None,
    cram: Annotated[
        bool, typer.Option("--cram", help="Drill the selected cards without touching the schedule.")
    ] = False,
    typed: Annotated[
        bool, typer.Option("--typed", help="Type each answer; quizprep grades the key points.")
    ] = False,
    retention: Annotated[
        float | None,
        typer.Option(
            help="Desired retention, 0.70–0.99 (default 0.9); remembered.",
            callback=in_range(0.70, 0.99),
        ),
    ] = None,
    final: Annotated[
        bool,
        typer.Option(
            "--final",
            help="Interview day: a plan's cards, lowest predicted recall first, then a short"
            " mock interview on the weakest topics (see `quizprep plan`).",
        ),
    ] = False,
) -> None:
    """Spaced-repetition drill: due cards first, then new ones. Keys: Enter, 1-4, m, u, s, t, q."""
    from quizprep.tui.drill import DrillOptions, run
    from quizprep.tui.keys import for_stdin

    if final:  # plan hook: the last pass before an interview date (quizprep.tui.final)
        from quizprep.tui.final import FinalOptions
        from quizprep.tui.final import run as run_final

        if cram or typed or new is not None or topic or difficulty or tag or retention:
            raise typer.BadParameter("--final takes only --deck and --limit", param_hint="--final")
        code = run_final(FinalOptions(deck or (), limit), console(), for_stdin())
        if code:
            raise typer.Exit(code)
        return
    options = DrillOptions(deck or (), topic, difficulty, tag, limit, new, cram, typed, retention)
    code = run(options, console(), for_stdin())
    if code:
        raise typer.Exit(code)


@app.command()
@handles_errors
def stats(deck: DeckOption = None, as_json: JsonOption = False) -> None:
    """Your progress: reviews, retention, streak, due soon, mastery, review calendar."""
    from quizprep.study.stats import gather

    result = gather(deck or ())
    if as_json:
        print_json(result.to_json())
        return
    from quizprep.render.stats import render_stats

    render_stats(console(), result)


# -- interview ------------------------------------------------------------------------------


@app.command()
@handles_errors
def interview(
    deck: DeckOption = None,
    topic: Annotated[str | None, typer.Option(help="Only cards whose topic contains this.")] = None,
    questions: Annotated[
        int, typer.Option(help="How many questions (easy to hard).", callback=in_range(1, 100))
    ] = 6,
    minutes: Annotated[
        float,
        typer.Option(help="Time budget in minutes.", callback=in_range(0, 24 * 60, above=True)),
    ] = 20.0,
    seed: Annotated[
        int | None,
        typer.Option(
            help="Pick the same questions as an earlier interview.",
            callback=in_range(0, MAX_SEED),
        ),
    ] = None,
) -> None:
    """A timed mock interview: type answers, get follow-ups, see a scorecard at the end."""
    from quizprep.study.interview import InterviewOptions
    from quizprep.tui.interview import run
    from quizprep.tui.keys import for_stdin

    options = InterviewOptions(deck or (), topic, questions, minutes, seed)
    code = run(options, console(), for_stdin())
    if code:
        raise typer.Exit(code)
