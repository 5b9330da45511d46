"""Activation functions with their derivatives, following PyTorch.

Each elementwise activation is ``name(x, **params) -> (y, dy_dx)`` with the shape and dtype of
``x`` (float32 kept, anything else float64). Derivatives at kinks are torch's: relu'(0) = 0,
leaky_relu'(0) = negative_slope, elu'(0) = α, prelu'(0) = slope.

Three functions do not fit the elementwise mould, and return more:

- ``prelu(x, weight=0.25) -> (y, dy_dx, dy_dweight)``: ``dy_dweight`` is elementwise
  (``x`` where x ≤ 0, else 0); the gradient of a loss for the slope is
  ``(upstream * dy_dweight).sum()`` over the elements that share it.
- ``swiglu(gate, value) -> (y, dy_dgate, dy_dvalue)``: the gating of a SwiGLU block on its two
  projections, each derivative elementwise.
- ``softmax(x, v=None, axis=-1) -> (y, jvp)``: with ``v`` given, ``jvp = J·v = y ⊙ (v - Σ y·v)``
  along ``axis`` (J is symmetric, so this is also the backward pass for an upstream gradient v);
  without ``v``, ``jvp`` is the diagonal of J, ∂y_i/∂x_i = y_i(1 - y_i).
  ``softmax_jacobian(x)`` returns the full C×C matrix for one vector.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from quizprep.core.losses import as_floats

Array = np.ndarray

__all__ = [
    "elu",
    "gelu",
    "leaky_relu",
    "mish",
    "prelu",
    "relu",
    "selu",
    "sigmoid",
    "silu",
    "softmax",
    "softmax_jacobian",
    "softplus",
    "swiglu",
    "tanh",
]

_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
_GELU_CUBIC = 0.044715
# SELU's constants as torch writes them (Klambauer et al. 2017, eq. 14): the fixed point of
# mean 0 / variance 1 under LeCun-normal weights
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


def _sigmoids(x: Array) -> tuple[Array, Array]:
    """σ(x) and σ(-x), each as 1/(1+e) or e/(1+e) with e = exp(-|x|): no overflow, and no
    ``1 - σ`` cancellation for large |x|."""
    e = np.exp(-np.abs(x))
    r = 1 / (1 + e)
    er = e * r
    pos = x >= 0
    return np.where(pos, r, er), np.where(pos, er, r)


def relu(x: Any) -> tuple[Array, Array]:
    """max(x, 0); derivative 1 for x > 0, else 0 (0 at x = 0, as torch)."""
    a = as_floats(x)
    return np.maximum(a, 0), (a > 0).astype(a.dtype)


def leaky_relu(x: Any, negative_slope: float = 0.01) -> tuple[Array, Array]:
    """x for x > 0, else negative_slope·x."""
    a = as_floats(x)
    slope = a.dtype.type(negative_slope)
    pos = a > 0
    return np.where(pos, a, slope * a), np.where(pos, a.dtype.type(1), slope)


def sigmoid(x: Any) -> tuple[Array, Array]:
    """σ(x) = 1/(1+e^-x); σ'(x) = σ(x)·σ(-x)."""
    a = as_floats(x)
    sp, sn = _sigmoids(a)
    return sp, sp * sn


def tanh(x: Any) -> tuple[Array, Array]:
    """tanh(x); derivative sech²(x) = 4e/(1+e)² with e = exp(-2|x|), exact where 1 - tanh² is
    not."""
    a = as_floats(x)
    e = np.exp(-2 * np.abs(a))
    return np.tanh(a), 4 * e / ((1 + e) * (1 + e))


_erfc = np.frompyfunc(math.erfc, 1, 1)


def _normal_cdf(a: Array) -> Array:
    # NumPy has no erf; math.erfc is correctly rounded to about an ulp and keeps the far tail
    # (Φ(-30) ≈ 5e-198) that 1 + erf would lose.
    tail = _erfc(a.astype(np.float64) * -math.sqrt(0.5)).astype(np.float64)
    return (0.5 * tail).astype(a.dtype)


