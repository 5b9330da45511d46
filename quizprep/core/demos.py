"""Small experiments that show the deck's claims happening in numbers.

Each demo returns plain data: ``{"title", "columns", "rows", "takeaway", "series"}`` where rows
hold floats or short strings (NaN and inf as the strings "nan" / "inf", so the result stays
JSON), and ``series`` is an optional list of ``{"label", "x", "y"}`` curves for a plot.
Randomness is a parameter (``seed``) so every run prints the same table.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from quizprep.core import activations as act
from quizprep.core import losses

Demo = dict[str, Any]


def _cell(v: float) -> float | str:
    v = float(v)
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return v


def _curve(label: str, xs: np.ndarray, ys: np.ndarray) -> dict[str, Any]:
    return {"label": label, "x": [float(v) for v in xs], "y": [float(v) for v in ys]}


def ce_vs_mse() -> Demo:
    """Gradient w.r.t. the logit when the true label is 1: CE vs MSE on the sigmoid output."""
    logits = np.array([-8.0, -4.0, -2.0, 0.0, 2.0, 4.0])
    rows = []
    for z in logits:
        ce, ce_grad = losses.bce_with_logits(np.array([z]), np.array([1.0]))
        p, dp = act.sigmoid(np.array([z]))
        mse, mse_grad_p = losses.mse(p, np.array([1.0]))
        rows.append([z, float(p[0]), ce, abs(ce_grad[0]), mse, abs(mse_grad_p[0] * dp[0])])
    grid = np.linspace(-8, 4, 121)
    p, dp = act.sigmoid(grid)
    worst = rows[0]
    return {
        "title": "CE vs MSE-on-sigmoid when the label is 1",
        "columns": ["logit z", "p = σ(z)", "CE", "|∂CE/∂z|", "MSE", "|∂MSE/∂z|"],
        "rows": rows,
        "takeaway": (
            f"Confidently wrong (z = -8, p = {worst[1]:.4f}): CE pushes with gradient "
            f"{worst[3]:.3f}, MSE on the sigmoid with only {worst[5]:.1e} — MSE's gradient "
            "vanishes exactly when the model most needs to learn."
        ),
        "series": [
            _curve("|∂CE/∂z|", grid, 1 - p),
            _curve("|∂MSE/∂z|", grid, 2 * (1 - p) * dp),
        ],
    }


def _backprop_norms(act_name: str, gain: float, depth: int, width: int, seed: int) -> tuple:
    """A width×width MLP h ← act(W·h) with W ~ N(0, gain²/width), fed a standard-normal input;
    returns the gradient norm reaching each layer's input (a unit-norm upstream gradient at the
    top) and the mean |act′| over all pre-activations."""
    rng = np.random.default_rng(seed)
    h = rng.standard_normal(width)
    weights, slopes = [], []
    for _ in range(depth):
        w = rng.standard_normal((width, width)) * (gain / math.sqrt(width))
        h, dh = getattr(act, act_name)(w @ h)
        weights.append(w)
        slopes.append(dh)
    g = rng.standard_normal(width)
    g /= np.linalg.norm(g)
    norms = []
    for w, dh in zip(reversed(weights), reversed(slopes), strict=True):
        g = w.T @ (g * dh)
        norms.append(float(np.linalg.norm(g)))
    return norms, float(np.mean(np.abs(slopes)))


def vanishing(depth: int = 20, width: int = 64, seed: int = 0) -> Demo:
    """Gradient norms through a real stack of dense layers: random weights at the usual
    scales, so pre-activations are spread out and saturation can show."""
    cases = {
        "sigmoid": ("sigmoid", 1.0),  # LeCun scale, Var(W) = 1/n
        "sigmoid ×4": ("sigmoid", 4.0),  # weights 4× larger: pre-activations of std ~2
        "tanh": ("tanh", 1.0),
        "tanh ×4": ("tanh", 4.0),
        "relu (He)": ("relu", math.sqrt(2.0)),
    }
    runs = {k: _backprop_norms(a, g, depth, width, seed) for k, (a, g) in cases.items()}
    shown = [n for n in (1, 2, 5, 10, 15, 20) if n < depth] + [depth]
    rows = [[float(n)] + [runs[k][0][n - 1] for k in cases] for n in shown]
    rows.append(["mean act′"] + [runs[k][1] for k in cases])
    last = {k: runs[k][0][-1] for k in cases}
    slope = {k: runs[k][1] for k in cases}
    layers = np.arange(1, depth + 1)

    def fate(key: str) -> str:
        return f"{'grows' if last[key] > 1 else 'shrinks'} to {last[key]:.1e}"

    return {
        "title": f"Gradient norm back through {depth} dense layers of {width} units",
        "columns": ["layers back", *cases],
        "rows": rows,
        "takeaway": (
            f"Weights std gain/√n, N(0, 1) input, unit gradient at the top. Sigmoid "
            f"(σ′ ≤ ¼, mean {slope['sigmoid']:.2f}) {fate('sigmoid')} after {depth} layers; "
            f"tanh {fate('tanh')}. With 4× weights the units saturate (mean σ′ "
            f"{slope['sigmoid ×4']:.2f}, tanh′ {slope['tanh ×4']:.2f}), yet the gradient is "
            f"∏ Wᵀ·act′: sigmoid {fate('sigmoid ×4')}, tanh {fate('tanh ×4')}. ReLU with "
            f"He's √2 gain keeps {last['relu (He)']:.2f}."
        ),
        "series": [
            _curve(f"log10 ‖grad‖, {k}", layers, np.log10(np.maximum(runs[k][0], 1e-300)))
            for k in cases
        ],
    }


def dead_relu(seed: int = 0) -> Demo:
    """Units whose bias was pushed far negative never fire again, and get no gradient."""
    rng = np.random.default_rng(seed)
    inputs = rng.standard_normal((256, 4))
    weights = rng.standard_normal((4, 6)) * 0.5
    biases = np.array([1.0, 0.0, -1.0, -2.0, -4.0, -8.0])
    pre = inputs @ weights + biases
    _, d_relu = act.relu(pre)
    _, d_leaky = act.leaky_relu(pre, negative_slope=0.01)
    rows = []
    for unit, b in enumerate(biases):
        active = float(d_relu[:, unit].mean())
        g_relu = np.linalg.norm(inputs.T @ d_relu[:, unit]) / len(inputs)
        g_leaky = np.linalg.norm(inputs.T @ d_leaky[:, unit]) / len(inputs)
        rows.append([b, 100 * active, g_relu, g_leaky])
    dead = [r for r in rows if r[1] == 0.0]
    first_dead = f"{dead[0][0]:g}" if dead else "none"
    return {
        "title": "Six ReLU units on 256 inputs, after their biases drifted",
        "columns": ["bias", "% inputs active", "‖∂/∂w‖ relu", "‖∂/∂w‖ leaky 0.01"],
        "rows": rows,
        "takeaway": (
            f"{len(dead)} of 6 units (bias ≤ {first_dead}) fire on no input: their ReLU "
            "gradient is exactly 0, so no update can revive them; leaky ReLU's 0.01 slope "
            "still sends a signal. The norms take ∂L/∂a = 1 for every example (a unit "
            "upstream gradient on each unit's output), so they show the activation's gate "
            "alone; a dead unit's 0 holds whatever the upstream gradient is."
        ),
        "series": [],
    }


def focal_vs_ce(gamma: float = 2.0, alpha: float = 0.25) -> Demo:
    """How much of the CE loss focal keeps on positives, with α's and γ's shares apart."""
    p_t = np.array([0.99, 0.9, 0.7, 0.5, 0.3, 0.1])
    alpha_t = alpha if alpha >= 0 else 1.0  # on a positive α_t = α; α < 0 switches it off
    rows = []
    for p in p_t:
        z = np.array([math.log(p / (1 - p))])
        ce, ce_g = losses.bce_with_logits(z, np.array([1.0]))
        fl, fl_g = losses.focal(z, np.array([1.0]), alpha=alpha, gamma=gamma)
        rows.append([p, ce, alpha_t, (1 - p) ** gamma, fl, fl / ce, abs(fl_g[0]) / abs(ce_g[0])])
    grid = np.linspace(0.01, 0.99, 99)
    z = np.log(grid / (1 - grid))
    ce_curve = -np.log(grid)
    fl_curve = np.array(
        [losses.focal(np.array([v]), np.array([1.0]), alpha=alpha, gamma=gamma)[0] for v in z]
    )
    series = [_curve("CE", grid, ce_curve), _curve("focal", grid, fl_curve)]
    if alpha >= 0:
        series.insert(1, _curve("(1 − p_t)^γ·CE, no α", grid, (1 - grid) ** gamma * ce_curve))
    return {
        "title": f"Focal (γ = {gamma:g}, α = {alpha:g}) vs CE on positives (t = 1)",
        "columns": ["p_t", "CE", "α_t", "(1 − p_t)^γ", "focal", "focal / CE", "|∂| focal/CE"],
        "rows": rows,
        "takeaway": _focal_takeaway(gamma, alpha, rows[0], rows[-1]),
        "series": series,
    }


def _focal_takeaway(gamma: float, alpha: float, easy: list[float], hard: list[float]) -> str:
    """Only claims the rows bear out: focal/CE = α_t·(1 − p_t)^γ, split into its two factors."""
    alpha_part = (
        ""
        if alpha < 0
        else (
            f" α = {alpha:g} multiplies every positive alike (negatives by {1 - alpha:g}): it "
            "rebalances the classes and focuses nothing"
        )
    )
    if gamma == 0:
        if alpha < 0:
            return "With γ = 0 and α off, focal is plain CE: easy and hard examples alike."
        return (
            f"With γ = 0 nothing is focused: focal is CE scaled by α = {alpha:g}, and every "
            f"example keeps the same {easy[5]:.2g} of its CE loss, easy or hard."
        )
    text = (
        f"γ does the focusing: (1 − p_t)^γ keeps {easy[3]:.1e} of an easy example's CE "
        f"(p_t = 0.99) and {hard[3]:.2g} of a hard one's (p_t = 0.1), so the hard ones "
        "dominate the sum."
    )
    if alpha < 0:
        return text
    text += alpha_part
    if alpha < hard[3]:
        text += (
            f", and it is most of the hard example's drop to {hard[5]:.2g} "
            f"({hard[3]:.2g} from γ alone)."
        )
    else:
        text += "."
    return text


def label_smoothing(classes: int = 10, steps: int = 3000, lr: float = 5.0) -> Demo:
    """Gradient descent on one example's logits under smoothed CE: where the gap settles."""
    rows = []
    for eps in (0.0, 0.05, 0.1, 0.2):
        z = np.zeros((1, classes))
        for _ in range(steps):
            _, grad = losses.cross_entropy(z, [0], label_smoothing=eps)
            z -= lr * grad
        gap = float(z[0, 0] - z[0, 1])
        on, off = 1 - eps + eps / classes, eps / classes
        closed = math.log(on / off) if eps > 0 else math.inf
        rows.append([eps, on, off, gap, _cell(closed)])
    gap_01 = rows[2]
    return {
        "title": f"Label smoothing on {classes} classes: the logit gap it settles at",
        "columns": ["ε", "target, true class", "target, others", "gap after GD", "log(on/off)"],
        "rows": rows,
        "takeaway": (
            f"With ε = 0.1 the gap stops at {gap_01[3]:.2f} = log({gap_01[1]:.2f}/"
            f"{gap_01[2]:.2f}); plain CE (ε = 0) is still growing after {steps} steps "
            f"({rows[0][3]:.1f}) and would grow forever."
        ),
        "series": [],
    }


