"""Lasting progress: one SQLite file holding card state, the review log and settings.

Card state is keyed by ``(deck id, card id)`` so editing a card's text keeps its progress.
The scheduler's card is stored as opaque JSON (storage knows nothing about FSRS) next to
``state`` and ``due`` columns that queries use. Every write commits before returning, and
the file runs in WAL mode so two terminals can drill at once.

A write never gives up because another quizprep holds the lock (a long ``progress import``,
a second drill): it waits, says so once on stderr ("waiting for another quizprep…"), and
retries until it gets the lock; Ctrl-C still interrupts the wait. Reading a damaged row
(a scheduler card that is not JSON, an unknown state, a due date out of range) is reported
as a corrupt database naming the file, never a traceback. A read-only database (or data
folder) is opened read-only, so commands that only read still work.

Times are integer milliseconds since the Unix epoch (UTC) in the database and aware UTC
datetimes everywhere else. Records are NamedTuples rather than dataclasses: a drill imports
this module before its first card is drawn, and NamedTuples cost a fraction to define.
"""

from __future__ import annotations

import contextlib
import sqlite3
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import NamedTuple

from quizprep.errors import QuizprepError
from quizprep.study.migrations import MIGRATIONS, SCHEMA_VERSION

CardKey = tuple[str, str]

# State codes stored in the log and in card_state. 1–3 are FSRS's own State values; a card
# that has never been rated has no card_state row and is logged as NEW.
NEW, LEARNING, REVIEW, RELEARNING = 0, 1, 2, 3
STATE_NAMES = {NEW: "new", LEARNING: "learning", REVIEW: "review", RELEARNING: "relearning"}

BUSY_TIMEOUT_MS = 5000
# While waiting for the write lock, SQLite is asked to wait this long at a time, so that
# Ctrl-C (checked between attempts) stops the wait promptly.
LOCK_POLL_MS = 200
# Say that we are waiting once the wait is long enough for a person to notice.
WAIT_NOTE_AFTER_S = 0.5
WAIT_NOTE = "waiting for another quizprep to finish writing… (Ctrl-C stops)"
# Stored times outside these are damage (year 9999 is datetime's limit).
MIN_MS, MAX_MS = 0, 253_402_300_799_999
SUSPENDED, FLAGGED = "suspended", "flagged"
MARKS = (SUSPENDED, FLAGGED)


def to_ms(moment: datetime) -> int:
    if moment.tzinfo is None:
        raise ValueError("naive datetime: pass an aware (UTC) datetime")
    return round(moment.timestamp() * 1000)


def from_ms(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, tz=timezone.utc)


def _note_waiting() -> None:
    try:
        sys.stderr.write(WAIT_NOTE + "\n")
        sys.stderr.flush()
    except (OSError, ValueError, AttributeError):
        pass  # no stderr to tell: keep waiting all the same


def _is_busy(exc: sqlite3.Error) -> bool:
    text = str(exc).lower()
    return "locked" in text or "busy" in text


class DamagedRow(Exception):
    """A stored row quizprep cannot have written; turned into the corrupt-database error."""


class StoredCard(NamedTuple):
    """A card's scheduling state as saved: the scheduler's JSON plus the queried columns."""

    key: CardKey
    fsrs: str
    state: int
    due: datetime


class ReviewRecord(NamedTuple):
    """What one rating changes; built by the caller from the state read in the transaction."""

    reviewed_at: datetime
    rating: int
    duration_ms: int | None
    fsrs_after: str
    state_after: int
    due_after: datetime
    source: str = "drill"  # or "interview"


class LogEntry(NamedTuple):
    id: int
    key: CardKey
    reviewed_at: datetime
    rating: int
    duration_ms: int | None
    state_before: int
    state_after: int
    interval_before: int | None  # seconds
    interval_after: int  # seconds
    due_after: datetime


class Orphan(NamedTuple):
    """Progress for a card that no loaded deck contains any more."""

    key: CardKey
    reviews: int
    last_review: datetime | None
    has_state: bool


