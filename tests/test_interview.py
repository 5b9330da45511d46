"""Mock interviews: question choice, grading, reviews, saving, the clock, Ctrl-C, the CLI."""

from __future__ import annotations

import io
import json
import random
import sqlite3
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from quizprep.cli import app
from quizprep.decks.catalog import load_catalog
from quizprep.decks.model import Card
from quizprep.errors import QuizprepError
from quizprep.study.grading import grade
from quizprep.study.interview import (
    FINISHED,
    INPUT_ENDED,
    INTERRUPTED,
    TIME_UP,
    Interview,
    choose_follow_up,
    format_clock,
    pick_questions,
    weak_topics,
)
from quizprep.study.scheduler import FUZZ_SEED, Scheduler
from quizprep.study.session import Session
from quizprep.study.stats import interview_history as history
from quizprep.study.storage import LEARNING, MIGRATIONS, Storage
from quizprep.tui.interview import InterviewLoop
from quizprep.tui.keys import LineKeys

from .drill_helpers import Clock
from .interview_helpers import write_interview_deck

runner = CliRunner()
GOOD_RELU = "max of zero and x\nthe gradient is one for positive inputs"
GOOD_FOCAL = "down-weights easy examples, gamma controls focus, helps class imbalance"


@pytest.fixture
def deck(tmp_path: Path) -> Path:
    return write_interview_deck(tmp_path)


@pytest.fixture
def catalog(deck: Path):
    return load_catalog([deck], include_builtin=False, include_user=False)


@pytest.fixture
def db(tmp_path: Path):
    with Storage.open(tmp_path / "p.sqlite3") as storage:
        yield storage


def make(catalog, db: Storage, clock: Clock, **kwargs) -> Interview:
    kwargs.setdefault("seed", 1)
    return Interview(
        catalog.cards, db, Scheduler(seed=FUZZ_SEED), clock, resolve=catalog.resolve, **kwargs
    )


def card(catalog, card_id: str) -> Card:
    found = catalog.card("ivtest", card_id)
    assert found is not None
    return found


# -- choosing questions ------------------------------------------------------------------


def test_questions_are_spread_over_difficulties_and_ordered_easy_to_hard() -> None:
    cards = load_catalog().cards
    picked = pick_questions(cards, 6, random.Random(3))
    assert Counter(c.difficulty for c in picked) == {"easy": 2, "medium": 2, "hard": 2}
    ranks = [("easy", "medium", "hard").index(c.difficulty) for c in picked]
    assert ranks == sorted(ranks)
    assert len({c.key for c in picked}) == 6


def test_the_same_seed_picks_the_same_questions() -> None:
    cards = load_catalog().cards
    first = [c.key for c in pick_questions(cards, 6, random.Random(42))]
    assert first == [c.key for c in pick_questions(cards, 6, random.Random(42))]
    others = {tuple(c.key for c in pick_questions(cards, 6, random.Random(s))) for s in range(8)}
    assert len(others) > 1  # the seed really chooses


def test_a_short_pool_gives_what_there_is(catalog) -> None:
    easy = [c for c in catalog.cards if c.difficulty == "easy"]
    assert pick_questions(easy, 5, random.Random(0)) == easy
    assert len(pick_questions(catalog.cards, 2, random.Random(0))) == 2


def test_follow_up_prefers_cards_not_already_asked(catalog) -> None:
    relu = card(catalog, "relu")
    follow, target = choose_follow_up(relu, random.Random(0), catalog.resolve)
    assert target is not None and target.id == "norm"
    # norm is in the interview, but it is relu's only follow-up: still asked
    follow, target = choose_follow_up(relu, random.Random(0), catalog.resolve, {("ivtest", "norm")})
    assert target is not None and target.id == "norm"
    follow, target = choose_follow_up(card(catalog, "focal"), random.Random(0), catalog.resolve)
    assert target is None and "gamma" in follow.question


