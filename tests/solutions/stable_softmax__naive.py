# quizprep exercise: stable-softmax
import numpy as np


def softmax(x):
    e = np.exp(x)  # no max subtraction: exp(1000) = inf
    return e / e.sum(axis=-1, keepdims=True)
