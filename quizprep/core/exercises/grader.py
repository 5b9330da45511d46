"""Grade a user's functions case by case against the references, with a hint for each failure.

A :class:`Case` calls one function of the user's module with fixed inputs and lists the outputs
it must return. :func:`grade_case` runs it and compares: the shape, then NaN/inf where the
reference is finite, then the values (first mismatching element with both numbers), then the
dtype. A failure is diagnosed where it can be named (a sign error, a constant factor of N or C,
a changed input) and otherwise carries the case's own hint.

This runs inside the child process, beside the user's code; everything it returns is plain
JSON-able data.
"""

from __future__ import annotations

import math
import traceback
from collections.abc import Callable
from types import ModuleType
from typing import Any, NamedTuple

import numpy as np

Array = np.ndarray


class Case(NamedTuple):
    name: str
    function: str
    args: tuple[Any, ...]
    want: tuple[Any, ...]  # the expected outputs, in order
    labels: tuple[str, ...]  # their names ("loss", "grad")
    hint: str = ""  # shown when this case fails and nothing sharper applies
    kwargs: dict[str, Any] | None = None
    batch: int = 0  # N, to recognise a reduction off by N
    classes: int = 0  # C, to recognise a mean over N·C instead of N
    rtol: float | None = None  # defaults by dtype
    atol: float | None = None
    group: str = ""  # "example", "random", "float32", "hostile", "backward"
    factors: tuple[tuple[float, str], ...] = ()  # (ratio got/want, what that mistake is)


class CaseResult(NamedTuple):
    name: str
    function: str
    group: str
    passed: bool
    detail: str = ""  # what went wrong, with the first mismatching value
    hint: str = ""
    error: str = ""  # the user's traceback, when their function raised

    def to_json(self) -> dict[str, Any]:
        return self._asdict()


TOLERANCE = {np.dtype(np.float32): (2e-4, 1e-6), np.dtype(np.float64): (1e-6, 1e-10)}


def user_traceback(exc: BaseException, user_file: str) -> str:
    """The traceback from the first frame in the user's file on: theirs to read and fix."""
    frames = traceback.extract_tb(exc.__traceback__)
    start = next((i for i, f in enumerate(frames) if f.filename == user_file), len(frames))
    lines = ["Traceback (most recent call last):\n"]
    lines += traceback.format_list(frames[start:])
    lines += traceback.format_exception_only(type(exc), exc)
    return "".join(lines).rstrip()


def _dtype_of(case: Case) -> np.dtype:
    for arg in case.args:
        if isinstance(arg, np.ndarray) and arg.dtype.kind == "f":
            return arg.dtype
    return np.dtype(np.float64)


def _fmt(value: float) -> str:
    return f"{value:.9g}" if math.isfinite(value) else str(value)


def _where(index: tuple[int, ...]) -> str:
    return "[" + ", ".join(map(str, index)) + "]" if index else ""


def grade_case(case: Case, module: ModuleType, user_file: str) -> CaseResult:
    fn: Callable[..., Any] | None = getattr(module, case.function, None)

    def fail(detail: str, hint: str = "", error: str = "") -> CaseResult:
        return CaseResult(case.name, case.function, case.group, False, detail, hint, error)

    if not callable(fn):
        return fail(f"your file defines no function {case.function}()")
    args = tuple(a.copy() if isinstance(a, np.ndarray) else a for a in case.args)
    try:
        with np.errstate(all="ignore"):
            got = fn(*args, **(case.kwargs or {}))
    except NotImplementedError:
        return fail(f"{case.function}() is not written yet (it raises NotImplementedError)")
    except MemoryError as exc:
        return fail(
            f"{case.function}() ran out of memory ({type(exc).__name__})",
            "quizprep runs your code under a memory limit; a batch this size needs kilobytes",
            user_traceback(exc, user_file),
        )
    except (Exception, SystemExit) as exc:  # theirs: reported, never raised into quizprep
        return fail(
            f"{case.function}() raised {type(exc).__name__}", error=user_traceback(exc, user_file)
        )
    for before, after in zip(case.args, args, strict=True):
        if isinstance(before, np.ndarray) and not np.array_equal(before, after, equal_nan=True):
            return fail(
                f"{case.function}() changed one of its input arrays in place",
                "work on a copy (x = x - x.max(...) makes a new array; x -= ... does not)",
            )
    outputs = _as_tuple(got, len(case.want))
    if outputs is None:
        what = type(got).__name__
        n = len(case.want)
        return fail(
            f"{case.function}() must return {n} value(s) ({', '.join(case.labels)}), got {what}"
            + (f" of length {len(got)}" if isinstance(got, (tuple, list)) else "")
        )
    for label, value, want in zip(case.labels, outputs, case.want, strict=True):
        problem = _compare(case, label, value, want)
        if problem is not None:
            return fail(*problem)
    return CaseResult(case.name, case.function, case.group, True)


