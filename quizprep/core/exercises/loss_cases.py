"""Cases of the loss exercises: stable softmax, log-softmax + NLL, BCE with logits, weighted
cross-entropy with label smoothing, sigmoid focal, Huber and KL (batchmean). Expected values
come from the verified core (:mod:`quizprep.core.losses`, :mod:`quizprep.core.activations`).
"""

from __future__ import annotations

import numpy as np

from quizprep.core import activations as act
from quizprep.core import losses
from quizprep.core.exercises import references as ref
from quizprep.core.exercises.grader import Case

Array = np.ndarray
Rng = np.random.Generator

F64, F32 = np.float64, np.float32
OVERFLOW = "overflow at logit 1000: subtract the row max before exp / use log-sum-exp"
BCE_OVERFLOW = (
    "overflow at logit ±1000: write BCE as max(x, 0) − x·t + log1p(exp(−|x|)) and σ(x) via "
    "exp(−|x|), never log(sigmoid(x)) or exp(−x) of a large negative x"
)


def shapes(rng: Rng, count: int = 3) -> list[tuple[int, int]]:
    return [(int(rng.integers(1, 9)), int(rng.integers(2, 12))) for _ in range(count)]


def labels_for(rng: Rng, n: int, c: int) -> Array:
    return rng.integers(0, c, size=n)


# -- 1. stable softmax ------------------------------------------------------------------------


def softmax_cases(rng: Rng) -> list[Case]:
    def case(name: str, x: Array, group: str, hint: str = "") -> Case:
        return Case(
            name,
            "softmax",
            (x,),
            (act.softmax(x)[0],),
            ("softmax",),
            hint,
            batch=x.shape[0] if x.ndim > 1 else 0,
            group=group,
        )

    axis_hint = "normalise along the last axis: x.max(axis=-1, keepdims=True), .sum(axis=-1, …)"
    out = [case("worked example", np.array([[1.0, 2.0, 3.0]]), "example", axis_hint)]
    for n, c in shapes(rng):
        out.append(case(f"random {n}×{c} float64", rng.normal(0, 3, (n, c)), "random", axis_hint))
    out.append(case("a single vector (1-D)", rng.normal(0, 2, 6), "random", axis_hint))
    out.append(case("3-D input (2, 3, 4)", rng.normal(0, 2, (2, 3, 4)), "random", axis_hint))
    n, c = shapes(rng, 1)[0]
    out.append(case(f"random {n}×{c} float32", rng.normal(0, 3, (n, c)).astype(F32), "float32"))
    out.append(
        case(
            "logits ±1000",
            np.array([[1000.0, 0.0, -1000.0], [-1000.0, -1000.0, -999.0]]),
            "hostile",
            OVERFLOW,
        )
    )
    out.append(
        case("logits ±1000 float32", np.array([[1000, 999, -1000]], dtype=F32), "hostile", OVERFLOW)
    )
    out.append(case("a single class", rng.normal(0, 1, (4, 1)), "hostile", axis_hint))
    return out


# -- 2. log-softmax and NLL -----------------------------------------------------------------


