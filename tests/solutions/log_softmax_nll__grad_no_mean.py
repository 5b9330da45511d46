# quizprep exercise: log-softmax-nll
import numpy as np


def log_softmax(x):
    z = x - x.max(axis=-1, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=-1, keepdims=True))


def cross_entropy(logits, target):
    n = logits.shape[0]
    lp = log_softmax(logits)
    rows = np.arange(n)
    grad = np.exp(lp)
    grad[rows, target] -= 1
    return float(-lp[rows, target].mean()), grad  # forgot the 1/N
