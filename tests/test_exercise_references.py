"""The exercise references the core does not hold (InfoNCE, triplet margin, the MLP backward,
log-softmax): checked against central differences, float64 references in ``fractions``-free
closed form, and PyTorch where it is installed."""

from __future__ import annotations

import math

import numpy as np
import pytest

from quizprep.core.exercises import references as ref
from quizprep.core.gradcheck import numeric_grad

rng = np.random.default_rng(11)


def close(a: np.ndarray, b: np.ndarray) -> bool:
    return bool(np.allclose(a, b, rtol=1e-6, atol=1e-9))


@pytest.mark.parametrize("n", [1, 3, 6])
@pytest.mark.parametrize("tau", [0.07, 0.5, 1.0])
def test_info_nce_gradients_match_finite_differences(n: int, tau: float) -> None:
    q, k = rng.normal(0, 1, (n, 4)), rng.normal(0, 1, (n, 4))
    loss, gq, gk = ref.info_nce(q, k, tau)
    assert close(gq, numeric_grad(lambda x: ref.info_nce(x, k, tau)[0], q))
    assert close(gk, numeric_grad(lambda x: ref.info_nce(q, x, tau)[0], k))
    # the loss itself, row by row in plain Python floats
    want = 0.0
    for i in range(n):
        logits = [sum(q[i, d] * k[j, d] for d in range(4)) / tau for j in range(n)]
        top = max(logits)
        want += top + math.log(sum(math.exp(v - top) for v in logits)) - logits[i]
    assert loss == pytest.approx(want / n, rel=1e-12)


def test_info_nce_survives_huge_logits() -> None:
    q = rng.normal(0, 30, (4, 3))
    loss, gq, gk = ref.info_nce(q, q + 0.5, 0.01)
    assert math.isfinite(loss) and np.isfinite(gq).all() and np.isfinite(gk).all()


@pytest.mark.parametrize("margin", [0.2, 1.0, 3.0])
def test_triplet_gradients_match_finite_differences(margin: float) -> None:
    a, p, n = (rng.normal(0, 1, (5, 3)) for _ in range(3))
    loss, ga, gp, gn = ref.triplet_margin(a, p, n, margin)
    assert close(ga, numeric_grad(lambda x: ref.triplet_margin(x, p, n, margin)[0], a))
    assert close(gp, numeric_grad(lambda x: ref.triplet_margin(a, x, n, margin)[0], p))
    assert close(gn, numeric_grad(lambda x: ref.triplet_margin(a, p, x, margin)[0], n))
    want = np.mean([
        max(math.dist(a[i] + 1e-6, p[i]) - math.dist(a[i] + 1e-6, n[i]) + margin, 0)
        for i in range(5)
    ])  # fmt: skip
    assert loss == pytest.approx(want, rel=1e-12)


def test_triplet_at_zero_distance_is_finite() -> None:
    a = rng.normal(0, 1, (2, 4))
    loss, ga, gp, gn = ref.triplet_margin(a, a.copy(), a + 1.0, 5.0)
    assert math.isfinite(loss)
    assert all(np.isfinite(g).all() for g in (ga, gp, gn))
    assert np.allclose(np.linalg.norm(gp, axis=1), 1 / 2)  # a unit vector, over N = 2


def test_mlp_backward_matches_finite_differences() -> None:
    x = rng.normal(0, 1, (4, 3))
    params = [rng.normal(0, 1, (3, 5)), rng.normal(0, 0.3, 5), rng.normal(0, 1, (5, 2)),
              rng.normal(0, 0.3, 2)]  # fmt: skip
    g = rng.normal(0, 1, (4, 2))
    grads = ref.mlp_backward(x, *params, g)
    inputs = [x, *params]

    def loss(i: int, value: np.ndarray) -> float:
        args = list(inputs)
        args[i] = value
        return float((ref.mlp_forward(*args) * g).sum())

    for i, grad in enumerate(grads):
        assert close(grad, numeric_grad(lambda v, i=i: loss(i, v), inputs[i])), i


def test_log_softmax_and_softmax_backward() -> None:
    x = rng.normal(0, 3, (3, 5))
    assert close(np.exp(ref.log_softmax(x)).sum(axis=1), np.ones(3))
    big = ref.log_softmax(np.array([[1000.0, 0.0, -1000.0]]))
    assert np.allclose(big, [[0.0, -1000.0, -2000.0]])
    v = rng.normal(0, 1, (3, 5))
    s = lambda z: np.exp(ref.log_softmax(z))  # noqa: E731
    assert close(ref.softmax_backward(x, v), numeric_grad(lambda z: float((s(z) * v).sum()), x))


def test_float32_stays_float32() -> None:
    q = rng.normal(0, 1, (3, 2)).astype(np.float32)
    assert all(g.dtype == np.float32 for g in ref.info_nce(q, q, 0.1)[1:])
    assert all(g.dtype == np.float32 for g in ref.triplet_margin(q, q, q + 1)[1:])


def _torch():
    try:
        import torch as t
    except ImportError:
        pytest.skip("PyTorch is not installed")
    return t


def test_against_pytorch() -> None:
    t = _torch()
    a, p, n = (rng.normal(0, 1, (4, 3)) for _ in range(3))
    ta, tp, tn = (t.tensor(v, requires_grad=True) for v in (a, p, n))
    t.nn.functional.triplet_margin_loss(ta, tp, tn, margin=1.0).backward()
    loss, ga, gp, gn = ref.triplet_margin(a, p, n, 1.0)
    assert close(ga, ta.grad.numpy()) and close(gp, tp.grad.numpy()) and close(gn, tn.grad.numpy())
    q, k = rng.normal(0, 1, (5, 3)), rng.normal(0, 1, (5, 3))
    tq, tk = t.tensor(q, requires_grad=True), t.tensor(k, requires_grad=True)
    out = t.nn.functional.cross_entropy(tq @ tk.T / 0.1, t.arange(5))
    out.backward()
    loss, gq, gk = ref.info_nce(q, k, 0.1)
    assert loss == pytest.approx(out.item(), rel=1e-10)
    assert close(gq, tq.grad.numpy()) and close(gk, tk.grad.numpy())
