"""Names of everything ``quizprep math`` can show, without importing NumPy.

Deck validation checks ``math:`` links against this list at start-up speed; a test keeps
it equal to the registry in :mod:`quizprep.core.lab`.
"""

from __future__ import annotations

FUNCTIONS: tuple[str, ...] = (
    "mse", "mae", "huber", "bce", "bce_with_logits", "cross_entropy", "hinge", "multi_margin",
    "focal", "softmax_focal", "kl_div", "l2",
    "relu", "leaky_relu", "sigmoid", "tanh", "gelu", "silu", "elu", "prelu", "softmax",
)  # fmt: skip
DEMOS: tuple[str, ...] = (
    "ce-vs-mse", "vanishing", "dead-relu", "focal-vs-ce", "label-smoothing",
    "stable-softmax", "outliers",
)  # fmt: skip
MATH_NAMES: frozenset[str] = frozenset(FUNCTIONS + DEMOS)


def closest_math_name(name: str) -> str:
    import difflib

    match = difflib.get_close_matches(name, sorted(MATH_NAMES), n=1, cutoff=0.6)
    return f" (did you mean {match[0]!r}?)" if match else ""
