"""``quizprep where``: every place quizprep keeps something, and whether each is usable.

Looks only: nothing is created, and the database is opened read-only.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import NamedTuple


class Place(NamedTuple):
    name: str
    path: Path
    ok: bool
    status: str  # what was found, in a few words

    def to_json(self) -> dict[str, object]:
        return {"name": self.name, "path": str(self.path), "ok": self.ok, "status": self.status}


def places() -> list[Place]:
    from quizprep.paths import builtin_content_dir, data_home, database_path, user_decks_dir

    home = data_home()
    source = "$QUIZPREP_HOME" if os.environ.get("QUIZPREP_HOME") else "the platform default"
    return [
        _folder("data folder", home, f"set by {source}"),
        _database(database_path()),
        _decks("decks folder", user_decks_dir(), "decks here load automatically"),
        _folder("backups", home / "backups", "copies made before risky changes"),
        _cache(home / "cache" / "decks.marshal"),
        _schema(home / "deck.schema.json"),
        _decks("built-in decks", builtin_content_dir(), "shipped with quizprep"),
    ]


def _writable(path: Path) -> bool:
    """Whether quizprep could write here: the folder, or the nearest one that exists."""
    probe = path
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    return os.access(probe, os.W_OK)


def _folder(name: str, path: Path, what: str) -> Place:
    if path.is_dir():
        ok = _writable(path)
        return Place(name, path, ok, what if ok else "not writable: check its permissions")
    if path.exists():
        return Place(name, path, False, "is a file, not a folder")
    ok = _writable(path)
    return Place(name, path, ok, "not created yet" if ok else "cannot be created (permissions)")


def _decks(name: str, path: Path, what: str) -> Place:
    place = _folder(name, path, what)
    if not path.is_dir():
        return place
    count = sum(1 for p in path.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())
    return place._replace(status=f"{count} deck file{'s' * (count != 1)}; {place.status}")


def _cache(path: Path) -> Place:
    if not path.exists():
        return Place("deck cache", path, True, "not built yet (the next lookup builds it)")
    size = path.stat().st_size
    return Place("deck cache", path, True, f"{size / 1024:.0f} KiB; safe to delete")


def _schema(path: Path) -> Place:
    if not path.is_file():
        return Place("deck schema", path, True, "not installed (quizprep deck schema --install)")
    from quizprep.decks.templates import schema_text

    current = path.read_text(encoding="utf-8", errors="replace") == schema_text()
    status = "up to date" if current else "outdated: quizprep deck schema --install"
    return Place("deck schema", path, True, status)


def _database(path: Path) -> Place:
    if not path.exists():
        ok = _writable(path)
        return Place("database", path, ok, "not created yet (your first drill creates it)")
    import sqlite3

    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            version = db.execute("SELECT MAX(version) FROM schema_migrations").fetchone()[0]
            reviews = db.execute("SELECT COUNT(*) FROM review_log").fetchone()[0]
            check = db.execute("PRAGMA quick_check").fetchone()[0]
        finally:
            db.close()
    except sqlite3.Error as exc:
        return Place("database", path, False, f"unreadable: {exc}")
    if check != "ok":
        return Place("database", path, False, f"damaged: {check}")
    if not os.access(path, os.W_OK):
        return Place("database", path, False, f"{reviews} reviews, but read-only")
    size = path.stat().st_size / 1024
    return Place("database", path, True, f"{reviews} reviews, schema {version}, {size:.0f} KiB")
