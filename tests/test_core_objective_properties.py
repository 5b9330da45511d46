"""Property tests for the newer losses and activations: analytic gradients agree with central
differences, nothing turns NaN or inf on finite input, and float32 stays float32."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from quizprep.core import activations as act
from quizprep.core import gradcheck
from quizprep.core import objectives as obj
from tests.test_core_properties import SETTINGS, assert_finite, assert_grad_ok, off_kink, vec


def mat(lo: float, hi: float, shape: tuple[int, int] = (3, 3)) -> st.SearchStrategy:
    return hnp.arrays(np.float64, shape, elements=st.floats(lo, hi, allow_subnormal=False))


# ---- gradients against central differences ------------------------------------------------


@SETTINGS
@given(mat(-1, 1), st.sampled_from([0.05, 0.07, 0.5, 2.0]))
def test_info_nce_gradient(s: np.ndarray, tau: float) -> None:
    assert_grad_ok(gradcheck.check_loss(obj.info_nce, s, temperature=tau))


@SETTINGS
@given(mat(-5, 5, (2, 3)), mat(-5, 5, (2, 3)), mat(-5, 5, (2, 3)), st.sampled_from([1.5, 2.0, 3.0]))
def test_triplet_gradient(a: np.ndarray, p: np.ndarray, n: np.ndarray, norm: float) -> None:
    def loss(stacked: np.ndarray) -> tuple[float, np.ndarray]:
        value, grads = obj.triplet_margin(stacked[:2], stacked[2:4], stacked[4:], p=norm)
        return value, np.concatenate(grads)

    stacked = np.concatenate([a, p, n])
    d_ap = np.linalg.norm(a - p + 1e-6, ord=norm, axis=1)
    d_an = np.linalg.norm(a - n + 1e-6, ord=norm, axis=1)
    if np.any(np.abs(d_ap - d_an + 1) < 1e-3) or np.any(np.minimum(d_ap, d_an) < 1e-3):
        return  # on the hinge's kink, or at a norm's kink at 0
    if norm < 2 and min(np.abs(a - p).min(), np.abs(a - n).min()) < 1e-2:
        return  # |v|^(p−1) with p < 2 is not differentiable where a component is 0
    assert_grad_ok(gradcheck.check_loss(loss, stacked))


@SETTINGS
@given(vec(0.0, 1.0), vec(0.0, 1.0), st.sampled_from([1.0, 0.1, 1e-5]))
def test_dice_gradient(p: np.ndarray, t: np.ndarray, smooth: float) -> None:
    if p.sum() + t.sum() < 0.1:
        return  # near 0/0 the step is coarse
    assert_grad_ok(gradcheck.check_loss(obj.dice, p, t, lower=0.0, upper=1.0, smooth=smooth))


@SETTINGS
@given(vec(-100, 100), vec(-100, 100), st.floats(0, 1))
def test_pinball_gradient(x: np.ndarray, t: np.ndarray, q: float) -> None:
    assert_grad_ok(gradcheck.check_loss(obj.pinball, off_kink(x, t), t, q=q))


@SETTINGS
@given(vec(-20, 20), vec(0, 50), st.booleans())
def test_poisson_gradient(x: np.ndarray, t: np.ndarray, full: bool) -> None:
    assert_grad_ok(gradcheck.check_loss(obj.poisson_nll, x, t, full=full))
    rate = np.abs(x) + 0.1
    assert_grad_ok(gradcheck.check_loss(obj.poisson_nll, rate, t, log_input=False))


@SETTINGS
@given(vec(-10, 10), vec(-10, 10), vec(0.01, 100))
def test_gaussian_nll_gradients(x: np.ndarray, t: np.ndarray, var: np.ndarray) -> None:
    check = gradcheck.check_loss(lambda v, tt: obj.gaussian_nll(v, tt, var)[:2], x, t)
    assert_grad_ok(check)
    _, _, grad_var = obj.gaussian_nll(x, t, var)
    numeric = gradcheck.numeric_grad(lambda w: obj.gaussian_nll(x, t, w)[0], var, floor=0.01)
    assert_grad_ok(gradcheck.compare(grad_var, numeric))


@SETTINGS
@given(mat(-50, 50, (2, 4)), mat(-50, 50, (2, 4)), st.sampled_from([0.5, 1.0, 2.0, 5.0]))
def test_distill_gradient(s: np.ndarray, t: np.ndarray, temperature: float) -> None:
    assert_grad_ok(gradcheck.check_loss(obj.distill_kl, s, t, temperature=temperature))


NEW_ACTIVATIONS = [
    ("softplus", {}),
    ("softplus", {"beta": 2.0, "threshold": 10.0}),
    ("selu", {}),
    ("mish", {}),
    ("swiglu", {"value": 1.5}),
]


@pytest.mark.parametrize(("name", "params"), NEW_ACTIVATIONS)
@SETTINGS
@given(x=vec(-40, 40))
def test_activation_derivatives(name: str, params: dict, x: np.ndarray) -> None:
    x = off_kink(x)  # selu's kink at 0
    if name == "softplus":
        x = off_kink(x, params.get("threshold", 20.0) / params.get("beta", 1.0))
    assert_grad_ok(gradcheck.check_activation(getattr(act, name), x, **params))


# ---- finite everywhere, dtype kept --------------------------------------------------------

BIG = 1e6


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@SETTINGS
@given(x=hnp.arrays(np.float64, (6,), elements=st.floats(-BIG, BIG)))
def test_losses_finite_and_dtype_kept(dtype, x: np.ndarray) -> None:
    xd = x.astype(dtype)
    x2 = xd.reshape(2, 3)
    unit = np.tanh(xd).astype(dtype)
    probs = np.abs(unit)
    calls = [
        obj.info_nce(np.tanh(np.outer(unit[:3], unit[3:])).astype(dtype)),
        obj.info_nce(x2[:, :2], temperature=0.5),
        obj.dice(probs, (probs > 0.5).astype(dtype)),
        obj.pinball(xd, np.zeros_like(xd), q=0.9),
        obj.poisson_nll(np.clip(xd, -80, 80), np.abs(unit) * 3),
        obj.poisson_nll(np.abs(xd), np.abs(unit) * 3, log_input=False, full=True),
        obj.gaussian_nll(xd / 1e3, np.zeros_like(xd), np.abs(unit))[:2],
        obj.distill_kl(x2, x2[::-1], temperature=3.0),
    ]
    for loss, grad in calls:
        assert_finite(loss, grad, dtype)
    loss, grads = obj.triplet_margin(x2 / 1e3, x2[::-1] / 1e3, -x2 / 1e3)
    for grad in grads:
        assert_finite(loss, grad, dtype)
    assert obj.gaussian_nll(xd / 1e3, np.zeros_like(xd), np.abs(unit))[2].dtype == dtype


@pytest.mark.parametrize(("name", "params"), NEW_ACTIVATIONS)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@SETTINGS
@given(x=hnp.arrays(np.float64, (6,), elements=st.floats(-BIG, BIG)))
def test_activations_finite_and_dtype_kept(name: str, params: dict, dtype, x) -> None:
    xd = x.astype(dtype)
    for out in getattr(act, name)(xd, **params):
        assert out.dtype == dtype
        assert np.all(np.isfinite(out))


# ---- inputs are read, never written -------------------------------------------------------


def test_no_function_writes_to_its_input() -> None:
    # float64 arrays go in without a copy (as_floats), so every function must leave them be
    from quizprep.core import losses

    rng = np.random.default_rng(5)
    x = rng.normal(0, 3, (4, 6))
    t = rng.normal(0, 1, (4, 6))
    p = rng.uniform(0.05, 0.95, (4, 6))
    bits = rng.integers(0, 2, (4, 6)).astype(np.float64)
    y = np.array([0, 5, 2, 1])
    arrays = [x, t, p, bits]
    before = [a.copy() for a in arrays]
    calls = [
        lambda: losses.mse(x, t), lambda: losses.mae(x, t), lambda: losses.huber(x, t),
        lambda: losses.bce(p, bits), lambda: losses.bce_with_logits(x, bits),
        lambda: losses.bce_with_logits(x, bits, pos_weight=2.0),
        lambda: losses.cross_entropy(x, y, label_smoothing=0.1),
        lambda: losses.hinge(x, 2 * bits - 1),
        lambda: losses.multi_margin(x, y), lambda: losses.focal(x, bits),
        lambda: losses.softmax_focal(x, y), lambda: losses.kl_div(-p, p), lambda: losses.l2(x, 0.1),
        lambda: obj.info_nce(x[:, :4]), lambda: obj.triplet_margin(x, t, p),
        lambda: obj.dice(p, bits), lambda: obj.pinball(x, t), lambda: obj.poisson_nll(x, bits),
        lambda: obj.gaussian_nll(x, t, p),
        lambda: obj.distill_kl(x, t),
        *[lambda n=n: getattr(act, n)(x) for n in act.__all__ if n not in ("softmax_jacobian",)],
        lambda: act.softmax(x, v=t), lambda: act.softmax(x, v=t, axis=0), lambda: act.swiglu(x, t),
    ]  # fmt: skip
    for call in calls:
        call()
        for a, b in zip(arrays, before, strict=True):
            assert np.array_equal(a, b)


def test_softmax_jvp_fast_path_matches_the_general_form() -> None:
    rng = np.random.default_rng(9)
    for shape, axis in [((3, 4, 5), 1), ((7, 300), -1), ((300, 7), 0), ((5,), 0)]:
        x = rng.normal(0, 5, shape)
        v = rng.normal(0, 1, shape)
        y, jvp = act.softmax(x, v=v, axis=axis)
        e = np.exp(x - x.max(axis=axis, keepdims=True))
        ref_y = e / e.sum(axis=axis, keepdims=True)
        ref = ref_y * (v - (ref_y * v).sum(axis=axis, keepdims=True))
        np.testing.assert_allclose(y, ref_y, rtol=1e-13)
        np.testing.assert_allclose(jvp, ref, rtol=1e-10, atol=1e-15)
        assert act.softmax(x.astype(np.float32), v=v, axis=axis)[1].dtype == np.float32
