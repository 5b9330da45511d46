"""Safe YAML reading that remembers line numbers and refuses hostile input.

PyYAML's composer builds a node graph without constructing any objects, so nothing in a
file can run code. We then turn nodes into plain Python values ourselves, which lets us
keep the line of every mapping key and list item, count nodes (alias bombs), and reject
tags outside YAML's core schema (``!!python/object`` and friends) with a message instead
of an exception.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from quizprep.decks.problem import Problem

try:  # the C loader is several times faster; fall back when libyaml is missing
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

MAX_BYTES = 2 * 1024 * 1024
MAX_NODES = 100_000
MAX_DEPTH = 64

_CORE = "tag:yaml.org,2002:"
_SCALAR_TAGS = {_CORE + t for t in ("str", "int", "float", "bool", "null")}
_STR = _CORE + "str"


class Mapping(dict):
    """A dict that knows its own line and the line of each key."""

    line: int
    key_lines: dict[Any, int]


class Sequence(list):
    """A list that knows its own line and the line of each item."""

    line: int
    item_lines: list[int]


class _TooLarge(Exception):
    pass


def line_of(value: Any, key: Any = None, default: int = 1) -> int:
    """Line of ``value`` (or of ``value[key]`` when ``key`` is given) in its file."""
    if key is not None:
        if isinstance(value, Mapping):
            return value.key_lines.get(key, value.line)
        if isinstance(value, Sequence) and isinstance(key, int) and key < len(value.item_lines):
            return value.item_lines[key]
    return getattr(value, "line", default)


def read_yaml(path: Path) -> tuple[Any, list[Problem]]:
    """Parse one YAML file into plain values carrying line numbers.

    Returns ``(data, problems)``; ``data`` is ``None`` when the file cannot be read at all.
    Never raises for bad input.
    """
    name = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            return None, [
                Problem(name, 1, f"file is {size / 1e6:.1f} MB; decks may be at most 2 MB")
            ]
        raw = path.read_bytes()
    except OSError as exc:
        return None, [Problem(name, 1, f"cannot read file: {exc.strerror or exc}")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        return None, [
            Problem(name, line, f"not UTF-8 (byte 0x{raw[exc.start]:02x}); save the file as UTF-8")
        ]
    return parse_yaml(text, name)


def parse_yaml(text: str, name: str) -> tuple[Any, list[Problem]]:
    """Parse YAML text; see :func:`read_yaml`."""
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        what = " ".join(p for p in (exc.context, exc.problem) if p) or "invalid YAML"
        lines = text.split("\n")
        if mark is not None and mark.line < len(lines) and "\t" in lines[mark.line]:
            what += " (the line has a tab: YAML indents with spaces only)"
        return None, [Problem(name, line, f"YAML syntax error: {what}")]
    except yaml.YAMLError as exc:
        return None, [Problem(name, 1, f"YAML error: {exc}")]
    except RecursionError:
        return None, [Problem(name, 1, "YAML nesting is too deep")]
    if node is None:
        return None, [Problem(name, 1, "file is empty")]
    converter = _Converter(name)
    try:
        data = converter.convert(node, 0)
    except _TooLarge as exc:
        return None, [*converter.problems, Problem(name, exc.args[0], exc.args[1])]
    return data, converter.problems


class _Converter:
    def __init__(self, name: str) -> None:
        self.name = name
        self.nodes = 0
        self.problems: list[Problem] = []
        self.constructor = yaml.constructor.SafeConstructor()

    def convert(self, node: yaml.Node, depth: int) -> Any:
        line = node.start_mark.line + 1
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise _TooLarge(
                line, f"document expands to more than {MAX_NODES:,} values (alias bomb?)"
            )
        if depth > MAX_DEPTH:
            raise _TooLarge(line, f"nesting deeper than {MAX_DEPTH} levels")
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, depth, line)
        if isinstance(node, yaml.SequenceNode):
            return self._sequence(node, depth, line)
        return self._scalar(node, line)

    def _scalar(self, node: yaml.ScalarNode, line: int) -> Any:
        if node.tag == _STR:  # most of a deck: skip the constructor's dispatch
            return node.value
        if node.tag == _CORE + "timestamp":
            # An unquoted date in prose is text to a deck author, not a datetime.
            return node.value
        if node.tag not in _SCALAR_TAGS:
            self.problems.append(
                Problem(self.name, line, f"tag {_short(node.tag)} is not allowed in a deck")
            )
            return None
        return self.constructor.construct_object(node)

    def _sequence(self, node: yaml.SequenceNode, depth: int, line: int) -> Sequence:
        if node.tag != _CORE + "seq":
            self.problems.append(
                Problem(self.name, line, f"tag {_short(node.tag)} is not allowed in a deck")
            )
        out = Sequence(self.convert(child, depth + 1) for child in node.value)
        out.line = line
        out.item_lines = [child.start_mark.line + 1 for child in node.value]
        return out

    def _mapping(self, node: yaml.MappingNode, depth: int, line: int) -> Mapping:
        if node.tag != _CORE + "map":
            self.problems.append(
                Problem(self.name, line, f"tag {_short(node.tag)} is not allowed in a deck")
            )
        out = Mapping()
        out.line = line
        out.key_lines = {}
        for key_node, value_node in node.value:
            key_line = key_node.start_mark.line + 1
            if key_node.tag == _CORE + "merge":
                self.problems.append(
                    Problem(self.name, key_line, "merge keys (<<) are not supported")
                )
                continue
            key = self.convert(key_node, depth + 1)
            if not isinstance(key, (str, int, float, bool)) and key is not None:
                self.problems.append(
                    Problem(self.name, key_line, "mapping keys must be plain text")
                )
                continue
            if key in out:
                self.problems.append(
                    Problem(
                        self.name,
                        key_line,
                        f"duplicate key {key!r} (first on line {out.key_lines[key]})",
                    )
                )
                continue
            out[key] = self.convert(value_node, depth + 1)
            out.key_lines[key] = key_line
        return out


def _short(tag: str) -> str:
    return "!!" + tag[len(_CORE) :] if tag.startswith(_CORE) else tag
