"""Write-the-code exercises: what each one asks, and the starter files (package data).

This module imports nothing heavy: ``quizprep code`` lists exercises and ``deck validate``
checks ``exercise:`` names at start-up speed. The cases and the grading live in
:mod:`quizprep.core.exercises.cases` and :mod:`quizprep.core.exercises.grader` (NumPy), and run
inside the sandboxed child process that :mod:`quizprep.study.coderun` starts.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

STARTERS = Path(__file__).resolve().parent / "starters"
HEADER = "# quizprep exercise: "


class ExerciseInfo(NamedTuple):
    name: str
    title: str
    difficulty: str
    functions: tuple[str, ...]  # what the user's file must define
    summary: str


EXERCISES: tuple[ExerciseInfo, ...] = (
    ExerciseInfo("stable-softmax", "Numerically stable softmax", "easy", ("softmax",),
                 "softmax along the last axis that survives logits of ±1000"),
    ExerciseInfo("log-softmax-nll", "Log-softmax and NLL with gradient", "medium",
                 ("log_softmax", "cross_entropy"),
                 "log-softmax via log-sum-exp; mean NLL and its gradient for the logits"),
    ExerciseInfo("bce-with-logits", "Binary cross-entropy on logits with gradient", "medium",
                 ("bce_with_logits",), "stable BCE on logits, mean reduction, and its gradient"),
    ExerciseInfo("weighted-ce-smoothing", "Weighted cross-entropy with label smoothing", "hard",
                 ("cross_entropy",),
                 "torch's F.cross_entropy with weight= and label_smoothing=, and its gradient"),
    ExerciseInfo("sigmoid-focal", "Sigmoid focal loss with gradient", "hard",
                 ("sigmoid_focal_loss",), "torchvision's sigmoid_focal_loss (mean) and gradient"),
    ExerciseInfo("huber", "Huber loss with gradient", "easy", ("huber",),
                 "quadratic near 0, linear beyond δ; mean reduction and gradient"),
    ExerciseInfo("kl-batchmean", "KL divergence, reduction='batchmean'", "medium", ("kl_div",),
                 "torch's F.kl_div(log_q, p, reduction='batchmean') and its gradient"),
    ExerciseInfo("softmax-jvp", "Softmax backward (Jacobian-vector product)", "medium",
                 ("softmax_backward",), "the gradient through softmax without forming J"),
    ExerciseInfo("gelu-tanh", "GELU (tanh form) with derivative", "medium", ("gelu",),
                 "torch's gelu(approximate='tanh') and its derivative"),
    ExerciseInfo("mlp-backward", "Two-layer ReLU MLP backward pass", "hard", ("mlp_backward",),
                 "gradients of x, W1, b1, W2, b2 for relu(x W1 + b1) W2 + b2"),
    ExerciseInfo("info-nce", "InfoNCE (in-batch negatives) with gradient", "hard",
                 ("info_nce",), "contrastive loss over q kᵀ/τ; gradients for q and k"),
    ExerciseInfo("triplet-margin", "Triplet margin loss with gradient", "medium",
                 ("triplet_margin",), "torch's TripletMarginLoss (p = 2, eps) and gradients"),
)  # fmt: skip

BY_NAME: dict[str, ExerciseInfo] = {e.name: e for e in EXERCISES}
EXERCISE_NAMES: tuple[str, ...] = tuple(BY_NAME)

# Kept equal to quizprep.core.derivations.BY_NAME by a test; listed here so deck validation
# need not import NumPy.
# Each derivation's variables, in order: the drill asks for an expression before anything
# needs NumPy (a derivation card can be the first card of a drill).
DERIVATION_VARIABLES: dict[str, tuple[str, ...]] = {
    "bce-logits": ("z", "y"), "ce-softmax": ("z", "t"), "log-softmax-diag": ("z",),
    "softmax-jvp": ("z", "v"), "sigmoid": ("x",), "tanh": ("x",), "silu": ("x",),
    "softplus": ("x",), "gelu-tanh": ("x",), "elu": ("x", "alpha"), "mse": ("yhat", "y"),
    "huber": ("a", "d"), "focal-pt": ("p", "g"), "l2": ("w", "lam"),
}  # fmt: skip
DERIVATION_NAMES: tuple[str, ...] = tuple(DERIVATION_VARIABLES)


def closest(name: str, names: tuple[str, ...]) -> str:
    import difflib

    match = difflib.get_close_matches(name, list(names), n=1, cutoff=0.6)
    return f" (did you mean {match[0]!r}?)" if match else ""


def starter_path(name: str) -> Path:
    return STARTERS / f"{name.replace('-', '_')}.py"


def starter_text(name: str) -> str:
    """The starter file for exercise ``name``, its first line naming the exercise."""
    return starter_path(name).read_text(encoding="utf-8")


def exercise_of(text: str) -> str | None:
    """The exercise a file declares in its ``# quizprep exercise: NAME`` line (first 20 lines)."""
    for line in text.splitlines()[:20]:
        if line.startswith(HEADER):
            return line[len(HEADER) :].strip() or None
    return None
