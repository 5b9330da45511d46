"""Turn a deck file into a :class:`~quizprep.decks.model.Deck`, collecting every problem on the way.

The loader never stops at the first mistake: a user fixing a deck wants the whole list,
each as ``FILE:LINE: message``. Cards with problems are left out of the returned deck;
the deck itself is ``None`` only when nothing usable is left.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from quizprep.decks.model import DIFFICULTIES, Card, Deck, FollowUp, KeyPoint
from quizprep.decks.yamlsource import Mapping, Problem, Sequence, SourceInt, line_of, read_yaml

# \Z, not $: "$" also matches before a final newline, which would let "c0\n" through.
ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}\Z")
REF_PATTERN = re.compile(r"^(?:[A-Za-z0-9][A-Za-z0-9_.-]{0,63}/)?[A-Za-z0-9][A-Za-z0-9_.-]{0,63}\Z")
MAX_KEY_POINTS = 8

DECK_FIELDS = {"deck": True, "title": True, "version": True, "cards": True, "description": False}
CARD_FIELDS = {
    "id": True,
    "topic": True,
    "difficulty": True,
    "question": True,
    "answer": True,
    "short": False,
    "key_points": True,
    "tags": False,
    "aliases": False,
    "formula": False,
    "math": False,
    "why_asked": False,
    "common_mistakes": False,
    "follow_ups": False,
    "related": False,
    "exercise": False,
    "derive": False,
}


class _Collector:
    """Problems of one file, with helpers that read a field and check its type."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.problems: list[Problem] = []

    def add(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.path, line, message))

    def fields(self, node: Mapping, spec: dict[str, bool], what: str) -> None:
        for key in node:
            if key not in spec and not str(key).startswith("x-"):
                hint = _closest(str(key), spec)
                self.add(line_of(node, key), f"unknown field {key!r} in {what}{hint}")
        for key, required in spec.items():
            if required and key not in node:
                self.add(node.line, f"{what} is missing required field {key!r}")

    def text(self, node: Mapping, key: str, what: str, *, required: bool) -> str | None:
        if key not in node:
            return None
        value = node[key]
        if value is None and not required:
            return None
        if isinstance(value, (int, float)) and not isinstance(value, bool) and key == "formula":
            return _number_text(value)
        if not isinstance(value, str):
            self.add(line_of(node, key), f"{what}: {key!r} must be text, not {_kind(value)}")
            return None
        if required and not value.strip():
            self.add(line_of(node, key), f"{what}: {key!r} is empty")
            return None
        return value.strip()

    def ident(self, node: Mapping, key: str, what: str) -> str | None:
        value = node.get(key)
        if key not in node:
            return None
        if isinstance(value, SourceInt):
            self.add(
                line_of(node, key),
                f"{what}: {key!r} {value.text} would be read as the number {int(value)}; "
                f'quote it ("{value.text}") to keep it as written',
            )
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str) or not ID_PATTERN.match(value):
            self.add(
                line_of(node, key),
                f"{what}: {key!r} must be an id (letters, digits, '-', '_', '.'; "
                f"at most 64 characters), got {value!r}",
            )
            return None
        return value

    def text_list(
        self, node: Mapping, key: str, what: str, check: Callable[[str], str | None] | None = None
    ) -> tuple[str, ...]:
        value = node.get(key)
        if value is None:
            return ()
        if not isinstance(value, Sequence):
            self.add(line_of(node, key), f"{what}: {key!r} must be a list, not {_kind(value)}")
            return ()
        out = []
        for i, item in enumerate(value):
            if isinstance(item, (int, float)) and not isinstance(item, bool):
                item = _number_text(item)
            if not isinstance(item, str) or not item.strip():
                self.add(line_of(value, i), f"{what}: {key}[{i}] must be non-empty text")
                continue
            error = check(item) if check else None
            if error:
                self.add(line_of(value, i), f"{what}: {key}[{i}] {error}")
                continue
            out.append(item.strip())
        return tuple(out)


