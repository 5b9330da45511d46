"""Running one ``quizprep math`` function on parsed numbers: the value, the analytic gradient
beside a central-difference one, notes where they cannot agree, and the curve to plot.

:mod:`quizprep.core.lab` parses and validates the user's text; this module computes. Every
function of the registry is called through :func:`_call`, which knows the few that take more
than ``(input, target, **params)``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from quizprep.core import activations, gradcheck, losses, objectives
from quizprep.core.registry import Spec
from quizprep.errors import QuizprepError

Array = np.ndarray
_TEACHER = (4.0, 1.0, -1.0)  # the distillation plot's fixed teacher logits
# points per plotted curve: twice the braille dots across half an 80-column screen (and
# each point costs a call of the function, which start-up pays for)
POINTS = 121


def core_function(name: str) -> Callable[..., Any]:
    for module in (losses, objectives, activations):
        if hasattr(module, name) and name in module.__all__:
            return getattr(module, name)
    raise KeyError(name)


def lists(a: Any, gaps: bool = False) -> Any:
    """An array as nested lists of floats (non-finite values as None when ``gaps``)."""
    if getattr(a, "ndim", 1) != 1:
        return [lists(r, gaps) for r in a]
    out = [float(v) for v in a]
    return [v if math.isfinite(v) else None for v in out] if gaps else out


def _loss_call(spec: Spec, params: dict[str, Any], ta: Array | None) -> Callable[[Array], Any]:
    """``x -> (loss, grad of x, extra)`` for a loss, with the target and parameters bound."""
    fn = core_function(spec.name)
    name = spec.name
    if name == "l2":
        return lambda v: (*fn(v, params["lam"]), None)
    if name == "triplet_margin":

        def triplet(v: Array) -> tuple[float, Array, None]:
            k = v.shape[0] // 3
            loss, grads = fn(v[:k], v[k : 2 * k], v[2 * k :], **params)
            return loss, np.concatenate(grads), None

        return triplet
    if name == "gaussian_nll":
        var = np.asarray(params["var"], dtype=np.float64)
        if var.ndim and var.size != ta.size:
            raise QuizprepError(f"--var needs one value or one per input ({ta.size})")
        var = var.reshape(ta.shape) if var.ndim else var
        rest = {k: v for k, v in params.items() if k != "var"}
        return lambda v: fn(v, ta, var, **rest)
    args = () if ta is None else (ta,)
    return lambda v: (*fn(v, *args, **params), None)


def _gaussian_var_check(params: dict[str, Any], xa: Array, ta: Array) -> dict[str, Any]:
    """The variance gradient of gaussian_nll, analytic beside numeric."""
    var = np.asarray(params["var"], dtype=np.float64)
    var = var.reshape(ta.shape) if var.ndim else var
    rest = {k: v for k, v in params.items() if k != "var"}
    _, _, analytic = objectives.gaussian_nll(xa, ta, var, **rest)
    # one-sided at the floor eps, where the clamp makes the loss flat to the left
    numeric = gradcheck.numeric_grad(
        lambda w: objectives.gaussian_nll(xa, ta, w, **rest)[0],
        var,
        lower=params["eps"],
        floor=1e-3,
    )
    check = gradcheck.compare(analytic, numeric)
    return {
        "label": "∂L/∂var",
        "values": lists(np.atleast_1d(analytic).reshape(-1)),
        "numeric": lists(np.atleast_1d(numeric).reshape(-1)),
        "max_abs_diff": check.max_abs_diff,
    }


def evaluate(spec: Spec, xs: Any, ts: Any, params: dict[str, Any]) -> dict[str, Any]:
    """The worked example for ``spec`` on validated numbers: the plain-data result."""
    if spec.name == "prelu" and isinstance(params["weight"], list):
        raise QuizprepError("--weight takes one slope here")
    values = params.get("value")
    if spec.name == "swiglu" and isinstance(values, list) and len(values) != np.size(xs):
        raise QuizprepError(f"--value needs one number or one per input ({np.size(xs)})")
    xa = np.array(xs, dtype=np.float64)
    ta = None if ts is None else np.array(ts, dtype=np.float64 if spec.target != "class" else int)
    extra: dict[str, Any] = {}
    log_zero = np.isneginf(xa)  # kl_div's log 0, typed as -inf
    # Users may type numbers near the float64 limit; overflow is reported below as a
    # message, not as NumPy warnings on stderr.
    with np.errstate(all="ignore"):
        try:
            if spec.family == "loss":
                call = _loss_call(spec, params, ta)
                value, grad, _ = call(xa)
                probabilities = spec.input == "probabilities"
                finite_x = np.where(log_zero, -1.0, xa)
                numeric = gradcheck.numeric_grad(
                    lambda v: call(np.where(log_zero, -np.inf, v))[0],
                    finite_x,
                    lower=0.0 if probabilities else -np.inf,
                    upper=1.0 if probabilities else np.inf,
                    floor=1e-3 if probabilities else 1.0,
                )
                if spec.name == "gaussian_nll":
                    extra["second"] = _gaussian_var_check(params, xa, ta)
                value_out: Any = float(value)
            else:
                value, grad, numeric = _activation(spec, xa, params, extra)
                value_out = lists(value)
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
    if log_zero.any():
        notes.append(
            "x = -inf is log 0 with target 0: the term 0·log 0 counts as 0 and its gradient "
            "is 0 (the loss does not depend on it; the finite difference is taken at x = -1). "
            "PyTorch's kl_div returns nan there, from 0·(-inf)."
        )
    return {
        "kind": "function",
        "name": spec.name,
        "family": spec.family,
        "summary": spec.summary,
        "formula": spec.formula,
        "derivative": spec.derivative,
        "input": spec.input,
        "params": params,
        "x": lists(xa),
        "target": ts,
        "value": value_out,
        "analytic": lists(np.asarray(grad, dtype=np.float64)),
        "numeric": lists(numeric),
        "max_abs_diff": check.max_abs_diff,
        "worst_index": list(check.worst_index),
        "notes": notes,
        "extra": extra,
        "plot": _plot(spec, params),
    }


def _activation(
    spec: Spec, xa: Array, params: dict[str, Any], extra: dict[str, Any]
) -> tuple[Array, Array, Array]:
    fn = core_function(spec.name)
    kw = dict(params)
    if spec.name == "swiglu":
        kw["value"] = np.broadcast_to(
            np.asarray(params["value"], dtype=np.float64).reshape(
                xa.shape if isinstance(params["value"], list) else ()
            ),
            xa.shape,
        )
    out = fn(xa, **kw)
    value, grad = out[0], out[1]
    if spec.name == "softmax":
        # ∂yᵢ/∂xᵢ per element (the Jacobian's diagonal), each by its own difference
        numeric = np.empty_like(xa)
        for i in range(xa.size):
            numeric.flat[i] = gradcheck.numeric_grad(lambda v, i=i: fn(v)[0].flat[i], xa).flat[i]
        if xa.ndim == 1:
            extra["jacobian"] = lists(activations.softmax_jacobian(xa))
    else:
        numeric = gradcheck.numeric_derivative(lambda v: fn(v, **kw)[0], xa)
    if spec.name == "prelu":
        extra["column"] = {"label": "∂y/∂a", "values": lists(out[2])}
    if spec.name == "swiglu":
        extra["column"] = {"label": "∂y/∂b", "values": lists(out[2])}
    return value, grad, numeric


def _disagreement_note(spec: Spec, xa: Array) -> str:
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
    name = spec.name
    fn = core_function(name)
    kw = {k: v for k, v in params.items() if not isinstance(v, list)}
    with np.errstate(all="ignore"):
        if spec.family == "activation":
            return _activation_plot(name, fn, kw)
        grid, xlabel, point = _loss_axis(spec, kw)
        ys, dys = [], []
        for g in grid:
            loss, d = point(fn, float(g))
            ys.append(loss)
            dys.append(d)
    return _series(grid, np.array(ys), np.array(dys), xlabel, "loss", "derivative")


def _activation_plot(name: str, fn: Callable[..., Any], kw: dict[str, Any]) -> dict[str, Any]:
    grid = np.linspace(-5, 5, POINTS)
    if name == "softmax":
        y, dy = fn(np.stack([grid, np.zeros_like(grid)], axis=1), axis=1)
        return _series(grid, y[:, 0], dy[:, 0], "x", "y₁ of softmax([x, 0])", "derivative")
    if name == "swiglu":
        kw = {**kw, "value": kw.get("value", 1.0)}
        label = f"swiglu(x) with b = {kw['value']:g}"
    else:
        label = f"{name}(x)"
    y, dy = fn(grid, **kw)[:2]
    return _series(grid, y, dy, "x", label, "derivative")


PointFn = Callable[[Callable[..., Any], float], tuple[float, float]]


def _loss_axis(spec: Spec, kw: dict[str, Any]) -> tuple[Array, str, PointFn]:
    """The plot's grid, its label, and loss and derivative at one grid point."""
    name = spec.name
    if name == "info_nce":
        return (
            np.linspace(-1, 1, POINTS),
            "similarity of the positive (2 negatives at 0)",
            lambda f, g: _first(f(np.array([[g, 0.0, 0.0]]), [0], **kw), (0, 0)),
        )
    if name == "triplet_margin":

        def at(f: Callable[..., Any], g: float) -> tuple[float, float]:
            loss, grads = f([0.0, 0.0], [1.0, 0.0], [0.0, g], **kw)
            return loss, float(grads[2][1])

        return np.linspace(0, 3, POINTS), "distance to the negative (positive at 1)", at
    if name == "distill_kl":
        return (
            np.linspace(-6, 6, POINTS),
            "student logit s₀ (others 0; teacher 4, 1, −1)",
            lambda f, g: _first(f(np.array([[g, 0.0, 0.0]]), np.array([_TEACHER]), **kw), (0, 0)),
        )
    if name == "gaussian_nll":
        var = kw.get("var", 1.0)
        return (
            np.linspace(-3, 3, POINTS),
            f"prediction (target 0, var {var:g})",
            lambda f, g: _first(f(np.array([g]), np.array([0.0]), **kw)[:2], (0,)),
        )
    if name == "poisson_nll":
        if kw.get("log_input", True):
            grid, xlabel = np.linspace(-2, 3, POINTS), "log-rate x (count t = 2)"
        else:
            grid, xlabel = np.linspace(0.05, 6, POINTS), "rate λ (count t = 2)"
        return grid, xlabel, lambda f, g: _first(f(np.array([g]), np.array([2.0]), **kw), (0,))
    if spec.input == "class-logits":
        kw = {k: v for k, v in kw.items() if k not in ("weight", "alpha")}
        return (
            np.linspace(-6, 6, POINTS),
            "true-class logit (others 0)",
            lambda f, g: _first(f(np.array([[g, 0.0, 0.0]]), [0], **kw), (0, 0)),
        )
    if spec.input == "log-probabilities":

        def kl(f: Callable[..., Any], g: float) -> tuple[float, float]:
            # one (1, 2) row, so batchmean divides by 1 and the curve is the KL itself
            loss, grad = f(np.log([[g, 1 - g]]), np.array([[0.7, 0.3]]), **kw)
            return loss, grad[0, 0] / g - grad[0, 1] / (1 - g)  # chain rule from log q to q₀

        return np.linspace(0.01, 0.99, POINTS), "q₀ of q = (q₀, 1 − q₀), t = (0.7, 0.3)", kl
    if name == "l2":
        return (
            np.linspace(-3, 3, POINTS),
            "weight w",
            lambda f, g: _first(f(np.array([g]), kw["lam"]), (0,)),
        )
    grid, target, xlabel = {
        "probabilities": (
            np.linspace(0.001, 0.999, POINTS),
            1.0,
            "predicted probability p (t = 1)",
        ),
        "scores": (np.linspace(-3, 3, POINTS), 1.0, "score s (t = +1)"),
        "logits": (np.linspace(-6, 6, POINTS), 1.0, "logit x (t = 1)"),
    }.get(spec.input, (np.linspace(-3, 3, POINTS), 0.0, "prediction (target 0)"))
    return (
        grid,
        xlabel,
        lambda f, g: _first(f(np.array([g]), np.array([target]), **kw), (0,)),
    )


def _first(out: tuple[Any, ...], index: tuple[int, ...]) -> tuple[float, float]:
    return float(out[0]), float(out[1][index])


def _series(grid: Any, y: Any, dy: Any, xlabel: str, ylabel: str, dylabel: str) -> dict[str, Any]:
    return {
        "x_label": xlabel,
        "y_label": ylabel,
        "dy_label": dylabel,
        "x": lists(grid),
        "y": lists(y, gaps=True),
        "dy": lists(dy, gaps=True),
    }
