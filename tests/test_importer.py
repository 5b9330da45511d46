"""Import: CSV/TSV tables become YAML decks that the loader accepts with zero problems."""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizprep.decks.catalog import load_catalog
from quizprep.decks.export import export_csv
from quizprep.decks.importer import (
    DERIVED_KEY_POINTS,
    convert_table,
    derive_key_points,
    existing_deck,
    import_table,
    slug,
)
from quizprep.decks.loader import load_deck
from quizprep.decks.model import Deck
from quizprep.errors import QuizprepError


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def valid_deck(yaml_text: str, folder: Path, name: str = "imported.yaml") -> Deck:
    """Every generated deck must load with zero problems."""
    out = folder / name
    out.write_text(yaml_text, encoding="utf-8")
    deck, problems = load_deck(out)
    assert problems == [], problems
    assert deck is not None
    return deck


def imported(tmp_path: Path, name: str, text: str, deck_id: str | None = None) -> Deck:
    return valid_deck(import_table(write(tmp_path, name, text), deck_id), tmp_path)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def test_header_synonyms_map_to_card_fields(tmp_path: Path) -> None:
    deck = imported(
        tmp_path,
        "acme-onsite.csv",
        "Front,Back,Tags,Category,Level,Key Points,Formula\n"
        '"What is ReLU, in short?","max(0, x); gradient 1 for x > 0.",'
        '"activations, relu",Activations,hard,"max(0, x); gradient 1 when active",'
        '"ReLU(x) = max(0, x)"\n'
        "Why dropout?,It regularises.,,,,,\n",
    )
    assert deck.id == "acme-onsite" and deck.title == "Acme onsite"
    relu, dropout = deck.cards
    assert relu.question == "What is ReLU, in short?"
    assert relu.answer == "max(0, x); gradient 1 for x > 0."
    assert relu.tags == ("activations", "relu")
    assert relu.topic == "Activations" and relu.difficulty == "hard"
    assert [kp.text for kp in relu.key_points] == ["max(0, x)", "gradient 1 when active"]
    assert relu.formula == "ReLU(x) = max(0, x)"
    assert dropout.difficulty == "medium"  # the default
    assert dropout.topic == "Acme onsite"  # no topic: the deck title
    assert dropout.tags == () and dropout.formula is None


def test_yaml_is_block_style_safe_dump_output(tmp_path: Path) -> None:
    text = import_table(write(tmp_path, "t.csv", "question,answer\nWhat is 1e3?,yes\n"))
    assert "\ncards:\n- id: " in text and "{" not in text
    data = yaml.safe_load(text)
    assert data["cards"][0]["answer"] == "yes"  # stays text, not a boolean
    assert data["cards"][0]["question"] == "What is 1e3?"
    valid_deck(text, tmp_path)


def test_tsv_by_extension_keeps_commas_in_fields(tmp_path: Path) -> None:
    deck = imported(
        tmp_path,
        "t.tsv",
        "question\tanswer\ttags\nWhat is MSE, exactly?\tMean of squared errors, averaged.\ta b\n",
    )
    (card,) = deck.cards
    assert card.question == "What is MSE, exactly?"
    assert card.answer == "Mean of squared errors, averaged."
    assert card.tags == ("a", "b")


def test_semicolon_csv_from_excel_and_sniffed_txt(tmp_path: Path) -> None:
    excel = imported(tmp_path, "excel.csv", "\ufeffQuestion;Answer\nWhat is L1?;Sum of |w|.\n")
    assert excel.cards[0].question == "What is L1?"  # the BOM is not part of the header
    sniffed = imported(tmp_path, "notes.txt", "q|a\nWhat is L2?|Sum of w squared.\nX?|Y z.\n")
    assert [c.question for c in sniffed.cards] == ["What is L2?", "X?"]


def test_ids_come_from_questions_and_are_unique(tmp_path: Path) -> None:
    deck = imported(
        tmp_path,
        "t.csv",
        "question,answer\n"
        "What is the vanishing gradient problem?,Gradients shrink.\n"
        "What is the vanishing gradient problem?,Asked twice.\n"
        "Qu'est-ce que l'entropie croisée ?,Une perte.\n"
        "为什么?,Because.\n",
    )
    ids = [c.id for c in deck.cards]
    assert ids == [
        "vanishing-gradient-problem",
        "vanishing-gradient-problem-2",
        "qu-est-ce-que-l-entropie-croisee",
        "card",
    ]
    assert slug("A" * 100) == "a" * 48
    assert len(slug(" ".join(["word"] * 40))) <= 48


def test_explicit_id_column_is_kept_and_checked(tmp_path: Path) -> None:
    deck = imported(tmp_path, "t.csv", "id,question,answer\nq17,Why?,Because.\n,How?,So.\n")
    assert [c.id for c in deck.cards] == ["q17", "how"]
    path = write(tmp_path, "dup.csv", "id,question,answer\nq1,A?,a.\nq1,B?,b.\nbad id,C?,c.\n")
    with pytest.raises(QuizprepError) as info:
        import_table(path)
    assert f"{path}:3: duplicate id 'q1' (first on line 2)" in info.value.message
    assert f"{path}:4: id 'bad id' is not an id" in info.value.message


