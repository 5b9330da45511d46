"""quizprep.core.lab: the registry, strict parsing, clear errors and JSON-ready results."""

from __future__ import annotations

import json
import math

import pytest

from quizprep.core import lab as mathlab
from quizprep.core.names import DEMOS, FUNCTIONS
from quizprep.errors import QuizprepError


def test_registry_matches_the_names_decks_link_to() -> None:
    entries = mathlab.list_entries()
    assert [e["name"] for e in entries] == list(FUNCTIONS) + list(DEMOS)
    assert {e["kind"] for e in entries} == {"function", "demo"}
    assert all(e["summary"] for e in entries)
    assert all(mathlab.is_known(n) for n in FUNCTIONS + DEMOS)
    assert mathlab.is_known("bce-with-logits") and mathlab.is_known("ce_vs_mse")
    assert not mathlab.is_known("swishy")
    assert mathlab.canonical("swish") == "silu" and mathlab.canonical("kl") == "kl_div"


@pytest.mark.parametrize("name", FUNCTIONS + DEMOS)
def test_every_default_runs_and_is_strict_json(name: str) -> None:
    result = mathlab.run(name)
    text = json.dumps(result, allow_nan=False)  # raises on NaN/inf or NumPy leftovers
    assert json.loads(text)["name"] == name
    if result["kind"] == "function":
        # the default examples sit off kinks (relu's and leaky_relu's 0 is there on purpose)
        if name not in ("relu", "leaky_relu"):
            assert result["max_abs_diff"] < 1e-4  # elu's 0 is a C¹ joint: O(h) there
            assert result["notes"] == []
        assert len(result["plot"]["x"]) == len(result["plot"]["y"]) == len(result["plot"]["dy"])
    else:
        assert result["rows"] and result["takeaway"]


def test_cross_entropy_worked_example_matches_hand_computation() -> None:
    result = mathlab.run("cross_entropy", x="2,1,0.1", target="0")
    z = [2.0, 1.0, 0.1]
    total = sum(math.exp(v) for v in z)
    p = [math.exp(v) / total for v in z]
    assert result["value"] == pytest.approx(-math.log(p[0]), rel=1e-14)
    assert result["analytic"][0] == pytest.approx([p[0] - 1, p[1], p[2]], rel=1e-13)
    assert result["max_abs_diff"] < 1e-8
    assert result["params"] == {"weight": None, "label_smoothing": 0.0}


def test_params_arrive_as_strings_and_are_applied() -> None:
    plain = mathlab.run("focal", x="1,-1", target="1,1")
    focused = mathlab.run("focal", x="1,-1", target="1,1", params={"gamma": "0", "alpha": "-1"})
    assert focused["params"] == {"alpha": -1.0, "gamma": 0.0}
    bce = mathlab.run("bce_with_logits", x="1,-1", target="1,1")
    assert focused["value"] == pytest.approx(bce["value"], rel=1e-15)  # γ = 0, no α: plain BCE
    assert plain["value"] < focused["value"]
    smooth = mathlab.run("cross_entropy", params={"label_smoothing": "0.1", "weight": "1,2,3"})
    assert smooth["params"] == {"weight": [1.0, 2.0, 3.0], "label_smoothing": 0.1}
    gelu = mathlab.run("gelu", x="1", params={"approximate": "tanh"})
    assert gelu["value"][0] == pytest.approx(0.8411919906082768, rel=1e-12)


def test_rows_and_class_targets() -> None:
    result = mathlab.run("softmax_focal", x="4,0,0;0,0,0", target="0,2")
    assert len(result["analytic"]) == 2 and len(result["analytic"][0]) == 3
    kl = mathlab.run("kl_div", x="-0.69,-0.69;-0.1,-2.3", target="0.5,0.5;0.9,0.1")
    assert kl["params"]["reduction"] == "batchmean"


def test_demo_params() -> None:
    result = mathlab.run("focal-vs-ce", params={"gamma": "1"})
    assert "γ = 1" in result["title"]
    with pytest.raises(QuizprepError, match="takes no --x"):
        mathlab.run("outliers", x="1,2")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"name": "focall"}, "did you mean 'focal'"),
        ({"name": "cross-entropyy"}, "did you mean 'cross_entropy'"),
        ({"name": "mse", "x": "1,2,three", "target": "1,2,3"}, "'three' is not a number"),
        ({"name": "mse", "x": "__import__('os')", "target": "1"}, "is not a number"),
        ({"name": "mse", "x": "1,,2", "target": "1,2"}, "comma-separated"),
        ({"name": "mse", "x": "1,nan", "target": "1,2"}, "not a finite number"),
        ({"name": "mse", "x": "1,2,3", "target": "1,2"}, "--target has 2 numbers but --x has 3"),
        ({"name": "mse", "x": "1,2"}, "needs --target"),
        ({"name": "cross_entropy", "x": "1,2,3", "target": "3"}, "0..2"),
        ({"name": "cross_entropy", "x": "1,2,3", "target": "0.5"}, "whole numbers"),
        ({"name": "cross_entropy", "x": "1,2;3,4", "target": "0"}, "one class index per row"),
        ({"name": "cross_entropy", "x": "1,2;3", "target": "0,1"}, "same number of values"),
        ({"name": "bce", "x": "1.5", "target": "1"}, r"probabilities in \[0, 1\]"),
        ({"name": "bce_with_logits", "x": "1", "target": "2"}, r"targets must lie in \[0, 1\]"),
        ({"name": "hinge", "x": "1", "target": "0"}, r"\+1 or -1"),
        ({"name": "kl_div", "x": "0.5", "target": "1"}, "log-probabilities"),
        ({"name": "relu", "x": "1", "target": "1"}, "takes no --target"),
        ({"name": "mse", "params": {"gamma": "2"}}, "mse does not take --gamma"),
        ({"name": "huber", "params": {"delta": "-1"}}, "--delta must be positive"),
        ({"name": "huber", "params": {"delta": "abc"}}, "--delta: 'abc' is not a number"),
        ({"name": "multi_margin", "params": {"p": "3"}}, "--p must be 1 or 2"),
        ({"name": "multi_margin", "params": {"p": "1.5"}}, "whole number"),
        ({"name": "cross_entropy", "params": {"weight": "1,2"}}, "one value per class"),
        ({"name": "gelu", "params": {"approximate": "fast"}}, "must be one of none, tanh"),
        ({"name": "kl_div", "params": {"reduction": "none"}}, "batchmean, mean, sum"),
        ({"name": "mse", "x": ",".join(["1"] * 201), "target": "1"}, "at most 200"),
    ],
)
def test_bad_input_is_a_clear_quizprep_error(kwargs: dict, message: str) -> None:
    with pytest.raises(QuizprepError, match=message) as info:
        mathlab.run(**kwargs)
    assert info.value.exit_code == 1


