# quizprep exercise: mlp-backward
import numpy as np


def mlp_backward(x, w1, b1, w2, b2, grad_out):
    z = x @ w1 + b1
    h = np.maximum(z, 0)
    dz = (grad_out @ w2.T) * (z > 0)
    # averaging the bias gradients instead of summing them
    return dz @ w1.T, x.T @ dz, dz.mean(axis=0), h.T @ grad_out, grad_out.mean(axis=0)
