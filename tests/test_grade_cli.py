"""`quizprep grade`: text and JSON output, stdin, card resolution, the size cap."""

from __future__ import annotations

import json
import subprocess

from typer.testing import CliRunner

from quizprep.cli import app
from quizprep.study.grading import MAX_ANSWER_CHARS

from .pty_helpers import QUIZPREP

runner = CliRunner()

TERSE_MSE = "(1/n)Σ(ŷ−y)², grad 2(ŷ−y)/n; Gaussian-noise MLE → conditional mean; outlier-sensitive"


def run(*args: str, stdin: str | None = None):
    return runner.invoke(app, list(args), input=stdin)


def test_json_has_the_documented_shape() -> None:
    result = run("grade", "losses/mse", "--answer", TERSE_MSE, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data) == {"card", "rating", "rating_name", "points"}
    assert data["card"] == "losses/mse"
    assert (data["rating"], data["rating_name"]) == (3, "Good")
    assert len(data["points"]) == 5
    for point in data["points"]:
        assert set(point) == {"text", "verdict", "evidence"}
        assert point["verdict"] in ("covered", "missed", "contradicted")
    assert data["points"][0]["evidence"] == "(1/n)Σ(ŷ−y)²"  # as typed
    assert data["points"][4] == {
        "text": "standard loss for regression", "verdict": "missed", "evidence": None,
    }  # fmt: skip


def test_answer_from_stdin_and_alias_lookup() -> None:
    result = run("grade", "mse", "--json", stdin="MSE is robust to outliers.\n")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["card"] == "losses/mse"
    assert data["points"][2]["verdict"] == "contradicted"
    assert data["rating_name"] == "Again"


def test_text_output_lists_verdicts_and_the_rating_literally() -> None:
    answer = "MSE is more robust to outliers than MAE [bold]really[/bold]"
    result = run("grade", "losses/mse", "--answer", answer)
    assert result.exit_code == 0, result.output
    assert "contradicted" in result.output
    assert "[bold]really[/bold]" in result.output  # never read as markup
    assert "proposed rating: 1 Again" in result.output


def test_unknown_card_exits_1_with_suggestions() -> None:
    result = run("grade", "focl", "--answer", "x")
    assert result.exit_code == 1
    assert "no card covers 'focl'" in result.output
    assert "Did you mean" in result.output and "focal" in result.output
    data = run("grade", "focl", "--answer", "x", "--json")
    assert data.exit_code == 1
    assert any("focal" in hint for hint in json.loads(data.output)["suggestions"])


def test_a_megabyte_paste_is_cut_with_a_note() -> None:
    huge = "gradient " * (1_000_000 // 9)
    result = subprocess.run(
        [QUIZPREP, "grade", "losses/mse", "--json"],
        input=huge, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert f"only its first {MAX_ANSWER_CHARS:,} characters" in result.stderr
    assert json.loads(result.stdout)["rating_name"] == "Again"


def test_a_mistyped_ref_suggests_the_nearest_refs() -> None:
    result = run("grade", "exercises/derive-sigmoidd", "--answer", "x", "--json")
    assert result.exit_code == 1
    assert json.loads(result.output)["suggestions"][0] == "exercises/derive-sigmoid"