def _recovery_hint(path: Path) -> str:
    return (
        f"Move it aside to start fresh (your old progress stays in the moved file): "
        f"mv '{path}' '{path}.broken'"
    )


class Storage:
    """The progress database. Open with :meth:`open`; use as a context manager to close."""

    def __init__(self, connection: sqlite3.Connection, path: Path) -> None:
        self._db = connection
        self.path = path
        self.readonly = False
        # Called once when a write has to wait for another quizprep's lock.
        self.on_wait: Callable[[], None] = _note_waiting
        self._depth = 0  # nesting of transaction(): only the outermost begins and commits

    # -- opening -------------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path | None = None) -> Storage:
        """Open (creating if needed) and migrate the database; ``None`` means the default."""
        if path is None:
            from quizprep.paths import database_path

            path = database_path()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise QuizprepError(
                f"{path.parent}: cannot create the data folder ({exc.strerror or exc})",
                hint="Set QUIZPREP_HOME to a folder you can write to.",
            ) from None
        if path.is_dir():
            raise QuizprepError(
                f"{path}: is a folder, not a progress database", hint=_recovery_hint(path)
            )
        storage = None
        try:
            # isolation_level=None: we issue BEGIN/COMMIT ourselves, so nothing is left
            # in an implicit transaction between ratings.
            db = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
            storage = cls(db, path)
            with storage._errors():
                db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
                # Some filesystems (network mounts) refuse WAL and keep the rollback journal:
                # every commit still lasts, concurrent readers only wait longer.
                storage._retry_locked(lambda: db.execute("PRAGMA journal_mode = WAL"))
                # FULL: a commit survives power loss too, not only a killed process.
                db.execute("PRAGMA synchronous = FULL")
                db.execute("PRAGMA foreign_keys = ON")
                storage._migrate()
        except QuizprepError as exc:
            if storage is not None:
                storage.close()
            readonly = cls._open_readonly(path, exc)
            if readonly is None:
                raise
            return readonly
        except sqlite3.Error as exc:
            if storage is not None:
                storage.close()
            raise storage_error(path, exc) from None
        return storage

    @classmethod
    def _open_readonly(cls, path: Path, error: QuizprepError) -> Storage | None:
        """The database opened read-only, when it exists but cannot be written (a
        read-only file or folder): commands that only read (stats, deck list, a cram
        drill, progress export) still work; a write reports the permission problem."""
        if "for writing" not in error.message or not path.is_file():
            return None
        from urllib.parse import quote

        base = "file:" + quote(str(path.resolve()))
        # mode=ro needs the -shm file to exist or be creatable; immutable=1 does not, and
        # nothing can write here anyway.
        for query in ("?mode=ro", "?mode=ro&immutable=1"):
            try:
                db = sqlite3.connect(base + query, uri=True, isolation_level=None)
                db.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
                storage = cls(db, path)
                storage.readonly = True
                if storage.schema_version() != SCHEMA_VERSION:
                    storage.close()
                    return None  # it would need migrating, which needs writing
                return storage
            except (sqlite3.Error, QuizprepError):
                continue
        return None

    def close(self) -> None:
        with suppress(sqlite3.Error):
            self._db.close()

    def __enter__(self) -> Storage:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _errors(self) -> Iterator[None]:
        try:
            yield
        except sqlite3.Error as exc:
            raise storage_error(self.path, exc) from None
        except DamagedRow as exc:
            raise QuizprepError(
                f"{self.path}: the progress database is unreadable or corrupt ({exc})",
                hint=_recovery_hint(self.path),
            ) from None

    def _retry_locked(self, attempt: Callable[[], object]) -> None:
        """Run ``attempt`` until another connection's lock lets it through.

        Never gives up: a rating must not be lost because a long import holds the lock.
        SQLite waits a short while per attempt, so that Ctrl-C (seen between attempts)
        stops the wait promptly; the wait is announced once (``on_wait``).
        """
        started = time.monotonic()
        announced = False
        self._db.execute(f"PRAGMA busy_timeout = {LOCK_POLL_MS}")
        try:
            while True:
                try:
                    attempt()
                    return
                except sqlite3.OperationalError as exc:
                    if not _is_busy(exc):
                        raise
                if not announced and time.monotonic() - started >= WAIT_NOTE_AFTER_S:
                    self.on_wait()
                    announced = True
                time.sleep(0.01)
        finally:
            self._db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")

    def _begin(self) -> None:
        self._retry_locked(lambda: self._db.execute("BEGIN IMMEDIATE"))

    def _rollback(self) -> None:
        """Roll back the open transaction, if SQLite has not already done so itself (it
        does after a full disk): a second ROLLBACK would fail and hide the real error."""
        if self._db.in_transaction:
            with suppress(sqlite3.Error):
                self._db.execute("ROLLBACK")

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One immediate transaction: the write lock is taken before anything is read.

        Nested use joins the outer transaction (committed or rolled back as one).
        """
        if self._depth:
            self._depth += 1
            try:
                yield self._db
            finally:
                self._depth -= 1
            return
        with self._errors():
            if self.readonly:
                raise sqlite3.OperationalError("attempt to write a readonly database")
            self._begin()
            self._depth = 1
            try:
                yield self._db
                self._retry_locked(lambda: self._db.execute("COMMIT"))
            except BaseException:
                self._rollback()
                raise
            finally:
                self._depth = 0

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """Several writes as one immediate transaction, for modules with their own tables
        (interviews, progress sync): all of it is committed, or none of it."""
        with self._write() as db:
            yield db

    def check_writable(self) -> None:
        """Take the write lock and let it go: a read-only file or folder shows up now, with
        a clear message, rather than at the first rating after the user has answered."""
        with self._errors():
            if self.readonly:
                raise sqlite3.OperationalError("attempt to write a readonly database")
            self._begin()
            try:
                # Only an actual write hits "readonly"; rolled back, so nothing changes.
                self._db.execute("INSERT OR REPLACE INTO settings VALUES ('write probe', '')")
            finally:
                self._rollback()

    def schema_version(self) -> int:
        with self._errors():
            row = self._db.execute("SELECT MAX(version) FROM schema_migrations").fetchone()
        return int(row[0] or 0)

    def _migrate(self) -> None:
        db = self._db
        db.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at INTEGER NOT NULL)"
        )
        current = self.schema_version()
        if current > SCHEMA_VERSION:
            raise QuizprepError(
                f"{self.path}: this progress database was written by a newer quizprep "
                f"(schema {current}; this version knows up to {SCHEMA_VERSION})",
                hint="Upgrade quizprep, or move the file aside to start fresh.",
            )
        for version, description, statements in MIGRATIONS:
            if version <= current:
                continue
            with self._write():
                # Re-check inside the lock: another terminal may have just migrated.
                done = db.execute(
                    "SELECT 1 FROM schema_migrations WHERE version = ?", (version,)
                ).fetchone()
                if done:
                    continue
                for statement in statements:
                    db.execute(statement)
                db.execute(
                    "INSERT INTO schema_migrations VALUES (?, ?, ?)",
                    (version, description, to_ms(datetime.now(timezone.utc))),
                )

    # -- card state ----------------------------------------------------------------------

    def state(self, key: CardKey) -> StoredCard | None:
        with self._errors():
            row = self._db.execute(
                "SELECT fsrs, state, due FROM card_state WHERE deck_id = ? AND card_id = ?", key
            ).fetchone()
            return _stored(key, *row) if row else None

    def states(self) -> dict[CardKey, StoredCard]:
        """Every stored card state (one row per card ever rated; small next to the log)."""
        with self._errors():
            rows = self._db.execute(
                "SELECT deck_id, card_id, fsrs, state, due FROM card_state"
            ).fetchall()
            return {(d, c): _stored((d, c), f, s, due) for d, c, f, s, due in rows}

    def review(
        self, key: CardKey, compute: Callable[[StoredCard | None], ReviewRecord]
    ) -> LogEntry:
        """Rate a card: read its state, let ``compute`` schedule it, write state and log.

        All under one write lock and committed before returning, so a second terminal
        rating the same card builds on this result instead of overwriting it.
        """
        with self._write() as db:
            before = self._state_in(db, key)
            record = compute(before)
            at = to_ms(record.reviewed_at)
            due_after = to_ms(record.due_after)
            interval_before = None
            if before is not None:
                last = db.execute(
                    "SELECT reviewed_at FROM review_log WHERE deck_id = ? AND card_id = ?"
                    " ORDER BY reviewed_at DESC, id DESC LIMIT 1",
                    key,
                ).fetchone()
                if last is not None:
                    interval_before = (to_ms(before.due) - last[0]) // 1000
            row = (
                key[0],
                key[1],
                at,
                record.rating,
                record.duration_ms,
                before.state if before else NEW,
                record.state_after,
                interval_before,
                (due_after - at) // 1000,
                to_ms(before.due) if before else None,
                due_after,
                before.fsrs if before else None,
                record.fsrs_after,
                record.source,
            )
            cursor = db.execute(
                "INSERT INTO review_log (deck_id, card_id, reviewed_at, rating, duration_ms,"
                " state_before, state_after, interval_before, interval_after, due_before,"
                " due_after, fsrs_before, fsrs_after, source)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                row,
            )
            db.execute(
                "INSERT INTO card_state (deck_id, card_id, fsrs, state, due) VALUES (?,?,?,?,?)"
                " ON CONFLICT (deck_id, card_id) DO UPDATE SET"
                " fsrs = excluded.fsrs, state = excluded.state, due = excluded.due",
                (key[0], key[1], record.fsrs_after, record.state_after, due_after),
            )
            log_id = int(cursor.lastrowid or 0)
        return LogEntry(
            id=log_id,
            key=key,
            reviewed_at=from_ms(at),
            rating=record.rating,
            duration_ms=record.duration_ms,
            state_before=row[5],
            state_after=record.state_after,
            interval_before=interval_before,
            interval_after=row[8],
            due_after=from_ms(due_after),
        )

    @staticmethod
    def _state_in(db: sqlite3.Connection, key: CardKey) -> StoredCard | None:
        row = db.execute(
            "SELECT fsrs, state, due FROM card_state WHERE deck_id = ? AND card_id = ?", key
        ).fetchone()
        return _stored(key, *row) if row else None

    def undo(self, log_id: int) -> None:
        """Remove one log row and put the card back as it was before that rating.

        Refuses (QuizprepError) when the card has been rated again since, e.g. in another
        terminal: restoring the old state would silently drop that later rating.
        """
        with self._write() as db:
            row = db.execute(
                "SELECT deck_id, card_id, state_before, due_before, fsrs_before, fsrs_after"
                " FROM review_log WHERE id = ?",
                (log_id,),
            ).fetchone()
            if row is None:
                raise QuizprepError("nothing to undo: that rating is no longer in the log")
            deck_id, card_id, state_before, due_before, fsrs_before, fsrs_after = row
            current = self._state_in(db, (deck_id, card_id))
            if current is None or current.fsrs != fsrs_after:
                raise QuizprepError(
                    f"cannot undo: {deck_id}/{card_id} was rated again since (another terminal?)"
                )
            db.execute("DELETE FROM review_log WHERE id = ?", (log_id,))
            if fsrs_before is None:
                db.execute(
                    "DELETE FROM card_state WHERE deck_id = ? AND card_id = ?", (deck_id, card_id)
                )
            else:
                db.execute(
                    "UPDATE card_state SET fsrs = ?, state = ?, due = ?"
                    " WHERE deck_id = ? AND card_id = ?",
                    (fsrs_before, state_before, due_before, deck_id, card_id),
                )

    # -- the log -------------------------------------------------------------------------

    def log(self, key: CardKey | None = None) -> list[LogEntry]:
        """Review log rows, oldest first (all cards, or one)."""
        query = (
            "SELECT id, deck_id, card_id, reviewed_at, rating, duration_ms, state_before,"
            " state_after, interval_before, interval_after, due_after FROM review_log"
        )
        args: tuple = ()
        if key is not None:
            query += " WHERE deck_id = ? AND card_id = ?"
            args = key
        with self._errors():
            rows = self._db.execute(query + " ORDER BY reviewed_at, id", args).fetchall()
            return [
                LogEntry(
                    r[0],
                    (r[1], r[2]),
                    stored_time(r[3], "review_log.reviewed_at"),
                    r[4],
                    r[5],
                    r[6],
                    r[7],
                    r[8],
                    r[9],
                    stored_time(r[10], "review_log.due_after"),
                )
                for r in rows
            ]

    def new_cards_by_deck_since(
        self, since: datetime, until: datetime | None = None
    ) -> dict[str, int]:
        """Per deck: how many cards had their first ever rating at or after ``since`` (and
        before ``until``, a day later by default, as in :meth:`new_cards_since`)."""
        end = until if until is not None else since + timedelta(days=1)
        with self._errors():
            rows = self._db.execute(
                "SELECT deck_id, COUNT(DISTINCT card_id) FROM review_log"
                " WHERE reviewed_at >= ? AND reviewed_at < ? AND state_before = ?"
                " GROUP BY deck_id",
                (to_ms(since), to_ms(end), NEW),
            ).fetchall()
        return {deck: int(count) for deck, count in rows}

    def new_cards_since(self, since: datetime, until: datetime | None = None) -> int:
        """How many cards had their first ever rating at or after ``since`` (and before
        ``until``, by default a day later: a review stamped in the future, from a damaged
        import, must not use up today's new cards)."""
        end = until if until is not None else since + timedelta(days=1)
        with self._errors():
            row = self._db.execute(
                "SELECT COUNT(DISTINCT deck_id || '/' || card_id) FROM review_log"
                " WHERE reviewed_at >= ? AND reviewed_at < ? AND state_before = ?",
                (to_ms(since), to_ms(end), NEW),
            ).fetchone()
        return int(row[0])

    def reading(self) -> contextlib.AbstractContextManager[None]:
        """For callers converting rows themselves: damage becomes the corrupt-database error."""
        return self._errors()

    def query(self, sql: str, args: Iterable[object] | dict[str, object] = ()) -> list[tuple]:
        """Read-only aggregate queries for stats (kept here so sqlite errors stay clear)."""
        params = args if isinstance(args, dict) else tuple(args)
        with self._errors():
            return self._db.execute(sql, params).fetchall()

    # -- burying (skip until tomorrow) ---------------------------------------------------

    def bury(self, key: CardKey, until: datetime) -> None:
        with self._write() as db:
            db.execute(
                "INSERT INTO buried VALUES (?, ?, ?) ON CONFLICT (deck_id, card_id)"
                " DO UPDATE SET until = excluded.until",
                (key[0], key[1], to_ms(until)),
            )

    def unbury(self, key: CardKey) -> None:
        with self._write() as db:
            db.execute("DELETE FROM buried WHERE deck_id = ? AND card_id = ?", key)

    def buried(self, now: datetime) -> set[CardKey]:
        """Cards skipped until a time still in the future."""
        with self._errors():
            rows = self._db.execute(
                "SELECT deck_id, card_id FROM buried WHERE until > ?", (to_ms(now),)
            ).fetchall()
        return {(d, c) for d, c in rows}

    # -- suspending and flagging ---------------------------------------------------------

    def mark(self, table: str, key: CardKey, at: datetime | None) -> None:
        """Suspend or flag a card (``table`` is ``suspended`` or ``flagged``); ``at=None``
        takes the mark off again."""
        if table not in MARKS:
            raise ValueError(f"unknown mark {table!r}")
        with self._write() as db:
            if at is None:
                db.execute(f"DELETE FROM {table} WHERE deck_id = ? AND card_id = ?", key)
            else:
                db.execute(
                    f"INSERT INTO {table} VALUES (?, ?, ?) ON CONFLICT (deck_id, card_id)"
                    " DO UPDATE SET at = excluded.at",
                    (key[0], key[1], to_ms(at)),
                )

    def marked(self, table: str) -> dict[CardKey, datetime]:
        """Every suspended (or flagged) card and when it was marked."""
        if table not in MARKS:
            raise ValueError(f"unknown mark {table!r}")
        with self._errors():
            rows = self._db.execute(f"SELECT deck_id, card_id, at FROM {table}").fetchall()
        return {(d, c): from_ms(at) for d, c, at in rows}

    # -- settings ------------------------------------------------------------------------

    def setting(self, name: str, default: str | None = None) -> str | None:
        with self._errors():
            row = self._db.execute("SELECT value FROM settings WHERE key = ?", (name,)).fetchone()
        return row[0] if row else default

    def settings(self, prefix: str) -> dict[str, str]:
        """Every setting whose name starts with ``prefix``."""
        with self._errors():
            rows = self._db.execute(
                "SELECT key, value FROM settings WHERE substr(key, 1, ?) = ?",
                (len(prefix), prefix),
            ).fetchall()
        return dict(rows)

    def delete_setting(self, name: str) -> None:
        with self._write() as db:
            db.execute("DELETE FROM settings WHERE key = ?", (name,))

    def set_setting(self, name: str, value: str) -> None:
        with self._write() as db:
            db.execute(
                "INSERT INTO settings VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET"
                " value = excluded.value",
                (name, value),
            )

    # -- orphans and reset ---------------------------------------------------------------

    def orphans(self, known: Iterable[CardKey]) -> list[Orphan]:
        """Cards with stored progress that none of the ``known`` cards match."""
        known_set = set(known)
        with self._errors():
            logged = self._db.execute(
                "SELECT deck_id, card_id, COUNT(*), MAX(reviewed_at) FROM review_log"
                " GROUP BY deck_id, card_id"
            ).fetchall()
            stated = {
                (d, c) for d, c in self._db.execute("SELECT deck_id, card_id FROM card_state")
            }
            found: dict[CardKey, Orphan] = {}
            for deck_id, card_id, count, last in logged:
                key = (deck_id, card_id)
                if key not in known_set:
                    last_at = stored_time(last, "review_log.reviewed_at")
                    found[key] = Orphan(key, count, last_at, key in stated)
        for key in stated - known_set - found.keys():
            found[key] = Orphan(key, 0, None, True)
        return sorted(found.values(), key=lambda o: o.key)

    def prune(self, keys: Iterable[CardKey]) -> int:
        """Delete all progress (state, log, burial) of these cards; returns log rows deleted."""
        deleted = 0
        with self._write() as db:
            for key in keys:
                deleted += db.execute(
                    "DELETE FROM review_log WHERE deck_id = ? AND card_id = ?", key
                ).rowcount
                db.execute("DELETE FROM card_state WHERE deck_id = ? AND card_id = ?", key)
                db.execute("DELETE FROM buried WHERE deck_id = ? AND card_id = ?", key)
                for table in MARKS:
                    db.execute(f"DELETE FROM {table} WHERE deck_id = ? AND card_id = ?", key)
        return deleted

    def reset(self, deck_id: str | None = None) -> tuple[int, int]:
        """Clear progress of one deck or of everything (settings are kept).

        Returns (cards whose state was cleared, log rows deleted).
        """
        where, args = ("WHERE deck_id = ?", (deck_id,)) if deck_id else ("", ())
        with self._write() as db:
            cards = db.execute(f"DELETE FROM card_state {where}", args).rowcount
            logs = db.execute(f"DELETE FROM review_log {where}", args).rowcount
            db.execute(f"DELETE FROM buried {where}", args)
        return cards, logs

    def copy_into(self, target: sqlite3.Connection) -> None:
        """The whole database into ``target`` with SQLite's online backup API: consistent
        even while another quizprep writes (see quizprep.study.backups)."""
        with self._errors():
            self._db.backup(target)

    def progress_counts(self, deck_id: str | None = None) -> tuple[int, int]:
        """(cards with state, log rows): what a reset would clear."""
        where, args = ("WHERE deck_id = ?", (deck_id,)) if deck_id else ("", ())
        with self._errors():
            cards = self._db.execute(f"SELECT COUNT(*) FROM card_state {where}", args).fetchone()
            logs = self._db.execute(f"SELECT COUNT(*) FROM review_log {where}", args).fetchone()
        return int(cards[0]), int(logs[0])


def split_orphans(
    orphans: Iterable[Orphan], loaded_decks: Iterable[str]
) -> tuple[list[Orphan], dict[str, list[Orphan]]]:
    """(cards gone from a loaded deck, progress of decks not loaded at all, by deck id).

    Only the first are orphans for sure: a deck that is not loaded may just not have been
    passed with --deck this time, so its progress is never pruned wholesale.
    """
    loaded = set(loaded_decks)
    removed: list[Orphan] = []
    unloaded: dict[str, list[Orphan]] = {}
    for orphan in orphans:
        if orphan.key[0] in loaded:
            removed.append(orphan)
        else:
            unloaded.setdefault(orphan.key[0], []).append(orphan)
    return removed, unloaded


def stored_time(ms: object, what: str) -> datetime:
    """A time read from the database; out of range or not a number is damage."""
    if not isinstance(ms, int) or isinstance(ms, bool) or not MIN_MS <= ms <= MAX_MS:
        raise DamagedRow(f"{what} holds {str(ms)[:40]!r}, not a time")
    return from_ms(ms)


def _stored(key: CardKey, fsrs: object, state: object, due: object) -> StoredCard:
    """A card_state row as a StoredCard, or DamagedRow if quizprep cannot have written it.

    The scheduler's JSON stays opaque here; the scheduler raises DamagedRow when it cannot
    read it, and callers let it surface through :meth:`Storage.reading`.
    """
    where = f"card_state row {key[0]}/{key[1]}"
    if state not in (LEARNING, REVIEW, RELEARNING):
        raise DamagedRow(f"{where}: unknown state {str(state)[:20]!r}")
    if not isinstance(fsrs, str):
        raise DamagedRow(f"{where}: the scheduler's card is not text")
    return StoredCard(key, fsrs, state, stored_time(due, f"{where}: due"))  # type: ignore[arg-type]


def storage_error(path: Path, exc: sqlite3.Error) -> QuizprepError:
    """A sqlite error as a message naming the file and what to do about it."""
    text = str(exc)
    lowered = text.lower()
    if "locked" in lowered or "busy" in lowered:
        return QuizprepError(
            f"{path}: the progress database is busy (another quizprep is writing to it)",
            hint="Wait a moment and try again.",
        )
    if "unable to open" in lowered or "readonly" in lowered or "read-only" in lowered:
        return QuizprepError(
            f"{path}: cannot open the progress database for writing ({text})",
            hint=(
                f"Check the permissions of {path.name} (and its -wal and -shm files) and of "
                "its folder, or set QUIZPREP_HOME to a folder you own."
            ),
        )
    if "disk is full" in lowered or "database or disk is full" in lowered:
        return QuizprepError(
            f"{path}: disk full: the progress database could not be written; nothing of "
            "this change was saved, everything saved before is intact",
            hint="Free some disk space and try again.",
        )
    if "disk i/o" in lowered:
        return QuizprepError(f"{path}: cannot write the progress database ({text})")
    return QuizprepError(
        f"{path}: the progress database is unreadable or corrupt ({text})",
        hint=_recovery_hint(path),
    )
