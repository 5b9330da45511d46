"""`quizprep math` after issues 10, 11, 12 and 15: the new functions and options, the crashes
found under attack, names that agree with `explain`, demos whose claims match their numbers,
and plots that tell their lines apart without colour."""

from __future__ import annotations

import io
import json
import math
import re

import pytest
from rich.console import Console
from typer.testing import CliRunner

from quizprep.cli import app
from quizprep.core import lab as mathlab
from quizprep.core.names import ALIASES, DEMOS, MATH_NAMES, resolve
from quizprep.decks.catalog import load_catalog
from quizprep.errors import QuizprepError
from quizprep.render import math as render_math

runner = CliRunner()


# ---- issue 10 item 17: crashes ------------------------------------------------------------


def test_softmax_takes_rows() -> None:
    result = runner.invoke(app, ["math", "softmax", "--x", "1,2;3,4", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    first = [math.exp(1) / (math.exp(1) + math.exp(2)), math.exp(2) / (math.exp(1) + math.exp(2))]
    assert data["value"][0] == pytest.approx(first, rel=1e-14)
    assert data["value"][1] == pytest.approx(first, rel=1e-14)  # only differences matter
    assert data["max_abs_diff"] < 1e-8
    text = runner.invoke(app, ["math", "softmax", "--x", "1,2;3,4"]).output
    assert "Traceback" not in text and "largest |analytic − numeric|" in text


def test_a_huge_margin_is_a_usage_message() -> None:
    result = runner.invoke(app, ["math", "multi_margin", "--margin", "1e150"])
    assert result.exit_code == 1
    assert "--margin must lie in [0, 1e6]" in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    "args",
    [
        ["math", "l2", "--lam", "1e308", "--x", "0"],
        ["math", "multi_margin", "--margin", "1e6", "--p", "2"],
        ["math", "mse", "--x", "1e150,1e150", "--target", "0,0"],
    ],
)
def test_plots_survive_huge_and_flat_curves(args: list[str]) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    as_json = runner.invoke(app, [*args, "--json"])
    assert "Infinity" not in as_json.stdout and "NaN" not in as_json.stdout
    json.loads(as_json.stdout)


def test_plot_ranges_stay_finite_and_nonzero() -> None:
    lo, hi = render_math._y_range([1e150] * 10)
    assert lo < 1e150 < hi
    lo, hi = render_math._y_range([-1.7e308, 1.7e308, None, float("inf")])
    assert math.isfinite(hi - lo) and hi > lo
    rows, _, _ = render_math.plot_lines([([0, 1, 2], [1.7e308, None, -1.7e308])], 10, 4, False)
    assert any("*" in r.plain for r in rows)


def test_json_never_holds_infinity_or_nan() -> None:
    # l2 at λ = 1e308: the plotted penalty overflows beyond |w| ≈ 1.4 -> null points (gaps)
    result = mathlab.run("l2", x="0", params={"lam": "1e308"})
    text = json.dumps(result, allow_nan=False)
    assert None in result["plot"]["y"]
    assert "Infinity" not in text
    # a typed log 0 comes back as the string "-inf"
    kl = mathlab.run("kl_div", x="-inf,-0.1", target="0,1")
    assert kl["x"] == [["-inf", -0.1]]
    json.dumps(kl, allow_nan=False)


def test_kl_div_log_zero_with_target_zero_is_zero_with_a_note() -> None:
    result = mathlab.run("kl_div", x="-inf,-0.1", target="0,1")
    assert result["value"] == pytest.approx(0.1, rel=1e-15)  # 0·log 0 = 0, 1·(0 − (−0.1))
    assert result["analytic"] == [[0.0, -1.0]]
    assert result["numeric"][0][0] == 0.0
    assert any("PyTorch" in n and "nan" in n for n in result["notes"])
    with pytest.raises(QuizprepError, match="infinite"):
        mathlab.run("kl_div", x="-inf,-0.1", target="0.5,0.5")
    cli = runner.invoke(app, ["math", "kl_div", "--x=-inf,-0.1", "--target", "0,1"])
    assert cli.exit_code == 0 and "PyTorch" in cli.output
    with pytest.raises(QuizprepError, match="not a finite number"):
        mathlab.run("mse", x="-inf", target="0")  # only log-probabilities may be log 0


# ---- issue 11 §3: kl_div's example is one (1, C) row --------------------------------------


def test_kl_div_default_example_is_the_real_kl() -> None:
    result = mathlab.run("kl_div")
    q = [math.exp(v) for v in (-0.5108, -1.204, -2.3026)]
    t = [0.5, 0.3, 0.2]
    kl = sum(a * (math.log(a) - math.log(b)) for a, b in zip(t, q, strict=True))
    assert result["value"] == pytest.approx(kl, rel=1e-12)  # 0.0475, not 0.0475/3
    assert result["analytic"] == [pytest.approx([-0.5, -0.3, -0.2], rel=1e-15)]
    assert "(1, C) row" in result["point"]
    # the plot is the KL itself at q = t: 0 there
    xs, ys = result["plot"]["x"], result["plot"]["y"]
    at = min(range(len(xs)), key=lambda i: abs(xs[i] - 0.7))
    assert ys[at] == pytest.approx(0.0, abs=1e-3)
    one = mathlab.run("kl_div", x="-0.69,-0.69", target="0.5,0.5")
    assert one["analytic"] == [pytest.approx([-0.5, -0.5])]


# ---- issue 11 §5: the new functions -------------------------------------------------------


NEW = [
    "info_nce", "triplet_margin", "dice", "pinball", "poisson_nll", "gaussian_nll",
    "distill_kl", "softplus", "selu", "mish", "swiglu",
]  # fmt: skip


@pytest.mark.parametrize("name", NEW)
def test_new_function_worked_example_checks_its_gradient(name: str) -> None:
    result = mathlab.run(name)
    assert result["max_abs_diff"] < 1e-6 and result["notes"] == []
    assert len(result["plot"]["y"]) == len(result["plot"]["x"])
    assert all(v is None or math.isfinite(v) for v in result["plot"]["y"])
    out = runner.invoke(app, ["math", name])
    assert out.exit_code == 0 and "largest |analytic − numeric|" in out.output


def test_new_function_points_match_their_numbers() -> None:
    nce = mathlab.run("info_nce")
    rows = nce["analytic"]
    assert max(abs(v) for v in rows[2]) > 50 * max(abs(v) for v in rows[0] + rows[1])
    trip = mathlab.run("triplet_margin")
    assert trip["value"] == pytest.approx(0.5, abs=1e-5)
    pin = mathlab.run("pinball")
    assert pin["analytic"] == pytest.approx([-0.9 / 4, -0.9 / 4, 0.1 / 4, -0.9 / 4])
    pois = mathlab.run("poisson_nll")
    assert pois["analytic"][0] == 0.0  # λ = e^0 = 1 = t
    gauss = mathlab.run("gaussian_nll")
    assert gauss["extra"]["second"]["values"][2] < 0  # ∂L/∂var < 0 at the residual of 3
    assert gauss["extra"]["second"]["max_abs_diff"] < 1e-8
    kd = mathlab.run("distill_kl")
    assert "17%" in kd["point"] and "5% at T = 1" in kd["point"]
    soft = [math.exp(v / 2) for v in (4, 1, -1)]
    hard = [math.exp(v) for v in (4, 1, -1)]
    assert round(100 * soft[1] / sum(soft)) == 17 and round(100 * hard[1] / sum(hard)) == 5


def test_new_options_reach_the_functions_and_are_range_checked() -> None:
    cold = mathlab.run("info_nce", params={"temperature": "1"})
    assert cold["value"] < mathlab.run("info_nce")["value"]
    diag = mathlab.run("info_nce", x="1,0;0,1")  # positives default to the diagonal
    explicit = mathlab.run("info_nce", x="1,0;0,1", target="0,1")
    assert diag["value"] == explicit["value"]
    full = mathlab.run("poisson_nll", x="1", target="3", params={"full": "True"})
    plain = mathlab.run("poisson_nll", x="1", target="3")
    stirling = 3 * math.log(3) - 3 + 0.5 * math.log(2 * math.pi * 3)
    assert full["value"] - plain["value"] == pytest.approx(stirling, rel=1e-12)
    rate = mathlab.run("poisson_nll", x="2", target="3", params={"log_input": "false"})
    assert rate["analytic"] == [pytest.approx(1 - 3 / (2 + 1e-8), rel=1e-14)]
    sw = mathlab.run("swiglu", x="1,2", params={"value": "3,0"})
    assert sw["analytic"][1] == 0.0 and sw["extra"]["column"]["label"] == "∂y/∂b"
    cli = runner.invoke(
        app, ["math", "poisson_nll", "--x", "1", "--target", "3", "--full", "--json"]
    )
    assert json.loads(cli.stdout)["params"]["full"] is True
    for args, message in [
        (["info_nce", "--temperature", "0"], "--temperature must lie in"),
        (["pinball", "--q", "1.5"], "--q must lie in [0, 1]"),
        (["dice", "--smooth", "-1"], "--smooth must be ≥ 0"),
        (["gaussian_nll", "--var", "-1"], "--var must be ≥ 0"),
        (["gaussian_nll", "--x", "1,2", "--target", "1,2", "--var", "1,2,3"], "--var needs"),
        (["softplus", "--beta", "0"], "--beta must be positive"),
        (["triplet_margin", "--p", "0.5"], "--p must lie in [1, 100]"),
        (["triplet_margin", "--x", "1,2;3,4"], "multiple of 3"),
        (["poisson_nll", "--x", "1", "--target", "-1"], "counts"),
        (["poisson_nll", "--x", "-1", "--target", "1", "--no-log-input"], "rate"),
        (["swiglu", "--x", "1,2", "--value", "1,2,3"], "--value needs"),
        (["l2", "--lam", "-1"], "--lam must be ≥ 0"),
        (["mse", "--temperature", "2"], "mse does not take --temperature"),
    ]:
        result = runner.invoke(app, ["math", *args])
        assert result.exit_code == 1, (args, result.output)
        assert message in result.stderr, (args, result.stderr)
        assert "Traceback" not in result.output


# ---- issue 12 item 11: names agree with explain -------------------------------------------


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("swish", "silu"), ("kl", "kl_div"), ("silu", "silu"), ("bce", "bce"),
        ("ce", "cross_entropy"), ("nn.HuberLoss", "huber"), ("F.mse_loss", "mse"),
        ("focal loss", "focal"), ("CrossEntropyLoss", "cross_entropy"), ("l2 loss", "mse"),
        ("infonce", "info_nce"), ("TripletMarginLoss", "triplet_margin"),
        ("quantile", "pinball"), ("dying relu", "dead-relu"), ("sdpa", "attention-scaling"),
    ],
)  # fmt: skip
def test_everyday_names_resolve(typed: str, shown: str) -> None:
    assert resolve(typed) == shown
    result = runner.invoke(app, ["math", typed, "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["name"] == shown


def test_every_alias_points_at_something_real() -> None:
    assert set(ALIASES.values()) <= MATH_NAMES
    assert not set(ALIASES) & MATH_NAMES  # an alias never hides a real name


def test_math_answers_to_every_name_explain_knows_for_a_card_with_math() -> None:
    # every id and alias of a card with a math link: `explain NAME` finds the card, and
    # `math NAME` shows math (its own, or a function named so more exactly)
    from quizprep.cli.lookup import _math_name_from_cards
    from quizprep.decks.search import find

    catalog = load_catalog().cards
    cards = [c for c in catalog if c.math]
    names = {n for c in cards for n in (c.id, *c.aliases) if find(catalog, n)}
    assert len(names) > 100
    for name in sorted(names):
        key = mathlab.canonical(name) or _math_name_from_cards(name)
        assert key in MATH_NAMES, name
    smooth = runner.invoke(app, ["math", "smooth l1", "--no-plot"])  # via the huber card
    assert smooth.exit_code == 0 and "huber" in smooth.output


def test_math_demo_alone_lists_the_demos() -> None:
    result = runner.invoke(app, ["math", "demo"])
    assert result.exit_code == 0
    for name in DEMOS:
        assert name in result.output
    assert "focal " not in result.output and "cross_entropy" not in result.output
    as_json = json.loads(runner.invoke(app, ["math", "demo", "--json"]).stdout)
    assert [e["name"] for e in as_json] == list(DEMOS)


# ---- issue 12 item 13: plots without colour -----------------------------------------------


def draw(result: dict, **console_kw) -> str:
    console = Console(file=io.StringIO(), width=80, record=True, **console_kw)
    render_math.render(console, result)
    return console.export_text()


@pytest.mark.parametrize("name", ["ce-vs-mse", "outliers", "vanishing", "attention-scaling"])
def test_no_color_plots_tell_their_lines_apart(name: str) -> None:
    result = mathlab.run(name)
    text = draw(result, force_terminal=True, no_color=True)
    flat = " ".join(text.split())
    for mark, series in zip(render_math.GLYPH_MARKS, result["series"], strict=False):
        assert f"{mark} {series['label']}" in flat  # the legend names each glyph
    canvas = text.split(f"{render_math.GLYPH_MARKS[0]} {result['series'][0]['label'][:5]}")[0]
    drawn = {m for m in render_math.GLYPH_MARKS if m in canvas}
    assert len(drawn) >= 2  # lines on the canvas in distinct glyphs (overlaps hide some)
    assert "⣿" not in text
    coloured = draw(result, force_terminal=True, color_system="truecolor")
    assert "⣿" in coloured  # with colour, braille as before


def test_no_color_env_reaches_the_plot(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    text = draw(mathlab.run("outliers"), force_terminal=True)
    assert "● fit, mse" in text and "○ fit, mae" in text


# ---- issue 11 §3: demos whose words match their numbers -----------------------------------


@pytest.mark.parametrize(
    "params",
    [{}, {"gamma": "1"}, {"alpha": "0.9"}, {"alpha": "-1"}, {"gamma": "0"}, {"gamma": "100"}],
)
def test_focal_demo_separates_alpha_and_gamma(params: dict) -> None:
    result = mathlab.run("focal-vs-ce", params=params)
    cols = result["columns"]
    gamma = float(params.get("gamma", 2))
    alpha = float(params.get("alpha", 0.25))
    for row in result["rows"]:
        p_t, ce, a_t, mod, fl, ratio = (row[cols.index(c)] for c in cols[:6])
        assert fl == pytest.approx(ratio * ce, rel=1e-9)
        assert a_t == (alpha if alpha >= 0 else 1.0)
        assert mod == pytest.approx((1 - p_t) ** gamma, rel=1e-12)
        assert ratio == pytest.approx(a_t * mod, rel=1e-9)  # focal/CE is the two factors
    hard = result["rows"][-1]
    text = result["takeaway"]
    if gamma > 0:
        assert f"{hard[3]:.2g} of a hard one's" in text
    if alpha >= 0 and gamma > 0:
        assert ("most of the hard example's drop" in text) == (alpha < hard[3])
    if alpha < 0:
        assert "α" not in text


def test_vanishing_demo_uses_real_layers_and_reports_its_numbers() -> None:
    result = mathlab.run("vanishing")
    cols, rows = result["columns"], result["rows"]
    last, slopes = rows[-2], rows[-1]
    assert slopes[0] == "mean act′"
    sig = cols.index("sigmoid")
    assert slopes[sig] <= 0.25 and last[sig] < 1e-8  # σ′ ≤ ¼: vanishes
    assert slopes[cols.index("tanh ×4")] < slopes[cols.index("tanh")]  # saturation shows
    assert 0.3 < last[cols.index("relu (He)")] < 3
    for key in ("sigmoid", "tanh", "tanh ×4", "sigmoid ×4"):
        value = last[cols.index(key)]
        verb = "grows" if value > 1 else "shrinks"
        assert f"{verb} to {value:.1e}" in result["takeaway"]


def test_stable_softmax_demo_is_float32_with_a_log_zero_row() -> None:
    result = mathlab.run("stable-softmax")
    rows = {r[0]: r for r in result["rows"]}
    assert rows["89,90,91"][1] == "nan" and rows["80,81,82"][1] != "nan"  # the 88.7 line
    assert rows["0,60,120"][3] == "-inf" and rows["0,60,120"][4] == pytest.approx(-120)
    assert "88.7" in result["takeaway"] and "-inf" in result["takeaway"]


def test_dead_relu_demo_states_its_upstream_gradient() -> None:
    assert "∂L/∂a = 1" in mathlab.run("dead-relu")["takeaway"]


def test_attention_scaling_demo() -> None:
    result = mathlab.run("attention-scaling")
    cols, rows = result["columns"], result["rows"]
    for row in rows:
        d_k, std = row[0], row[1]
        assert std == pytest.approx(math.sqrt(d_k), rel=0.1)  # Var(q·k) = d_k
        assert 0.1 < row[cols.index("max p, scaled")] < 0.4  # healthy at every d_k
        assert row[cols.index("‖J‖, scaled")] > 0.2
    raw = [r[cols.index("‖J‖, q·k")] for r in rows]
    assert raw[-1] < 1e-3 * raw[0]  # saturated: tiny gradients without the scale
    assert rows[-1][cols.index("max p, q·k")] > 0.99
    numbers = re.findall(r"\d+\.\d+e?-?\d*", result["takeaway"])
    assert f"{raw[-1]:.1e}" in numbers


def test_the_examples_point_is_shown_only_for_the_example_as_given() -> None:
    assert "0.9-quantile" in mathlab.run("pinball")["point"]
    assert mathlab.run("pinball", params={"q": "0.5"})["point"] == ""  # "9×" would be false
    assert mathlab.run("distill_kl", params={"temperature": "4"})["point"] == ""
    assert mathlab.run("triplet_margin", params={"margin": "2"})["point"] == ""
    assert mathlab.run("gaussian_nll")["point"]  # its example's own variances
    assert mathlab.run("gaussian_nll", params={"var": "1"})["point"] == ""
    assert mathlab.run("mse", target="1,2,3,4")["point"] == ""
