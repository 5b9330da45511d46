"""How a deck file becomes rows of the card index (``quizprep.decks.index``).

Parsing (in worker processes when there is a lot of it, the garbage collector paused),
the rows each card gives (the card, its lookup names, its cross-deck links, its words for
the spelling index), and writing or forgetting one file's rows. The schema lives here too.
"""

from __future__ import annotations

import gc
import marshal
import os
import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path

from quizprep.decks.model import Deck
from quizprep.decks.problem import Problem
from quizprep.decks.text import phrase, words

# Named matches: an exact id or ref, the id's words, an alias, a tag.
EXACT, ID_WORDS, ALIAS, TAG = 1000.0, 500.0, 400.0, 150.0

SCHEMA = (
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    """CREATE TABLE files (
        id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE, mtime_ns INTEGER NOT NULL,
        size INTEGER NOT NULL, builtin INTEGER NOT NULL, deck TEXT, title TEXT,
        version INTEGER, description TEXT, line INTEGER, cards INTEGER NOT NULL,
        problems BLOB NOT NULL)""",
    """CREATE TABLE cards (
        n INTEGER PRIMARY KEY, file INTEGER NOT NULL, ord INTEGER NOT NULL,
        deck TEXT NOT NULL, id TEXT NOT NULL, topic TEXT NOT NULL, difficulty TEXT NOT NULL,
        question TEXT NOT NULL, answer TEXT NOT NULL, name TEXT NOT NULL, tags TEXT NOT NULL,
        topic_key TEXT NOT NULL, tag_key TEXT NOT NULL, math TEXT, line INTEGER NOT NULL,
        rest BLOB NOT NULL)""",
    "CREATE INDEX cards_key ON cards(deck, id)",
    # Covers listing, filtering by difficulty or topic, and stats, without the wide rows.
    "CREATE INDEX cards_file ON cards(file, ord, difficulty, deck, id, topic, topic_key)",
    # One B-tree, no second index: inserting is most of what this table costs.
    """CREATE TABLE names (
        name TEXT NOT NULL, exact INTEGER NOT NULL, card INTEGER NOT NULL,
        score REAL NOT NULL, file INTEGER NOT NULL, PRIMARY KEY (name, exact, card)
    ) WITHOUT ROWID""",
    # References to cards of other decks, checked against whatever decks a command loads.
    "CREATE TABLE links (card INTEGER NOT NULL, file INTEGER NOT NULL, what TEXT NOT NULL,"
    " deck TEXT NOT NULL, id TEXT NOT NULL)",
    "CREATE INDEX links_file ON links(file)",
    "CREATE VIRTUAL TABLE fts USING fts5(name, tags, question, topic, answer,"
    " content='cards', content_rowid='n', tokenize='porter unicode61 remove_diacritics 2')",
    # The words a card is looked up by, once per file, for typo correction.
    "CREATE TABLE terms (n INTEGER PRIMARY KEY, file INTEGER NOT NULL, term TEXT NOT NULL)",
    "CREATE INDEX terms_file ON terms(file)",
    "CREATE VIRTUAL TABLE spell USING fts5(term, content='terms', content_rowid='n',"
    " tokenize='trigram')",
)


class Source:
    """A deck file to index: its resolved path and whether it is built in."""

    __slots__ = ("builtin", "path")

    def __init__(self, path: Path, builtin: bool) -> None:
        self.path = path  # resolved
        self.builtin = builtin

    def __reduce__(self) -> tuple:  # sent to parsing workers
        return (Source, (self.path, self.builtin))


def stamp_of(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size)


def forget(db: sqlite3.Connection, fids: Sequence[int]) -> None:
    """Remove files' cards and search entries (FTS5 needs the old text to unindex it)."""
    if not fids:
        return
    marks = ",".join("?" * len(fids))
    db.execute(
        "INSERT INTO fts(fts, rowid, name, tags, question, topic, answer) SELECT 'delete', n,"
        f" name, tags, question, topic, answer FROM cards WHERE file IN ({marks})",
        fids,
    )
    db.execute(
        "INSERT INTO spell(spell, rowid, term)"
        f" SELECT 'delete', n, term FROM terms WHERE file IN ({marks})",
        fids,
    )
    for table in ("cards", "names", "links", "terms"):  # names: one scan for all of them
        db.execute(f"DELETE FROM {table} WHERE file IN ({marks})", fids)


# One parsed file as rows ready to insert (card numbers relative to the file):
# (deck meta, problems as marshal bytes, card rows, name rows, link rows, terms).
Prepared = tuple


def prepare(source: Source) -> Prepared:
    """Parse one deck file into rows (in a worker process when there are many)."""
    from quizprep.decks.loader import load_deck  # PyYAML is imported only when parsing

    enabled = gc.isenabled()
    # Parsing makes hundreds of thousands of objects that all live until the file is done:
    # collecting over and over was half of a cold load.
    gc.disable()
    try:
        deck, problems = load_deck(source.path, builtin=source.builtin)
        return rows_of(deck, problems)
    finally:
        if enabled:
            gc.enable()