def log_softmax_nll_cases(rng: Rng) -> list[Case]:
    log_hint = "log(softmax(x)) underflows to log(0) = −inf: compute x − max − log Σ exp(x − max)"

    def ls(name: str, x: Array, group: str) -> Case:
        return Case(
            name,
            "log_softmax",
            (x,),
            (ref.log_softmax(x),),
            ("log_softmax",),
            log_hint,
            batch=x.shape[0],
            group=group,
        )

    def ce(name: str, x: Array, y: Array, group: str, hint: str = "") -> Case:
        loss, grad = losses.cross_entropy(x, y)
        return Case(
            name,
            "cross_entropy",
            (x, y),
            (loss, grad),
            ("loss", "grad"),
            hint or OVERFLOW,
            batch=x.shape[0],
            group=group,
        )

    example = np.array([[2.0, 1.0, 0.1], [0.5, 2.5, -1.0]])
    out = [
        ls("worked example", example, "example"),
        ce("worked example", example, np.array([0, 1]), "example"),
    ]
    for n, c in shapes(rng):
        x = rng.normal(0, 3, (n, c))
        out += [
            ls(f"random {n}×{c}", x, "random"),
            ce(f"random {n}×{c}", x, labels_for(rng, n, c), "backward"),
        ]
    n, c = shapes(rng, 1)[0]
    x32 = rng.normal(0, 3, (n, c)).astype(F32)
    out += [
        ls(f"random {n}×{c} float32", x32, "float32"),
        ce(f"random {n}×{c} float32", x32, labels_for(rng, n, c), "float32"),
    ]
    hostile = np.array([[1000.0, 0.0, -1000.0], [-1000.0, 1000.0, 0.0]])
    out += [
        ls("logits ±1000", hostile, "hostile"),
        ce("logits ±1000, target at −1000", hostile, np.array([2, 0]), "hostile", log_hint),
    ]
    single = rng.normal(0, 1, (3, 1))
    out += [
        ls("a single class", single, "hostile"),
        ce("a single class", single, np.zeros(3, dtype=int), "hostile"),
    ]
    return out


# -- 3. BCE with logits -----------------------------------------------------------------------


def bce_cases(rng: Rng) -> list[Case]:
    def case(name: str, x: Array, t: Array, group: str, hint: str = "") -> Case:
        loss, grad = losses.bce_with_logits(x, t)
        return Case(
            name,
            "bce_with_logits",
            (x, t),
            (loss, grad),
            ("loss", "grad"),
            hint or BCE_OVERFLOW,
            batch=x.size,
            group=group,
        )

    out = [case("worked example", np.array([2.0, -1.0, 0.5]), np.array([1.0, 0.0, 1.0]), "example")]
    for n, c in shapes(rng):
        x = rng.normal(0, 3, (n, c))
        out.append(
            case(
                f"random {n}×{c}, hard targets",
                x,
                rng.integers(0, 2, (n, c)).astype(F64),
                "backward",
            )
        )
    out.append(case("soft targets (7,)", rng.normal(0, 2, 7), rng.uniform(0, 1, 7), "backward"))
    n, c = shapes(rng, 1)[0]
    out.append(
        case(
            f"random {n}×{c} float32",
            rng.normal(0, 3, (n, c)).astype(F32),
            rng.integers(0, 2, (n, c)).astype(F32),
            "float32",
        )
    )
    big = np.array([1000.0, -1000.0, 1000.0, -1000.0])
    out.append(case("logits ±1000", big, np.array([1.0, 0.0, 0.0, 1.0]), "hostile"))
    out.append(
        case("logits ±1000 float32", big.astype(F32), np.array([1, 0, 0, 1], dtype=F32), "hostile")
    )
    out.append(
        case(
            "confident and right (logit 40)",
            np.array([40.0, -40.0]),
            np.array([1.0, 0.0]),
            "hostile",
            "σ(40) − 1 rounds to 0 but the true gradient is −4.2e-18: compute "
            "(1 − t)·σ(x) − t·σ(−x)",
        )._replace(atol=0.0)
    )
    return out


# -- 4. weighted CE with label smoothing ------------------------------------------------------


