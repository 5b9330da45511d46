"""``quizprep where`` as aligned lines: a check mark, the name, the path, what was found."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from rich.console import Console
from rich.text import Text

from quizprep.study.where import Place


def render_where(console: Console, places: Sequence[Place]) -> None:
    pad = max(len(place.name) for place in places)
    for place in places:
        line = Text("✓ " if place.ok else "✗ ", style="bold green" if place.ok else "bold red")
        line.append(f"{place.name:<{pad}}  ", style="bold")
        line.append(_home_relative(place.path), style="cyan")
        line.append(f"  {place.status}", style="dim" if place.ok else "red")
        console.print(line, soft_wrap=True)  # paths stay whole, never folded mid-word


def _home_relative(path: Path) -> str:
    home = str(Path.home())
    text = str(path)
    return "~" + text[len(home) :] if text.startswith(home + "/") else text