def load_deck(path: Path, *, builtin: bool = False) -> tuple[Deck | None, list[Problem]]:
    """Load and check one deck file. Cross-deck checks (``related``) happen in the catalog."""
    data, problems = read_yaml(path)
    col = _Collector(str(path))
    col.problems.extend(problems)
    if data is None:
        return None, col.problems
    if not isinstance(data, Mapping):
        col.add(
            line_of(data),
            f"a deck must be a mapping with 'deck', 'title', 'version' and "
            f"'cards', not {_kind(data)}",
        )
        return None, col.problems

    col.fields(data, DECK_FIELDS, "deck")
    deck_id = col.ident(data, "deck", "deck")
    title = col.text(data, "title", "deck", required=True)
    description = col.text(data, "description", "deck", required=False)
    version = data.get("version")
    if "version" in data and (
        not isinstance(version, int) or isinstance(version, bool) or version < 1
    ):
        where = line_of(data, "version")
        if not any(p.line == where for p in col.problems):  # not "number too long" again
            col.add(where, f"deck: 'version' must be an integer ≥ 1, got {version!r}")
        version = None
    elif version is not None:
        version = int(version)  # a SourceInt (0x1) is still a version; store a plain int

    cards_node = data.get("cards")
    cards: list[Card] = []
    if "cards" in data:
        if not isinstance(cards_node, Sequence):
            col.add(
                line_of(data, "cards"), f"'cards' must be a list of cards, not {_kind(cards_node)}"
            )
        elif not cards_node:
            col.add(line_of(data, "cards"), "deck has no cards")
        else:
            seen: dict[str, int] = {}
            parsed: list[Card] = []  # every card with an id, valid or not, for reference checks
            for i, node in enumerate(cards_node):
                card, ok = _load_card(
                    col, node, line_of(cards_node, i), i, deck_id or "?", str(path)
                )
                if card is None:
                    continue
                if card.id in seen:
                    col.add(
                        card.line, f"duplicate card id {card.id!r} (first on line {seen[card.id]})"
                    )
                    continue
                seen[card.id] = card.line
                parsed.append(card)
                if ok:
                    cards.append(card)
            _check_local_refs(col, parsed)

    if deck_id is None or title is None or version is None or not cards:
        return None, col.problems
    deck = Deck(
        id=deck_id,
        title=title,
        version=version,
        cards=tuple(cards),
        path=path,
        builtin=builtin,
        description=description,
        line=data.line,
    )
    return deck, col.problems


def _load_card(
    col: _Collector, node: Any, line: int, index: int, deck_id: str, source: str
) -> tuple[Card | None, bool]:
    """The card (``None`` without a usable id) and whether it had no problems."""
    if not isinstance(node, Mapping):
        col.add(line, f"cards[{index}] must be a mapping, not {_kind(node)}")
        return None, False
    before = len(col.problems)
    card_id = col.ident(node, "id", f"cards[{index}]")
    what = f"card {card_id!r}" if card_id else f"cards[{index}]"
    col.fields(node, CARD_FIELDS, what)
    topic = col.text(node, "topic", what, required=True)
    question = col.text(node, "question", what, required=True)
    answer = col.text(node, "answer", what, required=True)
    difficulty = node.get("difficulty")
    if "difficulty" in node and difficulty not in DIFFICULTIES:
        col.add(
            line_of(node, "difficulty"),
            f"{what}: difficulty must be one of easy, medium, hard, got {difficulty!r}",
        )
    key_points = _key_points(col, node, what)
    follow_ups = _follow_ups(col, node, what)
    card = Card(
        deck=deck_id,
        id=card_id or "",
        topic=topic or "",
        difficulty=str(difficulty),
        question=question or "",
        answer=answer or "",
        key_points=key_points,
        tags=col.text_list(node, "tags", what),
        aliases=col.text_list(node, "aliases", what),
        formula=col.text(node, "formula", what, required=False),
        math=col.text(node, "math", what, required=False),
        why_asked=col.text(node, "why_asked", what, required=False),
        common_mistakes=col.text_list(node, "common_mistakes", what),
        follow_ups=follow_ups,
        related=col.text_list(node, "related", what, _check_ref),
        source=source,
        line=line,
        short=col.text(node, "short", what, required=False),
        exercise=_practice_name(col, node, "exercise", what),
        derive=_practice_name(col, node, "derive", what),
    )
    return (card if card_id else None), len(col.problems) == before


def _practice_name(col: _Collector, node: Mapping, field: str, what: str) -> str | None:
    """An ``exercise`` or ``derive`` name, checked against the built-in ones at its line."""
    from quizprep.core.exercises import DERIVATION_NAMES, EXERCISE_NAMES, closest

    value = col.text(node, field, what, required=False)
    names = EXERCISE_NAMES if field == "exercise" else DERIVATION_NAMES
    if value and value not in names:
        kind = "code exercise" if field == "exercise" else "derivation"
        col.add(
            line_of(node, field),
            f"{what}: {field} {value!r} is not a {kind}{closest(value, names)}",
        )
    return value


