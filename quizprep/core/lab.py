"""The domain layer of ``quizprep math``: what each function is, how to read the user's numbers,
and the plain-data result that :mod:`quizprep.render.math` draws (or the CLI prints as JSON).

Numbers are parsed with ``float()`` one comma-separated item at a time (``;`` separates rows
of logits), never evaluated; every user mistake is a :class:`QuizprepError`. NumPy is imported
inside the functions that compute, so importing this module stays cheap.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from quizprep.core.names import DEMOS, FUNCTIONS
from quizprep.errors import QuizprepError

MAX_NUMBERS = 200


@dataclass(frozen=True)
class Param:
    default: Any
    kind: str = "float"  # float | int | choice | floats | float_or_floats
    help: str = ""
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class Spec:
    name: str
    family: str  # "loss" | "activation"
    summary: str
    formula: str
    derivative: str
    x: str
    point: str
    input: str = "values"  # values | probabilities | logits | class-logits | log-probabilities
    target: str | None = None  # values | probability | sign | class | distribution
    default_target: str | None = None
    params: dict[str, Param] = field(default_factory=dict)


_OUTLIER = ("1,2,3,10", "1.5,2,2.5,3")
_KINKED = "-2,-0.5,0,0.5,2"
_SPECS = [
    Spec("mse", "loss", "Mean squared error", "L = (1/N)·Σ (xᵢ − tᵢ)²", "∂L/∂xᵢ = 2·(xᵢ − tᵢ)/N",
         _OUTLIER[0], "One residual of 7 makes most of the loss and the biggest gradient: MSE "
         "chases outliers.", target="values", default_target=_OUTLIER[1]),
    Spec("mae", "loss", "Mean absolute error (L1)", "L = (1/N)·Σ |xᵢ − tᵢ|",
         "∂L/∂xᵢ = sign(xᵢ − tᵢ)/N   (0 where xᵢ = tᵢ)", _OUTLIER[0],
         "Every residual pulls with the same ±1/N, however large: the outlier gets no extra say.",
         target="values", default_target=_OUTLIER[1]),
    Spec("huber", "loss", "Huber: quadratic near 0, linear beyond δ",
         "ℓ(a) = ½a² if |a| < δ, else δ·(|a| − ½δ);   a = x − t,  L = mean ℓ",
         "∂L/∂xᵢ = clip(aᵢ, −δ, δ)/N", _OUTLIER[0],
         "Small residuals act like MSE, the outlier like MAE: its gradient is capped at δ/N.",
         target="values", default_target=_OUTLIER[1],
         params={"delta": Param(1.0, help="where the quadratic turns linear (δ > 0)")}),
    Spec("bce", "loss", "Binary cross-entropy on probabilities",
         "L = −(1/N)·Σ [t·max(log p, −100) + (1 − t)·max(log(1 − p), −100)]",
         "∂L/∂p = (−t/p + (1 − t)/(1 − p))/N   (0 on a clamped term)", "0.9,0.5,0.1,0.001",
         "With t = 1 the loss grows like −log p and the gradient like −1/p as p → 0.",
         input="probabilities", target="probability", default_target="1,1,1,1"),
    Spec("bce_with_logits", "loss", "Binary cross-entropy on logits (stable)",
         "L = (1/N)·Σ [(1 − t)·x + (1 + (w − 1)·t)·softplus(−x)],   w = pos_weight",
         "∂L/∂x = ((1 − t)·σ(x) − w·t·σ(−x))/N   (= (σ(x) − t)/N for w = 1)", "3,0,-3,-10",
         "On logits the gradient is σ(x) − t: bounded by 1 even when confidently wrong.",
         input="logits", target="probability", default_target="1,1,1,1",
         params={"pos_weight": Param(None, "float_or_floats", "weight of positive examples")}),
    Spec("cross_entropy", "loss", "Softmax cross-entropy on class logits",
         "ℓᵢ = −Σ_c q_ic·log softmax(xᵢ)_c,  q = (1 − ε)·onehot(yᵢ) + ε/C;  L = mean ℓ "
         "(weighted: Σ w_y·ℓ / Σ w_y)", "∂L/∂x_ic = (softmax(xᵢ)_c − q_ic)/N", "2,1,0.1",
         "The gradient is softmax minus the one-hot target: every wrong class is pushed down "
         "by its probability.", input="class-logits", target="class", default_target="0",
         params={"weight": Param(None, "floats", "one weight per class"),
                 "label_smoothing": Param(0.0, help="ε in [0, 1]")}),
    Spec("hinge", "loss", "Binary hinge loss (SVM)", "L = (1/N)·Σ max(0, 1 − t·s),  t ∈ {−1, +1}",
         "∂L/∂sᵢ = −tᵢ/N if tᵢ·sᵢ < 1, else 0", "2,0.5,-0.3,-2",
         "Points beyond the margin (t·s ≥ 1) add no loss and no gradient.", input="scores",
         target="sign", default_target="1,1,1,-1"),
    Spec("multi_margin", "loss", "Multi-class hinge (torch multi_margin_loss)",
         "L = (1/N)·Σᵢ Σ_{j≠y} w_y·max(0, m − x_iy + x_ij)^p / C",
         "∂L/∂x_ij = w_y·p·z^(p−1)/(N·C) where z = m − x_iy + x_ij > 0;  ∂L/∂x_iy = −Σ_j of those",
         "0.1,0.2,0.4,0.8", "PyTorch's documented example: loss 0.325 — three classes inside "
         "the margin of class 3.", input="class-logits", target="class", default_target="3",
         params={"p": Param(1, "int", "1 or 2"), "margin": Param(1.0, help="the margin m"),
                 "weight": Param(None, "floats", "one weight per class")}),
    Spec("focal", "loss", "Sigmoid focal loss (torchvision, mean)",
         "L = (1/N)·Σ α_t·(1 − p_t)^γ·BCE(x, t),  p = σ(x),  p_t = p·t + (1 − p)·(1 − t)",
         "∂L/∂x = α_t/N·[(σ(x) − t)·(1 − p_t)^γ + γ·(1 − p_t)^(γ−1)·p(1 − p)(1 − 2t)·BCE]",
         "4,1,-1,-4", "Easy positives (large logits) contribute almost nothing; the hard one "
         "dominates.", input="logits", target="probability", default_target="1,1,1,1",
         params={"alpha": Param(0.25, help="weight of positives (< 0: off)"),
                 "gamma": Param(2.0, help="focusing exponent γ ≥ 0")}),
    Spec("softmax_focal", "loss", "Multi-class focal loss on logits",
         "L = (1/N)·Σᵢ −α_y·(1 − p_y)^γ·log p_y,  p = softmax(xᵢ)",
         "∂L/∂x_ic = α_y·g·([c = y] − p_c)/N,  g = γ·p_y·(1 − p_y)^(γ−1)·log p_y − (1 − p_y)^γ",
         "4,0,0;1,0,0;-2,0,2", "Three rows from easy to hard: the easy row's loss shrinks by "
         "(1 − p_y)^γ.", input="class-logits", target="class", default_target="0,0,0",
         params={"gamma": Param(2.0, help="focusing exponent γ ≥ 0"),
                 "alpha": Param(None, "floats", "one weight per class")}),
    Spec("kl_div", "loss", "KL divergence (torch kl_div: input is log q)",
         "L = Σ t·(log t − x) / B,  x = log q,  B = rows (batchmean), elements (mean) or 1",
         "∂L/∂x = −t/B", "-0.5108,-1.204,-2.3026",
         "Input is log-probabilities, target probabilities, as in PyTorch; the gradient is "
         "just −t/B.", input="log-probabilities", target="distribution",
         default_target="0.5,0.3,0.2",
         params={"reduction": Param("batchmean", "choice", "how the sum is divided",
                                    ("batchmean", "mean", "sum"))}),
    Spec("l2", "loss", "L2 penalty (weight decay)", "R = λ/2·‖w‖²", "∂R/∂w = λ·w", "3,-1,0.5,0",
         "The pull toward 0 is proportional to the weight: big weights shrink fastest.",
         input="weights", params={"lam": Param(0.1, help="strength λ")}),
    Spec("relu", "activation", "Rectified linear unit", "y = max(x, 0)",
         "y′ = 1 if x > 0 else 0   (0 at x = 0, as PyTorch)", _KINKED,
         "At x = 0 the derivative is defined as 0; the central difference straddles the kink "
         "and says ½."),
    Spec("leaky_relu", "activation", "Leaky ReLU", "y = x if x > 0 else a·x   (a = negative_slope)",
         "y′ = 1 if x > 0 else a", _KINKED, "A small slope a keeps gradients alive for x < 0.",
         params={"negative_slope": Param(0.01, help="slope a for x ≤ 0")}),
    Spec("sigmoid", "activation", "Logistic sigmoid", "σ(x) = 1/(1 + e⁻ˣ)",
         "σ′(x) = σ(x)·(1 − σ(x)) ≤ ¼", "-10,-2,0,2,10",
         "The derivative peaks at ¼ and is 4.5e-5 at |x| = 10: sigmoids saturate."),
    Spec("tanh", "activation", "Hyperbolic tangent", "tanh(x) = (eˣ − e⁻ˣ)/(eˣ + e⁻ˣ)",
         "tanh′(x) = 1 − tanh²(x)", "-5,-1,0,1,5",
         "Zero-centred with slope 1 at 0, but it saturates too: 1.8e-4 at |x| = 5."),
    Spec("gelu", "activation", "Gaussian error linear unit",
         "y = x·Φ(x)   (tanh form: ½x·(1 + tanh(√(2/π)·(x + 0.044715x³))))",
         "y′ = Φ(x) + x·φ(x)", "-3,-1,-0.5,0,0.5,1,3",
         "Smooth, slightly negative for x < 0 (minimum near x = −0.75), ≈ x for large x.",
         params={"approximate": Param("none", "choice", "exact or tanh form",
                                      ("none", "tanh"))}),
    Spec("silu", "activation", "SiLU / swish", "y = x·σ(x)", "y′ = σ(x)·(1 + x·(1 − σ(x)))",
         "-5,-1,0,1,5", "Like GELU: smooth, a small negative dip, gradient 0.5 at 0."),
    Spec("elu", "activation", "Exponential linear unit", "y = x if x > 0 else α·(eˣ − 1)",
         "y′ = 1 if x > 0 else α·eˣ", "-5,-1,0,1,5",
         "Negative outputs down to −α pull mean activations toward 0.",
         params={"alpha": Param(1.0, help="saturation level α")}),
    Spec("prelu", "activation", "Parametric ReLU (learned slope)",
         "y = x if x > 0 else a·x   (a learned)",
         "∂y/∂x = 1 if x > 0 else a;   ∂y/∂a = 0 if x > 0 else x", "-2,-0.5,0.5,2",
         "The slope gets its own gradient: Σ upstream·x over the negative inputs.",
         params={"weight": Param(0.25, help="the slope a")}),
    Spec("softmax", "activation", "Softmax over a vector",
         "yᵢ = e^(xᵢ − m) / Σⱼ e^(xⱼ − m),   m = max x",
         "∂yᵢ/∂xⱼ = yᵢ·(δᵢⱼ − yⱼ);   J·v = y ⊙ (v − ⟨y, v⟩)", "2,1,0.1",
         "The derivative column shows J's diagonal yᵢ(1 − yᵢ); the full Jacobian is in "
         "'jacobian'."),
]  # fmt: skip
SPECS: dict[str, Spec] = {s.name: s for s in _SPECS}

DEMO_INFO: dict[str, tuple[str, dict[str, Param]]] = {
    "ce-vs-mse": ("CE vs MSE-on-sigmoid gradients when confidently wrong", {}),
    "vanishing": ("Gradients through stacked sigmoids, tanh and ReLUs", {}),
    "dead-relu": ("Dead ReLU units get exactly zero gradient", {}),
    "focal-vs-ce": (
        "Focal loss vs CE on easy and hard examples",
        {"gamma": Param(2.0, help="focusing exponent"), "alpha": Param(0.25, help="α")},
    ),
    "label-smoothing": ("Label smoothing's targets and the logit gap it settles at", {}),
    "stable-softmax": ("Naive vs max-shifted softmax at large logits", {}),
    "outliers": ("Fitting a line with an outlier under MSE, MAE and Huber", {}),
}


def _canonical(name: str) -> str | None:
    for candidate in (name, name.replace("-", "_"), name.replace("_", "-")):
        if candidate in SPECS or candidate in DEMO_INFO:
            return candidate
    return None


def is_known(name: str) -> bool:
    """Whether ``name`` is a function or demo of ``quizprep math``."""
    return _canonical(name) is not None


def list_entries() -> list[dict[str, str]]:
    """Every function and demo: name, kind ('function' | 'demo') and a one-line summary."""
    functions = [{"name": n, "kind": "function", "summary": SPECS[n].summary} for n in FUNCTIONS]
    demos = [{"name": n, "kind": "demo", "summary": DEMO_INFO[n][0]} for n in DEMOS]
    return functions + demos


def _unknown(name: str) -> QuizprepError:
    names = list(SPECS) + list(DEMO_INFO)
    close = difflib.get_close_matches(name.replace("-", "_"), names, n=3, cutoff=0.6)
    close += [c for c in difflib.get_close_matches(name, names, n=3, cutoff=0.6) if c not in close]
    suggestion = f" (did you mean {', '.join(repr(c) for c in close[:3])}?)" if close else ""
    return QuizprepError(
        f"unknown math function or demo {name!r}{suggestion}",
        hint="run `quizprep math` to list them all",
    )


# ---- parsing ------------------------------------------------------------------------------


def _number(item: str, what: str) -> float:
    text = item.strip()
    try:
        value = float(text)
    except ValueError:
        spaced = len(text.split()) > 1 and all(_is_float(part) for part in text.split())
        advice = " (separate numbers with commas: 1,2,3)" if spaced else ""
        raise QuizprepError(f"{what}: {text!r} is not a number{advice}") from None
    if not math.isfinite(value):
        raise QuizprepError(f"{what}: {text!r} is not a finite number")
    return value


def _is_float(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def parse_numbers(text: str, what: str) -> list[float]:
    """Comma-separated numbers, each through ``float()``; nothing is evaluated."""
    items = text.split(",")
    if any(not i.strip() for i in items):
        raise QuizprepError(
            f"{what}: expected comma-separated numbers such as 1,2.5,-3; got {text!r}"
        )
    if len(items) > MAX_NUMBERS:
        raise QuizprepError(f"{what}: at most {MAX_NUMBERS} numbers, got {len(items)}")
    return [_number(i, what) for i in items]


def parse_rows(text: str, what: str) -> list[list[float]]:
    """Rows separated by ';', numbers by ','; every row the same length."""
    rows = [parse_numbers(r, what) for r in text.split(";")]
    if len({len(r) for r in rows}) != 1:
        raise QuizprepError(f"{what}: every row (separated by ';') needs the same number of values")
    if sum(len(r) for r in rows) > MAX_NUMBERS:
        raise QuizprepError(f"{what}: at most {MAX_NUMBERS} numbers in all")
    return rows


def _param_value(fn: str, key: str, spec: Param, raw: str, classes: int | None) -> Any:
    what = f"--{key.replace('_', '-')}"
    if spec.kind == "choice":
        if raw not in spec.choices:
            raise QuizprepError(f"{what} must be one of {', '.join(spec.choices)}; got {raw!r}")
        return raw
    if spec.kind == "int":
        value = _number(raw, what)
        if value != int(value):
            raise QuizprepError(f"{what} must be a whole number; got {raw!r}")
        return int(value)
    if spec.kind in ("floats", "float_or_floats"):
        values = parse_numbers(raw, what)
        if spec.kind == "float_or_floats" and len(values) == 1:
            return values[0]
        if classes is not None and len(values) != classes:
            raise QuizprepError(f"{what} needs one value per class ({classes}); got {len(values)}")
        return values
    return _number(raw, what)


def _check_param_ranges(fn: str, params: dict[str, Any]) -> None:
    rules = {
        "delta": (lambda v: v > 0, "must be positive"),
        "label_smoothing": (lambda v: 0 <= v <= 1, "must lie in [0, 1]"),
        "gamma": (lambda v: v >= 0, "must be ≥ 0"),
        "p": (lambda v: v in (1, 2), "must be 1 or 2"),
        "margin": (lambda v: v >= 0, "must be ≥ 0"),
    }
    for key, value in params.items():
        if key in rules and value is not None and not rules[key][0](value):
            raise QuizprepError(f"--{key.replace('_', '-')} {rules[key][1]}; got {value:g}")
    if fn in ("focal", "focal-vs-ce") and params.get("alpha", 0) > 1:
        raise QuizprepError("--alpha must be at most 1 (or negative to switch it off)")


def _resolve_params(
    name: str,
    specs: dict[str, Param],
    given: Mapping[str, str | None] | None,
    classes: int | None = None,
) -> dict[str, Any]:
    raw = {k.replace("-", "_"): v for k, v in (given or {}).items() if v is not None}
    unknown = sorted(set(raw) - set(specs))
    if unknown:
        takes = ", ".join(f"--{k.replace('_', '-')}" for k in specs)
        bad = ", ".join(f"--{k.replace('_', '-')}" for k in unknown)
        it_takes = f"it takes {takes}" if takes else "it has no options"
        raise QuizprepError(f"{name} does not take {bad}; {it_takes}")
    values = {k: p.default for k, p in specs.items()}
    for key, text in raw.items():
        values[key] = _param_value(name, key, specs[key], str(text).strip(), classes)
    _check_param_ranges(name, values)
    return values


# ---- running ------------------------------------------------------------------------------


def run(
    name: str,
    x: str | None = None,
    target: str | None = None,
    params: Mapping[str, str | None] | None = None,
) -> dict[str, Any]:
    """Run a function (worked example + gradient check + plot) or a demo, as plain data."""
    key = _canonical(name.strip())
    if key is None:
        raise _unknown(name)
    if key in DEMO_INFO:
        if x is not None or target is not None:
            raise QuizprepError(f"the demo {key!r} takes no --x or --target")
        return _run_demo(key, params)
    return _run_function(SPECS[key], x, target, params)


def _run_demo(name: str, params: Mapping[str, str | None] | None) -> dict[str, Any]:
    from quizprep.core import demos

    summary, specs = DEMO_INFO[name]
    values = _resolve_params(name, specs, params)
    result = demos.run(name, **values)
    return {"kind": "demo", "name": name, "summary": summary, "params": values, **result}


def _shape_input(spec: Spec, x: str | None, target: str | None) -> tuple[Any, Any, int | None]:
    """The user's (or the default) numbers as lists shaped for the core, validated."""
    x_text = spec.x if x is None else x
    t_text = spec.default_target if target is None and x is None else target
    rows = parse_rows(x_text, "--x")
    classes = len(rows[0]) if spec.input == "class-logits" else None
    if spec.target is None:
        if target is not None:
            raise QuizprepError(f"{spec.name} takes no --target")
        return (rows if len(rows) > 1 else rows[0]), None, classes
    if t_text is None:
        raise QuizprepError(f"{spec.name} needs --target as well as --x")
    if spec.input == "class-logits":
        ys = parse_numbers(t_text, "--target")
        if len(ys) != len(rows):
            raise QuizprepError(
                f"--target needs one class index per row of --x ({len(rows)}), got {len(ys)}"
            )
        if any(y != int(y) or not 0 <= y < classes for y in ys):
            raise QuizprepError(f"--target class indices must be whole numbers 0..{classes - 1}")
        return rows, [int(y) for y in ys], classes
    ts = parse_rows(t_text, "--target")
    flat_x = [v for r in rows for v in r]
    flat_t = [v for r in ts for v in r]
    if len(flat_t) != len(flat_x):
        raise QuizprepError(
            f"--target has {len(flat_t)} number{'s' * (len(flat_t) != 1)} but --x has "
            f"{len(flat_x)}: give one per input"
        )
    _check_domains(spec, flat_x, flat_t)
    if len(rows) > 1:
        if [len(r) for r in ts] != [len(r) for r in rows]:
            raise QuizprepError("--target needs the same rows as --x")
        return rows, ts, classes
    return flat_x, flat_t, classes


