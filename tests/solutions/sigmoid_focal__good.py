# quizprep exercise: sigmoid-focal
import numpy as np


def sigmoid_focal_loss(x, t, alpha=0.25, gamma=2.0):
    e = np.exp(-np.abs(x))
    p = np.where(x >= 0, 1 / (1 + e), e / (1 + e))  # σ(x)
    q = np.where(x >= 0, e / (1 + e), 1 / (1 + e))  # σ(−x) = 1 − p, no cancellation
    ce = np.maximum(x, 0) - x * t + np.log1p(e)
    dce = (1 - t) * p - t * q
    m = t * q + (1 - t) * p  # 1 − p_t
    mod = m**gamma
    dm = (1 - 2 * t) * p * q  # d(1 − p_t)/dx
    dmod = gamma * np.where(m > 0, m ** max(gamma - 1, 0), 0) * dm if gamma > 0 else 0 * x
    elem = ce * mod
    grad = dce * mod + ce * dmod
    if alpha >= 0:
        at = alpha * t + (1 - alpha) * (1 - t)
        elem = at * elem
        grad = at * grad
    return float(elem.mean()), grad / x.size
