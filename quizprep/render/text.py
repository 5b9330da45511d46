"""The one way text from decks, users and imported files reaches the terminal: literally.

Deck text is full of brackets (``x[i]``, ``[mask]``, ``[INST] … [/INST]``) and colons
(``:thumbs_up:``) that rich would read as markup or emoji, and a hostile deck or progress
file can hold terminal escapes (``ESC ]0;title``, ``ESC [2J``) that retitle the window or
clear the screen. :func:`literal` makes a :class:`rich.text.Text` — never parsed as markup
or emoji — with control characters removed. Every renderer builds user-supplied text with it
(or with :func:`clean` where a plain string is needed), never by putting it in a markup
string or a bare table cell.
"""

from __future__ import annotations

import functools
from typing import Any

from rich.style import Style
from rich.text import Text

# C0 controls except tab and newline, DEL, C1 controls (which include the 8-bit CSI), the
# bidirectional overrides that reorder what is shown ("Trojan Source"), and lone surrogates
# (undecodable input) that no output encoding accepts.
UNSAFE = "[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"


@functools.cache
def _unsafe() -> Any:
    import re  # compiled on first need: 0.35 ms, and most text never needs it

    return re.compile(UNSAFE)


def clean(text: object) -> str:
    """``text`` as a string with control characters (except newline and tab) removed."""
    text = text if isinstance(text, str) else str(text)
    # Printable once newlines and tabs are set aside: no control, format (the bidi
    # overrides) or surrogate character in it, so nothing to remove.
    if text.isprintable() or text.replace("\n", "").replace("\t", "").isprintable():
        return text
    return _unsafe().sub("", text)


def literal(text: object, style: str | Style = "") -> Text:
    """``text`` as rich Text shown exactly as written: no markup, no emoji, no escapes."""
    return Text(clean(text), style=style)


# What our own glyphs become on a stream that cannot encode them (PYTHONIOENCODING=ascii,
# a cp1252 console redirected to a file): readable ASCII instead of UnicodeEncodeError.
# One character each, so tables and panels that rich measured stay aligned.
ASCII_GLYPHS = {
    "▌": "|", "│": "|", "▏": "|", "━": "-", "─": "-", "█": "#", "▓": "%", "▒": ":",
    "░": ".", "·": ".", "•": "*", "✓": "v", "✗": "x", "→": ">", "↳": ">", "←": "<",
    "⏱": " ", "—": "-", "–": "-", "−": "-", "…": ".", "“": '"', "”": '"', "‘": "'",
    "’": "'", "≥": ">", "≤": "<", "≈": "~", "×": "x", "›": ">", "‹": "<", "σ": "s",
    "Σ": "E", "θ": "t", "γ": "g", "α": "a", "β": "b", "λ": "l", "ε": "e", "μ": "u",
    "∂": "d", "∞": "8", "√": "V", "\ufffd": "?", "●": "*", "′": "'", "″": '"',
}  # fmt: skip


def ascii_fallback(error: UnicodeError) -> tuple[str, int]:
    """A codec error handler: known glyphs as ASCII, accented letters without accents,
    anything else as ``?``. Registered as ``quizprep-ascii`` by :func:`ascii_streams`."""
    if not isinstance(error, UnicodeEncodeError):
        raise error
    import unicodedata

    out = []
    for char in error.object[error.start : error.end]:
        out.append(ASCII_GLYPHS.get(char) or _ascii_shape(char, unicodedata))
    return "".join(out), error.end


def _ascii_shape(char: str, unicodedata: Any) -> str:
    """One ASCII character that looks like ``char``: box drawing by its strokes, plot
    dots (braille) as ``*``, accented letters without the accent, else ``?``."""
    code = ord(char)
    if 0x2800 <= code <= 0x28FF:
        return " " if code == 0x2800 else "*"
    if 0x2500 <= code <= 0x257F:
        name = unicodedata.name(char, "")
        across, down = "HORIZONTAL" in name, "VERTICAL" in name
        return "-" if across and not down else "|" if down and not across else "+"
    if 0x2580 <= code <= 0x259F:
        return "#"
    plain = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode()
    return plain if len(plain) == 1 else "?"


def ascii_streams(*streams: object) -> None:
    """Give text streams that cannot encode Unicode the ASCII fallback (never an error)."""
    import codecs
    import contextlib

    try:
        codecs.lookup_error("quizprep-ascii")
    except LookupError:
        codecs.register_error("quizprep-ascii", ascii_fallback)
    for stream in streams:
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("_", "-")
        if encoding.startswith("utf") or not hasattr(stream, "reconfigure"):
            continue
        with contextlib.suppress(ValueError, OSError):
            stream.reconfigure(errors="quizprep-ascii")  # type: ignore[attr-defined]
