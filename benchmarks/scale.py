"""How quizprep scales with a user's big deck: 10,000 and 50,000 cards against the built-ins.

    python benchmarks/scale.py [--sizes 10000 50000] [--runs 7]

Generates valid decks (files of 1,000 cards, about 1.1 kB each, like an Anki import) into a
temporary decks folder, then times each command as a user runs it (a new process) in that
data folder and in one with only the built-in decks, alternately, and prints medians, the
ratio and the target:

* warm (index built): ``explain focal``, ``explain 'saturating gradient'``, the first drill
  card, ``stats``: ≤ 1.5× builtin at 10k, ≤ 2× at 50k;
* ``list``: its first screen (the first 50 lines on a pipe) ≤ 1.5× builtin;
* cold (first run after every file changed): ≤ 1.3× libyaml's own ``CSafeLoader`` load of
  the same files (in a process of its own: ``python -c "yaml.load(...)"``);
* one file changed: only that file is parsed again (printed as a time, no target);
* ``deck validate`` of a 1,000-card file set (10 files, 10,000 cards) ≤ 1.5× libyaml's load.

The 50k size runs fewer repetitions (``--runs-50k``) so the whole run takes a few minutes on
a 2-core machine.
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

CARDS_PER_FILE = 1000
TOPICS = [f"Topic {i:02d}" for i in range(40)]
WORDS = (
    "gradient loss softmax logits entropy margin bias variance kernel batch layer weight "
    "decay momentum optimizer schedule warmup dropout residual attention token embedding "
    "normalisation convex saddle curvature hessian jacobian sigmoid tanh relu stable "
    "overflow underflow precision recall calibration threshold sample estimate expectation"
).split()


def generate(folder: Path, cards: int, seed: int = 0) -> list[Path]:
    """Valid deck files holding ``cards`` cards, ``CARDS_PER_FILE`` to a file."""
    import random

    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for f in range(-(-cards // CARDS_PER_FILE)):
        n = min(CARDS_PER_FILE, cards - f * CARDS_PER_FILE)
        lines = [
            f"deck: gen-{f:03d}",
            f"title: Generated deck {f}",
            "version: 1",
            "cards:",
        ]
        for i in range(n):
            text = " ".join(rng.choice(WORDS) for _ in range(90))
            question = " ".join(rng.choice(WORDS) for _ in range(12))
            lines += [
                f"  - id: c{f:03d}-{i:04d}",
                f"    topic: {rng.choice(TOPICS)}",
                f"    difficulty: {rng.choice(('easy', 'medium', 'hard'))}",
                f"    question: Why does {question}?",
                f"    tags: [{rng.choice(WORDS)}, {rng.choice(WORDS)}]",
                "    answer: |",
                f"      {text[:300]}",
                f"      {text[300:]}",
                "    key_points:",
                f"      - {' '.join(rng.choice(WORDS) for _ in range(6))}",
                f"      - text: {' '.join(rng.choice(WORDS) for _ in range(5))}",
                f"        accept: [{rng.choice(WORDS)} {rng.choice(WORDS)}]",
            ]
        path = folder / f"gen-{f:03d}.yaml"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


def run(argv: list[str], home: Path, stdin: bytes = b"", head: int | None = None) -> float:
    """Seconds until the command exits (or, with ``head``, until it wrote ``head`` lines)."""
    env = {**os.environ, "QUIZPREP_HOME": str(home), "COLUMNS": "100", "NO_COLOR": "1"}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    start = time.perf_counter()
    if head is None:
        subprocess.run(argv, input=stdin, env=env, check=False,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
        return time.perf_counter() - start
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    assert proc.stdout is not None
    for _ in range(head):
        if not proc.stdout.readline():
            break
    elapsed = time.perf_counter() - start
    proc.stdout.close()  # as a pager that quit would
    proc.wait()
    return elapsed


def libyaml_load(paths: list[Path]) -> float:
    """libyaml's own CSafeLoader load of ``paths`` in a fresh process (the floor)."""
    code = (
        "import sys, yaml\n"
        "for p in sys.argv[1:]:\n"
        "    yaml.load(open(p, encoding='utf-8').read(), Loader=yaml.CSafeLoader)\n"
    )
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code, *map(str, paths)], check=True)
    return time.perf_counter() - start