def test_key_points_are_derived_when_missing(tmp_path: Path) -> None:
    answer = (
        "Cross-entropy is the negative log-likelihood of the labels; its gradient with "
        "respect to the logits is p minus y. It does not saturate when the model is "
        "confidently wrong. MSE on a sigmoid does: the derivative of the sigmoid multiplies "
        "the error and vanishes in the tails. Use CE for classification. Use MSE for "
        "regression. Extra sentence that should not be needed."
    )
    deck = imported(tmp_path, "t.csv", f'question,answer\nWhy CE?,"{answer}"\nShort?,Yes.\n')
    points = [kp.text for kp in deck.cards[0].key_points]
    assert 1 <= len(points) <= DERIVED_KEY_POINTS
    assert points[0] == "Cross-entropy is the negative log-likelihood of the labels"
    assert points[1] == "its gradient with respect to the logits is p minus y"
    assert all(len(p.split()) <= 14 for p in points)
    assert all(_one_line(p.removesuffix(" …")) in _one_line(answer) for p in points)
    assert [kp.text for kp in deck.cards[1].key_points] == ["Yes"]


def test_derive_key_points_cuts_long_clauses() -> None:
    long = "one two three four five, six seven eight nine ten eleven twelve thirteen fourteen "
    points = derive_key_points(long + "fifteen sixteen.")
    assert points == ["one two three four five"]
    assert derive_key_points(" ".join(f"w{i}" for i in range(30)))[0].endswith(" …")
    assert derive_key_points("?") == ["?"]


def test_key_points_column_splits_lines_and_semicolons(tmp_path: Path) -> None:
    deck = imported(
        tmp_path,
        "t.csv",
        'question,answer,key_points\nA?,a.,"- first\n- second\n• third"\nB?,b.,x; y | z\n',
    )
    assert [kp.text for kp in deck.cards[0].key_points] == ["first", "second", "third"]
    assert [kp.text for kp in deck.cards[1].key_points] == ["x", "y", "z"]


def test_rows_without_question_or_answer_name_file_and_line(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "bad.csv",
        "question,answer\n"
        "Fine?,Yes.\n"
        '"A question\nspread over two lines?",\n'  # starts on line 3, no answer
        "\n"
        ",An answer without a question\n"  # line 6
        "Hard?,yes,extra,cells\n",  # line 7
    )
    with pytest.raises(QuizprepError) as info:
        import_table(path)
    message = info.value.message
    assert f"{path}:3: row has no answer (question: 'A question spread over two lines?')" in message
    assert f"{path}:6: row has no question" in message
    assert f"{path}:7: row has 4 cells but the header has 2" in message
    assert f"{path}:2:" not in message


def test_unknown_difficulty_is_reported_and_synonyms_accepted(tmp_path: Path) -> None:
    deck = imported(
        tmp_path, "t.csv", "q,a,level\nA?,a.,Beginner\nB?,b.,INTERMEDIATE\nC?,c.,advanced\n"
    )
    assert [c.difficulty for c in deck.cards] == ["easy", "medium", "hard"]
    path = write(tmp_path, "bad.csv", "q,a,difficulty\nA?,a.,extreme\n")
    with pytest.raises(QuizprepError) as info:
        import_table(path)
    assert f"{path}:2: difficulty must be easy, medium or hard, got 'extreme'" in info.value.message


def test_non_utf8_file_is_a_clear_error(tmp_path: Path) -> None:
    path = write(tmp_path, "latin.csv", "question,answer\nWas ist Größe?,Die Größe.\n", "latin-1")
    with pytest.raises(QuizprepError) as info:
        import_table(path)
    assert info.value.message == f"{path}:2: not UTF-8 text (byte 0xf6)"
    assert "UTF-8" in (info.value.hint or "")


def test_header_without_question_column_lists_what_it_found(tmp_path: Path) -> None:
    path = write(tmp_path, "t.csv", "prompt_text,answer,tags\nA?,a.,x\n")
    with pytest.raises(QuizprepError) as info:
        import_table(path)
    assert f"{path}:1: the header row needs a question column" in info.value.message
    assert "prompt_text, answer, tags" in info.value.message
    assert "front" in (info.value.hint or "")


def test_empty_and_header_only_tables(tmp_path: Path) -> None:
    with pytest.raises(QuizprepError, match="the table is empty"):
        import_table(write(tmp_path, "empty.csv", "\n\n"))
    with pytest.raises(QuizprepError, match="no cards to import"):
        import_table(write(tmp_path, "header.csv", "question,answer\n"))
    with pytest.raises(QuizprepError, match="no such file"):
        import_table(tmp_path / "missing.csv")


