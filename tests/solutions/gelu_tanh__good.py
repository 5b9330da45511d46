# quizprep exercise: gelu-tanh
import math

import numpy as np

C = math.sqrt(2 / math.pi)  # a Python float keeps float32 arrays float32


def gelu(x):
    u = C * (x + 0.044715 * x**3)
    th = np.tanh(u)
    y = 0.5 * x * (1 + th)
    dy = 0.5 * (1 + th) + 0.5 * x * (1 - th * th) * C * (1 + 3 * 0.044715 * x**2)
    return y, dy
