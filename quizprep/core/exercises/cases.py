"""The cases of every exercise: the worked example from the starter file, random shapes and
batch sizes (seeded), float32 and float64, hostile inputs, and the backward pass. Expected
values come from the verified core (:mod:`quizprep.core.losses`,
:mod:`quizprep.core.activations`) or from :mod:`quizprep.core.exercises.references`.
"""

from __future__ import annotations

from collections.abc import Callable

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


def _shapes(rng: Rng, count: int = 3) -> list[tuple[int, int]]:
    return [(int(rng.integers(1, 9)), int(rng.integers(2, 12))) for _ in range(count)]


def _labels_for(rng: Rng, n: int, c: int) -> Array:
    return rng.integers(0, c, size=n)


# -- 1. stable softmax ------------------------------------------------------------------------


def _softmax(rng: Rng) -> list[Case]:
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
    for n, c in _shapes(rng):
        out.append(case(f"random {n}×{c} float64", rng.normal(0, 3, (n, c)), "random", axis_hint))
    out.append(case("a single vector (1-D)", rng.normal(0, 2, 6), "random", axis_hint))
    out.append(case("3-D input (2, 3, 4)", rng.normal(0, 2, (2, 3, 4)), "random", axis_hint))
    n, c = _shapes(rng, 1)[0]
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