def weighted_ce_cases(rng: Rng) -> list[Case]:
    weight_hint = (
        "torch's weighted mean divides by Σ weight[target], not by N; smoothing mixes ε/C of "
        "every class, each weighted by its own class weight"
    )

    def case(
        name: str, x: Array, y: Array, w: Array | None, eps: float, group: str, hint: str = ""
    ) -> Case:
        loss, grad = losses.cross_entropy(x, y, weight=w, label_smoothing=eps)
        return Case(
            name,
            "cross_entropy",
            (x, y),
            (loss, grad),
            ("loss", "grad"),
            hint or weight_hint,
            {"weight": w, "label_smoothing": eps},
            batch=x.shape[0],
            group=group,
        )

    x = np.array([[2.0, 0.5, -1.0], [0.0, 1.0, 3.0]])
    out = [case("worked example", x, np.array([0, 2]), np.array([1.0, 2.0, 0.5]), 0.1, "example")]
    for i, (n, c) in enumerate(shapes(rng)):
        w = rng.uniform(0.2, 3.0, c) if i != 1 else None
        eps = (0.0, 0.1, 0.2)[i]
        out.append(
            case(
                f"random {n}×{c}, ε = {eps}, {'weights' if w is not None else 'no weights'}",
                rng.normal(0, 3, (n, c)),
                labels_for(rng, n, c),
                w,
                eps,
                "backward",
            )
        )
    n, c = shapes(rng, 1)[0]
    out.append(
        case(
            f"random {n}×{c} float32",
            rng.normal(0, 3, (n, c)).astype(F32),
            labels_for(rng, n, c),
            rng.uniform(0.5, 2, c).astype(F32),
            0.1,
            "float32",
        )
    )
    out.append(
        case(
            "a zero weight on a class",
            rng.normal(0, 2, (4, 3)),
            np.array([0, 1, 0, 1]),
            np.array([1.0, 2.0, 0.0]),
            0.1,
            "hostile",
            "a class of weight 0 adds nothing, not even through smoothing",
        )
    )
    out.append(
        case(
            "logits ±1000",
            np.array([[1000.0, -1000.0, 0.0], [0.0, 1000.0, -1000.0]]),
            np.array([1, 2]),
            np.array([1.0, 1.0, 2.0]),
            0.1,
            "hostile",
            OVERFLOW,
        )
    )
    out.append(
        case(
            "a single class, ε = 0.1",
            rng.normal(0, 1, (3, 1)),
            np.zeros(3, dtype=int),
            None,
            0.1,
            "hostile",
        )
    )
    return out


# -- 5. sigmoid focal -------------------------------------------------------------------------


def focal_cases(rng: Rng) -> list[Case]:
    hint = (
        "FL = α_t·(1 − p_t)^γ·BCE: differentiate the product (the modulating factor depends on "
        "x too); p_t = p for t = 1, 1 − p for t = 0; α_t = α·t + (1 − α)(1 − t)"
    )

    def case(
        name: str, x: Array, t: Array, alpha: float, gamma: float, group: str, h: str = ""
    ) -> Case:
        loss, grad = losses.focal(x, t, alpha=alpha, gamma=gamma)
        return Case(
            name,
            "sigmoid_focal_loss",
            (x, t),
            (loss, grad),
            ("loss", "grad"),
            h or hint,
            {"alpha": alpha, "gamma": gamma},
            batch=x.size,
            group=group,
        )

    out = [
        case(
            "worked example",
            np.array([2.0, -1.0, 0.5]),
            np.array([1.0, 0.0, 0.0]),
            0.25,
            2.0,
            "example",
        )
    ]
    for i, (n, c) in enumerate(shapes(rng)):
        gamma = (2.0, 0.0, 1.5)[i]
        out.append(
            case(
                f"random {n}×{c}, γ = {gamma}",
                rng.normal(0, 3, (n, c)),
                rng.integers(0, 2, (n, c)).astype(F64),
                0.25,
                gamma,
                "backward",
            )
        )
    out.append(
        case(
            "α = −1 (no class weighting)",
            rng.normal(0, 2, 6),
            rng.integers(0, 2, 6).astype(F64),
            -1.0,
            2.0,
            "backward",
            "torchvision skips α_t when alpha < 0",
        )
    )
    n, c = shapes(rng, 1)[0]
    out.append(
        case(
            f"random {n}×{c} float32",
            rng.normal(0, 3, (n, c)).astype(F32),
            rng.integers(0, 2, (n, c)).astype(F32),
            0.25,
            2.0,
            "float32",
        )
    )
    out.append(
        case(
            "logits ±1000 (p exactly 0 and 1)",
            np.array([1000.0, -1000.0, 1000.0, -1000.0]),
            np.array([1.0, 0.0, 0.0, 1.0]),
            0.25,
            2.0,
            "hostile",
            BCE_OVERFLOW,
        )
    )
    return out