def stable_softmax() -> Demo:
    """float32 softmax as written vs max-shifted, and log(softmax) vs log_softmax."""
    from quizprep.core.objectives import log_softmax_rows

    cases = [
        [1.0, 2.0, 3.0],
        [80.0, 81.0, 82.0],
        [89.0, 90.0, 91.0],
        [-1000.0, -1001.0, -1002.0],
        [0.0, 60.0, 120.0],
    ]
    big = float(np.log(np.finfo(np.float32).max))  # 88.72: exp overflows above it
    rows = []
    for logits in cases:
        x = np.array(logits, dtype=np.float32)
        with np.errstate(all="ignore"):
            naive = np.exp(x) / np.exp(x).sum()
            stable, _ = act.softmax(x)
            log_of_p = np.log(stable[0])
        log_p = log_softmax_rows(x.reshape(1, -1))[0, 0]
        rows.append(
            [
                ",".join(f"{v:g}" for v in logits),
                _cell(naive[0]),
                _cell(stable[0]),
                _cell(log_of_p),
                _cell(log_p),
            ]
        )
    over, lost = rows[2], rows[4]
    return {
        "title": "float32 softmax: naive vs max-shifted; log(p) vs log_softmax",
        "columns": [
            "logits",
            "naive p₁",
            "stable p₁",
            "log(p₁)",
            "log_softmax₁",
        ],
        "rows": rows,
        "takeaway": (
            f"In float32 exp overflows above {big:.1f}: row {over[0]} gives naive "
            f"p = {over[1]} though only differences matter, and -1000 underflows to 0/0; "
            "subtracting the max gives the same probabilities every time. Even then log of a "
            f"probability that underflowed is log 0 = {lost[3]} (row {lost[0]}), while "
            f"log_softmax = z − max − log Σ e^(z − max) gives {lost[4]:g}: why CE takes logits."
        ),
        "series": [],
    }


