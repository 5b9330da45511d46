"""Start-up time of the commands a person runs most, as ratios to ``import rich.console``.

Runs each command and the baseline alternately, many times, and prints the median of
each and its ratio to the baseline median measured in the same loop. Target: ≤ 2.0.

    python benchmarks/startup.py [--runs 30]
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

BASELINE = ("import rich.console", [sys.executable, "-c", "import rich.console"])


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
    ]
    if "--drill" in sys.argv:  # the first drill card, answered by a quit from stdin
        cmds.append(("quizprep drill (first card)", [*base, "drill", "--cram", "--limit", "1"]))
    return cmds


def time_once(argv: list[str], env: dict[str, str], stdin: bytes = b"") -> float:
    start = time.perf_counter()
    subprocess.run(
        argv,
        input=stdin,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
        check=False,
    )
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--drill", action="store_true", help="also time the first drill card")
    args = parser.parse_args()
    home = tempfile.mkdtemp(prefix="quizprep-bench-")
    env = {**os.environ, "QUIZPREP_HOME": home, "COLUMNS": "80"}
    # As installed for a user: bytecode is cached. (This machine sets PYTHONDONTWRITEBYTECODE,
    # which would make every run recompile quizprep's modules but not rich's or typer's,
    # whose .pyc files pip wrote at install time.)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    cmds = commands()
    samples: dict[str, list[float]] = {name: [] for name, _ in [BASELINE, *cmds]}
    for _, argv in [BASELINE, *cmds]:  # warm-up: page cache, deck cache
        time_once(argv, env, b"q\n")
    for _ in range(args.runs):
        for name, argv in [BASELINE, *cmds]:
            samples[name].append(time_once(argv, env, b"q\n"))
    base = statistics.median(samples[BASELINE[0]])
    print(f"{'command':32} {'median ms':>10} {'ratio':>7}")
    for name, values in samples.items():
        median = statistics.median(values)
        print(f"{name:32} {median * 1000:10.1f} {median / base:7.2f}")
    shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