def _as_tuple(got: Any, count: int) -> tuple[Any, ...] | None:
    if count == 1:
        return (got,)
    if isinstance(got, (tuple, list)) and len(got) == count:
        return tuple(got)
    return None


def _compare(case: Case, label: str, value: Any, want: Any) -> tuple[str, str] | None:
    want_arr = np.asarray(want)
    try:
        got_arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        return f"{label}: expected numbers, got {type(value).__name__}", ""
    if got_arr.shape != want_arr.shape:
        if got_arr.size == want_arr.size == 1:
            got_arr = got_arr.reshape(want_arr.shape)
        else:
            return (
                f"{label}: shape {got_arr.shape}, expected {want_arr.shape}",
                "check which axis you reduce over (keepdims=True keeps it for broadcasting)",
            )
    dtype = _dtype_of(case)
    rtol, atol = TOLERANCE.get(dtype, TOLERANCE[np.dtype(np.float64)])
    rtol = case.rtol if case.rtol is not None else rtol
    atol = case.atol if case.atol is not None else atol
    w64 = want_arr.astype(np.float64)
    finite_bad = ~np.isfinite(got_arr) & np.isfinite(w64)
    if finite_bad.any():
        index = tuple(int(i) for i in np.argwhere(finite_bad)[0])
        return (
            f"{label}{_where(index)} is {_fmt(float(got_arr[index]))}, "
            f"expected {_fmt(float(w64[index]))}",
            case.hint or "overflow: keep exp's argument ≤ 0 (subtract the max)",
        )
    close = np.isclose(got_arr, w64, rtol=rtol, atol=atol)
    if not close.all():
        index = tuple(int(i) for i in np.argwhere(~close)[0])
        detail = (
            f"{label}{_where(index)} is {_fmt(float(got_arr[index]))}, "
            f"expected {_fmt(float(w64[index]))}"
        )
        return detail, _diagnose(case, label, got_arr, w64) or case.hint
    if (
        dtype == np.float32
        and isinstance(value, np.ndarray)
        and value.dtype != np.float32
        and want_arr.ndim > 0
    ):
        return (
            f"{label}: returned {value.dtype} for float32 input",
            "float32 in, float32 out, as in PyTorch: a NumPy float64 scalar such as "
            "np.sqrt(2 / np.pi) or an np.float64 constant promotes the array; use a Python "
            "float or x.dtype.type(c)",
        )
    return None


def _diagnose(case: Case, label: str, got: Array, want: Array) -> str:
    """Name a mistake with a recognisable signature: a sign flip or a constant factor."""
    mask = np.abs(want) > 1e-12
    if not mask.any() or not np.allclose(got[~mask], 0, atol=1e-12):
        return ""  # wrong where the answer is 0: not a scaling mistake
    ratio = got[mask] / want[mask]
    r = float(ratio.flat[0])
    if not (math.isfinite(r) and np.allclose(ratio, r, rtol=1e-5, atol=0)):
        return ""
    for factor, message in case.factors:
        if math.isclose(r, factor, rel_tol=1e-5):
            return f"{label} is {r:.6g} times the answer: {message}"
    n, c = case.batch, case.classes
    if math.isclose(r, -1, rel_tol=1e-5):
        return f"{label} has the wrong sign: the gradient points uphill"
    if n > 1 and math.isclose(r, n, rel_tol=1e-5):
        return (
            f"{label} is N = {n} times too large: the loss is a mean over the batch, "
            "so its gradient carries the 1/N too"
        )
    if n > 1 and math.isclose(r, 1 / n, rel_tol=1e-5):
        return f"{label} is N = {n} times too small: divide by N once, not twice"
    if c > 1 and math.isclose(r, 1 / c, rel_tol=1e-5):
        return (
            f"{label} is C = {c} times too small: reduction='batchmean' divides by the batch "
            "size N only, not by N·C (that is reduction='mean')"
        )
    if got.size > 1:
        return f"{label} is off by a constant factor of {r:.6g}"
    return ""
