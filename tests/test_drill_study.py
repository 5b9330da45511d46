"""What a drill studies, in which order, and what it says about it: deck ids, per-deck
new-card limits, Anki's counts, interleaving, seeded shuffles, learning steps that are
never shown early without saying so, and intervals that keep Good and Easy apart."""

from __future__ import annotations

import itertools
import json
from datetime import timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from quizprep.cli import app
from quizprep.decks.catalog import load_catalog
from quizprep.study.scheduler import Scheduler, format_interval
from quizprep.study.session import Counts, Session
from quizprep.study.storage import FLAGGED, SUSPENDED, Storage
from quizprep.study.today import deck_counts, interleave

from .drill_helpers import Clock, write_deck

runner = CliRunner()


def run(*args: str, stdin: str | None = None):
    return runner.invoke(app, list(args), input=stdin)


@pytest.fixture
def two_decks(quizprep_home: Path) -> Path:
    """Decks `alpha` (12 cards) and `beta` (4 cards) in the user's decks folder."""
    folder = quizprep_home / "decks"
    folder.mkdir(parents=True)
    write_deck(folder, 12, deck_id="alpha")
    write_deck(folder, 4, deck_id="beta")
    return folder


@pytest.fixture
def storage(tmp_path: Path):
    with Storage.open(tmp_path / "p.sqlite3") as opened:
        yield opened


def user_cards(folder: Path):
    return load_catalog([folder], include_builtin=False, include_user=False).cards


# -- choosing decks -----------------------------------------------------------------------


def test_deck_id_selects_that_deck_only(two_decks: Path) -> None:
    result = run("drill", "--deck", "beta", "--cram", "--order", "deck", stdin="q\n")
    assert result.exit_code == 0, result.output
    assert "beta/c1" in result.output and "4 to go" in result.output
    assert "alpha/" not in result.output


def test_unknown_deck_id_is_a_clear_error_with_suggestions(two_decks: Path) -> None:
    result = run("drill", "--deck", "alpah", stdin="")
    assert result.exit_code == 1
    assert "no deck with id 'alpah'" in result.stderr
    assert "did you mean alpha" in result.stderr
    assert "Traceback" not in result.output


