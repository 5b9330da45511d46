"""A small, safe expression language for derivation answers: parse, then evaluate with NumPy.

What a user types (``sigmoid(z) - y``) is tokenised and parsed by hand, by recursive descent,
into a tree of tuples; nothing typed is ever handed to ``eval``, ``compile`` or ``ast``. The
grammar knows numbers, the card's variables, ``pi`` and ``e``, ``+ - * / **`` (``^`` too),
unary minus, parentheses, comparisons (for ``where``) and a whitelist of functions. Anything
else (attribute access, subscripts, keywords, strings, lambdas) is a parse error with the
column where it went wrong. Input length, token count, nesting depth and constant exponents
are bounded, so no expression can take long to parse or to evaluate.

Evaluation is elementwise on float64 arrays. Vector functions (``softmax``, ``sum``, ``max``
with one argument, ``logsumexp``) work along the last axis and keep it, so ``s * (v - sum(s*v))``
broadcasts the way it reads on paper.
"""

from __future__ import annotations

import math
import re
from typing import Any, NamedTuple

MAX_LENGTH = 400
MAX_TOKENS = 200
MAX_DEPTH = 40
MAX_EXPONENT = 16.0

# name -> (min args, max args)
FUNCTIONS: dict[str, tuple[int, int]] = {
    "exp": (1, 1), "log": (1, 1), "log1p": (1, 1), "expm1": (1, 1), "sqrt": (1, 1),
    "abs": (1, 1), "sign": (1, 1), "sigmoid": (1, 1), "tanh": (1, 1), "cosh": (1, 1),
    "softplus": (1, 1), "relu": (1, 1), "softmax": (1, 1), "logsumexp": (1, 1),
    "sum": (1, 1), "mean": (1, 1), "max": (1, 2), "min": (1, 2), "clip": (3, 3),
    "where": (3, 3),
}  # fmt: skip
CONSTANTS: dict[str, float] = {"pi": math.pi, "e": math.e}
# What people type for the same thing: σ for sigmoid, ^ for power, · and × for times.
ALIASES: dict[str, str] = {"σ": "sigmoid", "ln": "log"}
_UNICODE_OPS = {"−": "-", "·": "*", "×": "*", "÷": "/", "≤": "<=", "≥": ">="}

_TOKEN = re.compile(
    r"\s*(?:(?P<num>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)|(?P<name>[A-Za-z_σ][A-Za-z0-9_]*)"
    r"|(?P<op>\*\*|<=|>=|[-+*/^(),<>]))"
)

Node = tuple  # ("num", v) | ("var", name) | ("neg", a) | ("bin", op, a, b) | ("call", f, args)


