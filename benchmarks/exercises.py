"""How long a check takes, as ratios to the floor it cannot beat.

``quizprep code check FILE`` starts a sandboxed Python that imports NumPy, so its floor is
``python -c "import numpy"``; ``quizprep code derive`` parses and evaluates in-process, so its
floor is the same NumPy import. Commands and baseline run alternately; medians and ratios are
printed. Targets: check ≤ 4.0 (two interpreters, the cases, the report), derive ≤ 3.0.

    python benchmarks/exercises.py [--runs 15]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOLUTION = ROOT / "tests" / "solutions" / "log_softmax_nll__good.py"


def time_once(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
                   check=False)  # fmt: skip
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    exe = shutil.which("quizprep")
    base = [exe] if exe else [sys.executable, "-m", "quizprep"]
    runs = {
        'python -c "import numpy" (baseline)': [sys.executable, "-c", "import numpy"],
        "quizprep code check (14 cases)": [*base, "code", "check", str(SOLUTION)],
        "quizprep code derive softmax-jvp": [
            *base, "code", "derive", "softmax-jvp", "softmax(z) * (v - sum(softmax(z) * v))",
        ],
    }  # fmt: skip
    times: dict[str, list[float]] = {name: [] for name in runs}
    with tempfile.TemporaryDirectory() as home:
        env = dict(os.environ, QUIZPREP_HOME=home)
        for argv in runs.values():  # warm-up: caches, the database, the page cache
            time_once(argv, env)
        for _ in range(args.runs):
            for name, argv in runs.items():
                times[name].append(time_once(argv, env))
    medians = {name: statistics.median(t) for name, t in times.items()}
    floor = next(iter(medians.values()))
    for name, median in medians.items():
        print(f"{name:40s} {median * 1000:7.1f} ms   ratio {median / floor:4.2f}")


if __name__ == "__main__":
    main()