def attention_scaling(
    d_ks: tuple[int, ...] = (4, 16, 64, 256, 1024),
    keys: int = 16,
    queries: int = 200,
    seed: int = 0,
) -> Demo:
    """Scaled dot-product attention's softmax over ``keys`` scores q·k with q, k ~ N(0, I):
    Var(q·k) = d_k, so without the 1/√d_k the scores spread with d_k and the softmax
    saturates; the Jacobian J = diag(p) − ppᵀ (the gradient to the scores) then vanishes."""
    rng = np.random.default_rng(seed)
    rows = []
    curves: dict[str, list[float]] = {"raw": [], "scaled": []}
    for d in d_ks:
        q = rng.standard_normal((queries, d))
        k = rng.standard_normal((queries, keys, d))
        scores = np.einsum("qd,qkd->qk", q, k)
        row: list[float] = [float(d), float(scores.std())]
        for label, s in (("raw", scores), ("scaled", scores / math.sqrt(d))):
            p, _ = act.softmax(s, axis=1)
            # ‖diag(p) − ppᵀ‖_F² = Σp² − 2Σp³ + (Σp²)²
            sq = (p * p).sum(1)
            jac = np.sqrt(np.maximum(0.0, sq - 2 * (p**3).sum(1) + sq * sq))
            median_j = float(np.median(jac))
            row += [float(np.median(p.max(axis=1))), median_j]
            curves[label].append(median_j)
        rows.append(row)
    first, last = rows[0], rows[-1]
    return {
        "title": f"Attention softmax over {keys} keys, with and without 1/√d_k",
        "columns": ["d_k", "std(q·k)", "max p, q·k", "‖J‖, q·k", "max p, scaled", "‖J‖, scaled"],
        "rows": rows,
        "takeaway": (
            f"q·k sums d_k products of variance 1, so its std is √d_k ({last[1]:.1f} at "
            f"d_k = {last[0]:g}). Unscaled, the softmax puts {last[2]:.3f} on one key and the "
            f"gradient to the scores (‖J‖, J = diag(p) − ppᵀ, median over {queries} queries) "
            f"falls from {first[3]:.2f} at d_k = {first[0]:g} to {last[3]:.1e}; divided by "
            f"√d_k the scores keep variance 1: max p {last[4]:.2f}, ‖J‖ {last[5]:.2f}."
        ),
        "series": [
            _curve("log10 ‖J‖, q·k", np.log2(d_ks), np.log10(np.maximum(curves["raw"], 1e-300))),
            _curve(
                "log10 ‖J‖, q·k/√d_k",
                np.log2(d_ks),
                np.log10(np.maximum(curves["scaled"], 1e-300)),
            ),
        ],
    }


