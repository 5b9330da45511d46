"""Safe YAML reading that remembers line numbers and refuses hostile input.

PyYAML's composer builds a node graph without constructing any objects, so nothing in a
file can run code. We then turn nodes into plain Python values ourselves, which lets us
keep the line of every mapping key and list item, count nodes (alias bombs), and reject
tags outside YAML's core schema (``!!python/object`` and friends) with a message instead
of an exception.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from quizprep.decks.problem import Problem
from quizprep.files import UnreadableFile, decode_text, read_user_file

try:  # the C loader is several times faster; fall back when libyaml is missing
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

MAX_BYTES = 2 * 1024 * 1024
# Values produced by aliases (``*name`` repeats a whole subtree). Plain nodes are bounded by
# the file size; only expansion can blow up (the "billion laughs" attack).
MAX_EXPANDED = 100_000
MAX_DEPTH = 64
# Terminal control characters (ESC sequences clear the screen or retitle the window); a
# deck is text to read, so only newline and tab are allowed.
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# A YAML 1.1 integer that reads as its decimal value: ``0x1F`` (31) or ``010`` (8) do not.
_PLAIN_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")

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


class SourceInt(int):
    """An integer written in a form that does not read as itself (``0x1F``, ``010``,
    ``1_000``): ``text`` keeps what the file said, so ids can refuse the silent change."""

    text: str


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
        text = decode_text(read_user_file(path, MAX_BYTES, what="deck file"), path)
    except UnreadableFile as exc:
        return None, [Problem(name, exc.line or 1, exc.reason)]
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
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, max(exc.position, 0)) + 1
        char = exc.character if isinstance(exc.character, str) else chr(exc.character)
        return None, [
            Problem(
                name,
                line,
                f"control character U+{ord(char):04X} is not allowed in a deck "
                "(only newline and tab)",
            )
        ]
    except yaml.YAMLError as exc:
        return None, [Problem(name, 1, f"YAML error: {str(exc)[:200]}")]
    except RecursionError:
        return None, [Problem(name, 1, "YAML nesting is too deep")]
    if node is None:
        return None, [Problem(name, 1, "file is empty")]
    if isinstance(node, yaml.ScalarNode) and node.tag == _CORE + "null":
        return None, [Problem(name, node.start_mark.line + 1, "file holds no deck (only null)")]
    converter = _Converter(name)
    try:
        data = converter.convert(node, 0)
    except _TooLarge as exc:
        return None, [*converter.problems, Problem(name, exc.args[0], exc.args[1])]
    return data, converter.problems


class _Converter:
    def __init__(self, name: str) -> None:
        self.name = name
        self.visits = 0
        self.seen: set[int] = set()
        self.problems: list[Problem] = []
        self.constructor = yaml.constructor.SafeConstructor()

    def convert(self, node: yaml.Node, depth: int) -> Any:
        line = node.start_mark.line + 1
        # A node met again is an alias being expanded; only those count against the limit.
        self.visits += 1
        self.seen.add(id(node))
        if self.visits - len(self.seen) > MAX_EXPANDED:
            raise _TooLarge(
                line, f"aliases expand to more than {MAX_EXPANDED:,} values (alias bomb?)"
            )
        if depth > MAX_DEPTH:
            raise _TooLarge(line, f"nesting deeper than {MAX_DEPTH} levels")
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, depth, line)
        if isinstance(node, yaml.SequenceNode):
            return self._sequence(node, depth, line)
        return self._scalar(node, line)

    def _scalar(self, node: yaml.ScalarNode, line: int) -> Any:
        if node.tag == _STR and not CONTROL.search(node.value):
            return node.value  # most of a deck: skip the constructor's dispatch
        if node.tag == _CORE + "timestamp":
            # An unquoted date in prose is text to a deck author, not a datetime.
            return node.value
        if node.tag not in _SCALAR_TAGS:
            self.problems.append(
                Problem(self.name, line, f"tag {_short(node.tag)} is not allowed in a deck")
            )
            return None
        if node.tag == _CORE + "str":
            match = CONTROL.search(node.value)
            if match:
                at = line + node.value.count("\n", 0, match.start())
                self.problems.append(
                    Problem(
                        self.name,
                        at,
                        f"control character U+{ord(match.group()):04X} is not allowed in a "
                        "deck (only newline and tab)",
                    )
                )
                return CONTROL.sub("", node.value)
            return node.value
        if node.tag == _CORE + "int":
            try:
                value = self.constructor.construct_object(node)
            except ValueError:  # Python refuses to parse integers of over 4,300 digits
                self.problems.append(Problem(self.name, line, "number too long"))
                return None
            if not _PLAIN_INT.fullmatch(node.value):
                out = SourceInt(value)
                out.text = node.value
                return out
            return value
        try:
            return self.constructor.construct_object(node)
        except (ValueError, OverflowError):
            self.problems.append(Problem(self.name, line, f"cannot read {node.value[:40]!r}"))
            return None

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
