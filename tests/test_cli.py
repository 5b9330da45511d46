"""CliRunner tests for the foundation commands: list, explain, deck validate."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from typer.testing import CliRunner

from quizprep.cli import app

from .conftest import DECKS

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args))


def test_help_lists_every_command() -> None:
    result = run("--help")
    assert result.exit_code == 0
    for command in ("list", "explain", "deck"):
        assert command in result.output


def test_list_json_has_all_builtin_cards() -> None:
    result = run("list", "--json")
    assert result.exit_code == 0, result.output
    cards = json.loads(result.stdout)
    decks = {c["deck"] for c in cards}
    assert {"activations", "losses", "deep-dives"} <= decks
    assert sum(c["deck"] == "activations" for c in cards) == 15
    assert sum(c["deck"] == "losses" for c in cards) == 15
    for card in cards:
        assert {"id", "deck", "topic", "difficulty", "question", "tags"} <= card.keys()


def test_list_filters_by_difficulty_topic_and_tag() -> None:
    hard = json.loads(run("list", "--difficulty", "hard", "--json").stdout)
    assert hard and all(c["difficulty"] == "hard" for c in hard)
    ids = {c["id"] for c in hard}
    assert {"focal-loss", "label-smoothing", "kl-divergence", "gelu"} <= ids
    all_cards = json.loads(run("list", "--json").stdout)
    some_tag = all_cards[0]["tags"][0]
    tagged = json.loads(run("list", "--tag", some_tag, "--json").stdout)
    assert tagged and all(some_tag in c["tags"] for c in tagged)
    assert len(tagged) < len(all_cards)


def test_list_table_shows_chips_and_counts() -> None:
    result = run("list", "--difficulty", "easy")
    assert result.exit_code == 0
    assert "EASY" in result.output and "HARD" not in result.output
    assert "cards:" in result.output


def test_list_rejects_unknown_difficulty() -> None:
    result = run("list", "--difficulty", "extreme")
    assert result.exit_code == 1
    assert "unknown difficulty 'extreme'" in result.stderr
    assert "Traceback" not in result.output


def test_explain_finds_cards_by_alias_words_and_tag() -> None:
    for query, card_id in [
        ("focal", "focal-loss"),
        ("dead relu", "dead-relu"),
        ("kl", "kl-divergence"),
        ("huber", "huber-vs-mse"),
        ("losses/mse", "mse"),
        ("label smoothing", "label-smoothing"),
        ("gelu", "gelu"),
    ]:
        result = run("explain", query, "--json")
        assert result.exit_code == 0, (query, result.output)
        assert json.loads(result.stdout)["id"] == card_id, query


def test_explain_renders_a_card_with_all_sections() -> None:
    result = run("explain", "focal")
    assert result.exit_code == 0
    out = result.output
    assert "HARD" in out and "losses/focal-loss" in out
    for section in ("Key points", "Formula", "Related"):
        assert section in out, section
    assert "γ" in out


def test_explain_lists_other_good_matches() -> None:
    result = run("explain", "cross entropy")
    assert result.exit_code == 0
    assert "Other matches:" in result.output


def test_explain_json_has_every_field() -> None:
    card = json.loads(run("explain", "focal", "--json").stdout)
    for key in (
        "answer",
        "key_points",
        "formula",
        "math",
        "related",
        "follow_ups",
        "common_mistakes",
        "aliases",
    ):
        assert key in card
    assert card["math"] == "focal"


def test_explain_nonsense_says_no_card_covers_it_and_exits_1() -> None:
    result = run("explain", "zzqx-nothing-like-this")
    assert result.exit_code == 1
    assert "no card covers 'zzqx-nothing-like-this'" in result.stderr
    assert "Traceback" not in result.output
    data = json.loads(run("explain", "zzqx-nothing-like-this", "--json").stdout)
    assert data["error"] == "no card covers 'zzqx-nothing-like-this'"


def test_explain_typo_with_one_obvious_fix_shows_that_card() -> None:
    for typo, card_id, fixed in [
        ("focl", "focal-loss", "focal"),
        ("huberr", "huber-vs-mse", "huber"),
        ("sigmiod", "sigmoid", "sigmoid"),
    ]:
        result = run("explain", typo)
        assert result.exit_code == 0, (typo, result.output)
        assert f"Showing results for {fixed}" in result.stdout
        data = json.loads(run("explain", typo, "--json").stdout)
        assert (data["id"], data["showing_results_for"]) == (card_id, fixed)


def test_user_deck_folder_is_picked_up(quizprep_home: Path) -> None:
    decks = quizprep_home / "decks"
    decks.mkdir(parents=True)
    shutil.copy(DECKS / "good" / "minimal.yaml", decks / "mine.yaml")
    card = json.loads(run("explain", "smallest valid card", "--json").stdout)
    assert (card["deck"], card["id"]) == ("minimal", "only")


def test_deck_option_adds_a_file_and_a_folder(tmp_path: Path) -> None:
    result = run("list", "--deck", str(DECKS / "good" / "minimal.yaml"), "--json")
    assert any(c["deck"] == "minimal" for c in json.loads(result.stdout))
    folder = tmp_path / "mydecks"
    folder.mkdir()
    shutil.copy(DECKS / "good" / "full.yaml", folder / "a.yml")
    result = run("list", "--deck", str(folder), "--json")
    assert result.exit_code == 0, result.output
    assert any(c["deck"] == "acme.onsite" for c in json.loads(result.stdout))


def test_broken_user_deck_is_a_clear_error_not_a_traceback() -> None:
    result = run("list", "--deck", str(DECKS / "bad" / "difficulty.yaml"))
    assert result.exit_code == 1
    assert "difficulty.yaml:10:" in result.stderr
    assert "Traceback" not in result.output
    missing = run("explain", "x", "--deck", "/no/such/deck.yaml")
    assert missing.exit_code == 1 and "no such file" in missing.stderr


def test_deck_validate_good_file_summarises() -> None:
    result = run("deck", "validate", str(DECKS / "good" / "minimal.yaml"))
    assert result.exit_code == 0
    assert "1 card: 1 easy, 0 medium, 0 hard" in result.output


def test_deck_validate_bad_file_lists_all_problems() -> None:
    path = DECKS / "bad" / "wrong-types.yaml"
    result = run("deck", "validate", str(path))
    assert result.exit_code == 1
    assert result.output.count(f"{path}:") >= 4
    assert "4 problems in 1 file" in result.output


def test_builtin_content_validates() -> None:
    content = Path(__file__).resolve().parent.parent / "content"
    result = run("deck", "validate", str(content))
    assert result.exit_code == 0, result.output


def test_usage_errors_keep_exit_code_2() -> None:
    assert run("list", "--no-such-option").exit_code == 2
    assert run("explain").exit_code == 2


def test_list_table_is_readable_at_80_columns(monkeypatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    result = run("list")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert all(len(line) <= 80 for line in lines)
    assert "…" not in result.stdout
    cards = json.loads(run("list", "--json").stdout)
    for card in cards:
        # Refs stay whole (people copy them into `explain`).
        ref = f"{card['deck']}/{card['id']}"
        assert any(line.split() == [ref] for line in lines), card["id"]
    # The question gets most of the line: a short question fits on one.
    header = next(line for line in lines if "Question" in line)
    assert 80 - header.index("Question") >= 60
    assert any(line.strip().endswith("Define ReLU and why it is popular.") for line in lines)
    # Piped output: no trailing spaces (rich pads tables to the full width).
    assert not any(line != line.rstrip() for line in lines)


def test_list_with_no_matching_cards_says_so_instead_of_an_empty_table() -> None:
    result = run("list", "--topic", "no-such-topic")
    assert result.exit_code == 0
    assert "No cards match" in result.stdout
    assert "Question" not in result.stdout
