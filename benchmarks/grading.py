"""Grading quality on the hand-labelled answers in tests/grading_eval, and grading speed.

    python benchmarks/grading.py            # dev part, then held-out part, then speed
    python benchmarks/grading.py --dev      # dev part only (what tuning may look at)
    python benchmarks/grading.py --verbose  # every disagreement

Quality: per kind of answer, precision and recall of the points the grader marks covered
and of those it marks contradicted (against the hand labels), and how often the proposed
rating equals the hand-labelled fair rating. Speed: grading a 2,000-character answer,
as a ratio to tokenising it (the baseline, measured in the same loop).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, NamedTuple

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.timing import best_of  # noqa: E402

EVAL_DIR = ROOT / "tests" / "grading_eval"
KINDS = ("strong", "partial", "wrong", "offtopic", "terse")
LETTERS = {"c": "covered", "m": "missed", "x": "contradicted"}


class Case(NamedTuple):
    card: Any
    kind: str
    answer: str
    points: tuple[str, ...]
    rating: int


class Report(NamedTuple):
    cases: int
    agreement: float
    by_kind: dict[str, dict[str, float]]
    wrong_above_again: int
    wrong_total: int
    good_strong_terse: int
    strong_terse_total: int
    disagreements: list[str]


DEV_PARTS = (
    "dev",
    "dev2",
    "dev3",
    "dev4",
    "dev5",
    "dev6",
    "dev7",
    "dev8",
    "dev9",
    "dev10",
    "dev11",
    "dev12",
    "dev13",
    "dev14",
    "dev15",
    "dev16",
    "dev17",
    "dev18",
    "dev19",
    "dev20",
    "dev21",
    "dev22",
    "dev23",
    "dev24",
    "dev25",
    "dev26",
    "dev27",
    "dev28",
    "dev29",
    "dev30",
    "dev31",
    "dev32",
    "dev33",
    "dev34",
    "dev35",
    "dev36",
    "dev37",
    "dev38",
    "dev39",
    "dev40",
    "dev41",
    "dev42",
)  # what tuning may look at
HELDOUT_PARTS = (
    "heldout",
    "heldout2",
    "heldout3",
    "heldout4",
    "heldout5",
    "heldout6",
    "heldout7",
    "heldout8",
    "heldout9",
    "heldout10",
    "heldout11",
    "heldout12",
    "heldout13",
    "heldout14",
    "heldout15",
    "heldout16",
    "heldout17",
    "heldout18",
    "heldout19",
    "heldout20",
    "heldout21",
    "heldout22",
    "heldout23",
    "heldout24",
)  # looked at only for the final figures


def load_parts(parts: tuple[str, ...]) -> list[Case]:
    """The cases of every part whose file exists (a checkout may predate a part)."""
    return [case for part in parts if (EVAL_DIR / f"{part}.yaml").exists() for case in load(part)]


def load(part: str) -> list[Case]:
    import yaml

    from quizprep.decks.catalog import load_catalog

    catalog = load_catalog(include_user=False)
    cases = []
    for entry in yaml.safe_load((EVAL_DIR / f"{part}.yaml").read_text(encoding="utf-8")):
        deck, _, card_id = entry["card"].partition("/")
        card = catalog.card(deck, card_id)
        if card is None:
            raise SystemExit(f"{part}.yaml: unknown card {entry['card']}")
        labels = tuple(LETTERS[c] for c in entry["points"])
        if len(labels) != len(card.key_points):
            raise SystemExit(f"{part}.yaml: {entry['card']} {entry['kind']}: label count")
        cases.append(Case(card, entry["kind"], entry["answer"], labels, int(entry["rating"])))
    return cases


def _ratio(a: int, b: int) -> float:
    return a / b if b else 1.0


def evaluate(cases: list[Case], model: str | None = None) -> Report:
    """``model``: an `llm` model id grades instead of the local grader (answers it fails
    on fall back to the local grader, and are counted in the last line)."""
    from quizprep.study.aigrading import grade_answer

    fallbacks = 0

    def grade(card: Any, answer: str) -> Any:
        nonlocal fallbacks
        feedback = grade_answer(card, answer, model)
        fallbacks += model is not None and feedback.grader == "local"
        return feedback.grade

    counts: dict[str, dict[str, int]] = {k: {} for k in KINDS}
    agree = wrong_above = good = 0
    disagreements = []
    for case in cases:
        result = grade(case.card, case.answer)
        tally = counts[case.kind]
        tally["n"] = tally.get("n", 0) + 1
        for verdict in ("covered", "contradicted"):
            for got, want in zip(result.verdicts, case.points, strict=True):
                hit = got == verdict
                real = want == verdict
                tally[f"{verdict}_tp"] = tally.get(f"{verdict}_tp", 0) + (hit and real)
                tally[f"{verdict}_pred"] = tally.get(f"{verdict}_pred", 0) + hit
                tally[f"{verdict}_real"] = tally.get(f"{verdict}_real", 0) + real
        tally["agree"] = tally.get("agree", 0) + (result.rating == case.rating)
        agree += result.rating == case.rating
        if case.kind == "wrong" and result.rating > 1:
            wrong_above += 1
        if case.kind in ("strong", "terse") and result.rating == 3:
            good += 1
        if result.rating != case.rating or result.verdicts != case.points:
            marks = "".join(v[0] if v != "contradicted" else "x" for v in result.verdicts)
            want = "".join(v[0] if v != "contradicted" else "x" for v in case.points)
            disagreements.append(
                f"{case.card.ref:42} {case.kind:8} rating {result.rating} (fair {case.rating})"
                f" points {marks} (fair {want})"
            )
    by_kind = {}
    for kind, tally in counts.items():
        if not tally:
            continue
        by_kind[kind] = {
            "answers": tally["n"],
            "covered_precision": _ratio(tally["covered_tp"], tally["covered_pred"]),
            "covered_recall": _ratio(tally["covered_tp"], tally["covered_real"]),
            "contradicted_precision": _ratio(tally["contradicted_tp"], tally["contradicted_pred"]),
            "contradicted_recall": _ratio(tally["contradicted_tp"], tally["contradicted_real"]),
            "rating_agreement": tally["agree"] / tally["n"],
        }
    strong_terse = sum(c.kind in ("strong", "terse") for c in cases)
    wrong = sum(c.kind == "wrong" for c in cases)
    if fallbacks:
        print(f"  ({fallbacks} of {len(cases)} answers fell back to the local grader)")
    return Report(
        len(cases), agree / len(cases), by_kind, wrong_above, wrong, good, strong_terse,
        disagreements,
    )  # fmt: skip


def print_report(name: str, report: Report, verbose: bool) -> None:
    print(f"\n== {name}: {report.cases} answers ==")
    print(f"{'kind':10}{'n':>4}{'cov P':>8}{'cov R':>8}{'con P':>8}{'con R':>8}{'rating':>9}")
    for kind, row in report.by_kind.items():
        print(
            f"{kind:10}{row['answers']:>4}{row['covered_precision']:>8.0%}"
            f"{row['covered_recall']:>8.0%}{row['contradicted_precision']:>8.0%}"
            f"{row['contradicted_recall']:>8.0%}{row['rating_agreement']:>9.0%}"
        )
    print(f"rating agreement: {report.agreement:.1%}")
    print(
        f"confidently wrong rated above Again: {report.wrong_above_again} of {report.wrong_total}"
    )
    print(f"strong and terse rated Good: {report.good_strong_terse} of {report.strong_terse_total}")
    if verbose:
        for line in report.disagreements:
            print("  ", line)


def speed() -> None:
    from quizprep.decks.catalog import load_catalog
    from quizprep.study.grading import MAX_ANSWER_CHARS, grade
    from quizprep.study.grading.clauses import split

    catalog = load_catalog(include_user=False)
    card = catalog.card("losses", "mse")
    assert card is not None
    sentence = (
        "MSE averages the squared residuals (ŷ − y)², its gradient 2(ŷ − y)/n grows with "
        "the error, so outliers dominate; it is the Gaussian MLE. "
    )
    answer = (sentence * 40)[:2000]
    base = best_of(lambda: answer.lower().split(), 200)
    took = best_of(lambda: grade(card, answer), 5)
    print("\n== speed ==")
    print(f"grading a 2,000-character answer: {took * 1000:.1f} ms (target < 50 ms)")
    print(f"  ratio to str.split of the same answer: {took / base:.0f}×")
    huge = "x " * 500_000
    took_huge = best_of(lambda: grade(card, huge), 1)
    print(
        f"a 1 MB paste: cut at {MAX_ANSWER_CHARS:,} characters, graded in {took_huge * 1000:.0f} ms"
    )
    took_split = best_of(lambda: split(answer), 5)
    print(f"  of which splitting into clauses: {took_split * 1000:.1f} ms")


def main() -> None:
    try:  # quizprep's own dependencies: run from the environment quizprep is installed in
        import platformdirs  # noqa: F401
        import yaml  # noqa: F401
    except ModuleNotFoundError as missing:
        raise SystemExit(
            f"benchmarks/grading.py: {missing.name} is not installed here; run it with the "
            "project's environment: .venv/bin/python benchmarks/grading.py"
        ) from None
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dev", action="store_true", help="dev part only")
    parser.add_argument("--speed", action="store_true", help="speed only")
    parser.add_argument(
        "--heldout", action="store_true", help="with --verbose: list held-out disagreements too"
    )
    parser.add_argument("--verbose", action="store_true", help="list every disagreement")
    parser.add_argument(
        "--part",
        action="append",
        metavar="NAME",
        help="only this dev part (a new part's first run)",
    )
    parser.add_argument(
        "--grader",
        default="local",
        metavar="local|llm:MODEL",
        help="measure a model through the `llm` library (needs quizprep[ai] and its key/plugin)",
    )
    args = parser.parse_args()
    from quizprep.study.aigrading import parse_grader

    model = parse_grader(args.grader)
    if model is not None:
        print(f"grader: llm:{model} (answers it cannot grade fall back to the local grader)")
    if args.part:
        for part in args.part:
            if part not in DEV_PARTS:
                parser.error(f"--part {part}: not a dev part ({', '.join(DEV_PARTS)})")
            print_report(part, evaluate(load(part), model), args.verbose)
        return
    if not args.speed:
        print_report("dev", evaluate(load_parts(DEV_PARTS), model), args.verbose)
    if not args.dev and not args.speed:
        # Figures only: a held-out part is never listed answer by answer unless asked.
        for part in HELDOUT_PARTS:
            if (EVAL_DIR / f"{part}.yaml").exists():
                report = evaluate(load(part), model)
                print_report(part, report, args.verbose and args.heldout)
    if not args.dev and model is None:
        speed()


if __name__ == "__main__":
    main()
