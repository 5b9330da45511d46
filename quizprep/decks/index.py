"""The card index: every parsed deck in one SQLite file, so a command reads only what it needs.

``<data>/cache/cards.sqlite3`` holds each deck file's cards (one row per card), its problems,
and two FTS5 indexes: the words of every card (ranked with bm25, a weight per field) and the
trigrams of the words people look cards up by (for typos). A file is parsed again only when
its stamp (path, mtime_ns, size) changes; a command then asks for one card, a page of rows or
an aggregate instead of rebuilding every card. Losing the file costs only speed, and a cache
folder that cannot be written falls back to an index in memory.
"""

from __future__ import annotations

import contextlib
import gc
import marshal
import sqlite3
from collections.abc import Callable, Collection, Container, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from quizprep import __version__
from quizprep.decks.indexer import (
    SCHEMA,
    Prepared,
    Source,
    forget,
    prepare_all,
    rows_of,
    stamp_of,
    store,
)
from quizprep.decks.model import Card, Deck, FollowUp, KeyPoint
from quizprep.decks.problem import Problem

__all__ = ["FORMAT", "CardIndex", "CardRow", "Source"]

# A new release may parse or check decks differently, so its index starts afresh.
FORMAT = f"4/{__version__}"
BUSY_TIMEOUT_S = 10.0

# Ranking weight of each FTS column (bm25): how much a word found there is worth.
FIELDS = ("name", "tags", "question", "topic", "answer")
WEIGHTS = (6.0, 3.0, 2.0, 1.0, 0.5)

# Plain classes with __slots__, not NamedTuples: this module is on the start-up path of
# every lookup, and typing.NamedTuple compiles each field's annotation.


class FileEntry:
    """One visible deck file as the index knows it."""

    __slots__ = ("builtin", "cards", "deck", "description", "id", "line", "path", "problems",
                 "title", "version")  # fmt: skip

    def __init__(
        self, id: int, path: str, builtin: bool, deck: str | None, title: str | None,
        version: int | None, description: str | None, line: int | None, cards: int,
        problems: list[Problem],
    ) -> None:  # fmt: skip
        self.id, self.path, self.builtin, self.deck, self.title = id, path, builtin, deck, title
        self.version, self.description, self.line = version, description, line
        self.cards, self.problems = cards, problems


class CardRow(tuple):
    """The few fields ``list``, ``stats`` and filters need, without building the card:
    ``(deck, id, topic, difficulty, question)``."""

    __slots__ = ()

    @property
    def deck(self) -> str:
        return self[0]

    @property
    def id(self) -> str:
        return self[1]

    @property
    def topic(self) -> str:
        return self[2]

    @property
    def difficulty(self) -> str:
        return self[3]

    @property
    def question(self) -> str:
        return self[4]

    @property
    def key(self) -> tuple[str, str]:
        return (self[0], self[1])

    @property
    def ref(self) -> str:
        return f"{self[0]}/{self[1]}"


_CARD_FIELDS = "c.deck, c.id, c.topic, c.difficulty, c.question, c.answer, c.rest, c.line"
_CARD_COLUMNS = _CARD_FIELDS + ", f.path"


def card_from_row(row: Sequence[Any]) -> Card:
    deck, cid, topic, difficulty, question, answer, rest, line, path = row
    (kps, tags, aliases, formula, math, why, mistakes, follows, related, short, exercise,
     derive) = marshal.loads(rest)  # fmt: skip
    return Card(
        deck=deck, id=cid, topic=topic, difficulty=difficulty, question=question,
        answer=answer, key_points=tuple(KeyPoint(*k) for k in kps), tags=tags,
        aliases=aliases, formula=formula, math=math, why_asked=why,
        common_mistakes=mistakes, follow_ups=tuple(FollowUp(*f) for f in follows),
        related=related, source=path, line=line, short=short, exercise=exercise,
        derive=derive,
    )  # fmt: skip


