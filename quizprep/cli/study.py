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
    print_json,
)

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
    from quizprep.tui.drill import DrillOptions, run
    from quizprep.tui.keys import for_stdin

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
    questions: Annotated[int, typer.Option(help="How many questions (easy to hard).")] = 6,
    minutes: Annotated[float, typer.Option(help="Time budget in minutes.")] = 20.0,
    seed: Annotated[
        int | None, typer.Option(help="Pick the same questions as an earlier interview.")
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


# -- grade ----------------------------------------------------------------------------------


@app.command()
@handles_errors
def grade(
    card: Annotated[
        str, typer.Argument(metavar="CARD", help="deck/id, id or alias of a card (losses/mse, kl).")
    ],
    answer: Annotated[
        str | None,
        typer.Option("--answer", "-a", help="The answer to grade (default: read from stdin)."),
    ] = None,
    deck: DeckOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")] = False,
) -> None:
    """Grade a typed answer against a card's key points, as the drill does.

    Each key point is covered, missed or contradicted, with the clause that decided it, and
    the rating that proposes. Examples: quizprep grade losses/mse --answer "mean of squared
    errors, outlier-sensitive"; echo "p - y" | quizprep grade bce --json
    """
    import sys

    from quizprep.decks.catalog import load_catalog
    from quizprep.study.grading import MAX_ANSWER_CHARS, RATING_NAMES
    from quizprep.study.grading import grade as grade_answer

    catalog = load_catalog(deck or ())
    found = _resolve_card(catalog, card, as_json)
    if answer is None:
        if sys.stdin.isatty():
            print("Type the answer, then Ctrl-D:", file=sys.stderr)
        # A bounded read: the grader reads at most MAX_ANSWER_CHARS of it anyway.
        answer = sys.stdin.read(MAX_ANSWER_CHARS + 1)
    result = grade_answer(found, answer)
    if result.truncated:
        print(
            f"Note: the answer is longer than {MAX_ANSWER_CHARS:,} characters;"
            " only the first ones were graded.",
            file=sys.stderr,
        )
    if as_json:
        print_json(
            {
                "card": found.ref,
                "rating": result.rating,
                "rating_name": RATING_NAMES[result.rating],
                "points": [
                    {"text": p.text, "verdict": p.verdict, "evidence": p.evidence}
                    for p in result.points
                ],
            }
        )
        return
    from quizprep.render.drill import render_grade

    render_grade(console(), found, result)


def _resolve_card(catalog, query: str, as_json: bool):  # type: ignore[no-untyped-def]
    """A card by ref, id or alias (named matches only: grading against a guess would
    mislead); exit 1 with suggestions otherwise."""
    from quizprep.decks.search import NAMED, find, suggestions

    deck_id, _, card_id = query.strip().rpartition("/")
    exact = catalog.card(deck_id, card_id) if deck_id else None
    if exact is not None:
        return exact
    matches = [m for m in find(catalog.cards, query) if m.score >= NAMED]
    if matches:
        return matches[0].card
    hints = suggestions(catalog.cards, query)
    if as_json:
        print_json({"error": f"no card matches {query!r}", "suggestions": hints})
        raise typer.Exit(1)
    from quizprep.render.cards import render_no_match
    from quizprep.render.style import stderr_console

    render_no_match(stderr_console(), query, hints)
    raise typer.Exit(1)
