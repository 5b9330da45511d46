"""Shared look: difficulty colours and chips, consoles, error output."""

from __future__ import annotations

import sys

from rich.console import Console
from rich.text import Text

DIFFICULTY_COLOURS = {"easy": "green3", "medium": "dark_orange", "hard": "red3"}
_CHIP_STYLES = {
    "easy": "bold black on green3",
    "medium": "bold black on dark_orange",
    "hard": "bold white on red3",
}


def colour(difficulty: str) -> str:
    return DIFFICULTY_COLOURS.get(difficulty, "grey50")


def chip(difficulty: str) -> Text:
    """A coloured ``EASY`` / ``MEDIUM`` / ``HARD`` label."""
    return Text(f" {difficulty.upper()} ", style=_CHIP_STYLES.get(difficulty, "reverse"))


def stdout_console() -> Console:
    # emoji=False: ":thumbs_up:" in a deck is text. Markup stays on for our own strings;
    # text from decks, users and files goes through quizprep.render.text.literal.
    return Console(highlight=False, emoji=False)


def stderr_console() -> Console:
    return Console(stderr=True, highlight=False, emoji=False)


def print_error(message: str, hint: str | None = None) -> None:
    console = stderr_console()
    first, _, rest = message.partition("\n")
    from quizprep.render.text import literal

    console.print(Text("Error: ", style="bold red") + literal(first), soft_wrap=True)
    if rest:
        console.print(literal(rest), soft_wrap=True)
    if hint:
        console.print(literal(hint, style="dim"))
    sys.stderr.flush()
