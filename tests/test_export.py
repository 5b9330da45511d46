"""Export: the Markdown cheat sheet, the CSV for Anki and the .apkg package, from real decks."""

from __future__ import annotations

import builtins
import csv
import html
import io
import sqlite3
import zipfile
from datetime import datetime, timezone
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from quizprep.decks.catalog import load_catalog
from quizprep.decks.export import (
    ANKI_EXTRA_MESSAGE,
    anki_tags,
    code_span,
    export_apkg,
    export_csv,
    export_markdown,
    select_decks,
    stable_id,
    tight_answer,
)
from quizprep.decks.loader import load_deck
from quizprep.decks.model import Card, Deck
from quizprep.errors import QuizprepError

NOW = datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc)

NASTY_DECK = """\
deck: nasty
title: "Nasty *markdown* <deck>"
version: 1
cards:
  - id: star-args
    topic: "Python_tricks"
    difficulty: hard
    tags: [python stuff, "a,b"]
    question: "What do `*args` and _kw_ do in <b>Python</b>? See [docs](http://x) #"
    answer: |
      - This answer starts like a list item, has *stars*, <i>tags</i> and a "quote".
      It also has, commas and a second line.

      And a second paragraph with 1 < 2 & 3 > 2.
    formula: "f(`x`) = a*b_c + |y|"
    key_points:
      - "- starts with a dash"
      - "1. looks numbered"
      - "## looks like a heading"
      - "_under_ and *star* and [bracket]"
  - id: plain
    topic: Other
    difficulty: easy
    question: A plain question?
    answer: A plain answer.
    key_points: [plain point]
"""


def load(tmp_path: Path, text: str, name: str = "deck.yaml") -> Deck:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    deck, problems = load_deck(path)
    assert deck is not None and not problems, problems
    return deck


@pytest.fixture
def builtin() -> list[Deck]:
    return load_catalog().decks


def _plain(inline) -> str:
    """The text a reader sees for an inline token (escapes resolved, code spans kept)."""
    return "".join(child.content for child in inline.children or [])


def _blocks(markdown: str) -> list[tuple[str, str, list[str]]]:
    """(block kind, visible text, inline token types) for every heading, paragraph and item."""
    tokens = MarkdownIt("commonmark").parse(markdown)
    out = []
    for i, token in enumerate(tokens):
        if token.type != "inline":
            continue
        opener = tokens[i - 1]
        kind = opener.tag if opener.type == "heading_open" else "p"
        if any(t.type == "list_item_open" for t in tokens[max(0, i - 3) : i]):
            kind = "li"
        out.append((kind, _plain(token), [c.type for c in token.children or []]))
    return out


def _one_line(text: str) -> str:
    return " ".join(text.split())


# --- Markdown -------------------------------------------------------------------------------


def test_markdown_has_every_selected_card_formula_and_key_point(builtin: list[Deck]) -> None:
    decks = select_decks(builtin, ["losses", "deep-dives"])
    markdown = export_markdown(decks)
    blocks = _blocks(markdown)
    headings = [text for kind, text, _ in blocks if kind == "h3"]
    items = [text for kind, text, _ in blocks if kind == "li"]
    code = {
        child.content
        for token in MarkdownIt("commonmark").parse(markdown)
        if token.type == "inline"
        for child in token.children or []
        if child.type == "code_inline"
    }
    cards = [card for deck in decks for card in deck.cards]
    assert len(cards) == 25
    for card in cards:
        assert _one_line(card.question) in headings, card.ref
        assert f"[ ] {_one_line(card.question)}" in items, card.ref  # in the checklist
        if card.formula:
            assert _one_line(card.formula) in code, card.ref
        for point in card.key_points:
            assert _one_line(point.text) in items, (card.ref, point.text)
    activation_questions = {c.question for c in select_decks(builtin, ["activations"])[0].cards}
    assert not activation_questions & set(headings)


def test_markdown_groups_by_topic_and_ends_with_quick_review(builtin: list[Deck]) -> None:
    decks = select_decks(builtin, ["losses", "deep-dives"])
    blocks = _blocks(export_markdown(decks))
    section: dict[str, str] = {}  # question → the h2 it sits under
    current = ""
    for kind, text, _ in blocks:
        if kind == "h2":
            current = text
        elif kind == "h3" and current != "Quick review":
            section[text] = current
    for card in (c for d in decks for c in d.cards):
        assert section[_one_line(card.question)] == card.topic
    h2 = [text for kind, text, _ in blocks if kind == "h2"]
    assert h2[-1] == "Quick review"
    topics = list(dict.fromkeys(c.topic for d in decks for c in d.cards))
    assert h2[:-1] == topics
    review = [text for kind, text, _ in blocks[[b[1] for b in blocks].index("Quick review") :]]
    for topic in topics:
        assert topic in review


