# quizprep exercise: gelu-tanh
import math

import numpy as np

erf = np.vectorize(math.erf)


def gelu(x):
    # the exact GELU x·Φ(x), not the tanh form asked for
    cdf = 0.5 * (1 + erf(x / math.sqrt(2)))
    pdf = np.exp(-0.5 * x * x) / math.sqrt(2 * math.pi)
    return (x * cdf).astype(x.dtype), (cdf + x * pdf).astype(x.dtype)
