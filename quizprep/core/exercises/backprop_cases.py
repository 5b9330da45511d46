"""Cases of the backward-pass exercises: the softmax Jacobian-vector product, GELU (tanh) with
its derivative, a two-layer ReLU MLP, InfoNCE and triplet margin. Expected values come from
the core and from :mod:`quizprep.core.exercises.references`.
"""

from __future__ import annotations

import numpy as np

from quizprep.core import activations as act
from quizprep.core.exercises import references as ref
from quizprep.core.exercises.grader import Case
from quizprep.core.exercises.loss_cases import F32, F64, OVERFLOW, Array, Rng, shapes

# -- 8. softmax JVP ---------------------------------------------------------------------------


def softmax_jvp_cases(rng: Rng) -> list[Case]:
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
    for n, c in shapes(rng):
        out.append(
            case(f"random {n}×{c}", rng.normal(0, 2, (n, c)), rng.normal(0, 1, (n, c)), "backward")
        )
    n, c = shapes(rng, 1)[0]
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


def gelu_cases(rng: Rng) -> list[Case]:
    hint = (
        "torch's tanh form: y = ½x(1 + tanh(u)), u = √(2/π)(x + 0.044715x³); "
        "dy/dx = ½(1 + tanh u) + ½x(1 − tanh² u)·√(2/π)(1 + 3·0.044715x²)"
    )

    def case(name: str, x: Array, group: str, h: str = "") -> Case:
        y, dy = act.gelu(x, approximate="tanh")
        return Case(name, "gelu", (x,), (y, dy), ("y", "dy_dx"), h or hint, group=group)

    out = [case("worked example", np.array([-1.0, 0.0, 1.0, 2.0]), "example")]
    for n, c in shapes(rng):
        out.append(case(f"random {n}×{c}", rng.normal(0, 2, (n, c)), "backward"))
    n, c = shapes(rng, 1)[0]
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


def mlp_cases(rng: Rng) -> list[Case]:
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


def info_nce_cases(rng: Rng) -> list[Case]:
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
    for n, c in shapes(rng):
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
    n, c = shapes(rng, 1)[0]
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


def triplet_cases(rng: Rng) -> list[Case]:
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
    for n, c in shapes(rng):
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
    n, c = shapes(rng, 1)[0]
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
