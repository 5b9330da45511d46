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
        return _checked(Path(override).expanduser(), "QUIZPREP_HOME")
    # Imported here: only commands that touch the data folder pay for it.
    import platformdirs

    return _checked(Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)), "the data folder")


def _checked(home: Path, name: str) -> Path:
    """``home``, unless it (or the nearest part of it that exists) is not a folder.

    Otherwise every command would fail somewhere deep inside with NotADirectoryError.
    """
    from quizprep.errors import QuizprepError

    probe = home
    while True:
        try:
            if probe.is_dir():
                return home
            exists = probe.exists() or probe.is_symlink()
        except OSError:
            return home  # cannot tell (permissions): let the real access report it
        if exists:
            what = "is a file" if probe == home else f"lies under {probe}, which is a file"
            raise QuizprepError(
                f"{name} ({home}) {what}, not a folder",
                hint="Point QUIZPREP_HOME at a folder (it is created if missing).",
            )
        if probe.parent == probe:
            return home
        probe = probe.parent


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
