"""Progress sync: the review log as versioned JSON, merged idempotently and replayed.

``progress export`` writes every review-log row (deck, card, time to the millisecond, rating,
duration) and the settings worth carrying over. ``progress import`` validates a file, adds
the reviews this database lacks — a review is identified by (deck, card, time, rating), so
importing a file twice adds nothing — and then rebuilds card states by replaying logs
through FSRS in time order, committing a few thousand reviews at a time so a drill in
another terminal is never kept waiting for the whole import.

Why every card is replayed, not only those that gained reviews: the drill computes a state
with a session's random fuzz seed and a microsecond clock, so a card drilled on one machine
only would otherwise keep that state there while the other machine holds the replayed one.
Replaying every card with one fixed fuzz seed and millisecond times makes each card's state
a function of its merged log alone, so two machines that exchanged files agree exactly.
Rows whose replayed values already match are not rewritten, so a repeated import writes
nothing. Each card's new reviews, rebuilt log and state are written in one transaction:
an interrupted import leaves every card imported or untouched, and running it again
finishes the job.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from quizprep.errors import QuizprepError
from quizprep.study.scheduler import FUZZ_SEED
from quizprep.study.settings import RETENTION_SETTING

if TYPE_CHECKING:
    import sqlite3

    from quizprep.study.scheduler import Scheduler
    from quizprep.study.storage import Storage

FORMAT = "quizprep-progress"
VERSION = 1
MAX_PROBLEMS = 8
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
# A review time outside these is a damaged file, and past 2500 FSRS's due date (up to a
# century later) would overflow datetime.
EARLIEST_MS, LATEST_MS = 0, 16_725_225_600_000  # 1970-01-01 .. 2500-01-01 (UTC)
MAX_DURATION_MS = 2**63 - 1  # SQLite's largest integer
# About 100 bytes a review: a million reviews fit with room to spare; anything bigger is
# not an export and would only exhaust memory.
MAX_FILE_BYTES = 256 * 1024 * 1024
# Reviews stamped more than this after the clock are refused: they would count as "today".
FUTURE_SLACK_MS = 86_400_000
MAX_ID_CHARS = 256
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")

CardKey = tuple[str, str]
SOURCES = ("drill", "interview")


class SyncedReview(NamedTuple):
    deck: str
    card: str
    at_ms: int  # review time, ms since the epoch (UTC)
    rating: int
    duration_ms: int | None
    source: str = "drill"  # where the review was given: "drill" or "interview"

    @property
    def key(self) -> CardKey:
        return (self.deck, self.card)

    @property
    def identity(self) -> tuple[str, str, int, int]:
        """What makes two reviews the same review."""
        return (self.deck, self.card, self.at_ms, self.rating)

    def to_json(self) -> dict[str, Any]:
        return {
            "deck": self.deck,
            "card": self.card,
            "reviewed_at": iso_ms(self.at_ms),
            "rating": self.rating,
            "duration_ms": self.duration_ms,
            "source": self.source,
        }


@dataclass(frozen=True)
class ProgressFile:
    reviews: list[SyncedReview]
    settings: dict[str, float] = field(default_factory=dict)
    exported_at: str | None = None


@dataclass(frozen=True)
class ExportResult:
    path: Path | None  # None: written to standard output
    reviews: int
    cards: int


@dataclass(frozen=True)
class ImportResult:
    path: Path
    in_file: int  # distinct reviews in the file
    added: int
    added_cards: int  # cards that gained reviews
    already: int  # reviews of the file this database already had
    rebuilt: int  # cards whose state the replay changed
    replayed: int  # cards replayed (not those an earlier import rebuilt, unreviewed since)
    settings: list[str] = field(default_factory=list)  # what happened to synced settings


# -- times -------------------------------------------------------------------------------


def iso_ms(ms: int) -> str:
    """``2025-03-10T09:00:00.123Z``: exact to the millisecond, whatever the float rounding."""
    moment = EPOCH + timedelta(milliseconds=ms)
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{ms % 1000:03d}Z"


def parse_ms(text: str) -> int:
    """ISO-8601 with a time zone → ms since the epoch (microseconds round to the nearest ms)."""
    moment = datetime.fromisoformat(text.strip())
    if moment.tzinfo is None:
        raise ValueError("no time zone")
    span = moment - EPOCH
    return span.days * 86_400_000 + span.seconds * 1000 + round(span.microseconds / 1000)


# -- export ------------------------------------------------------------------------------


def export_data(storage: Storage, now: datetime) -> dict[str, Any]:
    """The whole review log and synced settings, as the JSON document to write."""
    rows = storage.query(
        "SELECT deck_id, card_id, reviewed_at, rating, duration_ms, source FROM review_log"
        " ORDER BY reviewed_at, deck_id, card_id, rating, id"
    )
    settings: dict[str, float] = {}
    # A damaged setting is not worth spreading to another machine.
    from quizprep.study.scheduler import MAX_RETENTION, MIN_RETENTION

    saved = _as_float(storage.setting(RETENTION_SETTING) or "")
    if saved is not None and MIN_RETENTION <= saved <= MAX_RETENTION:
        settings[RETENTION_SETTING] = saved
    from quizprep.study.storage import to_ms

    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": iso_ms(to_ms(now)),
        "settings": settings,
        "reviews": [SyncedReview(*row).to_json() for row in rows],
    }


def export_progress(storage: Storage, path: Path | None, now: datetime) -> ExportResult:
    """Write the export to ``path`` (atomically), or to standard output when ``None``."""
    data = export_data(storage, now)
    text = json.dumps(data, indent=1, ensure_ascii=False) + "\n"
    cards = len({(r["deck"], r["card"]) for r in data["reviews"]})
    if path is None:
        import sys

        sys.stdout.write(text)
    else:
        _write_atomically(path, text)
    return ExportResult(path, len(data["reviews"]), cards)


def _write_atomically(path: Path, text: str) -> None:
    """A sync tool watching the folder never sees half a file; a symlink into the sync
    folder keeps pointing at the (updated) file."""
    from quizprep.files import write_atomic

    if path.is_dir():
        raise QuizprepError(f"{path}: is a folder; give a file name such as progress.json")
    write_atomic(path, text)


# -- reading and validating --------------------------------------------------------------


def read_progress_file(path: Path, now: datetime | None = None) -> ProgressFile:
    """Load and check an export; any problem is a QuizprepError naming the file.

    ``now`` bounds review times: none may lie more than a day after it.
    """
    from quizprep.files import UnreadableFile, decode_text, read_user_file

    try:
        raw = read_user_file(path, MAX_FILE_BYTES, what="progress file")
        text = decode_text(raw, path)
    except UnreadableFile as exc:
        reason = exc.reason
        if reason.startswith(("not UTF-8", "looks like UTF-16", "damaged UTF-16")):
            reason = f"not a progress file ({reason})"
        raise QuizprepError(f"{path}: {reason}") from None
    return parse_progress(text, str(path), now)


def parse_progress(text: str, name: str, now: datetime | None = None) -> ProgressFile:
    from quizprep.study.scheduler import utc_now
    from quizprep.study.storage import to_ms

    latest_ms = min(LATEST_MS, to_ms(now or utc_now()) + FUTURE_SLACK_MS)
    hint = "Make the file with `quizprep progress export FILE.json`."
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise QuizprepError(
            f"{name}:{exc.lineno}: not valid JSON: {exc.msg} (line {exc.lineno}, column "
            f"{exc.colno})",
            hint=hint,
        ) from None
    except (RecursionError, ValueError) as exc:
        # Nesting too deep for the parser, or a number with thousands of digits.
        reason = "nested too deeply" if isinstance(exc, RecursionError) else str(exc)
        raise QuizprepError(f"{name}: not valid JSON: {reason}", hint=hint) from None
    if not isinstance(data, dict):
        raise QuizprepError(f"{name}: not a quizprep progress file (not a JSON object)", hint=hint)
    if data.get("format") != FORMAT:
        found = 'has no "format"' if "format" not in data else f"format is {short(data['format'])}"
        raise QuizprepError(
            f"{name}: not a quizprep progress file ({found}; expected {FORMAT!r})", hint=hint
        )
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise QuizprepError(f'{name}: "version" must be a whole number ≥ 1, not {short(version)}')
    if version > VERSION:
        raise QuizprepError(
            f"{name}: written by a newer quizprep (progress format version {version}; "
            f"this version reads {VERSION})",
            hint="Upgrade quizprep on this machine, then import again.",
        )
    problems: list[str] = []
    reviews = data.get("reviews")
    if not isinstance(reviews, list):
        problems.append('"reviews" must be a list')
        reviews = []
    parsed = []
    for index, item in enumerate(reviews):
        review = _review(item, f"reviews[{index}]", problems, latest_ms)
        if review is not None:
            parsed.append(review)
    settings = _settings(data.get("settings", {}), problems)
    if problems:
        shown = problems[:MAX_PROBLEMS]
        if len(problems) > len(shown):
            shown.append(f"… and {len(problems) - len(shown)} more")
        raise QuizprepError(
            f"{name}: not a valid progress file; nothing was imported:\n  " + "\n  ".join(shown)
        )
    exported_at = data.get("exported_at")
    return ProgressFile(parsed, settings, exported_at if isinstance(exported_at, str) else None)


def short(value: object, limit: int = 60) -> str:
    """``repr(value)``, cut to ``limit`` characters: a 300,000-item field must not turn
    into a megabyte of error message."""
    if isinstance(value, (list, dict)) and len(value) > 8:
        return f"a {type(value).__name__} of {len(value):,} items"
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _bad_text(value: str) -> str | None:
    """Why an id from a file cannot be stored or shown, if it cannot."""
    if _LONE_SURROGATE.search(value):
        return "holds a lone surrogate (not valid Unicode)"
    if _CONTROL.search(value):
        return "holds a control character"
    if len(value) > MAX_ID_CHARS:
        return f"is over {MAX_ID_CHARS} characters"
    return None


def _review(
    item: object, where: str, problems: list[str], latest_ms: int = LATEST_MS
) -> SyncedReview | None:
    if not isinstance(item, dict):
        problems.append(f"{where}: must be an object with deck, card, reviewed_at, rating")
        return None
    before = len(problems)
    deck, card = item.get("deck"), item.get("card")
    for name, value in (("deck", deck), ("card", card)):
        if not isinstance(value, str) or not value.strip():
            problems.append(f"{where}.{name}: must be a non-empty string, not {short(value)}")
        elif reason := _bad_text(value):
            problems.append(f"{where}.{name}: {reason}: {short(value)}")
    at_ms = 0
    stamp = item.get("reviewed_at")
    try:
        if not isinstance(stamp, str):
            raise ValueError
        at_ms = parse_ms(stamp)
    except (ValueError, OverflowError):
        problems.append(
            f"{where}.reviewed_at: must be an ISO-8601 time with a time zone "
            f"(like 2025-03-10T09:00:00.000Z), not {short(stamp)}"
        )
    else:
        if not EARLIEST_MS <= at_ms < LATEST_MS:
            problems.append(
                f"{where}.reviewed_at: must be between 1970 and 2500, not {short(stamp)}"
            )
        elif at_ms > latest_ms:
            # A review "in the future" would count as today's every day until then.
            problems.append(
                f"{where}.reviewed_at: {short(stamp)} is in the future (more than a day "
                "ahead of this computer's clock)"
            )
    rating = item.get("rating")
    if not isinstance(rating, int) or isinstance(rating, bool) or not 1 <= rating <= 4:
        problems.append(f"{where}.rating: must be 1, 2, 3 or 4, not {short(rating)}")
    duration = item.get("duration_ms")
    bad_duration = (
        isinstance(duration, bool)
        or not isinstance(duration, int)
        or not 0 <= duration <= MAX_DURATION_MS
    )
    if duration is not None and bad_duration:
        problems.append(
            f"{where}.duration_ms: must be a whole number from 0 to {MAX_DURATION_MS} or null,"
            f" not {short(duration)}"
        )
    source = item.get("source", "drill")  # version-1 files written before it existed
    if source not in SOURCES:
        problems.append(f"{where}.source: must be one of {', '.join(SOURCES)}, not {short(source)}")
    if len(problems) > before:
        return None
    return SyncedReview(str(deck), str(card), at_ms, int(rating), duration, source)  # type: ignore[arg-type]


def _settings(value: object, problems: list[str]) -> dict[str, float]:
    from quizprep.study.scheduler import MAX_RETENTION, MIN_RETENTION

    if not isinstance(value, dict):
        problems.append('"settings" must be an object')
        return {}
    out: dict[str, float] = {}
    retention = value.get(RETENTION_SETTING)
    if retention is not None:
        if (
            isinstance(retention, bool)
            or not isinstance(retention, int | float)
            or not MIN_RETENTION <= retention <= MAX_RETENTION
        ):
            problems.append(
                f"settings.{RETENTION_SETTING}: must be a number from {MIN_RETENTION:g} to "
                f"{MAX_RETENTION:g}, not {short(retention)}"
            )
        else:
            out[RETENTION_SETTING] = float(retention)
    return out


# -- import ------------------------------------------------------------------------------


def import_progress(storage: Storage, path: Path, now: datetime | None = None) -> ImportResult:
    """Merge ``path`` into ``storage`` and rebuild card states, in bounded chunks.

    ``now`` (default: the clock) bounds review times: none may lie more than a day ahead.

    A progress bar (on a terminal, after a second) shows a long import going.
    """
    from quizprep.decks.progressbar import ProgressBar

    incoming = read_progress_file(path, now)
    with ProgressBar("Importing progress", "reviews") as bar:
        return merge(storage, incoming, path, bar.update)


# Reviews written per transaction. A drill or interview in another terminal waits for at
# most one chunk (well under a second) instead of the whole import.
CHUNK_REVIEWS = 5000
_LOG_COLUMNS = (
    "state_before, state_after, interval_before, interval_after, due_before, due_after,"
    " fsrs_before, fsrs_after"
)


class _Plan(NamedTuple):
    """One card's replay, computed from a snapshot of the log, ready to write."""

    key: CardKey
    seen: tuple[int, int]  # (log rows, highest row id) of the card when it was read
    state: str | None  # its card_state JSON when it was read
    inserts: list[tuple]  # new reviews with every derived column
    updates: list[tuple]  # derived columns of existing rows that changed, with the row id
    final: tuple[str, int, int] | None  # the state after its last review: fsrs, state, due
    new: list[SyncedReview]


