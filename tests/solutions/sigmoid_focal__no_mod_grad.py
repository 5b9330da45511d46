# quizprep exercise: sigmoid-focal
import numpy as np


def sigmoid_focal_loss(x, t, alpha=0.25, gamma=2.0):
    e = np.exp(-np.abs(x))
    p = np.where(x >= 0, 1 / (1 + e), e / (1 + e))
    q = np.where(x >= 0, e / (1 + e), 1 / (1 + e))
    ce = np.maximum(x, 0) - x * t + np.log1p(e)
    m = t * q + (1 - t) * p
    at = alpha * t + (1 - alpha) * (1 - t) if alpha >= 0 else 1.0
    # treats the modulating factor as a constant in the backward pass
    return float((at * m**gamma * ce).mean()), at * m**gamma * (p - t) / x.size
