"""The command line (typer). ``app.py`` is the root; one module per command family."""

from quizprep.cli import config, decks, lookup, progress, study  # noqa: F401  (registers the commands)
from quizprep.cli.app import app, main

__all__ = ["app", "main"]
