"""The core against PyTorch, where torch is importable (CI need not install it).

torchvision is not used: its ``sigmoid_focal_loss`` is re-expressed here in torch operations,
line for line as torchvision writes it, and also checked against a hand-computed value.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from quizprep.core import activations as act
from quizprep.core import losses

torch = pytest.importorskip("torch")
F = torch.nn.functional

RNG = np.random.default_rng(7)
X = np.concatenate([RNG.normal(0, 3, 14), [1000.0, -1000.0, 0.0, 30.0, -30.0, 1e-9]]).reshape(4, 5)
T = RNG.normal(0, 1, (4, 5))
BITS = RNG.integers(0, 2, (4, 5)).astype(np.float64)
P = RNG.uniform(0.02, 0.98, (4, 5))
Y = np.array([0, 4, 2, 1])
W = np.array([1.0, 2.0, 0.5, 3.0, 1.5])


def torch_loss(fn, x: np.ndarray, *args, **kwargs) -> tuple[float, np.ndarray]:
    inp = torch.tensor(x, requires_grad=True)
    loss = fn(inp, *args, **kwargs)
    loss.backward()
    return loss.item(), inp.grad.numpy()


def same(ours, theirs, rtol: float = 1e-12, floor: float = 1e-15) -> None:
    """Loss to ``rtol``; gradient entries to ``rtol`` or within ``floor`` × the largest entry
    (torch forms σ(x) - 1 and rounds tiny gradients of confident answers to 0)."""
    assert ours[0] == pytest.approx(theirs[0], rel=rtol)
    scale = float(np.max(np.abs(theirs[1])))
    np.testing.assert_allclose(ours[1], theirs[1], rtol=rtol, atol=floor * scale)


def tvision_focal(inputs, targets, alpha: float = 0.25, gamma: float = 2):
    p = torch.sigmoid(inputs)
    ce_loss = F.binary_cross_entropy_with_logits(inputs, targets, reduction="none")
    p_t = p * targets + (1 - p) * (1 - targets)
    loss = ce_loss * ((1 - p_t) ** gamma)
    if alpha >= 0:
        alpha_t = alpha * targets + (1 - alpha) * (1 - targets)
        loss = alpha_t * loss
    return loss.mean()


def test_regression_losses() -> None:
    t = torch.tensor(T)
    same(losses.mse(X, T), torch_loss(F.mse_loss, X, t))
    same(losses.mae(X, T), torch_loss(F.l1_loss, X, t))
    same(losses.huber(X, T, delta=0.7), torch_loss(F.huber_loss, X, t, delta=0.7))


def test_binary_losses() -> None:
    b = torch.tensor(BITS)
    same(losses.bce(P, BITS), torch_loss(F.binary_cross_entropy, P, b), rtol=1e-10)
    same(losses.bce_with_logits(X, BITS), torch_loss(F.binary_cross_entropy_with_logits, X, b))
    pw = torch.tensor(W)
    same(
        losses.bce_with_logits(X, BITS, pos_weight=W),
        torch_loss(F.binary_cross_entropy_with_logits, X, b, pos_weight=pw),
    )


def test_bce_clamps_like_torch() -> None:
    p = np.array([0.0, 1.0, 1e-50, 0.5])
    t = np.array([1.0, 0.0, 1.0, 1.0])
    assert losses.bce(p, t)[0] == pytest.approx(
        F.binary_cross_entropy(torch.tensor(p), torch.tensor(t)).item(), rel=1e-14
    )


@pytest.mark.parametrize("weight", [None, W])
@pytest.mark.parametrize("eps", [0.0, 0.1])
def test_cross_entropy(weight, eps: float) -> None:
    tw = None if weight is None else torch.tensor(weight)
    ours = losses.cross_entropy(X, Y, weight=weight, label_smoothing=eps)
    theirs = torch_loss(F.cross_entropy, X, torch.tensor(Y), weight=tw, label_smoothing=eps)
    same(ours, theirs)


@pytest.mark.parametrize("p", [1, 2])
def test_multi_margin(p: int) -> None:
    ours = losses.multi_margin(X / 10, Y, p=p, margin=0.6, weight=W)
    theirs = torch_loss(
        F.multi_margin_loss, X / 10, torch.tensor(Y), p=p, margin=0.6, weight=torch.tensor(W)
    )
    same(ours, theirs)


@pytest.mark.filterwarnings("ignore:reduction. 'mean' divides:UserWarning")
def test_kl_div() -> None:
    q = np.log(RNG.dirichlet(np.ones(5), 4))
    t = RNG.dirichlet(np.ones(5), 4)
    t[0, 2] = 0.0
    for reduction in ("batchmean", "mean", "sum"):
        ours = losses.kl_div(q, t, reduction=reduction)
        same(ours, torch_loss(F.kl_div, q, torch.tensor(t), reduction=reduction))


@pytest.mark.parametrize(("alpha", "gamma"), [(0.25, 2.0), (-1.0, 2.0), (0.6, 1.0)])
def test_focal_matches_torchvision_expression(alpha: float, gamma: float) -> None:
    x = np.clip(X, -30, 30)  # torchvision's (1 - p_t) in torch rounds to 0 sooner than ours
    ours = losses.focal(x, BITS, alpha=alpha, gamma=gamma)
    theirs = torch_loss(tvision_focal, x, torch.tensor(BITS), alpha=alpha, gamma=gamma)
    same(ours, theirs, rtol=1e-9)


def test_focal_hand_computed() -> None:
    # one positive with logit 0: p = ½, CE = ln 2, (1 - p_t)² = ¼, α_t = 0.25
    loss, grad = losses.focal(np.array([0.0]), np.array([1.0]))
    assert loss == pytest.approx(0.25 * 0.25 * math.log(2), rel=1e-15)
    # d/dx at 0: α·[(p - 1)(1 - p)² + CE·2(1 - p)·(-p(1 - p))] = 0.25·(-1/8 - ln2/4)
    assert grad[0] == pytest.approx(0.25 * (-0.125 - math.log(2) / 4), rel=1e-15)
    t_loss, t_grad = torch_loss(
        tvision_focal, np.array([0.0]), torch.tensor([1.0], dtype=torch.float64)
    )
    assert (loss, float(grad[0])) == pytest.approx((t_loss, float(t_grad[0])), rel=1e-15)


def test_softmax_focal_against_torch_expression() -> None:
    def tfocal(x, y, gamma=2.0):
        lp = F.log_softmax(x, dim=1)[torch.arange(len(y)), y]
        return (-((1 - lp.exp()) ** gamma) * lp).mean()

    same(losses.softmax_focal(X / 3, Y), torch_loss(tfocal, X / 3, torch.tensor(Y)), rtol=1e-10)


ACTS = [
    ("relu", F.relu, {}, {}),
    ("leaky_relu", F.leaky_relu, {"negative_slope": 0.1}, {"negative_slope": 0.1}),
    ("sigmoid", torch.sigmoid, {}, {}),
    ("tanh", torch.tanh, {}, {}),
    ("gelu", F.gelu, {}, {}),
    ("gelu", F.gelu, {"approximate": "tanh"}, {"approximate": "tanh"}),
    ("silu", F.silu, {}, {}),
    ("elu", F.elu, {"alpha": 1.3}, {"alpha": 1.3}),
]


@pytest.mark.parametrize(("name", "fn", "ours_kw", "torch_kw"), ACTS)
def test_activations(name: str, fn, ours_kw: dict, torch_kw: dict) -> None:
    x = np.concatenate([np.linspace(-8, 8, 33), [0.0, -0.0, 1e-9, -1e-9]])
    inp = torch.tensor(x, requires_grad=True)
    out = fn(inp, **torch_kw)
    out.sum().backward()
    y, dy = getattr(act, name)(x, **ours_kw)
    # torch's gelu forms 1 + erf and 1 + tanh, and so loses the far negative tail in absolute
    # terms of ~1e-16 (ours is checked digit by digit against decimal references): compare
    # relative to each array's scale there
    ty, tdy = out.detach().numpy(), inp.grad.numpy()
    np.testing.assert_allclose(y, ty, rtol=1e-12, atol=1e-15 * np.max(np.abs(ty)))
    np.testing.assert_allclose(dy, tdy, rtol=1e-12, atol=1e-15 * np.max(np.abs(tdy)))


def test_prelu_and_softmax() -> None:
    x = np.array([[-2.0, 3.0, 0.0], [1.0, -0.5, 2.0]])
    inp = torch.tensor(x, requires_grad=True)
    w = torch.tensor([0.2], dtype=torch.float64, requires_grad=True)
    upstream = torch.tensor([[1.0, 2.0, 3.0], [-1.0, 0.5, 2.0]], dtype=torch.float64)
    (F.prelu(inp, w) * upstream).sum().backward()
    y, dy, dw = act.prelu(x, weight=0.2)
    np.testing.assert_allclose(y, F.prelu(torch.tensor(x), w.detach()).numpy(), rtol=1e-15)
    np.testing.assert_allclose(dy * upstream.numpy(), inp.grad.numpy(), rtol=1e-15)
    assert float((dw * upstream.numpy()).sum()) == pytest.approx(w.grad.item(), rel=1e-15)
    inp = torch.tensor(x, requires_grad=True)
    (torch.softmax(inp, dim=1) * upstream).sum().backward()
    ys, vjp = act.softmax(x, v=upstream.numpy(), axis=1)
    np.testing.assert_allclose(ys, torch.softmax(torch.tensor(x), dim=1).numpy(), rtol=1e-14)
    np.testing.assert_allclose(vjp, inp.grad.numpy(), rtol=1e-12, atol=1e-16)


def test_float32_agrees_with_torch_float32() -> None:
    x = X.astype(np.float32)
    b = BITS.astype(np.float32)
    ours = losses.bce_with_logits(x, b)
    theirs = torch_loss(F.binary_cross_entropy_with_logits, x, torch.tensor(b))
    assert ours[1].dtype == np.float32
    same(ours, theirs, rtol=1e-5, floor=1e-6)
    ours = losses.cross_entropy(x, Y)
    same(ours, torch_loss(F.cross_entropy, x, torch.tensor(Y)), rtol=1e-5, floor=1e-6)