class CardIndex:
    """An open index and the files one command sees (a temporary table, ``vis``)."""

    def __init__(self, db: sqlite3.Connection, path: Path | None) -> None:
        self.db = db
        self.path = path  # None: in memory
        self.files: list[FileEntry] = []
        self.all_visible = False  # every indexed file is one this command sees
        self.created = False  # this run made the index file (first run, or rebuilt)

    # -- opening -------------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path | None) -> CardIndex:
        """The index file at ``path`` (created when missing), or one in memory."""
        if path is not None:
            try:
                return cls._open_file(path)
            except (OSError, sqlite3.Error):
                pass  # unreadable, unwritable or damaged: still work, without the cache
        return cls._create(sqlite3.connect(":memory:", isolation_level=None), None)

    @classmethod
    def _open_file(cls, path: Path) -> CardIndex:
        path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        damaged = False
        try:
            has_meta = db.execute("SELECT 1 FROM sqlite_master WHERE name = 'meta'").fetchone()
            row = has_meta and db.execute("SELECT value FROM meta WHERE key = 'format'").fetchone()
        except sqlite3.OperationalError:
            db.close()  # locked or unreadable: leave the file alone, work in memory
            raise
        except sqlite3.DatabaseError:
            row, damaged = None, True  # not a database at all
        if row and row[0] == FORMAT:
            _tune(db)
            return cls(db, path)
        if not damaged:
            # Empty (just made, maybe by another process opening it at this moment) or
            # another release's, perhaps open in another process: filled or rebuilt in place
            # under the write lock; deleting it would pull it from under that process.
            return cls._create(db, path)
        # Not a database at all: nothing can be using it as one, so start afresh.
        db.close()
        for suffix in ("", "-journal"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        db = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        return cls._create(db, path)

    @classmethod
    def _create(cls, db: sqlite3.Connection, path: Path | None) -> CardIndex:
        """An index on ``db``, its tables made (or another format's replaced) unless another
        process has made them first."""
        _tune(db)
        db.execute("BEGIN IMMEDIATE")
        try:
            _reset(db)
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        index = cls(db, path)
        index.created = True
        return index

    @classmethod
    def of_cards(cls, cards: Sequence[Card]) -> CardIndex:
        """An index in memory of some cards (grouped into decks by file and deck id)."""
        groups: dict[tuple[str, str], list[Card]] = {}
        for card in cards:
            groups.setdefault((card.source, card.deck), []).append(card)
        index = cls.open(None)
        sources: list[Source] = []
        results: list[tuple[Source, tuple[int, int], Prepared]] = []
        for i, ((source, deck_id), members) in enumerate(groups.items()):
            # The file's path is each card's source, so keep it unless two groups share it.
            name = source if source and all(str(s.path) != source for s in sources) else ""
            path = Path(name or f"{source}#{i}")
            deck = Deck(id=deck_id, title=deck_id, version=1, cards=tuple(members), path=path)
            sources.append(Source(path, False))
            results.append((sources[-1], (0, 0), rows_of(deck, [])))
        index._write(results, [])
        index._show(sources)
        return index

    # -- refreshing ----------------------------------------------------------------------

    def refresh(
        self,
        sources: Sequence[Source],
        progress: Callable[[int, int], None] | None = None,
    ) -> None:
        """Bring the index up to date with ``sources`` and make them the visible files."""
        known = {
            path: (fid, mtime, size, builtin)
            for fid, path, mtime, size, builtin in self.db.execute(
                "SELECT id, path, mtime_ns, size, builtin FROM files"
            )
        }
        stale: list[tuple[Source, tuple[int, int] | None]] = []
        for source in sources:
            stamp = stamp_of(source.path)
            entry = known.get(str(source.path))
            if entry is None or (entry[1], entry[2]) != stamp or bool(entry[3]) != source.builtin:
                stale.append((source, stamp))
        wanted = {str(s.path) for s in sources}
        vanished = [
            fid for path, (fid, *_rest) in known.items()
            if path not in wanted and stamp_of(Path(path)) is None
        ]  # fmt: skip
        if stale or vanished:
            self._update(stale, vanished, progress, sources)
        self._show(sources)

    def _update(
        self,
        stale: list[tuple[Source, tuple[int, int] | None]],
        vanished: list[int],
        progress: Callable[[int, int], None] | None,
        sources: Sequence[Source],
    ) -> None:
        """Parse the stale files and write them, each as soon as it is parsed.

        One transaction: a reader sees the old index or the new one. It holds only
        SQLite's RESERVED lock until the commit, so other commands keep reading meanwhile.
        """
        results: list[tuple[Source, tuple[int, int] | None, Prepared]] = []
        parsed = prepare_all([s for s, _ in stale])
        writer: Iterator[None] | None = None
        try:
            writer = self._writer(vanished, [s for s, _ in stale])
            next(writer)
        except sqlite3.Error:
            writer = None
        for i, prepared in enumerate(parsed):
            results.append((*stale[i], prepared))
            if writer is not None:
                try:
                    writer.send(results[-1])
                except sqlite3.Error:
                    writer = None
            if progress is not None:
                progress(i + 1, len(stale))
        if writer is not None:
            try:
                writer.send(None)  # commit
                return
            except StopIteration:
                return
            except sqlite3.Error:
                pass
        if self.path is None:
            raise sqlite3.OperationalError("cannot write the in-memory card index")
        self._fall_back_to_memory(results, vanished, sources)

    def _writer(self, vanished: list[int], sources: list[Source]) -> Iterator[None]:
        """A coroutine: send it (source, stamp, prepared) per file, then None to commit."""
        db = self.db
        db.execute("BEGIN IMMEDIATE")
        try:
            paths = [str(source.path) for source in sources]
            known = [
                row[0]
                for start in range(0, len(paths), 500)
                for row in db.execute(
                    "SELECT id FROM files WHERE path IN"
                    f" ({','.join('?' * len(paths[start : start + 500]))})",
                    paths[start : start + 500],
                )
            ]
            forget(db, [*vanished, *known])
            for fid in vanished:
                db.execute("DELETE FROM files WHERE id = ?", (fid,))
            next_card = db.execute("SELECT COALESCE(MAX(n), 0) + 1 FROM cards").fetchone()[0]
            next_term = db.execute("SELECT COALESCE(MAX(n), 0) + 1 FROM terms").fetchone()[0]
            while (item := (yield)) is not None:
                source, stamp, prepared = item
                next_card, next_term = store(db, source, stamp, prepared, next_card, next_term)
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise

    def _write(self, results: list, vanished: list[int]) -> None:
        writer = self._writer(vanished, [source for source, *_ in results])
        next(writer)
        for item in results:
            writer.send(item)
        with contextlib.suppress(StopIteration):
            writer.send(None)

    def _fall_back_to_memory(
        self, results: list, vanished: list[int], sources: Sequence[Source]
    ) -> None:
        """A cache that cannot be written (read-only folder, full disk, locked): go on in memory.

        The files already indexed are copied over, so only what changed was parsed; when
        even reading fails, every file is parsed.
        """
        memory = sqlite3.connect(":memory:", isolation_level=None)
        try:
            self.db.backup(memory)
        except sqlite3.Error:
            memory.close()
            memory = CardIndex._create(sqlite3.connect(":memory:", isolation_level=None), None).db
            done = {str(source.path) for source, *_ in results}
            rest = [s for s in sources if str(s.path) not in done]
            results = results + [
                (s, stamp_of(s.path), prepared)
                for s, prepared in zip(rest, prepare_all(rest), strict=True)
            ]
            vanished = []
        self.db.close()
        self.db = memory
        self.path = None
        _tune(memory)
        self._write(results, vanished)

    def _show(self, sources: Sequence[Source]) -> None:
        """Make ``sources`` (in this order) the files every query sees."""
        db = self.db
        db.execute("CREATE TEMP TABLE IF NOT EXISTS vis (file INTEGER PRIMARY KEY, pos INTEGER)")
        db.execute("DELETE FROM temp.vis")
        rows = {
            row[1]: row
            for row in db.execute(
                "SELECT id, path, builtin, deck, title, version, description, line, cards,"
                " problems FROM files"
            )
        }
        self.files = []
        for pos, source in enumerate(sources):
            row = rows.get(str(source.path))
            if row is None:
                continue  # vanished between the scan and now
            problems = [Problem(*p) for p in marshal.loads(row[9])]
            self.files.append(FileEntry(*row[:2], bool(row[2]), *row[3:9], problems))
            db.execute("INSERT OR IGNORE INTO temp.vis VALUES (?, ?)", (row[0], pos))
        self.all_visible = {f.id for f in self.files} == {row[0] for row in rows.values()}

    # -- reading -------------------------------------------------------------------------

    def problems(self, order: Sequence[int] | None = None) -> list[Problem]:
        """Every problem of the visible files, with those that need more than one file.

        ``order`` (file ids) decides which of two decks with the same id is the duplicate.
        """
        files = {f.id: f for f in self.files}
        out = [p for f in self.files for p in f.problems]
        first: dict[str, FileEntry] = {}
        dropped: set[int] = set()
        for fid in order if order is not None else [f.id for f in self.files]:
            entry = files[fid]
            if entry.deck is None:
                continue
            if entry.deck in first:
                out.append(
                    Problem(
                        entry.path,
                        entry.line or 1,
                        f"deck id {entry.deck!r} is already used by {first[entry.deck].path}; "
                        "each deck needs its own 'deck:' id",
                    )
                )
                # Both files share the blame: validating either one alone must say so.
                other = first[entry.deck]
                out.append(
                    Problem(
                        other.path,
                        other.line or 1,
                        f"deck id {entry.deck!r} is also used by {entry.path}; "
                        "each deck needs its own 'deck:' id",
                    )
                )
                dropped.add(fid)
                continue
            first[entry.deck] = entry
        # Cross-deck references whose target no visible (first) deck holds.
        self.db.execute("CREATE TEMP TABLE IF NOT EXISTS kept (file INTEGER PRIMARY KEY)")
        self.db.execute("DELETE FROM temp.kept")
        self.db.executemany(
            "INSERT INTO temp.kept VALUES (?)", [(f,) for f in files if f not in dropped]
        )
        rows = self.db.execute(
            "SELECT f.path, c.line, c.id, l.what, l.deck, l.id FROM links l"
            " JOIN temp.kept k ON k.file = l.file JOIN cards c ON c.n = l.card"
            " JOIN files f ON f.id = l.file"
            " WHERE NOT EXISTS (SELECT 1 FROM cards t JOIN temp.kept k2 ON k2.file = t.file"
            "  WHERE t.deck = l.deck AND t.id = l.id)"
        )
        for path, line, cid, what, deck, target in rows:
            out.append(
                Problem(path, line, f"card {cid!r}: {what} '{deck}/{target}' does not exist")
            )
        return out

    def _per_file(
        self, columns: str, where: str, args: Sequence[object], files: Sequence[int] | None
    ) -> Iterator[tuple]:
        """``columns`` of the matching cards, file by file in visible order, then by position.

        One query per file rather than one ``ORDER BY`` over all: each walks the
        ``cards_file`` index in order, so the first rows arrive before the last are read.
        """
        for fid in files if files is not None else [f.id for f in self.files]:
            cursor = self.db.execute(
                f"SELECT {columns} FROM cards c WHERE c.file = ?{where} ORDER BY c.ord",
                (fid, *args),
            )
            while batch := cursor.fetchmany(512):
                yield from batch

    def decks(self) -> list[Deck]:
        """Every visible deck with all its cards (export, ``deck list``)."""
        files = self.files
        by_file: dict[int, list[Card]] = {f.id: [] for f in files}
        gc_was = gc.isenabled()
        gc.disable()  # thousands of new tuples at once: nothing to collect until they are made
        try:
            for f in files:
                by_file[f.id] = [
                    card_from_row((*row, f.path))
                    for row in self._per_file(_CARD_FIELDS, "", (), [f.id])
                ]
        finally:
            if gc_was:
                gc.enable()
        return [
            Deck(
                id=f.deck, title=f.title or "", version=f.version or 1,
                cards=tuple(by_file[f.id]), path=Path(f.path), builtin=f.builtin,
                description=f.description, line=f.line or 1,
            )
            for f in files
            if f.deck is not None and f.cards
        ]  # fmt: skip

    def card(self, deck: str, card_id: str) -> Card | None:
        row = self.db.execute(
            f"SELECT {_CARD_COLUMNS} FROM cards c JOIN temp.vis v ON v.file = c.file"
            " JOIN files f ON f.id = c.file WHERE c.deck = ? AND c.id = ? ORDER BY v.pos LIMIT 1",
            (deck, card_id),
        ).fetchone()
        return card_from_row(row) if row else None

    def cards_by_number(self, numbers: Sequence[int]) -> dict[int, Card]:
        """Cards by their row number."""
        found: dict[int, Card] = {}
        for start in range(0, len(numbers), 500):
            chunk = numbers[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for row in self.db.execute(
                f"SELECT c.n, {_CARD_COLUMNS} FROM cards c JOIN files f ON f.id = c.file"
                f" WHERE c.n IN ({marks})",
                chunk,
            ):
                found[row[0]] = card_from_row(row[1:])
        return found

    @staticmethod
    def _filter(
        topic: str | None, difficulty: str | None, tag: str | None
    ) -> tuple[str, list[object]]:
        """Extra ``AND`` conditions (after a file condition) for the list filters."""
        where: list[str] = []
        args: list[object] = []
        if topic:
            where.append("instr(c.topic_key, ?) > 0")
            args.append(topic.lower())
        if difficulty:
            where.append("c.difficulty = ?")
            args.append(difficulty.lower())
        if tag:
            where.append("instr(c.tag_key, ?) > 0")
            args.append(f"\n{tag.lower()}\n")
        return "".join(f" AND {w}" for w in where), args

    def numbers(
        self, topic: str | None = None, difficulty: str | None = None, tag: str | None = None
    ) -> list[tuple[int, str, str]]:
        """(row number, deck, id) of every matching card, in deck order."""
        where, args = self._filter(topic, difficulty, tag)
        return list(self._per_file("c.n, c.deck, c.id", where, args, None))

    def study_numbers(
        self,
        seen: Container[tuple[str, str]],
        unseen_per_deck: int | None,
        topic: str | None = None,
        difficulty: str | None = None,
        tag: str | None = None,
    ) -> list[int]:
        """Row numbers, in deck order, of the matching cards in ``seen`` and of the first
        ``unseen_per_deck`` others of each deck (all of them when ``None``).

        With little progress, each seen card is looked up by key and each file is read
        only until its unseen quota is full: a first drill on a 50,000-card deck reads
        a few rows, not all of them.
        """
        where, args = self._filter(topic, difficulty, tag)
        pos = {f.id: i for i, f in enumerate(self.files)}
        picked: list[tuple[int, int, int]] = []  # (file position, ord, n)
        few = isinstance(seen, Collection) and len(seen) < 2000
        if few:
            for deck, card_id in seen:  # type: ignore[union-attr]
                for n, fid, ord_ in self.db.execute(
                    f"SELECT c.n, c.file, c.ord FROM cards c WHERE c.deck = ? AND c.id = ?{where}",
                    (deck, card_id, *args),
                ):
                    if fid in pos:
                        picked.append((pos[fid], ord_, n))
        taken: dict[str, int] = {}
        for f in self.files:
            cursor = self.db.execute(
                f"SELECT c.n, c.deck, c.id, c.ord FROM cards c WHERE c.file = ?{where}"
                " ORDER BY c.ord",
                (f.id, *args),
            )
            while batch := cursor.fetchmany(64):
                for n, deck, card_id, ord_ in batch:
                    if (deck, card_id) in seen:
                        if not few:
                            picked.append((pos[f.id], ord_, n))
                    elif unseen_per_deck is None or taken.get(deck, 0) < unseen_per_deck:
                        taken[deck] = taken.get(deck, 0) + 1
                        picked.append((pos[f.id], ord_, n))
                if few and unseen_per_deck is not None and taken.get(f.deck, 0) >= unseen_per_deck:
                    break  # this file's quota is full and its seen cards were looked up
        picked.sort()
        return list(dict.fromkeys(n for _, _, n in picked))

    def rows(
        self,
        topic: str | None = None,
        difficulty: str | None = None,
        tag: str | None = None,
        files: Sequence[int] | None = None,
        *,
        question: bool = True,
    ) -> Iterator[CardRow]:
        """Matching cards' light fields, in deck order, read as they are consumed.

        Without ``question`` it reads the ``cards_file`` index alone (what stats needs).
        """
        where, args = self._filter(topic, difficulty, tag)
        columns = "c.deck, c.id, c.topic, c.difficulty, " + ("c.question" if question else "''")
        for row in self._per_file(columns, where, args, files):
            yield CardRow(row)

    def full_rows(
        self, topic: str | None = None, difficulty: str | None = None, tag: str | None = None
    ) -> Iterator[Card]:
        """Matching cards, built one at a time (``list --json`` streams them)."""
        where, args = self._filter(topic, difficulty, tag)
        for f in self.files:
            for row in self._per_file(_CARD_FIELDS, where, args, [f.id]):
                yield card_from_row((*row, f.path))

    def widest(
        self, topic: str | None = None, difficulty: str | None = None, tag: str | None = None
    ) -> tuple[int, int, int]:
        """(cards, longest ref, longest topic) of the matching cards: a layout without a pass."""
        where, args = self._filter(topic, difficulty, tag)
        count, ref, top = self.db.execute(
            "SELECT COUNT(*), MAX(length(c.deck) + length(c.id) + 1), MAX(length(c.topic))"
            f" FROM cards c WHERE c.file IN (SELECT file FROM temp.vis){where}",
            args,
        ).fetchone()
        return int(count), int(ref or 0), int(top or 0)

    def rows_for_keys(self, keys: Iterable[tuple[str, str]]) -> list[CardRow]:
        out = []
        for deck, card_id in keys:
            row = self.db.execute(
                "SELECT c.deck, c.id, c.topic, c.difficulty, '' FROM cards c"
                " JOIN temp.vis v ON v.file = c.file WHERE c.deck = ? AND c.id = ?"
                " ORDER BY v.pos LIMIT 1",
                (deck, card_id),
            ).fetchone()
            if row is not None:
                out.append(CardRow(row))
        return out

    def groups(self) -> list[tuple[str, str, int]]:
        return self.db.execute(
            "SELECT c.topic, c.difficulty, COUNT(*) FROM cards c"
            " WHERE c.file IN (SELECT file FROM temp.vis) GROUP BY c.topic, c.difficulty"
        ).fetchall()

    def counts(
        self, topic: str | None = None, difficulty: str | None = None, tag: str | None = None
    ) -> dict[str, int]:
        where, args = self._filter(topic, difficulty, tag)
        return dict(
            self.db.execute(
                "SELECT c.difficulty, COUNT(*) FROM cards c"
                f" WHERE c.file IN (SELECT file FROM temp.vis){where} GROUP BY c.difficulty",
                args,
            ).fetchall()
        )

    def math_names(self, files: Iterable[int]) -> list[tuple[str, int, str, str]]:
        """(path, line, card id, math) of the cards in ``files`` that name a math function."""
        out = []
        for fid in files:
            out += self.db.execute(
                "SELECT f.path, c.line, c.id, c.math FROM cards c JOIN files f ON f.id = c.file"
                " WHERE c.file = ? AND c.math IS NOT NULL ORDER BY c.ord",
                (fid,),
            ).fetchall()
        return out

    # -- searching (used by quizprep.decks.search) ----------------------------------------

    def named(self, raw: str, words_phrase: str) -> list[tuple[int, float]]:
        """(row number, score) of cards whose id, ref, alias or tag is the query."""
        deck, slash, card_id = raw.rpartition("/")
        found = self.db.execute(
            "SELECT n.card, MAX(n.score) AS s FROM names n JOIN temp.vis v ON v.file = n.file"
            " WHERE (n.name = ? AND n.exact = 1) OR (n.name = ? AND n.exact = 0)"
            " GROUP BY n.card",
            (raw, words_phrase),
        ).fetchall()
        if slash:  # deck/card: the card's ref
            found += self.db.execute(
                "SELECT n.card, n.score FROM names n JOIN temp.vis v ON v.file = n.file"
                " JOIN cards c ON c.n = n.card WHERE n.name = ? AND n.exact = 1"
                " AND lower(c.deck) = ?",
                (card_id, deck),
            ).fetchall()
            best: dict[int, float] = {}
            for n, score in found:
                best[n] = max(best.get(n, 0.0), score)
            found = list(best.items())
        return found

    def ranked(self, match: str, limit: int) -> list[tuple[int, float]]:
        """(row number, bm25 rank: lower is better) of the visible cards matching ``match``."""
        weights = ", ".join(str(w) for w in WEIGHTS)
        # Usually every indexed file is visible: then no join is needed to filter matches.
        visible = (
            ""
            if self.all_visible
            else (" AND fts.rowid IN (SELECT c.n FROM cards c JOIN temp.vis v ON v.file = c.file)")
        )
        try:
            return self.db.execute(
                f"SELECT fts.rowid, bm25(fts, {weights}) AS r FROM fts"
                f" WHERE fts MATCH ?{visible} ORDER BY r LIMIT ?",
                (match, limit),
            ).fetchall()
        except sqlite3.OperationalError:  # a query FTS5 cannot parse finds nothing
            return []

    def matching(self, match: str, among: Sequence[int]) -> set[int]:
        """Which of ``among`` (row numbers) match the FTS query ``match``."""
        if not among:
            return set()
        marks = ",".join("?" * len(among))
        try:
            rows = self.db.execute(
                f"SELECT rowid FROM fts WHERE fts MATCH ? AND rowid IN ({marks})",
                (match, *among),
            )
            return {r[0] for r in rows}
        except sqlite3.OperationalError:
            return set()

    def known(self, match: str) -> bool:
        try:
            return (
                self.db.execute("SELECT 1 FROM fts WHERE fts MATCH ? LIMIT 1", (match,)).fetchone()
                is not None
            )
        except sqlite3.OperationalError:
            return False

    def near_terms(self, trigrams: Sequence[str], limit: int = 40) -> list[str]:
        """Lookup words sharing the most of ``trigrams`` (the trigram spelling index)."""
        if not trigrams:
            return []
        match = " OR ".join(f'"{g}"' for g in trigrams)
        try:
            rows = self.db.execute(
                "SELECT DISTINCT t.term FROM (SELECT rowid, rank FROM spell WHERE spell MATCH ?"
                " ORDER BY rank LIMIT ?) s JOIN terms t ON t.n = s.rowid"
                " JOIN temp.vis v ON v.file = t.file",
                (match, limit * 4),
            ).fetchall()
        except sqlite3.OperationalError:
            return []
        return [r[0] for r in rows][:limit]

    def lookup_words(self) -> list[str]:
        """Every id (lowercased), alias and tag (as words) of the visible cards."""
        return [
            r[0]
            for r in self.db.execute(
                "SELECT DISTINCT n.name FROM names n JOIN temp.vis v ON v.file = n.file"
            )
        ]


def _reset(db: sqlite3.Connection) -> None:
    """Inside the caller's write transaction: this format's tables, made in an empty file or
    in place of another format's (unless another process has already done it)."""
    if db.execute("SELECT 1 FROM sqlite_master WHERE name = 'meta'").fetchone() is not None:
        row = db.execute("SELECT value FROM meta WHERE key = 'format'").fetchone()
        if row is not None and row[0] == FORMAT:
            return
    virtual = [
        name
        for (name,) in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL%'"
        )
    ]
    for name in virtual:  # an FTS table drops its own shadow tables
        db.execute(f'DROP TABLE IF EXISTS "{name}"')
    tables = [
        name
        for (name,) in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    for name in tables:
        db.execute(f'DROP TABLE IF EXISTS "{name}"')
    for statement in SCHEMA:
        db.execute(statement)
    db.execute("INSERT INTO meta VALUES ('format', ?)", (FORMAT,))


def _tune(db: sqlite3.Connection) -> None:
    # A cache: losing it to a power cut costs a rebuild, so skip the fsyncs.
    db.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
    db.execute("PRAGMA synchronous = OFF")
    db.execute("PRAGMA cache_size = -32000")
    db.execute("PRAGMA temp_store = MEMORY")