def test_format_clock() -> None:
    assert format_clock(timedelta(seconds=187)) == "03:07"
    assert format_clock(timedelta(hours=1, seconds=62)) == "1:01:02"
    assert format_clock(timedelta(seconds=-5)) == "00:00"


# -- answering ---------------------------------------------------------------------------


def test_answers_are_graded_like_the_drill(catalog, db: Storage) -> None:
    clock = Clock()
    interview = make(catalog, db, clock)
    relu = interview.questions[0]
    assert relu.id == "relu"
    shown = clock()
    clock.advance(seconds=75)
    answer = interview.answer_question(relu, GOOD_RELU, shown)
    expected = grade(relu, GOOD_RELU)
    assert answer.points == expected.points
    assert answer.covered == tuple(p.text for p in expected.points if p.verdict == "covered")
    assert answer.missed == tuple(p.text for p in expected.points if p.verdict == "missed")
    assert answer.rating == expected.rating == 3
    assert answer.score == 1.0
    assert answer.duration == timedelta(seconds=75)
    assert answer.review_id is None and db.log() == []  # a good answer leaves the schedule


def test_a_bad_answer_becomes_due_in_the_drill(catalog, db: Storage) -> None:
    clock = Clock()
    interview = make(catalog, db, clock)
    focal = interview.questions[-1]
    answer = interview.answer_question(focal, "no idea, sorry", clock())
    assert answer.rating == 1 and answer.score == 0.0
    log = db.log()
    assert [(e.key, e.rating, e.reviewed_at) for e in log] == [(focal.key, 1, clock())]
    assert answer.review_id == log[0].id
    state = db.state(focal.key)
    assert state is not None and state.state == LEARNING
    # The drill shows it once its learning step is up, ahead of new cards.
    clock.advance(minutes=10)
    session = Session(catalog.cards, db, Scheduler(seed=FUZZ_SEED), clock, new_per_day=0)
    assert session.current is not None and session.current.key == focal.key


def test_a_partial_answer_is_reviewed_hard(catalog, db: Storage) -> None:
    clock = Clock()
    interview = make(catalog, db, clock)
    focal = card(catalog, "focal")
    answer = interview.answer_question(
        focal, "it down-weights easy examples; gamma controls focus", clock()
    )
    assert len(answer.covered) == 2 and answer.rating == 2
    assert [e.rating for e in db.log()] == [2]


def test_graded_follow_up_is_graded_against_the_card_it_names(catalog, db: Storage) -> None:
    clock = Clock()
    interview = make(catalog, db, clock)
    relu = card(catalog, "relu")
    interview.answer_question(relu, GOOD_RELU, clock())
    follow, target = interview.follow_up(relu)
    assert target is not None and target.id == "norm"
    answer = interview.answer_follow_up(follow, target, "learned scale and shift", clock())
    assert answer.kind == "follow_up" and answer.card == target
    assert answer.question == follow.question  # the follow-up's own wording is asked
    assert answer.covered == ("learned scale and shift",) and answer.rating == 2
    assert [e.key for e in db.log()] == [("ivtest", "norm")]


def test_a_follow_up_asking_another_question_is_self_rated(catalog, db: Storage) -> None:
    """Naming a card is not enough: the follow-up must ask that card's question."""
    from quizprep.decks.model import FollowUp
    from quizprep.study.interview import asks_question

    clock = Clock()
    interview = make(catalog, db, clock)
    relu, norm = card(catalog, "relu"), card(catalog, "norm")
    interview.answer_question(relu, GOOD_RELU, clock())
    other = FollowUp("How would you normalise activations between layers?", "norm")
    assert not asks_question(other.question, norm)
    assert asks_question("And what does batch normalisation do?", norm)
    assert interview.graded_against(other, norm) is None
    with pytest.raises(ValueError, match="self-rated"):
        interview.answer_follow_up(other, norm, "batch norm", clock())