def test_unterminated_quote_is_a_csv_error_with_a_line(tmp_path: Path) -> None:
    path = write(tmp_path, "t.csv", 'question,answer\nA?,a.\n"B?,b.\n')
    with pytest.raises(QuizprepError) as info:
        import_table(path)
    assert info.value.message.startswith(f"{path}:3: cannot read this row as CSV")


def test_bad_deck_id_option(tmp_path: Path) -> None:
    path = write(tmp_path, "t.csv", "question,answer\nA?,a.\n")
    with pytest.raises(QuizprepError, match="is not an id"):
        import_table(path, deck_id="my deck")
    assert imported(tmp_path, "t.csv", "question,answer\nA?,a.\n", "my-deck").id == "my-deck"


def test_headerless_anki_export_with_directives_and_html(tmp_path: Path) -> None:
    text = (
        "#separator:tab\n#html:true\n#tags column:3\n"
        "What is <b>ReLU</b>?\tmax(0, x)<br>cheap &amp; sparse<br><ul><li>one</li>"
        "<li>two</li></ul>\tactivations difficulty::easy\n"
        "x &lt; y?\tyes\t\n"
    )
    deck = imported(tmp_path, "anki.txt", text)
    relu, less = deck.cards
    assert relu.question == "What is ReLU?"
    assert relu.answer == "max(0, x)\ncheap & sparse"
    assert [kp.text for kp in relu.key_points] == ["one", "two"]
    assert relu.tags == ("activations",) and relu.difficulty == "easy"
    assert less.question == "x < y?"
    result = convert_table(tmp_path / "anki.txt")
    assert result.headerless and result.cards == 2


def test_unknown_columns_are_reported_as_ignored(tmp_path: Path) -> None:
    path = write(tmp_path, "t.csv", "question,answer,notes,source\nA?,a.,n,s\n")
    result = convert_table(path)
    assert result.ignored_columns == ("notes", "source")
    valid_deck(result.yaml_text, tmp_path)


def test_round_trip_export_csv_then_import(tmp_path: Path) -> None:
    decks = load_catalog().decks
    for deck in decks:
        path = tmp_path / f"{deck.id}-export.csv"
        path.write_text(export_csv(list(deck.cards)), encoding="utf-8", newline="")
        result = convert_table(path)
        assert result.deck_id == deck.id  # recovered from the quizprep::ID tags
        back = valid_deck(result.yaml_text, tmp_path, f"{deck.id}.yaml")
        assert len(back.cards) == len(deck.cards)
        for original, card in zip(deck.cards, back.cards, strict=True):
            assert card.question == _one_line(original.question)
            assert _one_line(card.answer) == _one_line(original.answer)
            assert card.difficulty == original.difficulty
            assert card.topic == original.topic
            assert card.formula == (_one_line(original.formula) if original.formula else None)
            assert [kp.text for kp in card.key_points] == [kp.text for kp in original.key_points]
            assert set(card.tags) == set(original.tags)


def test_existing_deck_finds_builtin_ids() -> None:
    path = existing_deck("losses")
    assert path is not None and path.name == "losses.yaml"
    assert existing_deck("no-such-deck") is None


_TEXT = st.text(
    alphabet=st.characters(
        categories=("L", "N", "P", "S", "Zs"), exclude_characters="&<\u2028\u2029"
    ),
    min_size=1,
    max_size=60,
).filter(lambda s: s.strip())


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(st.tuples(_TEXT, _TEXT, st.lists(_TEXT, max_size=3)), min_size=1, max_size=6),
    delimiter=st.sampled_from([",", "\t"]),
)
def test_any_table_becomes_a_valid_deck(
    rows: list[tuple[str, str, list[str]]], delimiter: str
) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(["question", "answer", "tags"])
    for question, answer, tags in rows:
        writer.writerow([question, answer, ";".join(t.replace(";", " ") for t in tags)])
    suffix = ".csv" if delimiter == "," else ".tsv"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"random{suffix}"
        path.write_text(buffer.getvalue(), encoding="utf-8", newline="")
        deck = valid_deck(import_table(path), Path(folder))
    assert [c.question for c in deck.cards] == [_one_line(q) for q, _, _ in rows]
    assert len({c.id for c in deck.cards}) == len(rows)
    for card in deck.cards:
        assert 1 <= len(card.key_points) <= 8


@pytest.mark.parametrize("name", ["deck.yaml", "deck.YML", "progress.json"])
def test_a_deck_or_json_file_is_not_read_as_a_table(tmp_path: Path, name: str) -> None:
    # Parsed as CSV, a YAML deck gave hundreds of "row has no answer" errors.
    path = write(tmp_path, name, "deck: d\ntitle: D\nversion: 1\ncards:\n  - id: a\n")
    with pytest.raises(QuizprepError) as info:
        import_table(path)
    assert "\n" not in info.value.message
    assert ".csv or .tsv" in info.value.message
