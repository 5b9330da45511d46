"""Every expected value of every exercise case, recomputed with PyTorch's own functions and
autograd (skipped where PyTorch is not installed). float64 throughout; float32 cases are
compared at float32 precision."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from quizprep.core.exercises import EXERCISE_NAMES
from quizprep.core.exercises.cases import cases_for
from quizprep.core.exercises.grader import Case

torch = pytest.importorskip("torch")
F = torch.nn.functional


def leaf(a: np.ndarray) -> Any:
    return torch.tensor(np.asarray(a, dtype=np.float64), requires_grad=True)


def loss_and_grads(fn: Callable[..., Any], *arrays: np.ndarray) -> tuple[Any, ...]:
    leaves = [leaf(a) for a in arrays]
    out = fn(*leaves)
    out.backward()
    return (out.item(), *(t.grad.numpy() for t in leaves))


def focal(x: Any, t: Any, alpha: float, gamma: float) -> Any:
    # torchvision.ops.sigmoid_focal_loss, written out (torchvision is not a test dependency)
    p = torch.sigmoid(x)
    ce = F.binary_cross_entropy_with_logits(x, t, reduction="none")
    p_t = p * t + (1 - p) * (1 - t)
    loss = ce * (1 - p_t) ** gamma
    if alpha >= 0:
        loss = (alpha * t + (1 - alpha) * (1 - t)) * loss
    return loss.mean()


def torch_outputs(name: str, case: Case) -> tuple[Any, ...]:
    a = case.args
    kw = case.kwargs or {}
    if case.function == "softmax":
        return (F.softmax(torch.tensor(a[0], dtype=torch.float64), dim=-1).numpy(),)
    if case.function == "log_softmax":
        return (F.log_softmax(torch.tensor(a[0], dtype=torch.float64), dim=-1).numpy(),)
    if case.function == "cross_entropy":
        y = torch.tensor(a[1], dtype=torch.long)
        w = kw.get("weight")
        weight = None if w is None else torch.tensor(w, dtype=torch.float64)
        eps = kw.get("label_smoothing", 0.0)
        return loss_and_grads(
            lambda x: F.cross_entropy(x, y, weight=weight, label_smoothing=eps), a[0]
        )
    if case.function == "bce_with_logits":
        t = torch.tensor(a[1], dtype=torch.float64)
        return loss_and_grads(lambda x: F.binary_cross_entropy_with_logits(x, t), a[0])
    if case.function == "sigmoid_focal_loss":
        t = torch.tensor(a[1], dtype=torch.float64)
        return loss_and_grads(lambda x: focal(x, t, kw["alpha"], kw["gamma"]), a[0])
    if case.function == "huber":
        t = torch.tensor(a[1], dtype=torch.float64)
        return loss_and_grads(lambda x: F.huber_loss(x, t, delta=kw["delta"]), a[0])
    if case.function == "kl_div":
        p = torch.tensor(a[1], dtype=torch.float64)
        return loss_and_grads(lambda x: F.kl_div(x, p, reduction="batchmean"), a[0])
    if case.function == "softmax_backward":
        x = leaf(a[0])
        (F.softmax(x, dim=-1) * torch.tensor(a[1], dtype=torch.float64)).sum().backward()
        return (x.grad.numpy(),)
    if case.function == "gelu":
        x = leaf(a[0])
        y = F.gelu(x, approximate="tanh")
        y.sum().backward()
        return y.detach().numpy(), x.grad.numpy()
    if case.function == "mlp_backward":
        leaves = [leaf(v) for v in a[:5]]
        x, w1, b1, w2, b2 = leaves
        y = F.relu(x @ w1 + b1) @ w2 + b2
        (y * torch.tensor(a[5], dtype=torch.float64)).sum().backward()
        return tuple(t.grad.numpy() for t in leaves)
    if case.function == "info_nce":
        n = a[0].shape[0]
        tau = kw["temperature"]
        return loss_and_grads(
            lambda q, k: F.cross_entropy(q @ k.T / tau, torch.arange(n)), a[0], a[1]
        )
    if case.function == "triplet_margin":
        return loss_and_grads(
            lambda x, p, n: F.triplet_margin_loss(x, p, n, margin=kw["margin"]), *a
        )
    raise AssertionError(f"no torch counterpart for {case.function}")


@pytest.mark.parametrize("name", EXERCISE_NAMES)
def test_every_expected_value_agrees_with_pytorch(name: str) -> None:
    for case in cases_for(name):
        is32 = any(isinstance(v, np.ndarray) and v.dtype == np.float32 for v in case.args)
        rtol, atol = (1e-4, 1e-6) if is32 else (1e-7, 1e-12)
        got = torch_outputs(name, case)
        assert len(got) == len(case.want), case.name
        for label, ours, theirs in zip(case.labels, case.want, got, strict=True):
            assert np.allclose(np.asarray(ours, dtype=np.float64), theirs, rtol=rtol, atol=atol), (
                name,
                case.name,
                label,
                ours,
                theirs,
            )
