"""Activations against references computed independently in high-precision decimal arithmetic.

Values come from the definitions (erf by its Taylor series at enough digits to survive the
series' cancellation); derivatives from decimal central differences with a 1e-30 step, or from
torch's convention at a kink. Agreement is asked to 1e-12 relative (subnormals count as 0).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, localcontext

import numpy as np
import pytest

from quizprep.core import activations as act

PREC = 80
RTOL = 1e-12
ATOL = 1e-290
POINTS = [-1000.0, -40.0, -30.0, -3.0, -1.0, -0.5, -1e-9, 1e-9, 0.5, 1.0, 3.0, 30.0, 1000.0]


def _atan_inv(n: int) -> Decimal:
    x, term, total, k = Decimal(1) / n, Decimal(1) / n, Decimal(1) / n, 1
    while True:
        term *= -x * x
        k += 2
        nxt = total + term / k
        if nxt == total:
            return total
        total = nxt


def pi() -> Decimal:
    return 16 * _atan_inv(5) - 4 * _atan_inv(239)  # Machin's formula


def erf(x: Decimal) -> Decimal:
    """Taylor series, computed with extra digits to absorb its cancellation."""
    with localcontext() as ctx:
        ctx.prec = PREC + 20 + int(x * x)
        total, term, n = x, x, 0
        while True:
            n += 1
            term *= -x * x / n
            nxt = total + term / (2 * n + 1)
            if nxt == total:
                break
            total = nxt
        # returned unrounded: 1 + erf(x) for x ≪ 0 needs every one of these digits
        return 2 / pi().sqrt() * total


def sig(x: Decimal) -> Decimal:
    return 1 / (1 + (-x).exp())


def dtanh(x: Decimal) -> Decimal:
    if x < 0:
        return -dtanh(-x)
    e = (-2 * x).exp()
    return (1 - e) / (1 + e)


def gelu_exact(x: Decimal) -> Decimal:
    if x < -40:
        return Decimal(0)  # below 1e-300 · |x|: under float64's range anyway
    return x * (1 + erf(x / Decimal(2).sqrt())) / 2


def gelu_tanh(x: Decimal) -> Decimal:
    u = (2 / pi()).sqrt() * (x + Decimal("0.044715") * x**3)
    return x * (1 + dtanh(u)) / 2


REFS: dict[str, Callable[[Decimal], Decimal]] = {
    "sigmoid": sig,
    "tanh": dtanh,
    "silu": lambda x: x * sig(x),
    "relu": lambda x: max(x, Decimal(0)),
    "leaky_relu": lambda x: x if x > 0 else Decimal("0.01") * x,
    "elu": lambda x: x if x > 0 else x.exp() - 1,
}


def reference(fn: Callable[[Decimal], Decimal], x: float) -> tuple[float, float]:
    with localcontext() as ctx:
        ctx.prec = PREC
        xd = Decimal(x)
        h = Decimal("1e-30") * max(abs(xd), Decimal(1))
        return float(fn(xd)), float((fn(xd + h) - fn(xd - h)) / (2 * h))


def assert_close(ours: np.ndarray, ref: np.ndarray) -> None:
    bad = np.abs(ours - ref) > RTOL * np.abs(ref) + ATOL
    assert not np.any(bad), f"ours {ours[bad]} vs reference {ref[bad]}"


def check(fn, ref_fn, points=POINTS, **params) -> None:
    x = np.array(points)
    y, dy = fn(x, **params)[:2]
    refs = np.array([reference(ref_fn, v) for v in points])
    assert y.dtype == np.float64 and dy.shape == x.shape
    assert_close(y, refs[:, 0])
    assert_close(dy, refs[:, 1])


@pytest.mark.parametrize("name", sorted(REFS))
def test_activation_matches_reference(name: str) -> None:
    check(getattr(act, name), REFS[name])


def test_gelu_exact_matches_reference() -> None:
    check(act.gelu, gelu_exact, points=[v for v in POINTS if abs(v) < 1000] + [-38.0, 6.0])


def test_gelu_tanh_matches_reference() -> None:
    check(act.gelu, gelu_tanh, approximate="tanh")


def test_kinks_follow_torch() -> None:
    zero = np.array([0.0])
    assert act.relu(zero)[1].tolist() == [0.0]
    assert act.leaky_relu(zero, negative_slope=0.2)[1].tolist() == [0.2]
    assert act.elu(zero, alpha=1.5)[1].tolist() == [1.5]
    y, dy, dw = act.prelu(zero, weight=0.3)
    assert (y.tolist(), dy.tolist(), dw.tolist()) == ([0.0], [0.3], [0.0])


def test_prelu_slope_gradient_and_channels() -> None:
    x = np.array([[-2.0, 3.0], [1.0, -0.5]])
    y, dy, dw = act.prelu(x, weight=np.array([0.1, 0.2]))
    np.testing.assert_allclose(y, [[-0.2, 3.0], [1.0, -0.1]], rtol=1e-15)
    np.testing.assert_allclose(dy, [[0.1, 1.0], [1.0, 0.2]], rtol=1e-15)
    assert dw.tolist() == [[-2.0, 0.0], [0.0, -0.5]]
    with pytest.raises(ValueError, match="channels"):
        act.prelu(np.zeros(3), weight=np.array([0.1, 0.2]))


def test_softmax_matches_reference_and_jacobian() -> None:
    x = [2.0, 1.0, 0.1]
    with localcontext() as ctx:
        ctx.prec = PREC
        e = [Decimal(v).exp() for v in x]
        ref = [float(v / sum(e)) for v in e]
    y, diag = act.softmax(np.array(x))
    assert_close(y, np.array(ref))
    jac = act.softmax_jacobian(x)
    assert_close(diag, np.diag(jac))
    v = np.array([0.5, -1.0, 2.0])
    _, jvp = act.softmax(np.array(x), v=v)
    np.testing.assert_allclose(jvp, jac @ v, rtol=1e-14)


def test_softmax_extremes_are_finite_and_exact() -> None:
    y, diag = act.softmax(np.array([[1000.0, 999.0, 998.0], [-1000.0, 0.0, 40.0]]))
    assert np.isfinite(y).all() and np.isfinite(diag).all()
    e1, e2 = np.exp(-1.0), np.exp(-2.0)
    assert y[0].tolist() == pytest.approx(
        [1 / (1 + e1 + e2), e1 / (1 + e1 + e2), e2 / (1 + e1 + e2)], rel=1e-15
    )
    # 1 - y at the top entry is e^-40/(1+e^-40), not the rounding noise of 1 - (1 - 4e-18)
    rest = np.exp(-40.0) / (1 + np.exp(-40.0))
    assert diag[1, 2] == pytest.approx(rest / (1 + np.exp(-40.0)), rel=1e-14)


def test_softmax_jvp_in_float32_across_row_blocks() -> None:
    # rows enough for several row blocks and a shorter last one; float32 in gives float32 out,
    # within a few dozen float32 roundings of the float64 formula on the same inputs (a sum of
    # 1000 terms rounds at most ~10 bits worse than one term; a block-boundary slip is O(1))
    rng = np.random.default_rng(7)
    x = rng.normal(0, 5, (300, 1000)).astype(np.float32)
    v = rng.normal(0, 1, (300, 1000)).astype(np.float32)
    bufsize = np.getbufsize()
    y, jvp = act.softmax(x, v=v)
    assert np.getbufsize() == bufsize  # the row loop's ufunc buffer size is put back
    assert y.dtype == jvp.dtype == np.float32
    xd, vd = x.astype(np.float64), v.astype(np.float64)
    e = np.exp(xd - xd.max(axis=1, keepdims=True))
    ref_y = e / e.sum(axis=1, keepdims=True)
    dot = (ref_y * vd).sum(axis=1, keepdims=True)
    eps = float(np.finfo(np.float32).eps)
    np.testing.assert_allclose(y, ref_y, rtol=100 * eps)
    # J·v = y(v - ⟨y, v⟩) is a difference: its rounding is relative to y(|v| + |⟨y, v⟩|)
    err = np.abs(jvp - ref_y * (vd - dot)) / (ref_y * (np.abs(vd) + np.abs(dot)))
    assert err.max() < 100 * eps
    # the same numbers whichever axis holds the classes
    y0, jvp0 = act.softmax(x.T, v=v.T, axis=0)
    assert np.array_equal(y0.T, y) and np.array_equal(jvp0.T, jvp)


def test_bad_parameters_are_value_errors() -> None:
    with pytest.raises(ValueError, match="approximate"):
        act.gelu(np.zeros(2), approximate="fast")
    with pytest.raises(ValueError, match="v has shape"):
        act.softmax(np.zeros(3), v=np.zeros(2))


def test_gelu_tanh_stays_finite_where_the_cubic_overflows() -> None:
    # torch gives nan here (0·inf in the backward); the derivative is 1 for large x, 0 for
    # large -x, and both forms are finite for every finite input.
    import numpy as np

    from quizprep.core import activations

    for dtype, big in ((np.float64, 1e300), (np.float32, 1e20)):
        x = np.array([big, -big, 1e110, -1e110][: 2 if dtype is np.float32 else 4], dtype=dtype)
        with np.errstate(over="raise", invalid="raise"):
            y, dy = activations.gelu(x, approximate="tanh")
        assert y.dtype == dtype and dy.dtype == dtype
        assert np.all(np.isfinite(y)) and np.all(np.isfinite(dy))
        assert y[0] == x[0] and y[1] == 0.0
        assert dy[0] == 1.0 and dy[1] == 0.0
