"""What an interview plan costs: `quizprep plan` against `quizprep stats` on the same data.

    python benchmarks/plan.py [--cards 1000] [--days 14] [--repeat 5]

Builds a temporary QUIZPREP_HOME with a deck of ``--cards`` cards (a third of them already
learned) and a plan ``--days`` ahead, then times, best of ``--repeat``:

* ``report()`` in-process: the FSRS forecast plus the day-by-day projection (every card's
  reviews simulated through FSRS up to the date);
* the ``quizprep plan`` command as a user runs it, against ``quizprep stats`` on the same
  home (the everyday command it is compared with; target plan/stats ≤ 3).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

from timing import best_of  # benchmarks/ is on sys.path when run as a script

NOW = datetime.now(timezone.utc)


def build(home: Path, cards: int, days: int) -> None:
    os.environ["QUIZPREP_HOME"] = str(home)
    from quizprep.decks.catalog import load_catalog
    from quizprep.study.plan import Plan, save_plan
    from quizprep.study.scheduler import Scheduler
    from quizprep.study.storage import ReviewRecord, Storage

    decks = home / "decks"
    decks.mkdir(parents=True)
    lines = ["deck: bench", "title: Benchmark deck", "version: 1", "cards:"]
    for i in range(cards):
        lines += [
            f"  - id: c{i}",
            f"    topic: Topic {i % 12}",
            f"    difficulty: {('easy', 'medium', 'hard')[i % 3]}",
            f"    question: Question {i}?",
            f"    answer: Answer {i}.",
            "    key_points: [the point]",
        ]
    (decks / "bench.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    scheduler = Scheduler(seed=1)
    with Storage.open() as storage:
        for card in load_catalog(include_builtin=False).cards[: cards // 3]:
            when = NOW - timedelta(days=card.line % 9 + 1)

            def compute(before, when=when, key=card.key):
                out = scheduler.review(key, before.fsrs if before else None, 3, when)
                return ReviewRecord(when, 3, 9000, out.fsrs, out.state, out.due)

            storage.review(card.key, compute)
        save_plan(storage, Plan(NOW.astimezone().date() + timedelta(days=days), ("bench",)), NOW)


def time_report(home: Path, repeat: int) -> float:
    os.environ["QUIZPREP_HOME"] = str(home)
    from quizprep.decks.catalog import load_catalog
    from quizprep.study.plan import load_plans
    from quizprep.study.readiness import report
    from quizprep.study.scheduler import Scheduler
    from quizprep.study.storage import Storage

    cards = load_catalog().cards
    with Storage.open() as storage:
        plan = load_plans(storage)[0]
        return best_of(lambda: report(storage, plan, cards, Scheduler(), NOW), repeat)


def time_command(home: Path, name: str, repeat: int) -> float:
    env = dict(os.environ, QUIZPREP_HOME=str(home))
    command = [sys.executable, "-m", "quizprep", name]
    return best_of(
        lambda: subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL), repeat
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=1000)
    parser.add_argument("--days", type=int, default=14)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        build(home, args.cards, args.days)
        print(f"{args.cards} cards, a plan {args.days} days ahead")
        print(f"report() in-process: {time_report(home, args.repeat) * 1000:.0f} ms")
        stats = time_command(home, "stats", args.repeat)
        plan = time_command(home, "plan", args.repeat)
        ratio = plan / stats
        print(f"`quizprep stats`: {stats * 1000:.0f} ms")
        print(f"`quizprep plan`:  {plan * 1000:.0f} ms  ratio {ratio:.2f} (target ≤ 3)")
        sys.exit(0 if ratio <= 3 else 1)


if __name__ == "__main__":
    main()