class ExprError(ValueError):
    """The expression is not allowed or does not parse; ``column`` is 1-based (0: whole)."""

    def __init__(self, message: str, column: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.column = column


class Token(NamedTuple):
    kind: str  # num | name | op | end
    text: str
    column: int


def tokenize(text: str) -> list[Token]:
    if len(text) > MAX_LENGTH:
        raise ExprError(f"the expression is {len(text)} characters long; at most {MAX_LENGTH}")
    for uni, ascii_op in _UNICODE_OPS.items():
        text = text.replace(uni, ascii_op)
    tokens: list[Token] = []
    pos = 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        match = _TOKEN.match(text, pos)
        if match is None or match.end() == pos:
            col = pos + len(text[pos:]) - len(text[pos:].lstrip()) + 1
            raise ExprError(f"unexpected character {text[col - 1]!r}", col)
        kind = match.lastgroup or "op"
        value = match.group(kind)
        tokens.append(Token(kind, value, match.start(kind) + 1))
        pos = match.end()
        if len(tokens) > MAX_TOKENS:
            raise ExprError(f"the expression has more than {MAX_TOKENS} tokens")
    tokens.append(Token("end", "", len(text) + 1))
    return tokens


class _Parser:
    def __init__(self, tokens: list[Token], variables: frozenset[str]) -> None:
        self.tokens = tokens
        self.i = 0
        self.variables = variables
        self.depth = 0

    @property
    def tok(self) -> Token:
        return self.tokens[self.i]

    def take(self, text: str | None = None) -> Token:
        tok = self.tok
        if text is not None and tok.text != text:
            found = "the end" if tok.kind == "end" else repr(tok.text)
            raise ExprError(f"expected {text!r} but found {found}", tok.column)
        self.i += 1
        return tok

    def parse(self) -> Node:
        if self.tok.kind == "end":
            raise ExprError("the expression is empty")
        node = self.comparison()
        if self.tok.kind != "end":
            raise ExprError(f"unexpected {self.tok.text!r}", self.tok.column)
        return node

    def _enter(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ExprError(f"the expression nests more than {MAX_DEPTH} deep", self.tok.column)

    def comparison(self) -> Node:
        left = self.additive()
        if self.tok.text in ("<", "<=", ">", ">="):
            op = self.take().text
            left = ("bin", op, left, self.additive())
        return left

    def additive(self) -> Node:
        node = self.term()
        while self.tok.text in ("+", "-"):
            op = self.take().text
            node = ("bin", op, node, self.term())
        return node

    def term(self) -> Node:
        node = self.unary()
        while self.tok.text in ("*", "/"):
            op = self.take().text
            node = ("bin", op, node, self.unary())
        return node

    def unary(self) -> Node:
        if self.tok.text in ("-", "+"):
            op = self.take().text
            self._enter()
            inner = self.unary()
            self.depth -= 1
            return ("neg", inner) if op == "-" else inner
        return self.power()

    def power(self) -> Node:
        base = self.atom()
        if self.tok.text in ("**", "^"):
            tok = self.take()
            self._enter()
            exponent = self.unary()  # right-associative: a**b**c = a**(b**c)
            self.depth -= 1
            value = constant_value(exponent)
            if value is not None and not abs(value) <= MAX_EXPONENT:
                raise ExprError(
                    f"exponent {value:g} is too large; at most {MAX_EXPONENT:g} in size",
                    tok.column,
                )
            return ("bin", "**", base, exponent)
        return base

    def atom(self) -> Node:
        tok = self.tok
        if tok.kind == "num":
            self.take()
            return ("num", float(tok.text))
        if tok.text == "(":
            self.take()
            self._enter()
            node = self.comparison()
            self.depth -= 1
            self.take(")")
            return node
        if tok.kind == "name":
            self.take()
            name = ALIASES.get(tok.text, tok.text)
            if self.tok.text == "(":
                return self.call(name, tok)
            if name in self.variables:
                return ("var", name)
            if name in CONSTANTS:
                return ("num", CONSTANTS[name])
            if name in FUNCTIONS:
                raise ExprError(f"{name} is a function: write {name}(...)", tok.column)
            raise ExprError(f"unknown name {tok.text!r}{_known(self.variables)}", tok.column)
        if tok.kind == "end":
            raise ExprError("the expression ends too early", tok.column)
        raise ExprError(f"unexpected {tok.text!r}", tok.column)

    def call(self, name: str, tok: Token) -> Node:
        if name not in FUNCTIONS:
            raise ExprError(
                f"unknown function {tok.text!r}; allowed: {', '.join(sorted(FUNCTIONS))}",
                tok.column,
            )
        self.take("(")
        self._enter()
        args = [self.comparison()]
        while self.tok.text == ",":
            self.take()
            args.append(self.comparison())
        self.depth -= 1
        self.take(")")
        low, high = FUNCTIONS[name]
        if not low <= len(args) <= high:
            want = str(low) if low == high else f"{low} or {high}"
            raise ExprError(f"{name} takes {want} argument(s), got {len(args)}", tok.column)
        return ("call", name, tuple(args))


def _known(variables: frozenset[str]) -> str:
    return f"; variables here: {', '.join(sorted(variables))}" if variables else ""


def parse(text: str, variables: frozenset[str] | set[str] | tuple[str, ...]) -> Node:
    """The expression tree of ``text`` over ``variables``, or :class:`ExprError`."""
    return _Parser(tokenize(text), frozenset(variables)).parse()


def constant_value(node: Node) -> float | None:
    """The value of a subtree without variables (for the exponent bound), else None."""
    kind = node[0]
    if kind == "num":
        return node[1]
    if kind == "neg":
        inner = constant_value(node[1])
        return None if inner is None else -inner
    if kind == "bin" and node[1] in ("+", "-", "*", "/", "**"):
        a, b = constant_value(node[2]), constant_value(node[3])
        if a is None or b is None:
            return None
        try:
            if node[1] == "**":
                # both sides are bounded by the parser, but keep the check cheap and safe
                return math.inf if abs(b) > MAX_EXPONENT else float(a) ** float(b)
            return {"+": a + b, "-": a - b, "*": a * b, "/": a / b if b else math.inf}[node[1]]
        except (OverflowError, ZeroDivisionError, ValueError):
            return math.inf
    return None


def variables_of(node: Node) -> set[str]:
    kind = node[0]
    if kind == "var":
        return {node[1]}
    children = {"num": (), "neg": node[1:], "bin": node[2:]}.get(
        kind, node[2] if kind == "call" else ()
    )
    out: set[str] = set()
    for child in children:
        out |= variables_of(child)
    return out


def evaluate(node: Node, values: dict[str, Any]) -> Any:
    """The tree's value with NumPy, elementwise in float64 (warnings silenced: inf and nan
    are results to compare, not errors)."""
    import numpy as np

    with np.errstate(all="ignore"):
        return np.asarray(_eval(node, values, np), dtype=np.float64)


def _eval(node: Node, values: dict[str, Any], np: Any) -> Any:
    kind = node[0]
    if kind == "num":
        return np.float64(node[1])
    if kind == "var":
        return values[node[1]]
    if kind == "neg":
        return -_eval(node[1], values, np)
    if kind == "bin":
        a = _eval(node[2], values, np)
        b = _eval(node[3], values, np)
        op = node[1]
        if op == "+":
            return a + b
        if op == "-":
            return a - b
        if op == "*":
            return a * b
        if op == "/":
            return np.divide(a, b)
        if op == "**":
            return np.power(np.asarray(a, dtype=np.float64), b)
        comparisons = {"<": np.less, "<=": np.less_equal, ">": np.greater, ">=": np.greater_equal}
        return comparisons[op](a, b)
    name, args = node[1], [_eval(arg, values, np) for arg in node[2]]
    return _call(name, args, np)


def _call(name: str, args: list[Any], np: Any) -> Any:
    x = args[0]
    simple = {
        "exp": np.exp, "log": np.log, "log1p": np.log1p, "expm1": np.expm1, "sqrt": np.sqrt,
        "abs": np.abs, "sign": np.sign, "tanh": np.tanh, "cosh": np.cosh,
    }  # fmt: skip
    if name in simple:
        return simple[name](x)
    if name == "sigmoid":
        e = np.exp(-np.abs(x))
        return np.where(x >= 0, 1 / (1 + e), e / (1 + e))
    if name == "softplus":
        return np.maximum(x, 0) + np.log1p(np.exp(-np.abs(x)))
    if name == "relu":
        return np.maximum(x, 0)
    x = np.asarray(x, dtype=np.float64)
    if name in ("softmax", "logsumexp"):
        top = np.max(x, axis=-1, keepdims=True) if x.ndim else x
        shifted = np.exp(x - top)
        total = shifted.sum(axis=-1, keepdims=True) if x.ndim else shifted
        return shifted / total if name == "softmax" else top + np.log(total)
    if name == "sum":
        return x.sum(axis=-1, keepdims=True) if x.ndim else x
    if name == "mean":
        return x.mean(axis=-1, keepdims=True) if x.ndim else x
    if name in ("max", "min"):
        if len(args) == 2:
            return (np.maximum if name == "max" else np.minimum)(x, args[1])
        reduce = np.max if name == "max" else np.min
        return reduce(x, axis=-1, keepdims=True) if x.ndim else x
    if name == "clip":
        return np.clip(x, args[1], args[2])
    if name == "where":
        return np.where(np.asarray(x, dtype=bool), args[1], args[2])
    raise ExprError(f"unknown function {name!r}")  # unreachable: the parser checked
