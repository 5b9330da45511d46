# quizprep exercise: kl-batchmean
"""KL divergence as PyTorch computes it, reduction='batchmean', with its gradient.

Task: F.kl_div(log_q, p, reduction='batchmean'): the INPUT is log-probabilities log q
(N, C), the TARGET is probabilities p (N, C), and the loss is
    Σ_{i,c} p[i,c]·(log p[i,c] − log_q[i,c]) / N
(N = log_q.shape[0], the batch size — not N·C, which is reduction='mean'). Terms with
p = 0 count 0 (0·log 0 = 0). Return the gradient for log_q.

Conventions: loss a Python float, grad with the shape and dtype of log_q.

Example:
    kl_div(np.log(np.array([[0.5, 0.3, 0.2]])), np.array([[0.4, 0.4, 0.2]]))
        ->  0.0258, [[-0.4, -0.4, -0.2]]

Check it with:  quizprep code check THIS_FILE
"""

import numpy as np


def kl_div(log_q: np.ndarray, p: np.ndarray) -> tuple[float, np.ndarray]:
    """(KL(p ‖ q) summed and divided by the batch size, d loss / d log_q)."""
    raise NotImplementedError
