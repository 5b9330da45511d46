# quizprep exercise: weighted-ce-smoothing
"""Cross-entropy with class weights and label smoothing, with its gradient.

Task: PyTorch's F.cross_entropy(logits, target, weight=weight, label_smoothing=eps) for
logits (N, C) and class indices target (N,), and the gradient for the logits.

- Without smoothing: loss = Σ_i w[y_i]·(−log p_i[y_i]) / Σ_i w[y_i] (a weighted MEAN: the
  denominator is the sum of the target classes' weights, not N).
- With smoothing ε: each row's loss is
      (1 − ε)·w[y_i]·(−log p_i[y_i]) + (ε/C)·Σ_c w[c]·(−log p_i[c]),
  and the sum over rows is still divided by Σ_i w[y_i].
- weight=None means every weight is 1 (then the denominator is N).

Conventions: loss a Python float; grad (N, C) with the dtype of logits (float32 in, float32
out); logits of ±1000 give finite numbers; a class of weight 0 contributes nothing.

Example:
    x = np.array([[2.0, 0.5, -1.0], [0.0, 1.0, 3.0]])
    cross_entropy(x, np.array([0, 2]), weight=np.array([1.0, 2.0, 0.5]), label_smoothing=0.1)
        ->  0.4833, [[-0.0898, 0.0744, 0.0154], [-0.0064, -0.0013, 0.0077]]

Check it with:  quizprep code check THIS_FILE
"""

import numpy as np


def cross_entropy(
    logits: np.ndarray,
    target: np.ndarray,
    weight: np.ndarray | None = None,
    label_smoothing: float = 0.0,
) -> tuple[float, np.ndarray]:
    """(loss, d loss / d logits), as torch.nn.functional.cross_entropy."""
    raise NotImplementedError