def test_markdown_escapes_text_so_it_renders_as_written(tmp_path: Path) -> None:
    deck = load(tmp_path, NASTY_DECK)
    markdown = export_markdown([deck])
    blocks = _blocks(markdown)
    card = deck.cards[0]
    kinds = {text: kind for kind, text, _ in blocks}
    assert kinds[_one_line(card.question)] == "h3"
    for point in card.key_points:
        assert kinds[point.text] == "li", point.text
    pairs = [(kind, text) for kind, text, _ in blocks]
    assert ("h2", "Python_tricks") in pairs
    assert ("h1", "Nasty *markdown* <deck>") not in pairs  # the sheet has its own title
    assert any(kind == "p" and "Nasty *markdown* <deck> (2)" in text for kind, text in pairs)
    # Nothing in the deck's text turned into emphasis, links or raw HTML.
    for _, text, types in blocks:
        if text in ("hard · nasty/star-args", "easy · nasty/plain"):
            assert types == ["em_open", "text", "em_close"]  # the card's own meta line
            continue
        assert not {"em_open", "strong_open", "link_open", "html_inline"} & set(types), text
    tokens = MarkdownIt("commonmark").parse(markdown)
    assert not [t for t in tokens if t.type == "html_block"]
    inline = [child for t in tokens if t.type == "inline" for child in t.children or []]
    code = [child.content for child in inline if child.type == "code_inline"]
    assert card.formula in code


def test_tight_answer_is_the_opening_of_the_answer(builtin: list[Deck]) -> None:
    for card in (c for d in builtin for c in d.cards):
        full = _one_line(card.answer)
        tight = tight_answer(card.answer)
        assert full.startswith(tight.removesuffix(" …")), card.ref
        assert len(tight) <= 420, card.ref
        if len(full) > 280:
            assert len(tight) < len(full)
    assert tight_answer("Short.\nAnswer.") == "Short. Answer."


def test_tight_answer_cuts_a_single_huge_sentence_at_a_word() -> None:
    answer = " ".join(["word"] * 200) + "."
    tight = tight_answer(answer)
    assert tight.endswith(" …") and len(tight) <= 282
    assert tight.removesuffix(" …").split() == ["word"] * len(tight.split()[:-1])


def test_code_span_survives_backticks() -> None:
    md = MarkdownIt("commonmark")
    for text in ["a`b", "``x``", "`edge`", "plain"]:
        children = md.parseInline(code_span(text))[0].children
        assert [c.type for c in children] == ["code_inline"]
        assert children[0].content == text


# --- CSV --------------------------------------------------------------------------------------


def test_csv_has_one_row_of_three_columns_per_card(builtin: list[Deck]) -> None:
    cards = [card for deck in builtin for card in deck.cards]
    rows = list(csv.reader(io.StringIO(export_csv(cards))))
    assert len(rows) == len(cards) > 40
    for row, card in zip(rows, cards, strict=True):
        assert len(row) == 3
        front, back, tags = row
        assert front == html.escape(card.question, quote=False)
        assert "\n" not in back and "<br>" in back
        if card.formula:
            assert "Formula: " + html.escape(_one_line(card.formula), quote=False) in back
        for point in card.key_points:
            assert "• " + html.escape(_one_line(point.text), quote=False) in back
        tag_list = tags.split(" ")
        assert f"quizprep::{card.deck}" in tag_list
        assert f"difficulty::{card.difficulty}" in tag_list
        assert all(tag and not any(ch.isspace() for ch in tag) for tag in tag_list)


def test_csv_quotes_commas_quotes_and_html(tmp_path: Path) -> None:
    deck = load(tmp_path, NASTY_DECK)
    text = export_csv(list(deck.cards))
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == 2 and all(len(r) == 3 for r in rows)
    front, back, tags = rows[0]
    assert front == (
        "What do `*args` and _kw_ do in &lt;b&gt;Python&lt;/b&gt;? See [docs](http://x) #"
    )
    # The hard-wrapped line joins with a space; the blank line is a paragraph break.
    assert "and a &quot;quote&quot;" not in back and 'and a "quote".' in back
    assert 'a "quote". It also has, commas and a second line.<br><br>And a second' in back
    assert "1 &lt; 2 &amp; 3 &gt; 2" in back
    assert tags.split() == [
        "quizprep::nasty",
        "difficulty::hard",
        "topic::Python_tricks",
        "python_stuff",
        "a,b",
    ]


