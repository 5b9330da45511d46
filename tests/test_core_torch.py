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


# ---- the newer losses and activations -----------------------------------------------------


def torch_grads(fn, *arrays) -> tuple[float, list[np.ndarray]]:
    inputs = [torch.tensor(a, requires_grad=True) for a in arrays]
    loss = fn(*inputs)
    loss.backward()
    return loss.item(), [i.grad.numpy() for i in inputs]


def close(a, b, rtol: float = 1e-12) -> None:
    b = np.asarray(b)
    np.testing.assert_allclose(a, b, rtol=rtol, atol=1e-15 * max(float(np.max(np.abs(b))), 1e-300))


@pytest.mark.parametrize(("p", "margin"), [(2.0, 1.0), (3.0, 0.5), (1.0, 2.0)])
def test_triplet_margin(p: float, margin: float) -> None:
    from quizprep.core import objectives as obj

    a, pos, neg = RNG.normal(0, 1, (3, 6, 4))
    loss, grads = obj.triplet_margin(a, pos, neg, margin=margin, p=p)
    t_loss, t_grads = torch_grads(
        lambda x, y, z: F.triplet_margin_loss(x, y, z, margin=margin, p=p), a, pos, neg
    )
    assert loss == pytest.approx(t_loss, rel=1e-12)
    for ours, theirs in zip(grads, t_grads, strict=True):
        close(ours, theirs)


@pytest.mark.parametrize(("log_input", "full"), [(True, False), (True, True), (False, False)])
def test_poisson_nll(log_input: bool, full: bool) -> None:
    from quizprep.core import objectives as obj

    x = X / 10 if log_input else np.abs(X / 10)
    t = np.abs(np.round(T * 3))
    ours = obj.poisson_nll(x, t, log_input=log_input, full=full)
    theirs = torch_loss(F.poisson_nll_loss, x, torch.tensor(t), log_input=log_input, full=full)
    same(ours, theirs)


@pytest.mark.parametrize("full", [False, True])
def test_gaussian_nll(full: bool) -> None:
    from quizprep.core import objectives as obj

    var = np.abs(T) + 0.1
    var[0, 0] = 1e-9  # below eps: clamped, and torch's gradient still flows
    loss, grad, grad_var = obj.gaussian_nll(X / 100, T, var, full=full)
    t_loss, (t_grad, t_var) = torch_grads(
        lambda x, v: F.gaussian_nll_loss(x, torch.tensor(T), v, full=full), X / 100, var
    )
    assert loss == pytest.approx(t_loss, rel=1e-12)
    close(grad, t_grad)
    close(grad_var, t_var)


@pytest.mark.parametrize("temperature", [1.0, 2.0, 4.0])
def test_distill_kl_is_hintons_torch_expression(temperature: float) -> None:
    from quizprep.core import objectives as obj

    teacher = RNG.normal(0, 3, X.shape)

    def kd(s):
        log_ps = F.log_softmax(s / temperature, dim=1)
        p_t = F.softmax(torch.tensor(teacher) / temperature, dim=1)
        return temperature**2 * F.kl_div(log_ps, p_t, reduction="batchmean")

    same(obj.distill_kl(X / 10, teacher, temperature=temperature), torch_loss(kd, X / 10))


@pytest.mark.parametrize("tau", [0.07, 0.5])
def test_info_nce_is_cross_entropy_on_scaled_similarities(tau: float) -> None:
    from quizprep.core import objectives as obj

    u = RNG.normal(size=(5, 8))
    v = u + RNG.normal(0, 0.5, (5, 8))
    u /= np.linalg.norm(u, axis=1, keepdims=True)
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    s = u @ v.T
    ours = obj.info_nce(s, temperature=tau)
    theirs = torch_loss(lambda x: F.cross_entropy(x / tau, torch.arange(5)), s)
    # torch forms p - 1 for a confident positive (1e-16 absolute); ours is expm1's, checked
    # digit by digit against decimal in test_core_objectives
    same(ours, theirs, floor=1e-14)
    # through the embeddings: ∂L/∂U = G·V, ∂L/∂V = Gᵀ·U, as the docstring says
    _, (gu, gv) = torch_grads(lambda a, b: F.cross_entropy(a @ b.T / tau, torch.arange(5)), u, v)
    # (a matrix product each side, summed in different orders: agreement to rounding)
    np.testing.assert_allclose(ours[1] @ v, gu, rtol=1e-9, atol=1e-15)
    np.testing.assert_allclose(ours[1].T @ u, gv, rtol=1e-9, atol=1e-15)


