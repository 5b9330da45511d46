"""Property tests: analytic gradients agree with central differences, nothing turns NaN or inf
on finite input, and float32 stays float32."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from quizprep.core import activations as act
from quizprep.core import gradcheck, losses

SETTINGS = settings(max_examples=40, deadline=None, derandomize=True)


def vec(lo: float, hi: float, n: int = 6) -> st.SearchStrategy[np.ndarray]:
    return hnp.arrays(np.float64, (n,), elements=st.floats(lo, hi, allow_subnormal=False))


def mat(lo: float, hi: float) -> st.SearchStrategy[np.ndarray]:
    return hnp.arrays(np.float64, (3, 4), elements=st.floats(lo, hi, allow_subnormal=False))


CLASSES = st.lists(st.integers(0, 3), min_size=3, max_size=3).map(np.array)
BITS = hnp.arrays(np.float64, (6,), elements=st.sampled_from([0.0, 1.0]))
SIGNS = hnp.arrays(np.float64, (6,), elements=st.sampled_from([-1.0, 1.0]))
SOFT = vec(0.0, 1.0)


def off_kink(v: np.ndarray, at: np.ndarray | float = 0.0) -> np.ndarray:
    """Move entries within 1e-3 of a kink a step away from it (hypothesis loves exact 0s)."""
    return np.where(np.abs(v - at) < 1e-3, at + 0.01, v)


def assert_grad_ok(check: gradcheck.GradCheck) -> None:
    scale = max(1.0, float(np.max(np.abs(check.numeric))))
    assert check.ok(rtol=1e-5, atol=1e-7 * scale), (check.analytic, check.numeric)


def assert_finite(loss: float, grad: np.ndarray, dtype: Any) -> None:
    assert np.isfinite(loss)
    assert np.all(np.isfinite(grad))
    assert grad.dtype == dtype


# ---- gradients against central differences ------------------------------------------------


@SETTINGS
@given(vec(-100, 100), vec(-100, 100))
def test_regression_gradients(x: np.ndarray, t: np.ndarray) -> None:
    x = off_kink(x, t)  # |a| has a kink at 0
    assert_grad_ok(gradcheck.check_loss(losses.mse, x, t))
    assert_grad_ok(gradcheck.check_loss(losses.mae, x, t))
    assert_grad_ok(gradcheck.check_loss(losses.huber, x, t, delta=1.5))


@SETTINGS
@given(vec(0.02, 0.98), SOFT)  # nearer the edges the step is too coarse for 1e-5
def test_bce_gradient(p: np.ndarray, t: np.ndarray) -> None:
    assert_grad_ok(gradcheck.check_loss(losses.bce, p, t))


@SETTINGS
@given(vec(-60, 60), SOFT, st.floats(0.1, 5))
def test_logit_loss_gradients(x: np.ndarray, t: np.ndarray, pw: float) -> None:
    assert_grad_ok(gradcheck.check_loss(losses.bce_with_logits, x, t))
    assert_grad_ok(gradcheck.check_loss(losses.bce_with_logits, x, t, pos_weight=pw))


@SETTINGS
@given(vec(-60, 60), BITS, st.floats(0, 1), st.sampled_from([0.0, 1.0, 2.0, 3.5]))
def test_focal_gradient(x: np.ndarray, t: np.ndarray, alpha: float, gamma: float) -> None:
    assert_grad_ok(gradcheck.check_loss(losses.focal, x, t, alpha=alpha, gamma=gamma))


@SETTINGS
@given(vec(-10, 10), SIGNS)
def test_hinge_gradient(s: np.ndarray, t: np.ndarray) -> None:
    s = off_kink(s, t)  # the margin is at s = t
    assert_grad_ok(gradcheck.check_loss(losses.hinge, s, t))


@SETTINGS
@given(mat(-100, 100), CLASSES, st.floats(0, 1), st.booleans())
def test_cross_entropy_gradient(x: np.ndarray, y: np.ndarray, eps: float, weighted: bool) -> None:
    w = np.array([1.0, 2.0, 0.5, 3.0]) if weighted else None
    assert_grad_ok(gradcheck.check_loss(losses.cross_entropy, x, y, weight=w, label_smoothing=eps))


@SETTINGS
@given(mat(-100, 100), CLASSES, st.sampled_from([0.0, 0.5, 2.0]))
def test_softmax_focal_gradient(x: np.ndarray, y: np.ndarray, gamma: float) -> None:
    assert_grad_ok(gradcheck.check_loss(losses.softmax_focal, x, y, gamma=gamma))


@SETTINGS
@given(mat(-10, 10), CLASSES, st.sampled_from([1, 2]), st.floats(0.1, 2))
def test_multi_margin_gradient(x: np.ndarray, y: np.ndarray, p: int, margin: float) -> None:
    rows = np.arange(3)
    target = x[rows, y][:, None]
    x = off_kink(x, target - margin)  # a margin term is exactly 0 at x_j = x_y - margin
    x[rows, y] = target[:, 0]
    assert_grad_ok(gradcheck.check_loss(losses.multi_margin, x, y, p=p, margin=margin))


@SETTINGS
@given(mat(-20, 0), mat(0, 1))
def test_kl_div_and_l2_gradients(q: np.ndarray, t: np.ndarray) -> None:
    assert_grad_ok(gradcheck.check_loss(losses.kl_div, q, t))
    assert_grad_ok(gradcheck.check_loss(losses.l2, q.reshape(-1), lam=0.3))


ELEMENTWISE = [
    ("relu", {}),
    ("leaky_relu", {"negative_slope": 0.1}),
    ("sigmoid", {}),
    ("tanh", {}),
    ("gelu", {}),
    ("gelu", {"approximate": "tanh"}),
    ("silu", {}),
    ("elu", {"alpha": 1.3}),
    ("prelu", {"weight": 0.2}),
    ("softmax", {}),  # its second value is the Jacobian's diagonal
]


@pytest.mark.parametrize(("name", "params"), ELEMENTWISE)
@SETTINGS
@given(x=vec(-40, 40))
def test_activation_derivatives(name: str, params: dict, x: np.ndarray) -> None:
    x = off_kink(x)  # the piecewise ones have a kink at 0
    fn = getattr(act, name)
    if name == "softmax":
        numeric = np.array(
            [
                gradcheck.numeric_grad(lambda p, i=i: fn(p)[0][i], x)[i]  # ∂y_i/∂x_i
                for i in range(x.size)
            ]
        )
        check = gradcheck.compare(fn(x)[1], numeric)
    else:
        check = gradcheck.check_activation(fn, x, **params)
    assert_grad_ok(check)


def test_softmax_jvp_matches_numeric_jacobian() -> None:
    x = np.array([0.3, -1.2, 2.0, 0.0])
    v = np.array([1.0, -2.0, 0.5, 0.25])
    numeric = gradcheck.numeric_grad(lambda p: float(act.softmax(p)[0] @ v), x)
    np.testing.assert_allclose(act.softmax(x, v=v)[1], numeric, rtol=1e-7)


def test_prelu_slope_gradient_matches_numeric() -> None:
    x = np.array([-2.0, -0.5, 1.0, 3.0])
    upstream = np.array([0.3, -1.0, 2.0, 0.5])
    _, _, dw = act.prelu(x, weight=0.25)
    numeric = gradcheck.numeric_grad(
        lambda w: float(act.prelu(x, weight=w[0])[0] @ upstream), [0.25]
    )
    assert float(upstream @ dw) == pytest.approx(float(numeric[0]), rel=1e-8)


def test_gradcheck_notices_a_wrong_gradient() -> None:
    def wrong(x: np.ndarray, t: np.ndarray) -> tuple[float, np.ndarray]:
        loss, grad = losses.mse(x, t)
        return loss, grad * 1.01

    check = gradcheck.check_loss(wrong, np.array([1.0, 2.0]), np.array([0.0, 0.0]))
    assert not check.ok()
    assert check.worst_index == (1,)
    assert check.max_abs_diff == pytest.approx(0.02, rel=1e-6)


def test_gradcheck_is_one_sided_at_a_bound() -> None:
    p = np.array([0.0, 1.0, 0.5])
    t = np.array([0.0, 1.0, 1.0])
    check = gradcheck.check_loss(losses.bce, p, t, lower=0.0, upper=1.0)
    assert np.all(np.isfinite(check.numeric))
    assert check.ok(rtol=1e-6)


# ---- finite everywhere, dtype kept --------------------------------------------------------

BIG = 1e6


def loss_calls(x: np.ndarray, t: np.ndarray, bits: np.ndarray, signs: np.ndarray):
    x2 = x.reshape(2, 3)
    y = np.array([0, 2])
    probs = np.clip(np.abs(np.tanh(x)), 0, 1).astype(x.dtype)
    return [
        losses.bce_with_logits(x, bits),
        losses.bce_with_logits(x, bits, pos_weight=3.0),
        losses.bce(probs, bits),
        losses.focal(x, bits),
        losses.focal(x, bits, gamma=0.5),
        losses.hinge(x, signs),
        losses.cross_entropy(x2, y),
        losses.cross_entropy(x2, y, weight=[1.0, 2.0, 0.5], label_smoothing=0.1),
        losses.softmax_focal(x2, y),
        losses.softmax_focal(x2, y, gamma=0.5),
        losses.multi_margin(x2, y, p=2),
        losses.kl_div(-np.abs(x2), np.abs(np.tanh(x2))),
        losses.huber(x, t),
        losses.mae(x, t),
    ]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@SETTINGS
@given(
    x=hnp.arrays(np.float64, (6,), elements=st.floats(-BIG, BIG)),
    bits=BITS,
    signs=SIGNS,
)
def test_losses_finite_and_dtype_kept(dtype, x: np.ndarray, bits: np.ndarray, signs) -> None:
    xd = x.astype(dtype)
    for loss, grad in loss_calls(xd, np.zeros_like(xd), bits, signs):
        assert_finite(loss, grad, dtype)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@SETTINGS
@given(x=hnp.arrays(np.float64, (6,), elements=st.floats(-BIG, BIG)))
def test_mse_finite_and_dtype_kept(dtype, x: np.ndarray) -> None:
    xd = (x / 1e3).astype(dtype)  # squares must fit float32 too
    loss, grad = losses.mse(xd, np.ones_like(xd))
    assert_finite(loss, grad, dtype)


@pytest.mark.parametrize(("name", "params"), ELEMENTWISE)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@SETTINGS
@given(x=hnp.arrays(np.float64, (6,), elements=st.floats(-BIG, BIG)))
def test_activations_finite_and_dtype_kept(name: str, params: dict, dtype, x) -> None:
    xd = x.astype(dtype)
    for out in getattr(act, name)(xd, **params):
        assert out.dtype == dtype
        assert np.all(np.isfinite(out))
