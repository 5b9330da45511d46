"""The derivation answer language: what parses, what evaluates, and what is refused."""

from __future__ import annotations

import ast
import math
import time
from pathlib import Path

import numpy as np
import pytest

from quizprep.core import expr

VARS = frozenset({"x", "y", "z"})
POINT = {"x": np.array([2.0]), "y": np.array([0.5]), "z": np.array([-1.0])}


def value(text: str) -> float:
    return float(expr.evaluate(expr.parse(text, VARS), POINT).reshape(-1)[0])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("sigmoid(z) - y", 1 / (1 + math.e) - 0.5),
        ("-x**2", -4.0),  # unary minus binds looser than **, as in Python
        ("2^3", 8.0),  # ^ is power, as people write it
        ("2**3**2", 512.0),  # right-associative
        ("x − y", 1.5),  # Unicode minus
        ("x·y", 1.0),
        ("σ(0)", 0.5),
        ("ln(e)", 1.0),
        ("where(z > 0, 1, 0)", 0.0),
        ("max(x, y) + min(x, y)", 2.5),
        ("clip(x, -1, 1)", 1.0),
        ("softplus(0)", math.log(2)),
        ("1e-3 * .5e2", 0.05),
        ("sqrt(abs(z)) * sign(z)", -1.0),
        ("tanh(0) + cosh(0) + exp(0) + log1p(0) + expm1(0) + relu(z)", 2.0),
        ("((x))", 2.0),
        ("pi", math.pi),
    ],
)
def test_expressions_evaluate_like_the_math(text: str, expected: float) -> None:
    assert value(text) == pytest.approx(expected, rel=1e-12)


def test_vector_functions_work_along_the_last_axis() -> None:
    z = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]])
    out = expr.evaluate(expr.parse("softmax(z) * (1 - sum(softmax(z)))", {"z"}), {"z": z})
    assert np.allclose(out, 0)
    lse = expr.evaluate(expr.parse("logsumexp(z)", {"z"}), {"z": np.array([[1000.0, 1000.0]])})
    assert lse.reshape(-1)[0] == pytest.approx(1000 + math.log(2))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("__import__('os').system('true')", "unexpected character"),
        ("__import__(x)", "unknown function '__import__'"),
        ("x.__class__", "unexpected character '.'"),
        ("x.__class__.__bases__[0].__subclasses__()", "unexpected character '.'"),
        ("9**9**9", "exponent"),
        ("2**1000", "exponent"),
        ("x**(10*10)", "exponent"),
        ("lambda x: x", "unexpected"),
        ("[x for x in y]", "unexpected character '['"),
        ("{x: 1}", "unexpected character '{'"),
        ("x[0]", "unexpected character '['"),
        ("'abc'", "unexpected character"),
        ("open", "unknown name 'open'"),
        ("eval(x)", "unknown function 'eval'"),
        ("exp", "is a function"),
        ("exp(x, y)", "takes 1 argument"),
        ("x y", "unexpected 'y'"),
        ("x +", "ends too early"),
        ("exp(x", "expected ')'"),
        ("", "empty"),
        ("w", "unknown name 'w'; variables here: x, y, z"),
        ("x;import os", "unexpected character ';'"),
        ("x if y else z", "unexpected 'if'"),
    ],
)
def test_hostile_and_broken_input_is_refused_with_a_reason(text: str, message: str) -> None:
    with pytest.raises(expr.ExprError) as info:
        expr.parse(text, VARS)
    assert message in info.value.message


def test_error_column_points_at_the_problem() -> None:
    with pytest.raises(expr.ExprError) as info:
        expr.parse("x + y.real", VARS)
    assert info.value.column == 6


def test_size_and_depth_are_bounded_and_refused_quickly() -> None:
    started = time.perf_counter()
    for text in ("x+" * 300 + "x", "(" * 300 + "x" + ")" * 300, "-" * 300 + "x", "1" * 500):
        with pytest.raises(expr.ExprError):
            expr.parse(text, VARS)
    deep = "exp(" * 45 + "x" + ")" * 45
    with pytest.raises(expr.ExprError, match="nests more than"):
        expr.parse(deep, VARS)
    assert time.perf_counter() - started < 1.0


def test_overflowing_values_are_results_not_crashes() -> None:
    assert value("exp(1000)") == math.inf
    assert math.isnan(value("log(-1)"))
    assert value("1/0") == math.inf


def test_the_module_never_calls_eval_compile_or_exec() -> None:
    source = Path(expr.__file__).read_text(encoding="utf-8")
    calls = {
        node.func.id
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
    }
    assert not calls & {"eval", "exec", "compile", "__import__"}
    assert "import ast" not in source
