"""The one exception type for problems the user can fix."""

from __future__ import annotations


class QuizprepError(Exception):
    """A user-facing error: the CLI prints ``message`` to stderr and exits with ``exit_code``.

    Raise it for bad input (a broken deck, an unknown card, a corrupt database), never for
    bugs: those should surface as tracebacks in tests.
    """

    def __init__(self, message: str, exit_code: int = 1, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code
        self.hint = hint
