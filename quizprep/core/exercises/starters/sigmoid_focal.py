# quizprep exercise: sigmoid-focal
"""Sigmoid focal loss (RetinaNet), with its gradient.

Task: torchvision.ops.sigmoid_focal_loss(x, t, alpha, gamma, reduction='mean') and its
gradient for the logits x. With p = σ(x), for each element:
    p_t = p if t = 1 else 1 − p        (generally p·t + (1 − p)(1 − t))
    α_t = α·t + (1 − α)(1 − t)          (skipped entirely when alpha < 0)
    FL  = α_t · (1 − p_t)^γ · BCE_with_logits(x, t)
and the loss is the mean over every element. The gradient must include the derivative of
the modulating factor (1 − p_t)^γ, which depends on x too.

Conventions: loss a Python float; grad with the shape and dtype of x; logits of ±1000 (p
exactly 0 or 1) give finite numbers; γ = 0 reduces to α-weighted BCE.

Example:
    sigmoid_focal_loss(np.array([2.0, -1.0, 0.5]), np.array([1.0, 0.0, 0.0]))
        ->  0.1002, [-0.0004, 0.0131, 0.1315]

Check it with:  quizprep code check THIS_FILE
"""

import numpy as np


def sigmoid_focal_loss(
    x: np.ndarray, t: np.ndarray, alpha: float = 0.25, gamma: float = 2.0
) -> tuple[float, np.ndarray]:
    """(mean focal loss, d loss / d x) for logits x and binary targets t."""
    raise NotImplementedError
