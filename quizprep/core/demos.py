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


def vanishing(depth: int = 20) -> Demo:
    """Gradient through a chain of layers h ← act(h) (weight 1), from input 0.5."""
    rows = []
    grads = {"sigmoid": 1.0, "tanh": 1.0, "relu": 1.0}
    h = dict.fromkeys(grads, 0.5)
    history: dict[str, list[float]] = {name: [] for name in grads}
    for layer in range(1, depth + 1):
        for name in grads:
            y, dy = getattr(act, name)(np.array([h[name]]))
            grads[name] *= float(dy[0])
            h[name] = float(y[0])
            history[name].append(grads[name])
        if layer in (1, 2, 5, 10, 15, 20) or layer == depth:
            rows.append([float(layer), grads["sigmoid"], grads["tanh"], grads["relu"]])
    layers = np.arange(1, depth + 1)
    return {
        "title": f"Gradient reaching the input through {depth} stacked activations",
        "columns": ["layers", "sigmoid", "tanh", "relu"],
        "rows": rows,
        "takeaway": (
            f"After {depth} sigmoid layers only {grads['sigmoid']:.1e} of the gradient is "
            f"left (σ' ≤ ¼ each layer); tanh keeps {grads['tanh']:.1e}, ReLU all of it: "
            f"{grads['relu']:.0f}."
        ),
        "series": [
            _curve(f"log10 grad, {name}", layers, np.log10(np.maximum(history[name], 1e-300)))
            for name in history
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
            "still sends a signal."
        ),
        "series": [],
    }


def focal_vs_ce(gamma: float = 2.0, alpha: float = 0.25) -> Demo:
    """How much of the CE loss focal keeps, from easy to hard positives."""
    p_t = np.array([0.99, 0.9, 0.7, 0.5, 0.3, 0.1])
    rows = []
    for p in p_t:
        z = np.array([math.log(p / (1 - p))])
        ce, ce_g = losses.bce_with_logits(z, np.array([1.0]))
        fl, fl_g = losses.focal(z, np.array([1.0]), alpha=alpha, gamma=gamma)
        rows.append([p, ce, fl, fl / ce, abs(ce_g[0]), abs(fl_g[0])])
    grid = np.linspace(0.01, 0.99, 99)
    z = np.log(grid / (1 - grid))
    ce_curve = -np.log(grid)
    fl_curve = np.array(
        [losses.focal(np.array([v]), np.array([1.0]), alpha=alpha, gamma=gamma)[0] for v in z]
    )
    return {
        "title": f"Focal (γ = {gamma:g}, α = {alpha:g}) vs CE on positives",
        "columns": ["p_t", "CE", "focal", "focal / CE", "|∂CE/∂z|", "|∂focal/∂z|"],
        "rows": rows,
        "takeaway": _focal_takeaway(gamma, alpha, rows[0][3], rows[-1][3]),
        "series": [_curve("CE", grid, ce_curve), _curve("focal", grid, fl_curve)],
    }


def _focal_takeaway(gamma: float, alpha: float, easy: float, hard: float) -> str:
    factor = "(1 - p_t)^γ" if alpha < 0 else "α·(1 - p_t)^γ"
    if gamma == 0:
        if alpha < 0:
            return "With γ = 0 and α off, focal is plain CE: easy and hard examples alike."
        return (
            f"With γ = 0 nothing is focused: focal is CE scaled by α = {alpha:g}, and every "
            f"example keeps the same {easy:.2g} of its CE loss, easy or hard."
        )
    return (
        f"An easy example (p_t = 0.99) keeps {easy:.1e} of its CE loss, a hard one "
        f"(p_t = 0.1) keeps {hard:.2f}: focal down-weights easy examples by {factor}, "
        "so the hard ones dominate the sum."
    )


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
    """exp(x)/Σexp(x) as written vs with the maximum subtracted first."""
    cases = [
        [1.0, 2.0, 3.0],
        [100.0, 101.0, 102.0],
        [1000.0, 1001.0, 1002.0],
        [-1000.0, -1001.0, -1002.0],
    ]
    rows = []
    for logits in cases:
        x = np.array(logits)
        with np.errstate(all="ignore"):
            naive = np.exp(x) / np.exp(x).sum()
        stable, _ = act.softmax(x)
        rows.append(
            [",".join(f"{v:g}" for v in logits)]
            + [_cell(v) for v in naive]
            + [float(v) for v in stable]
        )
    return {
        "title": "Softmax: naive exp(x)/Σexp(x) vs subtracting the max first",
        "columns": [
            "logits",
            "naive p₁",
            "naive p₂",
            "naive p₃",
            "stable p₁",
            "stable p₂",
            "stable p₃",
        ],
        "rows": rows,
        "takeaway": (
            "Shifting all logits by 1000 changes nothing mathematically, but exp(1000) "
            "overflows and exp(-1000) underflows: the naive form returns nan, the max-shifted "
            "one the same probabilities every time."
        ),
        "series": [],
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
}