# -- 6. Huber ---------------------------------------------------------------------------------


def huber_cases(rng: Rng) -> list[Case]:
    hint = "½a² inside |a| < δ, δ(|a| − ½δ) outside; the gradient is a clipped to [−δ, δ], / N"

    def case(name: str, x: Array, t: Array, delta: float, group: str) -> Case:
        loss, grad = losses.huber(x, t, delta=delta)
        return Case(
            name,
            "huber",
            (x, t),
            (loss, grad),
            ("loss", "grad"),
            hint,
            {"delta": delta},
            batch=x.size,
            group=group,
        )

    out = [
        case(
            "worked example", np.array([0.5, 3.0, -2.0]), np.array([0.0, 0.0, 0.0]), 1.0, "example"
        )
    ]
    for n, c in shapes(rng):
        delta = float(np.round(rng.uniform(0.3, 2.0), 2))
        out.append(
            case(
                f"random {n}×{c}, δ = {delta}",
                rng.normal(0, 2, (n, c)),
                rng.normal(0, 2, (n, c)),
                delta,
                "backward",
            )
        )
    n, c = shapes(rng, 1)[0]
    out.append(
        case(
            f"random {n}×{c} float32",
            rng.normal(0, 2, (n, c)).astype(F32),
            rng.normal(0, 2, (n, c)).astype(F32),
            1.0,
            "float32",
        )
    )
    out.append(case("outliers of 1e6", np.array([1e6, -1e6, 0.1]), np.zeros(3), 1.0, "hostile"))
    out.append(
        case("exactly on the threshold", np.array([1.0, -1.0, 0.0]), np.zeros(3), 1.0, "hostile")
    )
    return out


# -- 7. KL batchmean --------------------------------------------------------------------------


def kl_cases(rng: Rng) -> list[Case]:
    zero_hint = "0·log 0 is 0: use np.where(p > 0, p * np.log(p), 0) (or scipy's xlogy)"

    def case(name: str, log_q: Array, p: Array, group: str, hint: str = "") -> Case:
        loss, grad = losses.kl_div(log_q, p, reduction="batchmean")
        return Case(
            name,
            "kl_div",
            (log_q, p),
            (loss, grad),
            ("loss", "grad"),
            hint or "input is log q (log-probabilities), target is p: Σ p(log p − log q) / N",
            batch=log_q.shape[0],
            classes=log_q.shape[-1],
            group=group,
        )

    def probs(n: int, c: int) -> Array:
        return act.softmax(rng.normal(0, 1.5, (n, c)))[0]

    out = [
        case(
            "worked example",
            np.log(np.array([[0.5, 0.3, 0.2]])),
            np.array([[0.4, 0.4, 0.2]]),
            "example",
        )
    ]
    for n, c in shapes(rng):
        out.append(
            case(
                f"random {n}×{c}",
                ref.log_softmax(rng.normal(0, 2, (n, c))),
                probs(n, c),
                "backward",
            )
        )
    n, c = shapes(rng, 1)[0]
    out.append(
        case(
            f"random {n}×{c} float32",
            ref.log_softmax(rng.normal(0, 2, (n, c))).astype(F32),
            probs(n, c).astype(F32),
            "float32",
        )
    )
    out.append(
        case(
            "target probabilities exactly 0 and 1",
            ref.log_softmax(rng.normal(0, 2, (3, 4))),
            np.array([[1.0, 0, 0, 0], [0, 0.5, 0.5, 0], [0, 0, 0, 1.0]]),
            "hostile",
            zero_hint,
        )
    )
    out.append(case("a single class", np.zeros((4, 1)), np.ones((4, 1)), "hostile", zero_hint))
    return out
