"""Loss functions with their exact gradients, following PyTorch's defaults.

Every loss is ``name(input, target, **params) -> (loss, grad)``: ``loss`` is a Python float
(mean reduction unless stated), ``grad`` is d loss / d input with the shape and dtype of
``input``. float32 input is computed in float32, anything else in float64.

Precision notes, where the obvious formula would lose digits:

- sigmoid terms are split by sign: with ``e = exp(-|x|)`` and ``r = 1/(1+e)``, σ(x) and σ(-x)
  are each ``r`` or ``e·r``, so neither is ever formed as ``1 - something close to 1``;
- gradients of the form ``σ(x) - t`` are evaluated as ``(1-t)·σ(x) - t·σ(-x)``, which is exact
  in relative terms for hard targets (a confidently right logit of 30 gets -9.4e-14, not the
  rounding noise of ``σ(30) - 1``);
- log-sum-exp subtracts the row maximum and takes ``log1p`` of the sum of the *other* terms,
  and ``1 - p`` of the target class is ``-expm1(log p)``.

Where we differ from PyTorch on purpose (documented in the tests):

- ``bce`` at p exactly 0 or 1 returns the true derivative of the clamped loss (0 on a clamped
  term, e.g. 1/N for p = 0, t = 0); torch's backward divides by ``max(p(1-p), 1e-12)`` there.
- at a kink the derivative is the one torch uses: relu'(0) = 0, |a|' = 0 at 0, and the hinge
  and multi-margin terms contribute 0 exactly at the margin.
"""

from __future__ import annotations

from typing import Any

import numpy as np

Array = np.ndarray

__all__ = [
    "bce",
    "bce_with_logits",
    "cross_entropy",
    "focal",
    "hinge",
    "huber",
    "kl_div",
    "l2",
    "mae",
    "mse",
    "multi_margin",
    "softmax_focal",
]


def as_floats(values: Any) -> Array:
    """``values`` as float32 (returned as is) or float64 (everything else, converted)."""
    arr = np.asarray(values)
    if arr.dtype != np.float32:
        arr = arr.astype(np.float64, copy=False)  # float64 in: no copy (nothing writes to it)
    return arr


def _target_like(target: Any, x: Array, name: str = "target") -> Array:
    t = np.asarray(target, dtype=x.dtype)
    if t.shape != x.shape:
        raise ValueError(f"{name} has shape {t.shape}, input has shape {x.shape}")
    return t


def _scale(x: Array, count: int) -> Any:
    """1/count in the dtype of ``x``, so float32 stays float32."""
    return x.dtype.type(1.0 / count)


def _sigmoid_pair(x: Array) -> tuple[Array, Array, Array]:
    """σ(x), σ(-x) and log1p(exp(-|x|)) without overflow or cancellation."""
    e = np.abs(x)
    np.negative(e, out=e)
    np.exp(e, out=e)  # e = exp(-|x|) in (0, 1]
    softplus_tail = np.log1p(e)
    r = np.add(e, 1.0, dtype=x.dtype)
    np.reciprocal(r, out=r)  # 1 / (1 + e)
    np.multiply(e, r, out=e)  # e / (1 + e)
    pos = x >= 0
    sig_pos = np.where(pos, r, e)
    sig_neg = np.where(pos, e, r)
    return sig_pos, sig_neg, softplus_tail


def _class_targets(target: Any, n: int, c: int) -> Array:
    y = np.asarray(target)
    if y.ndim == 0:
        y = y.reshape(1)
    if y.shape != (n,):
        raise ValueError(f"target must hold {n} class indices, got shape {y.shape}")
    if y.dtype.kind == "f":
        if not np.all(np.equal(np.mod(y, 1), 0)):
            raise ValueError("class indices must be whole numbers")
        y = y.astype(np.int64)
    elif y.dtype.kind not in "iu":
        raise ValueError("class indices must be integers")
    if y.size and (y.min() < 0 or y.max() >= c):
        raise ValueError(f"class indices must lie in 0..{c - 1}")
    return y.astype(np.intp)