def median_pair(a: list[str], b: list[str], big: Path, small: Path, runs: int, **kw) -> tuple:
    """Medians of ``a`` in ``big`` and ``b`` in ``small``, run alternately."""
    big_t, small_t = [], []
    run(a, big, **kw)  # warm-up: page cache, progress database
    run(b, small, **kw)
    for _ in range(runs):
        big_t.append(run(a, big, **kw))
        small_t.append(run(b, small, **kw))
    return statistics.median(big_t), statistics.median(small_t)


def report(name: str, value: float, base: float, target: float) -> bool:
    ratio = value / base
    ok = ratio <= target
    print(f"  {name:34} {value * 1000:9.0f} ms {base * 1000:9.0f} ms {ratio:6.2f}  "
          f"≤ {target:<4} {'met' if ok else 'MISSED'}")  # fmt: skip
    return ok


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 50_000])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--runs-50k", type=int, default=3)
    args = parser.parse_args()
    exe = shutil.which("quizprep") or ""
    base = [exe] if exe else [sys.executable, "-m", "quizprep"]
    root = Path(tempfile.mkdtemp(prefix="quizprep-scale-"))
    builtin = root / "builtin"
    builtin.mkdir()
    run([*base, "list"], builtin)  # index the built-ins
    all_ok = True
    try:
        for size in args.sizes:
            runs = args.runs if size <= 10_000 else args.runs_50k
            home = root / f"home-{size}"
            paths = generate(home / "decks", size)
            mb = sum(p.stat().st_size for p in paths) / 1e6
            print(f"\n{size:,} cards in {len(paths)} files ({mb:.1f} MB); medians of {runs}")
            print(f"  {'':34} {'big':>12} {'builtin':>12} {'ratio':>6}  target")
            # Cold: every file changed since the index was built.
            colds, floors = [], []
            for _ in range(max(1, runs // 2)):
                shutil.rmtree(home / "cache", ignore_errors=True)
                floors.append(libyaml_load(paths))
                colds.append(run([*base, "explain", "focal"], home))
            all_ok &= report("cold (explain focal)", statistics.median(colds),
                             statistics.median(floors), 1.3)  # fmt: skip
            one = paths[len(paths) // 2]
            one.write_text(one.read_text(encoding="utf-8") + "\n", encoding="utf-8")
            changed = run([*base, "explain", "focal"], home)
            print(f"  {'one file changed (explain focal)':34} {changed * 1000:9.0f} ms")
            limit = 2.0 if size > 10_000 else 1.5
            for label, argv, stdin in [
                ("explain focal", ["explain", "focal"], b""),
                ("explain 'saturating gradient'", ["explain", "saturating gradient"], b""),
                ("first drill card", ["drill", "--limit", "1"], b"q\n"),
                ("stats", ["stats"], b""),
            ]:
                big_t, small_t = median_pair([*base, *argv], [*base, *argv], home, builtin,
                                             runs, stdin=stdin)  # fmt: skip
                all_ok &= report(label, big_t, small_t, limit)
            big_t, small_t = median_pair([*base, "list"], [*base, "list"], home, builtin,
                                         runs, head=50)  # fmt: skip
            all_ok &= report("list (first screen, 50 lines)", big_t, small_t, 1.5)
            if size == args.sizes[0]:
                ten = paths[:10]
                folder = root / "validate"
                folder.mkdir(exist_ok=True)
                vhome = root / "validate-home"  # only the built-ins as context
                for p in ten:
                    shutil.copy(p, folder / p.name)
                v, f = [], []
                for _ in range(max(1, runs // 2)):
                    f.append(libyaml_load(sorted(folder.iterdir())))
                    shutil.rmtree(vhome / "cache", ignore_errors=True)
                    v.append(run([*base, "deck", "validate", str(folder)], vhome))
                all_ok &= report("deck validate (10 files, 10k cards)", statistics.median(v),
                                 statistics.median(f), 1.5)  # fmt: skip
    finally:
        shutil.rmtree(root, ignore_errors=True)
    print("\nall targets met" if all_ok else "\nsome targets missed")


if __name__ == "__main__":
    main()