def merge(
    storage: Storage,
    incoming: ProgressFile,
    path: Path,
    progress: Callable[[int, int], None] | None = None,
) -> ImportResult:
    """Add the file's new reviews and replay every card that needs it.

    The replay is computed from a snapshot of the log, then written card by card in
    transactions of about ``CHUNK_REVIEWS`` reviews: a card's new reviews, its rebuilt
    log and its state always land together. A card rated in another terminal meanwhile
    is replayed again inside its chunk's transaction, from the log as it is then. An
    interrupted import leaves every card either imported or untouched; running it again
    finishes it.
    """
    # For this connection only, while it imports: the log's indexes outgrow SQLite's
    # default 2 MB page cache at about 20,000 reviews (a bigger one cut a 100,000-review
    # import by a third); commits skip the fsync (WAL stays consistent, and an import cut
    # short by a power failure is finished by running it again; a drill's ratings keep
    # their own fully synced connection); the WAL is copied back once, at the end, rather
    # than every 4 MB.
    pragmas = {"cache_size": -65536}
    if str(storage.query("PRAGMA journal_mode")[0][0]).lower() == "wal":
        # Outside WAL (a file system that refused it) NORMAL could corrupt on power loss.
        pragmas |= {"synchronous": 1, "wal_autocheckpoint": 65536}
    saved = {name: storage.query(f"PRAGMA {name}")[0][0] for name in pragmas}
    for name, value in pragmas.items():
        storage.query(f"PRAGMA {name} = {value}")
    try:
        return _merge(storage, incoming, path, progress)
    finally:
        with contextlib.suppress(QuizprepError):  # never hide the import's own error
            for name, value in saved.items():
                storage.query(f"PRAGMA {name} = {int(value)}")
            if "wal_autocheckpoint" in pragmas:
                storage.query("PRAGMA wal_checkpoint(PASSIVE)")