def _logits_2d(input: Any) -> tuple[Array, bool]:
    x = as_floats(input)
    if x.ndim == 1:
        return x.reshape(1, -1), True
    if x.ndim != 2:
        raise ValueError(f"logits must have shape (N, C) or (C,), got {x.shape}")
    return x, False


def _class_weight(weight: Any, x: Array) -> Array | None:
    if weight is None:
        return None
    w = np.asarray(weight, dtype=x.dtype)
    if w.shape != (x.shape[1],):
        raise ValueError(f"weight must hold one value per class ({x.shape[1]}), got {w.shape}")
    return w


def _log_softmax_parts(x: Array, y: Array) -> tuple[Array, Array, Array, Array, Array, Array]:
    """Per row: shifted logits z = x - max, exp(z) with the max entry zeroed, the sum s of
    that row, the log-sum-exp log1p(s) of z, z at the target, and the column of the max."""
    rows = np.arange(x.shape[0])
    top = np.argmax(x, axis=1)
    z = x - x[rows, top][:, None]
    zy = z[rows, y]
    ez = np.exp(z)
    ez[rows, top] = 0.0  # exp(0) = 1 exactly; summing the rest keeps log1p's precision
    s = ez.sum(axis=1)
    return z, ez, s, np.log1p(s), zy, top


# elements per block: big enough to amortise the Python loop, small enough to stay in cache
# (measured best on this machine's benchmark, benchmarks/core.py)
_BLOCK = 65536
_ROW_BLOCK = 131072  # cross_entropy's per-row fancy indexing favours larger blocks


def mse(input: Any, target: Any) -> tuple[float, Array]:
    """Mean squared error, mean((x - t)²); grad 2(x - t)/N."""
    x = as_floats(input)
    t = _target_like(target, x)
    d = np.subtract(x, t)
    flat = d.reshape(-1)
    loss = float(np.dot(flat, flat)) / max(d.size, 1)
    np.multiply(d, _scale(x, max(d.size, 1)) * 2, out=d)
    return loss, d


def mae(input: Any, target: Any) -> tuple[float, Array]:
    """Mean absolute error (torch ``l1_loss``); grad sign(x - t)/N with sign(0) = 0."""
    x = as_floats(input)
    t = _target_like(target, x)
    d = np.subtract(x, t)
    n = max(d.size, 1)
    loss = float(np.abs(d).sum()) / n
    np.sign(d, out=d)
    d *= _scale(x, n)
    return loss, d


def huber(input: Any, target: Any, delta: float = 1.0) -> tuple[float, Array]:
    """Huber loss (torch ``huber_loss``): ½a² for |a| < δ, else δ(|a| - ½δ); grad clip(a, ±δ)/N.

    With c = clip(a, -δ, δ) both pieces are one expression, ℓ = c·a - ½c² (½a² where c = a,
    δ|a| - ½δ² where c = ±δ), so there is no branch to evaluate twice, nothing squares a
    residual beyond δ (no overflow at 1e300), and c is the gradient. Block by block, in cache.
    """
    if not delta > 0:
        raise ValueError("delta must be positive")
    x = as_floats(input)
    t = _target_like(target, x)
    xf = np.ascontiguousarray(x).reshape(-1)
    tf = np.ascontiguousarray(t).reshape(-1)
    n = xf.size
    grad = np.empty_like(xf)
    size = max(1, min(_BLOCK, n))
    a_buf = np.empty(size, dtype=x.dtype)
    d = x.dtype.type(delta)
    inv_n = x.dtype.type(1.0 / max(n, 1))
    total = 0.0
    for lo in range(0, n, size):
        hi = min(lo + size, n)
        a = a_buf[: hi - lo]
        c = grad[lo:hi]
        np.subtract(xf[lo:hi], tf[lo:hi], out=a)
        np.clip(a, -d, d, out=c)
        # Σ c·a - ½Σ c²: two dot products and no temporary; the subtraction loses at most a
        # factor 2 (c·a ≥ c² wherever c is clipped, and = c² where it is not)
        # (einsum, not np.dot: OpenBLAS threads a dot of over 10,000 elements, and waking
        # its threads between NumPy calls costs far more than the sum on a busy machine)
        total += float(np.einsum("i,i->", c, a)) - 0.5 * float(np.einsum("i,i->", c, c))
        c *= inv_n
    return total / max(n, 1), grad.reshape(x.shape)


