"""Derivations: every reference is the true derivative, answers pass, wrong ones get a
counterexample."""

from __future__ import annotations

import numpy as np
import pytest

from quizprep.core import derivations
from quizprep.core.derivations import DERIVATIONS, check, get, sample
from quizprep.core.gradcheck import numeric_grad


@pytest.mark.parametrize("d", DERIVATIONS, ids=lambda d: d.name)
def test_reference_is_the_derivative_of_the_function(d: derivations.Derivation) -> None:
    """Central differences of ``function`` (for vector variables, of its sum along the class
    axis, i.e. the full gradient) agree with ``reference`` at the sampled points."""
    values = sample(d, seed=3, points=12)
    want = np.asarray(d.reference(*values.values()), dtype=np.float64)
    names = list(values)
    k = names.index(d.wrt)
    for row in range(12):
        point = [v[row : row + 1] for v in values.values()]

        def f(x: np.ndarray, point: list = point) -> float:
            args = list(point)
            args[k] = x
            return float(np.sum(d.function(*args)))

        if d.name == "log-softmax-diag":  # a Jacobian's diagonal: ∂f_i/∂z_i, one i at a time
            c = point[k].shape[-1]
            numeric = np.array([
                numeric_grad(lambda z, i=i: d.function(z)[0, i], point[k])[0, i]
                for i in range(c)
            ])  # fmt: skip
        else:
            numeric = numeric_grad(f, point[k])
        assert np.allclose(want.reshape(12, -1)[row], numeric.reshape(-1), rtol=1e-6, atol=1e-8), (
            d.name,
            row,
            want.reshape(12, -1)[row],
            numeric,
        )


@pytest.mark.parametrize("d", DERIVATIONS, ids=lambda d: d.name)
def test_the_stated_answer_passes(d: derivations.Derivation) -> None:
    result = check(d, d.answer)
    assert result.ok and result.rated and result.mismatch is None


@pytest.mark.parametrize(
    ("name", "answer"),
    [
        ("bce-logits", "1 / (1 + exp(-z)) - y"),
        ("bce-logits", "(1 - y) * sigmoid(z) - y * sigmoid(-z)"),
        ("sigmoid", "exp(-x) / (1 + exp(-x))^2"),
        ("tanh", "1/cosh(x)**2"),
        ("huber", "where(abs(a) < d, a, d * sign(a))"),
        ("huber", "max(-d, min(a, d))"),
        ("softplus", "exp(x) / (1 + exp(x))"),
        ("ce-softmax", "exp(z) / sum(exp(z)) - t"),
        ("l2", "w * lam"),
        ("mse", "2*yhat - 2*y"),
    ],
)
def test_equivalent_forms_pass(name: str, answer: str) -> None:
    assert check(get(name), answer).ok


@pytest.mark.parametrize(
    ("name", "answer", "says"),
    [
        ("bce-logits", "y - sigmoid(z)", "sign is flipped"),
        ("mse", "yhat - y", "constant factor of 0.5"),
        ("sigmoid", "sigmoid(x)", "wrong at"),
        ("tanh", "1 - tanh(x)", "wrong at"),
        ("silu", "sigmoid(x)", "wrong at"),
        ("softmax-jvp", "softmax(z) * v", "wrong at"),
        ("log-softmax-diag", "softmax(z)", "wrong at"),
        ("huber", "a", "wrong at"),
        ("focal-pt", "-(1-p)**g / p", "wrong at"),
        ("l2", "2 * lam * w", "constant factor of 2"),
        ("elu", "where(x > 0, 1, alpha)", "wrong at"),
        ("ce-softmax", "sum(softmax(z) - t)", "wrong at"),
    ],
)
def test_wrong_answers_get_a_counterexample_with_both_values(
    name: str, answer: str, says: str
) -> None:
    d = get(name)
    result = check(d, answer)
    assert not result.ok and result.rated
    assert says in result.message
    bad = result.mismatch
    assert bad is not None
    assert set(bad.point) == {v.name for v in d.variables}
    # the counterexample is real: re-evaluating there reproduces both numbers
    values = {k: np.array([v]) for k, v in bad.point.items()}
    want = np.asarray(d.reference(*values.values()), dtype=np.float64).reshape(-1)
    assert np.allclose(want, bad.want)
    assert not np.allclose(bad.got, bad.want, rtol=1e-6, atol=1e-9)


def test_parse_errors_are_not_rated() -> None:
    result = check(get("bce-logits"), "sigmoid(z) - x")
    assert not result.ok and not result.rated
    assert "unknown name 'x'" in result.message and result.error_column == 14


def test_a_vector_answer_for_a_scalar_per_point_is_explained() -> None:
    result = check(get("ce-softmax"), "sum(softmax(z) - t) + z")
    assert not result.ok


def test_sampling_is_seeded_and_avoids_kinks() -> None:
    d = get("huber")
    a, b = sample(d, seed=5), sample(d, seed=5)
    assert all(np.array_equal(a[k], b[k]) for k in a)
    assert np.all(np.abs(np.abs(a["a"]) - a["d"]) >= 1e-3)
    t = sample(get("ce-softmax"))["t"]
    assert np.allclose(t.sum(axis=-1), 1)


def test_unknown_name_suggests_the_closest() -> None:
    with pytest.raises(KeyError, match="did you mean 'bce-logits'"):
        get("bce-logit")
