"""The newer losses and activations against independent references in 150-digit decimal
arithmetic, written straight from the definitions (PyTorch's documented conventions where it
has the function), with none of the core's numerical tricks. Gradients of the references are
decimal central differences (see tests/test_core_losses.py); agreement is asked to 1e-12
relative per entry, or 1e-15 of the vector's largest entry.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from decimal import Decimal, localcontext

import numpy as np
import pytest

from quizprep.core import activations as act
from quizprep.core import objectives as obj
from tests.test_core_losses import assert_close, d, exp, ln, reference

PREC = 150


def lse(values: list[Decimal]) -> Decimal:
    top = max(values)
    return top + ln(sum(exp(v - top) for v in values))


def log_softmax(row: list[Decimal]) -> list[Decimal]:
    total = lse(row)
    return [v - total for v in row]


# ---- InfoNCE ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sims", "tau"),
    [
        ([[0.9, 0.1, -0.2], [0.3, 0.8, 0.5], [0.0, 0.6, 0.4]], 0.07),
        ([[1.0, -1.0, 0.999], [-1.0, 1.0, -1.0], [0.5, 0.5, 0.5]], 0.01),  # logits ±100
        ([[40.0, -35.0, 12.5], [3.0, -60.0, 59.0], [-0.25, 0.125, 0.0]], 0.05),  # ±1200
        ([[0.2, 0.1, 0.0, -0.1], [0.0, 0.3, 0.2, 0.25], [0.9, 0.1, 0.05, 0.4]], 1.0),  # N < M
    ],
)
def test_info_nce_matches_reference(sims: list[list[float]], tau: float) -> None:
    s = np.array(sims)
    n, m = s.shape
    t = d(tau)

    def ref(x: list[Decimal]) -> Decimal:
        rows = [[x[i * m + j] / t for j in range(m)] for i in range(n)]
        return sum(lse(r) - r[i] for i, r in enumerate(rows)) / n

    loss, grad = obj.info_nce(s, temperature=tau)
    ref_loss, ref_grad = reference(ref, s.reshape(-1).tolist())
    assert_close(loss, ref_loss)
    assert_close(grad.reshape(-1), ref_grad)


def test_info_nce_gradient_is_softmax_minus_onehot_over_n_tau() -> None:
    s = np.array([[0.5, 0.1], [0.2, 0.7]])
    _, grad = obj.info_nce(s, temperature=0.5)
    z = s / 0.5
    p = np.exp(z) / np.exp(z).sum(1, keepdims=True)
    assert np.allclose(grad, (p - np.eye(2)) / (2 * 0.5), rtol=1e-14)
    with pytest.raises(ValueError, match="temperature"):
        obj.info_nce(s, temperature=0)
    with pytest.raises(ValueError, match="columns"):
        obj.info_nce(np.ones((3, 2)))


# ---- triplet margin -----------------------------------------------------------------------


def norm_p(v: list[Decimal], p: Decimal) -> Decimal:
    if p == 2:
        return sum(c * c for c in v).sqrt()
    return sum(abs(c) ** p for c in v) ** (1 / p)


@pytest.mark.parametrize(("p", "margin"), [(2.0, 1.0), (3.0, 0.5), (1.5, 2.0)])
def test_triplet_margin_matches_reference(p: float, margin: float) -> None:
    rng = np.random.default_rng(3)
    a, pos, neg = rng.normal(0, 2, (3, 4, 3))
    neg[3] = a[3] + 1e3  # far negative: an inactive triplet with zero gradient
    pos[2] = a[2] + 1e-4  # a positive almost on the anchor: d is dominated by eps
    flat = np.concatenate([a, pos, neg]).reshape(-1).tolist()
    eps, pp, mm = d(1e-6), d(p), d(margin)

    def ref(x: list[Decimal]) -> Decimal:
        k = 4 * 3
        av, pv, nv = x[:k], x[k : 2 * k], x[2 * k :]
        total = Decimal(0)
        for i in range(4):
            sl = slice(3 * i, 3 * i + 3)
            dap = norm_p([u - w + eps for u, w in zip(av[sl], pv[sl], strict=True)], pp)
            dan = norm_p([u - w + eps for u, w in zip(av[sl], nv[sl], strict=True)], pp)
            total += max(dap - dan + mm, Decimal(0))
        return total / 4

    loss, grads = obj.triplet_margin(a, pos, neg, margin=margin, p=p)
    with localcontext() as ctx:
        ctx.prec = PREC
        ref_loss, ref_grad = reference(ref, flat)
    assert_close(loss, ref_loss)
    assert_close(np.concatenate(grads).reshape(-1), ref_grad)
    assert not grads[2][3].any()  # the inactive triplet


# ---- Dice, pinball ------------------------------------------------------------------------


@pytest.mark.parametrize("smooth", [1.0, 0.0, 1e-5])
def test_dice_matches_reference(smooth: float) -> None:
    p = np.array([[0.9, 0.8, 0.3, 0.1, 0.0], [1.0, 1e-30, 0.5, 0.999999, 0.25]])
    t = np.array([[1.0, 1.0, 0.0, 0.0, 0.0], [1.0, 0.0, 1.0, 1.0, 0.0]])
    ts, s = [d(v) for v in t.reshape(-1)], d(smooth)

    def ref(x: list[Decimal]) -> Decimal:
        total = Decimal(0)
        for r in range(2):
            xs, tt = x[5 * r : 5 * r + 5], ts[5 * r : 5 * r + 5]
            inter = sum(a * b for a, b in zip(xs, tt, strict=True))
            total += 1 - (2 * inter + s) / (sum(xs) + sum(tt) + s)
        return total / 2

    loss, grad = obj.dice(p, t, smooth=smooth)
    ref_loss, ref_grad = reference(ref, p.reshape(-1).tolist())
    assert_close(loss, ref_loss)
    assert_close(grad.reshape(-1), ref_grad)


def test_dice_empty_masks() -> None:
    loss, grad = obj.dice(np.zeros(4), np.zeros(4))
    assert loss == 0.0  # empty predicted empty: perfect, thanks to the smoothing
    assert grad.tolist() == [1.0] * 4  # any foreground now costs: ∂L/∂p = s/(s)² = 1
    with pytest.raises(ValueError, match="0/0"):
        obj.dice(np.zeros(4), np.zeros(4), smooth=0.0)


@pytest.mark.parametrize(
    ("x", "t"),
    [
        ([1.0, 2.0, 3.0, 4.0, 7.5], [2.0, 2.5, 1.0, 6.0, -7.5]),
        ([1e300, -1e300], [-1e300, 1e300]),
        ([-1e-300], [0.0]),
    ],
)
@pytest.mark.parametrize("q", [0.9, 0.5, 0.1, 0.0])
def test_pinball_matches_reference(q: float, x: list[float], t: list[float]) -> None:
    ts, qq = [d(v) for v in t], d(q)

    def ref(x: list[Decimal]) -> Decimal:
        us = [b - a for a, b in zip(x, ts, strict=True)]
        return sum(max(qq * u, (qq - 1) * u) for u in us) / len(us)

    loss, grad = obj.pinball(np.array(x), np.array(t), q=q)
    ref_loss, ref_grad = reference(ref, x)
    assert_close(loss, ref_loss)
    assert_close(grad, ref_grad)
    half = obj.pinball(np.array([1.0, -2.0]), np.array([0.0, 0.0]), q=0.5)
    assert half[0] == pytest.approx(0.75, rel=1e-15)  # ½·MAE
    assert obj.pinball(np.array([2.0]), np.array([2.0]), q=0.3)[1].tolist() == [0.0]


# ---- Poisson and Gaussian NLL -------------------------------------------------------------


@pytest.mark.parametrize(("log_input", "full"), [(True, False), (True, True), (False, False)])
def test_poisson_nll_matches_reference(log_input: bool, full: bool) -> None:
    x = [0.0, 1.0, 2.0, -1.0, 700.0, -700.0, 0.3] if log_input else [0.5, 3.0, 1e-9, 20.0]
    t = [1.0, 3.0, 2.0, 0.0, 0.0, 5.0, 100.0] if log_input else [1.0, 0.0, 2.0, 7.0]
    ts, eps = [d(v) for v in t], d(1e-8)
    pi = Decimal("3.14159265358979323846264338327950288419716939937510582097494459230781640628")

    def stirling(c: Decimal) -> Decimal:
        return c * ln(c) - c + ln(2 * pi * c) / 2 if c > 1 else Decimal(0)

    def ref(x: list[Decimal]) -> Decimal:
        terms = [
            (exp(a) - b * a) if log_input else (a - b * ln(a + eps))
            for a, b in zip(x, ts, strict=True)
        ]
        if full:
            terms = [v + stirling(b) for v, b in zip(terms, ts, strict=True)]
        return sum(terms) / len(terms)

    loss, grad = obj.poisson_nll(np.array(x), np.array(t), log_input=log_input, full=full)
    ref_loss, ref_grad = reference(ref, x)
    assert_close(loss, ref_loss)
    assert_close(grad, ref_grad)


def test_gaussian_nll_matches_reference_for_mean_and_variance() -> None:
    x = [1.0, 2.0, 3.0, -1e5, 0.5]
    t = [1.5, 2.0, 6.0, 1e5, 0.49]
    var = [0.25, 1.0, 4.0, 1e-3, 1e6]
    ts, vs = [d(v) for v in t], [d(v) for v in var]
    xs = [d(v) for v in x]

    def nll(mu: list[Decimal], vv: list[Decimal]) -> Decimal:
        terms = [(ln(v) + (a - b) ** 2 / v) / 2 for a, b, v in zip(mu, ts, vv, strict=True)]
        return sum(terms) / len(terms)

    loss, grad, grad_var = obj.gaussian_nll(np.array(x), np.array(t), np.array(var))
    ref_loss, ref_grad = reference(lambda m: nll(m, vs), x)
    _, ref_var = reference(lambda v: nll(xs, v), var)
    assert_close(loss, ref_loss)
    assert_close(grad, ref_grad)
    assert_close(grad_var, ref_var)
    plain = obj.gaussian_nll(np.array(x[:3]), np.array(t[:3]), np.array(var[:3]))[0]
    full = obj.gaussian_nll(np.array(x[:3]), np.array(t[:3]), np.array(var[:3]), full=True)[0]
    assert full - plain == pytest.approx(0.5 * math.log(2 * math.pi), rel=1e-12)


def test_gaussian_nll_clamps_variance_like_torch() -> None:
    # below eps the loss uses v = eps, and the variance gradient is the formula at v = eps
    # (torch clamps without tracking), not the 0 of the clamped function
    loss, grad, grad_var = obj.gaussian_nll(np.array([1.0]), np.array([0.0]), 1e-9)
    assert loss == pytest.approx(0.5 * (math.log(1e-6) + 1e6), rel=1e-14)
    assert grad.tolist() == pytest.approx([1e6], rel=1e-14)
    assert float(grad_var) == pytest.approx(0.5 * (1e6 - 1e12), rel=1e-14)
    with pytest.raises(ValueError, match="var must be ≥ 0"):
        obj.gaussian_nll(np.array([1.0]), np.array([0.0]), -1.0)


# ---- distillation -------------------------------------------------------------------------


@pytest.mark.parametrize("temperature", [1.0, 2.0, 4.0, 0.5, 3.0, 0.7])
def test_distill_kl_matches_reference(temperature: float) -> None:
    s = np.array([[2.0, 1.0, 0.0], [1000.0, -1000.0, 3.0], [-0.5, 0.25, 0.125]])
    te = np.array([[4.0, 1.0, -1.0], [-1000.0, 1000.0, 0.0], [0.5, -0.25, 2.0]])
    tt = [[d(v) for v in row] for row in te]
    temp = d(temperature)

    def ref(x: list[Decimal]) -> Decimal:
        total = Decimal(0)
        for i in range(3):
            ls = log_softmax([v / temp for v in x[3 * i : 3 * i + 3]])
            lt = log_softmax([v / temp for v in tt[i]])
            total += sum(exp(b) * (b - a) for a, b in zip(ls, lt, strict=True))
        return temp * temp * total / 3

    loss, grad = obj.distill_kl(s, te, temperature=temperature)
    ref_loss, ref_grad = reference(ref, s.reshape(-1).tolist())
    assert_close(loss, ref_loss)
    assert_close(grad.reshape(-1), ref_grad)


def test_distill_kl_one_row_is_one_sample() -> None:
    two_d = obj.distill_kl(np.array([[2.0, 1.0, 0.0]]), np.array([[4.0, 1.0, -1.0]]))
    one_d = obj.distill_kl(np.array([2.0, 1.0, 0.0]), np.array([4.0, 1.0, -1.0]))
    assert one_d[0] == two_d[0]
    assert one_d[1].shape == (3,)


# ---- activations --------------------------------------------------------------------------

POINTS = [-700.0, -40.0, -19.5, -3.0, -1.0, -0.5, -1e-9, 1e-9, 0.5, 1.0, 3.0, 19.5, 30.0, 700.0]


def dsig(x: Decimal) -> Decimal:
    return 1 / (1 + exp(-x))


def dsoftplus(x: Decimal) -> Decimal:
    return ln(1 + exp(x))


def dtanh(x: Decimal) -> Decimal:
    e = exp(2 * x)
    return (e - 1) / (e + 1)


SELU_L = Decimal("1.0507009873554804934193349852946")
SELU_A = Decimal("1.6732632423543772848170429916717")

ACT_REFS: dict[str, tuple[Callable[[Decimal], Decimal], dict]] = {
    "softplus": (dsoftplus, {}),
    "selu": (lambda x: SELU_L * x if x > 0 else SELU_L * SELU_A * (exp(x) - 1), {}),
    "mish": (lambda x: x * dtanh(dsoftplus(x)), {}),
    "swiglu": (lambda x: x * dsig(x) * Decimal("2.5"), {"value": 2.5}),
}


def act_reference(fn: Callable[[Decimal], Decimal], x: float) -> tuple[float, float]:
    with localcontext() as ctx:
        ctx.prec = PREC
        xd = Decimal(x)
        h = Decimal("1e-40") * max(abs(xd), Decimal(1))
        return float(fn(xd)), float((fn(xd + h) - fn(xd - h)) / (2 * h))


@pytest.mark.parametrize("name", sorted(ACT_REFS))
def test_activation_matches_reference(name: str) -> None:
    fn, params = ACT_REFS[name]
    points = [v for v in POINTS if not (name == "softplus" and v > 20)]  # torch's linear part
    x = np.array(points)
    y, dy = getattr(act, name)(x, **params)[:2]
    refs = np.array([act_reference(fn, v) for v in points])
    assert y.dtype == np.float64 and dy.shape == x.shape
    assert_close(y, refs[:, 0])
    assert_close(dy, refs[:, 1])


def test_softplus_beta_and_threshold_follow_torch() -> None:
    y, dy = act.softplus(np.array([30.0, 10.0, 10.5, -3.0]), beta=2.0, threshold=20.0)
    assert y[0] == 30.0 and dy[0] == 1.0  # βx = 60 > 20: x itself, slope 1
    assert y[1] == pytest.approx(math.log1p(math.exp(20.0)) / 2, rel=1e-15)  # βx = 20: not >
    assert y[2] == 10.5 and dy[2] == 1.0
    assert y[3] == pytest.approx(math.log1p(math.exp(-6.0)) / 2, rel=1e-15)
    assert dy[3] == pytest.approx(1 / (1 + math.exp(6.0)), rel=1e-15)


def test_selu_constants_and_kink() -> None:
    assert act.SELU_SCALE == 1.0507009873554805 and act.SELU_ALPHA == 1.6732632423543772
    _, dy = act.selu(np.array([0.0]))
    assert dy[0] == pytest.approx(act.SELU_SCALE * act.SELU_ALPHA, rel=1e-15)  # torch's side


def test_swiglu_gradients_for_both_halves() -> None:
    a = np.array([-2.0, 0.5, 3.0])
    b = np.array([1.5, -1.0, 2.0])
    y, dy_da, dy_db = act.swiglu(a, b)
    s = 1 / (1 + np.exp(-a))
    assert np.allclose(y, a * s * b, rtol=1e-15)
    assert np.allclose(dy_db, a * s, rtol=1e-15)
    assert np.allclose(dy_da, (s + a * s * (1 - s)) * b, rtol=1e-14)
