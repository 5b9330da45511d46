"""The losses of the newer cards: contrastive, metric, segmentation, quantile, count, Gaussian
and distillation objectives, with their exact gradients.

Same contract as :mod:`quizprep.core.losses`: ``name(input, target, **params) -> (loss, grad)``
with ``loss`` a Python float and ``grad`` d loss / d input in the shape and dtype of ``input``
(float32 kept, anything else float64). Two losses have more than one differentiable input and
say so: ``triplet_margin`` returns one gradient per input, ``gaussian_nll`` the gradient for the
variance as well. Defaults are PyTorch's where PyTorch has the loss; where it has not (InfoNCE,
Dice, pinball, distillation) the docstring names the convention followed.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from quizprep.core.losses import _logits_2d, _scale, _target_like, as_floats, cross_entropy

Array = np.ndarray

__all__ = [
    "dice",
    "distill_kl",
    "gaussian_nll",
    "info_nce",
    "pinball",
    "poisson_nll",
    "triplet_margin",
]


def log_softmax_rows(z: Array) -> Array:
    """Row-wise log-softmax, max-shifted; the largest entry's exp(0) = 1 is added back exactly
    through log1p so rows dominated by one logit keep their digits."""
    rows = np.arange(z.shape[0])
    top = np.argmax(z, axis=1)
    shifted = z - z[rows, top][:, None]
    e = np.exp(shifted)
    e[rows, top] = 0.0
    return shifted - np.log1p(e.sum(axis=1))[:, None]


def info_nce(input: Any, target: Any = None, temperature: float = 0.07) -> tuple[float, Array]:
    """InfoNCE / NT-Xent, one direction: cross-entropy of the logits S/τ against the positives.

    ``input`` is the (N, M) similarity matrix S (row i: anchor i against M candidates, usually
    cosine similarities of L2-normalised embeddings, S = U·Vᵀ); ``target`` holds the column of
    each row's positive and defaults to the diagonal (pair i is (uᵢ, vᵢ), every other column of
    the batch is an in-batch negative), as in SimCLR and CLIP. CLIP's symmetric loss is the mean
    of this on S and on Sᵀ. τ = 0.07 is CLIP's initial temperature (and MoCo's).

        L = (1/N)·Σᵢ [log Σⱼ exp(S_ij/τ) − S_i,yᵢ/τ]
        ∂L/∂S_ij = (softmax(Sᵢ/τ)_j − [j = yᵢ]) / (N·τ)

    The gradient is for the similarity logits. For embeddings, chain it through S = U·Vᵀ:
    ∂L/∂U = G·V and ∂L/∂V = Gᵀ·U with G = ∂L/∂S (plus the normalisation's Jacobian
    (I − ûûᵀ)/‖u‖ per row when S holds cosines of unnormalised vectors).
    """
    if not temperature > 0:
        raise ValueError("temperature must be positive")
    s = as_floats(input)
    if s.ndim != 2:
        raise ValueError(f"similarities must have shape (N, M), got {s.shape}")
    n, m = s.shape
    if target is None:
        if m < n:
            raise ValueError("the diagonal positives need at least as many columns as rows")
        target = np.arange(n)
    # shift by the row maximum before dividing, so each logit z − max is formed from the
    # similarities' own difference and carries one rounding, however large 1/τ is
    shifted = s - s.max(axis=1, keepdims=True)
    z = shifted / s.dtype.type(temperature)
    loss, grad = cross_entropy(z, target)
    grad /= s.dtype.type(temperature)
    return loss, grad


def _pairwise(diff: Array, p: float) -> tuple[Array, Array]:
    """‖diff‖_p per row and its gradient with respect to diff."""
    if p == 2:
        dist = np.sqrt(np.einsum("ij,ij->i", diff, diff))
        safe = np.where(dist > 0, dist, 1)
        return dist, diff / safe[:, None]
    a = np.abs(diff)
    dist = (a**p).sum(axis=1) ** (1 / p)
    safe = np.where(dist > 0, dist, 1)
    return dist, np.sign(diff) * (a / safe[:, None]) ** (p - 1)


def triplet_margin(
    anchor: Any,
    positive: Any,
    negative: Any,
    margin: float = 1.0,
    p: float = 2.0,
    eps: float = 1e-6,
) -> tuple[float, tuple[Array, Array, Array]]:
    """torch's ``triplet_margin_loss`` (swap=False, mean) on (N, D) or (D,) embeddings.

        d(x, y) = ‖x − y + eps‖_p   (torch's ``pairwise_distance`` adds eps to the difference)
        L = (1/N)·Σᵢ max(d(aᵢ, pᵢ) − d(aᵢ, nᵢ) + margin, 0)
        ∂L/∂aᵢ = (u_ap − u_an)/N,  ∂L/∂pᵢ = −u_ap/N,  ∂L/∂nᵢ = u_an/N  on active triplets,
        u_xy = ∂d/∂x = sign(v)·|v|^(p−1)/d^(p−1) with v = x − y + eps (v/d for p = 2)

    Returns ``(loss, (grad_anchor, grad_positive, grad_negative))``; a triplet exactly on the
    margin contributes 0 (torch's clamp_min passes gradient only strictly above 0).
    """
    if not p >= 1:
        raise ValueError("p must be at least 1 (a norm)")
    if not margin >= 0:
        raise ValueError("margin must be ≥ 0")
    a = as_floats(anchor)
    pos = _target_like(positive, a, "positive")
    neg = _target_like(negative, a, "negative")
    unbatched = a.ndim == 1
    a2, p2, n2 = (v.reshape(1, -1) if unbatched else v for v in (a, pos, neg))
    if a2.ndim != 2:
        raise ValueError(f"embeddings must have shape (N, D) or (D,), got {a.shape}")
    e = a.dtype.type(eps)
    d_ap, u_ap = _pairwise(a2 - p2 + e, p)
    d_an, u_an = _pairwise(a2 - n2 + e, p)
    hinge = d_ap - d_an + margin
    active = (hinge > 0).astype(a.dtype)[:, None]
    n = a2.shape[0]
    loss = float(np.maximum(hinge, 0).sum()) / n
    coef = active * _scale(a, n)
    g_p = -u_ap * coef
    g_n = u_an * coef
    g_a = -(g_p + g_n)
    shape = a.shape
    return loss, tuple(g.astype(a.dtype, copy=False).reshape(shape) for g in (g_a, g_p, g_n))


def dice(input: Any, target: Any, smooth: float = 1.0) -> tuple[float, Array]:
    """Soft Dice loss on probabilities, per sample then averaged (V-Net's smoothed form).

        Dᵢ = (2·Σ p·t + s) / (Σ p + Σ t + s)   over each row's elements,   L = (1/N)·Σᵢ (1 − Dᵢ)
        ∂L/∂p_k = −(2·t_k·(Σp + Σt + s) − (2·Σpt + s)) / (N·(Σp + Σt + s)²)

    ``input`` holds probabilities (apply sigmoid or softmax to logits first), (N, ...) with one
    sample per row, or 1-D for one sample. The smoothing s (1 by default) is added to numerator
    and denominator, so an empty mask predicted empty scores D = 1, not 0/0.
    """
    if not smooth >= 0:
        raise ValueError("smooth must be ≥ 0")
    p = as_floats(input)
    t = _target_like(target, p)
    if p.size and (np.any(p < 0) or np.any(p > 1)):
        raise ValueError("dice input must be probabilities in [0, 1]")
    rows = p.reshape(1, -1) if p.ndim <= 1 else p.reshape(p.shape[0], -1)
    trows = t.reshape(rows.shape)
    inter = np.einsum("ij,ij->i", rows, trows)
    union = rows.sum(axis=1) + trows.sum(axis=1) + smooth
    if np.any(union == 0):
        raise ValueError("an empty prediction and an empty mask with smooth = 0: Dice is 0/0")
    num = 2 * inter + smooth
    n = rows.shape[0]
    loss = float((1 - num / union).sum()) / n
    grad = -(2 * trows * union[:, None] - num[:, None]) / (n * union * union)[:, None]
    return loss, grad.astype(p.dtype, copy=False).reshape(p.shape)


def pinball(input: Any, target: Any, q: float = 0.5) -> tuple[float, Array]:
    """Pinball (quantile) loss for the q-quantile, mean over elements.

        u = t − x,   ρ_q(u) = max(q·u, (q − 1)·u),   L = mean ρ_q
        ∂L/∂x = (−q if u > 0, 1 − q if u < 0, 0 at u = 0) / N

    Under-predictions cost q per unit, over-predictions 1 − q, so the minimiser is the
    q-quantile; q = ½ is half the absolute error (the median). At u = 0 the subgradient 0 is
    used, the same convention as MAE's sign(0) = 0.
    """
    if not 0 <= q <= 1:
        raise ValueError("q must lie in [0, 1]")
    x = as_floats(input)
    t = _target_like(target, x)
    u = np.subtract(t, x)
    n = max(u.size, 1)
    qq = x.dtype.type(q)
    loss = float(np.maximum(qq * u, (qq - 1) * u).sum()) / n
    grad = np.where(u > 0, -qq, np.where(u < 0, 1 - qq, 0)).astype(x.dtype, copy=False)
    grad *= _scale(x, n)
    return loss, grad


def poisson_nll(
    input: Any, target: Any, log_input: bool = True, full: bool = False, eps: float = 1e-8
) -> tuple[float, Array]:
    """torch's ``poisson_nll_loss`` (mean): the Poisson negative log-likelihood of counts t.

    log_input=True  (x = log λ):  ℓ = exp(x) − t·x,              ∂ℓ/∂x = exp(x) − t
    log_input=False (x = λ):      ℓ = x − t·log(x + eps),        ∂ℓ/∂x = 1 − t/(x + eps)
    full=True adds Stirling's t·log t − t + ½·log(2πt) for t > 1 (no gradient in x).
    """
    x = as_floats(input)
    t = _target_like(target, x)
    if t.size and np.any(t < 0):
        raise ValueError("poisson_nll targets are counts (≥ 0)")
    n = max(x.size, 1)
    if log_input:
        lam = np.exp(x)
        elem = lam - t * x
        grad = lam - t
    else:
        if x.size and np.any(x < 0):
            raise ValueError("with log_input=False the input is a rate λ ≥ 0")
        rate = x + x.dtype.type(eps)
        elem = x - t * np.log(rate)
        grad = 1 - t / rate
    if full:
        big = t > 1
        safe = np.where(big, t, 1)
        stirling = safe * np.log(safe) - safe + 0.5 * np.log(2 * np.pi * safe)
        elem = elem + np.where(big, stirling, 0)
    loss = float(elem.sum()) / n
    grad = grad.astype(x.dtype, copy=False)
    grad *= _scale(x, n)
    return loss, grad


def gaussian_nll(
    input: Any, target: Any, var: Any = 1.0, full: bool = False, eps: float = 1e-6
) -> tuple[float, Array, Array]:
    """torch's ``gaussian_nll_loss`` (mean): heteroscedastic regression with predicted variance.

        v = max(var, eps),   ℓ = ½·(log v + (x − t)²/v)   (+ ½·log 2π with full=True)
        ∂ℓ/∂x = (x − t)/v,   ∂ℓ/∂var = ½·(1/v − (x − t)²/v²)

    Returns ``(loss, grad_input, grad_var)``, ``grad_var`` in the shape of ``var`` (a scalar or
    one per element; summed where it is shared). As in torch the clamp is applied without
    tracking, so the variance gradient is the formula at v even where var < eps. Note the
    ½·log v term: a confident wrong prediction is punished, but a model can also shrink its
    loss by raising v on hard points (the instability β-NLL addresses).
    """
    if not eps > 0:
        raise ValueError("eps must be positive")
    x = as_floats(input)
    t = _target_like(target, x)
    var_arr = np.asarray(var, dtype=x.dtype)
    if var_arr.size and np.any(var_arr < 0):
        raise ValueError("var must be ≥ 0")
    if var_arr.shape not in ((), x.shape):
        raise ValueError(f"var must be a scalar or have the input's shape {x.shape}")
    v = np.maximum(np.broadcast_to(var_arr, x.shape), x.dtype.type(eps))
    n = max(x.size, 1)
    r = np.subtract(x, t)
    r_over_v = r / v
    elem = 0.5 * (np.log(v) + r * r_over_v)
    loss = float(elem.sum()) / n
    if full:
        loss += 0.5 * float(np.log(2 * np.pi))
    grad = r_over_v.astype(x.dtype, copy=False) * _scale(x, n)
    grad_var = (0.5 * (1 / v - r_over_v * r_over_v)).astype(x.dtype, copy=False) * _scale(x, n)
    if var_arr.shape == ():
        grad_var = np.asarray(grad_var.sum(), dtype=x.dtype)
    return loss, grad, grad_var


def distill_kl(input: Any, target: Any, temperature: float = 2.0) -> tuple[float, Array]:
    """Hinton et al.'s distillation term: T²·KL(softmax(t/T) ‖ softmax(s/T)), batchmean.

    ``input`` holds the student's logits s, ``target`` the teacher's logits t, (N, C) or (C,)
    (one row). In PyTorch: ``T*T * F.kl_div(F.log_softmax(s/T, 1), F.softmax(t/T, 1),
    reduction="batchmean")`` — on a 2-D batch, since batchmean divides by the first dimension.

        L = (T²/N)·Σᵢ Σ_c p_t,c·(log p_t,c − log p_s,c),   p = softmax(logits/T)
        ∂L/∂s = T·(p_s − p_t)/N

    The T² keeps the soft term's gradient on the same scale as the hard-label CE's when T
    changes (its gradient would otherwise shrink like 1/T), so the mixing weight need not move.
    """
    if not temperature > 0:
        raise ValueError("temperature must be positive")
    s, unbatched = _logits_2d(input)
    t = np.asarray(target, dtype=s.dtype)
    if t.shape != np.shape(input):
        raise ValueError(f"teacher logits have shape {t.shape}, student's {np.shape(input)}")
    t = t.reshape(s.shape)
    temp = s.dtype.type(temperature)
    # shifted before the division (as info_nce): each scaled logit carries one rounding of
    # its own difference from the row's maximum, not of its size
    log_ps = log_softmax_rows((s - s.max(axis=1, keepdims=True)) / temp)
    log_pt = log_softmax_rows((t - t.max(axis=1, keepdims=True)) / temp)
    p_t = np.exp(log_pt)
    n = s.shape[0]
    loss = float(temperature * temperature * (p_t * (log_pt - log_ps)).sum()) / n
    grad = (np.exp(log_ps) - p_t) * s.dtype.type(temperature / n)
    grad = grad.astype(s.dtype, copy=False)
    return loss, grad.reshape(-1) if unbatched else grad
