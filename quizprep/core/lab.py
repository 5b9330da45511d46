"""The domain layer of ``quizprep math``: what each function is, how to read the user's numbers,
and the plain-data result that :mod:`quizprep.render.math` draws (or the CLI prints as JSON).

Numbers are parsed with ``float()`` one comma-separated item at a time (``;`` separates rows
of logits), never evaluated; every user mistake is a :class:`QuizprepError`. NumPy is imported
inside the functions that compute, so importing this module stays cheap.

Results are strict JSON (``json.dumps(result, allow_nan=False)`` works): a number that is not
finite is written as the string ``"inf"``, ``"-inf"`` or ``"nan"`` (e.g. ``log 0`` typed as
``-inf`` for kl_div), and a plot point that is not finite as ``null`` (a gap in the curve).
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Mapping
from typing import Any

from quizprep.core.names import DEMOS, FUNCTIONS, resolve
from quizprep.core.registry import DEMO_INFO, SPECS, Param, Spec
from quizprep.errors import QuizprepError

MAX_NUMBERS = 200


def _canonical(name: str) -> str | None:
    key = resolve(name)
    return key if key in SPECS or key in DEMO_INFO else None


def is_known(name: str) -> bool:
    """Whether ``name`` is a function or demo of ``quizprep math`` (or an alias of one)."""
    return _canonical(name) is not None


def canonical(name: str) -> str | None:
    """The registered name ``name`` stands for (``swish`` → ``silu``), or None."""
    return _canonical(name)


def list_entries(kind: str | None = None) -> list[dict[str, str]]:
    """Every function and demo (or only one ``kind``: 'function' | 'demo'): name, kind and a
    one-line summary."""
    functions = [{"name": n, "kind": "function", "summary": SPECS[n].summary} for n in FUNCTIONS]
    demos = [{"name": n, "kind": "demo", "summary": DEMO_INFO[n][0]} for n in DEMOS]
    return [e for e in functions + demos if kind is None or e["kind"] == kind]


def _json_safe(value: Any) -> Any:
    """Non-finite floats as the strings "inf", "-inf", "nan" (see the module notes)."""
    if isinstance(value, float) and not math.isfinite(value):
        return "nan" if value != value else ("inf" if value > 0 else "-inf")
    if isinstance(value, list):
        return [_json_safe(v) for v in value]
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    return value


def _unknown(name: str) -> QuizprepError:
    names = list(SPECS) + list(DEMO_INFO)
    close = difflib.get_close_matches(name.replace("-", "_"), names, n=3, cutoff=0.6)
    close += [c for c in difflib.get_close_matches(name, names, n=3, cutoff=0.6) if c not in close]
    suggestion = f" (did you mean {', '.join(repr(c) for c in close[:3])}?)" if close else ""
    return QuizprepError(
        f"unknown math function or demo {name!r}{suggestion}",
        hint="run `quizprep math` to list them all",
    )


# ---- parsing ------------------------------------------------------------------------------


def _number(item: str, what: str, allow_log_zero: bool = False) -> float:
    text = item.strip()
    if allow_log_zero and text.lower() in ("-inf", "-infinity"):
        return -math.inf  # log 0: a log-probability may be exactly that
    try:
        value = float(text)
    except ValueError:
        spaced = len(text.split()) > 1 and all(_is_float(part) for part in text.split())
        advice = " (separate numbers with commas: 1,2,3)" if spaced else ""
        raise QuizprepError(f"{what}: {text!r} is not a number{advice}") from None
    if not math.isfinite(value):
        raise QuizprepError(f"{what}: {text!r} is not a finite number")
    return value


def _is_float(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def parse_numbers(text: str, what: str, allow_log_zero: bool = False) -> list[float]:
    """Comma-separated numbers, each through ``float()``; nothing is evaluated."""
    items = text.split(",")
    if any(not i.strip() for i in items):
        raise QuizprepError(
            f"{what}: expected comma-separated numbers such as 1,2.5,-3; got {text!r}"
        )
    if len(items) > MAX_NUMBERS:
        raise QuizprepError(f"{what}: at most {MAX_NUMBERS} numbers, got {len(items)}")
    return [_number(i, what, allow_log_zero) for i in items]


def parse_rows(text: str, what: str, allow_log_zero: bool = False) -> list[list[float]]:
    """Rows separated by ';', numbers by ','; every row the same length."""
    rows = [parse_numbers(r, what, allow_log_zero) for r in text.split(";")]
    if len({len(r) for r in rows}) != 1:
        raise QuizprepError(f"{what}: every row (separated by ';') needs the same number of values")
    if sum(len(r) for r in rows) > MAX_NUMBERS:
        raise QuizprepError(f"{what}: at most {MAX_NUMBERS} numbers in all")
    return rows


def _param_value(fn: str, key: str, spec: Param, raw: str, classes: int | None) -> Any:
    what = f"--{key.replace('_', '-')}"
    if spec.kind == "choice":
        if raw not in spec.choices:
            raise QuizprepError(f"{what} must be one of {', '.join(spec.choices)}; got {raw!r}")
        return raw
    if spec.kind == "bool":
        lowered = raw.lower()
        if lowered not in ("true", "false", "1", "0", "yes", "no"):
            raise QuizprepError(f"{what} must be true or false; got {raw!r}")
        return lowered in ("true", "1", "yes")
    if spec.kind == "int":
        value = _number(raw, what)
        if value != int(value):
            raise QuizprepError(f"{what} must be a whole number; got {raw!r}")
        return int(value)
    if spec.kind in ("floats", "float_or_floats"):
        values = parse_numbers(raw, what)
        if spec.kind == "float_or_floats" and len(values) == 1:
            return values[0]
        if classes is not None and len(values) != classes:
            raise QuizprepError(f"{what} needs one value per class ({classes}); got {len(values)}")
        return values
    return _number(raw, what)


def _check_param_ranges(specs: dict[str, Param], params: dict[str, Any]) -> None:
    for key, value in params.items():
        check = specs[key].check
        if check is None or value is None or isinstance(value, bool):
            continue
        for v in value if isinstance(value, list) else [value]:
            if not check[0](v):
                raise QuizprepError(f"--{key.replace('_', '-')} {check[1]}; got {v:g}")


def _resolve_params(
    name: str,
    specs: dict[str, Param],
    given: Mapping[str, str | None] | None,
    classes: int | None = None,
) -> dict[str, Any]:
    raw = {k.replace("-", "_"): v for k, v in (given or {}).items() if v is not None}
    unknown = sorted(set(raw) - set(specs))
    if unknown:
        takes = ", ".join(f"--{k.replace('_', '-')}" for k in specs)
        bad = ", ".join(f"--{k.replace('_', '-')}" for k in unknown)
        it_takes = f"it takes {takes}" if takes else "it has no options"
        raise QuizprepError(f"{name} does not take {bad}; {it_takes}")
    values = {k: p.default for k, p in specs.items()}
    for key, text in raw.items():
        values[key] = _param_value(name, key, specs[key], str(text).strip(), classes)
    _check_param_ranges(specs, values)
    return values


# ---- running ------------------------------------------------------------------------------


def run(
    name: str,
    x: str | None = None,
    target: str | None = None,
    params: Mapping[str, str | None] | None = None,
) -> dict[str, Any]:
    """Run a function (worked example + gradient check + plot) or a demo, as plain data."""
    key = _canonical(name.strip())
    if key is None:
        raise _unknown(name)
    if key in DEMO_INFO:
        if x is not None or target is not None:
            raise QuizprepError(f"the demo {key!r} takes no --x or --target")
        return _run_demo(key, params)
    spec = SPECS[key]
    if x is None and spec.example_params:
        given = {k.replace("-", "_"): v for k, v in (params or {}).items() if v is not None}
        params = {**spec.example_params, **given}
    xs, ts, classes = _shape_input(spec, x, target)
    values = _resolve_params(spec.name, spec.params, params, classes)
    from quizprep.core.evaluation import evaluate

    result = evaluate(spec, xs, ts, values)
    # the point is written about the example as given: with other numbers or parameters
    # ("q = 0.9", "T = 2", "loss 0.5") it would no longer be true, so it is left out
    example = _resolve_params(spec.name, spec.params, spec.example_params, classes)
    as_given = x is None and target is None and values == example
    result["point"] = spec.point if as_given else ""
    return _json_safe(result)


def _run_demo(name: str, params: Mapping[str, str | None] | None) -> dict[str, Any]:
    from quizprep.core import demos

    summary, specs = DEMO_INFO[name]
    values = _resolve_params(name, specs, params)
    result = demos.run(name, **values)
    return _json_safe(
        {"kind": "demo", "name": name, "summary": summary, "params": values, **result}
    )


def _shape_input(spec: Spec, x: str | None, target: str | None) -> tuple[Any, Any, int | None]:
    """The user's (or the default) numbers as lists shaped for the core, validated."""
    x_text = spec.x if x is None else x
    t_text = spec.default_target if target is None and x is None else target
    rows = parse_rows(x_text, "--x", allow_log_zero=spec.input == "log-probabilities")
    if spec.input == "triplet":
        if target is not None:
            raise QuizprepError("triplet_margin takes its three inputs as rows of --x, no --target")
        if len(rows) % 3:
            raise QuizprepError(
                "--x: give anchors, then positives, then negatives as rows (a multiple of 3), "
                "e.g. 0,0;1,0;0,1.5"
            )
        return rows, None, None
    classes = len(rows[0]) if spec.input in ("class-logits", "similarities") else None
    if spec.target is None:
        if target is not None:
            raise QuizprepError(f"{spec.name} takes no --target")
        return (rows if len(rows) > 1 else rows[0]), None, classes
    if spec.input == "similarities" and t_text is None:
        return rows, None, classes  # positives on the diagonal
    if t_text is None:
        raise QuizprepError(f"{spec.name} needs --target as well as --x")
    if classes is not None:
        ys = parse_numbers(t_text, "--target")
        if len(ys) != len(rows):
            raise QuizprepError(
                f"--target needs one class index per row of --x ({len(rows)}), got {len(ys)}"
            )
        if any(y != int(y) or not 0 <= y < classes for y in ys):
            raise QuizprepError(f"--target class indices must be whole numbers 0..{classes - 1}")
        return rows, [int(y) for y in ys], classes
    ts = parse_rows(t_text, "--target")
    flat_x = [v for r in rows for v in r]
    flat_t = [v for r in ts for v in r]
    if len(flat_t) != len(flat_x):
        raise QuizprepError(
            f"--target has {len(flat_t)} number{'s' * (len(flat_t) != 1)} but --x has "
            f"{len(flat_x)}: give one per input"
        )
    _check_domains(spec, flat_x, flat_t)
    # kl_div keeps its rows even for one: batchmean then divides by the number of samples
    if len(rows) > 1 or spec.input == "log-probabilities":
        if [len(r) for r in ts] != [len(r) for r in rows]:
            raise QuizprepError("--target needs the same rows as --x")
        return rows, ts, classes
    return flat_x, flat_t, classes