def gelu(x: Any, approximate: str = "none") -> tuple[Array, Array]:
    """x·Φ(x) ("none") or torch's tanh form ½x(1 + tanh(√(2/π)(x + 0.044715x³))) ("tanh").

    The tanh form is evaluated as x·σ(2u), the same number without 1 + tanh's cancellation.
    """
    a = as_floats(x)
    if approximate == "none":
        cdf = _normal_cdf(a)
        pdf = np.exp(-0.5 * a * a) * a.dtype.type(_INV_SQRT_2PI)
        return a * cdf, cdf + a * pdf
    if approximate == "tanh":
        # Beyond |x| = 1e4 the sigmoid is saturated to the last bit; clipping there keeps x³
        # and x² from overflowing into inf, whose 0·inf would make the derivative nan.
        c = np.clip(a, -1e4, 1e4)
        u2 = 2 * _SQRT_2_OVER_PI * (c + _GELU_CUBIC * c * c * c)
        sp, sn = _sigmoids(u2.astype(a.dtype))
        du2 = 2 * _SQRT_2_OVER_PI * (1 + 3 * _GELU_CUBIC * c * c)
        return a * sp, (sp + a * sp * sn * du2).astype(a.dtype)
    raise ValueError('approximate must be "none" or "tanh"')


def silu(x: Any) -> tuple[Array, Array]:
    """x·σ(x); derivative σ(x) + x·σ(x)·σ(-x)."""
    a = as_floats(x)
    sp, sn = _sigmoids(a)
    return a * sp, sp + a * sp * sn


def elu(x: Any, alpha: float = 1.0) -> tuple[Array, Array]:
    """x for x > 0, else α·(eˣ - 1); derivative 1, else α·eˣ (α at 0, as torch)."""
    a = as_floats(x)
    al = a.dtype.type(alpha)
    neg = np.minimum(a, 0)  # keeps exp from overflowing on the branch that is thrown away
    pos = a > 0
    return np.where(pos, a, al * np.expm1(neg)), np.where(pos, a.dtype.type(1), al * np.exp(neg))


def softplus(x: Any, beta: float = 1.0, threshold: float = 20.0) -> tuple[Array, Array]:
    """torch's softplus: (1/β)·log(1 + e^(βx)), and x itself where βx > threshold.

        y′ = σ(βx)   (1 where βx > threshold, as torch's backward)

    Evaluated as (max(βx, 0) + log1p(e^(−|βx|)))/β: no overflow for large x, and the tail
    e^(βx)/β for very negative x keeps its relative digits.
    """
    if not beta > 0:
        raise ValueError("beta must be positive")
    a = as_floats(x)
    b = a.dtype.type(beta)
    bx = a * b
    sp, _ = _sigmoids(bx)
    y = (np.maximum(bx, 0) + np.log1p(np.exp(-np.abs(bx)))) / b
    linear = bx > threshold
    return np.where(linear, a, y), np.where(linear, a.dtype.type(1), sp)


def selu(x: Any) -> tuple[Array, Array]:
    """λ·x for x > 0, else λ·α·(eˣ − 1), with torch's λ = 1.0507009873554804934 and
    α = 1.6732632423543772848; derivative λ, else λ·α·eˣ (λ·α at 0, as torch)."""
    a = as_floats(x)
    y, dy = elu(a, alpha=SELU_ALPHA)
    scale = a.dtype.type(SELU_SCALE)
    return y * scale, dy * scale


def mish(x: Any) -> tuple[Array, Array]:
    """x·tanh(softplus(x)) (Misra 2019).

        y′ = tanh(sp(x)) + x·σ(x)·sech²(sp(x))

    With u = σ(−x) = e^(−sp(x)): tanh(sp) = σ(x)·(1 + u)/(1 + u²) and sech²(sp) = 4u²/(1 + u²)²,
    every term positive, so neither tail is lost to 1 − tanh² or (1 + eˣ)² − 1.
    """
    a = as_floats(x)
    sp, u = _sigmoids(a)
    uu = 1 + u * u
    t = sp * (1 + u) / uu
    sech2 = 4 * u * u / (uu * uu)
    return a * t, t + a * sp * sech2