def bce(input: Any, target: Any) -> tuple[float, Array]:
    """Binary cross-entropy on probabilities, each log clamped at -100 as torch does."""
    p = as_floats(input)
    t = _target_like(target, p)
    if p.size and (np.any(p < 0) or np.any(p > 1)):
        raise ValueError("bce input must be probabilities in [0, 1]")
    n = max(p.size, 1)
    with np.errstate(divide="ignore"):
        log_p = np.log(p)
        log_q = np.log1p(-p)
    live_p = log_p > -100  # a clamped term is flat, so its derivative is 0
    live_q = log_q > -100
    np.maximum(log_p, -100, out=log_p)
    np.maximum(log_q, -100, out=log_q)
    loss = -float((t * log_p + (1 - t) * log_q).sum()) / n
    grad = np.zeros_like(p)
    # float32's clamp point e^-100 is subnormal, and 1/p there overflows: dividing by at least
    # the smallest normal float keeps |grad| ≤ 8.5e37 (float64 never gets here: its subnormals
    # are far inside the clamp)
    np.divide(-t, np.maximum(p, np.finfo(p.dtype).tiny), out=grad, where=live_p)
    term_q = np.zeros_like(p)
    np.divide(1 - t, 1 - p, out=term_q, where=live_q)
    grad += term_q
    grad *= _scale(p, n)
    return loss, grad


def _bce_with_logits_blocked(x: Array, t: Array) -> tuple[float, Array]:
    """The pos_weight-free case, block by block with preallocated buffers (it is the hot path).

    With A = exp(min(x, 0)) and B = exp(-max(x, 0)) (one of them is 1), e = A·B = exp(-|x|),
    σ(x) = A/(1+e) and σ(-x) = B/(1+e): the sign split without a branch or ``np.where``.
    """
    xf = np.ascontiguousarray(x).reshape(-1)
    tf = np.ascontiguousarray(t).reshape(-1)
    n = xf.size
    grad = np.empty_like(xf)
    size = max(1, min(_BLOCK, n))
    bufs = [np.empty(size, dtype=x.dtype) for _ in range(5)]
    inv_n = x.dtype.type(1.0 / max(n, 1))
    total = 0.0
    for lo in range(0, n, size):
        hi = min(lo + size, n)
        xc, tc = xf[lo:hi], tf[lo:hi]
        m, a, b, e, g = (buf[: hi - lo] for buf in bufs)
        np.maximum(xc, 0, out=m)
        np.negative(m, out=b)
        np.exp(b, out=b)
        np.minimum(xc, 0, out=a)
        np.exp(a, out=a)
        np.multiply(a, b, out=e)
        # loss: max(x, 0) - x·t + log1p(e), exact cancellation for hard targets
        np.multiply(xc, tc, out=g)
        np.subtract(m, g, out=m)
        np.log1p(e, out=g)
        np.add(m, g, out=m)
        total += float(m.sum())
        # grad: ((1-t)·σ(x) - t·σ(-x)) / N
        np.add(e, 1, out=e)
        np.divide(inv_n, e, out=e)
        np.subtract(1, tc, out=g)
        np.multiply(g, a, out=g)
        np.multiply(tc, b, out=b)
        np.subtract(g, b, out=g)
        np.multiply(g, e, out=grad[lo:hi])
    return total / max(n, 1), grad.reshape(x.shape)