def _merge(
    storage: Storage,
    incoming: ProgressFile,
    path: Path,
    progress: Callable[[int, int], None] | None,
) -> ImportResult:
    from quizprep.study.scheduler import Scheduler

    unique = {r.identity: r for r in incoming.reviews}
    with storage.transaction() as db:
        notes, retention = _merge_settings(db, incoming.settings)
    scheduler = Scheduler(retention, seed=FUZZ_SEED)

    have = {
        (d, c, at, rating)
        for d, c, at, rating in storage.query(
            "SELECT deck_id, card_id, reviewed_at, rating FROM review_log"
        )
    }
    new = [r for identity, r in unique.items() if identity not in have]
    del have
    new_by_card: dict[CardKey, list[SyncedReview]] = {}
    for review in new:
        new_by_card.setdefault(review.key, []).append(review)
    marks = {(d, c): (f, r) for d, c, f, r in storage.query("SELECT * FROM replayed")}
    current = {
        (d, c): f for d, c, f in storage.query("SELECT deck_id, card_id, fsrs FROM card_state")
    }
    logged = storage.query("SELECT DISTINCT deck_id, card_id FROM review_log")
    keys = sorted({(d, c) for d, c in logged} | set(new_by_card))
    todo = [
        key
        for key in keys
        if key in new_by_card or key not in current or marks.get(key) != (current[key], retention)
    ]  # the others were rebuilt by an earlier import and not reviewed since

    rebuilt = 0
    total = sum(len(new_by_card.get(k, ())) for k in todo) + len(todo)
    done = 0
    batch: list[_Plan] = []
    size = 0
    for plan in _plans(storage, todo, new_by_card, current, scheduler):
        batch.append(plan)
        size += len(plan.inserts) + len(plan.updates) + 1
        if size >= CHUNK_REVIEWS:
            rebuilt += _write_chunk(storage, batch, scheduler, retention)
            done += sum(len(p.new) + 1 for p in batch)
            batch, size = [], 0
            if progress is not None:
                progress(done, total)
    if batch:
        rebuilt += _write_chunk(storage, batch, scheduler, retention)
    if progress is not None:
        progress(total, total)
    return ImportResult(
        path=path,
        in_file=len(unique),
        added=len(new),
        added_cards=len(new_by_card),
        already=len(unique) - len(new),
        rebuilt=rebuilt,
        replayed=len(todo),
        settings=notes,
    )