def _check_domains(spec: Spec, xs: list[float], ts: list[float]) -> None:
    if spec.input == "probabilities" and any(not 0 <= v <= 1 for v in xs):
        hint = " (for logits use bce_with_logits)" if spec.name == "bce" else ""
        raise QuizprepError(f"{spec.name} takes probabilities in [0, 1]{hint}")
    if spec.input == "log-probabilities" and any(v > 0 for v in xs):
        raise QuizprepError("kl_div takes log-probabilities (≤ 0) as --x, e.g. -0.69,-0.69")
    if spec.target == "probability" and any(not 0 <= v <= 1 for v in ts):
        raise QuizprepError(f"{spec.name} targets must lie in [0, 1]")
    if spec.target == "sign" and any(v not in (-1.0, 1.0) for v in ts):
        raise QuizprepError("hinge targets must be +1 or -1")
    if spec.target == "distribution" and any(v < 0 for v in ts):
        raise QuizprepError("kl_div targets are probabilities (≥ 0)")
    if spec.target == "count" and any(v < 0 for v in ts):
        raise QuizprepError(f"{spec.name} targets are counts (≥ 0)")
    if spec.input == "log-probabilities":
        lost = [t for v, t in zip(xs, ts, strict=True) if v == -math.inf and t > 0]
        if lost:
            raise QuizprepError(
                f"kl_div: the target puts {lost[0]:g} on a class whose log-probability is -inf "
                "(probability 0): the KL divergence is infinite"
            )
