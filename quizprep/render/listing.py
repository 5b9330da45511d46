"""``quizprep list``: one line (or a few) per card, written as the rows arrive.

Not a rich Table: a table measures every row before drawing the first, which at 10,000 cards
was 95% of the command. Columns are sized from two numbers the index computes up front
(the longest ref and topic), so the first screen is out before the last row is read.
Deck text is written literally, with control characters removed.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable
from typing import TYPE_CHECKING, TextIO

from rich.console import Console
from rich.text import Text

from quizprep.render.style import chip, colour
from quizprep.render.text import clean as literal_text

if TYPE_CHECKING:
    from quizprep.decks.catalog import ListShape
    from quizprep.decks.index import CardRow

LEVEL = 8  # " MEDIUM "
GAP = "  "
TOPIC_MAX = 24
MIN_QUESTION = 22
WIDE = 120  # from here on, ref and topic get columns of their own


def clean(text: str) -> str:
    """One line of deck text for a column: control characters and line breaks removed."""
    return literal_text(" ".join(text.split()))


def render_card_list(console: Console, rows: Iterable[CardRow], shape: ListShape) -> None:
    if not shape.cards:
        console.print("No cards match these filters.", style="dim")
        return
    width = max(console.width, 40)
    ref_w = shape.ref_width
    topic_w = min(shape.topic_width, TOPIC_MAX)
    question_at = LEVEL + len(GAP) + ref_w + len(GAP) + topic_w + len(GAP)
    # Below 120 columns (or when refs leave too little room) the question gets the line
    # and the ref goes whole on the next one (people copy refs into `explain`).
    narrow = width < WIDE or width - question_at < MIN_QUESTION
    if narrow:
        question_at, topic_w = LEVEL + len(GAP), 0
    chips = {d: _styled(console, chip(d)) for d in ("easy", "medium", "hard")}
    ref_style = _styled(console, Text("{}", style="cyan")) if console.color_system else "{}"
    out = _Output(console.file)

    header = "Level".ljust(LEVEL) + GAP
    if not narrow:
        header += "Card".ljust(ref_w) + GAP + "Topic".ljust(topic_w) + GAP
    header += "Question"
    rule = "─" if out.fits("─") else "-"
    out.write(_bold(console, header.rstrip()) + "\n" + rule * min(width, len(header)) + "\n")
    wrap_width = width - question_at
    indent = " " * question_at
    batch: list[str] = []
    for row in rows:
        level = chips.get(row.difficulty) or f" {row.difficulty.upper()} "
        pad = " " * (LEVEL - len(row.difficulty) - 2)
        line = level + pad + GAP
        if not narrow:
            topic = clean(row.topic)
            topic = topic if len(topic) <= topic_w else topic[: topic_w - 1] + "…"
            line += ref_style.format(row.ref) + " " * (ref_w - len(row.ref))
            line += GAP + topic.ljust(topic_w) + GAP
        lines = _wrap(clean(row.question), wrap_width)
        batch.append((line + lines[0]).rstrip())
        batch += [indent + part for part in lines[1:]]
        if narrow:
            batch.append(indent + ref_style.format(row.ref))
        if len(batch) >= 200:
            out.write("\n".join(batch) + "\n")
            batch = []
    if batch:
        out.write("\n".join(batch) + "\n")
    out.flush()
    summary = Text(f"\n{shape.cards} card{'s' * (shape.cards != 1)}: ")
    for i, difficulty in enumerate(("easy", "medium", "hard")):
        summary.append(f"{shape.by_difficulty.get(difficulty, 0)} {difficulty}", colour(difficulty))
        summary.append(", " if i < 2 else "")
    console.print(summary)


class _Output:
    """The console's stream; text it cannot encode (an ASCII terminal) is replaced, not fatal."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.encoding = getattr(stream, "encoding", None) or "utf-8"

    def fits(self, text: str) -> bool:
        try:
            text.encode(self.encoding)
        except (UnicodeEncodeError, LookupError):
            return False
        return True

    def write(self, text: str) -> None:
        try:
            self.stream.write(text)
        except UnicodeEncodeError:
            self.stream.write(text.encode(self.encoding, "replace").decode(self.encoding))

    def flush(self) -> None:
        self.stream.flush()


def _wrap(text: str, width: int) -> list[str]:
    if len(text) <= width and text.isascii():
        return [text]
    if text.isascii():
        return textwrap.wrap(text, width, break_on_hyphens=False) or [""]
    # Wide characters (CJK, emoji) take two cells: let rich measure them.
    from rich.console import Console as _Console

    measure = _Console(width=width, color_system=None, legacy_windows=False)
    return [line.plain.rstrip() for line in Text(text).wrap(measure, width)] or [""]


def _styled(console: Console, text: Text) -> str:
    """``text`` as the escape codes ``console`` would write (plain when it has no colour)."""
    if not console.color_system or console.no_color:
        return text.plain
    with console.capture() as captured:
        console.print(text, end="", soft_wrap=True)
    return captured.get()


def _bold(console: Console, text: str) -> str:
    return _styled(console, Text(text, style="bold"))
