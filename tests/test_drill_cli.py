"""`drill`, `stats`, `reset`, `deck orphans` through CliRunner with piped input."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pytest
from typer.testing import CliRunner

from quizprep.cli import app
from quizprep.paths import database_path
from quizprep.study.storage import Storage

from .drill_helpers import write_deck

runner = CliRunner()


@pytest.fixture
def deck(tmp_path: Path) -> Path:
    return write_deck(tmp_path)


def run(*args: str, stdin: str | None = None):
    return runner.invoke(app, list(args), input=stdin)


def stats_json(*args: str) -> dict:
    result = run("stats", "--json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_piped_drill_rates_and_stats_see_it(deck: Path) -> None:
    result = run("drill", "--deck", str(deck), "--topic", "Alpha", stdin="\n3\n\n1\nq\n")
    assert result.exit_code == 0, result.output
    assert "card 1 of 3" in result.output
    assert "Again" in result.output and "Good" in result.output
    assert "2 cards reviewed" in result.output
    assert "drilltest/c3" in result.output  # the card rated Again is listed as missed
    data = stats_json("--deck", str(deck))
    assert data["reviews"] == 2
    assert data["cards_seen"] == 2
    assert data["due_now"] == 0
    assert data["retention"] is None  # no review-state reviews yet
    assert data["states"]["learning"] == 2


def test_rating_before_reveal_is_refused_with_a_hint(deck: Path) -> None:
    result = run("drill", "--deck", str(deck), "--topic", "Alpha", stdin="3\nq\n")
    assert result.exit_code == 0
    assert "Show the answer first" in result.output
    assert Storage.open().log() == []


def test_typed_answer_proposes_a_rating_that_enter_accepts(deck: Path) -> None:
    # the answer, Enter to accept the verdicts, Enter to accept the proposed rating
    stdin = "vanishing gradient, and the loss is convex\n\n\nq\n"
    result = run("drill", "--deck", str(deck), "--topic", "Alpha", "--typed", stdin=stdin)
    assert result.exit_code == 0, result.output
    assert "Covered 2 of 2 key points" in result.output
    with Storage.open() as storage:
        assert [e.rating for e in storage.log()] == [3]


def test_a_lone_action_letter_at_the_typed_prompt_acts_as_its_key(deck: Path) -> None:
    # rate the first card, then "u" at the next typed prompt undoes it, "q" quits
    stdin = "some answer\n\n3\nu\nq\n"
    result = run("drill", "--deck", str(deck), "--topic", "Alpha", "--typed", stdin=stdin)
    assert result.exit_code == 0, result.output
    assert "Undone: drilltest/" in result.output
    assert Storage.open().log() == []


def test_typed_answer_rating_can_be_overridden(deck: Path) -> None:
    stdin = "t\nsomething unrelated\n\n4\nq\n"
    result = run("drill", "--deck", str(deck), "--topic", "Alpha", stdin=stdin)
    assert "Covered 0 of 2 key points" in result.output
    with Storage.open() as storage:
        assert [e.rating for e in storage.log()] == [4]


def test_undo_and_skip_keys(deck: Path) -> None:
    stdin = "\n3\nu\ns\nq\n"  # rate c1, undo it, skip c1 until tomorrow
    result = run("drill", "--deck", str(deck), "--topic", "Alpha", stdin=stdin)
    assert result.exit_code == 0, result.output
    assert "Undone: drilltest/c1 is back." in result.output
    assert "Skipped until tomorrow: drilltest/c1" in result.output
    with Storage.open() as storage:
        assert storage.log() == []
        assert ("drilltest", "c1") in storage.buried(datetime.now(timezone.utc))


def test_math_key_without_math_says_so(deck: Path) -> None:
    result = run("drill", "--deck", str(deck), "--topic", "Beta", stdin="m\nq\n")
    assert "No math for this card." in result.output


def test_nothing_due_offers_cram(deck: Path) -> None:
    args = ("drill", "--deck", str(deck), "--topic", "Alpha")
    run(*args, stdin="\n4\n\n4\n\n4\n")
    result = run(*args, stdin="")
    assert result.exit_code == 0
    assert "Nothing is due right now" in result.output
    assert "--cram" in result.output
    assert "Next card due" in result.output
    cram = run(*args, "--cram", stdin="\n1\nq\n")
    assert "CRAM" in cram.output and "schedule was not changed" in cram.output
    assert stats_json("--deck", str(deck))["reviews"] == 3


def test_end_of_input_ends_the_session_cleanly(deck: Path) -> None:
    result = run("drill", "--deck", str(deck), "--topic", "Alpha", stdin="\n2\n")
    assert result.exit_code == 0
    assert "1 card reviewed" in result.output


def test_retention_is_validated_and_remembered(deck: Path) -> None:
    bad = run("drill", "--deck", str(deck), "--retention", "0.3", stdin="q\n")
    assert bad.exit_code == 1
    assert "out of range" in bad.output
    ok = run("drill", "--deck", str(deck), "--retention", "0.8", stdin="q\n")
    assert ok.exit_code == 0
    assert stats_json()["desired_retention"] == 0.8


def test_no_matching_cards_is_a_clear_error(deck: Path) -> None:
    result = run("drill", "--deck", str(deck), "--topic", "nonexistent-topic")
    assert result.exit_code == 1
    assert "no cards match" in result.output


def test_bad_difficulty_is_a_clear_error() -> None:
    result = run("drill", "--difficulty", "impossible")
    assert result.exit_code == 1
    assert "unknown difficulty" in result.output


def test_corrupt_database_message_not_traceback(deck: Path) -> None:
    path = database_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"garbage" * 1000)
    for args in (("drill", "--deck", str(deck)), ("stats",)):
        result = run(*args, stdin="q\n")
        assert result.exit_code == 1
        assert "Traceback" not in result.output
        assert str(path) in result.output.replace("\n", "")
        assert "corrupt" in result.output


def test_stats_on_fresh_install() -> None:
    result = run("stats")
    assert result.exit_code == 0, result.output
    assert "No reviews yet" in result.output
    data = stats_json()
    assert data["reviews"] == 0 and data["cards_seen"] == 0 and data["due_now"] == 0
    assert data["retention"] is None and data["streak"] == 0
    assert data["states"]["new"] == data["cards"] > 0


def test_reset_asks_then_clears(deck: Path) -> None:
    run("drill", "--deck", str(deck), "--topic", "Alpha", stdin="\n3\nq\n")
    declined = run("reset", stdin="n\n")
    assert declined.exit_code == 1
    assert stats_json("--deck", str(deck))["reviews"] == 1
    accepted = run("reset", stdin="y\n")
    assert accepted.exit_code == 0, accepted.output
    assert "cleared 1 card and 1 review" in accepted.output
    assert stats_json("--deck", str(deck))["reviews"] == 0
    again = run("reset", "--yes")
    assert "Nothing to reset" in again.output


def test_reset_one_deck_only(deck: Path) -> None:
    run("drill", "--deck", str(deck), "--topic", "Alpha", stdin="\n3\nq\n")
    run("drill", "--topic", "Activations", stdin="\n3\nq\n")
    result = run("reset", "--deck", "drilltest", "--yes")
    assert result.exit_code == 0
    with Storage.open() as storage:
        assert {k[0] for k in storage.states()} == {"activations"}


def test_deck_orphans_lists_and_prunes(deck: Path) -> None:
    run("drill", "--deck", str(deck), "--topic", "Alpha", stdin="\n3\n\n3\nq\n")
    with_deck = run("deck", "orphans", "--deck", str(deck))
    assert "No orphaned progress" in with_deck.output
    # Without --deck the test deck's cards are not loaded: their history is orphaned.
    listed = run("deck", "orphans")
    assert listed.exit_code == 0
    assert "drilltest/c1" in listed.output and "drilltest/c3" in listed.output
    assert stats_json("--deck", str(deck))["reviews"] == 2
    pruned = run("deck", "orphans", "--prune")
    assert "Deleted the progress of 2 cards (2 reviews)" in pruned.output
    assert stats_json("--deck", str(deck))["reviews"] == 0


def test_editing_card_text_keeps_progress(deck: Path) -> None:
    run("drill", "--deck", str(deck), "--topic", "Alpha", stdin="\n3\nq\n")
    text = deck.read_text(encoding="utf-8").replace("Question number 1?", "Reworded one?")
    deck.write_text(text, encoding="utf-8")
    data = stats_json("--deck", str(deck))
    assert data["cards_seen"] == 1 and data["reviews"] == 1
    assert "No orphaned progress" in run("deck", "orphans", "--deck", str(deck)).output


def test_renaming_the_deck_file_keeps_progress(deck: Path) -> None:
    run("drill", "--deck", str(deck), "--topic", "Alpha", stdin="\n3\nq\n")
    renamed = deck.with_name("a-new-name.yml")
    deck.rename(renamed)
    data = stats_json("--deck", str(renamed))
    assert data["cards_seen"] == 1 and data["reviews"] == 1


def test_last_rating_can_be_undone_after_the_summary(deck: Path) -> None:
    args = ("drill", "--deck", str(deck), "--topic", "Alpha", "--limit", "1")
    result = run(*args, stdin="\n4\nu\n\n2\n")
    assert result.exit_code == 0, result.output
    assert result.output.count("Session done") == 1  # first, after the Easy
    assert "u undo the last rating" in result.output
    assert "Undone: drilltest/c1 is back." in result.output
    assert "Session stopped" in result.output  # Hard keeps it in learning; input ran out
    with Storage.open() as storage:
        assert [e.rating for e in storage.log()] == [2]