def test_builtin_follow_ups_are_graded_only_when_they_ask_the_question() -> None:
    from quizprep.decks.catalog import load_catalog
    from quizprep.study.interview import asks_question

    builtin = load_catalog(include_user=False)
    smoothing = builtin.card("losses", "label-smoothing")
    accuracy = builtin.card("losses", "why-not-accuracy")
    assert smoothing is not None and accuracy is not None
    question = "What else can you add to the objective to regularise a classifier?"
    assert not asks_question(question, smoothing)
    assert asks_question("Why can't you train directly on accuracy?", accuracy)


def test_the_user_can_overrule_the_grader_before_saving(catalog, db: Storage) -> None:
    from quizprep.study.grading import toggled

    clock = Clock()
    interview = make(catalog, db, clock)
    relu = card(catalog, "relu")
    proposed = interview.propose(relu, GOOD_RELU)
    final = toggled(relu, proposed, 0)  # the user: point 1 was not really said
    answer = interview.answer_question(relu, GOOD_RELU, clock(), final, proposed)
    assert answer.rating == final.rating == 2
    assert [e.rating for e in db.log()] == [2]
    rows = db.query("SELECT grader, final, proposed, rating, overridden FROM review_grades")
    assert rows == [('["covered", "covered"]', '["missed", "covered"]', 3, 2, 1)]


def test_self_rated_follow_up_needs_no_card(catalog, db: Storage) -> None:
    clock = Clock()
    interview = make(catalog, db, clock)
    focal = card(catalog, "focal")
    interview.answer_question(focal, GOOD_FOCAL, clock())
    follow, target = interview.follow_up(focal)
    assert target is None
    answer = interview.self_rated(follow, "it becomes cross-entropy", 2, clock())
    assert answer.self_rated and answer.card is None and answer.score == 0.5
    assert answer.topic == "Ivtest losses"
    assert db.log() == []  # nothing to schedule without a card
    rows = db.query(
        "SELECT kind, parent_position, deck_id, card_id, rating, self_rated, score"
        " FROM interview_answers ORDER BY position"
    )
    assert rows == [
        ("question", None, "ivtest", "focal", 3, 0, 1.0),
        ("follow_up", 1, None, None, 2, 1, 0.5),
    ]


def test_interview_is_saved_after_each_answer_and_closed_at_the_end(catalog, db: Storage) -> None:
    clock = Clock()
    interview = make(catalog, db, clock, questions=3, budget=timedelta(minutes=15), topic=None)
    assert history(db) == []  # nothing answered, nothing saved yet
    relu, norm, _ = interview.questions
    interview.answer_question(relu, GOOD_RELU, clock())
    clock.advance(minutes=2)
    interview.answer_question(norm, "standardise each feature over the batch", clock())
    saved = history(db)
    assert len(saved) == 1
    assert saved[0].questions == 2 and saved[0].ended_at is None  # a kill keeps this much
    assert saved[0].score == pytest.approx((1.0 + 0.5) / 2)
    clock.advance(minutes=1)
    scorecard = interview.finish(FINISHED)
    record = history(db)[0]
    assert record.ended_at == clock() and record.end_reason == FINISHED
    assert record.planned == 3 and record.budget == timedelta(minutes=15)
    assert scorecard.score == pytest.approx(0.75)
    assert scorecard.elapsed == timedelta(minutes=3)
    assert [c.id for c in scorecard.back_in_drill] == ["norm"]
    assert [(t.topic, t.score) for t in scorecard.weak_topics] == [("Ivtest normalisation", 0.5)]


def test_weak_topics_are_the_lowest_first(catalog, db: Storage) -> None:
    clock = Clock()
    interview = make(catalog, db, clock)
    relu, norm, focal = interview.questions
    interview.answer_question(relu, "max of zero and x", clock())  # 1 of 2
    interview.answer_question(norm, "", clock())  # 0 of 2
    interview.answer_question(focal, GOOD_FOCAL, clock())
    weak = weak_topics(interview.finish(FINISHED).answers)
    assert [t.topic for t in weak] == ["Ivtest normalisation", "Ivtest activations"]


