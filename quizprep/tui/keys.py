"""Reading what the user does: one keypress in a terminal, one line per action otherwise.

In a terminal, single keys work without Enter (the terminal is put in raw mode for the
read only and always restored, so output and Ctrl-C behave normally in between). When
stdin is a pipe or file, each line is one action, so scripts and tests can drive a drill:
``printf '\\n3\\n\\n1\\nq\\n' | quizprep drill``.

A typed answer (:meth:`KeySource.read_answer`) is its own small line editor in a terminal, so
that Esc and Ctrl-D leave the prompt at once, whatever was typed: nothing typed there is ever
taken for a command (``q`` followed by words is an answer, not quit). Piped, a line holding
only Esc (``\\x1b``) leaves the prompt.
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

    def read_answer(self, prompt: str = "") -> str | None:
        """A typed answer; ``None`` when the user left the prompt (Esc or Ctrl-D).

        Raises KeyboardInterrupt on Ctrl-C and EOFError when piped input ends.
        """
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
            tty.setraw(self.fd, termios.TCSANOW)  # TCSAFLUSH would drop keys typed ahead
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

    def read_answer(self, prompt: str = "") -> str | None:
        import codecs
        import termios
        import tty

        head, _, prefix = prompt.rpartition("\n")
        out = self.echo
        if head:
            out.write(head + "\n")
        out.write(prefix)
        out.flush()
        editor = _LineEditor(prefix, _columns(self.fd))
        decoder = codecs.getincrementaldecoder("utf-8")("replace")
        saved = termios.tcgetattr(self.fd)
        try:
            tty.setraw(self.fd, termios.TCSANOW)  # TCSAFLUSH would drop keys typed ahead
            while True:
                data = os.read(self.fd, 1)
                if not data or data == CTRL_D.encode():
                    answer = None
                    break
                if data == CTRL_C.encode():
                    raise KeyboardInterrupt
                if data == ESCAPE.encode():
                    if self._pending():  # an arrow or function key, not Esc itself
                        self._drain()
                        continue
                    answer = None
                    break
                if data in (b"\r", b"\n"):
                    if self._pending():  # a pasted line break: keep going, as a space
                        out.write(editor.insert(" "))
                        out.flush()
                        continue
                    answer = editor.text
                    break
                text = decoder.decode(data)
                if text:
                    out.write(editor.key(text))
                    out.flush()
        finally:
            out.write("\r\n")
            out.flush()
            termios.tcsetattr(self.fd, termios.TCSADRAIN, saved)
        return answer

    def _pending(self) -> bool:
        import select

        return bool(select.select([self.fd], [], [], 0.03)[0])


def _columns(fd: int) -> int:
    try:
        return max(os.get_terminal_size(fd).columns, 10)
    except OSError:
        return 80


def _cells(text: str) -> int:
    import unicodedata

    return sum(
        0 if unicodedata.combining(ch) else 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        for ch in text
    )


class _LineEditor:
    """The text of a typed answer and the bytes that redraw it in a raw-mode terminal.

    Appending just echoes. Deleting redraws from the prompt's start: the cursor climbs back
    over the wrapped rows (relative moves, so a screen that scrolled does not matter), the
    rest of the screen is cleared and prompt and text are written again.
    """

    def __init__(self, prefix: str, columns: int) -> None:
        self.prefix = prefix
        self.columns = columns
        self.text = ""

    def key(self, char: str) -> str:
        if char in ("\x7f", "\x08"):  # Backspace
            return self._set(self.text[:-1])
        if char == "\x15":  # Ctrl-U: clear the line
            return self._set("")
        if char == "\x17":  # Ctrl-W: delete the last word
            kept = self.text.rstrip()
            return self._set(kept[: kept.rfind(" ") + 1])
        if char == "\t":
            return self.insert(" ")
        if not char.isprintable():
            return ""
        return self.insert(char)

    def insert(self, char: str) -> str:
        self.text += char
        return char

    def _set(self, text: str) -> str:
        used = _cells(self.prefix) + _cells(self.text)
        # A full last row leaves the cursor on that row (pending wrap), hence used - 1.
        up = (used - 1) // self.columns if used else 0
        self.text = text
        return (f"\x1b[{up}A" if up else "") + "\r\x1b[J" + self.prefix + text


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

    def read_answer(self, prompt: str = "") -> str | None:
        line = self.read_line(prompt)
        return None if line.strip() == ESCAPE else line


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
