"""Central-difference gradients, to check the analytic ones.

The step for element i is ``h·max(1, |x_i|)``: relative for large inputs, absolute near 0.
With h ≈ ∛eps (6e-6 in float64) the truncation error O(h²) and the rounding error O(eps/h)
balance at about 1e-10 relative. Work is always done in float64, whatever the input dtype.

Near a kink the central difference straddles it and averages both sides, so checks are made
at points at least a step away. Where a function is defined only on one side of a bound
(probabilities at exactly 0 or 1), ``lower``/``upper`` switch that element to a one-sided
difference that stays inside the domain.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

Array = np.ndarray

DEFAULT_STEP = float(np.finfo(np.float64).eps ** (1 / 3))


def _steps(x: Array, h: float, floor: float = 1.0) -> Array:
    return h * np.maximum(floor, np.abs(x))


def _difference(
    f: Callable[[Array], Any], x: Array, i: int, step: float, lower: float, upper: float
) -> float:
    """d f / d x_i for a scalar f, central unless a bound forces one side."""

    def at(offset: float) -> float:
        probe = x.copy()
        probe.flat[i] += offset
        return float(f(probe))

    xi = float(x.flat[i])
    if xi - step < lower:  # forward, second order: (-3f0 + 4f1 - f2) / 2h
        return (-3 * at(0.0) + 4 * at(step) - at(2 * step)) / (2 * step)
    if xi + step > upper:
        return (3 * at(0.0) - 4 * at(-step) + at(-2 * step)) / (2 * step)
    return (at(step) - at(-step)) / (2 * step)


def numeric_grad(
    f: Callable[[Array], Any],
    x: Any,
    h: float = DEFAULT_STEP,
    lower: float = -np.inf,
    upper: float = np.inf,
    floor: float = 1.0,
) -> Array:
    """The gradient of the scalar function ``f`` at ``x`` by finite differences (float64).

    ``floor`` is the smallest |x| the step scales with: lower it for inputs such as small
    probabilities, where an absolute step of 6e-6 would be coarse.
    """
    base = np.array(x, dtype=np.float64)
    steps = _steps(base, h, floor)
    out = np.empty_like(base)
    for i in range(base.size):
        out.flat[i] = _difference(f, base, i, float(steps.flat[i]), lower, upper)
    return out


def numeric_derivative(
    f: Callable[[Array], Any],
    x: Any,
    h: float = DEFAULT_STEP,
    lower: float = -np.inf,
    upper: float = np.inf,
) -> Array:
    """The elementwise derivative of an elementwise ``f`` (all elements at once)."""
    base = np.array(x, dtype=np.float64)
    steps = _steps(base, h)
    plus = np.minimum(base + steps, upper)
    minus = np.maximum(base - steps, lower)
    return (np.asarray(f(plus), dtype=np.float64) - np.asarray(f(minus), dtype=np.float64)) / (
        plus - minus
    )


@dataclass(frozen=True)
class GradCheck:
    """Analytic beside numeric, and how far apart they are."""

    analytic: Array
    numeric: Array
    max_abs_diff: float
    worst_index: tuple[int, ...]
    max_rel_diff: float

    def ok(self, rtol: float = 1e-6, atol: float = 1e-9) -> bool:
        bound = atol + rtol * np.abs(self.numeric)
        return bool(np.all(np.abs(self.analytic - self.numeric) <= bound))


def compare(analytic: Any, numeric: Any) -> GradCheck:
    """Summarise the gap between an analytic and a numeric gradient."""
    a = np.asarray(analytic, dtype=np.float64)
    n = np.asarray(numeric, dtype=np.float64)
    diff = np.abs(a - n)
    if diff.size == 0:
        return GradCheck(a, n, 0.0, (), 0.0)
    worst = np.unravel_index(int(np.argmax(diff)), diff.shape)
    scale = np.maximum(np.abs(n), 1e-300)
    return GradCheck(
        a, n, float(diff.max()), tuple(int(i) for i in worst), float((diff / scale).max())
    )


def check_loss(
    loss_fn: Callable[..., tuple[float, Array]],
    x: Any,
    *args: Any,
    lower: float = -np.inf,
    upper: float = np.inf,
    h: float = DEFAULT_STEP,
    **params: Any,
) -> GradCheck:
    """Compare ``loss_fn(x, *args, **params)``'s gradient with finite differences."""
    x64 = np.array(x, dtype=np.float64)
    _, grad = loss_fn(x64, *args, **params)
    numeric = numeric_grad(lambda p: loss_fn(p, *args, **params)[0], x64, h, lower, upper)
    return compare(grad, numeric)


def check_activation(
    act_fn: Callable[..., tuple[Array, ...]], x: Any, h: float = DEFAULT_STEP, **params: Any
) -> GradCheck:
    """Compare an elementwise activation's derivative with finite differences."""
    x64 = np.array(x, dtype=np.float64)
    analytic = act_fn(x64, **params)[1]
    numeric = numeric_derivative(lambda p: act_fn(p, **params)[0], x64, h)
    return compare(analytic, numeric)
