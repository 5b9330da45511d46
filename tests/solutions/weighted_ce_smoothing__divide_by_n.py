# quizprep exercise: weighted-ce-smoothing
import numpy as np


def cross_entropy(logits, target, weight=None, label_smoothing=0.0):
    n, c = logits.shape
    w = np.ones(c, dtype=logits.dtype) if weight is None else weight.astype(logits.dtype)
    z = logits - logits.max(axis=1, keepdims=True)
    lp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    p = np.exp(lp)
    rows = np.arange(n)
    eps = label_smoothing
    wy = w[target]
    total = n  # wrong: torch divides by the sum of the target weights
    loss = ((1 - eps) * (wy * -lp[rows, target]).sum() + eps / c * (-(lp * w).sum())) / total
    a = (1 - eps) * wy + eps / c * w.sum()
    grad = a[:, None] * p - eps / c * w[None, :]
    grad[rows, target] -= (1 - eps) * wy
    return float(loss), (grad / total).astype(logits.dtype)