def _check_domains(spec: Spec, xs: list[float], ts: list[float]) -> None:
    if spec.input == "probabilities" and any(not 0 <= v <= 1 for v in xs):
        raise QuizprepError("bce takes probabilities in [0, 1] (for logits use bce_with_logits)")
    if spec.input == "log-probabilities" and any(v > 0 for v in xs):
        raise QuizprepError("kl_div takes log-probabilities (≤ 0) as --x, e.g. -0.69,-0.69")
    if spec.target == "probability" and any(not 0 <= v <= 1 for v in ts):
        raise QuizprepError(f"{spec.name} targets must lie in [0, 1]")
    if spec.target == "sign" and any(v not in (-1.0, 1.0) for v in ts):
        raise QuizprepError("hinge targets must be +1 or -1")
    if spec.target == "distribution" and any(v < 0 for v in ts):
        raise QuizprepError("kl_div targets are probabilities (≥ 0)")


def _lists(a: Any) -> Any:
    return [float(v) for v in a] if getattr(a, "ndim", 1) == 1 else [_lists(r) for r in a]


def _run_function(
    spec: Spec, x: str | None, target: str | None, raw_params: Mapping[str, str | None] | None
) -> dict[str, Any]:
    import numpy as np

    from quizprep.core import activations, gradcheck, losses

    xs, ts, classes = _shape_input(spec, x, target)
    params = _resolve_params(spec.name, spec.params, raw_params, classes)
    if spec.name == "prelu" and isinstance(params["weight"], list):
        raise QuizprepError("--weight takes one slope here")
    call_params = dict(params)
    xa = np.array(xs, dtype=np.float64)
    extra: dict[str, Any] = {}
    # Users may type numbers near the float64 limit; overflow is reported below as a
    # message, not as NumPy warnings on stderr.
    with np.errstate(all="ignore"):
        try:
            if spec.family == "loss":
                fn = getattr(losses, spec.name)
                args = () if ts is None else (np.array(ts),)
                if spec.name == "l2":
                    value, grad = fn(xa, params["lam"])
                    numeric = gradcheck.numeric_grad(lambda w: fn(w, params["lam"])[0], xa)
                else:
                    value, grad = fn(xa, *args, **call_params)
                    bounds = (0.0, 1.0) if spec.input == "probabilities" else (-np.inf, np.inf)
                    numeric = gradcheck.numeric_grad(
                        lambda v: fn(v, *args, **call_params)[0],
                        xa,
                        lower=bounds[0],
                        upper=bounds[1],
                        floor=1e-3 if spec.input == "probabilities" else 1.0,
                    )
                value_out: Any = float(value)
            else:
                fn = getattr(activations, spec.name)
                out = fn(xa, **call_params)
                value, grad = out[0], out[1]
                if spec.name == "softmax":
                    numeric = np.array(
                        [
                            gradcheck.numeric_grad(lambda v, i=i: fn(v)[0][i], xa)[i]
                            for i in range(xa.size)
                        ]
                    )
                    extra["jacobian"] = _lists(activations.softmax_jacobian(xa))
                else:
                    numeric = gradcheck.numeric_derivative(lambda v: fn(v, **call_params)[0], xa)
                if spec.name == "prelu":
                    extra["dy_dweight"] = _lists(out[2])
                value_out = _lists(value)
        except ValueError as exc:  # the core's own checks, phrased for the user
            raise QuizprepError(f"{spec.name}: {exc}") from None
    finite = [np.isfinite(value).all(), np.isfinite(grad).all(), np.isfinite(numeric).all()]
    if not all(finite):
        raise QuizprepError(
            f"{spec.name}: these numbers are too large for float64 (the result overflows)",
            hint="Try values below about 1e150.",
        )
    check = gradcheck.compare(grad, numeric)
    scale = max(1.0, float(np.max(np.abs(numeric)))) if numeric.size else 1.0
    notes = []
    if check.max_abs_diff > 1e-4 * scale:  # smooth points agree to ~1e-10, kinks to ~0.5
        notes.append(_disagreement_note(spec, xa))
    return {
        "kind": "function",
        "name": spec.name,
        "family": spec.family,
        "summary": spec.summary,
        "formula": spec.formula,
        "derivative": spec.derivative,
        "point": spec.point if x is None else "",
        "input": spec.input,
        "params": params,
        "x": _lists(xa),
        "target": ts,
        "value": value_out,
        "analytic": _lists(np.asarray(grad, dtype=np.float64)),
        "numeric": _lists(numeric),
        "max_abs_diff": check.max_abs_diff,
        "worst_index": list(check.worst_index),
        "notes": notes,
        "extra": extra,
        "plot": _plot(spec, call_params),
    }


