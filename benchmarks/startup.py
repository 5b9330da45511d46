"""Start-up time of the commands a person runs most, as ratios to ``import rich.console``.

Runs each command and the baseline alternately, many times, and prints the median of
each and its ratio to the baseline median measured in the same loop. Target: ≤ 2.0.
``quizprep math NAME`` needs NumPy, so it is measured against ``import numpy, rich.console``
(also in the same loop); its target is ≤ 1.5.

    python benchmarks/startup.py [--runs 30] [--drill] [--cpu]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

BASELINE = ("import rich.console", [sys.executable, "-c", "import rich.console"])
NUMPY_BASELINE = (
    "import numpy, rich.console",
    [sys.executable, "-c", "import numpy, rich.console"],
)


def commands() -> list[tuple[str, list[str]]]:
    exe = shutil.which("quizprep")
    base = [exe] if exe else [sys.executable, "-m", "quizprep"]
    from pathlib import Path

    losses = Path(__file__).resolve().parent.parent / "content" / "losses.yaml"
    cmds = [
        ("quizprep explain focal", [*base, "explain", "focal"]),
        ("quizprep list", [*base, "list"]),
        ("quizprep stats", [*base, "stats"]),
        ("quizprep deck validate (built-in)", [*base, "deck", "validate", str(losses)]),
        ("quizprep --help", [*base, "--help"]),
        ("quizprep math focal", [*base, "math", "focal"]),
    ]
    if "--drill" in sys.argv:  # the first drill card, answered by a quit from stdin
        cmds.append(("quizprep drill (first card)", [*base, "drill", "--cram", "--limit", "1"]))
    return cmds


CPU = "--cpu" in sys.argv  # child CPU time (user + system) instead of wall time


def time_once(argv: list[str], env: dict[str, str], stdin: bytes = b"") -> float:
    if CPU:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(
        argv,
        input=stdin,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
        check=False,
    )
    if CPU:
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--drill", action="store_true", help="also time the first drill card")
    parser.add_argument(
        "--cpu",
        action="store_true",
        help="time each run's CPU (user + system) instead of wall time: steadier on a busy machine",
    )
    args = parser.parse_args()
    home = tempfile.mkdtemp(prefix="quizprep-bench-")
    env = {**os.environ, "QUIZPREP_HOME": home, "COLUMNS": "80"}
    # As installed for a user: bytecode is cached. (This machine sets PYTHONDONTWRITEBYTECODE,
    # which would make every run recompile quizprep's modules but not rich's or typer's,
    # whose .pyc files pip wrote at install time.)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    cmds = [BASELINE, NUMPY_BASELINE, *commands()]
    samples: dict[str, list[float]] = {name: [] for name, _ in cmds}
    for _, argv in cmds:  # warm-up: page cache, deck cache
        time_once(argv, env, b"q\n")
    for _ in range(args.runs):
        for name, argv in cmds:
            samples[name].append(time_once(argv, env, b"q\n"))
    base = statistics.median(samples[BASELINE[0]])
    numpy_base = statistics.median(samples[NUMPY_BASELINE[0]])
    print(f"{'command':32} {'median ms':>10} {'ratio':>7}  against")
    for name, values in samples.items():
        median = statistics.median(values)
        if name.startswith("quizprep math"):
            ratio, against, target = median / numpy_base, NUMPY_BASELINE[0], 1.5
        else:
            ratio, against, target = median / base, BASELINE[0], 2.0
        flag = "  (over target)" if name.startswith("quizprep") and ratio > target else ""
        print(f"{name:32} {median * 1000:10.1f} {ratio:7.2f}  {against}{flag}")
    shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
