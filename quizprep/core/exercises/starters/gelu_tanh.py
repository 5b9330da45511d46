# quizprep exercise: gelu-tanh
"""GELU in its tanh form, with its derivative.

Task: PyTorch's F.gelu(x, approximate='tanh'):
    u = √(2/π)·(x + 0.044715·x³),   y = ½·x·(1 + tanh(u))
and the elementwise derivative dy/dx (product rule: the tanh term depends on x too).
This is the approximation, not the exact x·Φ(x) (they differ by up to about 5e-4).

Conventions: y and dy_dx with the shape and dtype of x (float32 in, float32 out: note that
np.sqrt(2 / np.pi) is a float64 scalar and would promote a float32 array); inputs of ±1000
must give y = x or 0 and a derivative of 1 or 0, not nan.

Example:
    gelu(np.array([-1.0, 0.0, 1.0, 2.0]))
        ->  y = [-0.1588, 0.0, 0.8412, 1.9546],  dy_dx = [-0.0830, 0.5, 1.0830, 1.0861]

Check it with:  quizprep code check THIS_FILE
"""

import numpy as np


def gelu(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(gelu(x), d gelu / dx), tanh approximation, elementwise."""
    raise NotImplementedError
