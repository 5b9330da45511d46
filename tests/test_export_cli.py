"""CliRunner tests for `quizprep export` and `quizprep import`."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from quizprep.cli import app
from quizprep.decks.loader import load_deck

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args))


def builtin_cards(deck: str | None = None) -> list[dict]:
    cards = json.loads(run("list", "--json").stdout)
    return [c for c in cards if deck is None or c["deck"] == deck]


def test_export_markdown_to_stdout_only_selected_decks() -> None:
    result = run("export", "--format", "markdown", "--deck", "activations")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("# quizprep cheat sheet\n")
    for card in builtin_cards("activations"):
        assert f"*{card['difficulty']} · activations/{card['id']}*" in result.stdout
    assert "losses/" not in result.stdout
    assert "## Quick review" in result.stdout
    assert result.stderr == ""  # nothing but the sheet on stdout, no summary without -o


def test_export_csv_to_a_file_with_summary(tmp_path: Path) -> None:
    out = tmp_path / "cards.csv"
    result = run("export", "-f", "csv", "--deck", "losses", "--deck", "deep-dives", "-o", str(out))
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8"))))
    expected = builtin_cards("losses") + builtin_cards("deep-dives")
    assert len(rows) == len(expected) and all(len(r) == 3 for r in rows)
    assert {r[2].split()[0] for r in rows} == {"quizprep::losses", "quizprep::deep-dives"}
    assert f"Exported {len(expected)} cards from 2 decks to {out}." in result.stderr
    assert result.stdout == ""


def test_export_unknown_deck_lists_known_ids() -> None:
    result = run("export", "--deck", "lossses")
    assert result.exit_code == 1
    assert "unknown deck id 'lossses'" in result.stderr
    assert "activations, deep-dives, exercises, losses" in result.stderr
    assert "Traceback" not in result.output


def test_export_unknown_format_is_a_usage_error() -> None:
    result = run("export", "--format", "pdf")
    assert result.exit_code == 2
    assert "markdown, csv, anki" in result.output


def test_export_anki_defaults_to_quizprep_apkg(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("genanki")
    monkeypatch.chdir(tmp_path)
    result = run("export", "--format", "anki", "--deck", "deep-dives")
    assert result.exit_code == 0, result.output
    path = tmp_path / "quizprep.apkg"
    with zipfile.ZipFile(path) as archive:
        assert "collection.anki2" in archive.namelist()
    assert "to quizprep.apkg" in result.stderr


def test_export_anki_without_the_extra(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins

    real_import = builtins.__import__

    def no_genanki(name: str, *args, **kwargs):
        if name == "genanki":
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_genanki)
    out = tmp_path / "x.apkg"
    result = run("export", "-f", "anki", "-o", str(out))
    assert result.exit_code == 1
    assert 'Anki export needs the optional extra: pip install "quizprep[anki]"' in result.stderr
    assert not out.exists()


def _table(tmp_path: Path) -> Path:
    path = tmp_path / "my-questions.csv"
    path.write_text(
        "front,back,tags\n"
        "What is early stopping?,Stop when validation loss stops improving.,regularization\n"
        'What is weight decay?,"Shrinks weights each step; equivalent to L2 for SGD.",\n',
        encoding="utf-8",
    )
    return path


def test_import_prints_a_valid_deck_to_stdout(tmp_path: Path) -> None:
    result = run("import", str(_table(tmp_path)))
    assert result.exit_code == 0, result.output
    out = tmp_path / "from-stdout.yaml"
    out.write_text(result.stdout, encoding="utf-8")
    deck, problems = load_deck(out)
    assert problems == [] and deck is not None
    assert deck.id == "my-questions" and len(deck.cards) == 2


def test_import_to_file_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    table, out = _table(tmp_path), tmp_path / "deck.yaml"
    result = run("import", str(table), "--deck-id", "acme", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert "Imported 2 cards into" in result.stderr and str(out) in result.stderr
    assert f"quizprep deck validate {out}" in result.stderr
    deck, problems = load_deck(out)
    assert problems == [] and deck is not None and deck.id == "acme"

    out.write_text("# my edits\n", encoding="utf-8")
    again = run("import", str(table), "-o", str(out))
    assert again.exit_code == 1
    assert "already exists" in again.stderr and "--force" in again.stderr
    assert out.read_text(encoding="utf-8") == "# my edits\n"

    forced = run("import", str(table), "-o", str(out), "--force")
    assert forced.exit_code == 0
    assert load_deck(out)[1] == []


def test_import_bad_rows_exit_1_with_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.tsv"
    path.write_text("question\tanswer\nGood?\tYes.\nNo answer?\t\n", encoding="utf-8")
    result = run("import", str(path), "-o", str(tmp_path / "out.yaml"))
    assert result.exit_code == 1
    assert f"{path}:3: row has no answer" in result.stderr
    assert "Traceback" not in result.output
    assert not (tmp_path / "out.yaml").exists()


def test_imported_deck_in_the_user_folder_is_listed(tmp_path: Path, quizprep_home: Path) -> None:
    decks = quizprep_home / "decks"
    decks.mkdir(parents=True)
    result = run("import", str(_table(tmp_path)), "-o", str(decks / "mine.yaml"))
    assert result.exit_code == 0, result.output
    listed = [c for c in builtin_cards() if c["deck"] == "my-questions"]
    assert sorted(c["question"] for c in listed) == [
        "What is early stopping?",
        "What is weight decay?",
    ]


def test_round_trip_through_the_cli(tmp_path: Path) -> None:
    exported = tmp_path / "losses.csv"
    assert run("export", "-f", "csv", "--deck", "losses", "-o", str(exported)).exit_code == 0
    out = tmp_path / "losses-again.yaml"
    result = run("import", str(exported), "--deck-id", "losses-copy", "-o", str(out))
    assert result.exit_code == 0, result.output
    deck, problems = load_deck(out)
    assert problems == [] and deck is not None
    assert [c.question for c in deck.cards] == [c["question"] for c in builtin_cards("losses")]
    warn = run("import", str(exported), "-o", str(tmp_path / "clash.yaml"))
    assert "Deck id 'losses' is already used by" in warn.stderr
