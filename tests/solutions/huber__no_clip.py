# quizprep exercise: huber
import numpy as np


def huber(pred, target, delta=1.0):
    a = pred - target
    absa = np.abs(a)
    elem = np.where(absa < delta, 0.5 * a * a, delta * (absa - 0.5 * delta))
    return float(elem.mean()), a / a.size  # the MSE gradient: outliers push without limit
