"""``quizprep drill --final``: the last pass before an interview.

The cards of the nearest plan with the lowest predicted recall on the date come first, as a
normal drill (every rating goes through FSRS and is saved: after the date, scheduling goes on
from these reviews). Then a short mock interview on the plan's weakest topics, through the
interview loop of :mod:`quizprep.tui.interview`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from quizprep.errors import QuizprepError

if TYPE_CHECKING:
    from rich.console import Console

    from quizprep.tui.keys import KeySource

FINAL_CARDS = 20
FINAL_QUESTIONS = 4
FINAL_MINUTES = 12.0
FINAL_TOPICS = 2


class FinalOptions(NamedTuple):
    deck_paths: Sequence[Path] = ()
    limit: int | None = None  # cards in the drill part (default FINAL_CARDS)
    questions: int = FINAL_QUESTIONS
    minutes: float = FINAL_MINUTES
    seed: int | None = None  # the interview's question choice


def run(
    options: FinalOptions,
    console: Console,
    keys: KeySource,
    now: Callable[[], datetime] | None = None,
) -> int:
    from quizprep.decks.catalog import load_catalog
    from quizprep.render.plan import render_final_interview, render_final_intro
    from quizprep.study.interview import Interview
    from quizprep.study.plan import (
        final_queue,
        load_plans,
        local_day,
        plan_cards,
        queue_in_order,
        recall_at,
    )
    from quizprep.study.readiness import forecast
    from quizprep.study.scheduler import FUZZ_SEED, Scheduler, utc_now
    from quizprep.study.session import Session
    from quizprep.study.settings import desired_retention
    from quizprep.study.storage import Storage
    from quizprep.tui.drill import Drill
    from quizprep.tui.interview import InterviewLoop

    if options.limit is not None and options.limit < 1:
        raise QuizprepError("--limit must be at least 1")
    clock = now or utc_now
    catalog = load_catalog(list(options.deck_paths))
    with Storage.open() as storage:
        storage.check_writable()
        today = local_day(clock())
        upcoming = [p for p in load_plans(storage) if p.date >= today]
        if not upcoming:
            raise QuizprepError(
                "no interview date ahead: --final drills toward a plan's date",
                hint="Set one with: quizprep plan --date YYYY-MM-DD",
            )
        plan = upcoming[0]
        cards = plan_cards(plan, catalog.cards)
        scheduler = Scheduler(desired_retention(storage), seed=FUZZ_SEED)
        at = max(clock(), plan.target())
        recall = recall_at(scheduler, at)
        queue = final_queue(cards, storage.states(), recall)[: options.limit or FINAL_CARDS]
        render_final_intro(console, plan, len(queue))
        if queue:
            session = Session(
                queue,
                storage,
                scheduler,
                clock,
                new_per_day=0,
                adjust=queue_in_order([c.key for c in queue], clock()),
            )
            code = Drill(session, console, keys, resolve=catalog.resolve).run()
            if code:
                return code
        ready = forecast(cards, storage.states(), recall, at)
        topics = [g.name for g in ready.weakest[:FINAL_TOPICS]]
        asked = [c for c in cards if c.topic in topics] or cards
        render_final_interview(console, topics)
        interview = Interview(
            asked,
            storage,
            scheduler,
            clock,
            questions=options.questions,
            budget=timedelta(minutes=options.minutes),
            seed=options.seed,
            resolve=catalog.resolve,
            topic=", ".join(topics) or None,
        )
        return InterviewLoop(interview, console, keys).run()
