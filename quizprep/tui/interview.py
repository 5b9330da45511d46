"""The mock interview on screen: ask, read the typed answer, follow up, show the scorecard.

The domain (question choice, grading, saving, scoring) is :mod:`quizprep.study.interview`; this
module only reads keys and draws.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from quizprep.errors import QuizprepError
from quizprep.study.interview import (
    EXIT_INTERRUPTED,
    FINISHED,
    INPUT_ENDED,
    INTERRUPTED,
    TIME_UP,
    Interview,
    InterviewOptions,
)

if TYPE_CHECKING:
    from rich.console import Console

    from quizprep.decks.model import Card
    from quizprep.study.grading import Grade
    from quizprep.tui.keys import KeySource


def run(
    options: InterviewOptions,
    console: Console,
    keys: KeySource,
    now: Callable[[], datetime] | None = None,
) -> int:
    """``quizprep interview``: pick questions, run the interview, show the scorecard."""
    from quizprep.decks.catalog import load_catalog
    from quizprep.study.scheduler import FUZZ_SEED, Scheduler, utc_now
    from quizprep.study.settings import desired_retention
    from quizprep.study.storage import Storage

    if options.questions < 1:
        raise QuizprepError("--questions must be at least 1")
    if options.minutes <= 0:
        raise QuizprepError("--minutes must be more than 0")
    catalog = load_catalog(list(options.deck_paths))
    cards = catalog.select(topic=options.topic)
    if not cards:
        raise QuizprepError(
            "no cards match these filters", hint="See the cards there are with `quizprep list`."
        )
    with Storage.open() as storage:
        storage.check_writable()  # before the user types a first answer, not after
        from quizprep.study.aigrading import chosen_grader

        interview = Interview(
            cards,
            storage,
            # The fuzz seed replays use, so a later progress import rebuilds the same state.
            Scheduler(desired_retention(storage), seed=FUZZ_SEED),
            now or utc_now,
            questions=options.questions,
            budget=timedelta(minutes=options.minutes),
            seed=options.seed,
            resolve=catalog.resolve,
            topic=options.topic,
            model=chosen_grader(storage, options.grader),
        )
        return InterviewLoop(interview, console, keys).run()


class InterviewLoop:
    """The interview on screen: ask, read the answer, follow up, and finally score."""

    def __init__(self, interview: Interview, console: Console, keys: KeySource) -> None:
        self.interview = interview
        self.console = console
        self.keys = keys

    def run(self) -> int:
        from quizprep.render import interview as view

        interview = self.interview
        view.render_intro(self.console, interview)
        try:
            reason = self._ask_all()
        except KeyboardInterrupt:
            reason = INTERRUPTED
            self.console.print()
        scorecard = interview.finish(reason)
        if self.keys.interactive:  # a long scorecard goes through the pager, as `show` does
            from quizprep.render.style import stdout_console
            from quizprep.tui.pager import pager_stream

            with pager_stream() as stream:
                out = self.console if stream is None else stdout_console(file=stream)
                view.render_scorecard(out, scorecard)
        else:
            view.render_scorecard(self.console, scorecard)
        return EXIT_INTERRUPTED if reason == INTERRUPTED else 0

    def _ask_all(self) -> str:
        from quizprep.render import interview as view

        interview = self.interview
        total = len(interview.questions)
        for number, card in enumerate(interview.questions, start=1):
            view.render_question(self.console, card, number, total, interview)
            shown = interview.now()
            text = self.read_answer()
            if text is None:
                return INPUT_ENDED
            proposed, final = self.judge(card, text)
            answer = interview.answer_question(card, text, shown, final, proposed)
            view.render_feedback(self.console, answer)
            self.show_critique()
            if interview.time_up():  # even the last question's follow-up is skipped
                view.render_time_up(self.console, interview)
                return TIME_UP
            chosen = interview.follow_up(card)
            if chosen is None:
                continue
            follow, target = chosen
            graded_by = interview.graded_against(follow, target)
            view.render_follow_up(
                self.console, follow, target, card, number, interview, graded=graded_by is not None
            )
            shown = interview.now()
            text = self.read_answer()
            if text is None:
                return INPUT_ENDED
            if graded_by is not None:
                proposed, final = self.judge(graded_by, text)
                answer = interview.answer_follow_up(follow, target, text, shown, final, proposed)
            else:
                if target is not None:
                    view.render_model_answer(self.console, target)
                rating = self.read_self_rating()
                if rating is None:
                    return INPUT_ENDED
                answer = interview.self_rated(follow, text, rating, shown)
            view.render_feedback(self.console, answer)
            self.show_critique()
            if interview.time_up() and number < total:
                view.render_time_up(self.console, interview)
                return TIME_UP
        return FINISHED

    def show_critique(self) -> None:
        """An AI grader's critique of the answer just graded (or why it was not used)."""
        feedback = self.interview.take_feedback()
        if feedback is not None:
            from quizprep.render.feedback import render_feedback

            render_feedback(self.console, feedback)

    def judge(self, card: Card, text: str) -> tuple[Grade, Grade]:
        """The grader's verdicts and, in a terminal, the user's after toggling them."""
        from quizprep.render.interview import render_verdicts
        from quizprep.tui.verdicts import confirm_verdicts

        proposed = self.interview.propose(card, text)
        if not self.keys.interactive or not proposed.points or not text.strip():
            return proposed, proposed
        final = confirm_verdicts(
            card,
            proposed,
            self.keys,
            lambda graded, note: render_verdicts(self.console, graded, note),
        )
        return proposed, final

    def read_answer(self) -> str | None:
        """Lines up to an empty line or Ctrl-D; ``None`` when piped input has run out."""
        from quizprep.render.interview import line_prompt

        lines: list[str] = []
        while True:
            prompt = line_prompt(self.interview.elapsed(), self.interview.budget, bool(lines))
            try:
                line = self.keys.read_line(prompt if self.keys.interactive else "")
            except EOFError:
                # Ctrl-D in a terminal ends the answer; the end of piped input ends the interview.
                if lines or self.keys.interactive:
                    if self.keys.interactive:
                        self.console.print()
                    return "\n".join(lines)
                return None
            if not line.strip():
                return "\n".join(lines)
            lines.append(line.rstrip())

    def read_self_rating(self) -> int | None:
        from quizprep.render.interview import render_self_rate_prompt

        render_self_rate_prompt(self.console)
        while True:
            try:
                key = self.keys.read_key()
            except EOFError:
                return None
            if key in ("1", "2", "3", "4"):
                return int(key)
            render_self_rate_prompt(self.console, again=True)
