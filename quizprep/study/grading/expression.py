"""A derivative typed inside a prose answer, checked as an expression.

A derivation card (``derive:``) asks for a gradient the drill checks numerically. When the
same card is answered in words (``quizprep grade``, a typed answer), the answer usually
carries the expression too: "σ'(x) = σ(x)(1 − σ(x))", "Type: 2*(yhat - y)". Each such
stretch is rewritten into the expression grammar of :mod:`quizprep.core.expr` (safe: parsed
by hand, never evaluated as Python) and compared with the reference at random points by
:func:`quizprep.core.derivations.check`.

- any stretch that matches the reference says the card's formula point;
- the final answer (after "type:", or the right side of ``d…/d… =``, ``…' =``, ``grad =``)
  parsing to something else contradicts it; an intermediate step that does not match says
  nothing (it may be a piece of the derivation).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, NamedTuple

from quizprep.core.expr import FUNCTIONS

if TYPE_CHECKING:
    from quizprep.core.derivations import Derivation

# Words an expression may hold: the grammar's functions, and names people type for variables.
_MATH_WORDS = frozenset(FUNCTIONS) | {"alpha", "lam", "yhat", "sech", "pi"}
# What people type for the grammar's names (per variable, only when the card has it).
_GREEK = {"α": "alpha", "λ": "lam", "δ": "d", "γ": "g", "σ": "sigmoid"}
_POWERS = {"²": "**2", "³": "**3"}
_FINAL = re.compile(r"\b(?:typed|type|answer|final|i\.e\.?)\s*[:.]?\s+", re.IGNORECASE)
# "so the gradient is 2*lam*w": a derivative named, then what it is
_NAMED = re.compile(r"\b(?:gradient|derivative|grad|slope)\b[^=]{0,40}?\bis\s+", re.IGNORECASE)
# the left side of a derivative: d/dx, ∂L/∂z, σ'(x), f′, grad, derivative
# (a prime on an inner quantity, "u' = …", is a step, not the answer)
_DERIVATIVE_LEFT = re.compile(
    r"(?:[∂d]\s*\w*\s*/\s*[∂d]|(?:\)|\b(?:f|y|l|σ|sigmoid|tanh|silu|softplus|elu|gelu|huber|mse"
    r"|focal|loss))\s*['′]|\bgrad|\bderivative|∇)",
    re.I,
)
# the expression a sentence ends on: maths characters and function names, no other words
_NAME = rf"\b(?:{'|'.join(sorted(_MATH_WORDS, key=len, reverse=True))}|[a-zA-Z])\b|[σαλδγŷ]"
_TAIL = re.compile(rf"(?:{_NAME}|[\d\s.+\-−*/^()·×⊙²³,<>=])+$")
# ... and the one it opens on, when a reason follows it ("σ(x)(1 − σ(x)) from the chain rule")
_HEAD = re.compile(
    rf"^(?:{_NAME}|[\d\s.+\-−*/^()·×⊙²³<>=])+"
    r"(?=\b(?:from|by|via|using|since|because|as|after|which|thanks)\b)"
)
_REGION = re.compile(
    r"\b(?:for|if|when|while|where)\b[^.;]*?(?:[<>≤≥]|\b(?:negative|positive|large|small)\b)"
    r"|\b(?:inside|outside|beyond|below|above)\b|[<>≤≥]\s*[-−]?\s*(?:0|δ|d|delta)\b",
    re.IGNORECASE,
)
MAX_PIECES = 40  # an answer has a handful of formulas; a paste of hundreds is not re-parsed


class ExpressionVerdict(NamedTuple):
    right: bool  # True: the typed derivative matches; False: the final one does not
    evidence: str
    typed: bool = False  # the wrong one was given as the answer in so many words ("Type: …")
    about: bool = False  # the answer writes out this card's function as the one differentiated
    region: str | None = None  # for a derivative given by cases, the condition of a wrong one
    cases: bool = False  # the derivative was given case by case
    bare: bool = False  # an expression on its own, nothing saying it is the derivative


def judge(derive: str, answer: str, question: str = "") -> ExpressionVerdict | None:
    """Whether the answer types the derivative ``derive`` names, rightly or wrongly; None
    when it types no expression the grammar reads. Shorthands the answer defines ("with u =
    …"), or else the question does, are written out."""
    from quizprep.core.derivations import BY_NAME, check

    found = BY_NAME.get(derive)
    if found is None:
        return None
    names = {v.name for v in found.variables}
    wrong: ExpressionVerdict | None = None
    whole = _piecewise(found, answer)
    if whole is not None:
        return whole
    # the answer's own shorthands first, then the question's; primed names ("u'") are
    # written out before their bare ones
    defined = {**_definitions(question, names), **_definitions(answer, names)}
    shorthands = sorted(defined.items(), key=lambda item: not item[0].endswith("'"))
    for piece, final in _candidates(answer)[:MAX_PIECES]:
        said = final == "typed"
        text = _substituted(_spelled(piece, names), shorthands, names)
        if not text or not re.search(r"[A-Za-z0-9]", text):
            continue
        result = check(found, text)
        if not result.rated:
            continue
        if result.ok:
            return ExpressionVerdict(True, piece.strip())
        # a constant ("the slope is 1 at 0") is a value of the derivative, not the derivative
        uses = any(re.search(rf"\b{re.escape(name)}\b", text) for name in names)
        if final and wrong is None and uses:
            region = _wrong_case(found, text)
            wrong = ExpressionVerdict(
                False,
                piece.strip(),
                said,
                _differentiates(found, answer),
                region,
                region is not None,
                not (_DERIVATIVE_LEFT.search(answer) or _NAMED.search(answer)),
            )
    return wrong


# "with u = √(2/π)(x + 0.044715x³)", "where u' = …": a shorthand the answer defines itself
_DEFINITION = re.compile(
    r"(?<![\w'′/∂])(?P<name>[a-zA-Z])(?P<prime>['′])?\s*=\s*(?P<value>[^=;\n]+?)"
    r"(?=\s*(?:[;\n]|,\s+[a-zA-Z]{2,}|:|\.\s|\.?$|\s+(?:with|where|and|so|then|from)\b))"
)


def _definitions(answer: str, names: set[str]) -> dict[str, str]:
    """The one-letter shorthands an answer defines (not the card's own variables), each
    with its value in the grammar's spelling: ``{"u": "…", "u'": "…"}``."""
    out: dict[str, str] = {}
    for found in _DEFINITION.finditer(answer):
        name = found["name"] + ("'" if found["prime"] else "")
        if found["name"] in names or found["name"] in ("e", "d") or name in out:
            continue
        value = _substituted(_spelled(found["value"], names), list(out.items()), names)
        if re.search(r"[A-Za-z0-9]", value):
            out[name] = value
    return out


def _substituted(text: str, defined: list[tuple[str, str]], names: set[str]) -> str:
    """The text with each shorthand it uses written out, and a variable before a bracket
    read as a product ("½x(1 − tanh²u)")."""
    for name, value in defined:
        bare = name.rstrip("'")
        if name.endswith("'"):
            pattern = rf"(?<![\w.]){bare}\s*['′]"
        else:
            pattern = rf"(?<![\w.]){bare}\b(?!\s*['′(])"
        text = re.sub(pattern, lambda _m, v=value: f"({v})", text)
    for name in names:
        text = re.sub(rf"(?<![\w.])({re.escape(name)})\s*\(", r"\1*(", text)
    return re.sub(r"(?<=[\d)])\s*(?=\()", "*", text)


def _wrong_case(found: Derivation, text: str) -> str | None:
    """For a typed ``where(c, a, b)`` that is wrong, the condition of its wrong case."""
    args = _arguments(text.strip(), "where")
    if args is None or len(args) != 3:
        return None
    return _wrong_side(found, *args)


def _wrong_side(found: Derivation, condition: str, first: str, second: str) -> str | None:
    """Which case of ``where(condition, first, second)`` is wrong, each checked with the
    other case as the reference has it: ``condition``, ``not (condition)`` or None."""
    from quizprep.core.derivations import check

    if not check(found, f"where({condition}, {first}, {found.answer})").ok:
        return condition
    if not check(found, f"where({condition}, {found.answer}, {second})").ok:
        return f"not ({condition})"
    return None


def _arguments(text: str, name: str) -> list[str] | None:
    """The top-level arguments of ``name(…)`` when the text is that one call."""
    if not text.startswith(f"{name}(") or not text.endswith(")"):
        return None
    args, depth, start = [], 0, len(name) + 1
    for index in range(start, len(text) - 1):
        ch = text[index]
        depth += ch == "("
        depth -= ch == ")"
        if depth < 0:
            return None  # the call closes before the end: more follows it
        if ch == "," and depth == 0:
            args.append(text[start:index].strip())
            start = index + 1
    args.append(text[start:-1].strip())
    return args


# "1 for x > 0 and α(eˣ − 1) for x ≤ 0", "a if |a| < δ, δ·sign(a) otherwise": one case each
_CASE = re.compile(
    # "…, and for x <= 0 it's alpha*exp(x)": the condition first, then what the case is
    r"(?:(?<=^)|(?<=[\s,;]))\s*(?:and\s+)?(?:for|if|when)\s+(?P<c2>[^,;]+?)\s+"
    r"(?:it's|it is|is|equals|=|gives)\s+(?P<e2>[^,;]+?)(?=\s*(?:,|;|\band\b|\.\s|\.?$))"
    r"|(?P<e>[^,;:]+?)\s+(?:for|if|when|where|once|whenever)\s+(?P<c>[^,;]+?)"
    r"(?=\s*(?:,|;|\band\b|\.\s|\.?$))"
    r"|(?P<o>[^,;:]+?)\s+(?:otherwise|elsewhere|else)\b",
)
_BOUND = re.compile(
    r"^(?P<abs>\|)?(?P<v>[a-z])\|?\s*(?P<op><=|>=|<|>|≤|≥)\s*(?P<r>[-−]?\s*(?:0|δ|d|delta|1))$"
)
_SIGN_WORDS = re.compile(r"^(?:(?P<v>[a-z])\s+)?(?P<s>positive|negative)(?:\s+(?P<w>[a-z]+))?$")


def _condition(text: str, names: set[str], wrt: str) -> str | None:
    """A case's condition in the grammar: "x > 0", "|a| ≤ δ" → abs(a) <= d, "negative x"."""
    text = text.strip().lower().replace("−", "-").replace("≤", "<=").replace("≥", ">=")
    text = re.sub(r"\s+", " ", text)
    bound = _BOUND.match(text)
    if bound is not None and bound.group("v") in names:
        right = re.sub(r"\s+", "", bound.group("r")).replace("δ", "d").replace("delta", "d")
        left = f"abs({bound.group('v')})" if bound.group("abs") else bound.group("v")
        return f"{left} {bound.group('op')} {right}"
    sign = _SIGN_WORDS.match(text)
    if sign is not None and (sign.group("v") or wrt) in names:
        return f"{sign.group('v') or wrt} {'>' if sign.group('s') == 'positive' else '<='} 0"
    return None


def _piecewise(found: Derivation, answer: str) -> ExpressionVerdict | None:
    """A derivative given case by case ("1 for x > 0 and αeˣ for x ≤ 0") read as one
    ``where(…)`` and checked whole, then case by case: a wrong case says which region."""
    from quizprep.core.derivations import check

    names = {v.name for v in found.variables}
    for sentence in re.split(r"[;\n]|(?<=[a-z)\]])\.\s+", answer):
        cases: list[tuple[str, str | None]] = []
        for case in _CASE.finditer(sentence):
            if case.group("o"):
                cases.append((case.group("o"), None))
                continue
            reversed_case = case.group("c2") is not None
            condition = _condition(case.group("c2" if reversed_case else "c"), names, found.wrt)
            said = case.group("e2" if reversed_case else "e")
            if condition is not None:
                cases.append((said, condition))
            elif not reversed_case and _uses(_right_side(said), names):
                cases.append((said, None))  # "a for small residuals": a case in words
        if len(cases) == 3 and cases[2][1] is None:
            cases.pop()  # "…, so for outliers it is capped": a remark after the two cases
        if len(cases) == 2 and cases[0][1] is None and cases[1][1] is not None:
            # "a for small residuals and δ·sign(a) once |a| > δ": the second case's
            # condition decides, the first holds otherwise
            cases.reverse()
        if len(cases) != 2 or cases[0][1] is None:
            continue
        head = sentence[: sentence.find(cases[0][0])] + cases[0][0]
        if not (_DERIVATIVE_LEFT.search(head) or _NAMED.search(head)):
            continue  # the function itself given by cases, not its derivative
        first, second = (_spelled(_right_side(e), names) for e, _ in cases)
        condition = cases[0][1]
        whole = check(found, f"where({condition}, {first}, {second})")
        if not whole.rated:
            continue
        evidence = sentence.strip()
        if whole.ok:
            return ExpressionVerdict(True, evidence, cases=True)
        region = _wrong_side(found, condition, first, second) or f"not ({condition})"
        return ExpressionVerdict(False, evidence, True, True, region, cases=True)
    return None


def _uses(expression: str, names: set[str]) -> bool:
    """A short expression in the card's variables (not a word of prose)."""
    words = re.findall(r"[A-Za-z_]+", expression)
    return len(expression) <= 40 and any(w in names for w in words) and _bare_expression(expression)


def _right_side(case: str) -> str:
    """The expression of a case: after its "=" or "is" ("ELU′(x) = 1", "it is αeˣ")."""
    case = re.split(r"=(?!=)|\bis\b", case)[-1]
    return re.sub(r"^\s*(?:and|or|but|then)\s+", "", case).strip()


# "d/dŷ (ŷ − y)² = …", "d/dx log(1 + eˣ) = …": the function written after d/d…
_DIFFERENTIATED = re.compile(
    r"[∂d]\s*/\s*[∂d]\s*(?:ŷ|\w+)\s*(?:of\s+)?\[?(?P<f>[^=]{2,80}?)\]?\s*="
)


def _differentiates(found: Derivation, answer: str) -> bool:
    """Does the answer write out the card's own function as the one it differentiates (so a
    wrong derivative is this card's, though the answer never names it)?"""
    from quizprep.core import expr
    from quizprep.core.derivations import sample

    names = {v.name for v in found.variables}
    values = None
    for written in _DIFFERENTIATED.finditer(answer):
        text = _spelled(written.group("f"), names)
        try:
            tree = expr.parse(text, frozenset(names))
        except expr.ExprError:
            continue
        if values is None:
            values = sample(found, 1)
            want = found.function(*values.values())
        try:
            if _close(expr.evaluate(tree, values), want):
                return True
        except (ValueError, FloatingPointError, TypeError):
            continue
    return False


def _close(got: object, want: object) -> bool:
    import numpy as np

    try:
        a, b = np.broadcast_arrays(np.asarray(got, dtype=float), np.asarray(want, dtype=float))
    except ValueError:
        return False
    return bool(np.all(np.isfinite(a)) and np.allclose(a, b, rtol=1e-6, atol=1e-9))


def _candidates(answer: str) -> list[tuple[str, bool | str]]:
    """Stretches that may be an expression, each with whether it is the final answer
    ("typed" when the answer says so in words: "Type: …", "the answer is …")."""
    out: list[tuple[str, bool | str]] = []
    parts = [p.strip().rstrip(".") for p in _parts(answer)]
    parts = [p for p in parts if p]
    expressions = [
        p
        for p in parts
        if "=" not in p and _bare_expression(p) and re.search(r"[a-z]\W|\W[a-z]", p)
    ]
    lone = len(expressions) == 1 and not any("=" in p for p in parts)
    for number, part in enumerate(parts):
        typed = _FINAL.search(part)
        named = typed or _NAMED.search(part)
        # "for x ≤ 0 it is α·eˣ": one region of a piecewise derivative is no whole answer
        region = (
            _REGION.search(part) is not None
            and "where(" not in part
            and not _CONDITIONAL.search(part)
        )
        if named is not None:
            out.append((part[named.end() :], "typed" if typed else not region))
        sides = re.split(r"(?<![<>=!])=(?!=)", part)
        for index in range(1, len(sides)):
            left = sides[index - 1]
            final = bool(_DERIVATIVE_LEFT.search(left[-24:])) and not region
            out.append((sides[index], final))
        bare = len(sides) == 1 and typed is None and _bare_expression(part)
        # the answer's one bare expression ("lam*w/2; weight decay") is its answer
        out.append((part, "typed" if bare and lone else bare))
        if ":" in part:  # "Written out in x: 0.5*(1 + tanh(u)) + …", at the end: the answer
            head, _, tail_text = part.rpartition(":")
            # ... unless it names one piece of it ("The first term: …")
            piece = re.search(r"\b(?:term|piece|part|factor|half)\b", head, re.I) is not None
            out.append((tail_text, number == len(parts) - 1 and not piece))
        for chosen in _CONDITIONAL.finditer(part):  # "1 if x > 0 else alpha*exp(x)"
            out.append((chosen.group(0), _bare_expression(part[: chosen.end()])))
        head = _HEAD.match(part)
        if head is not None and re.search(r"[a-z]\W|\W[a-z]", head.group(0)):
            # the answer's one expression, its reason after it: what it answers
            out.append((head.group(0), "typed" if not expressions and "=" not in part else False))
        tail = _TAIL.search(part)  # "… and you get 1/(1 + e^(-x))"
        if tail is not None and tail.start() > 0:
            out.append((tail.group(0), False))
    return out


_BREAK = re.compile(r"[;\n]|(?<=[a-z)\]])\.\s+|,\s+(?=[a-zA-Z]{3,}\s)")


def _parts(answer: str) -> list[str]:
    """The answer cut into stretches at ";", a sentence's end and ", <word> ", never inside
    brackets: "where(x > 0, 1, alpha * exp(x))" is one stretch."""
    depth_at = []
    depth = 0
    for ch in answer:
        depth_at.append(depth)
        depth += ch in "(["
        depth -= ch in ")]" and depth > 0
    out, start = [], 0
    for found in _BREAK.finditer(answer):
        if depth_at[found.start()] == 0:
            out.append(answer[start : found.start()])
            start = found.end()
    out.append(answer[start:])
    return out


# Python's conditional expression, one operand each side (a call's brackets allowed)
_OPERAND = r"[\w.*+\-−/^]+(?:\([^()]*\)[\w.*+\-−/^]*)*"
_CONDITIONAL = re.compile(
    rf"(?P<a>{_OPERAND})\s+if\s+(?P<c>[\w\s.<>=≤≥!−-]+?)\s+else\s+(?P<b>{_OPERAND})"
)


def _bare_expression(part: str) -> bool:
    """A stretch with no words of prose: the whole answer is an expression."""
    return all(w.lower() in _MATH_WORDS for w in re.findall(r"[A-Za-z]{4,}", part))


def _spelled(piece: str, names: set[str]) -> str:
    """The stretch in the grammar's spelling: Greek letters by the card's variable names,
    superscript powers, implicit products made explicit."""
    text = piece.strip().strip(",:")
    text = re.sub(r"^[^=]*\bis\s+", "", text)  # "the derivative is 2(ŷ − y)"
    text = re.sub(r"^(?:just|simply|basically|only|exactly|then)\s+", "", text)  # "is just …"
    text = text.replace("ŷ", "yhat").replace("y\u0302", "yhat").replace("y_hat", "yhat")
    for letter, name in _GREEK.items():
        if name in names or name == "sigmoid":
            text = text.replace(letter, name)
    text = text.replace("e⁻ˣ", "exp(-x)").replace("eˣ", "exp(x)")
    text = text.replace("½", "0.5").replace("¼", "0.25").replace("π", "pi")
    text = re.sub(r"√\s*(?=\()", "sqrt", text)  # "√(2/π)"
    text = re.sub(r"√\s*([\w.]+)", r"sqrt(\1)", text)  # "√2", "√d"
    text = re.sub(r"\b(alpha|lam)(?=[a-z(])", r"\1*", text)  # "αeˣ": alpha times exp(x)
    for power, spelled in _POWERS.items():
        text = text.replace(power, spelled)
    # "tanh²x", "sech²x": a function squared, its one-letter argument without brackets
    text = re.sub(
        r"\b(tanh|sech|sigmoid|cosh|softplus)\s*(?:\*\*|\^)\s*(\d)\s*([a-z])\b", r"\1(\3)**\2", text
    )
    text = re.sub(r"sech\s*(?:\*\*|\^)\s*2\s*\(([^()]*)\)", r"(1 - tanh(\1)**2)", text)
    text = re.sub(r"sech\(([^()]*)\)\s*\*\*\s*2", r"(1 - tanh(\1)**2)", text)
    # "tanh²(x)": the function's value squared
    text = re.sub(
        r"\b(?!yhat|alpha|lam)([a-z]{3,})\s*(?:\*\*|\^)\s*(\d)\s*\(([^()]*)\)", r"\1(\3)**\2", text
    )
    # "1 if x > 0 else alpha*exp(x)" is where(x > 0, 1, alpha*exp(x))
    text = _CONDITIONAL.sub(lambda m: f"where({m['c']}, {m['a']}, {m['b']})", text)
    text = text.replace("⊙", "*")  # the grammar reads −, · and × itself
    text = re.sub(r"(?<=[\d)])\s*(?=\()", "*", text)  # 2(…), (…)(…)
    text = re.sub(r"(?<=\))\s*(?=[A-Za-z\d])", "*", text)  # (…)x
    text = re.sub(r"(?<![\w.])(\d+(?:\.\d+)?)\s*(?=[A-Za-z])(?!e[-+\d])", r"\1*", text)  # 2x
    return text.strip()
