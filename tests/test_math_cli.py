"""The `math` command and the math links of the built-in decks."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from quizprep.cli import app
from quizprep.core import lab as mathlab
from quizprep.core.names import DEMOS, MATH_NAMES
from quizprep.decks.catalog import load_catalog

runner = CliRunner()


def test_every_math_link_in_the_builtin_decks_resolves() -> None:
    cards = load_catalog().cards
    linked = [c for c in cards if c.math]
    assert len(linked) >= 30
    for card in linked:
        assert mathlab.is_known(card.math), card.ref
        assert card.math in MATH_NAMES, card.ref


def test_the_light_name_list_matches_the_registry() -> None:
    listed = {e["name"] for e in mathlab.list_entries()}
    assert listed == set(MATH_NAMES)


def test_math_alone_lists_functions_and_demos() -> None:
    result = runner.invoke(app, ["math"])
    assert result.exit_code == 0
    for name in ("focal", "cross_entropy", "gelu", "vanishing", "outliers"):
        assert name in result.output


@pytest.mark.parametrize("name", sorted(MATH_NAMES))
def test_math_renders_every_entry(name: str) -> None:
    args = ["math", "demo", name] if name in DEMOS else ["math", name]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output


def test_math_focal_json_checks_its_gradient() -> None:
    result = runner.invoke(app, ["math", "focal", "--gamma", "2", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["params"]["gamma"] == 2.0
    assert data["max_abs_diff"] < 1e-6


def test_math_cross_entropy_with_user_numbers() -> None:
    result = runner.invoke(
        app, ["math", "cross_entropy", "--x", "2,1,0.1", "--target", "0", "--json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    # −log softmax([2, 1, 0.1])[0], by hand: log(e² + e¹ + e^0.1) − 2
    import math

    expected = math.log(math.exp(2) + math.exp(1) + math.exp(0.1)) - 2
    assert abs(data["value"] - expected) < 1e-12


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["math", "focl"], "did you mean"),
        (["math", "cross_entropy", "--x", "2,1", "--target", "5"], "target"),
        (["math", "mse", "--x", "1,abc", "--target", "1,2"], "abc"),
        (["math", "mse", "--x", "__import__('os')", "--target", "1"], "--x"),
        (["math", "relu", "--gamma", "2"], "gamma"),
    ],
)
def test_math_bad_input_is_a_clear_error(args: list[str], message: str) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 1, result.output
    assert message in result.stderr.lower() or message in result.stderr
    assert "Traceback" not in result.output


def test_explain_with_math_appends_the_cards_math() -> None:
    result = runner.invoke(app, ["explain", "focal", "--math"])
    assert result.exit_code == 0, result.output
    assert "largest |analytic − numeric|" in result.output


def test_an_extra_argument_is_a_usage_error() -> None:
    result = runner.invoke(app, ["math", "focal", "extra"])
    assert result.exit_code == 2
    assert "extra" in result.stderr and "Traceback" not in result.output


def test_math_help_explains_every_parameter() -> None:
    result = runner.invoke(app, ["math", "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    for option in ("--gamma", "--alpha", "--delta", "--margin", "--p ", "--weight", "--lam"):
        line = next(line for line in result.output.splitlines() if option in line)
        assert len(line.split()) > 2, line  # option, metavar and then some help text
