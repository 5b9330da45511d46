"""Names of everything ``quizprep math`` can show, without importing NumPy.

Deck validation checks ``math:`` links against this list at start-up speed; a test keeps
it equal to the registry in :mod:`quizprep.core.registry`. ``resolve`` also takes the everyday
names a user types (``swish``, ``kl``, ``ce``, PyTorch's ``nn.MSELoss`` or ``F.mse_loss``),
so ``quizprep math NAME`` answers to what ``quizprep explain NAME`` does.
"""

from __future__ import annotations

FUNCTIONS: tuple[str, ...] = (
    "mse", "mae", "huber", "bce", "bce_with_logits", "cross_entropy", "hinge", "multi_margin",
    "focal", "softmax_focal", "kl_div", "l2",
    "info_nce", "triplet_margin", "dice", "pinball", "poisson_nll", "gaussian_nll", "distill_kl",
    "relu", "leaky_relu", "sigmoid", "tanh", "gelu", "silu", "elu", "prelu", "softmax",
    "softplus", "selu", "mish", "swiglu",
)  # fmt: skip
DEMOS: tuple[str, ...] = (
    "ce-vs-mse", "vanishing", "dead-relu", "focal-vs-ce", "label-smoothing",
    "stable-softmax", "outliers", "attention-scaling",
)  # fmt: skip
MATH_NAMES: frozenset[str] = frozenset(FUNCTIONS + DEMOS)

# everyday and PyTorch names -> the function or demo that shows them (keys normalised:
# lower case, runs of spaces and hyphens as "_")
ALIASES: dict[str, str] = {
    "l2_loss": "mse", "squared_error": "mse", "mean_squared_error": "mse",
    "l1": "mae", "mean_absolute_error": "mae",
    "smooth_l1": "huber", "smoothl1": "huber",
    "binary_cross_entropy": "bce", "log_loss": "bce", "logistic_loss": "bce",
    "binary_cross_entropy_with_logits": "bce_with_logits", "bcewithlogits": "bce_with_logits",
    "ce": "cross_entropy", "crossentropy": "cross_entropy", "nll": "cross_entropy",
    "categorical_cross_entropy": "cross_entropy", "softmax_cross_entropy": "cross_entropy",
    "softmax_ce": "cross_entropy", "log_softmax": "cross_entropy",
    "svm": "hinge", "multimargin": "multi_margin", "multi_class_hinge": "multi_margin",
    "sigmoid_focal": "focal", "retinanet": "focal",
    "kl": "kl_div", "kld": "kl_div", "kldiv": "kl_div", "kl_divergence": "kl_div",
    "kullback_leibler": "kl_div", "relative_entropy": "kl_div",
    "weight_decay": "l2", "ridge": "l2", "l2_penalty": "l2", "l2_regularization": "l2",
    "infonce": "info_nce", "nt_xent": "info_nce", "ntxent": "info_nce",
    "contrastive": "info_nce", "clip": "info_nce", "simclr": "info_nce",
    "triplet": "triplet_margin", "tripletmargin": "triplet_margin",
    "soft_dice": "dice", "quantile": "pinball", "quantile_regression": "pinball",
    "poisson": "poisson_nll", "poissonnll": "poisson_nll",
    "gaussian": "gaussian_nll", "gaussiannll": "gaussian_nll", "heteroscedastic": "gaussian_nll",
    "distillation": "distill_kl", "knowledge_distillation": "distill_kl", "kd": "distill_kl",
    "rectifier": "relu", "lrelu": "leaky_relu", "logistic": "sigmoid", "swish": "silu",
    "glu": "swiglu",
    "vanishing_gradient": "vanishing", "vanishing_gradients": "vanishing",
    "dying_relu": "dead-relu", "logsumexp": "stable-softmax", "log_sum_exp": "stable-softmax",
    "outlier": "outliers", "robust_regression": "outliers",
    "attention": "attention-scaling", "scaled_dot_product_attention": "attention-scaling",
    "sdpa": "attention-scaling",
}  # fmt: skip


def _normal(name: str) -> str:
    return "_".join(name.strip().lower().replace("-", " ").split())


def resolve(name: str) -> str | None:
    """The function or demo ``name`` means, or None: exact names first (with ``_`` and ``-``
    interchangeable), then aliases, then both again without a ``loss`` suffix (``focal_loss``,
    ``nn.HuberLoss`` → ``huberloss``, ``F.mse_loss``)."""
    key = _normal(name)
    for prefix in ("torch.nn.functional.", "torch.nn.", "nn.functional.", "nn.", "f."):
        key = key.removeprefix(prefix)
    candidates = [key]
    for suffix in ("_loss", "loss"):
        if key.endswith(suffix) and len(key) > len(suffix):
            candidates.append(key[: -len(suffix)].rstrip("_"))
    for candidate in candidates:
        for form in (candidate, candidate.replace("_", "-")):
            if form in MATH_NAMES:
                return form
        if candidate in ALIASES:
            return ALIASES[candidate]
    return None


def closest_math_name(name: str) -> str:
    import difflib

    match = difflib.get_close_matches(name, sorted(MATH_NAMES), n=1, cutoff=0.6)
    return f" (did you mean {match[0]!r}?)" if match else ""
