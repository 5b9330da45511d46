# quizprep exercise: softmax-jvp
import numpy as np


def softmax_backward(x, grad_out):
    z = np.exp(x - x.max(axis=-1, keepdims=True))
    s = z / z.sum(axis=-1, keepdims=True)
    return s * (1 - s) * grad_out  # the Jacobian's diagonal only
