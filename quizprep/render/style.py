"""Shared look: difficulty colours and chips, consoles, error output."""

from __future__ import annotations

import sys
from typing import IO

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


# Prose is read, not scanned: on a wide terminal it wraps here rather than at 160 columns.
PROSE_WIDTH = 100


def stdout_console(*, prose: bool = True, file: IO[str] | None = None) -> Console:
    """The console for a command's output (emoji off: ":thumbs_up:" in a deck is text; text
    from decks, users and files goes through quizprep.render.text.literal).

    On a terminal, prose wraps at :data:`PROSE_WIDTH` at most. Into a pager (``file``) the
    output keeps the terminal's colours and width. Piped, lines carry no trailing spaces
    (rich pads panels and tables to the full width).
    """
    if file is not None:
        probe = Console()  # what the real terminal supports
        width = min(probe.width, PROSE_WIDTH) if prose else probe.width
        return Console(
            file=file,
            highlight=False,
            emoji=False,
            force_terminal=True,
            color_system=probe.color_system,
            width=width,
            height=probe.height,
            no_color=probe.no_color,
        )
    try:
        tty = sys.stdout.isatty()
    except (AttributeError, ValueError):
        tty = False
    if not tty:
        return Console(highlight=False, emoji=False, file=TrailingSpaceStripper(sys.stdout))
    console = Console(highlight=False, emoji=False)
    if prose and console.width > PROSE_WIDTH:
        console.width = PROSE_WIDTH
    return console


class TrailingSpaceStripper:
    """A text stream that drops spaces at the ends of lines, holding back a run of spaces
    until it knows whether the line goes on."""

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream
        self.held = ""

    def write(self, text: str) -> int:
        lines = (self.held + text).split("\n")
        self.held = ""
        *whole, last = lines
        out = "".join(line.rstrip(" ") + "\n" for line in whole)
        kept = last.rstrip(" ")
        self.held = last[len(kept) :]
        self.stream.write(out + kept)
        return len(text)

    def flush(self) -> None:
        self.stream.flush()

    def isatty(self) -> bool:
        return False

    def __getattr__(self, name: str) -> object:
        return getattr(self.stream, name)


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
