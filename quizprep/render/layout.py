"""Aligned columns and rounded frames laid out by hand, as lines of rich Text.

rich.table and rich.panel lay out any renderable at any width, measuring every cell through
rich's layout engine; ``stats`` draws rows of short one-line cells, and that engine (plus
rich.table's import, which brings ``fractions`` and ``decimal``) was most of its start-up.
Here a column is as wide as its widest cell, one column may be cut (with "…") to fit the
width, and lines never end in spaces. :func:`print_lines` writes them without re-wrapping.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console
from rich.text import Text


def fit(text: Text, width: int, justify: str = "left") -> Text:
    """``text`` on one line, exactly ``width`` cells: cut with "…" or padded with spaces
    (unstyled: a chip's background stops at the chip)."""
    if "\n" in text.plain:
        text = Text(" ").join(text.split("\n", allow_blank=True))
    if text.cell_len > width:
        text = text.copy()
        text.truncate(width, overflow="ellipsis")
    pad = width - text.cell_len
    if pad <= 0:
        return text
    if justify == "right":
        return Text(" " * pad).append_text(text)
    return Text().append_text(text).append(" " * pad)


def columns(
    rows: Sequence[Sequence[Text]],
    justify: str,
    *,
    header: Sequence[str] | None = None,
    width: int | None = None,
    flex: int | None = None,
    gap: int = 3,
    indent: int = 1,
    min_flex: int = 4,
) -> list[Text]:
    """Rows of cells in aligned columns; ``justify`` holds ``l`` or ``r`` per column.

    With a ``header``, a bold header row and a rule under it (as rich's SIMPLE_HEAD box).
    Column ``flex`` shrinks (down to ``min_flex`` cells) so a line fits ``width``.
    """
    count = len(justify)
    widths = [0] * count
    for row in rows:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], cell.cell_len)
    if header is not None:
        for i, label in enumerate(header):
            widths[i] = max(widths[i], len(label))
    total = indent + sum(widths) + gap * (count - 1)
    if width is not None and flex is not None and total > width:
        widths[flex] = max(min_flex, widths[flex] - (total - width))
        total = indent + sum(widths) + gap * (count - 1)
    lines: list[Text] = []
    if header is not None:
        cells = [Text(label, style="bold") for label in header]
        lines.append(_row(cells, widths, justify, gap, indent))
        lines.append(Text(" " * indent + "─" * (total - indent)))
    lines += [_row(row, widths, justify, gap, indent) for row in rows]
    return lines


def _row(cells: Sequence[Text], widths: list[int], justify: str, gap: int, indent: int) -> Text:
    line = Text(" " * indent)
    for i, cell in enumerate(cells):
        if i:
            line.append(" " * gap)
        line.append_text(fit(cell, widths[i], "right" if justify[i] == "r" else "left"))
    line.rstrip()
    return line


def frame(title: str, lines: Sequence[Text]) -> list[Text]:
    """``lines`` in a rounded frame with ``title`` on its top edge (as rich's Panel with
    ``expand=False``): as wide as the widest line, one space of padding each side."""
    inner = max([line.cell_len for line in lines] + [len(title) + 2])
    out = [Text(f"╭─ {title} {'─' * (inner - len(title) - 1)}╮")]
    for line in lines:
        row = Text("│ ")
        row.append_text(fit(line, inner))
        row.append(" │")
        out.append(row)
    out.append(Text(f"╰{'─' * (inner + 2)}╯"))
    return out


def print_lines(console: Console, lines: Sequence[Text]) -> None:
    """Lines laid out for the console's width, written as they are: one print, without
    rich's wrapping (a line wider than the console, such as a long title on a narrow
    terminal, is printed on its own and wrapped)."""
    width = console.width
    start = 0
    for i, line in enumerate(lines):
        if line.cell_len > width:
            if start < i:
                console.print(Text("\n").join(lines[start:i]), soft_wrap=True)
            console.print(line)
            start = i + 1
    if start < len(lines):
        console.print(Text("\n").join(lines[start:]), soft_wrap=True)
