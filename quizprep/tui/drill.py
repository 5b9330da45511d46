"""The interactive drill: reads actions, drives a :class:`Session`, draws each screen.

Each rating goes through ``Session.rate``, which commits it before the next card is drawn,
so Ctrl-C, a closed terminal or a killed process never loses a rating already given.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import suppress
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from quizprep.errors import QuizprepError
from quizprep.study.settings import desired_retention
from quizprep.tui.keys import ENTER, ESCAPE, KeySource

if TYPE_CHECKING:
    from rich.console import Console

    from quizprep.decks.catalog import Catalog
    from quizprep.decks.model import Card
    from quizprep.study.aigrading import Feedback
    from quizprep.study.grading import Grade
    from quizprep.study.plan import Plan
    from quizprep.study.session import Session
    from quizprep.study.storage import Storage

EXIT_INTERRUPTED = 130
GOOD = 3
REVEAL_KEYS = (ENTER, " ")
ORDERS = ("due", "deck", "random")


class DrillOptions(NamedTuple):
    decks: Sequence[str | Path] = ()  # deck ids select, paths add
    topic: str | None = None
    difficulty: str | None = None
    tag: str | None = None
    limit: int | None = None
    new: int | None = None  # every deck's new-card limit, today only
    cram: bool = False
    typed: bool = False
    retention: float | None = None
    seed: int | None = None  # fuzz seed; None: the app's fixed one
    order: str | None = None  # due, deck or random; None: due (random when cramming)
    shuffle_seed: int | None = None  # makes a random order repeatable
    flagged: bool = False  # only flagged cards
    grader: str | None = None  # --grader: 'local' or 'llm:MODEL'; None: the remembered one


def run(
    options: DrillOptions,
    console: Console,
    keys: KeySource,
    now: Callable[[], datetime] | None = None,
) -> int:
    """``quizprep drill``: select cards, open progress, drill; returns the exit code."""
    from quizprep.decks.catalog import load_selection
    from quizprep.study.scheduler import Scheduler, utc_now
    from quizprep.study.session import Session
    from quizprep.study.settings import WELCOMED_SETTING, new_card_limits
    from quizprep.study.storage import FLAGGED, SUSPENDED, Storage

    if options.limit is not None and options.limit < 1:
        raise QuizprepError("--limit must be at least 1")
    if options.new is not None and options.new < 0:
        raise QuizprepError("--new must be 0 or more")
    order = options.order or ("random" if options.cram else "due")
    if order not in ORDERS:
        raise QuizprepError(f"unknown order {order!r}; use one of {', '.join(ORDERS)}")
    clock = now or utc_now
    catalog, chosen = load_selection(options.decks)
    filters = {"topic": options.topic, "difficulty": options.difficulty, "tag": options.tag}
    if not catalog.shape(**filters).cards:
        raise QuizprepError(
            "no cards match these filters", hint="See the cards there are with `quizprep list`."
        )
    with Storage.open() as storage:
        if not options.cram:  # cram writes nothing, so a read-only database will do
            storage.check_writable()
        retention = desired_retention(storage, options.retention)
        per_deck, own = new_card_limits(storage)
        if options.new is not None:
            per_deck, own = options.new, {}
        plans = [] if options.cram else stored_plans(storage)
        if options.cram or options.flagged or plans:
            cards = catalog.select(**filters)
        else:
            # Only what today's session can show: cards with progress (or buried, or
            # suspended), and the first unseen cards of each deck up to its new-card limit.
            # A 50,000-card deck is never built card by card just to show one.
            seen = {(d, c) for d, c in storage.query("SELECT deck_id, card_id FROM card_state")}
            seen |= storage.buried(clock()) | storage.marked(SUSPENDED).keys()
            cards = catalog.study_cards(seen, max([per_deck, *own.values()]), **filters)
        if chosen is not None:
            cards = [card for card in cards if card.deck in chosen]
        if not cards:
            raise QuizprepError(
                "no cards match these filters",
                hint="See the cards there are with `quizprep list`.",
            )
        if options.flagged:
            flags = storage.marked(FLAGGED)
            cards = [card for card in cards if card.key in flags]
            if not cards:
                raise QuizprepError(
                    "no flagged cards among these", hint="Flag a card with f during a drill."
                )
        scheduler = Scheduler(retention, seed=options.seed)
        # plan hook (quizprep.study.plan): an interview date paces new cards and due times
        planned = None
        if plans:
            from quizprep.study.plan import for_drill

            planned = for_drill(storage, catalog.cards, cards, scheduler, clock())
        new_total = None
        if planned and planned.new_per_day is not None and options.new is None:
            new_total = planned.new_per_day  # the plan's pace, across its decks
        session = Session(
            planned.cards if planned else cards,
            storage,
            scheduler,
            clock,
            limit=options.limit,
            new_per_day=per_deck if new_total is None else max(per_deck, new_total),
            new_limits=own,
            new_total=new_total,
            cram=options.cram,
            order=order,
            seed=options.shuffle_seed,
            adjust=planned.adjust if planned else None,
        )
        from quizprep.study.settings import chosen_grader

        drill = Drill(session, console, keys, typed=options.typed, catalog=catalog)
        drill.model = chosen_grader(storage, options.grader)
        if keys.interactive and not session.finished and not storage.setting(WELCOMED_SETTING):
            drill.welcome(per_deck)
            # A read-only database while cramming: greet again next time.
            with suppress(QuizprepError):
                storage.set_setting(WELCOMED_SETTING, "1")
        return drill.run()


def stored_plans(storage: Storage) -> list[Plan]:
    """The interview plans, importing the plan module only when there is one."""
    if not storage.query("SELECT 1 FROM interview_plans LIMIT 1"):
        return []
    from quizprep.study.plan import load_plans

    return load_plans(storage)


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
        catalog: Catalog | None = None,
    ) -> None:
        self.session = session
        self.console = console
        self.keys = keys
        self.typed = typed
        self.catalog = catalog
        self.resolve = resolve or (catalog.resolve if catalog else None)
        self.grade: Grade | None = None
        self.graded: Grade | None = None  # the grader's own verdicts, before any toggle
        self.judging = False  # the typed answer's verdicts are up for the user's toggles
        self.model: str | None = None  # an `llm` model id grades typed answers
        self.feedback: Feedback | None = None  # the model's critique of the typed answer
        self.answer: str | None = None
        self.note: str | None = None
        self.more = False  # the whole back side, asked for with `a`
        self._showing: tuple[int, Card | None] = (-1, None)  # what step() last set up
        self._prompt = False  # ask for a typed answer before reading the next key
        self.proposed: int | None = None  # the rating an exercise check proposes

    def welcome(self, new_per_day: int) -> None:
        from quizprep.render.drill import render_welcome

        self.console.clear()
        render_welcome(self.console, new_per_day)
        with suppress(EOFError):
            self.keys.read_key()

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
        showing = (session.position, card)
        if showing != self._showing:
            # A card just came up (or came back): nothing of the last one stays on screen.
            self._showing = showing
            self._fresh()
        if self._prompt and not session.revealed:
            self._prompt = False
            self.draw(typing=True)
            self.note = None
            self.ask_typed()
            return
        self.draw()
        self.note = None
        self.handle(self.keys.read_key())

    def _fresh(self) -> None:
        """Forget the typed answer and the unfolded back; ask again when typing is on."""
        self.grade = self.graded = self.answer = self.proposed = self.feedback = None
        self.more = False
        card = self.session.current
        self._prompt = self.typed or bool(card is not None and card.derive)

    def handle(self, key: str) -> None:
        session = self.session
        if not session.revealed:
            if key in REVEAL_KEYS:
                session.reveal()
            elif key == "t":
                self.draw(typing=True)
                self.ask_typed()
            elif key in ("1", "2", "3", "4"):
                self.note = "Show the answer first (Space or Enter), then rate it."
            else:
                self.act(key)
            return
        if key in REVEAL_KEYS:  # Anki: once the answer is shown, Space and Enter mean Good
            if self.proposed is not None:  # an exercise check's rating, like a grade's
                self.rate(self.proposed)
            else:
                self.rate(self.grade.rating if self.grade is not None else GOOD)
        elif key in ("1", "2", "3", "4"):
            self.rate(int(key))
        elif key == "a":
            self.more = not self.more
        else:
            self.act(key)

    def act(self, key: str) -> None:
        """Keys that work on either side of the card."""
        session = self.session
        try:
            if key == "m":
                self.show_math()
                self._prompt = self.typed and not session.revealed  # back to typing
            elif key in ("b", "s"):  # `s` (skip) was the key before `b` (bury)
                session.bury()
            elif key == "!":
                session.suspend()
            elif key == "f":
                flagged = session.toggle_flag()
                self.note = "Flagged for later: quizprep drill --flagged" if flagged else None
            elif key == "e":
                self.edit()
            elif key == "c":
                self.open_code()
            elif key == "u":
                self.undo()
            elif key == "q":
                session.quit()
            elif key == "?":
                from quizprep.render.drill import all_keys

                self.note = all_keys()
            elif key == ESCAPE:
                self.note = "Esc leaves the typed-answer prompt; q quits the drill."
            elif key == "t":
                self.note = "The answer is already shown: rate it with Space/Enter or 1–4."
            else:
                self.note = f"Unknown key {key!r}. The keys are listed at the bottom."
        except QuizprepError as exc:  # e.g. a read-only database while cramming
            self.note = exc.message

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
        except QuizprepError as exc:  # rated again in another terminal since
            self.note = exc.message
            return
        revealed = self.session.revealed
        if not revealed:
            self._fresh()  # shown fresh: the typed prompt comes back when typing is on
        self.note = f"Undone: {card.ref} is back." if card and not revealed else "Undone."

    def ask_typed(self) -> None:
        from quizprep.render.drill import answer_prompt

        card = self.session.current
        assert card is not None
        if card.derive:  # a derivation card asks for an expression: no grader
            self.ask_derivation()
            return
        from quizprep.study.aigrading import grade_answer

        answer = self.keys.read_answer(answer_prompt())
        if answer is None:
            self.note = "Back to the keys: t types an answer, Space or Enter shows it."
            return
        answer = answer.strip()
        self.session.reveal()
        if answer:
            from quizprep.tui.verdicts import confirm_verdicts

            self.answer = answer
            self.feedback = grade_answer(card, answer, self.model, self.session.storage)
            self.graded = self.feedback.grade
            self.judging = True
            try:
                self.grade = confirm_verdicts(card, self.graded, self.keys, self._draw_verdicts)
            finally:
                self.judging = False
                self.note = None

    def _draw_verdicts(self, graded: Grade, note: str | None) -> None:
        self.grade, self.note = graded, note
        self.draw()

    def ask_derivation(self) -> None:
        from quizprep.tui.exercise import LEFT, derivation

        assert self.session.current is not None
        answer, rating, note = derivation(self.session.current, self.console, self.keys)
        if answer == LEFT:
            self.note = "Back to the keys: t types the derivative, Space or Enter shows the answer."
            return
        if rating is None and answer.lower() in ("q", "u", "s", "m", "c"):
            self.handle(answer.lower())
            return
        self.session.reveal()
        self.proposed, self.note = rating, note or None

    def open_code(self) -> None:
        from quizprep.tui.exercise import code_exercise

        assert self.session.current is not None
        rating, self.note = code_exercise(self.session.current, self.console, self.keys)
        if rating is not None:
            self.session.reveal()
            self.proposed = rating

    def edit(self) -> None:
        card = self.session.current
        assert card is not None
        deck = self.catalog.deck(card.deck) if self.catalog else None
        if deck is None or not card.source:
            self.note = "This card's deck file is not known, so it cannot be edited here."
            return
        if deck.builtin:
            self.note = (
                "Built-in cards are part of quizprep; to change one, copy its deck into "
                "your decks folder (quizprep where) and give it a new deck id."
            )
            return
        from quizprep.tui.editor import edit_card

        try:
            fresh = edit_card(card)
        except QuizprepError as exc:
            self.note = exc.message
            return
        self.session.replace(fresh)
        self._showing = (self.session.position, fresh)
        if not self.session.revealed:
            self._prompt = self.typed
        self.note = f"Reloaded {fresh.ref} from {card.source}:{fresh.line} (progress kept)."

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

    def draw(self, *, typing: bool = False) -> None:
        from quizprep.render.drill import DrillView, render_view

        session = self.session
        assert session.current is not None
        done = session.done / max(session.done + session.remaining, 1)
        view = DrillView(
            card=session.current,
            counts=session.counts(),
            done=done,
            kind=session.kind(),
            revealed=session.revealed,
            intervals=session.intervals() if session.revealed else None,
            grade=self.grade,
            answer=self.answer,
            note=self.note,
            can_undo=session.can_undo,
            more=self.more,
            height=self.console.height if self.keys.interactive else None,
            flagged=session.flagged(),
            early=session.early,
            typing=typing,
            proposed=self.proposed,
            judging=self.judging,
            feedback=self.feedback,
        )
        render_view(self.console, view, resolve=self.resolve, clear=self.keys.interactive)
