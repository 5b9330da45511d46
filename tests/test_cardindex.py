"""The card index: a SQLite file of parsed decks, refreshed per file, searched with FTS5."""

from __future__ import annotations

import io
import json
import os
import shutil
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from quizprep.cli import app
from quizprep.decks import index as cardindex
from quizprep.decks import indexer
from quizprep.decks.catalog import load_catalog
from quizprep.decks.loader import load_deck

from .conftest import DECKS

runner = CliRunner()

from quizprep.decks.catalog import deck_files as deck_files  # noqa: E402
from quizprep.decks.loader import load_deck as _load_deck  # noqa: E402
from quizprep.paths import builtin_content_dir  # noqa: E402

BUILTIN_CARDS = sum(len(_load_deck(f)[0].cards) for f in deck_files(builtin_content_dir()))


def deck_text(deck_id: str, cards: list[dict[str, str]]) -> str:
    lines = [f"deck: {deck_id}", f"title: {deck_id} deck", "version: 1", "cards:"]
    for card in cards:
        lines += [
            f"  - id: {card['id']}",
            f"    topic: {card.get('topic', 'Testing')}",
            "    difficulty: easy",
            f"    question: {json.dumps(card['question'])}",
            f"    answer: {json.dumps(card.get('answer', 'An answer.'))}",
            "    key_points: [a point]",
        ]
        if "tags" in card:
            lines.append(f"    tags: [{card['tags']}]")
        if "related" in card:
            lines.append(f"    related: [{card['related']}]")
    return "\n".join(lines) + "\n"


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files parsed during a test (the index calls ``prepare`` once per stale file)."""
    seen: list[str] = []
    real = indexer.prepare

    def counting(source: indexer.Source) -> indexer.Prepared:
        seen.append(source.path.name)
        return real(source)

    monkeypatch.setattr(indexer, "prepare", counting)
    return seen


def test_indexed_cards_equal_the_parsed_ones(quizprep_home: Path, tmp_path: Path) -> None:
    path = tmp_path / "full.yaml"
    shutil.copy(DECKS / "good" / "full.yaml", path)
    first = load_catalog([path]).deck("acme.onsite")
    assert (quizprep_home / "cache" / "cards.sqlite3").is_file()
    second = load_catalog([path]).deck("acme.onsite")  # read back from the index
    parsed, _ = load_deck(path.resolve())
    assert first == second == parsed


def test_only_a_changed_file_is_parsed_again(
    quizprep_home: Path, tmp_path: Path, parses: list[str]
) -> None:
    folder = tmp_path / "decks"
    folder.mkdir()
    for name in ("a", "b", "c"):
        (folder / f"{name}.yaml").write_text(
            deck_text(name, [{"id": "one", "question": f"Question of {name}?"}])
        )
    load_catalog([folder])
    builtin = [p.name for p in deck_files(builtin_content_dir())]
    assert sorted(parses) == sorted(["a.yaml", "b.yaml", "c.yaml", *builtin])
    parses.clear()
    load_catalog([folder])
    assert parses == []  # warm: nothing parsed
    path = folder / "b.yaml"
    path.write_text(deck_text("b", [{"id": "one", "question": "A tinier question?"}]))
    os.utime(path, ns=(1, 1))  # even with an old mtime: the size changed
    catalog = load_catalog([folder])
    assert parses == ["b.yaml"]
    assert catalog.card("b", "one").question == "A tinier question?"
    assert catalog.card("a", "one").question == "Question of a?"


def test_a_removed_file_leaves_the_index(quizprep_home: Path, tmp_path: Path) -> None:
    decks = quizprep_home / "decks"
    decks.mkdir(parents=True)
    (decks / "gone.yaml").write_text(deck_text("gone", [{"id": "x", "question": "Gone soon?"}]))
    assert load_catalog().card("gone", "x") is not None
    (decks / "gone.yaml").unlink()
    assert load_catalog().card("gone", "x") is None
    db = sqlite3.connect(quizprep_home / "cache" / "cards.sqlite3")
    assert db.execute("SELECT COUNT(*) FROM files WHERE path LIKE '%gone.yaml'").fetchone() == (0,)
    assert db.execute("SELECT COUNT(*) FROM cards WHERE deck = 'gone'").fetchone() == (0,)


def test_garbage_or_an_old_format_is_rebuilt(quizprep_home: Path) -> None:
    cache = quizprep_home / "cache" / "cards.sqlite3"
    cache.parent.mkdir(parents=True)
    cache.write_bytes(b"\x00garbage" * 100)
    assert len(load_catalog().cards) == BUILTIN_CARDS
    db = sqlite3.connect(cache)
    db.execute("UPDATE meta SET value = '0/old' WHERE key = 'format'")
    db.commit()
    db.close()
    assert len(load_catalog().cards) == BUILTIN_CARDS
    db = sqlite3.connect(cache)
    assert db.execute("SELECT value FROM meta").fetchone() == (cardindex.FORMAT,)


def test_an_unwritable_cache_falls_back_to_memory(quizprep_home: Path) -> None:
    quizprep_home.mkdir(parents=True)
    (quizprep_home / "cache").write_text("a file where the cache folder would be")
    catalog = load_catalog()
    assert catalog.index.path is None  # in memory
    assert catalog.search("focal").matches[0].card.id == "focal-loss"
    result = runner.invoke(app, ["explain", "focal", "--json"])
    assert result.exit_code == 0 and json.loads(result.stdout)["id"] == "focal-loss"


def test_a_cache_another_process_is_writing_keeps_what_it_has(
    quizprep_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text(deck_text("mine", [{"id": "one", "question": "First version?"}]))
    load_catalog([path])
    path.write_text(deck_text("mine", [{"id": "one", "question": "Second, longer version?"}]))
    monkeypatch.setattr(cardindex, "BUSY_TIMEOUT_S", 0.2)
    other = sqlite3.connect(quizprep_home / "cache" / "cards.sqlite3", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # holds the write lock; readers may still read
    try:
        catalog = load_catalog([path])
    finally:
        other.execute("ROLLBACK")
    assert catalog.index.path is None  # went on in memory
    assert catalog.card("mine", "one").question == "Second, longer version?"
    assert catalog.card("losses", "focal-loss") is not None  # copied from the file
    assert load_catalog([path]).index.path is not None  # next time, the file again


def test_a_locked_unreadable_cache_reparses_everything_in_memory(
    quizprep_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text(deck_text("mine", [{"id": "one", "question": "First version?"}]))
    load_catalog([path])
    path.write_text(deck_text("mine", [{"id": "one", "question": "Second, longer version?"}]))
    monkeypatch.setattr(cardindex, "BUSY_TIMEOUT_S", 0.2)
    other = sqlite3.connect(quizprep_home / "cache" / "cards.sqlite3", isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")  # not even readers
    try:
        catalog = load_catalog([path])
    finally:
        other.execute("ROLLBACK")
    assert catalog.index.path is None
    assert catalog.card("mine", "one").question == "Second, longer version?"
    assert len(catalog.cards) == BUILTIN_CARDS + 1


def test_duplicate_deck_ids_and_missing_cross_deck_refs_are_problems(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(
        deck_text("same", [{"id": "x", "question": "X?", "related": "losses/no-such-card"}])
    )
    (tmp_path / "b.yaml").write_text(deck_text("same", [{"id": "y", "question": "Y?"}]))
    problems = [str(p) for p in load_catalog([tmp_path], strict=False).problems]
    assert any("deck id 'same' is already used by" in p and "b.yaml" in p for p in problems)
    assert any("related card 'losses/no-such-card' does not exist" in p for p in problems)
    ok = tmp_path / "ok"
    ok.mkdir()
    (ok / "c.yaml").write_text(
        deck_text("c", [{"id": "z", "question": "Z?", "related": "losses/focal-loss"}])
    )
    assert load_catalog([ok]).problems == []


# -- search ------------------------------------------------------------------------------


def search_deck(tmp_path: Path) -> Path:
    path = tmp_path / "search.yaml"
    path.write_text(
        deck_text(
            "s",
            [
                {"id": "in-question", "question": "How does warmup help a transformer?"},
                {
                    "id": "in-answer",
                    "question": "What is a learning-rate schedule?",
                    "answer": "Cosine decay, step decay; a warmup phase first.",
                },
                {"id": "tagged", "question": "What is batch size?", "tags": "warmup"},
            ],
        )
    )
    return path


def test_fields_are_weighted_and_a_tag_is_a_named_match(tmp_path: Path) -> None:
    catalog = load_catalog([search_deck(tmp_path)], include_builtin=False)
    found = [m.card.id for m in catalog.search("warmup").matches]
    assert found[0] == "tagged"  # a tag is a named match: first
    catalog = load_catalog([search_deck(tmp_path)], include_builtin=False)
    found = [m.card.id for m in catalog.search("warmup transformer").matches]
    assert found == ["in-question"]


def test_a_word_only_in_an_answer_is_not_a_card_about_it(tmp_path: Path) -> None:
    catalog = load_catalog([search_deck(tmp_path)], include_builtin=False)
    result = catalog.search("cosine")
    assert result.matches == []
    assert [c.id for c in result.closest] == ["in-answer"]


def test_weak_match_cli_says_no_card_covers_it(tmp_path: Path) -> None:
    path = search_deck(tmp_path)
    result = runner.invoke(app, ["explain", "cosine", "--deck", str(path)])
    assert result.exit_code == 1
    assert "no card covers 'cosine'" in result.stderr
    assert "s/in-answer" in result.stderr  # the closest card as a suggestion
    data = json.loads(
        runner.invoke(app, ["explain", "cosine", "--deck", str(path), "--json"]).stdout
    )
    assert data["error"] == "no card covers 'cosine'"
    assert data["closest"][0]["ref"] == "s/in-answer"


def test_an_ambiguous_typo_is_not_guessed(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(
        deck_text("t", [{"id": "cat", "question": "Cat?"}, {"id": "cot", "question": "Cot?"}])
    )
    catalog = load_catalog([path], include_builtin=False)
    result = catalog.search("cxt")
    assert result.matches == [] and result.corrected is None
    assert catalog.search("catt").corrected == "cat"


def test_query_syntax_is_never_fts_syntax() -> None:
    catalog = load_catalog()
    for query in ('"', "focal OR", "NEAR(", "a AND", "*", "{name}: x", "^relu"):
        catalog.search(query)  # no exception


def test_edit_distance_counts_a_swap_as_one() -> None:
    from quizprep.decks.search import distance

    assert distance("sigmiod", "sigmoid") == 1
    assert distance("huberr", "huber") == 1
    assert distance("focl", "focal") == 1
    assert distance("abc", "xyz") == 3


# -- list ---------------------------------------------------------------------------------


def test_list_writes_deck_text_literally_without_control_characters(tmp_path: Path) -> None:
    path = tmp_path / "odd.yaml"
    path.write_text(
        deck_text(
            "odd",
            [{"id": "m", "question": "Is [bold]x[/bold] with x[i] and \\x1b[2J kept?"}],
        )
    )
    result = runner.invoke(app, ["list", "--deck", str(path)])
    assert result.exit_code == 0, result.output
    assert "[bold]x[/bold] with x[i]" in result.stdout
    assert "\x1b" not in result.stdout
    assert all(line == line.rstrip() for line in result.stdout.splitlines())


def test_list_json_streams_the_same_document_as_a_single_dump() -> None:
    result = runner.invoke(app, ["list", "--json"])
    cards = json.loads(result.stdout)
    assert result.stdout == json.dumps(cards, indent=2, ensure_ascii=False) + "\n"
    empty = runner.invoke(app, ["list", "--topic", "no-such-topic", "--json"])
    assert empty.stdout == "[]\n"


# -- progress bar -------------------------------------------------------------------------


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_shows_only_on_a_terminal_after_its_delay(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from quizprep.decks import progressbar

    quick = FakeTerminal()
    with progressbar.ProgressBar("Indexing decks", "files", quick) as bar:
        bar.update(1, 4)  # within the first second: nothing
    assert quick.getvalue() == ""
    monkeypatch.setattr(progressbar, "DELAY_S", 0.0)
    slow = FakeTerminal()
    with progressbar.ProgressBar("Indexing decks", "files", slow) as bar:
        bar.update(4, 4)
    assert "Indexing decks" in slow.getvalue() and "4/4 files" in slow.getvalue()
    assert slow.getvalue().endswith("\r\x1b[2K")  # the line is cleared at the end
    piped = io.StringIO()
    with progressbar.ProgressBar("Indexing decks", "files", piped) as bar:
        bar.update(4, 4)
    assert piped.getvalue() == ""


@pytest.mark.parametrize("many_seen", [False, True])
def test_study_cards_are_the_seen_ones_and_the_first_unseen_of_each_deck(
    many_seen: bool,
) -> None:
    catalog = load_catalog()
    cards = catalog.cards
    seen = {c.key for c in cards[3::4]}
    if many_seen:  # past the lookup-by-key threshold: read every row instead
        seen |= {(f"other-{i}", "x") for i in range(2500)}
    expected, taken = [], {}
    for card in cards:
        if card.key in seen:
            expected.append(card)
        elif taken.get(card.deck, 0) < 2:
            taken[card.deck] = taken.get(card.deck, 0) + 1
            expected.append(card)
    assert catalog.study_cards(seen, 2) == expected
    hard = [c for c in catalog.study_cards(seen, None, difficulty="hard")]
    assert hard == [c for c in cards if c.difficulty == "hard"]


def test_list_on_an_ascii_stream_replaces_what_it_cannot_write(tmp_path: Path) -> None:
    from rich.console import Console

    from quizprep.render.listing import render_card_list

    path = tmp_path / "u.yaml"
    path.write_text(deck_text("u", [{"id": "g", "question": "Is γ·x ≥ 0 — always?"}]))
    catalog = load_catalog([path], include_builtin=False)
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding="ascii", write_through=True)
    render_card_list(Console(file=stream, width=80), catalog.rows(), catalog.shape())
    text = raw.getvalue().decode("ascii")
    assert "u/g" in text and "Is ?" in text and "----" in text


def test_the_old_marshal_cache_is_removed_when_the_index_is_made(quizprep_home: Path) -> None:
    old = quizprep_home / "cache" / "decks.marshal"
    old.parent.mkdir(parents=True)
    old.write_bytes(b"old cache")
    load_catalog()
    assert not old.exists()
    assert (quizprep_home / "cache" / "cards.sqlite3").is_file()


def test_a_cache_another_process_just_made_or_holds_is_filled_in_place(
    quizprep_home: Path,
) -> None:
    """Two quizprep processes starting at once, or two releases sharing a data folder: the
    index file is never deleted from under the other one; it is filled or rebuilt in place."""
    cache = quizprep_home / "cache" / "cards.sqlite3"
    cache.parent.mkdir(parents=True)
    other = sqlite3.connect(cache, isolation_level=None)  # made the file, no tables yet
    other.execute("PRAGMA user_version")
    assert len(load_catalog().cards) == BUILTIN_CARDS
    assert other.execute("SELECT value FROM meta").fetchone() == (cardindex.FORMAT,)
    other.execute("UPDATE meta SET value = '0/old' WHERE key = 'format'")  # another release
    assert len(load_catalog().cards) == BUILTIN_CARDS
    assert other.execute("SELECT value FROM meta").fetchone() == (cardindex.FORMAT,)
    assert other.execute("SELECT COUNT(*) FROM cards").fetchone() == (BUILTIN_CARDS,)
    other.close()
