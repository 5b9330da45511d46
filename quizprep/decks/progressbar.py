"""A progress bar for long work (a cold deck index, a big progress import), on stderr.

Plain text rather than rich: it is drawn from the domain layers, only on a terminal, and
only once the work has taken more than a second (a fast run shows nothing at all).
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

DELAY_S = 1.0
WIDTH = 30


class ProgressBar:
    def __init__(self, label: str, unit: str, stream: TextIO | None = None) -> None:
        self.label = label
        self.unit = unit
        self.stream = stream if stream is not None else sys.stderr
        self.start = time.monotonic()
        self.drawn = False
        self.last = 0.0
        try:
            self.live = self.stream.isatty()
        except (AttributeError, ValueError):
            self.live = False

    def __enter__(self) -> ProgressBar:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def update(self, done: int, total: int) -> None:
        if not self.live:
            return
        now = time.monotonic()
        if now - self.start < DELAY_S or (now - self.last < 0.1 and done < total):
            return
        self.last = now
        share = done / total if total else 1.0
        filled = int(share * WIDTH)
        bar = "█" * filled + "░" * (WIDTH - filled)
        text = f"\r{self.label} {bar} {done:,}/{total:,} {self.unit} ({now - self.start:.0f} s)"
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, UnicodeEncodeError, ValueError):
            self.live = False
            return
        self.drawn = True

    def close(self) -> None:
        if self.drawn:
            try:
                self.stream.write("\r\x1b[2K")
                self.stream.flush()
            except (OSError, ValueError):
                pass
            self.drawn = False