def _disagreement_note(spec: Spec, xa: Any) -> str:
    """Why the analytic and numeric gradients differ at some input."""
    if spec.name == "bce" and bool(((xa < math.exp(-100)) | (xa == 1.0)).any()):
        return (
            "At p = 0 or 1 a log is clamped at −100: the analytic value is the gradient of the "
            "clamped loss (0 for that term; PyTorch's backward divides by max(p(1 − p), 1e-12) "
            "instead), while the finite difference sees the steep slope beside the clamp."
        )
    return (
        "Some input sits on a kink or a clamp: the analytic value there is PyTorch's "
        "convention, while the central difference averages the two sides."
    )


def _plot(spec: Spec, params: dict[str, Any]) -> dict[str, Any]:
    """The function and its derivative along one input, the others held fixed."""
    import numpy as np

    from quizprep.core import activations, losses

    name = spec.name
    if spec.family == "activation":
        grid = np.linspace(-5, 5, 201)
        if name == "softmax":
            y, dy = activations.softmax(np.stack([grid, np.zeros_like(grid)], axis=1), axis=1)
            y, dy, label = y[:, 0], dy[:, 0], "y₁ of softmax([x, 0])"
        else:
            y, dy = getattr(activations, name)(grid, **params)[:2]
            label = f"{name}(x)"
        return _series(grid, y, dy, "x", label, "derivative")
    fn = getattr(losses, name)
    kw = dict(params)
    if spec.input == "probabilities":
        grid, target, xlabel = (
            np.linspace(0.001, 0.999, 201),
            1.0,
            "predicted probability p (t = 1)",
        )
    elif spec.input in ("values", "weights"):
        grid, target, xlabel = np.linspace(-3, 3, 201), 0.0, "prediction (target 0)"
    elif spec.input == "scores":
        grid, target, xlabel = np.linspace(-3, 3, 201), 1.0, "score s (t = +1)"
    elif spec.input == "logits":
        grid, target, xlabel = np.linspace(-6, 6, 201), 1.0, "logit x (t = 1)"
    elif spec.input == "class-logits":
        grid, xlabel = np.linspace(-6, 6, 201), "true-class logit (others 0)"
        for k in ("weight", "alpha"):
            kw.pop(k, None)  # per-class weights sized for the user's classes, not the plot's 3
    else:
        grid, xlabel = np.linspace(0.01, 0.99, 197), "q₀ of q = (q₀, 1 − q₀), t = (0.7, 0.3)"
    ys, dys = [], []
    for g in grid:
        if spec.input == "class-logits":
            loss, grad = fn(np.array([[g, 0.0, 0.0]]), [0], **kw)
            d = grad[0, 0]
        elif spec.input == "log-probabilities":
            loss, grad = fn(np.log([g, 1 - g]), np.array([0.7, 0.3]), **kw)
            d = grad[0] / g - grad[1] / (1 - g)  # chain rule from log q to q₀
        elif name == "l2":
            loss, grad = fn(np.array([g]), kw["lam"])
            d = grad[0]
        else:
            loss, grad = fn(np.array([g]), np.array([target]), **kw)
            d = grad[0]
        ys.append(loss)
        dys.append(d)
    return _series(grid, np.array(ys), np.array(dys), xlabel, "loss", "derivative")


def _series(grid: Any, y: Any, dy: Any, xlabel: str, ylabel: str, dylabel: str) -> dict[str, Any]:
    return {
        "x_label": xlabel,
        "y_label": ylabel,
        "dy_label": dylabel,
        "x": _lists(grid),
        "y": _lists(y),
        "dy": _lists(dy),
    }