def _key_points(col: _Collector, node: Mapping, what: str) -> tuple[KeyPoint, ...]:
    value = node.get("key_points")
    if value is None:
        return ()
    if not isinstance(value, Sequence):
        col.add(line_of(node, "key_points"), f"{what}: 'key_points' must be a list")
        return ()
    if not 1 <= len(value) <= MAX_KEY_POINTS:
        col.add(
            line_of(node, "key_points"),
            f"{what}: 'key_points' needs 1 to {MAX_KEY_POINTS} items, found {len(value)}",
        )
    out = []
    for i, item in enumerate(value):
        where = f"{what}: key_points[{i}]"
        if isinstance(item, str) and item.strip():
            out.append(KeyPoint(item.strip()))
        elif isinstance(item, Mapping):
            col.fields(
                item, {"text": True, "accept": False, "reject": False, "optional": False}, where
            )
            text = col.text(item, "text", where, required=True)
            accept = col.text_list(item, "accept", where, _check_brackets)
            reject = col.text_list(item, "reject", where, _check_brackets)
            optional = item.get("optional", False)
            if not isinstance(optional, bool):
                col.add(line_of(item, "optional"), f"{where}: 'optional' must be true or false")
                optional = False
            if text:
                out.append(KeyPoint(text, accept, reject, optional))
        else:
            col.add(
                line_of(value, i), f"{where} must be text or a mapping with 'text' and 'accept'"
            )
    return tuple(out)


def _follow_ups(col: _Collector, node: Mapping, what: str) -> tuple[FollowUp, ...]:
    value = node.get("follow_ups")
    if value is None:
        return ()
    if not isinstance(value, Sequence):
        col.add(line_of(node, "follow_ups"), f"{what}: 'follow_ups' must be a list")
        return ()
    out = []
    for i, item in enumerate(value):
        where = f"{what}: follow_ups[{i}]"
        if isinstance(item, str) and item.strip():
            out.append(FollowUp(item.strip()))
        elif isinstance(item, Mapping):
            col.fields(item, {"question": True, "card": False}, where)
            question = col.text(item, "question", where, required=True)
            ref = col.text(item, "card", where, required=False)
            if ref is not None and _check_ref(ref):
                col.add(line_of(item, "card"), f"{where}: card {_check_ref(ref)}")
                ref = None
            if question:
                out.append(FollowUp(question, ref))
        else:
            col.add(
                line_of(value, i), f"{where} must be text or a mapping with 'question' and 'card'"
            )
    return tuple(out)


_OPENERS = {"(": ")", "[": "]", "{": "}"}
_CLOSERS = {")": "(", "]": "[", "}": "{"}


def _check_brackets(phrase: str) -> str | None:
    """An accept or reject phrasing whose (), [] or {} do not pair up. Usually an unquoted
    item of a flow list: ``[clip(a, −δ, δ), …]`` splits on its commas into 'clip(a', '−δ' and
    'δ)'. A half-open interval, ``[0, 1)`` or ``(0, 1]``, counts as paired."""
    stack: list[str] = []
    for ch in phrase:
        if ch in _OPENERS:
            stack.append(ch)
        elif ch in _CLOSERS:
            top = stack[-1] if stack else None
            interval = ch in ")]" and top in ("(", "[")
            if top is None:
                return f"{phrase!r} has a {ch!r} with no opening bracket before it{_FLOW_HINT}"
            if top != _CLOSERS[ch] and not interval:
                return f"{phrase!r} closes {top!r} with {ch!r}{_FLOW_HINT}"
            stack.pop()
    if stack:
        return f"{phrase!r} has an unclosed {stack[-1]!r}{_FLOW_HINT}"
    return None


_FLOW_HINT = " (an unquoted item of a flow list [a, b, c] ends at the next comma: quote it)"


def _check_ref(ref: str) -> str | None:
    if REF_PATTERN.match(ref):
        return None
    return f"{ref!r} is not a card id or deck-id/card-id"


def _check_local_refs(col: _Collector, cards: list[Card]) -> None:
    """Same-deck references can be checked now; ``deck/card`` ones wait for the catalog."""
    ids = {card.id for card in cards}
    for card in cards:
        for ref in card.related:
            if "/" not in ref and ref not in ids:
                col.add(
                    card.line,
                    f"card {card.id!r}: related card {ref!r} does not exist{_closest(ref, ids)}",
                )
        for follow in card.follow_ups:
            if follow.card and "/" not in follow.card and follow.card not in ids:
                col.add(
                    card.line,
                    f"card {card.id!r}: follow-up names card {follow.card!r}, "
                    f"which does not exist{_closest(follow.card, ids)}",
                )


def _closest(word: str, choices: Any) -> str:
    import difflib

    match = difflib.get_close_matches(word, [str(c) for c in choices], n=1, cutoff=0.6)
    return f" (did you mean {match[0]!r}?)" if match else ""


def _number_text(value: float) -> str:
    """A number the deck meant as text, as it was written (``0x1F`` stays ``0x1F``)."""
    return value.text if isinstance(value, SourceInt) else str(value)


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, Mapping | dict):
        return "a mapping"
    if isinstance(value, Sequence | list):
        return "a list"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, str):
        return "text"
    return type(value).__name__
