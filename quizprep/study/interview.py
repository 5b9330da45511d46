"""A mock interview: timed questions from easy to hard, a follow-up each, and a scorecard.

Answers are graded on key points exactly as the drill's typed mode grades them. Every
answer is committed (with the interview row) as soon as it is given, so Ctrl-C or a killed
process keeps what was answered; an answer graded Again or Hard also goes into the review
log through the scheduler, which brings that card back in the drill.

The :class:`Interview` holds no I/O: :mod:`quizprep.tui.interview` reads answers from a
:class:`~quizprep.tui.keys.KeySource` and draws through ``quizprep.render.interview``. Time
comes from an injected clock and question choice from a seeded generator, so tests are exact.
"""

from __future__ import annotations

import json
import os
import random
from collections.abc import Callable, Iterator, Sequence
from collections.abc import Set as AbstractSet
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from quizprep.decks.model import DIFFICULTIES, Card, FollowUp
from quizprep.errors import QuizprepError

if TYPE_CHECKING:
    from quizprep.study.aigrading import Feedback
    from quizprep.study.grading import Grade, PointVerdict
    from quizprep.study.scheduler import Scheduler
    from quizprep.study.storage import Storage

EXIT_INTERRUPTED = 130
AGAIN, HARD = 1, 2
# A self-rating counts like the grade that would propose it: Good and Easy cover the
# question, Hard about half of it, Again none of it.
SELF_RATING_SCORE = {1: 0.0, 2: 0.5, 3: 1.0, 4: 1.0}
WEAK_TOPICS = 3

# Why an interview ended.
FINISHED, TIME_UP, INTERRUPTED, INPUT_ENDED = "finished", "time", "interrupted", "input ended"

Resolve = Callable[[str, str], "Card | None"]


class InterviewOptions(NamedTuple):
    deck_paths: Sequence[Path] = ()
    topic: str | None = None
    questions: int = 6
    minutes: float = 20.0
    seed: int | None = None  # question choice; None draws one (saved, so it can be replayed)
    grader: str | None = None  # --grader: 'local' or 'llm:MODEL'; None: the remembered one


@dataclass(frozen=True)
class Answer:
    """One graded (or self-rated) answer."""

    position: int  # 1-based order in the interview, follow-ups included
    kind: str  # "question" or "follow_up"
    question: str
    text: str
    card: Card | None  # the card graded against; None for a self-rated follow-up
    topic: str
    covered: tuple[str, ...]
    missed: tuple[str, ...]
    rating: int
    self_rated: bool
    score: float  # 0–1: share of key points covered, or the self-rating's worth
    duration: timedelta
    review_id: int | None = None  # the review-log row a bad answer added
    points: tuple[PointVerdict, ...] = ()  # every key point's final verdict, in card order
    contradicted: tuple[str, ...] = ()


@dataclass
class QuestionResult:
    card: Card
    answer: Answer
    follow_up: Answer | None = None
    follow_up_card: Card | None = None  # the card the follow-up names, when it resolves


class TopicScore(NamedTuple):
    topic: str
    score: float
    answers: int


@dataclass
class Scorecard:
    interview_id: int | None
    started_at: datetime
    elapsed: timedelta
    budget: timedelta
    planned: int
    seed: int
    end_reason: str
    results: list[QuestionResult] = field(default_factory=list)

    @property
    def answers(self) -> list[Answer]:
        return flatten(self.results)

    @property
    def score(self) -> float | None:
        return mean_score(self.answers)

    @property
    def weak_topics(self) -> list[TopicScore]:
        return weak_topics(self.answers)

    @property
    def back_in_drill(self) -> list[Card]:
        """Cards whose bad answers were recorded as reviews, so the drill brings them back."""
        cards: dict[tuple[str, str], Card] = {}
        for answer in self.answers:
            if answer.review_id is not None and answer.card is not None:
                cards.setdefault(answer.card.key, answer.card)
        return list(cards.values())


# -- choosing questions ------------------------------------------------------------------


