"""Interview plans: dates, pacing, the bring-forward rule, storage, the report and its output."""

from __future__ import annotations

import io
import json
import re
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console
from typer.testing import CliRunner

from quizprep.cli import app
from quizprep.decks.catalog import load_catalog
from quizprep.errors import QuizprepError
from quizprep.render.plan import readiness_line, render_reports
from quizprep.study.plan import (
    Plan,
    at_local,
    clear_plans,
    days_for_new,
    for_drill,
    load_plans,
    new_limit_today,
    parse_date,
    plan_dues,
    save_plan,
    seconds_per_review,
)
from quizprep.study.readiness import report
from quizprep.study.scheduler import Scheduler, utc_now
from quizprep.study.storage import ReviewRecord, Storage, StoredCard

from .drill_helpers import write_deck

runner = CliRunner()
TODAY = date(2026, 12, 2)


@pytest.fixture
def storage(tmp_path: Path):
    with Storage.open(tmp_path / "p.sqlite3") as opened:
        yield opened


def cards_of(tmp_path: Path, n: int, deck_id: str = "drilltest"):
    path = write_deck(tmp_path, n=n, deck_id=deck_id)
    return load_catalog([path], include_builtin=False, include_user=False).cards


def rate(storage: Storage, scheduler: Scheduler, key, rating: int, when: datetime, ms: int = 0):
    def compute(before: StoredCard | None) -> ReviewRecord:
        out = scheduler.review(key, before.fsrs if before else None, rating, when)
        return ReviewRecord(when, rating, ms, out.fsrs, out.state, out.due)

    return storage.review(key, compute)


# -- dates -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("15/12/2026", "not a date"),
        ("2026-12-5", "not a date"),
        ("tomorrow", "not a date"),
        ("2026-02-30", "not a real date"),
        ("2026-12-01", "in the past"),
    ],
)
def test_bad_dates_are_usage_errors(text: str, words: str) -> None:
    with pytest.raises(QuizprepError) as caught:
        parse_date(text, TODAY)
    assert words in caught.value.message and caught.value.exit_code == 2


def test_today_and_later_are_fine() -> None:
    assert parse_date("2026-12-02", TODAY) == TODAY
    assert parse_date(" 2026-12-15 ", TODAY) == date(2026, 12, 15)


# -- pacing ----------------------------------------------------------------------------------


def test_the_window_and_the_new_card_deadline_follow_the_plan_length() -> None:
    fortnight = Plan(date(2026, 12, 16), created=TODAY)
    assert fortnight.window_days == 3 and fortnight.window_start == date(2026, 12, 13)
    assert fortnight.intro_deadline(TODAY) == date(2026, 12, 12)
    assert days_for_new(fortnight, TODAY) == 11
    # A late starter: nothing but the last day is left for the window.
    late = Plan(date(2026, 12, 5), created=TODAY)
    assert late.window_days == 1 and late.intro_deadline(TODAY) == date(2026, 12, 3)
    assert days_for_new(late, TODAY) == 2
    # Inside a fortnight's window, new cards still get in by the day before the date.
    assert days_for_new(fortnight, date(2026, 12, 14)) == 2
    assert days_for_new(fortnight, fortnight.date) == 0


def test_new_cards_are_spread_evenly_and_a_second_drill_keeps_the_days_share() -> None:
    plan = Plan(date(2026, 12, 16), created=TODAY)
    assert new_limit_today(plan, 40, 0, TODAY) == 4  # ceil(40 / 11)
    # Four introduced this morning: 36 waiting, and the day's share is still 4.
    assert new_limit_today(plan, 36, 4, TODAY) == 4
    assert new_limit_today(plan, 0, 0, TODAY) == 0
    assert new_limit_today(plan, 5, 0, plan.date) == 0


# -- bringing reviews forward ----------------------------------------------------------------


