"""``deck list`` as a table."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich import box
from rich.console import Console
from rich.table import Table

from quizprep.render.style import colour
from quizprep.render.text import literal


def render_deck_list(console: Console, rows: list[dict[str, Any]]) -> None:
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("Deck", overflow="fold", max_width=28)
    table.add_column("Title", ratio=1)
    table.add_column("Cards", justify="right")
    for difficulty in ("easy", "medium", "hard"):
        table.add_column(difficulty.capitalize(), justify="right", style=colour(difficulty))
    table.add_column("Due", justify="right", style="bold")
    for row in rows:
        due = "–" if row["due"] is None else str(row["due"])
        source = "built-in" if row["origin"] == "built-in" else _home_relative(row["file"])
        name = literal(row["id"], style="cyan") + literal(f"\n{source}", style="dim")
        table.add_row(name, literal(row["title"]), str(row["cards"]), str(row["easy"]),
                      str(row["medium"]), str(row["hard"]), due)  # fmt: skip
    console.print(table)


def _home_relative(path: str) -> str:
    home = str(Path.home())
    return "~" + path[len(home) :] if path.startswith(home + "/") else path
