"""Issue 10: nothing saved is lost, and a damaged or busy database is reported, not a crash.

Classes covered: ratings and answers lost to lock contention (1), destructive commands and
backups (2), future-dated reviews (4), disk full (5), damaged rows and caches (16), the data
folder (10), progress-file messages (12, 20).
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from quizprep.cli import app
from quizprep.decks.catalog import load_catalog
from quizprep.errors import QuizprepError
from quizprep.paths import database_path
from quizprep.study.backups import list_backups, take_backup
from quizprep.study.interview import Interview
from quizprep.study.scheduler import FUZZ_SEED, Scheduler
from quizprep.study.storage import ReviewRecord, Storage, StoredCard
from quizprep.study.sync import export_data, import_progress, parse_progress

from .drill_helpers import Clock, write_deck
from .interview_helpers import write_interview_deck

runner = CliRunner()
NOW = datetime(2026, 12, 2, 9, 0, tzinfo=timezone.utc)
KEY = ("losses", "mse")


def cli(*args: str, stdin: str | None = None):
    return runner.invoke(app, list(args), input=stdin)


def one_line(text: str) -> str:
    return " ".join(text.split())


def rate(storage: Storage, key: tuple[str, str], at: datetime, rating: int = 3):
    scheduler = Scheduler(seed=FUZZ_SEED)

    def compute(before: StoredCard | None) -> ReviewRecord:
        outcome = scheduler.review(key, before.fsrs if before else None, rating, at, 1000)
        return ReviewRecord(at, rating, 1000, outcome.fsrs, outcome.state, outcome.due)

    return storage.review(key, compute)


class LockHolder:
    """Another quizprep holding the write lock (a long import) for ``seconds``."""

    def __init__(self, path: Path, seconds: float) -> None:
        self.path = path
        self.seconds = seconds
        self.taken = threading.Event()
        self.thread = threading.Thread(target=self._hold)

    def _hold(self) -> None:
        db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        db.execute("BEGIN IMMEDIATE")
        self.taken.set()
        time.sleep(self.seconds)
        db.execute("COMMIT")
        db.close()

    def __enter__(self) -> LockHolder:
        self.thread.start()
        assert self.taken.wait(10)
        return self

    def __exit__(self, *exc: object) -> None:
        self.thread.join()


# -- 1: a rating or an answer is never lost to the lock ------------------------------------


def test_a_rating_waits_for_the_lock_and_says_so(tmp_path: Path) -> None:
    path = tmp_path / "progress.sqlite3"
    storage = Storage.open(path)
    waits: list[float] = []
    storage.on_wait = lambda: waits.append(time.monotonic())
    # Longer than SQLite's own busy timeout (5 s), after which the old code gave up.
    with LockHolder(path, 5.6):
        started = time.monotonic()
        entry = rate(storage, KEY, NOW)
    assert time.monotonic() - started >= 5.0
    assert len(waits) == 1  # announced once, not on every retry
    assert [e.id for e in storage.log()] == [entry.id]
    storage.close()


def test_the_wait_note_is_printed_on_stderr(tmp_path: Path, capsys) -> None:
    path = tmp_path / "progress.sqlite3"
    with Storage.open(path) as storage, LockHolder(path, 1.0):
        rate(storage, KEY, NOW)
    assert "waiting for another quizprep" in capsys.readouterr().err


def test_an_interview_answer_and_its_review_are_one_transaction(tmp_path: Path) -> None:
    deck = write_interview_deck(tmp_path)
    cards = [c for c in load_catalog([deck]).cards if c.deck == "ivtest"]
    with Storage.open() as storage:
        # Saving the answer fails after the review was written: neither may remain.
        with storage.transaction() as db:
            db.execute(
                "CREATE TRIGGER refuse BEFORE INSERT ON interview_answers"
                " BEGIN SELECT RAISE(ABORT, 'refused'); END"
            )
        clock = Clock(NOW)
        interview = Interview(cards, storage, Scheduler(seed=FUZZ_SEED), clock, questions=1)
        with pytest.raises(QuizprepError):
            interview.answer_question(interview.questions[0], "no idea", clock())
        assert storage.log() == []
        assert storage.query("SELECT COUNT(*) FROM interviews") == [(0,)]
        # Once saving works again, the next answer is saved whole (no dangling interview).
        interview.results.clear()
        with storage.transaction() as db:
            db.execute("DROP TRIGGER refuse")
        interview.answer_question(interview.questions[0], "no idea", clock())
        assert len(storage.log()) == 1
        assert storage.query("SELECT position FROM interview_answers") == [(1,)]


def test_lone_surrogates_in_an_answer_are_replaced_not_fatal(tmp_path: Path) -> None:
    deck = write_interview_deck(tmp_path)
    cards = [c for c in load_catalog([deck]).cards if c.deck == "ivtest"]
    with Storage.open() as storage:
        clock = Clock(NOW)
        interview = Interview(cards, storage, Scheduler(seed=FUZZ_SEED), clock, questions=1)
        interview.answer_question(interview.questions[0], "max \udcff of zero", clock())
        saved = storage.query("SELECT answer FROM interview_answers")
    assert saved == [("max \ufffd of zero",)]


# -- 2: destructive commands and backups ---------------------------------------------------


def test_backups_keep_the_newest_five(tmp_path: Path) -> None:
    with Storage.open(tmp_path / "progress.sqlite3") as storage:
        rate(storage, KEY, NOW)
        made = [take_backup(storage, "reset") for _ in range(7)]
        kept = list_backups(tmp_path / "backups")
    assert kept == made[-5:]
    assert all(p.parent == tmp_path / "backups" for p in kept)
    with Storage.open(kept[-1]) as copy:
        assert copy.progress_counts() == (1, 1)


def test_progress_import_backs_up_first_and_stats_says_where(tmp_path: Path) -> None:
    with Storage.open() as storage:
        rate(storage, KEY, NOW - timedelta(days=1))
    exported = tmp_path / "p.json"
    assert cli("progress", "export", str(exported)).exit_code == 0
    data = json.loads(exported.read_text())
    data["reviews"][0]["card"] = "bce"
    exported.write_text(json.dumps(data))
    result = cli("progress", "import", str(exported))
    assert result.exit_code == 0, result.output
    backups = list((database_path().parent / "backups").glob("progress-*-import.sqlite3"))
    assert len(backups) == 1
    assert f"before the import: {backups[0]}" in one_line(result.output)
    stats = cli("stats")
    assert f"Backups: 1 in {backups[0].parent}" in one_line(stats.output)
    assert json.loads(cli("stats", "--json").stdout)["backups"]["files"] == [str(backups[0])]


def test_a_bad_progress_file_makes_no_backup(tmp_path: Path) -> None:
    with Storage.open() as storage:
        rate(storage, KEY, NOW - timedelta(days=1))
    bad = tmp_path / "bad.json"
    bad.write_text("{}")
    assert cli("progress", "import", str(bad)).exit_code == 1
    assert not (database_path().parent / "backups").exists()


# -- 4: future-dated reviews ---------------------------------------------------------------


def progress_json(*stamps: str) -> str:
    reviews = [
        {"deck": "losses", "card": f"c{i}", "reviewed_at": s, "rating": 3, "duration_ms": 1}
        for i, s in enumerate(stamps)
    ]
    return json.dumps({"format": "quizprep-progress", "version": 1, "reviews": reviews})


def test_reviews_more_than_a_day_ahead_are_refused() -> None:
    soon = "2026-12-02T20:00:00.000Z"  # later today: clocks differ a little between machines
    later = "2026-12-04T09:00:00.000Z"
    assert len(parse_progress(progress_json(soon), "p.json", NOW).reviews) == 1
    with pytest.raises(QuizprepError) as caught:
        parse_progress(progress_json(soon, later, "2499-01-01T00:00:00Z"), "p.json", NOW)
    message = caught.value.message
    assert "reviews[1].reviewed_at: '2026-12-04T09:00:00.000Z' is in the future" in message
    assert "reviews[2].reviewed_at" in message and "nothing was imported" in message


def test_today_counts_ignore_reviews_stamped_in_the_future(tmp_path: Path) -> None:
    from quizprep.study.stats import collect

    with Storage.open() as storage:
        rate(storage, KEY, NOW)
        rate(storage, ("losses", "bce"), NOW + timedelta(days=300))  # a damaged import
        today = NOW.astimezone().replace(hour=0, minute=0, second=0, microsecond=0)
        assert storage.new_cards_since(today) == 1
        stats = collect(storage, load_catalog().cards, NOW)
    assert stats.reviews_today == 1 and stats.reviews == 2


# -- 5: a full disk ------------------------------------------------------------------------


def test_disk_full_is_reported_as_disk_full_and_nothing_is_lost(tmp_path: Path) -> None:
    reviews = [
        {
            "deck": "losses",
            "card": f"card-{i:05d}-" + "x" * 60,
            "reviewed_at": "2026-01-01T00:00:00.000Z",
            "rating": 3,
            "duration_ms": 1,
        }
        for i in range(3000)
    ]
    big = tmp_path / "big.json"
    big.write_text(json.dumps({"format": "quizprep-progress", "version": 1, "reviews": reviews}))
    with Storage.open(tmp_path / "progress.sqlite3") as storage:
        rate(storage, KEY, NOW)
        pages = storage.query("PRAGMA page_count")[0][0]
        storage.query(f"PRAGMA max_page_count = {pages + 5}")  # the disk fills up
        with pytest.raises(QuizprepError) as caught:
            import_progress(storage, big, NOW)
        assert "disk full" in caught.value.message
        assert "corrupt" not in caught.value.message and "mv " not in (caught.value.hint or "")
        assert len(storage.log()) == 1  # the earlier rating is intact
        rate(storage, KEY, NOW + timedelta(minutes=20))  # and the database still works
        assert len(storage.log()) == 2


# -- 16: damaged rows and caches -----------------------------------------------------------

DAMAGE = {
    "fsrs not JSON": "UPDATE card_state SET fsrs = 'not json'",
    "fsrs empty object": "UPDATE card_state SET fsrs = '{}'",
    "unknown state": "UPDATE card_state SET state = 7",
    "due out of range": "UPDATE card_state SET due = 9223372036854775807",
}


@pytest.mark.parametrize("damage", DAMAGE)
def test_damaged_rows_give_the_corrupt_database_message(tmp_path: Path, damage: str) -> None:
    deck = write_deck(tmp_path)
    assert cli("drill", "--deck", str(deck), stdin="\n3\nq\n").exit_code == 0
    raw = sqlite3.connect(database_path())
    raw.execute(DAMAGE[damage])
    raw.commit()
    raw.close()
    commands = [
        ("stats", "--deck", str(deck)),
        ("drill", "--deck", str(deck), "--cram"),
        ("drill", "--deck", str(deck)),
        ("deck", "orphans"),
    ]
    failed = 0
    for args in commands:
        result = cli(*args, stdin="\n3\n\n3\nq\n")
        assert "Traceback" not in result.output
        assert result.exception is None or isinstance(result.exception, SystemExit), (
            args,
            result.exception,
        )
        if result.exit_code:
            assert result.exit_code == 1
            assert f"{database_path()}: the progress database is unreadable or corrupt" in (
                one_line(result.output)
            )
            failed += 1
    assert failed  # the damage was noticed somewhere, and named


def test_a_damaged_card_index_is_rebuilt_not_fatal() -> None:
    """The card index replaced the marshal cache: garbage in its file is a miss."""
    assert cli("list").exit_code == 0  # builds the index
    index = database_path().parent / "cache" / "cards.sqlite3"
    assert index.exists()
    index.write_bytes(b"this is not a database" * 100)
    result = cli("list")
    assert result.exit_code == 0, result.output
    assert "losses/mse" in result.output


def _make_read_only(folder: Path) -> bool:
    """chmod is enough for a normal user; root ignores it, so use the immutable flag."""
    import os
    import subprocess

    if os.geteuid() != 0:
        folder.chmod(0o555)
        return True
    done = subprocess.run(["chattr", "+i", str(folder)], capture_output=True, check=False)
    return done.returncode == 0


def _make_writable(folder: Path) -> None:
    import os
    import subprocess

    if os.geteuid() == 0:
        subprocess.run(["chattr", "-i", str(folder)], capture_output=True, check=False)
    folder.chmod(0o755)


def test_read_only_data_folder_still_serves_read_only_commands(quizprep_home: Path) -> None:
    deck = write_deck(quizprep_home.parent)
    assert cli("drill", "--deck", str(deck), stdin="\n3\nq\n").exit_code == 0
    with Storage.open() as storage:  # leave no -wal/-shm behind, as after a clean exit
        storage.query("PRAGMA wal_checkpoint(TRUNCATE)")
    for leftover in quizprep_home.glob("progress.sqlite3-*"):
        leftover.unlink()
    for index in (quizprep_home / "cache").glob("cards.sqlite3*"):
        index.unlink()  # the card index: read-only commands then index in memory
    if not _make_read_only(quizprep_home):
        pytest.skip("cannot make a folder read-only here (no chattr as root)")
    try:
        for args in (
            ("stats", "--deck", str(deck)),
            ("deck", "list", "--deck", str(deck)),
            ("drill", "--deck", str(deck), "--cram"),
            ("progress", "export", "-"),
        ):
            result = cli(*args, stdin="\nq\n")
            assert result.exit_code == 0, (args, result.output)
        assert json.loads(cli("progress", "export", "-").stdout)["reviews"]
        rating = cli("drill", "--deck", str(deck), stdin="\n3\nq\n")
        assert rating.exit_code == 1
        assert "cannot open the progress database for writing" in one_line(rating.output)
    finally:
        _make_writable(quizprep_home)


# -- 12, 20: progress files ----------------------------------------------------------------


def test_a_lone_surrogate_in_a_progress_file_is_refused() -> None:
    text = progress_json("2026-01-01T00:00:00Z").replace('"c0"', '"\\ud800"')
    with pytest.raises(QuizprepError) as caught:
        parse_progress(text, "p.json", NOW)
    assert "reviews[0].card: holds a lone surrogate" in caught.value.message


def test_escape_sequences_in_progress_ids_are_refused() -> None:
    text = progress_json("2026-01-01T00:00:00Z").replace('"c0"', '"\\u001b]0;x\\u0007"')
    with pytest.raises(QuizprepError, match="holds a control character"):
        parse_progress(text, "p.json", NOW)


def test_a_huge_field_gives_a_short_message() -> None:
    data = json.loads(progress_json("2026-01-01T00:00:00Z"))
    data["reviews"][0]["rating"] = list(range(300_000))
    data["reviews"][0]["card"] = "c" * 300_000
    data["version"] = 1
    with pytest.raises(QuizprepError) as caught:
        parse_progress(json.dumps(data), "p.json", NOW)
    assert len(caught.value.message) < 1000
    assert "a list of 300,000 items" in caught.value.message


def test_a_nan_retention_is_not_exported_so_our_import_accepts_the_file(tmp_path: Path) -> None:
    with Storage.open() as storage:
        rate(storage, KEY, NOW - timedelta(days=2))
        storage.set_setting("desired_retention", "nan")
        data = export_data(storage, NOW)
    assert data["settings"] == {}
    path = tmp_path / "p.json"
    path.write_text(json.dumps(data, allow_nan=False))
    with Storage.open(tmp_path / "other.sqlite3") as other:
        assert import_progress(other, path, NOW).added == 1


JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
FIELDS = ["deck", "card", "reviewed_at", "rating", "duration_ms", "source"]


@settings(max_examples=300, deadline=None)
@given(field=st.sampled_from(FIELDS), value=JSONISH)
def test_any_progress_file_value_is_refused_cleanly_or_accepted(field: str, value: object) -> None:
    data = json.loads(progress_json("2026-01-01T00:00:00Z"))
    data["reviews"][0][field] = value
    try:
        parsed = parse_progress(json.dumps(data), "p.json", NOW)
    except QuizprepError as exc:
        assert exc.message.startswith("p.json") and len(exc.message) < 2000
        return
    review = parsed.reviews[0]
    review.deck.encode("utf-8")  # whatever is accepted can be stored and shown
    review.card.encode("utf-8")
    assert 1 <= review.rating <= 4
