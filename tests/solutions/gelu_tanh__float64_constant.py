# quizprep exercise: gelu-tanh
import numpy as np

C = np.sqrt(2 / np.pi)  # a float64 scalar: promotes float32 arrays


def gelu(x):
    u = C * (x + 0.044715 * x**3)
    th = np.tanh(u)
    y = 0.5 * x * (1 + th)
    dy = 0.5 * (1 + th) + 0.5 * x * (1 - th * th) * C * (1 + 3 * 0.044715 * x**2)
    return y, dy