def _log_softmax_nll(rng: Rng) -> list[Case]:
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
    for n, c in _shapes(rng):
        x = rng.normal(0, 3, (n, c))
        out += [
            ls(f"random {n}×{c}", x, "random"),
            ce(f"random {n}×{c}", x, _labels_for(rng, n, c), "backward"),
        ]
    n, c = _shapes(rng, 1)[0]
    x32 = rng.normal(0, 3, (n, c)).astype(F32)
    out += [
        ls(f"random {n}×{c} float32", x32, "float32"),
        ce(f"random {n}×{c} float32", x32, _labels_for(rng, n, c), "float32"),
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


def _bce(rng: Rng) -> list[Case]:
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
    for n, c in _shapes(rng):
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
    n, c = _shapes(rng, 1)[0]
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


def _weighted_ce(rng: Rng) -> list[Case]:
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
    for i, (n, c) in enumerate(_shapes(rng)):
        w = rng.uniform(0.2, 3.0, c) if i != 1 else None
        eps = (0.0, 0.1, 0.2)[i]
        out.append(
            case(
                f"random {n}×{c}, ε = {eps}, {'weights' if w is not None else 'no weights'}",
                rng.normal(0, 3, (n, c)),
                _labels_for(rng, n, c),
                w,
                eps,
                "backward",
            )
        )
    n, c = _shapes(rng, 1)[0]
    out.append(
        case(
            f"random {n}×{c} float32",
            rng.normal(0, 3, (n, c)).astype(F32),
            _labels_for(rng, n, c),
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


def _focal(rng: Rng) -> list[Case]:
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
    for i, (n, c) in enumerate(_shapes(rng)):
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
    n, c = _shapes(rng, 1)[0]
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


def _huber(rng: Rng) -> list[Case]:
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
    for n, c in _shapes(rng):
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
    n, c = _shapes(rng, 1)[0]
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


def _kl(rng: Rng) -> list[Case]:
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
    for n, c in _shapes(rng):
        out.append(
            case(
                f"random {n}×{c}",
                ref.log_softmax(rng.normal(0, 2, (n, c))),
                probs(n, c),
                "backward",
            )
        )
    n, c = _shapes(rng, 1)[0]
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


# -- 8. softmax JVP ---------------------------------------------------------------------------


def _softmax_jvp(rng: Rng) -> list[Case]:
    hint = (
        "the Jacobian is diag(s) − s sᵀ, so J·v = s ⊙ (v − Σ_j s_j v_j) along the last axis; "
        "s ⊙ v alone or s(1 − s) ⊙ v leave out the off-diagonal terms"
    )

    def case(name: str, x: Array, v: Array, group: str, h: str = "") -> Case:
        return Case(
            name,
            "softmax_backward",
            (x, v),
            (ref.softmax_backward(x, v),),
            ("grad_in",),
            h or hint,
            batch=x.shape[0],
            group=group,
        )

    out = [
        case("worked example", np.array([[1.0, 2.0, 3.0]]), np.array([[1.0, 0.0, 0.0]]), "example")
    ]
    for n, c in _shapes(rng):
        out.append(
            case(f"random {n}×{c}", rng.normal(0, 2, (n, c)), rng.normal(0, 1, (n, c)), "backward")
        )
    n, c = _shapes(rng, 1)[0]
    out.append(
        case(
            f"random {n}×{c} float32",
            rng.normal(0, 2, (n, c)).astype(F32),
            rng.normal(0, 1, (n, c)).astype(F32),
            "float32",
        )
    )
    out.append(
        case(
            "logits ±1000",
            np.array([[1000.0, 0.0, -1000.0]]),
            np.array([[0.5, -1.0, 2.0]]),
            "hostile",
            OVERFLOW,
        )
    )
    out.append(
        case("a single class", rng.normal(0, 1, (3, 1)), rng.normal(0, 1, (3, 1)), "hostile")
    )
    return out


# -- 9. GELU (tanh) ---------------------------------------------------------------------------


def _gelu(rng: Rng) -> list[Case]:
    hint = (
        "torch's tanh form: y = ½x(1 + tanh(u)), u = √(2/π)(x + 0.044715x³); "
        "dy/dx = ½(1 + tanh u) + ½x(1 − tanh² u)·√(2/π)(1 + 3·0.044715x²)"
    )

    def case(name: str, x: Array, group: str, h: str = "") -> Case:
        y, dy = act.gelu(x, approximate="tanh")
        return Case(name, "gelu", (x,), (y, dy), ("y", "dy_dx"), h or hint, group=group)

    out = [case("worked example", np.array([-1.0, 0.0, 1.0, 2.0]), "example")]
    for n, c in _shapes(rng):
        out.append(case(f"random {n}×{c}", rng.normal(0, 2, (n, c)), "backward"))
    n, c = _shapes(rng, 1)[0]
    out.append(case(f"random {n}×{c} float32", rng.normal(0, 2, (n, c)).astype(F32), "float32"))
    out.append(
        case(
            "large inputs ±1000",
            np.array([1000.0, -1000.0, 30.0, -30.0]),
            "hostile",
            "for large |x| the output is x (or 0) and the derivative 1 (or 0): avoid "
            "inf − inf and 0·inf",
        )
    )
    return out


# -- 10. two-layer MLP backward -------------------------------------------------------------


def _mlp(rng: Rng) -> list[Case]:
    hint = (
        "with z = x W1 + b1, h = relu(z): dW2 = hᵀ g, db2 = Σ_rows g, dh = g W2ᵀ, "
        "dz = dh ⊙ [z > 0], dW1 = xᵀ dz, db1 = Σ_rows dz, dx = dz W1ᵀ"
    )
    labels = ("dx", "dW1", "db1", "dW2", "db2")

    def case(name: str, args: tuple[Array, ...], group: str, h: str = "") -> Case:
        return Case(
            name,
            "mlp_backward",
            args,
            ref.mlp_backward(*args),
            labels,
            h or hint,
            batch=args[0].shape[0],
            group=group,
            factors=(
                (
                    1 / args[0].shape[0],
                    "biases are shared by every row: SUM their "
                    "gradient over the batch, don't average it",
                ),
            ),
        )

    def params(n: int, d: int, hid: int, k: int, dtype: type = F64) -> tuple[Array, ...]:
        parts = (
            rng.normal(0, 1, (n, d)),
            rng.normal(0, 0.5, (d, hid)),
            rng.normal(0, 0.1, hid),
            rng.normal(0, 0.5, (hid, k)),
            rng.normal(0, 0.1, k),
            rng.normal(0, 1, (n, k)),
        )
        return tuple(p.astype(dtype) for p in parts)

    x = np.array([[1.0, -2.0]])
    w1 = np.array([[1.0, -1.0, 0.5], [0.5, 1.0, -1.0]])
    example = (
        x,
        w1,
        np.array([0.0, 0.5, 0.0]),
        np.array([[1.0], [2.0], [-1.0]]),
        np.array([0.1]),
        np.array([[1.0]]),
    )
    out = [case("worked example", example, "example")]
    for _ in range(3):
        n, d, hid, k = (int(v) for v in rng.integers(1, 8, 4))
        out.append(case(f"random N={n}, D={d}, H={hid}, K={k}", params(n, d, hid, k), "backward"))
    out.append(case("float32, N=5, D=4, H=6, K=3", params(5, 4, 6, 3, F32), "float32"))
    zero = params(4, 3, 5, 2)
    zero = (zero[0], np.zeros_like(zero[1]), np.zeros_like(zero[2]), *zero[3:])
    out.append(
        case(
            "zero first-layer weights (pre-activations exactly 0)",
            zero,
            "hostile",
            "ReLU's derivative at exactly 0 is 0 (PyTorch's convention): use z > 0, not z >= 0",
        )
    )
    out.append(case("a batch of one", params(1, 3, 4, 2), "hostile"))
    return out


# -- 11. InfoNCE ------------------------------------------------------------------------------


def _info_nce(rng: Rng) -> list[Case]:
    hint = (
        "logits = q kᵀ/τ with positives on the diagonal; G = (softmax(logits) − I)/N; "
        "∂L/∂q = G k/τ, ∂L/∂k = Gᵀ q/τ (every key appears in every row's softmax)"
    )
    labels = ("loss", "grad_q", "grad_k")

    def case(name: str, q: Array, k: Array, tau: float, group: str, h: str = "") -> Case:
        return Case(
            name,
            "info_nce",
            (q, k),
            ref.info_nce(q, k, tau),
            labels,
            h or hint,
            {"temperature": tau},
            factors=((tau, "the logits are divided by τ, so the chain rule brings a 1/τ"),),
            batch=q.shape[0],
            group=group,
        )

    q = np.array([[1.0, 0.0], [0.0, 1.0]])
    k = np.array([[0.8, 0.6], [0.6, 0.8]])
    out = [case("worked example", q, k, 0.25, "example")]
    for n, c in _shapes(rng):
        tau = float(np.round(rng.uniform(0.05, 1.0), 2))
        out.append(
            case(
                f"random N={n}, D={c}, τ = {tau}",
                rng.normal(0, 1, (n, c)),
                rng.normal(0, 1, (n, c)),
                tau,
                "backward",
            )
        )
    n, c = _shapes(rng, 1)[0]
    out.append(
        case(
            f"random N={n}, D={c} float32",
            rng.normal(0, 1, (n, c)).astype(F32),
            rng.normal(0, 1, (n, c)).astype(F32),
            0.1,
            "float32",
        )
    )
    big = rng.normal(0, 10, (4, 3))
    out.append(
        case(
            "τ = 0.01 with long vectors (logits in the thousands)",
            big,
            big + rng.normal(0, 1, (4, 3)),
            0.01,
            "hostile",
            OVERFLOW,
        )
    )
    out.append(
        case(
            "a batch of one (no negatives)",
            rng.normal(0, 1, (1, 3)),
            rng.normal(0, 1, (1, 3)),
            0.1,
            "hostile",
        )
    )
    return out


# -- 12. triplet margin -----------------------------------------------------------------------


def _triplet(rng: Rng) -> list[Case]:
    hint = (
        "d(x, y) = ‖x − y + eps‖₂ per row (eps = 1e-6, as torch); loss = mean(max(d(a,p) − "
        "d(a,n) + margin, 0)); for an active row ∂d(a,p)/∂a = (a − p + eps)/d(a,p), and "
        "inactive rows contribute nothing"
    )
    labels = ("loss", "grad_anchor", "grad_positive", "grad_negative")

    def case(
        name: str, a: Array, p: Array, n: Array, margin: float, group: str, h: str = ""
    ) -> Case:
        return Case(
            name,
            "triplet_margin",
            (a, p, n),
            ref.triplet_margin(a, p, n, margin),
            labels,
            h or hint,
            {"margin": margin},
            batch=a.shape[0],
            rtol=1e-5,
            atol=1e-8,
            group=group,
        )

    a = np.array([[0.0, 0.0], [1.0, 1.0]])
    out = [
        case(
            "worked example",
            a,
            np.array([[1.0, 0.0], [1.0, 2.0]]),
            np.array([[0.0, 1.5], [1.5, 1.0]]),
            1.0,
            "example",
        )
    ]
    for n, c in _shapes(rng):
        out.append(
            case(
                f"random N={n}, D={c}",
                rng.normal(0, 1, (n, c)),
                rng.normal(0, 1, (n, c)),
                rng.normal(0, 1, (n, c)),
                1.0,
                "backward",
            )
        )
    n, c = _shapes(rng, 1)[0]
    out.append(
        case(
            f"random N={n}, D={c} float32",
            *(rng.normal(0, 1, (n, c)).astype(F32) for _ in range(3)),
            0.5,
            "float32",
        )
    )
    same = rng.normal(0, 1, (3, 4))
    out.append(
        case(
            "positive equal to the anchor (distance 0)",
            same,
            same.copy(),
            rng.normal(0, 0.3, (3, 4)) + same,
            1.0,
            "hostile",
            "d(a, p) = 0 here: torch adds eps inside the norm, ‖a − p + eps‖, which "
            "keeps the gradient finite (a bare ‖a − p‖ gives 0/0)",
        )
    )
    far = rng.normal(0, 1, (3, 2))
    out.append(
        case(
            "every triplet already satisfied (loss 0)",
            far,
            far + 0.01,
            far + 5.0,
            1.0,
            "hostile",
            "rows with d(a,p) − d(a,n) + margin ≤ 0 have zero gradient",
        )
    )
    return out


BUILDERS: dict[str, Callable[[Rng], list[Case]]] = {
    "stable-softmax": _softmax,
    "log-softmax-nll": _log_softmax_nll,
    "bce-with-logits": _bce,
    "weighted-ce-smoothing": _weighted_ce,
    "sigmoid-focal": _focal,
    "huber": _huber,
    "kl-batchmean": _kl,
    "softmax-jvp": _softmax_jvp,
    "gelu-tanh": _gelu,
    "mlp-backward": _mlp,
    "info-nce": _info_nce,
    "triplet-margin": _triplet,
}


def cases_for(name: str, seed: int = 0) -> list[Case]:
    """Every case of exercise ``name``; the same seed gives the same cases."""
    return BUILDERS[name](np.random.default_rng(seed))
