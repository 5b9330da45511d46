# quizprep exercise: bce-with-logits
import numpy as np


def bce_with_logits(x, t):
    p = 1 / (1 + np.exp(-x))
    loss = -(t * np.log(p) + (1 - t) * np.log(1 - p)).mean()
    return float(loss), (p - t) / x.size
