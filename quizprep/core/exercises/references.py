"""Reference answers the core does not hold as such; each is checked against finite differences
(and PyTorch, where installed) in ``tests/test_exercise_references.py``.

Conventions follow PyTorch: mean over the batch, float32 in → float32 out.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from quizprep.core import losses
from quizprep.core.activations import softmax

Array = np.ndarray

TRIPLET_EPS = 1e-6  # torch.nn.functional.pairwise_distance's default


def log_softmax(x: Any) -> Array:
    """x − logsumexp(x) along the last axis, the max subtracted first."""
    a = losses.as_floats(x)
    top = np.max(a, axis=-1, keepdims=True)
    shifted = a - top
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def info_nce(q: Any, k: Any, temperature: float = 0.1) -> tuple[float, Array, Array]:
    """Mean cross-entropy of the logits q kᵀ/τ with the diagonal as the positives.

    Row i's positive is key i; the other keys of the batch are its negatives (in-batch
    negatives, as in CLIP's and MoCo's loss for one direction). With G = ∂L/∂logits =
    (softmax(logits) − I)/N: ∂L/∂q = G k/τ and ∂L/∂k = Gᵀ q/τ.
    """
    qa = losses.as_floats(q)
    ka = np.asarray(k, dtype=qa.dtype)
    n = qa.shape[0]
    tau = qa.dtype.type(temperature)
    logits = (qa @ ka.T) / tau
    loss, g = losses.cross_entropy(logits, np.arange(n))
    g = g.astype(qa.dtype, copy=False)
    return loss, (g @ ka) / tau, (g.T @ qa) / tau


def _distance(x: Array, y: Array) -> tuple[Array, Array]:
    """torch's pairwise_distance ‖x − y + eps‖₂ per row, and the unit difference (d ≥ eps)."""
    diff = x - y + x.dtype.type(TRIPLET_EPS)
    dist = np.sqrt((diff * diff).sum(axis=-1))
    return dist, diff / dist[..., None]


def triplet_margin(
    anchor: Any, positive: Any, negative: Any, margin: float = 1.0
) -> tuple[float, Array, Array, Array]:
    """mean(max(d(a, p) − d(a, n) + margin, 0)) with torch's distance; gradients for a, p, n.

    An inactive triplet (exactly at the margin too) contributes 0, as torch's clamp does.
    """
    a = losses.as_floats(anchor)
    p = np.asarray(positive, dtype=a.dtype)
    neg = np.asarray(negative, dtype=a.dtype)
    n = a.shape[0]
    d_ap, u_ap = _distance(a, p)
    d_an, u_an = _distance(a, neg)
    slack = d_ap - d_an + margin
    active = (slack > 0).astype(a.dtype)[:, None] / a.dtype.type(n)
    loss = float(np.maximum(slack, 0).sum()) / n
    grad_p = -u_ap * active
    grad_n = u_an * active
    return loss, -(grad_p + grad_n), grad_p, grad_n


def mlp_backward(
    x: Any, w1: Any, b1: Any, w2: Any, b2: Any, grad_out: Any
) -> tuple[Array, Array, Array, Array, Array]:
    """Gradients of y = relu(x W1 + b1) W2 + b2 given ∂L/∂y; relu'(0) = 0 as in torch."""
    xa = losses.as_floats(x)
    w1a, b1a, w2a = (np.asarray(v, dtype=xa.dtype) for v in (w1, b1, w2))
    g = np.asarray(grad_out, dtype=xa.dtype)
    pre = xa @ w1a + b1a
    h = np.maximum(pre, 0)
    dw2 = h.T @ g
    db2 = g.sum(axis=0)
    dh = g @ w2a.T
    dpre = dh * (pre > 0)
    return dpre @ w1a.T, xa.T @ dpre, dpre.sum(axis=0), dw2, db2


def mlp_forward(x: Any, w1: Any, b1: Any, w2: Any, b2: Any) -> Array:
    xa = losses.as_floats(x)
    return np.maximum(xa @ w1 + b1, 0) @ w2 + b2


def softmax_backward(x: Any, grad_out: Any) -> Array:
    return softmax(x, grad_out)[1]