def bce_with_logits(input: Any, target: Any, pos_weight: Any = None) -> tuple[float, Array]:
    """BCE on logits: (1-t)·x + (1 + (w-1)·t)·softplus(-x), mean; grad ((1-t)σ(x) - w·t·σ(-x))/N.

    ``pos_weight`` broadcasts against the last dimension, as in torch.
    """
    x = as_floats(input)
    t = _target_like(target, x)
    n = max(x.size, 1)
    if pos_weight is None:
        return _bce_with_logits_blocked(x, t)
    w = np.asarray(pos_weight, dtype=x.dtype)
    columns = x.shape[-1] if x.ndim else 1
    if w.ndim > 1 or w.size not in (1, columns):
        # NumPy's own broadcasting message names shapes, not the option.
        raise ValueError(
            f"pos_weight has {w.size} values; give one, or one per column of the input ({columns})"
        )
    sig_pos, sig_neg, tail = _sigmoid_pair(x)
    log_weight = 1 + (w - 1) * t
    softplus_neg = np.maximum(-x, 0) + tail
    elem = (1 - t) * x + log_weight * softplus_neg
    loss = float(elem.sum()) / n
    grad = (1 - t) * sig_pos - w * t * sig_neg
    grad *= _scale(x, n)
    return loss, grad