def test_dice_and_pinball_against_torch_expressions() -> None:
    from quizprep.core import objectives as obj

    p = np.clip(np.abs(np.tanh(X)), 0, 1)
    t = BITS

    def dice(x):
        inter = (x * torch.tensor(t)).sum(1)
        union = x.sum(1) + torch.tensor(t).sum(1) + 1.0
        return (1 - (2 * inter + 1.0) / union).mean()

    same(obj.dice(p, t), torch_loss(dice, p))

    def pinball(x, q=0.8):
        u = torch.tensor(T) - x
        return torch.maximum(q * u, (q - 1) * u).mean()

    same(obj.pinball(X, T, q=0.8), torch_loss(pinball, X))


NEW_ACTS = [
    ("softplus", F.softplus, {}, {}),
    ("softplus", F.softplus, {"beta": 2.0, "threshold": 5.0}, {"beta": 2.0, "threshold": 5.0}),
    ("selu", F.selu, {}, {}),
    ("mish", F.mish, {}, {}),
]


@pytest.mark.parametrize(("name", "fn", "ours_kw", "torch_kw"), NEW_ACTS)
def test_new_activations(name: str, fn, ours_kw: dict, torch_kw: dict) -> None:
    x = np.concatenate([np.linspace(-30, 30, 61), [0.0, -0.0, 1e-9, -1e-9, 2.4999, 2.5001]])
    inp = torch.tensor(x, requires_grad=True)
    out = fn(inp, **torch_kw)
    out.sum().backward()
    y, dy = getattr(act, name)(x, **ours_kw)
    close(y, out.detach().numpy())
    close(dy, inp.grad.numpy())


def test_swiglu_against_silu_times_value() -> None:
    a, b = X, T
    y, da, db = act.swiglu(a, b)
    ta = torch.tensor(a, requires_grad=True)
    tb = torch.tensor(b, requires_grad=True)
    out = F.silu(ta) * tb
    out.sum().backward()
    close(y, out.detach().numpy())
    close(da, ta.grad.numpy())
    close(db, tb.grad.numpy())


def test_kl_div_log_zero_where_torch_gives_nan() -> None:
    x = np.array([[-np.inf, -0.1]])
    t = np.array([[0.0, 1.0]])
    loss, grad = losses.kl_div(x, t)
    inp = torch.tensor(x, requires_grad=True)
    t_loss = F.kl_div(inp, torch.tensor(t), reduction="batchmean")
    t_loss.backward()
    assert math.isnan(t_loss.item())  # what the output's note says
    assert loss == pytest.approx(0.1, rel=1e-15)
    assert grad.tolist() == inp.grad.numpy().tolist() == [[0.0, -1.0]]


def test_new_functions_in_float32_agree_with_torch_float32() -> None:
    from quizprep.core import objectives as obj

    x = np.clip(X / 10, -10, 10).astype(np.float32)  # exp(x) must fit float32
    t = np.abs(np.round(T * 3)).astype(np.float32)
    ours = obj.poisson_nll(x, t)
    assert ours[1].dtype == np.float32
    same(ours, torch_loss(F.poisson_nll_loss, x, torch.tensor(t)), rtol=1e-5, floor=1e-6)
    y, dy = act.mish(x)
    assert y.dtype == dy.dtype == np.float32
    ty = F.mish(torch.tensor(x))
    np.testing.assert_allclose(y, ty.numpy(), rtol=1e-5, atol=1e-6)
