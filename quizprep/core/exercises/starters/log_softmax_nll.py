# quizprep exercise: log-softmax-nll
"""Log-softmax, and cross-entropy (mean NLL) with its gradient.

Task 1: log_softmax(x) along the last axis, computed as x − max − log Σ exp(x − max)
(log-sum-exp), never as log(softmax(x)), which underflows to log(0) = −inf.

Task 2: cross_entropy(logits, target) for logits (N, C) and integer class indices target
(N,): the mean over rows of −log_softmax(logits)[i, target[i]], and its gradient with
respect to the logits, (softmax(logits) − one_hot(target)) / N, shape (N, C).

Conventions (PyTorch's F.log_softmax(x, dim=-1) and F.cross_entropy, reduction='mean'):
- loss is a Python float (or 0-d array); grad has the shape and dtype of logits;
- float32 in, float32 out; do not change inputs in place;
- logits of ±1000 must give finite results; a single class (C = 1) has loss 0.

Example:
    x = np.array([[2.0, 1.0, 0.1], [0.5, 2.5, -1.0]])
    log_softmax(x)            ->  [[-0.4170, -1.4170, -2.3170], [-2.1532, -0.1532, -3.6532]]
    cross_entropy(x, [0, 1])  ->  0.2851,
                                  [[-0.1705, 0.1212, 0.0493], [0.0581, -0.0710, 0.0130]]

Check it with:  quizprep code check THIS_FILE
"""

import numpy as np


def log_softmax(x: np.ndarray) -> np.ndarray:
    """log softmax(x) along the last axis; same shape and dtype as x."""
    raise NotImplementedError


def cross_entropy(logits: np.ndarray, target: np.ndarray) -> tuple[float, np.ndarray]:
    """(mean NLL, d loss / d logits) for logits (N, C) and class indices target (N,)."""
    raise NotImplementedError
