# quizprep exercise: mlp-backward
"""The backward pass of a two-layer ReLU MLP.

Forward: x (N, D), W1 (D, H), b1 (H,), W2 (H, K), b2 (K,):
    z = x @ W1 + b1,   h = relu(z),   y = h @ W2 + b2          (y is (N, K))
Task: given grad_out = ∂L/∂y (N, K), return the gradients
    (dx (N, D), dW1 (D, H), db1 (H,), dW2 (H, K), db2 (K,)).
Biases are shared by every row, so their gradients SUM over the batch. ReLU's derivative at
exactly 0 is 0, as in PyTorch.

Conventions: every gradient has the shape of its parameter and the dtype of x.

Example:
    x = [[1, -2]], W1 = [[1, -1, 0.5], [0.5, 1, -1]], b1 = [0, 0.5, 0],
    W2 = [[1], [2], [-1]], b2 = [0.1], grad_out = [[1]]
        ->  dx = [[-0.5, 1.0]], dW1 = [[0, 0, -1], [0, 0, 2]], db1 = [0, 0, -1],
            dW2 = [[0], [0], [2.5]], db2 = [1]
    (z = [0, −2.5, 2.5]: the first unit sits exactly at 0, so it passes no gradient.)

Check it with:  quizprep code check THIS_FILE
"""

import numpy as np


def mlp_backward(
    x: np.ndarray,
    w1: np.ndarray,
    b1: np.ndarray,
    w2: np.ndarray,
    b2: np.ndarray,
    grad_out: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(dx, dW1, db1, dW2, db2) for y = relu(x @ W1 + b1) @ W2 + b2 given ∂L/∂y."""
    raise NotImplementedError
