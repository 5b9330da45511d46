# quizprep exercise: info-nce
"""InfoNCE with in-batch negatives, with its gradients.

Task: queries q (N, D) and keys k (N, D), where key i is the positive for query i and the
other keys of the batch are its negatives (one direction of CLIP's loss; embeddings are
used as given, not normalised here):
    logits = q @ k.T / τ                (N, N)
    loss   = mean_i CE(logits[i], i)    (cross-entropy with the diagonal as the target)
Return the loss and its gradients for q and k. Every key appears in every row's softmax,
so ∂L/∂k collects contributions from all rows. Small τ makes the logits large: use
log-sum-exp.

Conventions: loss a Python float; gradients with the shapes and dtype of q and k.

Example:
    q = [[1, 0], [0, 1]], k = [[0.8, 0.6], [0.6, 0.8]], temperature = 0.25
        ->  0.3711, grad_q = [[-0.1240, 0.1240], [0.1240, -0.1240]],
                    grad_k = [[-0.6201, 0.6201], [0.6201, -0.6201]]

Check it with:  quizprep code check THIS_FILE
"""

import numpy as np


def info_nce(
    q: np.ndarray, k: np.ndarray, temperature: float = 0.1
) -> tuple[float, np.ndarray, np.ndarray]:
    """(loss, d loss / d q, d loss / d k)."""
    raise NotImplementedError