def cross_entropy(
    input: Any, target: Any, weight: Any = None, label_smoothing: float = 0.0
) -> tuple[float, Array]:
    """Softmax cross-entropy on logits (N, C) with class-index targets (N,), torch's convention:
    a weighted mean Σ w_y·ℓ / Σ w_y, and smoothing that mixes in ε/C of every class.
    """
    x, unbatched = _logits_2d(input)
    n, c = x.shape
    if n == 0:
        raise ValueError("cross_entropy needs at least one row")
    y = _class_targets(target, n, c)
    eps = float(label_smoothing)
    if not 0.0 <= eps <= 1.0:
        raise ValueError("label_smoothing must lie in [0, 1]")
    w = _class_weight(weight, x)
    if w is None:
        total, w_sum = float(n), float(c)
    else:
        total, w_sum = float(w[y].sum()), float(w.sum())
        if total == 0:
            raise ValueError("the weights of the target classes sum to 0: no weighted mean")
    grad = np.empty_like(x)
    nll_sum = smooth_sum = 0.0
    # grad_ij = a_i·p_ij - (1-ε)·w_yi·[j = y_i]/W - ε·w_j/(C·W), built in place block by block
    # so the exp, the sums and the gradient all stay in cache
    step = max(1, _ROW_BLOCK // max(c, 1))
    # row sums as a matrix-vector product: BLAS is several times faster than .sum(axis=1)
    # on short rows
    ones = np.ones(c, dtype=x.dtype)
    w_or_ones = ones if w is None else w
    for lo in range(0, n, step):
        hi = min(lo + step, n)
        yb = y[lo:hi]
        ez = grad[lo:hi]
        rows = np.arange(hi - lo)
        top = np.argmax(x[lo:hi], axis=1)
        np.subtract(x[lo:hi], x[lo:hi][rows, top][:, None], out=ez)  # z = x - max
        zy = ez[rows, yb]
        if eps > 0:
            z_weighted = ez @ w_or_ones  # Σ_c w_c·z_c
        np.exp(ez, out=ez)
        ez[rows, top] = 0.0  # exp(0) = 1 exactly; summing the rest keeps log1p's precision
        s = ez @ ones
        lse = np.log1p(s)
        wy = None if w is None else w[yb]
        nll = lse - zy
        nll_sum += float(nll.sum() if wy is None else np.dot(wy, nll))
        if eps > 0:
            smooth_sum += float((w_sum * lse - z_weighted).sum())  # Σ_c w_c·(-log p_c)
        ez[rows, top] = 1.0
        a = ((1 - eps) * (1.0 if wy is None else wy) + eps * w_sum / c) / total
        s += 1.0
        np.divide(a, s, out=s)  # a_i / Σ_c exp(z_ic)
        ez *= s[:, None]
        if eps > 0:
            ez -= (eps / (c * total)) if w is None else (eps / (c * total)) * w
        w_y = 1.0 if w is None else wy
        # the target entry as a·(p - 1) + (a - b), with p - 1 = expm1(log p) kept exact
        ez[rows, yb] = a * np.expm1(zy - lse) + eps * (w_sum - w_y) / (c * total)
    loss = nll_sum / total
    if eps > 0:
        loss = (1 - eps) * loss + eps / c * smooth_sum / total
    return loss, grad.reshape(-1) if unbatched else grad


def hinge(input: Any, target: Any) -> tuple[float, Array]:
    """Binary hinge loss mean(max(0, 1 - t·s)) for targets ±1; 0 gradient on the margin."""
    s = as_floats(input)
    t = _target_like(target, s)
    if t.size and not np.all((t == 1) | (t == -1)):
        raise ValueError("hinge targets must be +1 or -1")
    n = max(s.size, 1)
    slack = 1 - t * s
    active = slack > 0
    loss = float(np.where(active, slack, 0).sum()) / n
    grad = np.where(active, -t, 0).astype(s.dtype)
    grad *= _scale(s, n)
    return loss, grad


def multi_margin(
    input: Any, target: Any, p: int = 1, margin: float = 1.0, weight: Any = None
) -> tuple[float, Array]:
    """torch's ``multi_margin_loss``: Σ_{j≠y} w_y·max(0, margin - x_y + x_j)^p / C, mean over N."""
    if p not in (1, 2):
        raise ValueError("p must be 1 or 2 (as in torch)")
    x, unbatched = _logits_2d(input)
    n, c = x.shape
    y = _class_targets(target, n, c)
    w = _class_weight(weight, x)
    rows = np.arange(n)
    z = margin - x[rows, y][:, None] + x
    z[rows, y] = 0  # the target class is left out of the sum
    active = z > 0
    np.maximum(z, 0, out=z)
    scale = (w[y] if w is not None else np.ones(n, dtype=x.dtype)) / (c * n)
    terms = z if p == 1 else z * z
    loss = float((terms.sum(axis=1) * scale).sum())
    grad = (active if p == 1 else 2 * z).astype(x.dtype) * scale[:, None].astype(x.dtype)
    grad[rows, y] = -grad.sum(axis=1)  # entry y itself is 0 before this line
    return loss, grad.reshape(-1) if unbatched else grad


def focal(input: Any, target: Any, alpha: float = 0.25, gamma: float = 2.0) -> tuple[float, Array]:
    """torchvision's ``sigmoid_focal_loss`` with mean reduction: α_t·(1 - p_t)^γ·BCE(x, t).

    ``alpha < 0`` turns the class weighting off, as in torchvision.
    """
    if gamma < 0:
        raise ValueError("gamma must be ≥ 0")
    x = as_floats(input)
    t = _target_like(target, x)
    n = max(x.size, 1)
    sig_pos, sig_neg, tail = _sigmoid_pair(x)
    ce = np.maximum(x, 0) - x * t + tail
    dce = (1 - t) * sig_pos - t * sig_neg
    m = t * sig_neg + (1 - t) * sig_pos  # 1 - p_t, without cancellation
    mod = m**gamma
    if gamma == 0:
        dmod = np.zeros_like(x)
    else:
        dmod = np.zeros_like(x)
        np.power(m, gamma - 1, out=dmod, where=m > 0)  # limit 0 at m = 0 for γ ≥ 1
        dmod *= gamma * sig_pos * sig_neg * (1 - 2 * t)
    elem = ce * mod
    grad = dce * mod + ce * dmod
    if alpha >= 0:
        alpha_t = alpha * t + (1 - alpha) * (1 - t)
        elem *= alpha_t
        grad *= alpha_t
    loss = float(elem.sum()) / n
    grad = grad.astype(x.dtype, copy=False)
    grad *= _scale(x, n)
    return loss, grad


def softmax_focal(
    input: Any, target: Any, gamma: float = 2.0, alpha: Any = None
) -> tuple[float, Array]:
    """Multi-class focal loss mean_i(-α_y·(1 - p_y)^γ·log p_y) on logits (N, C).

    ``alpha`` is None or one weight per class; the mean is a plain mean over the batch (torch
    has no built-in, and this is how the focal-loss paper writes it). γ = 0, α = None is
    exactly ``cross_entropy``.
    """
    if gamma < 0:
        raise ValueError("gamma must be ≥ 0")
    x, unbatched = _logits_2d(input)
    n, c = x.shape
    y = _class_targets(target, n, c)
    a = _class_weight(alpha, x)
    _z, ez, s, lse, zy, top = _log_softmax_parts(x, y)
    rows = np.arange(n)
    log_py = zy - lse
    py = np.exp(log_py)
    rest = -np.expm1(log_py)  # 1 - p_y
    mod = rest**gamma
    per_row = -mod * log_py
    g = -mod
    if gamma != 0:
        lower = np.zeros_like(rest)
        np.power(rest, gamma - 1, out=lower, where=rest > 0)
        g += gamma * py * lower * log_py
    ay = np.ones(n, dtype=x.dtype) if a is None else a[y]
    loss = float((ay * per_row).sum()) / n
    # d/dz_j = α_y·g·([j = y] - p_j)/N
    probs = ez
    probs[rows, top] = 1.0
    probs /= (1 + s)[:, None]
    coef = (ay * g / n).astype(x.dtype)
    grad = probs
    grad *= -coef[:, None]
    grad[rows, y] = coef * rest
    return loss, grad.reshape(-1) if unbatched else grad


def kl_div(input: Any, target: Any, reduction: str = "batchmean") -> tuple[float, Array]:
    """torch's ``kl_div``: input holds log-probabilities, target probabilities;
    Σ t·(log t - input) with 0·log 0 = 0, divided by input.shape[0] for "batchmean",
    the element count for "mean", or 1 for "sum".

    A term with t = 0 is 0 with gradient 0 whatever the input, also at input = -inf (log 0),
    where torch returns nan. For batchmean to give the per-sample KL, pass rows (N, C): on a
    1-D input, input.shape[0] is the class count, as in torch.
    """
    x = as_floats(input)
    t = _target_like(target, x)
    if t.size and np.any(t < 0):
        raise ValueError("kl_div target must be probabilities (≥ 0)")
    if reduction == "batchmean":
        denom = x.shape[0] if x.ndim else 1
    elif reduction == "mean":
        denom = x.size
    elif reduction == "sum":
        denom = 1
    else:
        raise ValueError('reduction must be "batchmean", "mean" or "sum"')
    denom = max(denom, 1)
    live = t > 0
    t_log_t = np.zeros_like(t)
    np.log(t, out=t_log_t, where=live)
    t_log_t *= t
    # t·x only where t > 0: with t = 0 the term is 0 even at x = log 0 = -inf (torch forms
    # 0·(-inf) = nan there)
    cross = np.zeros_like(t)
    np.multiply(t, x, out=cross, where=live)
    loss = float((t_log_t - cross).sum()) / denom
    grad = np.subtract(x.dtype.type(0), t)  # -t, without a -0.0 where t = 0
    grad *= _scale(x, denom)
    return loss, grad


def l2(w: Any, lam: float) -> tuple[float, Array]:
    """L2 penalty λ/2·‖w‖² and its gradient λ·w."""
    arr = as_floats(w)
    flat = arr.reshape(-1)
    return 0.5 * lam * float(np.dot(flat, flat)), arr * arr.dtype.type(lam)
