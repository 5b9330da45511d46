# quizprep exercise: softmax-jvp
"""The backward pass of softmax: a Jacobian-vector product, without building the Jacobian.

Task: for s = softmax(x) along the last axis and the upstream gradient g = ∂L/∂s (same
shape as x), return ∂L/∂x. The Jacobian of one row is diag(s) − s sᵀ (symmetric), so
    ∂L/∂x = s ⊙ (g − Σ_j s_j g_j)       (the sum along the last axis, kept for broadcasting)
Compute s stably (logits of ±1000 occur) and never form the C×C matrix.

Conventions: same shape and dtype as x; a single class (C = 1) has gradient 0.

Example:
    softmax_backward(np.array([[1.0, 2.0, 3.0]]), np.array([[1.0, 0.0, 0.0]]))
        ->  [[0.0819, -0.0220, -0.0599]]

Check it with:  quizprep code check THIS_FILE
"""

import numpy as np


def softmax_backward(x: np.ndarray, grad_out: np.ndarray) -> np.ndarray:
    """∂L/∂x for s = softmax(x, axis=-1), given grad_out = ∂L/∂s."""
    raise NotImplementedError
