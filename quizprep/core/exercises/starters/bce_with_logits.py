# quizprep exercise: bce-with-logits
"""Binary cross-entropy on logits, with its gradient.

Task: for logits x and targets t in [0, 1] of the same shape, the mean over every element of
−[t·log σ(x) + (1 − t)·log(1 − σ(x))], and its gradient (σ(x) − t) / N with N = x.size.

Stability: never take log(sigmoid(x)). Rewrite the loss as max(x, 0) − x·t + log1p(exp(−|x|)),
and compute σ(x) from exp(−|x|) so that neither exp(1000) nor 1 − σ(40) appears.

Conventions (PyTorch's F.binary_cross_entropy_with_logits, reduction='mean'):
- loss is a Python float; grad has the shape and dtype of x (float32 in, float32 out);
- do not change inputs in place; logits of ±1000 give finite numbers.

Example:
    bce_with_logits(np.array([2.0, -1.0, 0.5]), np.array([1.0, 0.0, 1.0]))
        ->  0.3048, [-0.0397, 0.0896, -0.1258]

Check it with:  quizprep code check THIS_FILE
"""

import numpy as np


def bce_with_logits(x: np.ndarray, t: np.ndarray) -> tuple[float, np.ndarray]:
    """(mean BCE, d loss / d x) for logits x and targets t of the same shape."""
    raise NotImplementedError
