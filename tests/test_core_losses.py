"""Losses against references computed independently, in 150-digit decimal arithmetic.

Reference losses are written straight from the definitions (torch's documented conventions),
with none of the core's numerical tricks; reference gradients are central differences of those
decimal losses with a relative step of 1e-25 (1e-50 at 0), accurate far beyond float64.
Agreement is asked to 1e-12 relative per entry; an entry may instead be within 1e-15 of the
largest entry of its vector, which only matters where an exact zero comes out of a
cancellation (a uniform softmax against a uniform target gives 1/15 - 1/15), and values below
1e-290 (subnormals) count as 0.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from decimal import Decimal, localcontext

import numpy as np
import pytest

from quizprep.core import losses

PREC = 150
RTOL = 1e-12
ATOL = 1e-290
DecimalLoss = Callable[[list[Decimal]], Decimal]


def d(v: float) -> Decimal:
    return Decimal(float(v))


def exp(x: Decimal) -> Decimal:
    return x.exp()


def ln(x: Decimal) -> Decimal:
    return x.ln()


def sigmoid(x: Decimal) -> Decimal:
    return 1 / (1 + exp(-x))


def log_sigmoid(x: Decimal) -> Decimal:
    return -ln(1 + exp(-x))


def reference(fn: DecimalLoss, x: Sequence[float], side: Sequence[int] | None = None):
    """The decimal loss at x and its gradient by a tiny decimal central difference.

    side[i] = +1 / -1 takes a one-sided difference (for probabilities at exactly 0 or 1).
    """
    with localcontext() as ctx:
        ctx.prec = PREC
        base = [d(v) for v in x]
        value = fn(base)
        grad = []
        for i, xi in enumerate(base):
            s = side[i] if side else 0
            # one-sided steps sit at a bound (p = 0 or 1), where the clamp region is e^-100 wide
            h = Decimal("1e-25") * abs(xi) if xi != 0 and s == 0 else Decimal("1e-50")

            def at(off: Decimal, i: int = i) -> Decimal:
                probe = list(base)
                probe[i] += off
                return fn(probe)

            if s == 0:
                grad.append((at(h) - at(-h)) / (2 * h))
            else:  # second-order one-sided
                grad.append(s * (-3 * at(0 * h) + 4 * at(s * h) - at(2 * s * h)) / (2 * h))
        return float(value), np.array([float(g) for g in grad])


def assert_close(ours: float | np.ndarray, ref: float | np.ndarray) -> None:
    ours_a = np.asarray(ours, dtype=np.float64)
    ref_a = np.asarray(ref, dtype=np.float64)
    floor = 1e-15 * float(np.max(np.abs(ref_a))) if ref_a.size else 0.0
    bound = np.maximum(RTOL * np.abs(ref_a), floor) + ATOL
    bad = np.abs(ours_a - ref_a) > bound
    assert not np.any(bad), f"ours {ours_a[bad]} vs reference {ref_a[bad]}"


def check(name: str, x, target, ref_fn, side=None, **params) -> None:
    x = np.asarray(x, dtype=np.float64)
    loss, grad = getattr(losses, name)(x, target, **params)
    ref_loss, ref_grad = reference(ref_fn, x.reshape(-1).tolist(), side)
    assert isinstance(loss, float)
    assert grad.shape == x.shape and grad.dtype == np.float64
    assert_close(loss, ref_loss)
    assert_close(grad.reshape(-1), ref_grad)


# ---- regression losses -------------------------------------------------------------------

X_REG = [1.0, 2.0, 3.0, 10.0, -4.5, 1e-8]
T_REG = [1.5, 2.0, 2.5, 3.0, 1.25, 0.0]


def test_mse_matches_reference() -> None:
    ts = [d(v) for v in T_REG]
    check(
        "mse",
        X_REG,
        T_REG,
        lambda x: sum((a - b) ** 2 for a, b in zip(x, ts, strict=True)) / len(x),
    )


def test_mae_matches_reference_away_from_zero() -> None:
    x = [1.0, 2.5, 3.0, 10.0, -4.5, 1e-8]
    ts = [d(v) for v in T_REG]
    check("mae", x, T_REG, lambda x: sum(abs(a - b) for a, b in zip(x, ts, strict=True)) / len(x))


def test_mae_derivative_is_zero_at_zero_residual() -> None:
    _, grad = losses.mae(np.array([2.0, 3.0]), np.array([2.0, 1.0]))
    assert grad.tolist() == [0.0, 0.5]


@pytest.mark.parametrize("delta", [1.0, 0.5, 2.0])
def test_huber_matches_reference_including_the_joint(delta: float) -> None:
    # residuals exactly ±δ sit on the joint between the quadratic and the linear piece
    x = [1.0 + delta, 1.0 - delta, 0.3, 7.0, -7.0, 1.0]
    t = [1.0, 1.0, 0.0, 0.0, 0.0, 1.0]
    ts, dl = [d(v) for v in t], d(delta)

    def ref(x: list[Decimal]) -> Decimal:
        total = Decimal(0)
        for a, b in zip(x, ts, strict=True):
            r = abs(a - b)
            total += r * r / 2 if r < dl else dl * (r - dl / 2)
        return total / len(x)

    check("huber", x, t, ref, delta=delta)
    _, grad = losses.huber(np.array(x), np.array(t), delta=delta)
    assert grad[0] == pytest.approx(delta / 6, rel=1e-15)
    assert grad[1] == pytest.approx(-delta / 6, rel=1e-15)


def test_l2_matches_closed_form() -> None:
    w = np.array([3.0, -1.0, 0.5, 0.0])
    value, grad = losses.l2(w, 0.1)
    assert value == pytest.approx(0.05 * (9 + 1 + 0.25), rel=1e-15)
    assert grad.tolist() == pytest.approx([0.3, -0.1, 0.05, 0.0], rel=1e-15)


# ---- binary losses -----------------------------------------------------------------------


def test_bce_matches_reference_with_clamps_and_edges() -> None:
    p = [0.0, 1.0, 0.0, 1.0, 0.5, 1e-300, 1 - 2**-53, 0.25, 0.9]
    t = [0.0, 1.0, 1.0, 0.0, 0.3, 1.0, 1.0, 0.0, 1.0]
    ts = [d(v) for v in t]

    def clamped_ln(v: Decimal) -> Decimal:
        return Decimal(-100) if v <= 0 else max(ln(v), Decimal(-100))

    def ref(x: list[Decimal]) -> Decimal:
        terms = [
            b * clamped_ln(a) + (1 - b) * clamped_ln(1 - a) for a, b in zip(x, ts, strict=True)
        ]
        return -sum(terms) / len(x)

    side = [1 if v == 0 else -1 if v == 1 else 0 for v in p]
    check("bce", p, t, ref, side=side)
    loss, grad = losses.bce(np.array([0.0, 1.0]), np.array([1.0, 0.0]))
    assert loss == 100.0  # both logs clamped at -100
    assert grad.tolist() == [0.0, 0.0]  # and flat there


@pytest.mark.parametrize("pos_weight", [None, 3.0])
def test_bce_with_logits_matches_reference_at_extremes(pos_weight: float | None) -> None:
    x = [1000.0, -1000.0, 1000.0, -1000.0, 30.0, -30.0, 0.0, 0.7, -2.5, 1e-9]
    t = [1.0, 1.0, 0.0, 0.0, 1.0, 0.0, 0.5, 1.0, 0.0, 0.125]
    ts = [d(v) for v in t]
    pw = d(1.0 if pos_weight is None else pos_weight)

    def ref(x: list[Decimal]) -> Decimal:
        terms = [
            pw * b * log_sigmoid(a) + (1 - b) * log_sigmoid(-a) for a, b in zip(x, ts, strict=True)
        ]
        return -sum(terms) / len(x)

    check("bce_with_logits", x, t, ref, pos_weight=pos_weight)


def test_bce_with_logits_keeps_tiny_gradients_of_confident_right_answers() -> None:
    _, grad = losses.bce_with_logits(np.array([30.0]), np.array([1.0]))
    assert grad[0] == pytest.approx(-math.exp(-30) / (1 + math.exp(-30)), rel=1e-14)


def test_bce_with_logits_per_column_pos_weight() -> None:
    x = np.array([[0.5, -1.0], [2.0, 0.1]])
    t = np.array([[1.0, 1.0], [0.0, 1.0]])
    pw = [2.0, 0.5]
    ts = [d(v) for v in t.reshape(-1)]

    def ref(x: list[Decimal]) -> Decimal:
        terms = [
            d(pw[i % 2]) * b * log_sigmoid(a) + (1 - b) * log_sigmoid(-a)
            for i, (a, b) in enumerate(zip(x, ts, strict=True))
        ]
        return -sum(terms) / len(x)

    check("bce_with_logits", x, t, ref, pos_weight=np.array(pw))


def test_hinge_matches_reference_off_the_margin_and_is_flat_on_it() -> None:
    s = [2.0, 0.5, -0.3, -2.0, 0.25]
    t = [1.0, 1.0, 1.0, -1.0, -1.0]
    ts = [d(v) for v in t]
    check(
        "hinge",
        s,
        t,
        lambda x: sum(max(Decimal(0), 1 - b * a) for a, b in zip(x, ts, strict=True)) / 5,
    )
    _, grad = losses.hinge(np.array([1.0, -1.0]), np.array([1.0, -1.0]))
    assert grad.tolist() == [0.0, 0.0]  # exactly on the margin: 0, as relu'(0)


@pytest.mark.parametrize(("alpha", "gamma"), [(0.25, 2.0), (-1.0, 2.0), (0.5, 0.0), (0.25, 1.5)])
def test_focal_matches_torchvision_definition(alpha: float, gamma: float) -> None:
    x = [1000.0, -1000.0, 4.0, 1.0, -1.0, -4.0, 0.0, 30.0]
    t = [1.0, 0.0, 1.0, 1.0, 1.0, 0.0, 1.0, 0.0]
    ts = [d(v) for v in t]
    al, ga = d(alpha), d(gamma)

    def ref(x: list[Decimal]) -> Decimal:
        total = Decimal(0)
        for a, b in zip(x, ts, strict=True):
            p = sigmoid(a)
            ce = -(b * log_sigmoid(a) + (1 - b) * log_sigmoid(-a))
            p_t = p * b + (1 - p) * (1 - b)
            term = ce * (1 - p_t) ** ga if 1 - p_t > 0 else Decimal(0)
            if al >= 0:
                term *= al * b + (1 - al) * (1 - b)
            total += term
        return total / len(x)

    check("focal", x, t, ref, alpha=alpha, gamma=gamma)


# ---- multi-class losses ------------------------------------------------------------------

LOGITS = [
    [2.0, 1.0, 0.1],
    [1000.0, -1000.0, 0.0],
    [40.0, 0.0, 0.0],
    [-1000.0, -1000.0, -1000.0],
    [0.3, -0.2, 5.0],
]
CLASSES = [0, 1, 0, 2, 2]


def log_softmax_row(row: list[Decimal]) -> list[Decimal]:
    lse = ln(sum(exp(v) for v in row))
    return [v - lse for v in row]


def rows_of(x: list[Decimal], c: int) -> list[list[Decimal]]:
    return [x[i : i + c] for i in range(0, len(x), c)]


@pytest.mark.parametrize("weight", [None, [1.0, 2.0, 0.5]])
@pytest.mark.parametrize("eps", [0.0, 0.1, 1.0])
def test_cross_entropy_matches_torch_convention(weight, eps: float) -> None:
    w = [d(v) for v in (weight or [1.0, 1.0, 1.0])]
    e = d(eps)

    def ref(x: list[Decimal]) -> Decimal:
        total_w = sum(w[y] for y in CLASSES)
        nll = smooth = Decimal(0)
        for row, y in zip(rows_of(x, 3), CLASSES, strict=True):
            lp = log_softmax_row(row)
            nll += -w[y] * lp[y]
            smooth += -sum(wc * v for wc, v in zip(w, lp, strict=True))
        return (1 - e) * nll / total_w + e / 3 * smooth / total_w

    check("cross_entropy", LOGITS, CLASSES, ref, weight=weight, label_smoothing=eps)


def test_cross_entropy_confidently_right_loss_keeps_its_digits() -> None:
    loss, grad = losses.cross_entropy(np.array([[40.0, 0.0, 0.0]]), [0])
    assert loss == pytest.approx(2 * math.exp(-40), rel=1e-14)
    assert grad[0, 0] == pytest.approx(-2 * math.exp(-40), rel=1e-14)


def test_cross_entropy_accepts_one_unbatched_row() -> None:
    loss, grad = losses.cross_entropy(np.array([2.0, 1.0, 0.1]), 0)
    batched, bgrad = losses.cross_entropy(np.array([[2.0, 1.0, 0.1]]), [0])
    assert loss == batched and grad.shape == (3,)
    assert grad.tolist() == bgrad[0].tolist()


@pytest.mark.parametrize("p", [1, 2])
@pytest.mark.parametrize("weight", [None, [1.0, 2.0, 0.5]])
def test_multi_margin_matches_torch_definition(p: int, weight) -> None:
    logits = [[0.1, 0.2, 0.4], [2.0, -1.0, 0.5], [0.3, 0.35, -0.5], [5.0, 0.0, 0.0]]
    y = [2, 0, 1, 1]
    w = [d(v) for v in (weight or [1.0, 1.0, 1.0])]
    margin = d(0.8)

    def ref(x: list[Decimal]) -> Decimal:
        total = Decimal(0)
        for row, yi in zip(rows_of(x, 3), y, strict=True):
            for j, v in enumerate(row):
                if j != yi:
                    total += w[yi] * max(Decimal(0), margin - row[yi] + v) ** p / 3
        return total / len(y)

    check("multi_margin", logits, y, ref, p=p, margin=0.8, weight=weight)


def test_multi_margin_matches_torch_docs_example() -> None:
    loss, _ = losses.multi_margin(np.array([[0.1, 0.2, 0.4, 0.8]]), [3])
    assert loss == pytest.approx(0.325, rel=1e-15)  # torch's documented example


@pytest.mark.parametrize(("gamma", "alpha"), [(2.0, None), (0.5, [0.25, 0.5, 1.0]), (0.0, None)])
def test_softmax_focal_matches_definition(gamma: float, alpha) -> None:
    a = [d(v) for v in (alpha or [1.0, 1.0, 1.0])]
    g = d(gamma)

    def ref(x: list[Decimal]) -> Decimal:
        total = Decimal(0)
        for row, y in zip(rows_of(x, 3), CLASSES, strict=True):
            lp = log_softmax_row(row)[y]
            rest = 1 - exp(lp)
            total += -a[y] * (rest**g if rest > 0 else Decimal(0)) * lp
        return total / len(CLASSES)

    check("softmax_focal", LOGITS, CLASSES, ref, gamma=gamma, alpha=alpha)


def test_softmax_focal_with_gamma_zero_is_cross_entropy() -> None:
    x = np.array(LOGITS)
    ce = losses.cross_entropy(x, CLASSES)
    sf = losses.softmax_focal(x, CLASSES, gamma=0.0)
    assert sf[0] == pytest.approx(ce[0], rel=1e-15)
    np.testing.assert_allclose(sf[1], ce[1], rtol=1e-15, atol=1e-300)


@pytest.mark.parametrize("reduction", ["batchmean", "mean", "sum"])
def test_kl_div_matches_torch_convention(reduction: str) -> None:
    q = np.log(np.array([[0.7, 0.2, 0.1], [0.25, 0.25, 0.5]]))
    t = np.array([[0.5, 0.5, 0.0], [0.1, 0.3, 0.6]])
    ts = [d(v) for v in t.reshape(-1)]
    denom = {"batchmean": 2, "mean": 6, "sum": 1}[reduction]

    def ref(x: list[Decimal]) -> Decimal:
        terms = [b * (ln(b) - a) if b > 0 else Decimal(0) for a, b in zip(x, ts, strict=True)]
        return sum(terms) / denom

    check("kl_div", q, t, ref, reduction=reduction)


def test_bad_shapes_and_targets_are_value_errors() -> None:
    with pytest.raises(ValueError, match="shape"):
        losses.mse(np.zeros(3), np.zeros(2))
    with pytest.raises(ValueError, match=r"0\.\.2"):
        losses.cross_entropy(np.zeros((1, 3)), [3])
    with pytest.raises(ValueError, match=r"\+1 or -1"):
        losses.hinge(np.zeros(2), np.array([1.0, 0.0]))
    with pytest.raises(ValueError, match="probabilities"):
        losses.bce(np.array([1.5]), np.array([1.0]))


def test_cross_entropy_with_zero_total_target_weight_is_a_value_error() -> None:
    import numpy as np
    import pytest

    from quizprep.core import losses

    with pytest.raises(ValueError, match="sum to 0"):
        losses.cross_entropy(np.array([[1.0, 2.0]]), np.array([0]), weight=np.array([0.0, 1.0]))