def swiglu(gate: Any, value: Any = 1.0) -> tuple[Array, Array, Array]:
    """The SwiGLU gate (Shazeer 2020): Swish(a)·b with a = x·W (gate) and b = x·V (value).

        y = a·σ(a)·b,   ∂y/∂a = (σ(a) + a·σ(a)·σ(−a))·b,   ∂y/∂b = a·σ(a)

    Takes the two projections, elementwise (``value`` broadcasts to ``gate``'s shape); the block
    is then FFN(x) = (Swish(xW) ⊙ xV)·W₂. For the weights, with upstream g = ∂L/∂y:
    ∂L/∂W = xᵀ·(g ⊙ ∂y/∂a), ∂L/∂V = xᵀ·(g ⊙ ∂y/∂b), ∂L/∂x = (g ⊙ ∂y/∂a)·Wᵀ + (g ⊙ ∂y/∂b)·Vᵀ.
    """
    a = as_floats(gate)
    b = np.broadcast_to(np.asarray(value, dtype=a.dtype), a.shape)
    swish, dswish = silu(a)
    return swish * b, dswish * b, swish.copy()


def prelu(x: Any, weight: Any = 0.25) -> tuple[Array, Array, Array]:
    """x for x > 0, else weight·x, with the elementwise derivatives for x and for the slope.

    ``weight`` is a scalar or one slope per channel, channels on axis 1 as in torch.
    """
    a = as_floats(x)
    w = np.asarray(weight, dtype=a.dtype)
    if w.ndim == 1 and w.size > 1:
        if a.ndim < 2 or a.shape[1] != w.size:
            raise ValueError(f"{w.size} slopes need input with {w.size} channels on axis 1")
        w = w.reshape((1, w.size) + (1,) * (a.ndim - 2))
    pos = a > 0
    y = np.where(pos, a, w * a)
    dy_dx = np.where(pos, a.dtype.type(1), w).astype(a.dtype)
    dy_dw = np.where(pos, a.dtype.type(0), a)
    return y, np.broadcast_to(dy_dx, a.shape).copy(), dy_dw


def softmax(x: Any, v: Any = None, axis: int = -1) -> tuple[Array, Array]:
    """y_i = exp(x_i - m) / Σ_j exp(x_j - m) along ``axis``, m = max_j x_j (the same y for
    any m; the max keeps every exponent ≤ 0, so nothing overflows and the sum is ≥ 1).

    Gradient: ∂y_i/∂x_j = y_i(δ_ij - y_j). With ``v`` the second value is
    J·v = y ⊙ (v - Σ_j y_j v_j), which is also the backward pass for an upstream gradient v
    (J is symmetric); without ``v`` it is the diagonal y_i(1 - y_i).
    """
    a = as_floats(x)
    if a.ndim == 0:
        raise ValueError("softmax needs at least one axis")
    if v is not None:
        vv = np.asarray(v, dtype=a.dtype)
        if vv.shape != a.shape:
            raise ValueError(f"v has shape {vv.shape}, x has shape {a.shape}")
        ys, jvp = _softmax_jvp_rows(_as_rows(a, axis), _as_rows(vv, axis))
        return _from_rows(ys, a.shape, axis), _from_rows(jvp, a.shape, axis)
    moved = np.moveaxis(a, axis, -1)
    top = np.argmax(moved, axis=-1)[..., None]
    e = np.exp(moved - np.take_along_axis(moved, top, axis=-1))
    np.put_along_axis(e, top, 0.0, axis=-1)
    rest = e.sum(axis=-1, keepdims=True)  # Σ over all but the largest term, exp(0) = 1 left out
    np.put_along_axis(e, top, 1.0, axis=-1)
    y_last = e / (1 + rest)
    # off the max entry y ≤ ½, so 1 - y is safe; at the max it is rest/(1+rest), exactly
    one_minus = 1 - y_last
    np.put_along_axis(one_minus, top, rest / (1 + rest), axis=-1)
    return np.moveaxis(y_last, -1, axis), np.moveaxis(y_last * one_minus, -1, axis)


