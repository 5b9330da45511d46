"""``deck list`` as a table."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from quizprep.render.style import colour
from quizprep.render.text import clean, literal


def render_deck_list(console: Console, rows: list[dict[str, Any]]) -> None:
    """Anki's deck screen: what each deck holds for today, then where its file is.

    Paths go below the table, each on its own line and never wrapped by us: a table cell
    would fold a long path in the middle of a word.
    """
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("Deck", style="cyan", no_wrap=True)
    table.add_column("Title", ratio=1)
    table.add_column("New", justify="right", style="blue")
    table.add_column("Learn", justify="right", style="red")
    table.add_column("Due", justify="right", style="green")
    table.add_column("Cards", justify="right")
    if console.width >= 100:
        for difficulty in ("easy", "medium", "hard"):
            table.add_column(difficulty.capitalize(), justify="right", style=colour(difficulty))
    for row in rows:
        today = [_count(row.get(k)) for k in ("new", "learning", "due")]
        levels = [str(row[d]) for d in ("easy", "medium", "hard")] if console.width >= 100 else []
        table.add_row(literal(row["id"]), literal(row["title"]), *today, str(row["cards"]), *levels)
    console.print(table)
    pad = max((len(row["id"]) for row in rows), default=0)
    for row in rows:
        limit = row.get("new_limit")
        limit_text = f"  {limit} new/day" if limit is not None else ""
        where = "built-in" if row["origin"] == "built-in" else _home_relative(row["file"])
        line = literal(f"  {row['id']:<{pad}}", style="cyan")
        line.append(clean(f"  {where}{limit_text}"), style="dim")
        console.print(line, soft_wrap=True)


def _count(value: int | None) -> Text:
    if value is None:
        return Text("–", style="dim")
    return Text(str(value), style="" if value else "dim")


def render_marks(
    console: Console, table: str, rows: list[dict[str, Any]], removed: list[str]
) -> None:
    """``quizprep suspended`` / ``quizprep flagged``."""
    verb = "Unsuspended" if table == "suspended" else "Unflagged"
    if removed:
        console.print(literal(f"{verb}: {', '.join(removed)}", style="green"), soft_wrap=True)
    if not rows:
        console.print(Text(f"No {table} cards.", style="dim"))
        return
    for row in rows:
        question = row["question"] or "(no longer in any deck)"
        console.print(literal(f"  {row['card']}", style="cyan") + literal(f"  {question}"))
    option = "--unsuspend" if table == "suspended" else "--unflag"
    console.print(Text(f"{len(rows)} {table}. Undo: quizprep {table} {option} CARD", style="dim"))


def _home_relative(path: str) -> str:
    home = str(Path.home())
    return "~" + path[len(home) :] if path.startswith(home + "/") else path
