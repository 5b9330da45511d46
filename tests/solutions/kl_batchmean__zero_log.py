# quizprep exercise: kl-batchmean
import numpy as np


def kl_div(log_q, p):
    n = log_q.shape[0]
    return float((p * (np.log(p) - log_q)).sum() / n), -p / n  # 0·log 0 = nan