def test_in_the_window_the_strongest_waiting_cards_come_first(storage: Storage) -> None:
    scheduler = Scheduler(0.9, seed=3)
    plan = Plan(date(2026, 12, 16), created=TODAY)
    keys = [("d", f"c{i}") for i in range(6)]
    # Learned on different days with different ratings: different stabilities.
    for i, key in enumerate(keys):
        first = at_local(TODAY, 9) + timedelta(days=i % 3)
        rate(storage, scheduler, key, 3, first)
        rate(storage, scheduler, key, 3, first + timedelta(minutes=10))
        rate(storage, scheduler, key, (2, 3, 4)[i % 3], first + timedelta(days=4))
    states = storage.states()
    target = plan.target()

    def recall(stored: StoredCard) -> float:
        return scheduler.retrievability(stored.fsrs, target)

    now = at_local(plan.window_start, 9)
    assert plan_dues(plan, states, keys, now - timedelta(days=1), recall, 0.9) == {}
    due_today = {
        k for k, s in states.items() if s.due < at_local(plan.window_start, 0) + timedelta(days=1)
    }
    moved = plan_dues(plan, states, keys, now, recall, 0.9)
    # 6 cards over 3 window days: 2 today, counting any FSRS already has due today.
    assert len(moved) + len(due_today) == 2
    strongest = sorted((k for k in keys if k not in due_today), key=lambda k: -recall(states[k]))
    assert set(moved) == set(strongest[: len(moved)])
    assert all(due == at_local(plan.window_start) for due in moved.values())
    # Two already done today: ceil(8 / 3) = 3 in all, so at most one more.
    assert len(plan_dues(plan, states, keys, now, recall, 0.9, done_today=2)) <= 1
    # The last day before the date: every waiting card.
    last = at_local(plan.date - timedelta(days=1), 9)
    assert len(plan_dues(plan, states, keys, last, recall, 0.9)) + sum(
        s.due < at_local(plan.date) for s in states.values()
    ) >= len(keys)
    # The date itself and after: nothing changes.
    assert plan_dues(plan, states, keys, at_local(plan.date, 9), recall, 0.9) == {}


# -- storage ---------------------------------------------------------------------------------


def test_plans_for_different_decks_coexist_and_overlaps_are_trimmed(storage: Storage) -> None:
    now = at_local(TODAY, 9)
    save_plan(storage, Plan(date(2026, 12, 10), ("losses", "activations")), now)
    save_plan(storage, Plan(date(2026, 12, 20), ("deep-dives",)), now)
    _, notes = save_plan(storage, Plan(date(2026, 12, 12), ("activations",)), now)
    assert notes == ["the 2026-12-10 plan now covers only losses"]
    assert [(p.date.day, p.decks) for p in load_plans(storage)] == [
        (10, ("losses",)),
        (12, ("activations",)),
        (20, ("deep-dives",)),
    ]
    assert load_plans(storage)[0].created == TODAY
    # Set again later with other minutes: it keeps the day it was first set (and its window).
    again, notes = save_plan(
        storage, Plan(date(2026, 12, 20), ("deep-dives",), 45), now + timedelta(days=3)
    )
    assert notes == [] and again.created == TODAY and again.window_days == 3
    assert [p.minutes_per_day for p in load_plans(storage)] == [None, None, 45]
    assert clear_plans(storage, ["losses"]) == ["removed the 2026-12-10 plan for losses"]
    _, notes = save_plan(storage, Plan(date(2026, 12, 15)), now)  # every deck
    assert len(notes) == 2 and all(n.startswith("replaced") for n in notes)
    assert [p.scope for p in load_plans(storage)] == ["all decks"]
    assert "covers all decks" in clear_plans(storage, ["losses"])[0]
    assert clear_plans(storage) == ["removed the 2026-12-15 plan for all decks"]
    assert load_plans(storage) == [] and clear_plans(storage) == []


def test_seconds_per_review_is_the_capped_median_of_the_users_own(storage: Storage) -> None:
    scheduler = Scheduler(0.9, seed=1)
    assert seconds_per_review(storage) == (20.0, False)
    start = at_local(TODAY, 9)
    for i, ms in enumerate([4000, 8000, 12000, 300_000, 300_000, 9000, 7000, 11000, 10000]):
        rate(storage, scheduler, ("d", f"c{i}"), 3, start + timedelta(minutes=i), ms)
    assert seconds_per_review(storage) == (20.0, False)  # 9 timed reviews: not enough
    rate(storage, scheduler, ("d", "c9"), 3, start + timedelta(minutes=20), 9500)
    # Median of 4, 7, 8, 9, 9.5, 10, 11, 12, 60, 60 (five minutes counts as one).
    assert seconds_per_review(storage) == (9.75, True)


