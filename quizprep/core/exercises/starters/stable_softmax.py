# quizprep exercise: stable-softmax
"""Numerically stable softmax.

Task: softmax(x)_i = exp(x_i) / Σ_j exp(x_j) along the LAST axis, for input of any shape
(a vector (C,), a batch (N, C), or more dimensions). It must survive logits of ±1000:
exp(1000) overflows float64, so shift each row by its maximum first (softmax is unchanged
by adding a constant to a row).

Conventions (PyTorch's F.softmax(x, dim=-1)):
- return an array of the same shape and dtype as x (float32 in, float32 out);
- do not change x in place;
- a single class (C = 1) gives 1.0.

Example:
    softmax(np.array([[1.0, 2.0, 3.0]]))  ->  [[0.0900, 0.2447, 0.6652]]

Check it with:  quizprep code check THIS_FILE
"""

import numpy as np


def softmax(x: np.ndarray) -> np.ndarray:
    """Softmax of x along the last axis; same shape and dtype as x."""
    raise NotImplementedError
