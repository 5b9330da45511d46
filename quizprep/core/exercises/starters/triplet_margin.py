# quizprep exercise: triplet-margin
"""Triplet margin loss, with its gradients.

Task: PyTorch's F.triplet_margin_loss(a, p, n, margin=margin) with p = 2 for anchors,
positives and negatives of shape (N, D):
    d(x, y) = ‖x − y + eps‖₂ per row, eps = 1e-6 (torch's pairwise_distance)
    loss    = mean_i max(d(a_i, p_i) − d(a_i, n_i) + margin, 0)
Return the loss and the gradients for a, p and n. Rows already satisfied (the max is 0)
contribute nothing. The eps keeps the gradient finite when a positive equals its anchor.

Conventions: loss a Python float; gradients with the shapes and dtype of the inputs.

Example:
    a = [[0, 0], [1, 1]], p = [[1, 0], [1, 2]], n = [[0, 1.5], [1.5, 1]], margin = 1
        ->  1.0, grad_a = [[-0.5, 0.5], [0.5, -0.5]], grad_p = [[0.5, 0], [0, 0.5]],
                 grad_n = [[0, -0.5], [-0.5, 0]]

Check it with:  quizprep code check THIS_FILE
"""

import numpy as np


def triplet_margin(
    a: np.ndarray, p: np.ndarray, n: np.ndarray, margin: float = 1.0
) -> tuple[float, np.ndarray, np.ndarray, np.ndarray]:
    """(loss, d loss / d a, d loss / d p, d loss / d n)."""
    raise NotImplementedError