# -- the late starter ------------------------------------------------------------------------


def test_a_late_starter_is_told_the_daily_minutes(tmp_path: Path, storage: Storage) -> None:
    cards = cards_of(tmp_path, 42)
    scheduler = Scheduler(0.9)
    now = at_local(TODAY, 9)
    plan, _ = save_plan(storage, Plan(TODAY + timedelta(days=3), minutes_per_day=10), now)
    result = report(storage, plan, cards, scheduler, now)
    assert result.new_left == 42 and result.days_left == 3
    assert [d.new for d in result.days] == [21, 21, 0, 0]
    minutes = round(result.minutes_needed)
    assert minutes > 10 and result.overloaded
    assert result.pace_line == f"42 new cards in 3 days: about {minutes} minutes a day"
    out = io.StringIO()
    render_reports(Console(file=out, width=80, color_system=None), [result])
    text = out.getvalue()
    assert f"42 new cards in 3 days: about {minutes} minutes a day: more than the 10" in text
    assert "Left for today: 21 new cards" in text
    # The drill's hooks agree with the report: 21 new cards today.
    hooks = for_drill(storage, cards, cards, scheduler, now)
    assert hooks.new_per_day == 21


# -- output ----------------------------------------------------------------------------------


def marked_deck(tmp_path: Path) -> Path:
    path = write_deck(tmp_path, n=6)
    text = path.read_text(encoding="utf-8").replace("topic: Alpha", 'topic: "[bold]Alpha[/bold]"')
    path.write_text(text, encoding="utf-8")
    return path


def a_report(tmp_path: Path, storage: Storage):
    cards = load_catalog([marked_deck(tmp_path)], include_builtin=False, include_user=False).cards
    scheduler = Scheduler(0.9)
    now = at_local(TODAY, 9)
    for card in cards[:3]:
        rate(storage, scheduler, card.key, 3, now - timedelta(days=2))
        rate(storage, scheduler, card.key, 3, now - timedelta(days=2, minutes=-10))
    plan, _ = save_plan(storage, Plan(TODAY + timedelta(days=14)), now)
    return report(storage, plan, cards, scheduler, now)


class AsciiFile(io.StringIO):
    encoding = "ascii"


