"""Where quizprep keeps its data and where the built-in decks live."""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "quizprep"


def data_home() -> Path:
    """The data folder: ``$QUIZPREP_HOME`` if set, else the platform's user data folder.

    This is the only function that decides it; everything else (database, user decks)
    lives below the folder it returns. The folder is not created here.
    """
    override = os.environ.get("QUIZPREP_HOME")
    if override:
        return Path(override).expanduser()
    # Imported here: only commands that touch the data folder pay for it.
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def user_decks_dir() -> Path:
    """Decks in this folder are loaded automatically, next to the built-in ones."""
    return data_home() / "decks"


def database_path() -> Path:
    return data_home() / "progress.sqlite3"


def builtin_content_dir() -> Path:
    """The built-in decks: packaged inside the wheel, or ``content/`` in a source checkout."""
    here = Path(__file__).resolve().parent
    packaged = here / "content"
    if packaged.is_dir():
        return packaged
    return here.parent / "content"