def pick_questions(cards: Sequence[Card], count: int, rng: random.Random) -> list[Card]:
    """``count`` cards spread over the difficulties, ordered easy → medium → hard.

    Draws round-robin from a shuffled pool per difficulty, so six questions from a mixed
    deck are two of each; a difficulty that runs out leaves its turns to the others.
    """
    pools: dict[str, list[Card]] = {}
    for card in dict.fromkeys(cards):  # keep the first of any duplicate, in order
        if card.derive:  # answered with an expression, checked in the drill, not in words
            continue
        pools.setdefault(card.difficulty, []).append(card)
    for pool in pools.values():
        rng.shuffle(pool)
    order = sorted(pools, key=_difficulty_rank)
    picked: list[Card] = []
    while len(picked) < count and any(pools.values()):
        for difficulty in order:
            if pools[difficulty] and len(picked) < count:
                picked.append(pools[difficulty].pop())
    return sorted(picked, key=lambda c: _difficulty_rank(c.difficulty))  # stable in draw order


def _difficulty_rank(difficulty: str) -> int:
    return DIFFICULTIES.index(difficulty) if difficulty in DIFFICULTIES else len(DIFFICULTIES)


def choose_follow_up(
    card: Card,
    rng: random.Random,
    resolve: Resolve,
    avoid: AbstractSet[tuple[str, str]] = frozenset(),
) -> tuple[FollowUp, Card | None] | None:
    """One of ``card``'s follow-ups and the card it names (``None`` when it names none).

    Follow-ups that name a card already in this interview are left out while others remain,
    so the same question is not asked twice.
    """
    options = [(f, resolve(f.card, card.deck) if f.card else None) for f in card.follow_ups]
    if not options:
        return None
    fresh = [(f, target) for f, target in options if target is None or target.key not in avoid]
    return rng.choice(fresh or options)


# -- scoring -----------------------------------------------------------------------------


def flatten(results: Sequence[QuestionResult]) -> list[Answer]:
    """Every answer in the order given: each question, then its follow-up."""
    out = []
    for result in results:
        out.append(result.answer)
        if result.follow_up is not None:
            out.append(result.follow_up)
    return out


def mean_score(answers: Sequence[Answer]) -> float | None:
    return sum(a.score for a in answers) / len(answers) if answers else None


def weak_topics(answers: Sequence[Answer], limit: int = WEAK_TOPICS) -> list[TopicScore]:
    """Topics answered least well (mean answer score below 100%), weakest first."""
    by_topic: dict[str, list[float]] = {}
    for answer in answers:
        by_topic.setdefault(answer.topic, []).append(answer.score)
    scores = [TopicScore(t, sum(s) / len(s), len(s)) for t, s in by_topic.items()]
    weak = [s for s in scores if s.score < 1.0]
    return sorted(weak, key=lambda s: (s.score, s.topic.lower()))[:limit]


# Words that say how to answer, not what about ("purpose in one sentence", "explain").
_FRAMING = frozenset(
    {"why", "what", "how", "when", "which", "work", "purpose", "sentence", "idea", "line",
     "describe", "description", "explain", "discuss", "compar", "typical", "common", "practic",
     "detail", "chang", "instead", "prefer", "pick", "choos", "choice", "would", "name",
     "interview", "definition", "defin", "mean", "happen", "usual", "popular", "differ"}
)  # fmt: skip


def asks_question(follow_up: str, card: Card) -> bool:
    """Whether a follow-up asks ``card``'s own question, so its key points grade the answer.

    "Why not optimise accuracy directly?" asks "Why not train directly on classification
    accuracy?"; "What else can you add to the objective to regularise a classifier?" does
    not ask label smoothing's question, even though that card is named. The subject words of
    the two questions (framing like "why", "explain", "in one sentence" left out) must
    mostly coincide: half of the follow-up's and a third of the card's.
    """
    from quizprep.study.grading.clauses import split

    def words(text: str) -> set[str]:
        found = {t.key for clause in split(text) for t in clause.tokens}
        return {w for w in found if w not in _FRAMING and w[:6] not in _FRAMING}

    asked, own = words(follow_up), words(card.question)
    if not asked or not own:
        return False
    shared = len(asked & own)
    return shared / len(asked) >= 0.5 and shared / len(own) >= 0.34


def format_clock(span: timedelta) -> str:
    """``03:07``, or ``1:02:03`` past an hour."""
    seconds = max(0, int(span.total_seconds()))
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes:02d}:{seconds:02d}"


# -- the interview -----------------------------------------------------------------------


