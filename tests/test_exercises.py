"""Every exercise: a reference solution passes every case; typical wrong solutions fail where
they should, with the hint that names the mistake. Graded in-process (the grader is the same
code the sandboxed child runs; tests/test_coderun.py covers the child itself)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from quizprep.core.exercises import (
    EXERCISE_NAMES,
    HEADER,
    exercise_of,
    starter_path,
    starter_text,
)
from quizprep.core.exercises.cases import cases_for
from quizprep.core.exercises.grader import CaseResult, grade_case

SOLUTIONS = Path(__file__).resolve().parent / "solutions"


def grade(path: Path, seed: int = 0) -> list[CaseResult]:
    spec = importlib.util.spec_from_file_location(f"solution_{path.stem}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    name = exercise_of(path.read_text(encoding="utf-8"))
    assert name is not None
    return [grade_case(case, module, str(path)) for case in cases_for(name, seed)]


def solution(name: str, kind: str) -> Path:
    return SOLUTIONS / f"{name.replace('-', '_')}__{kind}.py"


@pytest.mark.parametrize("name", EXERCISE_NAMES)
@pytest.mark.parametrize("seed", [0, 1])
def test_reference_solution_passes_every_case(name: str, seed: int) -> None:
    results = grade(solution(name, "good"), seed)
    failed = [(r.name, r.detail) for r in results if not r.passed]
    assert not failed
    groups = {r.group for r in results}
    assert {"example", "float32", "hostile"} <= groups
    assert groups & {"random", "backward"}
    assert len(results) >= 6


# (solution, a case group that must fail, words the failing case's detail or hint must hold)
WRONG = [
    ("stable-softmax", "naive", "hostile", "subtract the row max"),
    ("stable-softmax", "axis0", "random", "last axis"),
    ("stable-softmax", "inplace", "example", "changed one of its input arrays"),
    ("log-softmax-nll", "log_of_softmax", "hostile", "log(softmax(x)) underflows"),
    ("log-softmax-nll", "grad_no_mean", "example", "carries the 1/N"),
    ("log-softmax-nll", "sign", "backward", "wrong sign"),
    ("bce-with-logits", "naive", "hostile", "never log(sigmoid(x))"),
    ("bce-with-logits", "sum", "example", "N = 3 times too large"),
    ("bce-with-logits", "cancel", "hostile", "σ(40) − 1 rounds to 0"),
    ("weighted-ce-smoothing", "divide_by_n", "example", "not by N"),
    ("weighted-ce-smoothing", "smoothing_unweighted", "example", "each weighted by its own"),
    ("sigmoid-focal", "no_mod_grad", "example", "differentiate the product"),
    ("sigmoid-focal", "naive", "hostile", "log1p(exp(−|x|))"),
    ("huber", "no_clip", "example", "clipped to [−δ, δ]"),
    ("huber", "smooth_l1", "backward", "δ(|a| − ½δ) outside"),
    ("kl-batchmean", "mean", "example", "not by N·C"),
    ("kl-batchmean", "zero_log", "hostile", "0·log 0 is 0"),
    ("softmax-jvp", "diagonal", "example", "off-diagonal"),
    ("softmax-jvp", "naive", "hostile", "subtract the row max"),
    ("gelu-tanh", "erf", "example", "tanh form"),
    ("gelu-tanh", "no_product_rule", "example", "dy/dx"),
    ("gelu-tanh", "float64_constant", "float32", "float32 in, float32 out"),
    ("mlp-backward", "bias_mean", "backward", "SUM their gradient"),
    ("mlp-backward", "relu_at_zero", "hostile", "derivative at exactly 0 is 0"),
    ("mlp-backward", "no_mask", "example", "[z > 0]"),
    ("info-nce", "no_temperature_grad", "example", "1/τ"),
    ("info-nce", "naive", "hostile", "subtract the row max"),
    ("info-nce", "keys_positive_only", "example", "every key"),
    ("triplet-margin", "no_eps", "hostile", "eps"),
    ("triplet-margin", "all_rows", "backward", "inactive rows"),
    ("triplet-margin", "sign", "example", "wrong sign"),
]


@pytest.mark.parametrize(("name", "kind", "group", "words"), WRONG, ids=lambda v: str(v))
def test_typical_mistakes_fail_with_a_useful_hint(
    name: str, kind: str, group: str, words: str
) -> None:
    results = grade(solution(name, kind))
    failed = [r for r in results if not r.passed]
    assert failed, f"{kind} passed every case"
    in_group = [r for r in failed if r.group == group]
    assert in_group, f"no failure in group {group!r}: {[(r.group, r.name) for r in failed]}"
    text = " ".join(r.detail + " " + r.hint for r in in_group)
    assert words in text, text
    # a failure names the output and the first mismatching value
    assert any(" is " in r.detail or "changed" in r.detail or "returned" in r.detail
               for r in in_group)  # fmt: skip


def test_every_exercise_has_a_reference_and_at_least_two_wrong_solutions() -> None:
    for name in EXERCISE_NAMES:
        assert solution(name, "good").exists(), name
        assert sum(1 for w in WRONG if w[0] == name) >= 2, name


@pytest.mark.parametrize("name", EXERCISE_NAMES)
def test_starter_declares_its_exercise_and_is_not_yet_solved(name: str, tmp_path: Path) -> None:
    text = starter_text(name)
    assert text.startswith(HEADER + name + "\n")
    assert exercise_of(text) == name
    assert "Example" in text and "Conventions" in text
    copy = tmp_path / starter_path(name).name
    copy.write_text(text, encoding="utf-8")
    results = grade(copy)
    assert results and not any(r.passed for r in results)
    assert all("not written yet" in r.detail for r in results)


def test_cases_are_seeded() -> None:
    a, b = cases_for("huber", 4), cases_for("huber", 4)
    assert [c.name for c in a] == [c.name for c in b]
    assert [c.name for c in a] != [c.name for c in cases_for("huber", 5)]


def test_a_missing_function_is_named(tmp_path: Path) -> None:
    path = tmp_path / "empty.py"
    path.write_text("# quizprep exercise: log-softmax-nll\ndef log_softmax(x):\n    return x\n")
    results = grade(path)
    assert any("defines no function cross_entropy()" in r.detail for r in results)


def test_a_wrong_return_shape_or_arity_is_explained(tmp_path: Path) -> None:
    path = tmp_path / "arity.py"
    path.write_text("# quizprep exercise: huber\ndef huber(p, t, delta=1.0):\n    return 0.0\n")
    results = grade(path)
    assert "must return 2 value(s) (loss, grad)" in results[0].detail
    path.write_text(
        "# quizprep exercise: stable-softmax\nimport numpy as np\n"
        "def softmax(x):\n    return np.exp(x) / np.exp(x).sum()\n"
    )
    assert not all(r.passed for r in grade(path))


@pytest.mark.parametrize("name", EXERCISE_NAMES)
def test_starter_worked_example_agrees_with_the_graded_example(name: str) -> None:
    """Every number the starter's example promises after '->' is one the check expects."""
    import re

    import numpy as np

    text = starter_text(name)
    example = text[text.index("Example") : text.index("Check it with")]
    promised = example[example.index("->") :]
    promised = promised.split("(z =")[0]  # the MLP's aside restates inputs, not outputs
    promised = re.sub(r"\b[a-z_]+\([^\n]*?\)\s+->", "->", promised)  # a second call's inputs
    numbers = [float(m) for m in re.findall(r"-?\d+(?:\.\d+)?", promised.replace("−", "-"))]
    wants = np.concatenate([
        np.asarray(w, dtype=float).reshape(-1)
        for case in cases_for(name) if case.group == "example"
        for w in case.want
    ])  # fmt: skip
    assert numbers
    for number in numbers:
        assert np.any(np.abs(wants - number) <= 6e-5), (name, number)
