# quizprep exercise: sigmoid-focal
import numpy as np


def sigmoid_focal_loss(x, t, alpha=0.25, gamma=2.0):
    p = 1 / (1 + np.exp(-x))
    ce = -(t * np.log(p) + (1 - t) * np.log(1 - p))  # log(0) at ±1000
    pt = p * t + (1 - p) * (1 - t)
    at = alpha * t + (1 - alpha) * (1 - t) if alpha >= 0 else 1.0
    m = 1 - pt
    dm = (1 - 2 * t) * p * (1 - p)
    grad = at * (m**gamma * (p - t) + ce * gamma * m ** (gamma - 1) * dm)
    return float((at * m**gamma * ce).mean()), grad / x.size