def _plans(
    storage: Storage,
    todo: list[CardKey],
    new_by_card: dict[CardKey, list[SyncedReview]],
    current: dict[CardKey, str],
    scheduler: Scheduler,
) -> Iterator[_Plan]:
    """Each card's replay, in key order, from one ordered read of the log."""
    wanted = set(todo)
    rows_of: dict[CardKey, list[tuple]] = {}
    # One pass in (card, time) order, thanks to the review_log_card_time index.
    for row in storage.query(
        "SELECT deck_id, card_id, id, reviewed_at, rating, duration_ms,"
        f" {_LOG_COLUMNS} FROM review_log ORDER BY deck_id, card_id, reviewed_at"
    ):
        key = (row[0], row[1])
        if key in wanted:
            rows_of.setdefault(key, []).append(row[2:])
    jobs = [(key, rows_of.pop(key, []), new_by_card.get(key, []), current.get(key))
            for key in todo]  # fmt: skip
    reviews = sum(len(rows) + len(new) for _, rows, new, _ in jobs)
    workers = min(os.cpu_count() or 1, 4)
    if workers < 2 or reviews < PARALLEL_REVIEWS or not hasattr(os, "fork"):
        for key, rows, new, state in jobs:
            yield _plan(key, rows, new, state, scheduler)
        return
    # Cards replay independently: on several cores, workers (forked, so they read the jobs
    # from memory they share with us) replay slices of them while we write what is done.
    import multiprocessing

    global _JOBS
    _JOBS = (jobs, scheduler.desired_retention, scheduler.seed)
    step = max(1, len(jobs) // (workers * 8))
    slices = [(i, min(i + step, len(jobs))) for i in range(0, len(jobs), step)]
    try:
        pool = multiprocessing.get_context("fork").Pool(workers)
    except (OSError, ValueError):
        _JOBS = None
        for key, rows, new, state in jobs:
            yield _plan(key, rows, new, state, scheduler)
        return
    try:
        with pool:
            for plans in pool.imap(_plan_slice, slices):
                yield from plans
    finally:
        _JOBS = None


PARALLEL_REVIEWS = 20_000  # below this, starting workers costs more than it saves
_JOBS: tuple | None = None  # what forked workers replay (set only while they run)


def _plan_slice(bounds: tuple[int, int]) -> list[_Plan]:
    """In a worker: replay the jobs ``bounds`` of ``_JOBS``."""
    from quizprep.study.scheduler import Scheduler

    assert _JOBS is not None
    jobs, retention, seed = _JOBS
    scheduler = Scheduler(retention, seed=seed)
    return [
        _plan(key, rows, new, state, scheduler) for key, rows, new, state in jobs[slice(*bounds)]
    ]


def _plan(
    key: CardKey,
    rows: list[tuple],
    new: list[SyncedReview],
    state: str | None,
    scheduler: Scheduler,
) -> _Plan:
    from quizprep.study.storage import NEW, from_ms

    seen = (len(rows), max((r[0] for r in rows), default=0))
    # Ties in time are broken by rating and duration, then by row id; new rows get ids
    # after every existing one, in the file's order (as inserting them first would).
    merged = [(r[1], r[2], -1 if r[3] is None else r[3], r[0], r) for r in rows]
    merged += [
        (n.at_ms, n.rating, -1 if n.duration_ms is None else n.duration_ms, 2**62 + i, n)
        for i, n in enumerate(new)
    ]
    merged.sort(key=lambda m: m[:4])
    outcomes = scheduler.replay(
        key, [(from_ms(m[0]), m[1], None if m[2] == -1 else m[2]) for m in merged]
    )
    inserts: list[tuple] = []
    updates: list[tuple] = []
    fsrs: str | None = None
    before_state, due, last_at = NEW, None, None
    for (at, rating, _dur, _order, item), outcome in zip(merged, outcomes, strict=True):
        due_after = round(outcome.due.timestamp() * 1000)  # to_ms, inlined: 100,000 calls
        interval_before = (due - last_at) // 1000 if due is not None and last_at else None
        derived = (before_state, outcome.state, interval_before, (due_after - at) // 1000,
                   due, due_after, fsrs, outcome.fsrs)  # fmt: skip
        if isinstance(item, SyncedReview):
            inserts.append((item.deck, item.card, at, rating, item.duration_ms, item.source,
                            *derived))  # fmt: skip
        elif tuple(item[4:]) != derived:
            updates.append((*derived, item[0]))
        fsrs, before_state, due, last_at = outcome.fsrs, outcome.state, due_after, at
    final = (fsrs, before_state, due) if fsrs is not None and due is not None else None
    return _Plan(key, seen, state, inserts, updates, final, new)


def _write_chunk(
    storage: Storage, plans: list[_Plan], scheduler: Scheduler, retention: float
) -> int:
    """Write some cards' replays in one transaction; returns how many cards changed."""
    changed = 0
    with storage.transaction() as db:
        inserts, updates, states, marks = [], [], [], []
        # What the log and states hold now for these cards: two queries for the chunk.
        pairs = ",".join("(?, ?)" for _ in plans)
        keys = [part for plan in plans for part in plan.key]
        logged = {
            (d, c): (n, top)
            for d, c, n, top in db.execute(
                "SELECT deck_id, card_id, COUNT(*), MAX(id) FROM review_log"
                f" WHERE (deck_id, card_id) IN (VALUES {pairs}) GROUP BY deck_id, card_id",
                keys,
            )
        }
        stored = {
            (d, c): (f, st, due)
            for d, c, f, st, due in db.execute(
                "SELECT deck_id, card_id, fsrs, state, due FROM card_state"
                f" WHERE (deck_id, card_id) IN (VALUES {pairs})",
                keys,
            )
        }
        for plan in plans:
            key = plan.key
            now_seen = logged.get(key, (0, 0))
            now_state = stored.get(key)
            if tuple(now_seen) != plan.seen or (now_state[0] if now_state else None) != plan.state:
                # Rated (or imported) elsewhere since the snapshot: replay from the log as
                # it is now, inside this transaction.
                _insert_missing(db, plan.new)
                card_changed, fsrs = replay_card(db, key, scheduler)
                changed += card_changed
                marks.append((key[0], key[1], fsrs, retention))
                continue
            if plan.final is None:
                continue  # its reviews were deleted since the snapshot: nothing to rebuild
            inserts += plan.inserts
            updates += plan.updates
            state_differs = tuple(now_state or ()) != plan.final
            if state_differs:
                states.append((key[0], key[1], *plan.final))
            changed += bool(plan.inserts or plan.updates or state_differs)
            marks.append((key[0], key[1], plan.final[0], retention))
        db.executemany(
            "INSERT INTO review_log (deck_id, card_id, reviewed_at, rating, duration_ms,"
            f" source, {_LOG_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            inserts,
        )
        db.executemany(
            "UPDATE review_log SET state_before = ?, state_after = ?, interval_before = ?,"
            " interval_after = ?, due_before = ?, due_after = ?, fsrs_before = ?,"
            " fsrs_after = ? WHERE id = ?",
            updates,
        )
        db.executemany(
            "INSERT INTO card_state (deck_id, card_id, fsrs, state, due) VALUES (?,?,?,?,?)"
            " ON CONFLICT (deck_id, card_id) DO UPDATE SET"
            " fsrs = excluded.fsrs, state = excluded.state, due = excluded.due",
            states,
        )
        db.executemany(
            "INSERT INTO replayed VALUES (?, ?, ?, ?) ON CONFLICT (deck_id, card_id)"
            " DO UPDATE SET fsrs = excluded.fsrs, retention = excluded.retention",
            marks,
        )
    return changed


def _insert_missing(db: sqlite3.Connection, reviews: list[SyncedReview]) -> None:
    """Placeholder rows for reviews the log does not hold yet (``replay_card`` fills them)."""
    for r in reviews:
        db.execute(
            "INSERT INTO review_log (deck_id, card_id, reviewed_at, rating, duration_ms,"
            " source, state_before, state_after, interval_before, interval_after, due_after,"
            " fsrs_after) SELECT ?, ?, ?, ?, ?, ?, 0, 0, NULL, 0, 0, ''"
            " WHERE NOT EXISTS (SELECT 1 FROM review_log WHERE deck_id = ? AND card_id = ?"
            " AND reviewed_at = ? AND rating = ?)",
            (r.deck, r.card, r.at_ms, r.rating, r.duration_ms, r.source,
             r.deck, r.card, r.at_ms, r.rating),
        )  # fmt: skip


def _merge_settings(db: sqlite3.Connection, settings: dict[str, float]) -> tuple[list[str], float]:
    """Take the file's desired retention when this machine has not chosen one.

    Returns notes for the user and the retention the replay uses.
    """
    from quizprep.study.scheduler import DEFAULT_RETENTION, MAX_RETENTION, MIN_RETENTION

    notes: list[str] = []
    row = db.execute("SELECT value FROM settings WHERE key = ?", (RETENTION_SETTING,)).fetchone()
    ours = _as_float(row[0]) if row else None
    if ours is not None and not MIN_RETENTION <= ours <= MAX_RETENTION:
        ours = None
    theirs = settings.get(RETENTION_SETTING)
    if theirs is not None and ours is None:
        db.execute(
            "INSERT INTO settings VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET"
            " value = excluded.value",
            (RETENTION_SETTING, repr(theirs)),
        )
        notes.append(f"desired retention set to {theirs:g} from the file")
        return notes, theirs
    if theirs is not None and ours != theirs:
        notes.append(f"kept this machine's desired retention {ours:g} (the file has {theirs:g})")
    return notes, ours if ours is not None else DEFAULT_RETENTION


def _as_float(text: str) -> float | None:
    """A finite number, or ``None`` (a damaged setting: "nan" parses but means nothing)."""
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def replay_card(
    db: sqlite3.Connection, key: CardKey, scheduler: Scheduler
) -> tuple[bool, str | None]:
    """Recompute one card's log (before/after columns) and state from its reviews in time
    order. Returns whether anything changed, and the card's rebuilt scheduler JSON. Runs
    inside the caller's transaction.

    Ties in time are broken by rating and duration, never by row id, which differs
    between machines.
    """
    from quizprep.study.storage import NEW, from_ms

    rows = db.execute(
        "SELECT id, reviewed_at, rating, duration_ms, state_before, state_after,"
        " interval_before, interval_after, due_before, due_after, fsrs_before, fsrs_after"
        " FROM review_log WHERE deck_id = ? AND card_id = ?"
        " ORDER BY reviewed_at, rating, COALESCE(duration_ms, -1), id",
        key,
    ).fetchall()
    if not rows:
        return False, None
    changed = False
    fsrs: str | None = None
    state, due, last_at = NEW, None, None
    for row in rows:
        log_id, at, rating, duration = row[0], row[1], row[2], row[3]
        outcome = scheduler.review(key, fsrs, rating, from_ms(at), duration)
        due_after = _ms(outcome.due)
        interval_before: int | None = None
        if due is not None and last_at is not None:
            interval_before = (due - last_at) // 1000
        derived = (
            state,
            outcome.state,
            interval_before,
            (due_after - at) // 1000,
            due,
            due_after,
            fsrs,
            outcome.fsrs,
        )
        if tuple(row[4:]) != derived:
            changed = True
            db.execute(
                "UPDATE review_log SET state_before = ?, state_after = ?, interval_before = ?,"
                " interval_after = ?, due_before = ?, due_after = ?, fsrs_before = ?,"
                " fsrs_after = ? WHERE id = ?",
                (*derived, log_id),
            )
        fsrs, state, due, last_at = outcome.fsrs, outcome.state, due_after, at
    current = db.execute(
        "SELECT fsrs, state, due FROM card_state WHERE deck_id = ? AND card_id = ?", key
    ).fetchone()
    if current != (fsrs, state, due):
        changed = True
        db.execute(
            "INSERT INTO card_state (deck_id, card_id, fsrs, state, due) VALUES (?,?,?,?,?)"
            " ON CONFLICT (deck_id, card_id) DO UPDATE SET"
            " fsrs = excluded.fsrs, state = excluded.state, due = excluded.due",
            (key[0], key[1], fsrs, state, due),
        )
    return changed, fsrs


def _ms(moment: datetime) -> int:
    from quizprep.study.storage import to_ms

    return to_ms(moment)


def review_identities(storage: Storage) -> list[tuple[str, str, int, int]]:
    """Every review's identity, sorted (for comparing two databases)."""
    rows = storage.query("SELECT deck_id, card_id, reviewed_at, rating FROM review_log")
    return sorted((d, c, at, r) for d, c, at, r in rows)
