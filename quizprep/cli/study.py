"""Study commands: drill, interview, stats.

No ``from __future__ import annotations`` in this package: typer would evaluate every
annotation string on each run.
"""

from typing import Annotated

import typer

from quizprep.cli import complete
from quizprep.cli.app import (
    CommandGroup,
    DeckOption,
    DifficultyOption,
    GraderOption,
    JsonOption,
    NoPagerOption,
    TagOption,
    TopicOption,
    app,
    console,
    handles_errors,
    in_range,
    paged,
    print_json,
)
from quizprep.errors import QuizprepError

# Bounds checked before anything runs (exit 2). The seed is stored as a SQLite integer.
MAX_SEED = 2**63 - 1

# -- drill ------------------------------------------------------------------------------


DrillDeckOption = Annotated[
    list[str] | None,
    typer.Option(
        "--deck",
        help="A deck id to study (only those decks), or a deck file or folder to add (repeatable).",
        metavar="ID|PATH",
        autocompletion=complete.deck_ids,
    ),
]


@app.command()
@handles_errors
def drill(
    deck: DrillDeckOption = None,
    topic: TopicOption = None,
    difficulty: DifficultyOption = None,
    tag: TagOption = None,
    limit: Annotated[
        int | None,
        typer.Option(
            help="At most N cards this session.", metavar="N", callback=in_range(1, 100_000)
        ),
    ] = None,
    new: Annotated[
        int | None,
        typer.Option(
            "--new",
            help="Each deck's new cards today, this time only (remembered: "
            "`quizprep deck limit`; default 10).",
            metavar="N",
            callback=in_range(0, 10_000),
        ),
    ] = None,
    cram: Annotated[
        bool,
        typer.Option(
            "--cram", help="Drill the selected cards, shuffled, without touching the schedule."
        ),
    ] = False,
    order: Annotated[
        str | None,
        typer.Option(
            help="due (due cards, then new ones mixed across decks and topics), deck (file "
            "order) or random. Default: due; random with --cram.",
            metavar="ORDER",
            autocompletion=complete.orders,
        ),
    ] = None,
    seed: Annotated[
        int | None,
        typer.Option(
            help="Shuffle the same way as an earlier --cram or --order random.",
            metavar="N",
            callback=in_range(0, MAX_SEED),
        ),
    ] = None,
    flagged: Annotated[
        bool, typer.Option("--flagged", help="Only cards you flagged (f) during a drill.")
    ] = False,
    typed: Annotated[
        bool, typer.Option("--typed", help="Type each answer; quizprep grades the key points.")
    ] = False,
    grader: GraderOption = None,
    retention: Annotated[
        float | None,
        typer.Option(
            help="Desired retention, 0.70–0.99 (default 0.9); remembered.",
            metavar="R",
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
    """Spaced-repetition drill: due cards first, then new ones (10 a day per deck).

    \b
    Keys: Space/Enter show the answer, then mean Good
          1-4 rate Again, Hard, Good, Easy     t type an answer (Esc/Ctrl-D: back)
          a full answer    m math    e edit in $EDITOR    b bury until tomorrow
          ! suspend    f flag    u undo    q quit    ? every key

    \b
    Examples:
      quizprep drill
      quizprep drill --deck acme-onsite --new 20
      quizprep drill --deck ./my-deck.yaml --typed
      quizprep drill --cram --topic Losses --seed 7
    """
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
    options = DrillOptions(
        decks=deck or (),
        topic=topic,
        difficulty=difficulty,
        tag=tag,
        limit=limit,
        new=new,
        cram=cram,
        typed=typed,
        retention=retention,
        order=order,
        shuffle_seed=seed,
        flagged=flagged,
        grader=grader,
    )
    code = run(options, console(), for_stdin())
    if code:
        raise typer.Exit(code)


@app.command()
@handles_errors
def suspended(
    unsuspend: Annotated[
        list[str] | None,
        typer.Option(
            "--unsuspend",
            help="Bring this card back into drills (DECK/CARD, repeatable; 'all' for every one).",
            metavar="CARD",
            autocompletion=complete.card_refs,
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Cards you suspended with ! during a drill; --unsuspend brings them back."""
    _marks("suspended", unsuspend, as_json)


@app.command()
@handles_errors
def flagged(
    unflag: Annotated[
        list[str] | None,
        typer.Option(
            "--unflag",
            help="Take the flag off this card (DECK/CARD, repeatable; 'all' for every one).",
            metavar="CARD",
            autocompletion=complete.card_refs,
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Cards you flagged with f during a drill (drill them: quizprep drill --flagged --cram)."""
    _marks("flagged", unflag, as_json)


def _marks(table: str, remove: list[str] | None, as_json: bool) -> None:
    from quizprep.decks.catalog import load_catalog
    from quizprep.render.decks import render_marks
    from quizprep.study.storage import Storage

    catalog = load_catalog()
    with Storage.open() as storage:
        marked = storage.marked(table)
        removed = []
        for ref in remove or ():
            keys = list(marked) if ref == "all" else [tuple(ref.rsplit("/", 1))]
            for key in keys:
                if key not in marked:
                    raise QuizprepError(
                        f"{ref} is not {table}",
                        hint=f"See which cards are with `quizprep {table}`.",
                    )
                storage.mark(table, key, None)
                removed.append("/".join(key))
                del marked[key]
    rows = [
        {
            "card": f"{deck}/{card}",
            "at": at.isoformat(),
            "question": (found.question if (found := catalog.card(deck, card)) else None),
        }
        for (deck, card), at in sorted(marked.items(), key=lambda item: item[1])
    ]
    if as_json:
        print_json({table: rows, "removed": removed})
        return
    render_marks(console(), table, rows, removed)


@app.command()
@handles_errors
def stats(
    deck: DeckOption = None, as_json: JsonOption = False, no_pager: NoPagerOption = False
) -> None:
    """Your progress: reviews, retention, streak, due soon, mastery, review calendar."""
    from quizprep.study.stats import gather

    result = gather(deck or ())
    if as_json:
        print_json(result.to_json())
        return
    from quizprep.render.stats import render_stats

    with paged(no_pager) as out:
        render_stats(out, result)


# -- interview ------------------------------------------------------------------------------


interview_app = typer.Typer(
    cls=CommandGroup, invoke_without_command=True, subcommand_metavar="[list | show N]"
)
app.add_typer(interview_app, name="interview")


@interview_app.callback()
@handles_errors
def interview(
    ctx: typer.Context,
    deck: DeckOption = None,
    topic: TopicOption = None,
    questions: Annotated[
        int,
        typer.Option(
            help="How many questions (easy to hard).", metavar="N", callback=in_range(1, 100)
        ),
    ] = 6,
    minutes: Annotated[
        float,
        typer.Option(
            help="Time budget in minutes.",
            metavar="M",
            callback=in_range(0, 24 * 60, above=True),
        ),
    ] = 20.0,
    seed: Annotated[
        int | None,
        typer.Option(
            help="Pick the same questions as an earlier interview.",
            metavar="N",
            callback=in_range(0, MAX_SEED),
        ),
    ] = None,
    grader: GraderOption = None,
) -> None:
    """A timed mock interview: type answers, get follow-ups, see a scorecard at the end.

    \b
    Examples:
      quizprep interview                      start one (6 questions, 20 minutes)
      quizprep interview --questions 4 --minutes 10
      quizprep interview list                 every saved interview
      quizprep interview show 3               reopen interview #3's scorecard
    """
    if ctx.invoked_subcommand is not None:
        return
    from quizprep.study.interview import InterviewOptions
    from quizprep.tui.interview import run
    from quizprep.tui.keys import for_stdin

    options = InterviewOptions(deck or (), topic, questions, minutes, seed, grader)
    code = run(options, console(), for_stdin())
    if code:
        raise typer.Exit(code)


@interview_app.command("list")
@handles_errors
def interview_list(as_json: JsonOption = False, no_pager: NoPagerOption = False) -> None:
    """Every saved mock interview, newest first (reopen one with `interview show N`)."""
    from quizprep.paths import database_path
    from quizprep.study.stats import interview_history

    records = []
    if database_path().exists():
        from quizprep.study.storage import Storage

        with Storage.open() as storage:
            records = interview_history(storage)
    if as_json:
        print_json([record.to_json() for record in records])
        return
    if not records:
        console().print("No interviews yet. Start one: quizprep interview", markup=False)
        return
    from quizprep.render.stats import render_interviews

    with paged(no_pager) as out:
        render_interviews(out, records)


@interview_app.command("show")
@handles_errors
def interview_show(
    number: Annotated[
        int, typer.Argument(metavar="N", help="The interview's number (`interview list`).")
    ],
    deck: DeckOption = None,
    no_pager: NoPagerOption = False,
) -> None:
    """Reopen a saved interview's scorecard: answers, points covered and missed, model answers."""
    from quizprep.decks.catalog import load_catalog
    from quizprep.render.interview import render_scorecard
    from quizprep.study.interview import load_scorecard
    from quizprep.study.storage import Storage

    catalog = load_catalog(deck or ())
    with Storage.open() as storage:
        scorecard = load_scorecard(storage, number, catalog.card)
    with paged(no_pager) as out:
        render_scorecard(out, scorecard)


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
    grader: GraderOption = None,
) -> None:
    """Grade a typed answer against a card's key points, as the drill does.

    Each key point is covered, missed or contradicted, with the clause that decided it, and
    the rating that proposes. Examples: quizprep grade losses/mse --answer "mean of squared
    errors, outlier-sensitive"; echo "p - y" | quizprep grade bce --json
    """
    import sys

    from quizprep.decks.catalog import load_catalog
    from quizprep.study.aigrading import chosen_grader, grade_answer
    from quizprep.study.grading import MAX_ANSWER_CHARS, MAX_CLAUSES, RATING_NAMES

    catalog = load_catalog(deck or ())
    found = _resolve_card(catalog, card, as_json)
    if answer is None:
        if sys.stdin.isatty():
            print("Type the answer, then Ctrl-D:", file=sys.stderr)
        # A bounded read: the grader reads at most MAX_ANSWER_CHARS of it anyway.
        answer = sys.stdin.read(MAX_ANSWER_CHARS + 1)
    feedback = _graded(found, answer, grader, chosen_grader, grade_answer)
    result = feedback.grade
    if feedback.note:
        print(feedback.note, file=sys.stderr)
    if result.truncated:
        print(
            f"Note: the answer is long; only its first {MAX_ANSWER_CHARS:,} characters"
            f" ({MAX_CLAUSES:,} clauses at most) were graded.",
            file=sys.stderr,
        )
    if as_json:
        extra = {}  # the shape, plus the model's part when a model graded it
        if feedback.grader != "local":
            extra = {"grader": feedback.grader, "critique": feedback.critique}
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
            | extra
        )
        return
    from quizprep.render.drill import render_grade
    from quizprep.render.feedback import render_feedback

    out = console()
    render_grade(out, found, result)
    render_feedback(out, feedback._replace(note=None))


def _graded(card, answer, option, chosen_grader, grade_answer):  # type: ignore[no-untyped-def]
    """Grade with the chosen grader; the database (the remembered grader and the model's
    cached replies) is opened only when it exists or a model was asked for."""
    from quizprep.paths import database_path

    if option is None and not database_path().exists():
        return grade_answer(card, answer, None)
    from quizprep.study.storage import Storage

    with Storage.open() as storage:
        return grade_answer(card, answer, chosen_grader(storage, option), storage)


def _resolve_card(catalog, query: str, as_json: bool):  # type: ignore[no-untyped-def]
    """A card by ref, id or alias (named matches only: grading against a guess would
    mislead); exit 1 with suggestions otherwise."""
    from quizprep.decks.search import NAMED

    deck_id, _, card_id = query.strip().rpartition("/")
    exact = catalog.card(deck_id, card_id) if deck_id else None
    if exact is not None:
        return exact
    result = catalog.search(query)
    # A typo's correction is a guess, and so is a word match: name the card instead.
    if not result.corrected:
        named = [m for m in result.matches if m.score >= NAMED]
        if named:
            return named[0].card
    hints = list(result.suggestions)
    if result.corrected and result.matches:
        hints = [result.matches[0].card.ref, *hints]
    if deck_id:  # "exercises/derive-sigmoidd": the nearest refs, spelled as refs
        import difflib

        refs = [card.ref for card in catalog.cards]
        near = difflib.get_close_matches(query.strip(), refs, n=3, cutoff=0.75)
        hints = near or hints
    if as_json:
        print_json({"error": f"no card covers {query!r}", "suggestions": hints})
        raise typer.Exit(1)
    from quizprep.render.cards import render_no_match
    from quizprep.render.style import stderr_console

    render_no_match(stderr_console(), query, list(result.closest), hints)
    raise typer.Exit(1)
