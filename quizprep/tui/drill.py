"""The interactive drill: reads actions, drives a :class:`Session`, draws each screen.

Each rating goes through ``Session.rate``, which commits it before the next card is drawn,
so Ctrl-C, a closed terminal or a killed process never loses a rating already given.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from quizprep.errors import QuizprepError
from quizprep.study.settings import desired_retention
from quizprep.tui.keys import ENTER, KeySource

if TYPE_CHECKING:
    from rich.console import Console

    from quizprep.decks.model import Card
    from quizprep.study.grading import Grade
    from quizprep.study.session import Session

EXIT_INTERRUPTED = 130


class DrillOptions(NamedTuple):
    deck_paths: Sequence[Path] = ()
    topic: str | None = None
    difficulty: str | None = None
    tag: str | None = None
    limit: int | None = None
    new: int | None = None
    cram: bool = False
    typed: bool = False
    retention: float | None = None
    seed: int | None = None  # fuzz seed; None draws one


def run(
    options: DrillOptions,
    console: Console,
    keys: KeySource,
    now: Callable[[], datetime] | None = None,
) -> int:
    """``quizprep drill``: select cards, open progress, drill; returns the exit code."""
    from quizprep.decks.catalog import load_catalog
    from quizprep.study.scheduler import Scheduler, utc_now
    from quizprep.study.session import DEFAULT_NEW_PER_DAY, Session
    from quizprep.study.storage import Storage

    if options.limit is not None and options.limit < 1:
        raise QuizprepError("--limit must be at least 1")
    if options.new is not None and options.new < 0:
        raise QuizprepError("--new must be 0 or more")
    clock = now or utc_now
    catalog = load_catalog(list(options.deck_paths))
    cards = catalog.select(topic=options.topic, difficulty=options.difficulty, tag=options.tag)
    if not cards:
        raise QuizprepError(
            "no cards match these filters", hint="See the cards there are with `quizprep list`."
        )
    with Storage.open() as storage:
        if not options.cram:  # cram writes nothing, so a read-only database will do
            storage.check_writable()
        retention = desired_retention(storage, options.retention)
        session = Session(
            cards,
            storage,
            Scheduler(retention, seed=options.seed),
            clock,
            limit=options.limit,
            new_per_day=DEFAULT_NEW_PER_DAY if options.new is None else options.new,
            cram=options.cram,
        )
        return Drill(session, console, keys, typed=options.typed, resolve=catalog.resolve).run()


class Drill:
    """One interactive session on screen."""

    def __init__(
        self,
        session: Session,
        console: Console,
        keys: KeySource,
        *,
        typed: bool = False,
        resolve: Callable[[str, str], Card | None] | None = None,
    ) -> None:
        self.session = session
        self.console = console
        self.keys = keys
        self.typed = typed
        self.resolve = resolve
        self.grade: Grade | None = None
        self.graded: Grade | None = None  # the grader's own verdicts, before any toggle
        self.judging = False
        self.answer: str | None = None
        self.note: str | None = None
        self._asked: Card | None = None

    def run(self) -> int:
        from quizprep.render.drill import render_nothing_due, render_summary

        session = self.session
        if session.finished:
            render_nothing_due(self.console, session.summary(), session.now())
            return 0
        while True:
            code = self._loop()
            if self.keys.interactive:
                self.console.clear()
            render_summary(self.console, session.summary(), session.now())
            if code == EXIT_INTERRUPTED:
                self.console.print("Interrupted: every rating you gave is saved.", style="dim")
            if code or session.quit_early or not session.can_undo or not self._undo_at_end():
                return code

    def _loop(self) -> int:
        try:
            while not self.session.finished:
                self.step()
        except KeyboardInterrupt:
            self.session.quit()
            return EXIT_INTERRUPTED
        except EOFError:
            self.session.quit()
        return 0

    def _undo_at_end(self) -> bool:
        """After the last card: one more key, so a slip on the last rating can be undone."""
        from quizprep.render.drill import render_note

        render_note(self.console, "u undo the last rating · any other key to finish", "dim")
        try:
            key = self.keys.read_key()
        except (EOFError, KeyboardInterrupt):
            return False
        if key != "u":
            return False
        self.undo()
        return self.session.current is not None

    # -- one action ----------------------------------------------------------------------

    def step(self) -> None:
        session = self.session
        card = session.current
        assert card is not None
        if self._asked is not card:
            # A card just came up: forget the last card's typed answer, maybe ask for one.
            self._asked = card
            self.grade = self.graded = self.answer = None
            if self.typed and not session.revealed:
                self.draw()
                self.ask_typed()
                if session.finished or session.current is not card:
                    return  # the typed line was q, s or u: act on the new state next step
        self.draw()
        self.note = None
        key = self.keys.read_key()
        self.handle(key)

    def handle(self, key: str) -> None:
        session = self.session
        if key in (ENTER, " ") and not session.revealed:
            session.reveal()
        elif key == "t" and not session.revealed:
            self.ask_typed()
        elif key in ("1", "2", "3", "4") and session.revealed:
            self.rate(int(key))
        elif key in ("1", "2", "3", "4"):
            self.note = "Show the answer first (Enter or space), then rate it."
        elif key == ENTER and self.grade is not None:
            self.rate(self.grade.rating)
        elif key == ENTER:
            self.note = "Rate the card: 1 Again, 2 Hard, 3 Good, 4 Easy."
        elif key == "m":
            self.show_math()
        elif key == "s":
            session.skip()
        elif key == "u":
            self.undo()
        elif key in ("q", "\x1b"):
            session.quit()
        else:
            self.note = f"Unknown key {key!r}."

    def rate(self, rating: int) -> None:
        """Rate the card; a typed answer's verdicts (the grader's and the user's) go with it."""
        card, graded, final = self.session.current, self.graded, self.grade
        log_id = self.session.rate(rating)
        if card is not None and graded is not None and final is not None and log_id is not None:
            from quizprep.study.grades import record

            record(
                self.session.storage, card, graded.verdicts, final.verdicts, graded.rating,
                rating, self.session.now(), review_id=log_id,
            )  # fmt: skip

    def undo(self) -> None:
        if not self.session.can_undo:
            self.note = "Nothing to undo yet."
            return
        try:
            card = self.session.undo()
        except QuizprepError as exc:
            self.note = exc.message
            return
        self._asked = card  # show it fresh, without asking for a typed answer again
        self.grade = self.graded = self.answer = None
        self.note = f"Undone: {card.ref} is back." if card else None

    def ask_typed(self) -> None:
        from quizprep.render.drill import answer_prompt
        from quizprep.study.grading import grade

        card = self.session.current
        assert card is not None
        answer = self.keys.read_line(answer_prompt()).strip()
        if answer.lower() in ("q", "u", "s", "m"):
            # No one answers a question with one letter: while typing is on, these still
            # quit, undo, skip and show the math, as their keys do elsewhere.
            self.handle(answer.lower())
            return
        self.session.reveal()
        if answer:
            from quizprep.tui.verdicts import confirm_verdicts

            self.answer = answer
            self.graded = grade(card, answer)
            self.judging = True
            try:
                self.grade = confirm_verdicts(card, self.graded, self.keys, self._draw_verdicts)
            finally:
                self.judging = False
                self.note = None

    def _draw_verdicts(self, graded: Grade, note: str | None) -> None:
        self.grade, self.note = graded, note
        self.draw()

    def show_math(self) -> None:
        card = self.session.current
        if card is None or not card.math:
            self.note = "No math for this card."
            return
        try:
            from quizprep.core import lab
            from quizprep.render.math import render
        except ImportError:
            self.note = "Math demos are not available in this version of quizprep."
            return
        try:
            render(self.console, lab.run(card.math))
        except QuizprepError as exc:
            self.note = f"Math for {card.math!r} failed: {exc.message}"
            return
        if self.keys.interactive:  # the next screen clears this one: let it be read first
            self.console.print("Press any key to go back to the card.", style="dim")
            self.keys.read_key()

    def draw(self) -> None:
        from quizprep.render.drill import DrillView, render_view

        session = self.session
        assert session.current is not None
        view = DrillView(
            card=session.current,
            position=session.position,
            total=session.total,
            kind=session.kind(),
            revealed=session.revealed,
            intervals=session.intervals() if session.revealed else None,
            grade=self.grade,
            answer=self.answer,
            note=self.note,
            can_undo=session.can_undo,
            judging=self.judging,
        )
        render_view(self.console, view, resolve=self.resolve, clear=self.keys.interactive)