def test_the_report_fits_80_columns_without_colour_and_in_ascii(
    tmp_path: Path, storage: Storage, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = a_report(tmp_path, storage)
    monkeypatch.setenv("NO_COLOR", "1")
    plain = io.StringIO()
    render_reports(Console(file=plain, width=80, force_terminal=True), [result])
    text = plain.getvalue()
    assert "\x1b[" in text  # a terminal: bold is still there
    text = re.sub(r"\x1b\[[0-9;]*m", "", text)
    assert "\x1b[3" not in plain.getvalue() and "\x1b[9" not in plain.getvalue()  # no colour
    assert "[bold]Alpha[/bold]" in text  # deck text is literal, never markup
    assert all(len(line) <= 80 for line in text.splitlines())
    assert "█" in text and "Predicted readiness by day" in text
    assert text.count("interview") >= 1
    ascii_out = AsciiFile()
    render_reports(Console(file=ascii_out, width=80, color_system=None), [result])
    text = ascii_out.getvalue()
    text.encode("ascii")  # nothing outside ASCII
    assert "#" in text and "." in text
    assert all(len(line) <= 80 for line in text.splitlines())
    # One row per day from today to the date.
    assert sum(1 for line in text.splitlines() if "% " in line and " rev, " in line) == 14


def test_the_stats_line_names_the_date_the_figure_and_the_weakest(
    tmp_path: Path, storage: Storage
) -> None:
    result = a_report(tmp_path, storage)
    out = io.StringIO()
    Console(file=out, width=200, color_system=None).print(readiness_line(result))
    line = out.getvalue()
    assert "Wed 16 Dec" in line and "in 14 days" in line
    assert f"predicted recall on the day {result.readiness.recall:.0%}" in line
    assert "weakest: " + result.readiness.weakest[0].name in line


# -- the command line ------------------------------------------------------------------------


def future(days: int) -> str:
    return (utc_now().astimezone().date() + timedelta(days=days)).isoformat()


def test_plan_commands_set_show_and_clear() -> None:
    result = runner.invoke(app, ["plan"])
    assert result.exit_code == 0 and "No interview date set" in result.output
    when = future(14)
    result = runner.invoke(
        app, ["plan", "--date", when, "--deck", "losses", "--minutes-per-day", "30"]
    )
    assert result.exit_code == 0, result.output
    assert "in 14 days" in result.output and "losses" in result.output
    assert "Left for today: " in result.output and "quizprep drill" in result.output
    assert "Predicted recall on the day (FSRS): 0%" in result.output
    result = runner.invoke(app, ["plan", "--date", future(20), "--deck", "activations"])
    assert result.exit_code == 0
    data = json.loads(runner.invoke(app, ["plan", "--json"]).stdout)
    assert [(p["date"], p["decks"], p["minutes_per_day"]) for p in data["plans"]] == [
        (when, ["losses"], 30),
        (future(20), ["activations"], 20),
    ]
    first = data["plans"][0]
    assert first["readiness"]["recall"] == 0 and first["new_left"] == first["cards"] > 0
    assert sum(d["new"] for d in first["days"]) == first["cards"]
    stats = runner.invoke(app, ["stats"])
    assert stats.output.count("predicted recall on the day 0%") == 2
    assert len(json.loads(runner.invoke(app, ["stats", "--json"]).stdout)["plans"]) == 2
    result = runner.invoke(app, ["plan", "--clear", "--deck", "losses"])
    assert result.exit_code == 0 and "Removed the" in result.output
    result = runner.invoke(app, ["plan", "--clear"])
    assert result.exit_code == 0
    assert "No interview date set" in runner.invoke(app, ["plan"]).output
    assert "Interview" not in runner.invoke(app, ["stats"]).output


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--date", "2020-01-01"], "in the past"),
        (["--date", "15.12.2026"], "not a date"),
        (["--date", "2026-13-01"], "not a real date"),
        (["--minutes-per-day", "30"], "give the date too"),
        (["--date", "2999-01-01", "--minutes-per-day", "0"], "minutes per day"),
        (["--clear", "--date", "2999-01-01"], "--clear takes no"),
    ],
)
def test_plan_usage_errors_exit_2(args: list[str], words: str) -> None:
    result = runner.invoke(app, ["plan", *args])
    assert result.exit_code == 2
    assert words in result.output and "Usage:" in result.output
    assert "Traceback" not in result.output
    assert load_plans(Storage.open()) == []


def test_an_unknown_deck_id_is_a_clear_error() -> None:
    result = runner.invoke(app, ["plan", "--date", future(5), "--deck", "nope"])
    assert result.exit_code == 1
    assert "unknown deck id 'nope'" in result.output and "losses" in result.output


def test_drill_final_goes_weakest_first_then_a_short_interview(quizprep_home: Path) -> None:
    (quizprep_home / "decks").mkdir(parents=True)
    write_deck(quizprep_home / "decks", n=6)
    today = utc_now().astimezone().date().isoformat()
    assert runner.invoke(app, ["plan", "--date", today, "--deck", "drilltest"]).exit_code == 0
    scheduler = Scheduler(0.9)
    now = utc_now()
    with Storage.open() as storage:
        # c2 learned 30 days ago, c4 ten, c6 yesterday: recall today c2 < c4 < c6.
        for card_id, ago in (("c6", 1), ("c2", 30), ("c4", 10)):
            when = now - timedelta(days=ago)
            rate(storage, scheduler, ("drilltest", card_id), 3, when)
            rate(storage, scheduler, ("drilltest", card_id), 3, when + timedelta(minutes=10))
        logged = len(storage.log())
    answers = "vanishing gradient and the loss is convex\n\n" * 8
    result = runner.invoke(app, ["drill", "--final"], input="\n3\n" * 3 + "x\n" + answers)
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Last pass before the" in out and "3 cards, lowest predicted recall first" in out
    shown = [out.index(f"Question number {n}?") for n in (2, 4, 6)]
    assert shown == sorted(shown)  # weakest first
    # Alpha has only cards never introduced (0%), so it is the weakest.
    assert "Now a short mock interview on your weakest topics: Alpha, Beta" in out
    with Storage.open() as storage:
        drilled = [e for e in storage.log()[logged:] if e.rating == 3]
        assert [e.key[1] for e in drilled[:3]] == ["c2", "c4", "c6"]  # every rating kept
        interviews = storage.query("SELECT topic, questions FROM interviews")
    assert len(interviews) == 1 and interviews[0][0] == "Alpha, Beta" and interviews[0][1] >= 1