class Interview:
    """The questions, the clock, and what answering does (grade, review, save)."""

    def __init__(
        self,
        cards: Sequence[Card],
        storage: Storage,
        scheduler: Scheduler,
        now: Callable[[], datetime],
        *,
        questions: int = 6,
        budget: timedelta = timedelta(minutes=20),
        seed: int | None = None,
        resolve: Resolve | None = None,
        topic: str | None = None,
        model: str | None = None,
    ) -> None:
        if questions < 1:
            raise QuizprepError("--questions must be at least 1")
        if budget <= timedelta(0):
            raise QuizprepError("--minutes must be more than 0")
        self.storage = storage
        self.scheduler = scheduler
        self.now = now
        self.budget = budget
        self.topic = topic
        self.seed = int.from_bytes(os.urandom(4), "big") if seed is None else seed
        self.rng = random.Random(self.seed)
        self.resolve: Resolve = resolve or (lambda ref, deck: None)
        self.questions = pick_questions(cards, questions, self.rng)
        if not self.questions:
            raise QuizprepError(
                "no cards to ask", hint="See the cards there are with `quizprep list`."
            )
        self.started_at = now()
        self.results: list[QuestionResult] = []
        self.interview_id: int | None = None
        self._position = 0
        self.model = model  # an `llm` model id grades typed answers; None: the local grader
        self.notes: list[str] = []  # why a chosen model was not used, once each
        self.feedback: Feedback | None = None  # the model's critique of the last answer

    def elapsed(self) -> timedelta:
        return self.now() - self.started_at

    def time_up(self) -> bool:
        return self.elapsed() > self.budget

    def follow_up(self, card: Card) -> tuple[FollowUp, Card | None] | None:
        return choose_follow_up(card, self.rng, self.resolve, {c.key for c in self.questions})

    # -- answering -----------------------------------------------------------------------

    def propose(self, card: Card, text: str) -> Grade:
        """The grader's verdicts on an answer, before the user confirms (or toggles) them."""
        from quizprep.study.aigrading import grade_answer

        feedback = grade_answer(card, text, self.model, self.storage, now=self.now())
        if feedback.note in self.notes:
            feedback = feedback._replace(note=None)  # said once is enough
        elif feedback.note:
            self.notes.append(feedback.note)
        self.feedback = feedback if (feedback.critique or feedback.note) else None
        return feedback.grade

    def take_feedback(self) -> Feedback | None:
        """What a model said about the last answer graded (once), for the screen."""
        feedback, self.feedback = self.feedback, None
        return feedback

    def answer_question(
        self,
        card: Card,
        text: str,
        shown_at: datetime,
        final: Grade | None = None,
        proposed: Grade | None = None,
    ) -> Answer:
        """Save a graded answer. ``final`` is the verdicts the user confirmed (default: the
        grader's own, ``proposed``)."""
        answer = self._graded("question", card.question, card, text, shown_at, final, proposed)
        self.results.append(QuestionResult(card, answer))
        return answer

    def answer_follow_up(
        self,
        follow: FollowUp,
        target: Card | None,
        text: str,
        shown_at: datetime,
        final: Grade | None = None,
        proposed: Grade | None = None,
    ) -> Answer:
        """A follow-up graded against the card it names; only when it asks that card's
        question (:func:`asks_question`), else it is self-rated."""
        if target is None or not asks_question(follow.question, target):
            raise ValueError("a follow-up that does not ask a card's question is self-rated")
        answer = self._graded("follow_up", follow.question, target, text, shown_at, final, proposed)
        self._attach(answer, target)
        return answer

    def graded_against(self, follow: FollowUp, target: Card | None) -> Card | None:
        """The card a follow-up is graded against, or None when it is self-rated."""
        return target if target is not None and asks_question(follow.question, target) else None

    def self_rated(self, follow: FollowUp, text: str, rating: int, shown_at: datetime) -> Answer:
        """A follow-up no card's key points grade: the user's own rating, given against the
        model answer when a card names one."""
        if rating not in SELF_RATING_SCORE:
            raise ValueError(f"rating must be 1–4, not {rating!r}")
        from quizprep.files import without_surrogates

        parent = self._parent()
        answer = self._save(
            Answer(
                position=self._next_position(),
                kind="follow_up",
                question=follow.question,
                text=without_surrogates(text),
                card=None,
                topic=parent.card.topic,
                covered=(),
                missed=(),
                rating=rating,
                self_rated=True,
                score=SELF_RATING_SCORE[rating],
                duration=self.now() - shown_at,
            )
        )
        self._attach(answer, None)
        return answer

    def _graded(
        self,
        kind: str,
        question: str,
        card: Card,
        text: str,
        shown_at: datetime,
        final: Grade | None = None,
        proposed: Grade | None = None,
    ) -> Answer:
        from quizprep.files import without_surrogates
        from quizprep.study.grades import record
        from quizprep.study.grading import CONTRADICTED, COVERED, MISSED

        text = without_surrogates(text)  # undecodable input cannot be stored as UTF-8
        proposed = proposed or self.propose(card, text)
        result = final or proposed
        total = len(result.points)
        covered = result.count(COVERED)
        score = covered / total if total else float(bool(text.strip()))
        when = self.now()
        review_id = None
        # The review, the answer and its grades are saved together or not at all.
        with self._unsaved_on_failure(), self.storage.transaction():
            if result.rating in (AGAIN, HARD):
                review_id = self._review(card, result.rating, when, when - shown_at)
            answer = self._save(
                Answer(
                    position=self._next_position(),
                    kind=kind,
                    question=question,
                    text=text,
                    card=card,
                    topic=card.topic,
                    covered=tuple(p.text for p in result.points if p.verdict == COVERED),
                    missed=tuple(p.text for p in result.points if p.verdict == MISSED),
                    rating=result.rating,
                    self_rated=False,
                    score=score,
                    duration=when - shown_at,
                    review_id=review_id,
                    points=result.points,
                    contradicted=tuple(p.text for p in result.points if p.verdict == CONTRADICTED),
                )
            )
            record(
                self.storage, card, proposed.verdicts, result.verdicts, proposed.rating,
                result.rating, when, review_id=review_id, interview_id=self.interview_id,
                position=answer.position,
            )  # fmt: skip
            return answer

    def _review(self, card: Card, rating: int, when: datetime, took: timedelta) -> int:
        """A real review with this rating: FSRS state and the log stay one story.

        Whole milliseconds and the replay's fuzz seed: exactly the state a progress import
        rebuilds from the log, so syncing never shifts these cards.
        """
        from quizprep.study.storage import ReviewRecord, StoredCard, from_ms, to_ms

        when = from_ms(to_ms(when))
        duration_ms = max(0, int(took.total_seconds() * 1000))

        def compute(before: StoredCard | None) -> ReviewRecord:
            outcome = self.scheduler.review(
                card.key, before.fsrs if before else None, rating, when, duration_ms
            )
            return ReviewRecord(
                when, rating, duration_ms, outcome.fsrs, outcome.state, outcome.due, "interview"
            )

        return self.storage.review(card.key, compute).id

    def _parent(self) -> QuestionResult:
        if not self.results or self.results[-1].follow_up is not None:
            raise RuntimeError("a follow-up needs its question answered first")
        return self.results[-1]

    def _attach(self, answer: Answer, target: Card | None) -> None:
        parent = self._parent()
        parent.follow_up = answer
        parent.follow_up_card = target

    def _next_position(self) -> int:
        self._position += 1
        return self._position

    # -- saving --------------------------------------------------------------------------

    def _save(self, answer: Answer) -> Answer:
        """Commit the answer and the interview's running totals together."""
        from quizprep.study.storage import to_ms

        answers = [*flatten(self.results), answer]
        questions = sum(a.kind == "question" for a in answers)
        parent = None if answer.kind == "question" else self._parent().answer.position
        with self._unsaved_on_failure(), self.storage.transaction() as db:
            if self.interview_id is None:
                cursor = db.execute(
                    "INSERT INTO interviews (started_at, budget_ms, planned, seed, topic)"
                    " VALUES (?, ?, ?, ?, ?)",
                    (
                        to_ms(self.started_at),
                        int(self.budget.total_seconds() * 1000),
                        len(self.questions),
                        self.seed,
                        self.topic,
                    ),
                )
                self.interview_id = int(cursor.lastrowid or 0)
            db.execute(
                "INSERT INTO interview_answers VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    self.interview_id,
                    answer.position,
                    answer.kind,
                    parent,
                    answer.card.deck if answer.card else None,
                    answer.card.id if answer.card else None,
                    answer.topic,
                    answer.question,
                    answer.text,
                    json.dumps(answer.covered, ensure_ascii=False),
                    json.dumps(answer.missed, ensure_ascii=False),
                    answer.rating,
                    int(answer.self_rated),
                    answer.score,
                    int(answer.duration.total_seconds() * 1000),
                    answer.review_id,
                ),
            )
            db.execute(
                "UPDATE interviews SET questions = ?, score = ? WHERE id = ?",
                (questions, mean_score(answers), self.interview_id),
            )
        return answer

    @contextmanager
    def _unsaved_on_failure(self) -> Iterator[None]:
        """If the transaction fails, forget the interview row and position it assigned:
        they were rolled back with it."""
        interview_id, position = self.interview_id, self._position
        try:
            yield
        except BaseException:
            self.interview_id, self._position = interview_id, position
            raise

    def finish(self, reason: str) -> Scorecard:
        """Close the interview (saved only if something was answered) and score it."""
        from quizprep.study.storage import to_ms

        ended = self.now()
        if self.interview_id is not None:
            with self.storage.transaction() as db:
                db.execute(
                    "UPDATE interviews SET ended_at = ?, end_reason = ? WHERE id = ?",
                    (to_ms(ended), reason, self.interview_id),
                )
        return Scorecard(
            interview_id=self.interview_id,
            started_at=self.started_at,
            elapsed=ended - self.started_at,
            budget=self.budget,
            planned=len(self.questions),
            seed=self.seed,
            end_reason=reason,
            results=list(self.results),
        )


