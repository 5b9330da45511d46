"""Automatic backups of the progress database, taken before anything deletes or rewrites it.

``reset``, ``deck orphans --prune`` and ``progress import`` call :func:`take_backup` first;
a copy goes to ``backups/`` next to the database (the newest :data:`KEPT` are kept), made
with SQLite's online backup API so it is consistent even while another quizprep writes.
If no copy can be made, nothing is changed.
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import suppress
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from quizprep.errors import QuizprepError

if TYPE_CHECKING:
    from quizprep.study.storage import Storage

KEPT = 5


def backups_dir(database: Path) -> Path:
    return database.parent / "backups"


def list_backups(folder: Path) -> list[Path]:
    """Backups in ``folder``, oldest first (their names start with the time taken)."""
    try:
        return sorted(folder.glob("progress-*.sqlite3"))
    except OSError:
        return []


def take_backup(storage: Storage, reason: str, keep: int = KEPT) -> Path:
    """Copy ``storage``'s database into its backups folder; returns the copy's path.

    Raises QuizprepError when no copy can be made, so the caller changes nothing.
    """
    now = datetime.now()
    stamp = f"{now:%Y%m%d-%H%M%S}-{now.microsecond // 1000:03d}"
    folder = backups_dir(storage.path)
    target = folder / f"progress-{stamp}-{reason}.sqlite3"
    temp = folder / f".{target.name}.tmp"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        copy = sqlite3.connect(temp)
        try:
            storage.copy_into(copy)
        finally:
            copy.close()
        os.replace(temp, target)
    except (OSError, sqlite3.Error, QuizprepError) as exc:
        with suppress(OSError):
            temp.unlink()
        why = exc.message if isinstance(exc, QuizprepError) else str(exc)
        raise QuizprepError(
            f"{folder}: cannot back up the progress database ({why}); nothing was changed",
            hint="Free some disk space or fix the folder's permissions, then try again.",
        ) from None
    for old in list_backups(folder)[:-keep]:
        with suppress(OSError):
            old.unlink()
    return target