def test_a_path_adds_a_deck_and_a_bare_existing_name_is_a_path(
    two_decks: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    extra = write_deck(tmp_path, 2, deck_id="gamma")
    # an id and a path together: the chosen deck plus the added one
    result = run("drill", "--deck", "beta", "--deck", str(extra), "--cram", stdin="q\n")
    assert result.exit_code == 0, result.output
    assert "6 to go" in result.output
    # a bare word that is no deck id but a file in the current folder is a path
    monkeypatch.chdir(tmp_path)
    result = run("drill", "--deck", "gamma.yaml", "--deck", "beta", "--cram", stdin="q\n")
    assert "6 to go" in result.output


# -- new-card limits ----------------------------------------------------------------------


def test_each_deck_has_its_own_new_card_limit(two_decks: Path, storage) -> None:
    cards = user_cards(two_decks)
    session = Session(cards, storage, Scheduler(), Clock(), new_per_day=3, new_limits={"beta": 1})
    assert session.counts() == Counts(4, 0, 0)
    shown = []
    while not session.finished:
        shown.append(session.current.deck)
        session.rate(4)
    assert sorted(shown) == ["alpha"] * 3 + ["beta"]
    summary = session.summary()
    assert summary.new_left_today == 0
    assert {(x.deck, x.introduced, x.limit, x.waiting) for x in summary.limited} == {
        ("alpha", 3, 3, 9),
        ("beta", 1, 1, 3),
    }


def test_a_fresh_deck_is_not_blocked_by_cards_introduced_from_another(
    two_decks: Path, storage
) -> None:
    clock = Clock()
    cards = user_cards(two_decks)
    alpha = [c for c in cards if c.deck == "alpha"]
    first = Session(alpha, storage, Scheduler(), clock)
    while not first.finished:
        first.rate(4)
    assert first.reviewed == 10  # alpha's own limit
    later = Session(cards, storage, Scheduler(), clock)
    assert later.counts() == Counts(4, 0, 0)  # beta still gets its ten


def test_limit_used_up_says_how_many_and_how_to_raise_it(two_decks: Path) -> None:
    assert run("deck", "limit", "beta", "2").exit_code == 0
    first = run("drill", "--deck", "beta", stdin="\n4\n\n4\n")
    assert first.exit_code == 0, first.output
    result = run("drill", "--deck", "beta", stdin="")
    assert "today's new-card limit is used up" in result.output
    assert "beta: 2 new cards introduced today (limit 2 a day), 2 waiting." in result.output
    assert "quizprep drill --new 12" in result.output
    assert "quizprep deck limit beta 12" in result.output
    raised = run("drill", "--deck", "beta", "--new", "3", stdin="q\n")
    assert "1 new · 0 learning · 0 review" in raised.output


def test_deck_limit_command_remembers_per_deck_and_for_all(two_decks: Path) -> None:
    shown = run("deck", "limit").output
    assert "alpha: 10 new cards a day (the default)" in shown
    assert run("deck", "limit", "alpha", "4").exit_code == 0
    assert "alpha: 4 new cards a day (its own)" in run("deck", "limit", "alpha").output
    assert run("deck", "limit", "--all", "6").exit_code == 0
    shown = run("deck", "limit").output
    assert "alpha: 6 new cards a day (the default)" in shown  # --all drops own limits
    assert "beta: 6 new cards a day" in shown
    bad = run("deck", "limit", "nosuch", "3")
    assert bad.exit_code == 1 and "no deck with id 'nosuch'" in bad.stderr
    assert run("deck", "limit", "alpha", "many").exit_code == 2


def test_deck_list_shows_todays_counts_like_anki(two_decks: Path) -> None:
    run("deck", "limit", "beta", "2")
    run("drill", "--deck", "beta", stdin="\n1\n")  # beta/c1: Again, learning
    rows = {r["id"]: r for r in json.loads(run("deck", "list", "--json").stdout)}
    assert (rows["alpha"]["new"], rows["alpha"]["learning"], rows["alpha"]["due"]) == (10, 0, 0)
    assert (rows["beta"]["new"], rows["beta"]["learning"], rows["beta"]["new_limit"]) == (1, 1, 2)
    text = run("deck", "list").stdout
    assert "New" in text and "Learn" in text and "Due" in text


def test_deck_counts_match_what_a_drill_would_show(two_decks: Path, storage) -> None:
    clock = Clock()
    cards = user_cards(two_decks)
    session = Session(cards, storage, Scheduler(), clock, new_per_day=2)
    session.rate(1)
    counts = deck_counts(cards, storage, clock(), new_per_day=2)
    assert counts["alpha"] == Counts(1, 1, 0)
    assert counts["beta"] == Counts(2, 0, 0)


# -- order --------------------------------------------------------------------------------


def test_new_cards_interleave_decks_and_topics(two_decks: Path) -> None:
    cards = user_cards(two_decks)
    order = interleave(cards)
    assert [c.deck for c in order[:6]] == ["alpha", "beta"] * 3
    alpha = [c.topic for c in order if c.deck == "alpha"]
    assert alpha[:4] == ["Alpha", "Beta", "Alpha", "Beta"]
    assert sorted(c.ref for c in order) == sorted(c.ref for c in cards)


def test_orders_deck_and_random_and_the_seed(two_decks: Path, storage) -> None:
    cards = user_cards(two_decks)

    def first_ids(**kwargs) -> list[str]:
        session = Session(cards, storage, Scheduler(), Clock(), cram=True, **kwargs)
        return [c.ref for c in [session.current, *session._queue]]

    assert first_ids(order="deck")[:3] == ["alpha/c1", "alpha/c2", "alpha/c3"]
    assert first_ids(order="due")[:2] == ["alpha/c1", "beta/c1"]
    shuffled = first_ids(order="random", seed=7)
    assert shuffled == first_ids(order="random", seed=7)
    assert shuffled != first_ids(order="random", seed=8)
    assert sorted(shuffled) == sorted(c.ref for c in cards)


def test_cram_shuffles_by_default_and_seed_repeats_it(two_decks: Path) -> None:
    def first(seed: str) -> str:
        out = run("drill", "--deck", "alpha", "--cram", "--seed", seed, stdin="q\n").output
        return next(line for line in out.splitlines() if "alpha/c" in line)

    assert first("1") == first("1")
    assert len({first(str(seed)) for seed in range(6)}) > 1
    bad = run("drill", "--order", "sideways", stdin="")
    assert bad.exit_code == 1 and "unknown order 'sideways'" in bad.stderr


# -- learning steps and intervals ---------------------------------------------------------


def test_a_learning_card_shown_early_says_so(tmp_path: Path, storage) -> None:
    clock = Clock()
    cards = load_catalog([write_deck(tmp_path, 1)], include_builtin=False).cards
    session = Session(cards, storage, Scheduler(), clock)
    session.rate(3)  # Good: next step in 10 minutes, nothing else left
    assert session.current is not None and session.early == timedelta(minutes=10)
    path = str(tmp_path / "drilltest.yaml")
    result = run("drill", "--deck", path, "--deck", "drilltest", stdin="\n3\nq\n")
    assert "Nothing else is left: this card is back 10m before its step is up." in result.output


def test_a_learning_card_waits_for_its_step_while_others_are_left(tmp_path: Path, storage):
    clock = Clock()
    cards = load_catalog([write_deck(tmp_path, 3)], include_builtin=False).cards
    session = Session(cards, storage, Scheduler(), clock)
    session.rate(3)  # c1 Good: 10m
    assert session.current.id == "c2" and session.early is None
    clock.advance(seconds=20)
    session.rate(3)
    assert session.current.id == "c3"


@pytest.mark.parametrize("history", list(itertools.product((1, 2, 3), repeat=3)))
def test_hard_good_and_easy_never_show_the_same_interval(history) -> None:
    scheduler = Scheduler()
    key = ("d", "c" + "".join(map(str, history)))
    stored, when = None, Clock()()
    for rating in history:
        outcome = scheduler.review(key, stored, rating, when)
        stored, when = outcome.fsrs, outcome.due
    preview = scheduler.preview(key, stored, when)
    shown = [format_interval(preview[r]) for r in (2, 3, 4)]
    assert len(set(shown)) == 3, shown
    for rating in (1, 2, 3, 4):  # the preview is what the rating gives
        assert scheduler.review(key, stored, rating, when).interval == preview[rating]


# -- bury, suspend, flag ------------------------------------------------------------------


def test_suspend_bury_and_flag_are_undoable(tmp_path: Path, storage) -> None:
    clock = Clock()
    cards = load_catalog([write_deck(tmp_path, 4)], include_builtin=False).cards
    session = Session(cards, storage, Scheduler(), clock)
    assert session.toggle_flag() and session.flagged()
    assert ("drilltest", "c1") in storage.marked(FLAGGED)
    session.reveal()
    session.undo()  # the flag comes off; the card stays, answer still shown
    assert storage.marked(FLAGGED) == {} and session.revealed and session.current.id == "c1"
    session.suspend()
    assert session.current.id == "c2" and ("drilltest", "c1") in storage.marked(SUSPENDED)
    session.bury()
    assert session.current.id == "c3"
    session.undo()
    session.undo()
    assert session.current.id == "c1" and storage.marked(SUSPENDED) == {}
    session.suspend()
    session.quit()
    assert [c.id for c in session.summary().suspended] == ["c1"]
    again = Session(cards, storage, Scheduler(), clock)
    assert again.current.id == "c2" and again.counts().new == 3


def test_suspended_and_flagged_commands(quizprep_home: Path) -> None:
    (quizprep_home / "decks").mkdir(parents=True)
    write_deck(quizprep_home / "decks", 3)
    deck = "drilltest"
    # flag c1, show it, Good; suspend c2
    result = run("drill", "--deck", deck, stdin="f\n\n3\n!\nq\n")
    assert result.exit_code == 0, result.output
    assert "Flagged for later" in result.output
    listed = run("suspended")
    assert "drilltest/c2" in listed.stdout and "Question number 2?" in listed.stdout
    assert "drilltest/c1" in run("flagged").stdout
    flagged = run("drill", "--deck", deck, "--flagged", "--cram", stdin="q\n")
    assert "1 to go" in flagged.output and "⚑ flagged" in flagged.output
    back = run("suspended", "--unsuspend", "drilltest/c2")
    assert back.exit_code == 0 and "Unsuspended: drilltest/c2" in back.stdout
    assert json.loads(run("suspended", "--json").stdout)["suspended"] == []
    assert run("flagged", "--unflag", "all").exit_code == 0
    assert "No flagged cards." in run("flagged").stdout
    none = run("drill", "--deck", deck, "--flagged", stdin="")
    assert none.exit_code == 1 and "no flagged cards" in none.stderr
    missing = run("suspended", "--unsuspend", "drilltest/c9")
    assert missing.exit_code == 1 and "is not suspended" in missing.stderr


def test_an_edited_card_stays_edited_through_undo(tmp_path: Path, storage) -> None:
    clock = Clock()
    cards = load_catalog([write_deck(tmp_path, 2)], include_builtin=False).cards
    session = Session(cards, storage, Scheduler(), clock)
    session.rate(4)  # c1
    edited = cards[0]._replace(question="Edited question?")
    session.replace(edited)
    assert session.undo().question == "Edited question?"
    assert session.current.question == "Edited question?"
    assert storage.log() == []


def test_deck_list_keeps_long_paths_whole_at_80_columns(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "a-rather-long-folder-name-for-decks" / "with-another-level-below-it"
    folder.mkdir(parents=True)
    path = write_deck(folder, 2, deck_id="far-away-deck")
    monkeypatch.setenv("COLUMNS", "80")
    result = run("deck", "list", "--deck", str(path))
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert any(str(path) in line for line in lines)  # on one line, never folded
    assert all(line == line.rstrip() for line in lines)
    table = [line for line in lines if "far-away-deck" in line and str(path) not in line]
    assert table and all(len(line) <= 80 for line in table)