# -- reopening a saved interview -----------------------------------------------------------

GONE = "(this card is in none of the loaded decks; add its deck with --deck)"


def load_scorecard(
    storage: Storage, interview_id: int, card: Callable[[str, str], Card | None]
) -> Scorecard:
    """A saved interview's scorecard, as it was shown at the end (``interview show N``).

    ``card`` finds a card by deck and card id; an answer whose card has since left every
    deck keeps its question, answer and points, with a placeholder for the model answer.
    """
    from quizprep.study.storage import from_ms

    rows = storage.query(
        "SELECT started_at, ended_at, budget_ms, planned, seed, end_reason FROM interviews"
        " WHERE id = ?",
        (interview_id,),
    )
    if not rows:
        raise QuizprepError(
            f"no interview #{interview_id}", hint="See the saved ones: quizprep interview list"
        )
    started_ms, ended_ms, budget_ms, planned, seed, reason = rows[0]
    answers = storage.query(
        "SELECT position, kind, parent_position, deck_id, card_id, topic, question, answer,"
        " covered, missed, rating, self_rated, score, duration_ms, review_id"
        " FROM interview_answers WHERE interview_id = ? ORDER BY position",
        (interview_id,),
    )
    results: dict[int, QuestionResult] = {}
    for (position, kind, parent, deck_id, card_id, topic, question, text, covered, missed,
         rating, self_rated, score, duration_ms, review_id) in answers:  # fmt: skip
        found = card(deck_id, card_id) if deck_id and card_id else None
        if found is None and deck_id and card_id:
            found = Card(deck_id, card_id, topic, "—", question, GONE, ())
        answer = Answer(
            position=position,
            kind=kind,
            question=question,
            text=text,
            card=found,
            topic=topic,
            covered=tuple(json.loads(covered)),
            missed=tuple(json.loads(missed)),
            rating=rating,
            self_rated=bool(self_rated),
            score=score,
            duration=timedelta(milliseconds=duration_ms),
            review_id=review_id,
        )
        if kind == "question" and found is not None:
            results[position] = QuestionResult(found, answer)
        elif parent in results:
            results[parent].follow_up = answer
            results[parent].follow_up_card = found
    started = from_ms(started_ms)
    ended = from_ms(ended_ms) if ended_ms is not None else None
    last = max((a.duration for a in flatten(list(results.values()))), default=timedelta(0))
    return Scorecard(
        interview_id=interview_id,
        started_at=started,
        elapsed=(ended - started) if ended else last,
        budget=timedelta(milliseconds=budget_ms),
        planned=planned,
        seed=seed if seed is not None else 0,
        end_reason=reason or INTERRUPTED,
        results=list(results.values()),
    )
