"""Forward + backward speed of the math core, against single-thread PyTorch when importable.

    python benchmarks/core.py [--repeat 5]

Times ``mse`` and ``bce_with_logits`` on 4M elements and ``cross_entropy`` on 65536 × 64
logits, in float32 and float64, best of ``--repeat`` runs. With torch installed it times
torch (``torch.set_num_threads(1)``) forward + backward on the same arrays in the same run and
prints our/torch ratios; the target is ≤ 1.5 for each.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

import numpy as np
from timing import best_of  # benchmarks/ is on sys.path when run as a script

from quizprep.core import losses

ELEMENTS = 4 * 1024 * 1024
ROWS, CLASSES = 65536, 64


def make_cases(dtype: type) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    rng = np.random.default_rng(0)
    x = rng.standard_normal(ELEMENTS).astype(dtype)
    t = rng.standard_normal(ELEMENTS).astype(dtype)
    bits = rng.integers(0, 2, ELEMENTS).astype(dtype)
    logits = (3 * rng.standard_normal((ROWS, CLASSES))).astype(dtype)
    classes = rng.integers(0, CLASSES, ROWS)
    return {"mse": (x, t), "bce_with_logits": (x, bits), "cross_entropy": (logits, classes)}


def ours(name: str, x: np.ndarray, t: np.ndarray) -> Callable[[], object]:
    fn = getattr(losses, name)
    return lambda: fn(x, t)


def theirs(name: str, x: np.ndarray, t: np.ndarray) -> Callable[[], object] | None:
    try:
        import torch
        import torch.nn.functional as F
    except ImportError:
        return None
    torch.set_num_threads(1)
    target = torch.from_numpy(t)
    loss_fn = {
        "mse": F.mse_loss,
        "bce_with_logits": F.binary_cross_entropy_with_logits,
        "cross_entropy": F.cross_entropy,
    }[name]

    def run() -> object:
        inp = torch.from_numpy(x).requires_grad_(True)
        loss = loss_fn(inp, target)
        loss.backward()
        return loss.detach().item(), inp.grad

    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print(f"{'case':<32}{'ours ms':>10}{'torch ms':>10}{'ratio':>8}")
    for dtype in (np.float32, np.float64):
        for name, (x, t) in make_cases(dtype).items():
            ours_s = best_of(ours(name, x, t), args.repeat)
            torch_fn = theirs(name, x, t)
            label = f"{name} {np.dtype(dtype).name} {'x'.join(map(str, x.shape))}"
            if torch_fn is None:
                print(f"{label:<32}{ours_s * 1e3:>10.1f}{'-':>10}{'-':>8}")
                continue
            torch_s = best_of(torch_fn, args.repeat)
            ratio = ours_s / torch_s
            flag = "" if ratio <= 1.5 else "  (over 1.5)"
            print(f"{label:<32}{ours_s * 1e3:>10.1f}{torch_s * 1e3:>10.1f}{ratio:>8.2f}{flag}")


if __name__ == "__main__":
    main()