def test_unknown_name_has_a_hint() -> None:
    with pytest.raises(QuizprepError) as info:
        mathlab.run("qqqq")
    assert "did you mean" not in info.value.message
    assert info.value.hint and "quizprep math" in info.value.hint


def test_kink_note_appears_where_the_numeric_gradient_cannot_agree() -> None:
    result = mathlab.run("relu", x="-1,0,1")
    assert result["analytic"] == [0.0, 0.0, 1.0]
    assert result["numeric"][1] == pytest.approx(0.5)
    assert result["worst_index"] == [1]
    assert result["notes"] and "kink" in result["notes"][0]


def test_importing_mathlab_does_not_import_numpy() -> None:
    import subprocess
    import sys

    code = "import sys, quizprep.core.lab; print('numpy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        # Σ w_y over the targets is 0: the weighted mean is 0/0 (was a ZeroDivisionError)
        (
            {
                "name": "cross_entropy",
                "x": "1,2;3,4",
                "target": "0,1",
                "params": {"weight": "-1,1"},
            },
            "weights of the target classes sum to 0",
        ),
        (
            {"name": "cross_entropy", "x": "1,2", "target": "0", "params": {"weight": "0,1"}},
            "weights of the target classes sum to 0",
        ),
        # results beyond float64 are a message, not inf/nan columns and NumPy warnings
        ({"name": "mse", "x": "1e300,-1e300", "target": "0,0"}, "too large"),
        ({"name": "l2", "x": "1e300"}, "too large"),
        ({"name": "mse", "x": "1,2", "target": "1"}, "--target has 1 number but"),
        ({"name": "relu", "params": {"gamma": "2"}}, "relu does not take --gamma; it has no opt"),
        ({"name": "focal-vs-ce", "params": {"alpha": "5"}}, "--alpha must be at most 1"),
    ],
)
def test_more_bad_input_is_a_clear_quizprep_error(kwargs: dict, message: str) -> None:
    with pytest.raises(QuizprepError, match=message):
        mathlab.run(**kwargs)


def test_huge_but_finite_inputs_compute_silently(recwarn: pytest.WarningsRecorder) -> None:
    # Overflow inside an unused branch (huber's ½a² beyond δ, gelu's exp(-a²/2)) is no reason
    # to print NumPy warnings; the results themselves are finite.
    huber = mathlab.run("huber", x="1e300,-1e300", target="0,0")
    assert huber["value"] == pytest.approx(1e300)
    gelu = mathlab.run("gelu", x="1e300,-1e300")
    assert gelu["analytic"] == [1.0, 0.0]
    assert not [w for w in recwarn if issubclass(w.category, RuntimeWarning)]


def test_bce_clamp_note_does_not_claim_torch_agrees() -> None:
    # At p = 0 with t = 1 our gradient is the clamped loss's (0); torch's backward is -1/(N·1e-12).
    result = mathlab.run("bce", x="0,0.5", target="1,1")
    assert result["analytic"][0] == 0.0
    note = " ".join(result["notes"])
    assert "clamp" in note and "PyTorch's convention" not in note


def test_numbers_separated_by_spaces_get_a_comma_hint() -> None:
    with pytest.raises(QuizprepError, match="separate numbers with commas"):
        mathlab.run("sigmoid", x="1 2 3")
    with pytest.raises(QuizprepError) as info:
        mathlab.run("sigmoid", x="1,two")
    assert "commas" not in info.value.message


def test_focal_demo_takeaway_holds_for_the_parameters_given() -> None:
    default = mathlab.run("focal-vs-ce")
    assert "hard ones dominate" in default["takeaway"]
    # With γ = 0 every example keeps the same share (α) of its CE loss: nothing is focused.
    flat = mathlab.run("focal-vs-ce", params={"gamma": "0"})
    ratios = {round(row[5], 12) for row in flat["rows"]}
    assert ratios == {0.25}
    assert "dominate" not in flat["takeaway"] and "γ = 0" in flat["takeaway"]
    # With α switched off the factor is (1 − p_t)^γ alone, and the text must not name α.
    no_alpha = mathlab.run("focal-vs-ce", params={"alpha": "-1"})
    assert "α" not in no_alpha["takeaway"]
