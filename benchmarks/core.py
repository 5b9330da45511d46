"""Forward + backward speed of every function of the math core, against single-thread PyTorch
when importable, and against the memory-bandwidth floor.

    python benchmarks/core.py [--repeat 5] [--only huber,softmax] [--dtype float32]

Each function runs on 4M elements (4096 × 1024 for row-wise ones, 2048 × 2048 similarities for
info_nce), in float32 and float64: the best CPU time of ``--repeat`` runs, taken in turn with
the others (see ``interleaved``). "floor" is a plain NumPy copy of the
same input (``np.copyto``) timed in the same run: no function can read its input and write
a gradient faster, so ``ours / floor`` says how far each is from the memory-bandwidth floor.
With torch installed, torch (``torch.set_num_threads(1)``) runs forward + backward on the same
arrays (activations with an upstream gradient of ones, which is what our derivative is), and
``ours / torch`` is printed; the target is ≤ 1.5 for huber and softmax with its J·v.
"""

from __future__ import annotations

import argparse
import math
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from quizprep.core import activations as act
from quizprep.core import losses
from quizprep.core import objectives as obj

ELEMENTS = 4 * 1024 * 1024
ROWS, CLASSES = 4096, 1024
TARGETS = ("huber", "softmax")  # the functions with a ≤ 1.5 target (issue 15)


