# quizprep exercise: kl-batchmean
import numpy as np


def kl_div(log_q, p):
    m = log_q.size  # reduction='mean': divides by N·C
    plogp = np.where(p > 0, p * np.log(np.where(p > 0, p, 1)), 0)
    return float((plogp - p * log_q).sum() / m), (-p / m).astype(log_q.dtype)
