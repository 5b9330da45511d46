"""Reading what the user does: one keypress in a terminal, one line per action otherwise.

In a terminal, single keys work without Enter (the terminal is put in raw mode for the
read only and always restored, so output and Ctrl-C behave normally in between). When
stdin is a pipe or file, each line is one action, so scripts and tests can drive a drill:
``printf '\\n3\\n\\n1\\nq\\n' | quizprep drill``.
"""

from __future__ import annotations

import contextlib
import os
import sys
from typing import Protocol, TextIO

ENTER = "enter"
CTRL_C = "\x03"
CTRL_D = "\x04"
ESCAPE = "\x1b"


class KeySource(Protocol):
    interactive: bool

    def read_key(self) -> str:
        """The next action: a single character, or ``"enter"``.

        Raises KeyboardInterrupt on Ctrl-C and EOFError when input ends.
        """
        ...

    def read_line(self, prompt: str = "") -> str:
        """A line of free text (typed answers). Raises EOFError when input ends."""
        ...


class TerminalKeys:
    """Single keypresses from a real terminal via termios."""

    interactive = True

    def __init__(self, stream: TextIO | None = None, echo: TextIO | None = None) -> None:
        self.stream = stream or sys.stdin
        self.echo = echo or sys.stdout
        self.fd = self.stream.fileno()

    def read_key(self) -> str:
        import termios
        import tty

        saved = termios.tcgetattr(self.fd)
        try:
            tty.setraw(self.fd)
            data = os.read(self.fd, 1)
            if data == ESCAPE.encode():
                # Arrow and function keys arrive as escape sequences: swallow the rest.
                self._drain()
        finally:
            termios.tcsetattr(self.fd, termios.TCSADRAIN, saved)
        if not data or data == CTRL_D.encode():
            raise EOFError
        if data == CTRL_C.encode():
            raise KeyboardInterrupt
        if data in (b"\r", b"\n"):
            return ENTER
        if data == ESCAPE.encode():
            return ESCAPE
        if data[0] >= 0x80:
            return self._finish_utf8(data)
        return data.decode("ascii", "replace")

    def _drain(self) -> None:
        import select

        while select.select([self.fd], [], [], 0.02)[0]:
            if not os.read(self.fd, 32):
                break

    def _finish_utf8(self, first: bytes) -> str:
        need = 1 if first[0] >= 0xC0 else 0
        need += first[0] >= 0xE0
        need += first[0] >= 0xF0
        rest = os.read(self.fd, need) if need else b""
        return (first + rest).decode("utf-8", "replace")

    def read_line(self, prompt: str = "") -> str:
        # Cooked mode with echo: the terminal does the line editing (backspace etc).
        self.echo.write(prompt)
        self.echo.flush()
        line = self.stream.readline()
        if not line:
            raise EOFError
        return line.rstrip("\r\n")


class LineKeys:
    """One action per line, for pipes and files. A blank line is Enter."""

    interactive = False

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stdin

    def read_key(self) -> str:
        line = self.stream.readline()
        if not line:
            raise EOFError
        text = line.strip()
        if not text:
            return ENTER
        if text.lower() in ("space", "enter"):
            return ENTER
        return text[0] if len(text) == 1 else text

    def read_line(self, prompt: str = "") -> str:
        line = self.stream.readline()
        if not line:
            raise EOFError
        return line.rstrip("\r\n")


def for_stdin(stream: TextIO | None = None) -> KeySource:
    """Keypresses when ``stream`` (default stdin) is a terminal, else one line per action.

    Bytes that are not valid in the input's encoding (a Latin-1 terminal, a stray byte)
    are read as U+FFFD rather than ending the drill with UnicodeDecodeError; with a C
    locale Python would otherwise decode them to lone surrogates that nothing can save.
    """
    stream = stream or sys.stdin
    if stream is None:  # started with <&-: input has already ended
        import io

        return LineKeys(io.StringIO(""))
    reconfigure = getattr(stream, "reconfigure", None)
    if reconfigure is not None:
        with contextlib.suppress(ValueError, OSError):
            reconfigure(errors="replace")
    try:
        is_tty = stream.isatty() and stream.fileno() >= 0
    except (AttributeError, ValueError, OSError):
        is_tty = False
    if is_tty:
        try:
            import termios

            termios.tcgetattr(stream.fileno())
        except (ImportError, OSError):  # no termios (Windows) or not really a tty
            return LineKeys(stream)
        return TerminalKeys(stream)
    return LineKeys(stream)
