"""`quizprep import` scales linearly: a table of 2n rows against one of n rows.

    python benchmarks/csv_import.py [--rows 5000] [--repeat 3]

The rows are non-Latin questions that all slug to the same id base ("card"), the case that
made id assignment quadratic (probing card-2, card-3… afresh for every row). Linear work
gives a ratio near 2 (target ≤ 2.5); the old probing gave about 4.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from timing import best_of  # benchmarks/ is on sys.path when run as a script


def table(folder: Path, rows: int) -> Path:
    path = folder / f"cards-{rows}.csv"
    body = "".join(f"Вопрос?,Ответ номер {i}.\n" for i in range(rows))
    path.write_text("question,answer\n" + body, encoding="utf-8")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    from quizprep.decks.importer import convert_table

    with tempfile.TemporaryDirectory() as scratch:
        small, large = table(Path(scratch), args.rows), table(Path(scratch), 2 * args.rows)
        base = best_of(lambda: convert_table(small), args.repeat)
        double = best_of(lambda: convert_table(large), args.repeat)
    print(f"{args.rows:>6} rows: {base * 1000:8.0f} ms")
    print(f"{2 * args.rows:>6} rows: {double * 1000:8.0f} ms")
    print(f"ratio {double / base:.2f} (linear ≈ 2; target ≤ 2.5)")


if __name__ == "__main__":
    main()
