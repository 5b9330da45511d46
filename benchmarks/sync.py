"""`progress import` of 100,000 reviews against its floors, and `stats` on a million log rows.

    python benchmarks/sync.py [--reviews 100000] [--stats-rows 1000000] [--runs 3]

* import: ``quizprep progress import`` of a file of ``--reviews`` reviews (5,000 cards, 20
  reviews each, a year of history) into an empty database, as a user runs it. Its floors,
  measured in the same loop: a plain replay of the same reviews through fsrs's own
  ``Scheduler.review_card`` (cards kept in memory, nothing else), and a bulk insert of the
  same rows (every column an import writes, the scheduler's JSON before and after included)
  into an empty progress database in one ``executemany``, committed and closed (which
  checkpoints the WAL into the database file, as the import's own exit does). Target: ≤ 3×
  their sum.
* stats: ``quizprep stats`` on a database holding ``--stats-rows`` review-log rows against
  the same command on an empty database, alternately. Target: ≤ 3×.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

NOW = datetime(2026, 12, 2, 6, 0, tzinfo=timezone.utc)
DAY_MS = 86_400_000


def reviews(count: int, cards: int = 5000, seed: int = 0) -> list[dict]:
    """``count`` reviews over ``cards`` cards of the built-in-free deck ``bulk``."""
    rng = random.Random(seed)
    start = int((NOW - timedelta(days=365)).timestamp() * 1000)
    per_card = max(1, count // cards)
    out = []
    for c in range(cards):
        at = start + rng.randrange(DAY_MS)
        for _ in range(per_card):
            if len(out) == count:
                return out
            at += rng.randrange(DAY_MS // 2, 20 * DAY_MS)
            stamp = datetime.fromtimestamp(at / 1000, tz=timezone.utc)
            out.append(
                {
                    "deck": "bulk",
                    "card": f"c{c:05d}",
                    "reviewed_at": stamp.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
                    "rating": rng.choice((1, 3, 3, 3, 4)),
                    "duration_ms": rng.randrange(2000, 30000),
                    "source": "drill",
                }
            )
    return out


def write_file(path: Path, items: list[dict]) -> None:
    data = {"format": "quizprep-progress", "version": 1, "exported_at": "2026-12-02T06:00:00.000Z",
            "settings": {}, "reviews": items}  # fmt: skip
    path.write_text(json.dumps(data), encoding="utf-8")


def replay_floor(items: list[dict]) -> float:
    """fsrs's Scheduler alone: every card's reviews in order, cards kept in memory."""
    import fsrs

    scheduler = fsrs.Scheduler()
    parsed = [
        (r["card"], datetime.fromisoformat(r["reviewed_at"].replace("Z", "+00:00")), r["rating"])
        for r in items
    ]
    start = time.perf_counter()
    cards: dict[str, fsrs.Card] = {}
    for card_id, when, rating in parsed:
        card = cards.get(card_id) or fsrs.Card(card_id=len(cards) + 1, due=when)
        cards[card_id], _ = scheduler.review_card(card, fsrs.Rating(rating), when)
    return time.perf_counter() - start


def insert_floor(items: list[dict], folder: Path) -> float:
    """One executemany of the same rows into an empty progress database."""
    from quizprep.study.storage import Storage

    path = folder / "floor.sqlite3"
    path.unlink(missing_ok=True)
    Storage.open(path).close()

    # The rows an import writes: each carries the scheduler's card as JSON before and after.
    def card(i: int) -> str:
        when = f"2026-0{1 + i % 9}-1{i % 10}T09:00:00.{i % 999999:06d}+00:00"
        return (f'{{"card_id": {1_000_000 + i}, "state": 2, "step": null, "stability": '
                f'{3.2 + i * 1e-7!r}, "difficulty": {5.1 - i * 1e-7!r}, '
                f'"due": "{when}", "last_review": "{when}"}}')  # fmt: skip

    rows = [
        (r["deck"], r["card"], i, r["rating"], r["duration_ms"], r["source"], 2, 2, 86400,
         86400, i + 1000, i + 86_400_000, card(i), card(i + 1))
        for i, r in enumerate(items)
    ]  # fmt: skip
    db = sqlite3.connect(path, isolation_level=None)
    start = time.perf_counter()
    db.execute("BEGIN")
    db.executemany(
        "INSERT INTO review_log (deck_id, card_id, reviewed_at, rating, duration_ms, source,"
        " state_before, state_after, interval_before, interval_after, due_before, due_after,"
        " fsrs_before, fsrs_after) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        rows,
    )
    db.execute("COMMIT")
    db.close()  # the rows are in the database file once the WAL is checkpointed, as on exit
    return time.perf_counter() - start


def command(argv: list[str], home: Path) -> float:
    exe = shutil.which("quizprep")
    base = [exe] if exe else [sys.executable, "-m", "quizprep"]
    env = {**os.environ, "QUIZPREP_HOME": str(home), "COLUMNS": "100", "NO_COLOR": "1"}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    start = time.perf_counter()
    subprocess.run([*base, *argv], env=env, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)  # fmt: skip
    return time.perf_counter() - start


def big_log(home: Path, rows: int) -> None:
    """A progress database with ``rows`` review-log rows over the built-in cards (3 years)."""
    from quizprep.study.storage import Storage

    os.environ["QUIZPREP_HOME"] = str(home)
    from quizprep.decks.catalog import load_catalog

    cards = [c.key for c in load_catalog().cards]
    Storage.open(home / "progress.sqlite3").close()
    rng = random.Random(1)
    now_ms = int(NOW.timestamp() * 1000)
    db = sqlite3.connect(home / "progress.sqlite3", isolation_level=None)
    db.execute("BEGIN")
    for start in range(0, rows, 100_000):
        db.executemany(
            "INSERT INTO review_log (deck_id, card_id, reviewed_at, rating, duration_ms,"
            " state_before, state_after, interval_after, due_after, fsrs_after)"
            " VALUES (?, ?, ?, ?, 4000, ?, 2, 86400, ?, '{}')",
            [
                (*cards[i % len(cards)], now_ms - rng.randrange(3 * 365 * DAY_MS),
                 rng.choice((1, 3, 3, 4)), rng.choice((0, 1, 2, 2, 2)), now_ms)
                for i in range(start, min(rows, start + 100_000))
            ],
        )  # fmt: skip
    db.execute("COMMIT")
    db.close()


def report(name: str, value: float, base: float, target: float) -> bool:
    ratio = value / base
    ok = ratio <= target
    print(f"  {name:34} {value * 1000:9.0f} ms {base * 1000:9.0f} ms {ratio:6.2f}  "
          f"≤ {target:<4} {'met' if ok else 'MISSED'}")  # fmt: skip
    return ok


def run(review_count: int, stats_rows: int, runs: int) -> bool:
    root = Path(tempfile.mkdtemp(prefix="quizprep-sync-"))
    ok = True
    try:
        items = reviews(review_count)
        file = root / "progress.json"
        write_file(file, items)
        imports, floors = [], []
        for i in range(runs):
            home = root / f"import-{i}"
            home.mkdir()
            imports.append(command(["progress", "import", str(file)], home))
            floors.append(replay_floor(items) + insert_floor(items, root))
        print(f"\nprogress import of {review_count:,} reviews; medians of {runs}")
        print(f"  {'':34} {'import':>12} {'floors':>12} {'ratio':>6}  target")
        ok &= report("progress import", statistics.median(imports), statistics.median(floors), 3.0)
        empty, big = root / "stats-empty", root / "stats-big"
        empty.mkdir()
        big.mkdir()
        command(["stats"], empty)
        big_log(big, stats_rows)
        command(["stats"], big)  # warm-up
        e, b = [], []
        for _ in range(runs * 2 + 1):
            b.append(command(["stats"], big))
            e.append(command(["stats"], empty))
        print(f"\nstats with {stats_rows:,} review-log rows; medians of {len(b)}")
        ok &= report("stats", statistics.median(b), statistics.median(e), 3.0)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return ok


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reviews", type=int, default=100_000)
    parser.add_argument("--stats-rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    ok = run(args.reviews, args.stats_rows, args.runs)
    print("\nall targets met" if ok else "\nsome targets missed")


if __name__ == "__main__":
    main()
