# quizprep exercise: huber
"""Huber loss, with its gradient.

Task: with residual a = pred − target, each element costs ½a² where |a| < δ and
δ·(|a| − ½δ) elsewhere; the loss is the mean over every element, and the gradient for pred
is clip(a, −δ, δ) / N with N = pred.size.

Conventions (PyTorch's F.huber_loss(pred, target, delta=δ), reduction='mean'): loss a
Python float, grad with the shape and dtype of pred; residuals of 1e6 must not overflow.

Example:
    huber(np.array([0.5, 3.0, -2.0]), np.zeros(3), delta=1.0)
        ->  1.375, [0.1667, 0.3333, -0.3333]

Check it with:  quizprep code check THIS_FILE
"""

import numpy as np


def huber(pred: np.ndarray, target: np.ndarray, delta: float = 1.0) -> tuple[float, np.ndarray]:
    """(mean Huber loss, d loss / d pred)."""
    raise NotImplementedError
