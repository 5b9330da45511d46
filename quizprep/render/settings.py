"""`quizprep config`: one line per setting, its value, and what it does."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text

if TYPE_CHECKING:
    from rich.console import Console

    from quizprep.study.settings import Setting


def render_settings(console: Console, rows: list[tuple[Setting, str | None]]) -> None:
    width = max(len(s.name) for s, _ in rows)
    for setting, value in rows:
        line = Text(f"{setting.name:<{width}}  ", style="bold")
        if value is None:
            line.append(setting.default)
            line.append("  (default)", style="dim")
        else:
            line.append(value)  # appended as plain text: a stored value is never markup
        console.print(line, soft_wrap=True)
        console.print(Text(f"{'':<{width}}  {setting.help}", style="dim"), soft_wrap=True)
    console.print(
        Text("Change one: quizprep config set NAME VALUE   Forget one: config unset NAME"),
        style="dim",
    )