def _as_rows(a: Array, axis: int) -> Array:
    """``a`` as a C-contiguous (rows, C) array with ``axis`` last (a view when it already is)."""
    moved = np.moveaxis(a, axis, -1)
    return np.ascontiguousarray(moved).reshape(-1, moved.shape[-1])


def _from_rows(rows: Array, shape: tuple[int, ...], axis: int) -> Array:
    moved_shape = np.moveaxis(np.empty(shape, dtype=np.uint8), axis, -1).shape
    return np.moveaxis(rows.reshape(moved_shape), -1, axis)


# bytes per block: the block's logits, v, y, J·v and one scratch block (5 × 256 KiB) stay in
# the 2 MB L2 cache between the steps; smaller blocks pay more Python calls per element
_SOFTMAX_BLOCK_BYTES = 256 * 1024


def _row_dots(a: Array, b: Array) -> Array:
    """⟨a_i, b_i⟩ for each row i of ``a``; ``b`` is a matrix like ``a`` or one row for all.

    One BLAS dot per row (``np.vecdot``, NumPy ≥ 2), in the input's dtype; einsum, the same
    sums a little slower, on NumPy 1.26.
    """
    if hasattr(np, "vecdot"):
        return np.vecdot(a, b)
    return np.einsum("ij,ij->i", a, np.broadcast_to(b, a.shape))


def _softmax_jvp_rows(x: Array, v: Array) -> tuple[Array, Array]:
    """Row-wise y = exp(x - m) / Σ exp(x - m), m the row max, and J·v = y ⊙ (v - ⟨y, v⟩).

    Block by block of rows, so each step finds its operands in cache: ufuncs write into the
    outputs or one scratch block (no full-size temporary), and nothing leaves the input's
    dtype (float32 stays float32: the row max, sums and dots are float32 arrays).

    Each step that broadcasts a per-row scalar over its row (``x - m[:, None]``) is one ufunc
    loop per row. With NumPy's default ufunc buffer (8192 elements) the iterator would rather
    copy those scalars out to a buffer, to run several rows per loop, and the copy costs more
    than the arithmetic; a 16-element buffer (the smallest NumPy accepts) rules it out. The
    buffer size is restored on return.
    """
    n, c = x.shape
    y = np.empty_like(x)
    jvp = np.empty_like(x)
    step = max(1, _SOFTMAX_BLOCK_BYTES // (x.itemsize * max(c, 1)))
    scratch = np.empty((min(step, n), c), dtype=x.dtype)
    ones = np.ones(c, dtype=x.dtype)
    old_bufsize = np.getbufsize()
    np.setbufsize(16)
    try:
        for lo in range(0, n, step):
            hi = min(lo + step, n)
            xb, vb, yb, jb, s = x[lo:hi], v[lo:hi], y[lo:hi], jvp[lo:hi], scratch[: hi - lo]
            np.subtract(xb, xb.max(axis=1)[:, None], out=s)  # x - m ≤ 0: exp cannot overflow
            np.exp(s, out=yb)  # the max entry is exp(0) = 1 exactly, so the sum is ≥ 1
            inv_total = np.divide(1, _row_dots(yb, ones))
            yb *= inv_total[:, None]  # y
            np.subtract(vb, _row_dots(yb, vb)[:, None], out=s)  # v - ⟨y, v⟩
            np.multiply(s, yb, out=jb)  # J·v
    finally:
        np.setbufsize(old_bufsize)
    return y, jvp


def softmax_jacobian(x: Any) -> Array:
    """The C×C Jacobian ∂y_i/∂x_j = y_i(δ_ij - y_j) of softmax for one vector."""
    y, _ = softmax(np.asarray(x).reshape(-1))
    return np.diag(y) - np.outer(y, y)
