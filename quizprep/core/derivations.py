"""Derive-the-gradient exercises: the user types an expression, we compare it with the core.

Each :class:`Derivation` names the function being differentiated (``function``), its exact
derivative from the verified core (``reference``), the variables the answer may use and where
to sample them. :func:`check` parses the user's expression with :mod:`quizprep.core.expr` (never
``eval``), evaluates it at seeded random points, and returns the first point where it disagrees
with the reference, with both values: a counterexample the user can check by hand.

Points are drawn away from kinks (Huber's ±δ, ReLU's 0), where a derivative is a convention.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np

from quizprep.core import activations as act
from quizprep.core import expr, losses

Array = np.ndarray

POINTS = 48
VECTOR_SIZE = 5
RTOL = 1e-6
ATOL = 1e-9


class Variable(NamedTuple):
    name: str
    low: float
    high: float
    vector: bool = False  # a vector of VECTOR_SIZE classes instead of one number
    meaning: str = ""


class Derivation(NamedTuple):
    name: str
    title: str  # what to differentiate, in words and symbols
    variables: tuple[Variable, ...]
    function: Callable[..., Array]  # the quantity differentiated (for the tests' check)
    reference: Callable[..., Array]  # its derivative, from the core
    wrt: str  # the variable differentiated
    answer: str  # one correct expression in our grammar
    avoid: Callable[..., Array] | None = None  # True where a point is too close to a kink


class Mismatch(NamedTuple):
    point: dict[str, list[float]]
    got: list[float]
    want: list[float]


class DeriveResult(NamedTuple):
    ok: bool
    message: str
    mismatch: Mismatch | None = None
    error_column: int = 0
    rated: bool = True  # False for an expression that did not parse: nothing to rate yet

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "message": self.message,
            "counterexample": None if self.mismatch is None else self.mismatch._asdict(),
            "column": self.error_column,
            "rated": self.rated,
        }


def _sig(x: Array) -> Array:
    return act.sigmoid(x)[0]


def _bce_elem(z: Array, y: Array) -> Array:
    return np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z)))


def _bce_grad(z: Array, y: Array) -> Array:
    return losses.bce_with_logits(z, y)[1] * z.size


def _huber_elem(a: Array, d: Array) -> Array:
    return np.where(np.abs(a) < d, 0.5 * a * a, d * (np.abs(a) - 0.5 * d))


def _huber_grad(a: Array, d: Array) -> Array:
    # core.huber takes one scalar δ; each sampled point has its own
    return np.array(
        [losses.huber(ai, 0.0, float(di))[1] for ai, di in zip(a.flat, d.flat, strict=True)]
    )


def _focal_p(p: Array, g: Array) -> Array:
    return -((1 - p) ** g) * np.log(p)


def _focal_p_grad(p: Array, g: Array) -> Array:
    # d/dp of −(1−p)^γ log p, the focal term on the true class's probability
    return g * (1 - p) ** (g - 1) * np.log(p) - (1 - p) ** g / p


def _log_softmax_diag(z: Array) -> Array:
    return act.softmax(z)[0]


def _mse_elem(yhat: Array, y: Array) -> Array:
    return (yhat - y) ** 2


def _mse_grad(yhat: Array, y: Array) -> Array:
    return losses.mse(yhat, y)[1] * yhat.size


def _ce_grad(z: Array, t: Array) -> Array:
    return act.softmax(z)[0] - t


def _jvp(z: Array, v: Array) -> Array:
    return act.softmax(z, v)[1]


def _elu_grad(x: Array, alpha: Array) -> Array:
    return np.where(x > 0, 1.0, alpha * np.exp(np.minimum(x, 0)))


def _l2_grad(w: Array, lam: Array) -> Array:
    return lam * w  # core.l2's gradient λ·w, elementwise for a per-point λ


def _scalar(name: str, low: float, high: float, meaning: str = "") -> Variable:
    return Variable(name, low, high, False, meaning)


def _vector(name: str, low: float, high: float, meaning: str = "") -> Variable:
    return Variable(name, low, high, True, meaning)


DERIVATIONS: tuple[Derivation, ...] = (
    Derivation(
        "bce-logits",
        "∂L/∂z for binary cross-entropy on a logit z with target y: "
        "L = −[y·log σ(z) + (1−y)·log(1−σ(z))]",
        (_scalar("z", -8, 8, "the logit"), _scalar("y", 0, 1, "the target (soft or hard)")),
        _bce_elem, _bce_grad, "z", "sigmoid(z) - y",
    ),
    Derivation(
        "ce-softmax",
        "∂L/∂z for softmax cross-entropy L = −Σ_c t_c·log softmax(z)_c, with t a one-hot or "
        "soft target that sums to 1",
        (_vector("z", -6, 6, "the logits"), _vector("t", 0, 1, "the target distribution")),
        lambda z, t: -(t * (z - np.log(np.exp(z).sum(-1, keepdims=True)))).sum(-1),
        _ce_grad, "z", "softmax(z) - t",
    ),
    Derivation(
        "log-softmax-diag",
        "∂/∂z_i of log softmax(z)_i (the diagonal of the log-softmax Jacobian), for every i",
        (_vector("z", -6, 6, "the logits"),),
        lambda z: z - np.log(np.exp(z).sum(-1, keepdims=True)),
        lambda z: 1 - _log_softmax_diag(z), "z", "1 - softmax(z)",
    ),
    Derivation(
        "softmax-jvp",
        "The backward pass of s = softmax(z): ∂L/∂z given the upstream gradient v = ∂L/∂s",
        (_vector("z", -6, 6, "the logits"), _vector("v", -2, 2, "the upstream gradient ∂L/∂s")),
        lambda z, v: (act.softmax(z)[0] * v).sum(-1),
        _jvp, "z", "softmax(z) * (v - sum(softmax(z) * v))",
    ),
    Derivation(
        "sigmoid",
        "d/dx σ(x), the logistic sigmoid",
        (_scalar("x", -10, 10),),
        _sig, lambda x: act.sigmoid(x)[1], "x", "sigmoid(x) * (1 - sigmoid(x))",
    ),
    Derivation(
        "tanh",
        "d/dx tanh(x)",
        (_scalar("x", -5, 5),),
        np.tanh, lambda x: act.tanh(x)[1], "x", "1 - tanh(x)**2",
    ),
    Derivation(
        "silu",
        "d/dx SiLU(x) = x·σ(x) (also called swish)",
        (_scalar("x", -8, 8),),
        lambda x: act.silu(x)[0], lambda x: act.silu(x)[1], "x",
        "sigmoid(x) * (1 + x * (1 - sigmoid(x)))",
    ),
    Derivation(
        "softplus",
        "d/dx softplus(x) = log(1 + eˣ)",
        (_scalar("x", -10, 10),),
        lambda x: np.logaddexp(0, x), _sig, "x", "sigmoid(x)",
    ),
    Derivation(
        "gelu-tanh",
        "d/dx GELU in its tanh form: ½x(1 + tanh(u)) with u = √(2/π)(x + 0.044715x³)",
        (_scalar("x", -4, 4),),
        lambda x: act.gelu(x, approximate="tanh")[0],
        lambda x: act.gelu(x, approximate="tanh")[1], "x",
        "0.5*(1 + tanh(sqrt(2/pi)*(x + 0.044715*x**3))) + 0.5*x*(1 - tanh(sqrt(2/pi)*(x + "
        "0.044715*x**3))**2)*sqrt(2/pi)*(1 + 3*0.044715*x**2)",
    ),
    Derivation(
        "elu",
        "d/dx ELU(x) with parameter α: x for x > 0, α(eˣ − 1) otherwise",
        (_scalar("x", -5, 5), _scalar("alpha", 0.1, 2.0, "α")),
        lambda x, alpha: np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0))),
        _elu_grad, "x", "where(x > 0, 1, alpha * exp(x))",
        avoid=lambda x, alpha: np.abs(x) < 1e-3,
    ),
    Derivation(
        "mse",
        "∂/∂ŷ of one squared error (ŷ − y)², with ŷ written yhat",
        (_scalar("yhat", -5, 5, "the prediction ŷ"), _scalar("y", -5, 5, "the target")),
        _mse_elem, _mse_grad, "yhat", "2 * (yhat - y)",
    ),
    Derivation(
        "huber",
        "d/da of the Huber loss of a residual a with threshold δ (written d): "
        "½a² for |a| < δ, δ(|a| − ½δ) otherwise",
        (_scalar("a", -4, 4, "the residual ŷ − y"), _scalar("d", 0.2, 2.0, "δ, the threshold")),
        _huber_elem, _huber_grad, "a", "clip(a, -d, d)",
        avoid=lambda a, d: np.abs(np.abs(a) - d) < 1e-3,
    ),
    Derivation(
        "focal-pt",
        "d/dp of the focal term −(1 − p)^γ·log p on the true class's probability p "
        "(γ written g)",
        (_scalar("p", 0.01, 0.99, "probability of the true class"), _scalar("g", 0.5, 3.0, "γ")),
        _focal_p, _focal_p_grad, "p", "g*(1-p)**(g-1)*log(p) - (1-p)**g/p",
    ),
    Derivation(
        "l2",
        "∂/∂w of the L2 penalty (λ/2)·‖w‖² (λ written lam)",
        (_vector("w", -3, 3, "the weights"), _scalar("lam", 1e-3, 1.0, "λ")),
        lambda w, lam: 0.5 * lam * (w * w).sum(-1, keepdims=True),
        _l2_grad, "w", "lam * w",
    ),
)  # fmt: skip

BY_NAME: dict[str, Derivation] = {d.name: d for d in DERIVATIONS}


def get(name: str) -> Derivation:
    try:
        return BY_NAME[name]
    except KeyError:
        import difflib

        close = difflib.get_close_matches(name, list(BY_NAME), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise KeyError(f"no derivation called {name!r}{hint}") from None


def sample(derivation: Derivation, seed: int = 0, points: int = POINTS) -> dict[str, Array]:
    """Seeded points, each variable shaped (points, 1) or (points, VECTOR_SIZE).

    A vector variable named like a distribution (``t``) is normalised to sum to 1; points
    near a kink are redrawn.
    """
    rng = np.random.default_rng(seed)
    values: dict[str, Array] = {}
    for var in derivation.variables:
        shape = (points * 2, VECTOR_SIZE if var.vector else 1)
        values[var.name] = rng.uniform(var.low, var.high, size=shape)
        if var.vector and var.name == "t":
            values[var.name] /= values[var.name].sum(-1, keepdims=True)
    keep = np.ones(points * 2, dtype=bool)
    if derivation.avoid is not None:
        bad = np.asarray(derivation.avoid(*values.values()))
        keep &= ~bad.reshape(points * 2, -1).any(axis=1)
    rows = np.flatnonzero(keep)[:points]
    return {name: v[rows] for name, v in values.items()}


def check(derivation: Derivation, text: str, seed: int = 0) -> DeriveResult:
    """Parse ``text`` and compare it with the reference at seeded random points."""
    names = frozenset(v.name for v in derivation.variables)
    try:
        tree = expr.parse(text, names)
    except expr.ExprError as exc:
        return DeriveResult(False, exc.message, error_column=exc.column, rated=False)
    values = sample(derivation, seed)
    want = np.asarray(derivation.reference(*values.values()), dtype=np.float64)
    want = want.reshape(next(iter(values.values())).shape[0], -1)
    got = expr.evaluate(tree, values)
    try:
        got = np.broadcast_to(got, want.shape)
    except ValueError:
        return DeriveResult(
            False,
            f"the expression has shape {tuple(np.shape(got))[1:]} per point; the gradient "
            f"has {want.shape[1]} value(s) per point (sum and max reduce a vector to one value)",
        )
    bad = ~np.isclose(got, want, rtol=RTOL, atol=ATOL) | ~np.isfinite(got)
    rows = np.flatnonzero(bad.any(axis=1))
    if rows.size == 0:
        return DeriveResult(True, f"matches the exact gradient at {want.shape[0]} random points")
    row = int(rows[0])
    point = {name: [float(x) for x in v[row]] for name, v in values.items()}
    mismatch = Mismatch(point, [float(x) for x in got[row]], [float(x) for x in want[row]])
    return DeriveResult(False, _why(got, want, bad), mismatch)


def _why(got: Array, want: Array, bad: Array) -> str:
    """A short diagnosis: a sign error or a constant factor is worth naming."""
    share = f"wrong at {int(bad.any(axis=1).sum())} of {want.shape[0]} points"
    mask = np.abs(want) > 1e-6
    if mask.any() and np.all(np.isfinite(got[mask])):
        ratio = got[mask] / want[mask]
        if np.allclose(ratio, ratio.flat[0], rtol=1e-6):
            r = float(ratio.flat[0])
            if math.isclose(r, -1.0, rel_tol=1e-6):
                return f"{share}: the sign is flipped"
            return f"{share}: off by a constant factor of {r:.6g}"
    return share


def example_point(derivation: Derivation) -> str:
    """``z = 0.5, y = 1`` style listing of the variables and what they mean."""
    return ", ".join(
        f"{v.name}{' (vector)' if v.vector else ''}{': ' + v.meaning if v.meaning else ''}"
        for v in derivation.variables
    )
