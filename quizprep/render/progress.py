"""A progress bar on stderr for long-running work (a big CSV import), only in a terminal."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console


class ProgressBar:
    """A ``progress(done, total)`` callback that draws a transient bar once ``total``
    reaches ``threshold`` and the console is a terminal; otherwise it draws nothing.

    Use as a context manager so the bar is removed when the work ends (or fails).
    """

    def __init__(self, console: Console, label: str, threshold: int = 2000) -> None:
        self.console = console
        self.label = label
        self.threshold = threshold
        self._bar: Any = None
        self._task: Any = None

    def __call__(self, done: int, total: int) -> None:
        if self._bar is None:
            if total < self.threshold or not self.console.is_terminal:
                return
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

            self._bar = Progress(
                TextColumn(self.label),
                BarColumn(),
                MofNCompleteColumn(),
                console=self.console,
                transient=True,
            )
            self._bar.start()
            self._task = self._bar.add_task(self.label, total=total)
        self._bar.update(self._task, completed=done, total=total)

    def __enter__(self) -> ProgressBar:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None