def test_drill_final_without_a_plan_says_how_to_set_one() -> None:
    result = runner.invoke(app, ["drill", "--final"])
    assert result.exit_code == 1
    assert "no interview date ahead" in result.output and "quizprep plan --date" in result.output
    result = runner.invoke(app, ["drill", "--final", "--cram"])
    assert result.exit_code == 2


# -- the rule's invariants, over many random decks -------------------------------------------


def review_state(key, stability: float, last: datetime, due: datetime) -> StoredCard:
    import fsrs

    card = fsrs.Card(
        card_id=1, state=fsrs.State.Review, step=None, stability=stability, difficulty=5.0,
        due=due.astimezone(timezone.utc), last_review=last.astimezone(timezone.utc),
    )  # fmt: skip
    return StoredCard(key, card.to_json(), 2, due)


@settings(max_examples=60, deadline=None)
@given(
    cards=st.lists(
        st.tuples(
            st.floats(0.5, 200),  # stability, days
            st.integers(1, 13),  # last review, days before the date
            st.integers(-3, 30),  # FSRS due, days after that review
        ),
        min_size=1,
        max_size=25,
    ),
    day=st.integers(1, 3),  # which window day (days before the date)
    done=st.integers(0, 5),
)
def test_the_window_rule_keeps_its_promises(cards, day: int, done: int) -> None:
    plan = Plan(date(2026, 12, 16), created=TODAY)
    scheduler = Scheduler(0.9)
    states = {}
    for i, (stability, before, after) in enumerate(cards):
        last = at_local(plan.date, 9) - timedelta(days=before)
        states[("d", f"c{i}")] = review_state(
            ("d", f"c{i}"), stability, last, last + timedelta(days=after)
        )
    keys = list(states)
    target = plan.target()

    def recall(stored: StoredCard) -> float:
        return scheduler.retrievability(stored.fsrs, target)

    now = at_local(plan.date - timedelta(days=day), 10)
    tomorrow = at_local(plan.date - timedelta(days=day - 1))
    moved = plan_dues(plan, states, keys, now, recall, 0.9, done)
    window = at_local(plan.window_start)
    waiting = [k for k, s in states.items() if s.fsrs and json.loads(s.fsrs)["last_review"]
               and datetime.fromisoformat(json.loads(s.fsrs)["last_review"]) < window]  # fmt: skip
    due_anyway = {k for k in waiting if states[k].due < tomorrow}
    # Only waiting cards not already due move, and only to today; except the day-before rule.
    for key, when in moved.items():
        if key in waiting:
            assert key not in due_anyway and when == at_local(now.date())
        else:
            assert when == at_local(plan.date - timedelta(days=1))
            assert recall(states[key]) < 0.9 and states[key].due >= at_local(plan.date)
    pulled = [k for k in moved if k in waiting]
    # No more than the day's share (what is due anyway may exceed it on its own).
    share = -(-(len(waiting) + done) // day)
    assert len(pulled) <= max(0, share - done - len(due_anyway))
    # Strongest first: nothing left behind is stronger than what was pulled.
    left = [k for k in waiting if k not in moved and k not in due_anyway]
    if pulled and left:
        assert min(recall(states[k]) for k in pulled) >= max(recall(states[k]) for k in left)
    # The last day before the date leaves nobody waiting.
    if day == 1:
        assert not left