def prepare_all(sources: list[Source]) -> Iterator[Prepared]:
    """``prepare`` each file, in order; on several cores, big jobs run in parallel."""
    total = 0
    for source in sources:
        stamp = stamp_of(source.path)
        total += stamp[1] if stamp else 0
    workers = min(os.cpu_count() or 1, 4, len(sources))
    if workers < 2 or total < PARALLEL_BYTES or not hasattr(os, "fork"):
        yield from map(prepare, sources)
        return
    import multiprocessing

    try:
        pool = multiprocessing.get_context("fork").Pool(workers)
    except (OSError, ValueError):
        yield from map(prepare, sources)
        return
    with pool:
        yield from pool.imap(prepare, sources)


PARALLEL_BYTES = 1_000_000  # below this, starting workers costs more than it saves


def rows_of(deck: Deck | None, problems: list[Problem]) -> Prepared:
    meta = (
        (deck.id, deck.title, deck.version, deck.description, deck.line, len(deck.cards))
        if deck is not None
        else (None, None, None, None, None, 0)
    )
    blob = marshal.dumps([tuple(p) for p in problems])
    cards: list[tuple] = []
    names: list[tuple] = []
    links: list[tuple] = []
    terms: dict[str, None] = {}
    for ord_, c in enumerate(deck.cards if deck is not None else ()):
        name_text = "\n".join((c.id, *c.aliases))
        cards.append(
            (
                ord_, c.deck, c.id, c.topic, c.difficulty, c.question, c.answer,
                name_text, "\n".join(c.tags), c.topic.lower(),
                "\n" + "\n".join(t.lower() for t in c.tags) + "\n", c.math, c.line,
                marshal.dumps((
                    tuple(tuple(k) for k in c.key_points), c.tags, c.aliases, c.formula,
                    c.math, c.why_asked, c.common_mistakes,
                    tuple(tuple(f) for f in c.follow_ups), c.related, c.short,
                    c.exercise, c.derive,
                )),
            )
        )  # fmt: skip
        own = {(c.id.lower(), 1): EXACT}
        for text, score in [(c.id, ID_WORDS), *((a, ALIAS) for a in c.aliases),
                            *((t, TAG) for t in c.tags)]:  # fmt: skip
            key = (phrase(text), 0)
            own[key] = max(own.get(key, 0.0), score)
        names += [(name, exact, ord_, score) for (name, exact), score in own.items()]
        refs = [("related card", r) for r in c.related]
        refs += [("follow-up card", f.card) for f in c.follow_ups if f.card]
        for what, ref in refs:
            if "/" in ref:
                target_deck, _, target = ref.rpartition("/")
                links.append((ord_, what, target_deck, target))
        for text in (name_text, *c.tags, c.topic, c.question):
            for word in words(text, keep_stopwords=True):
                if len(word) >= 3:
                    terms[word] = None
    return (meta, blob, cards, names, links, list(terms))


def store(
    db: sqlite3.Connection,
    source: Source,
    stamp: tuple[int, int] | None,
    prepared: Prepared,
    first: int,
    first_term: int,
) -> tuple[int, int]:
    """Write one parsed file; returns the next free card and term numbers."""
    meta, problems, cards, names, links, terms = prepared
    path = str(source.path)
    row = db.execute("SELECT id FROM files WHERE path = ?", (path,)).fetchone()
    mtime, size = stamp if stamp is not None else (-1, -1)  # unreadable: parse again next time
    if row is None:
        fid = db.execute(
            "INSERT INTO files (path, mtime_ns, size, builtin, deck, title, version, description,"
            " line, cards, problems) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (path, mtime, size, int(source.builtin), *meta, problems),
        ).lastrowid
    else:
        fid = row[0]  # its old cards were forgotten with the others'
        db.execute(
            "UPDATE files SET mtime_ns = ?, size = ?, builtin = ?, deck = ?, title = ?,"
            " version = ?, description = ?, line = ?, cards = ?, problems = ? WHERE id = ?",
            (mtime, size, int(source.builtin), *meta, problems, fid),
        )
    if not cards:
        return first, first_term
    db.executemany(
        f"INSERT INTO cards VALUES (?, ?, {','.join('?' * 14)})",
        [(first + r[0], fid, *r) for r in cards],
    )
    db.execute(
        "INSERT INTO fts(rowid, name, tags, question, topic, answer)"
        " SELECT n, name, tags, question, topic, answer FROM cards WHERE file = ?",
        (fid,),
    )
    db.executemany(
        "INSERT INTO names VALUES (?, ?, ?, ?, ?)",
        [(name, exact, first + o, score, fid) for name, exact, o, score in names],
    )
    db.executemany(
        "INSERT INTO links VALUES (?, ?, ?, ?, ?)",
        [(first + o, fid, what, d, c) for o, what, d, c in links],
    )
    db.executemany(
        "INSERT INTO terms VALUES (?, ?, ?)",
        [(first_term + i, fid, term) for i, term in enumerate(terms)],
    )
    db.execute("INSERT INTO spell(rowid, term) SELECT n, term FROM terms WHERE file = ?", (fid,))
    return first + len(cards), first_term + len(terms)
