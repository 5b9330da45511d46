"""How `quizprep stats` scales with history: 100,000 review-log rows against an empty log.

    python benchmarks/stats.py [--rows 100000] [--repeat 7]

Builds two progress databases in a temporary QUIZPREP_HOME: one empty, one with every
built-in card rated and ``--rows`` review-log rows spread over three years (about 90 a day
with a review every day, so the streak spans the whole history). Times, best of ``--repeat``:

* the whole ``quizprep stats`` command as a user runs it (start-up included): this is the
  figure the target applies to, big/empty ≤ 3× ;
* ``collect()`` in-process, the SQL aggregates and per-card work alone. Its empty baseline
  is a fraction of a millisecond, so its ratio is large by construction; it is printed for
  the absolute cost a long history adds, not judged against the target.
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

from timing import best_of  # benchmarks/ is on sys.path when run as a script

NOW = datetime.now(timezone.utc)
DAY_MS = 86_400_000


def build(home: Path, rows: int) -> None:
    """A database under ``home``: empty when ``rows`` is 0, else a long history."""
    os.environ["QUIZPREP_HOME"] = str(home)
    from quizprep.decks.catalog import load_catalog
    from quizprep.study.scheduler import Scheduler
    from quizprep.study.storage import ReviewRecord, Storage, to_ms

    with Storage.open(home / "progress.sqlite3") as storage:
        if not rows:
            return
        scheduler = Scheduler(seed=1)
        cards = load_catalog().cards
        for card in cards:
            when = NOW - timedelta(days=random.uniform(1, 40))

            def compute(before, when=when, key=card.key):
                out = scheduler.review(key, before.fsrs if before else None, 3, when)
                return ReviewRecord(when, 3, 4000, out.fsrs, out.state, out.due)

            storage.review(card.key, compute)
        rng = random.Random(0)
        now_ms = to_ms(NOW)
        span = 3 * 365 * DAY_MS
        batch = [
            (
                cards[i % len(cards)].deck, cards[i % len(cards)].id,
                now_ms - rng.randrange(span), rng.choice((1, 2, 3, 3, 3, 4)),
                rng.randrange(1000, 20000), rng.choice((0, 1, 2, 2, 2, 3)), 2,
                86400 * rng.randrange(1, 60), now_ms, "{}",
            )
            for i in range(rows)
        ]  # fmt: skip
    raw = sqlite3.connect(home / "progress.sqlite3")
    raw.executemany(
        "INSERT INTO review_log (deck_id, card_id, reviewed_at, rating, duration_ms,"
        " state_before, state_after, interval_after, due_after, fsrs_after)"
        " VALUES (?,?,?,?,?,?,?,?,?,?)",
        batch,
    )
    raw.commit()
    raw.close()


def time_collect(home: Path, repeat: int) -> float:
    from quizprep.decks.catalog import load_catalog
    from quizprep.study.scheduler import Scheduler
    from quizprep.study.stats import collect
    from quizprep.study.storage import Storage

    os.environ["QUIZPREP_HOME"] = str(home)
    cards = load_catalog().cards
    scheduler = Scheduler(fuzz=False)
    with Storage.open(home / "progress.sqlite3") as storage:
        return best_of(lambda: collect(storage, cards, NOW, scheduler), repeat)


def time_command(home: Path, repeat: int) -> float:
    env = dict(os.environ, QUIZPREP_HOME=str(home))
    command = [sys.executable, "-m", "quizprep", "stats"]
    return best_of(
        lambda: subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL), repeat
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        empty, big = Path(tmp, "empty"), Path(tmp, "big")
        build(empty, 0)
        build(big, args.rows)
        count = (
            sqlite3.connect(big / "progress.sqlite3")
            .execute("SELECT COUNT(*) FROM review_log")
            .fetchone()[0]
        )
        print(f"review-log rows: empty 0, big {count:,}")
        command_ratio = 0.0
        for label, timer in (
            ("collect() in-process", time_collect),
            ("`quizprep stats` command", time_command),
        ):
            small, large = timer(empty, args.repeat), timer(big, args.repeat)
            ratio = large / small
            line = (
                f"{label:26} empty {small * 1000:8.2f} ms   big {large * 1000:8.2f} ms   "
                f"ratio {ratio:6.2f}×"
            )
            if timer is time_command:
                command_ratio = ratio
                line += f"   target ≤ 3×: {'ok' if ratio <= 3 else 'OVER TARGET'}"
            else:
                line += f"   (+{(large - small) * 1000:.1f} ms for the history)"
            print(line)
    sys.exit(0 if command_ratio <= 3 else 1)


if __name__ == "__main__":
    main()
