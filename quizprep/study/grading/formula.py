"""Formulas said, contradicted, sign-turned or with roles swapped, in a clause's compact math.

A clause's formulas are compacted (``2P-Y/n``, ``x*gausscdf_x``) by :mod:`.text`; here they
are compared with a key point's: as written, with variables renamed, or as a skeleton of
pieces. Nothing typed is ever evaluated.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

from quizprep.study.grading.words import distance

if TYPE_CHECKING:
    from quizprep.study.grading.text import Clause


def formula_said(formula: str, clause: Clause) -> bool:
    """The formula is in the clause as written, or with its variables named otherwise
    (``max(0, 1 − y·f(x))`` says ``max(0, 1 − y·s)``; ``2/n_in`` says ``2/fan_in``), or
    with a function's one-letter argument left out on one side (``σ(x)(1 − σ(x))`` says
    ``σ(1 − σ)``)."""
    runs = clause.math.split()
    if any(_contains(run, formula) for run in runs):
        return True
    bare = _bare(formula)
    # only a compound formula: a lone "σ" would be found in any clause with σ(x) in it
    if any(op in bare for op in "+-/^") and any(
        _contains(_bare(run), bare) or _contains(_call_free(run), _call_free(bare)) for run in runs
    ):
        return True
    want = _skeleton(formula)
    if want is None:
        return False
    size = len(want)
    own = _pieces(formula)
    for run in runs:
        pieces = _pieces(run)
        for start in range(len(pieces) - size + 1):
            window = pieces[start : start + size]
            if _rename(window) == want and not _roles_swapped(own, window):
                return True
    return False


def formula_swapped(formula: str, clause: Clause) -> bool:
    """The formula written with two of its own variables in each other's places across a
    minus, a division or an argument list: ``max(0, d(a,n) − d(a,p) + m)`` against
    ``max(0, d(a,p) − d(a,n) + m)``, ``KL(q‖p)`` against ``KL(p‖q)``. (A product or a sum
    in either order is the same quantity.)"""
    want = _skeleton(formula)
    if want is None:
        return False
    own = _pieces(formula)
    size = len(want)
    for run in clause.math.split():
        pieces = _pieces(run)
        for start in range(len(pieces) - size + 1):
            window = pieces[start : start + size]
            if _rename(window) == want and _roles_swapped(own, window):
                return True
    return False


def _roles_swapped(own: list[str], said: list[str]) -> bool:
    """``said`` is ``own`` with pairs of its variables exchanged, each pair across a ``-``,
    ``/``, ``|`` or ``,`` (not only a commutative ``+`` or ``*``)."""
    differ = [i for i, (a, b) in enumerate(zip(own, said, strict=True)) if a != b]
    if not differ or len(differ) % 2:
        return False
    pairs = []
    left = list(differ)
    while left:
        i = left.pop(0)
        j = next((k for k in left if own[k] == said[i] and own[i] == said[k]), None)
        if j is None:
            return False
        left.remove(j)
        pairs.append((i, j))
    return all(any(p in "-/|," for p in own[i + 1 : j]) for i, j in pairs)


def _said_whole(run: str, formula: str) -> bool:
    """A wrong equation said as written, its right side not continued: ``dy/dx = 0.5(1 +
    tanh u)`` is not said by ``dy/dx = 0.5(1 + tanh u) + 0.5x·sech²u·u′``."""
    if "=" not in formula:
        return _contains(run, formula)
    flat, wanted = run.replace("*", ""), formula.replace("*", "")
    start = flat.find(wanted)
    while start >= 0:
        if flat[start + len(wanted) : start + len(wanted) + 1] in ("", ",", ";", "="):
            return True
        start = flat.find(wanted, start + 1)
    return False


def _contains(run: str, formula: str) -> bool:
    """``formula`` inside ``run``, a product written with or without ``·``, and not the
    start of a longer denominator (``2/fan_in`` is not said by ``2/(fan_in + fan_out)``) nor
    divided or raised to a power there (``p − y`` is not said by ``(p − y)/(p(1 − p))``)."""
    run, formula = run.replace("*", ""), formula.replace("*", "")
    start = run.find(formula)
    while start >= 0:
        after = run[start + len(formula) : start + len(formula) + 1]
        word_before = re.search(r"[a-z]+$", run[:start])
        before_char = run[start - 1 : start]
        # "σ(x)(1 − σ(x))" or "xσ(x)" multiplies σ(x) by something: another quantity
        product = (after.isalnum() and formula[-1:] not in "+-*/^=") or (
            before_char.isalnum()
            and not (word_before is not None and word_before.group(0).endswith(_CALLS))
            and formula[:1] not in "+-*/^="
        )
        # "σ(z)ᵢ(1 − σ(z)ᵢ)": a bracketed factor of a product is not the quantity itself
        factor = (
            before_char == "("
            and start >= 2
            and (run[start - 2].isalpha() or run[start - 2] == ")")
            and not _called(run[: start - 1])
        )
        product = product or factor
        continued = "/" in formula and after in ("+", "-")  # a longer denominator
        # "(p − y)/(p(1 − p))" is another quantity than p − y
        rest = run[start + len(formula) + 1 :]
        averaged = after == "/" and re.match(r"[nmbNMB](?![a-z0-9_])", rest) is not None  # "/n"
        divided = after in ("/", "^") and not averaged and not formula.endswith(("/", "^"))
        # "(p − y)/(p(1 − p))": a denominator is a piece of another quantity
        divided = divided or (run[start - 1 : start] == "/" or run[start - 2 : start] == "/(")
        bounded = (start == 0 or run[start - 1] in "=,;<>~") and (
            start + len(formula) == len(run) or after in "=,;<>~"
        )
        if bounded or not (
            continued or divided or product or _inside_difference(run, start, formula)
        ):
            return True
        start = run.find(formula, start + 1)
    return False


def _called(head: str) -> bool:
    """``head`` ends on a function's name: what follows in brackets is its argument."""
    name = re.search(r"[a-z]+$", head)
    return name is not None and name.group(0).endswith(_CALLS)


