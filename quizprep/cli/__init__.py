"""The command line (typer). ``app.py`` is the root; one module per command family."""

from quizprep.cli import code, config, decks, lookup, plan, progress, study  # noqa: F401
from quizprep.cli.app import app, main

__all__ = ["app", "main"]