def arrays(dtype: type) -> dict[str, Any]:
    rng = np.random.default_rng(0)
    n = ELEMENTS

    def draw(*shape: int, scale: float = 1.0) -> np.ndarray:
        return (scale * rng.standard_normal(shape)).astype(dtype)

    return {
        "x": draw(n),
        "t": draw(n),
        "bits": rng.integers(0, 2, n).astype(dtype),
        "probs": rng.uniform(0.01, 0.99, n).astype(dtype),
        "logits": draw(ROWS, CLASSES, scale=3.0),
        "v": draw(ROWS, CLASSES),
        "classes": rng.integers(0, CLASSES, ROWS),
        "logq": np.log(rng.dirichlet(np.ones(CLASSES), ROWS)).astype(dtype),
        "dist": rng.dirichlet(np.ones(CLASSES), ROWS).astype(dtype),
        "sims": np.tanh(draw(2048, 2048)),
        "emb": [draw(n // 16, 16) for _ in range(3)],
        "var": rng.uniform(0.1, 2.0, n).astype(dtype),
        "counts": rng.poisson(2.0, n).astype(dtype),
    }


def ours(a: dict[str, Any]) -> dict[str, Callable[[], object]]:
    x, t = a["x"], a["t"]
    return {
        "mse": lambda: losses.mse(x, t),
        "mae": lambda: losses.mae(x, t),
        "huber": lambda: losses.huber(x, t),
        "bce": lambda: losses.bce(a["probs"], a["bits"]),
        "bce_with_logits": lambda: losses.bce_with_logits(x, a["bits"]),
        "cross_entropy": lambda: losses.cross_entropy(a["logits"], a["classes"]),
        "hinge": lambda: losses.hinge(x, 2 * a["bits"] - 1),
        "multi_margin": lambda: losses.multi_margin(a["logits"], a["classes"]),
        "focal": lambda: losses.focal(x, a["bits"]),
        "softmax_focal": lambda: losses.softmax_focal(a["logits"], a["classes"]),
        "kl_div": lambda: losses.kl_div(a["logq"], a["dist"]),
        "l2": lambda: losses.l2(x, 0.1),
        "info_nce": lambda: obj.info_nce(a["sims"], temperature=0.07),
        "triplet_margin": lambda: obj.triplet_margin(*a["emb"]),
        "dice": lambda: obj.dice(a["probs"].reshape(ROWS, -1), a["bits"].reshape(ROWS, -1)),
        "pinball": lambda: obj.pinball(x, t, q=0.9),
        "poisson_nll": lambda: obj.poisson_nll(x, a["counts"]),
        "gaussian_nll": lambda: obj.gaussian_nll(x, t, a["var"]),
        "distill_kl": lambda: obj.distill_kl(a["logits"], a["v"], temperature=2.0),
        "relu": lambda: act.relu(x),
        "leaky_relu": lambda: act.leaky_relu(x),
        "sigmoid": lambda: act.sigmoid(x),
        "tanh": lambda: act.tanh(x),
        "gelu": lambda: act.gelu(x),
        "gelu tanh": lambda: act.gelu(x, approximate="tanh"),
        "silu": lambda: act.silu(x),
        "elu": lambda: act.elu(x),
        "prelu": lambda: act.prelu(x),
        "softplus": lambda: act.softplus(x),
        "selu": lambda: act.selu(x),
        "mish": lambda: act.mish(x),
        "swiglu": lambda: act.swiglu(x, t),
        "softmax": lambda: act.softmax(a["logits"], v=a["v"]),
    }


def theirs(a: dict[str, Any]) -> dict[str, Callable[[], object]]:
    try:
        import torch
        import torch.nn.functional as F
    except ImportError:
        return {}
    torch.set_num_threads(1)
    tt = {k: (torch.from_numpy(v) if isinstance(v, np.ndarray) else v) for k, v in a.items()}
    tt["emb"] = [torch.from_numpy(e) for e in a["emb"]]

    def loss(fn: Callable[..., Any], key: str, *rest: Any) -> Callable[[], object]:
        def run() -> object:
            inp = torch.from_numpy(a[key]).requires_grad_(True)
            fn(inp, *rest).backward()
            return inp.grad

        return run

    def unary(fn: Callable[..., Any], key: str = "x", upstream: str | None = None):
        def run() -> object:
            inp = torch.from_numpy(a[key]).requires_grad_(True)
            out = fn(inp)
            out.backward(torch.ones_like(out) if upstream is None else tt[upstream])
            return inp.grad

        return run

    def focal(x: Any, y: Any) -> Any:  # torchvision's sigmoid_focal_loss, mean
        p = torch.sigmoid(x)
        ce = F.binary_cross_entropy_with_logits(x, y, reduction="none")
        p_t = p * y + (1 - p) * (1 - y)
        return (ce * (1 - p_t) ** 2 * (0.25 * y + 0.75 * (1 - y))).mean()

    def softmax_focal(x: Any, y: Any) -> Any:
        lp = F.log_softmax(x, dim=1).gather(1, y[:, None])[:, 0]
        return (-((1 - lp.exp()) ** 2) * lp).mean()

    def triplet() -> object:
        e = [torch.from_numpy(v).requires_grad_(True) for v in a["emb"]]
        F.triplet_margin_loss(*e).backward()
        return e[0].grad

    def dice(p: Any) -> Any:
        p2, b2 = p.reshape(ROWS, -1), tt["bits"].reshape(ROWS, -1)
        return (1 - (2 * (p2 * b2).sum(1) + 1) / (p2.sum(1) + b2.sum(1) + 1)).mean()

    def pinball(x: Any) -> Any:
        u = tt["t"] - x
        return torch.maximum(0.9 * u, -0.1 * u).mean()

    def distill(s: Any) -> Any:
        p_t = F.softmax(tt["v"] / 2, dim=1)
        return 4 * F.kl_div(F.log_softmax(s / 2, dim=1), p_t, reduction="batchmean")

    def gaussian() -> object:
        x = torch.from_numpy(a["x"]).requires_grad_(True)
        v = torch.from_numpy(a["var"]).requires_grad_(True)
        F.gaussian_nll_loss(x, tt["t"], v).backward()
        return x.grad, v.grad

    return {
        "mse": loss(F.mse_loss, "x", tt["t"]),
        "mae": loss(F.l1_loss, "x", tt["t"]),
        "huber": loss(F.huber_loss, "x", tt["t"]),
        "bce": loss(F.binary_cross_entropy, "probs", tt["bits"]),
        "bce_with_logits": loss(F.binary_cross_entropy_with_logits, "x", tt["bits"]),
        "cross_entropy": loss(F.cross_entropy, "logits", tt["classes"]),
        "hinge": loss(lambda x: torch.clamp(1 - (2 * tt["bits"] - 1) * x, min=0).mean(), "x"),
        "multi_margin": loss(F.multi_margin_loss, "logits", tt["classes"]),
        "focal": loss(focal, "x", tt["bits"]),
        "softmax_focal": loss(softmax_focal, "logits", tt["classes"]),
        "kl_div": loss(lambda q: F.kl_div(q, tt["dist"], reduction="batchmean"), "logq"),
        "l2": loss(lambda w: 0.05 * (w * w).sum(), "x"),
        "info_nce": loss(lambda s: F.cross_entropy(s / 0.07, torch.arange(2048)), "sims"),
        "triplet_margin": triplet,
        "dice": loss(dice, "probs"),
        "pinball": loss(pinball, "x"),
        "poisson_nll": loss(F.poisson_nll_loss, "x", tt["counts"]),
        "gaussian_nll": gaussian,
        "distill_kl": loss(distill, "logits"),
        "relu": unary(F.relu),
        "leaky_relu": unary(F.leaky_relu),
        "sigmoid": unary(torch.sigmoid),
        "tanh": unary(torch.tanh),
        "gelu": unary(F.gelu),
        "gelu tanh": unary(lambda x: F.gelu(x, approximate="tanh")),
        "silu": unary(F.silu),
        "elu": unary(F.elu),
        "prelu": unary(lambda x: F.prelu(x, torch.tensor([0.25], dtype=x.dtype))),
        "softplus": unary(F.softplus),
        "selu": unary(F.selu),
        "mish": unary(F.mish),
        "swiglu": unary(lambda x: F.silu(x) * tt["t"]),
        "softmax": unary(lambda x: torch.softmax(x, dim=1), "logits", upstream="v"),
    }


def floor_of(a: dict[str, Any], name: str) -> Callable[[], object]:
    """A plain copy of the function's main input: the memory-bandwidth floor."""
    key = {
        "bce": "probs",
        "cross_entropy": "logits",
        "multi_margin": "logits",
        "softmax_focal": "logits",
        "kl_div": "logq",
        "info_nce": "sims",
        "distill_kl": "logits",
        "softmax": "logits",
        "dice": "probs",
    }.get(name, "x")
    src = a[key] if name != "triplet_margin" else a["emb"][0]
    dst = np.empty_like(src)
    return lambda: np.copyto(dst, src)


def interleaved(fns: list[Callable[[], object]], repeat: int) -> list[float]:
    """Best CPU time of each function, run in turn ``repeat`` times after a warm-up.

    CPU time of the whole process (every thread, user and kernel: page faults count), not
    wall time: on a shared machine other processes' load would otherwise decide the ratio.
    Both sides run on one thread, so for an idle machine the two clocks agree.
    """
    for fn in fns:
        fn()
    best = [math.inf] * len(fns)
    for _ in range(repeat):
        for i, fn in enumerate(fns):
            start = time.process_time()
            fn()
            best[i] = min(best[i], time.process_time() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--only", default="", help="comma-separated function names")
    parser.add_argument("--dtype", choices=("float32", "float64", "both"), default="both")
    args = parser.parse_args()
    only = {n.strip() for n in args.only.split(",") if n.strip()}
    dtypes = (np.float32, np.float64) if args.dtype == "both" else (np.dtype(args.dtype).type,)
    print(f"{'case':<24}{'ours ms':>9}{'torch ms':>10}{'/torch':>8}{'floor ms':>10}{'/floor':>8}")
    for dtype in dtypes:
        a = arrays(dtype)
        mine, other = ours(a), theirs(a)
        for name, fn in mine.items():
            if only and name not in only:
                continue
            contenders = [fn, floor_of(a, name)] + ([other[name]] if name in other else [])
            ours_s, floor_s, *rest = interleaved(contenders, args.repeat)
            label = f"{name} {np.dtype(dtype).name}"
            if rest:
                torch_s = rest[0]
                ratio = f"{ours_s / torch_s:8.2f}"
                torch_ms = f"{torch_s * 1e3:10.1f}"
                flag = "  (over 1.5)" if name in TARGETS and ours_s / torch_s > 1.5 else ""
            else:
                ratio, torch_ms, flag = f"{'-':>8}", f"{'-':>10}", ""
            print(
                f"{label:<24}{ours_s * 1e3:9.1f}{torch_ms}{ratio}"
                f"{floor_s * 1e3:10.2f}{ours_s / floor_s:8.1f}{flag}"
            )


if __name__ == "__main__":
    main()