def outliers(steps: int = 4000, lr: float = 0.02) -> Demo:
    """Fit y = a·x + b to ten points on y = 2x + 1, one of them moved far off, under three
    losses, by gradient descent with the core's gradients."""
    x = np.arange(10, dtype=np.float64)
    y = 2 * x + 1
    y[8] = 60.0  # one outlier (the true value is 17)
    rows = []
    fits = {}
    for name, kwargs in (("mse", {}), ("mae", {}), ("huber", {"delta": 1.0})):
        a = b = 0.0
        fn = getattr(losses, name)
        for step in range(steps):
            _, g = fn(a * x + b, y, **kwargs)
            rate = lr if name == "mse" else lr * 20 / math.sqrt(step + 1)
            a -= rate * float(g @ x)
            b -= rate * float(g.sum())
        fits[name] = (a, b)
        inliers = np.delete(np.arange(10), 8)
        err = float(np.abs(a * x[inliers] + b - y[inliers]).mean())
        rows.append([name, a, b, err])
    grid = np.linspace(0, 9, 46)
    return {
        "title": "Fitting a line through one outlier (true line y = 2x + 1)",
        "columns": ["loss", "slope", "intercept", "mean |error| on the 9 inliers"],
        "rows": rows,
        "takeaway": (
            f"The outlier drags the MSE slope to {fits['mse'][0]:.2f}; MAE "
            f"({fits['mae'][0]:.2f}) and Huber ({fits['huber'][0]:.2f}) stay near 2, because "
            "their gradient per point is capped while MSE's grows with the residual."
        ),
        "series": [_curve(f"fit, {n}", grid, a * grid + b) for n, (a, b) in fits.items()],
    }


def run(name: str, **params: Any) -> Demo:
    """Run the demo ``name``; rows come back as plain floats and strings."""
    demo = DEMOS[name](**params)
    demo["rows"] = [[v if isinstance(v, str) else _cell(v) for v in row] for row in demo["rows"]]
    return demo


DEMOS = {
    "ce-vs-mse": ce_vs_mse,
    "vanishing": vanishing,
    "dead-relu": dead_relu,
    "focal-vs-ce": focal_vs_ce,
    "label-smoothing": label_smoothing,
    "stable-softmax": stable_softmax,
    "outliers": outliers,
    "attention-scaling": attention_scaling,
}
