# quizprep exercise: kl-batchmean
import numpy as np


def kl_div(log_q, p):
    n = log_q.shape[0]
    plogp = np.where(p > 0, p * np.log(np.where(p > 0, p, 1)), 0)
    return float((plogp - p * log_q).sum() / n), (-p / n).astype(log_q.dtype)