def test_anki_tags_have_no_spaces_or_duplicates() -> None:
    card = Card(
        deck="d",
        id="c",
        topic="Loss functions",
        difficulty="medium",
        question="q",
        answer="a",
        key_points=(),
        tags=("deep learning", "difficulty::medium", "x"),
    )
    assert anki_tags(card) == [
        "quizprep::d",
        "difficulty::medium",
        "topic::Loss_functions",
        "deep_learning",
        "x",
    ]


# --- deck selection ---------------------------------------------------------------------------


def test_select_decks_keeps_order_and_names_known_ids(builtin: list[Deck]) -> None:
    assert [d.id for d in select_decks(builtin, ["losses", "activations", "losses"])] == [
        "losses",
        "activations",
    ]
    assert len(select_decks(builtin, [])) == len(builtin)
    with pytest.raises(QuizprepError) as info:
        select_decks(builtin, ["losses", "nope"])
    assert "'nope'" in info.value.message
    assert "activations, deep-dives, exercises, losses" in info.value.message


# --- Anki package -----------------------------------------------------------------------------


def _collection(path: Path, tmp_path: Path) -> sqlite3.Connection:
    with zipfile.ZipFile(path) as archive:
        assert "collection.anki2" in archive.namelist()
        data = archive.read("collection.anki2")
    db = tmp_path / f"{path.stem}.anki2"
    db.write_bytes(data)
    assert data.startswith(b"SQLite format 3\x00")
    return sqlite3.connect(db)


def test_apkg_is_an_anki_collection_with_one_note_per_card(
    builtin: list[Deck], tmp_path: Path
) -> None:
    pytest.importorskip("genanki")
    decks = select_decks(builtin, ["losses", "activations"])
    path = tmp_path / "out.apkg"
    count = export_apkg(decks, path, now=NOW)
    assert count == 30
    conn = _collection(path, tmp_path)
    assert conn.execute("SELECT count(*) FROM notes").fetchone() == (30,)
    assert conn.execute("SELECT count(*) FROM cards").fetchone() == (30,)
    guids = [g for (g,) in conn.execute("SELECT guid FROM notes")]
    assert len(set(guids)) == 30
    import json

    deck_ids = set(json.loads(conn.execute("SELECT decks FROM col").fetchone()[0]))
    assert {str(stable_id("deck", "losses")), str(stable_id("deck", "activations"))} <= deck_ids
    fields = [f for (f,) in conn.execute("SELECT flds FROM notes")]
    questions = {f.split("\x1f")[0] for f in fields}
    assert html.escape(decks[0].cards[0].question, quote=False) in questions
    tags = " ".join(t for (t,) in conn.execute("SELECT tags FROM notes"))
    assert "quizprep::losses" in tags and "difficulty::hard" in tags
    assert not list(tmp_path.glob(".*.tmp"))  # the temporary file was renamed away


def test_apkg_ids_are_stable_across_exports(builtin: list[Deck], tmp_path: Path) -> None:
    pytest.importorskip("genanki")
    decks = select_decks(builtin, ["deep-dives"])
    first, second = tmp_path / "a.apkg", tmp_path / "b.apkg"
    export_apkg(decks, first, now=NOW)
    export_apkg(decks, second, now=datetime(2025, 1, 1, tzinfo=timezone.utc))
    a, b = _collection(first, tmp_path), _collection(second, tmp_path)
    query = "SELECT guid, mid FROM notes ORDER BY guid"
    assert a.execute(query).fetchall() == b.execute(query).fetchall()
    assert (
        a.execute("SELECT mod FROM notes").fetchone()
        != b.execute("SELECT mod FROM notes").fetchone()
    )
    assert stable_id("deck", "x") == stable_id("deck", "x") != stable_id("deck", "y")
    assert 1 << 30 <= stable_id("deck", "x") < 1 << 31


def test_apkg_without_genanki_names_the_extra(
    builtin: list[Deck], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_import = builtins.__import__

    def no_genanki(name: str, *args, **kwargs):
        if name == "genanki" or name.startswith("genanki."):
            raise ImportError("No module named 'genanki'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_genanki)
    path = tmp_path / "out.apkg"
    with pytest.raises(QuizprepError) as info:
        export_apkg(builtin, path)
    assert info.value.message == ANKI_EXTRA_MESSAGE
    assert 'pip install "quizprep[anki]"' in info.value.message
    assert not path.exists()


def test_apkg_into_a_missing_folder_is_a_clear_error(builtin: list[Deck], tmp_path: Path) -> None:
    pytest.importorskip("genanki")
    path = tmp_path / "no" / "such" / "folder" / "out.apkg"
    with pytest.raises(QuizprepError) as info:
        export_apkg(builtin, path, now=NOW)
    assert str(path) in info.value.message and "cannot write" in info.value.message