@lru_cache(maxsize=8192)
def _bare(formula: str) -> str:
    """The formula with the one-letter arguments of its functions dropped: ``sigmoid_x`` →
    ``sigmoid`` (a longer argument, ``sigmoid_2x``, is kept: it is another quantity)."""
    return _ARGUMENT.sub(r"\1", formula)


def _call_free(formula: str) -> str:
    """``tanh_u`` (typed ``tanh(u)``) and ``tanhu`` (typed ``tanh u``) spelled alike."""
    return formula.replace("_", "")


def _inside_difference(run: str, start: int, formula: str) -> bool:
    """``σ(x)`` as the subtrahend of ``1 − σ(x)``: a piece of a larger quantity."""
    return run[start - 1 : start] in ("-", "+") and not formula[:1].isdigit()


# Names that mean themselves in a formula; any other name is a variable.
_FUNCTIONS = (
    "logsumexp|softmax|softplus|sigmoid|gausscdf|argmax|onehot|tanh|relu|gelu|silu|swish|mish"
    "|selu|elu|max|min|exp|log|ln|sum|prod|sqrt|abs|sign|kl|ce|mse|var|mean|std|e"
)
# a function name, also when another follows it unspaced ("tanhsoftplus" is tanh(softplus))
_PIECE = re.compile(
    rf"(?:{_FUNCTIONS})(?![a-z])|(?:{_FUNCTIONS})(?=(?:{_FUNCTIONS}))|[A-Z]+|[a-z]+|[0-9.]+"
    r"|[^a-zA-Z0-9\s]"
)
_KEEP = frozenset(_FUNCTIONS.split("|"))
_ARGUMENT = re.compile(rf"(?<![a-z])({_FUNCTIONS})_[a-z](?![a-z0-9_])")
_CALLS = tuple(name for name in _KEEP if len(name) > 1)  # "Σ(ŷ − y)²" is a sum, not a product


def _pieces(run: str) -> list[str]:
    # "sigmoid_x" is a call, sigmoid(x): the function and its argument
    return _PIECE.findall(run.replace("_", " "))


def _rename(pieces: list[str]) -> tuple[str, ...]:
    names: dict[str, str] = {}
    out = []
    for piece in pieces:
        if piece[0].islower() and piece not in _KEEP:
            piece = names.setdefault(piece, f"v{len(names)}")
        out.append(piece)
    return tuple(out)


@lru_cache(maxsize=4096)
def _skeleton(formula: str) -> tuple[str, ...] | None:
    """The formula with its variables renamed in order of appearance, when it has enough
    structure (two operators and a variable) to be told apart from another formula."""
    pieces = _pieces(formula)
    operators = sum(p in "+-*/^=<>|" for p in pieces)
    variables = {p for p in pieces if p[0].islower() and p not in _KEEP}
    anchored = any(p in _KEEP or p[0].isdigit() or p[0].isupper() for p in pieces)
    if operators < 2 or not variables or len(pieces) < 5 or not anchored:
        return None  # "v0 − v1 + v2" would match most formulas of that shape
    return _rename(pieces)


def formula_contradicted(formula: str, clause: Clause) -> bool:
    """Same left-hand side, a slightly different right-hand side: ``tanh_x=2sigmoid_x-1``
    against ``tanh_x=2sigmoid_2x-1``. A very different right side may be an equivalent
    form, so it is left alone."""
    if "=" not in formula:
        return False
    formula = formula.replace("*", "")  # "fan_in·Var(w)" and "fan_in Var(w)" are one product
    left, _, right = formula.partition("=")
    if len(left) < 3 or not any(ch.isalpha() for ch in left):
        return False
    said = [""]
    for run in clause.math.replace("*", "").split():
        if run.startswith(left + "="):
            said = run.split(left + "=", 1)
            break
    if len(said) < 2:
        return False
    other = re.split(r"[,;]", said[1])[0][: len(right) + 2]
    if not other or other.startswith(right):
        return False
    return distance(other[: len(right)], right, 3) <= 3 and len(right) >= 4


def formula_sign_flipped(formula: str, clause: Clause) -> bool:
    """The formula written with a sign turned over and nothing else changed: ``max(0, 1 +
    f(x)) + max(0, 1 − f(G(z)))`` against ``max(0, 1 − f(x)) + …``, the classic slip. Only a
    formula with enough structure to be told apart (see :func:`_skeleton`), in a clause
    that does not also write it as it is."""
    want = _skeleton(formula)
    if want is None or formula_said(formula, clause):
        return False
    signs = [i for i, piece in enumerate(want) if piece in ("+", "-")]
    if not signs:
        return False
    size = len(want)
    for run in clause.math.split():
        pieces = _pieces(run)
        for start in range(len(pieces) - size + 1):
            got = _rename(pieces[start : start + size])
            differ = [i for i in range(size) if got[i] != want[i]]
            if differ and all(i in signs and got[i] in ("+", "-") for i in differ):
                return True
    return False