def test_bad_options_are_clear_errors(catalog, db: Storage) -> None:
    with pytest.raises(QuizprepError, match="at least 1"):
        make(catalog, db, Clock(), questions=0)
    with pytest.raises(QuizprepError, match="more than 0"):
        make(catalog, db, Clock(), budget=timedelta(0))


# -- the loop ----------------------------------------------------------------------------


class TimedLines(LineKeys):
    """Piped input where every line takes ``per_line`` of the injected clock to type."""

    def __init__(self, text: str, clock: Clock, per_line: timedelta, stop_after: int | None = None):
        super().__init__(io.StringIO(text))
        self.clock = clock
        self.per_line = per_line
        self.stop_after = stop_after
        self.reads = 0

    def _tick(self) -> None:
        self.reads += 1
        if self.stop_after is not None and self.reads > self.stop_after:
            raise KeyboardInterrupt
        self.clock.at += self.per_line

    def read_line(self, prompt: str = "") -> str:
        self._tick()
        return super().read_line(prompt)

    def read_key(self) -> str:
        self._tick()
        return super().read_key()


def run_loop(catalog, db: Storage, keys: TimedLines, clock: Clock, **kwargs) -> tuple[int, str]:
    out = io.StringIO()
    console = Console(file=out, width=80, color_system=None)
    code = InterviewLoop(make(catalog, db, clock, **kwargs), console, keys).run()
    return code, out.getvalue()


# relu (answer + empty line), follow-up norm, norm, its self-rated follow-up (+ rating),
# focal, its self-rated follow-up (+ rating).
FULL = (
    f"{GOOD_RELU}\n\n"
    "learned scale and shift\n\n"
    "standardise each feature over the batch\nwith learned scale and shift\n\n"
    "after the linear layer\n\n3\n"
    "down-weights easy examples\n\n"
    "plain cross-entropy\n\n4\n"
)


def test_full_interview_through_piped_lines(catalog, db: Storage) -> None:
    clock = Clock()
    keys = TimedLines(FULL, clock, timedelta(seconds=20))
    code, out = run_loop(catalog, db, keys, clock)
    assert code == 0
    assert "Question 1 of 3" in out and "Question 3 of 3" in out
    assert "Follow-up to question 3" in out
    assert "How did you do?" in out
    assert "Scorecard" in out and "3 of 3 questions" in out
    assert "Time is up" not in out
    rows = db.query("SELECT kind, card_id, rating, self_rated FROM interview_answers")
    assert rows == [
        ("question", "relu", 3, 0),
        ("follow_up", "norm", 2, 0),
        ("question", "norm", 3, 0),
        ("follow_up", None, 3, 1),
        ("question", "focal", 1, 0),
        ("follow_up", None, 4, 1),
    ]
    # the bad answers (norm as a follow-up: Hard; focal: Again) are in the review log
    assert [(e.key[1], e.rating) for e in db.log()] == [("norm", 2), ("focal", 1)]
    record = history(db)[0]
    assert record.end_reason == FINISHED and record.questions == 3
    assert record.score == pytest.approx((1 + 0.5 + 1 + 1 + 1 / 3 + 1) / 6)


def test_clock_shows_in_the_header_and_the_budget_ends_the_interview(catalog, db: Storage) -> None:
    clock = Clock()
    # Each line takes 2 minutes; the budget is 7: over it after the first follow-up.
    keys = TimedLines(FULL, clock, timedelta(minutes=2))
    code, out = run_loop(catalog, db, keys, clock, budget=timedelta(minutes=7))
    assert code == 0
    assert "Question 1 of 3   ⏱ 00:00 / 07:00" in out
    assert "Follow-up to question 1   ⏱ 06:00 / 07:00" in out
    assert "Time is up: 10:00 of 07:00" in out
    assert "Question 2 of 3" not in out
    assert "1 of 3 questions" in out and "Time ran out" in out
    record = history(db)[0]
    assert record.end_reason == TIME_UP and record.questions == 1


