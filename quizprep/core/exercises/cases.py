"""The cases of every exercise: the worked example from the starter file, random shapes and
batch sizes (seeded), float32 and float64, hostile inputs, and the backward pass. The
builders live in :mod:`~quizprep.core.exercises.loss_cases` and
:mod:`~quizprep.core.exercises.backprop_cases`.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from quizprep.core.exercises.backprop_cases import (
    gelu_cases,
    info_nce_cases,
    mlp_cases,
    softmax_jvp_cases,
    triplet_cases,
)
from quizprep.core.exercises.grader import Case
from quizprep.core.exercises.loss_cases import (
    bce_cases,
    focal_cases,
    huber_cases,
    kl_cases,
    log_softmax_nll_cases,
    softmax_cases,
    weighted_ce_cases,
)

Rng = np.random.Generator

BUILDERS: dict[str, Callable[[Rng], list[Case]]] = {
    "stable-softmax": softmax_cases,
    "log-softmax-nll": log_softmax_nll_cases,
    "bce-with-logits": bce_cases,
    "weighted-ce-smoothing": weighted_ce_cases,
    "sigmoid-focal": focal_cases,
    "huber": huber_cases,
    "kl-batchmean": kl_cases,
    "softmax-jvp": softmax_jvp_cases,
    "gelu-tanh": gelu_cases,
    "mlp-backward": mlp_cases,
    "info-nce": info_nce_cases,
    "triplet-margin": triplet_cases,
}


def cases_for(name: str, seed: int = 0) -> list[Case]:
    """Every case of exercise ``name``; the same seed gives the same cases."""
    return BUILDERS[name](np.random.default_rng(seed))
