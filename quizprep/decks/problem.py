"""A problem found in a deck file."""

from typing import NamedTuple


class Problem(NamedTuple):
    """One thing wrong with a deck file, reported as ``FILE:LINE: message``."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"