def test_ctrl_c_still_scores_and_saves(catalog, db: Storage) -> None:
    clock = Clock()
    keys = TimedLines(FULL, clock, timedelta(seconds=30), stop_after=8)
    code, out = run_loop(catalog, db, keys, clock)
    assert code == 130
    assert "Stopped early" in out and "Scorecard" in out
    record = history(db)[0]
    assert record.end_reason == INTERRUPTED
    assert record.questions == 2  # relu and norm answered; norm's follow-up was cut off
    assert db.query("SELECT COUNT(*) FROM interview_answers")[0][0] == 3


def test_end_of_input_finishes_with_what_was_answered(catalog, db: Storage) -> None:
    clock = Clock()
    keys = TimedLines(f"{GOOD_RELU}\n", clock, timedelta(seconds=5))
    code, out = run_loop(catalog, db, keys, clock)
    assert code == 0 and "Input ended" in out
    assert history(db)[0].end_reason == INPUT_ENDED


def test_nothing_answered_saves_nothing(catalog, db: Storage) -> None:
    clock = Clock()
    code, out = run_loop(catalog, db, TimedLines("", clock, timedelta(0)), clock)
    assert code == 0 and "nothing was saved" in out
    assert history(db) == []


# -- storage -----------------------------------------------------------------------------


def test_a_version_1_database_gains_the_interview_tables(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    raw = sqlite3.connect(path)
    raw.execute(
        "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, description TEXT"
        " NOT NULL, applied_at INTEGER NOT NULL)"
    )
    version, description, statements = MIGRATIONS[0]
    for statement in statements:
        raw.execute(statement)
    raw.execute("INSERT INTO schema_migrations VALUES (?, ?, 0)", (version, description))
    raw.execute("INSERT INTO settings VALUES ('desired_retention', '0.85')")
    raw.commit()
    raw.close()
    with Storage.open(path) as storage:
        assert storage.schema_version() >= 2
        assert storage.setting("desired_retention") == "0.85"
        assert history(storage) == []
        tables = {r[0] for r in storage.query("SELECT name FROM sqlite_master")}
        assert {"interviews", "interview_answers"} <= tables


# -- the command -------------------------------------------------------------------------


def cli(*args: str, stdin: str | None = None):
    return runner.invoke(app, list(args), input=stdin)


def test_interview_command_and_stats_history(deck: Path) -> None:
    args = ("--deck", str(deck), "--topic", "ivtest")
    result = cli("interview", *args, "--questions", "3", "--seed", "5", stdin=FULL)
    assert result.exit_code == 0, result.output
    assert "Mock interview" in result.output and "Scorecard" in result.output
    assert "Model answer" in result.output and "Weak topics" in result.output
    assert "--seed 5" in result.output
    data = json.loads(cli("stats", "--json", *args[:2]).stdout)
    assert len(data["interviews"]) == 1
    entry = data["interviews"][0]
    assert entry["questions"] == 3 and entry["planned"] == 3
    assert 0 < entry["score"] < 1 and entry["end_reason"] == "finished"
    assert data["reviews"] == 2  # the two bad answers
    text = cli("stats", *args[:2]).output
    assert "Mock interviews" in text and f"{entry['score']:.0%}" in text


def test_the_same_seed_asks_the_same_questions() -> None:
    def first_question(seed: int) -> str:
        result = cli("interview", "--questions", "4", "--seed", str(seed), stdin="")
        lines = result.output.splitlines()
        return next(lines[i + 1] for i, line in enumerate(lines) if line.startswith("Question"))

    assert first_question(11) == first_question(11)
    assert len({first_question(seed) for seed in range(6)}) > 1


def test_interview_options_are_checked(deck: Path) -> None:
    for args, message in (
        (("--questions", "0"), "--questions must be at least 1"),
        (("--minutes", "0"), "--minutes must be more than 0"),
        (("--topic", "no-such-topic"), "no cards match"),
    ):
        result = cli("interview", "--deck", str(deck), *args, stdin="")
        assert result.exit_code == 1
        assert message in result.output
        assert "Traceback" not in result.output
