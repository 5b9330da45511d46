"""The progress database: migrations, durability, undo, settings, orphans, bad files."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from quizprep.errors import QuizprepError
from quizprep.paths import database_path
from quizprep.study.storage import (
    LEARNING,
    MIGRATIONS,
    NEW,
    REVIEW,
    SCHEMA_VERSION,
    ReviewRecord,
    Storage,
    StoredCard,
)

T0 = datetime(2025, 3, 10, 9, 0, tzinfo=timezone.utc)
KEY = ("losses", "mse")


def record(at: datetime, rating: int, fsrs: str, state: int, due: datetime) -> ReviewRecord:
    return ReviewRecord(at, rating, 1500, fsrs, state, due)


def rate(storage: Storage, key, at, rating, fsrs, state, due):
    seen: list[StoredCard | None] = []

    def compute(before: StoredCard | None) -> ReviewRecord:
        seen.append(before)
        return record(at, rating, fsrs, state, due)

    entry = storage.review(key, compute)
    return entry, seen[0]


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "progress.sqlite3"


def test_default_path_is_under_quizprep_home(quizprep_home: Path) -> None:
    with Storage.open() as storage:
        assert storage.path == database_path()
    assert database_path().parent == quizprep_home
    assert database_path().is_file()


def test_fresh_database_is_migrated_in_wal_mode(db_path: Path) -> None:
    with Storage.open(db_path) as storage:
        assert storage.schema_version() == SCHEMA_VERSION
    raw = sqlite3.connect(db_path)
    assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    versions = [r[0] for r in raw.execute("SELECT version FROM schema_migrations")]
    assert versions == [m[0] for m in MIGRATIONS]
    tables = {r[0] for r in raw.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"card_state", "review_log", "settings", "buried"} <= tables


def test_reopening_does_not_rerun_migrations(db_path: Path) -> None:
    Storage.open(db_path).close()
    Storage.open(db_path).close()
    raw = sqlite3.connect(db_path)
    assert raw.execute("SELECT COUNT(*) FROM schema_migrations").fetchone()[0] == len(MIGRATIONS)


def test_rating_is_committed_before_review_returns(db_path: Path) -> None:
    storage = Storage.open(db_path)
    due = T0 + timedelta(minutes=10)
    entry, before = rate(storage, KEY, T0, 3, '{"v": 1}', LEARNING, due)
    assert before is None
    # A separate connection (another process, in effect) sees it without any close/commit.
    other = sqlite3.connect(db_path)
    assert other.execute("SELECT COUNT(*) FROM review_log").fetchone()[0] == 1
    row = other.execute("SELECT fsrs, state FROM card_state").fetchone()
    assert row == ('{"v": 1}', LEARNING)
    assert entry.state_before == NEW and entry.state_after == LEARNING
    assert entry.interval_after == 600
    assert entry.interval_before is None
    assert entry.duration_ms == 1500
    storage.close()


def test_log_keeps_state_and_interval_before_and_after(db_path: Path) -> None:
    with Storage.open(db_path) as storage:
        rate(storage, KEY, T0, 3, "a", LEARNING, T0 + timedelta(minutes=10))
        t1 = T0 + timedelta(minutes=12)
        entry, before = rate(storage, KEY, t1, 3, "b", REVIEW, t1 + timedelta(days=3))
        assert before is not None and before.fsrs == "a" and before.state == LEARNING
        assert entry.state_before == LEARNING and entry.state_after == REVIEW
        assert entry.interval_before == 600
        assert entry.interval_after == 3 * 86400
        log = storage.log(KEY)
        assert [e.rating for e in log] == [3, 3]
        assert storage.state(KEY) == StoredCard(KEY, "b", REVIEW, t1 + timedelta(days=3))


def test_undo_restores_previous_state_and_removes_the_row(db_path: Path) -> None:
    with Storage.open(db_path) as storage:
        first, _ = rate(storage, KEY, T0, 3, "a", LEARNING, T0 + timedelta(minutes=10))
        second, _ = rate(storage, KEY, T0 + timedelta(minutes=11), 1, "b", LEARNING, T0)
        storage.undo(second.id)
        assert storage.state(KEY).fsrs == "a"
        assert [e.id for e in storage.log()] == [first.id]
        storage.undo(first.id)
        assert storage.state(KEY) is None  # the card is new again
        assert storage.log() == []


def test_undo_refuses_when_card_was_rated_again_elsewhere(db_path: Path) -> None:
    mine = Storage.open(db_path)
    theirs = Storage.open(db_path)
    entry, _ = rate(mine, KEY, T0, 3, "a", LEARNING, T0)
    rate(theirs, KEY, T0 + timedelta(minutes=1), 3, "b", LEARNING, T0)
    with pytest.raises(QuizprepError, match="rated again since"):
        mine.undo(entry.id)
    assert mine.state(KEY).fsrs == "b"
    assert len(mine.log()) == 2
    mine.close()
    theirs.close()


def test_two_connections_rating_the_same_card_build_on_each_other(db_path: Path) -> None:
    one = Storage.open(db_path)
    two = Storage.open(db_path)
    rate(one, KEY, T0, 3, "from-one", LEARNING, T0)
    _, before = rate(two, KEY, T0 + timedelta(seconds=5), 3, "from-two", LEARNING, T0)
    assert before is not None and before.fsrs == "from-one"
    assert len(one.log()) == 2
    one.close()
    two.close()


def test_compute_failure_rolls_back(db_path: Path) -> None:
    with Storage.open(db_path) as storage:

        def boom(before: StoredCard | None) -> ReviewRecord:
            raise RuntimeError("scheduler broke")

        with pytest.raises(RuntimeError):
            storage.review(KEY, boom)
        assert storage.log() == [] and storage.state(KEY) is None
        # and the connection is usable afterwards (no transaction left open)
        rate(storage, KEY, T0, 3, "a", LEARNING, T0)
        assert len(storage.log()) == 1


def test_garbage_file_gives_clear_error_naming_the_file(db_path: Path) -> None:
    db_path.write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(QuizprepError) as info:
        Storage.open(db_path)
    assert str(db_path) in info.value.message
    assert "corrupt" in info.value.message
    hint = info.value.hint or ""
    assert "mv" in hint and str(db_path) in hint


def test_truncated_database_gives_clear_error(db_path: Path) -> None:
    with Storage.open(db_path) as storage:
        for i in range(300):
            rate(storage, ("d", f"c{i}"), T0, 3, "x" * 200, LEARNING, T0)
    raw = sqlite3.connect(db_path)
    raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    raw.close()
    data = db_path.read_bytes()
    # Keep the header, scribble over the pages that hold the tables.
    db_path.write_bytes(data[:4096] + b"\xff" * (len(data) - 4096))
    with pytest.raises(QuizprepError) as info, Storage.open(db_path) as storage:
        storage.states()
        storage.log()
    assert str(db_path) in info.value.message


def test_read_only_database_is_found_before_anything_is_asked(db_path: Path) -> None:
    """A drill checks it can write before the first card, not at the first rating."""
    Storage.open(db_path).close()
    # A real read-only connection (file permissions do not stop root, which runs CI).
    raw = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, isolation_level=None)
    storage = Storage(raw, db_path)
    try:
        assert storage.states() == {}  # reading still works
        with pytest.raises(QuizprepError) as info:
            storage.check_writable()
        assert str(db_path) in info.value.message
        assert "for writing" in info.value.message
    finally:
        storage.close()
    with Storage.open(db_path) as writable:
        writable.check_writable()
        assert writable.log() == []


def test_folder_in_place_of_database(db_path: Path) -> None:
    db_path.mkdir()
    with pytest.raises(QuizprepError, match="is a folder"):
        Storage.open(db_path)


def test_newer_schema_is_refused(db_path: Path) -> None:
    Storage.open(db_path).close()
    raw = sqlite3.connect(db_path)
    raw.execute("INSERT INTO schema_migrations VALUES (999, 'future', 0)")
    raw.commit()
    raw.close()
    with pytest.raises(QuizprepError, match="newer quizprep"):
        Storage.open(db_path)


def test_settings_are_remembered(db_path: Path) -> None:
    with Storage.open(db_path) as storage:
        assert storage.setting("desired_retention") is None
        assert storage.setting("desired_retention", "0.9") == "0.9"
        storage.set_setting("desired_retention", "0.85")
        storage.set_setting("desired_retention", "0.8")
    with Storage.open(db_path) as storage:
        assert storage.setting("desired_retention") == "0.8"


def test_bury_until_and_unbury(db_path: Path) -> None:
    with Storage.open(db_path) as storage:
        storage.bury(KEY, T0 + timedelta(hours=5))
        assert storage.buried(T0) == {KEY}
        assert storage.buried(T0 + timedelta(hours=5)) == set()
        storage.unbury(KEY)
        assert storage.buried(T0) == set()


def test_new_cards_since_counts_first_ratings_only(db_path: Path) -> None:
    with Storage.open(db_path) as storage:
        rate(storage, ("d", "a"), T0 - timedelta(days=1), 3, "a", LEARNING, T0)
        rate(storage, ("d", "a"), T0 + timedelta(minutes=1), 3, "a2", REVIEW, T0)
        rate(storage, ("d", "b"), T0 + timedelta(minutes=2), 1, "b", LEARNING, T0)
        rate(storage, ("d", "b"), T0 + timedelta(minutes=3), 1, "b2", LEARNING, T0)
        rate(storage, ("d", "c"), T0 + timedelta(minutes=4), 3, "c", LEARNING, T0)
        assert storage.new_cards_since(T0) == 2  # b and c; a was new yesterday


def test_orphans_listed_and_pruned(db_path: Path) -> None:
    with Storage.open(db_path) as storage:
        rate(storage, ("d", "kept"), T0, 3, "k", LEARNING, T0)
        rate(storage, ("d", "gone"), T0, 3, "g", LEARNING, T0)
        rate(storage, ("d", "gone"), T0 + timedelta(minutes=1), 3, "g2", LEARNING, T0)
        storage.bury(("d", "gone"), T0 + timedelta(days=1))
        orphans = storage.orphans([("d", "kept")])
        assert [o.key for o in orphans] == [("d", "gone")]
        assert orphans[0].reviews == 2 and orphans[0].has_state
        assert storage.prune([o.key for o in orphans]) == 2
        assert storage.orphans([("d", "kept")]) == []
        assert storage.state(("d", "kept")) is not None
        assert storage.buried(T0) == set()


def test_reset_one_deck_or_all(db_path: Path) -> None:
    with Storage.open(db_path) as storage:
        rate(storage, ("a", "1"), T0, 3, "x", LEARNING, T0)
        rate(storage, ("b", "1"), T0, 3, "x", LEARNING, T0)
        rate(storage, ("b", "2"), T0, 3, "x", LEARNING, T0)
        storage.set_setting("desired_retention", "0.8")
        assert storage.progress_counts("b") == (2, 2)
        assert storage.reset("b") == (2, 2)
        assert set(storage.states()) == {("a", "1")}
        assert storage.reset() == (1, 1)
        assert storage.progress_counts() == (0, 0)
        assert storage.setting("desired_retention") == "0.8"
