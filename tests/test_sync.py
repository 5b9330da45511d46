"""Progress sync: export format, validation, idempotent merge, FSRS replay, round trips."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from typer.testing import CliRunner

from quizprep.cli import app
from quizprep.errors import QuizprepError
from quizprep.study.scheduler import Scheduler
from quizprep.study.storage import ReviewRecord, Storage, StoredCard, from_ms, to_ms
from quizprep.study.sync import (
    FORMAT,
    FUZZ_SEED,
    export_data,
    export_progress,
    import_progress,
    iso_ms,
    parse_ms,
    read_progress_file,
    review_identities,
)

T0 = datetime(2025, 3, 10, 9, 0, 0, 123_456, tzinfo=timezone.utc)  # microseconds on purpose
runner = CliRunner()


def drill(storage: Storage, scheduler: Scheduler, key: tuple[str, str], rating: int, at: datetime):
    """One rating exactly as a drill session records it (storage.review + the scheduler)."""

    def compute(before: StoredCard | None) -> ReviewRecord:
        outcome = scheduler.review(key, before.fsrs if before else None, rating, at, 4200)
        return ReviewRecord(at, rating, 4200, outcome.fsrs, outcome.state, outcome.due)

    return storage.review(key, compute)


def drill_days(storage: Storage, seed: int, keys: list[tuple[str, str]], start: datetime) -> None:
    """Several weeks of reviews, each card reviewed when due, with the drill's own seed.

    Intervals grow past 2.5 days, where FSRS fuzz applies, so seeds matter.
    """
    scheduler = Scheduler(seed=seed)
    for index, key in enumerate(keys):
        at = start + timedelta(minutes=index * 3)
        for step in range(7):
            rating = 1 if (step == 3 and index % 2) else 3
            entry = drill(storage, scheduler, key, rating, at)
            at = entry.due_after + timedelta(hours=1, microseconds=777 * step)


def full_log(storage: Storage) -> list[tuple]:
    rows = storage.query(
        "SELECT deck_id, card_id, reviewed_at, rating, duration_ms, state_before, state_after,"
        " interval_before, interval_after, due_before, due_after, fsrs_before, fsrs_after"
        " FROM review_log"
    )
    return sorted(rows, key=lambda r: (r[0], r[1], r[2], r[3]))


def states(storage: Storage) -> dict:
    return {k: (s.fsrs, s.state, s.due) for k, s in storage.states().items()}


@pytest.fixture(autouse=True)
def clock_after_the_simulated_reviews(monkeypatch: pytest.MonkeyPatch) -> None:
    """The simulated drills run into 2027; an import refuses reviews dated after its clock."""
    later = datetime(2035, 1, 1, tzinfo=timezone.utc)
    monkeypatch.setattr("quizprep.study.scheduler.utc_now", lambda: later)


@pytest.fixture
def two(tmp_path: Path):
    a = Storage.open(tmp_path / "a" / "progress.sqlite3")
    b = Storage.open(tmp_path / "b" / "progress.sqlite3")
    yield a, b
    a.close()
    b.close()


# -- times -------------------------------------------------------------------------------


@pytest.mark.parametrize("ms", [0, 1, 999, 1_741_597_200_123, 1_741_597_200_999, 4_102_444_799_999])
def test_iso_times_round_trip_to_the_millisecond(ms: int) -> None:
    text = iso_ms(ms)
    assert text.endswith("Z") and len(text.split(".")[1]) == 4
    assert parse_ms(text) == ms


def test_parse_accepts_offsets_and_rejects_naive_times() -> None:
    assert parse_ms("2025-03-10T11:00:00.250+02:00") == parse_ms("2025-03-10T09:00:00.250Z")
    assert parse_ms("2025-03-10T09:00:00.2504Z") == parse_ms("2025-03-10T09:00:00.250Z")
    with pytest.raises(ValueError):
        parse_ms("2025-03-10T09:00:00")


# -- export ------------------------------------------------------------------------------


def test_export_holds_every_review_and_the_retention(tmp_path: Path) -> None:
    with Storage.open(tmp_path / "p.sqlite3") as storage:
        storage.set_setting("desired_retention", "0.85")
        drill(storage, Scheduler(seed=3), ("losses", "focal"), 3, T0)
        drill(storage, Scheduler(seed=3), ("activations", "relu"), 1, T0 + timedelta(seconds=1))
        data = export_data(storage, T0 + timedelta(hours=1))
        log = storage.log()
    assert data["format"] == FORMAT and data["version"] == 1
    assert data["exported_at"] == "2025-03-10T10:00:00.123Z"
    assert data["settings"] == {"desired_retention": 0.85}
    assert data["reviews"] == [
        {
            "deck": "losses",
            "card": "focal",
            "reviewed_at": "2025-03-10T09:00:00.123Z",
            "rating": 3,
            "duration_ms": 4200,
            "source": "drill",
        },
        {
            "deck": "activations",
            "card": "relu",
            "reviewed_at": "2025-03-10T09:00:01.123Z",
            "rating": 1,
            "duration_ms": 4200,
            "source": "drill",
        },
    ]
    assert [parse_ms(r["reviewed_at"]) for r in data["reviews"]] == [
        to_ms(e.reviewed_at) for e in log
    ]


def test_export_file_is_written_whole(tmp_path: Path) -> None:
    target = tmp_path / "sync" / "progress.json"
    target.parent.mkdir()
    with Storage.open(tmp_path / "p.sqlite3") as storage:
        drill(storage, Scheduler(seed=3), ("losses", "focal"), 3, T0)
        result = export_progress(storage, target, T0)
    assert (result.reviews, result.cards) == (1, 1)
    assert json.loads(target.read_text(encoding="utf-8"))["reviews"][0]["card"] == "focal"
    assert [p.name for p in target.parent.iterdir()] == ["progress.json"]  # no temp left
    with pytest.raises(QuizprepError, match="cannot write"), Storage.open() as storage:
        export_progress(storage, tmp_path / "missing-folder" / "x.json", T0)


# -- the round trip ----------------------------------------------------------------------


def test_round_trip_between_two_machines(two, tmp_path: Path) -> None:
    a, b = two
    shared = [("losses", "focal"), ("activations", "relu")]
    drill_days(a, seed=111, keys=[*shared, ("losses", "mse")], start=T0)
    drill_days(
        b,
        seed=222,
        keys=[*shared, ("activations", "gelu")],
        start=T0 + timedelta(days=2, milliseconds=7),
    )
    before_a, before_b = review_identities(a), review_identities(b)
    assert not set(before_a) & set(before_b)

    file_a, file_b = tmp_path / "a.json", tmp_path / "b.json"
    export_progress(a, file_a, T0)
    into_b = import_progress(b, file_a)
    assert (into_b.added, into_b.already) == (len(before_a), 0)
    assert into_b.added_cards == 3
    export_progress(b, file_b, T0)
    into_a = import_progress(a, file_b)
    assert into_a.added == len(before_b) and into_a.already == len(before_a)
    assert into_a.added_cards == 3

    # Nothing lost, nothing doubled, and both machines agree on every state and log row.
    assert review_identities(a) == review_identities(b) == sorted(before_a + before_b)
    assert states(a) == states(b)
    assert len(states(a)) == 4
    assert full_log(a) == full_log(b)

    # Again: nothing is added and nothing changes.
    again = import_progress(a, file_b)
    assert (again.added, again.rebuilt, again.already) == (0, 0, len(before_a + before_b))
    assert import_progress(b, file_a).added == 0
    assert states(a) == states(b) and full_log(a) == full_log(b)


def test_replay_matches_what_storage_review_records(two, tmp_path: Path) -> None:
    """The replayed log is the log a drill with the fixed fuzz seed would have written."""
    a, b = two
    drill_days(a, seed=5, keys=[("losses", "focal"), ("losses", "mse")], start=T0)
    export_progress(a, tmp_path / "a.json", T0)
    import_progress(b, tmp_path / "a.json")
    expected = Storage.open(tmp_path / "c.sqlite3")
    scheduler = Scheduler(seed=FUZZ_SEED)
    for deck, card, at, rating in review_identities(b):
        drill(expected, scheduler, (deck, card), rating, from_ms(at))
    assert full_log(b) == full_log(expected)
    assert states(b) == states(expected)
    expected.close()
    # and the card due dates really come from FSRS: later than the last review
    for key, (_, _, due) in states(b).items():
        last = max(e.reviewed_at for e in b.log(key))
        assert due > last


def test_same_review_twice_in_a_file_counts_once(tmp_path: Path) -> None:
    review = {"deck": "d", "card": "c", "reviewed_at": "2025-03-10T09:00:00.000Z", "rating": 3}
    path = write(tmp_path, {"format": FORMAT, "version": 1, "reviews": [review, review]})
    with Storage.open() as storage:
        result = import_progress(storage, path)
        assert (result.in_file, result.added, result.added_cards) == (1, 1, 1)
        assert len(storage.log()) == 1
        assert storage.state(("d", "c")) is not None


def test_simultaneous_reviews_replay_in_the_same_order_everywhere(two, tmp_path: Path) -> None:
    a, b = two
    at = "2025-03-10T09:00:00.000Z"
    reviews = [
        {"deck": "d", "card": "c", "reviewed_at": at, "rating": 3, "duration_ms": 10},
        {"deck": "d", "card": "c", "reviewed_at": at, "rating": 1, "duration_ms": 20},
    ]
    first = write(tmp_path, {"format": FORMAT, "version": 1, "reviews": reviews}, "1.json")
    second = write(tmp_path, {"format": FORMAT, "version": 1, "reviews": reviews[::-1]}, "2.json")
    import_progress(a, first)
    import_progress(b, second)
    assert states(a) == states(b) and full_log(a) == full_log(b)
    # Ties replay by rating, not by file order: the Again came first, on a new card.
    assert [(row[3], row[5]) for row in full_log(a)] == [(1, 0), (3, 1)]


def test_retention_is_taken_only_when_not_chosen_here(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        {"format": FORMAT, "version": 1, "reviews": [], "settings": {"desired_retention": 0.8}},
    )
    with Storage.open(tmp_path / "x.sqlite3") as fresh:
        result = import_progress(fresh, path)
        assert fresh.setting("desired_retention") == "0.8"
        assert "set to 0.8" in result.settings[0]
    with Storage.open(tmp_path / "y.sqlite3") as chosen:
        chosen.set_setting("desired_retention", "0.92")
        result = import_progress(chosen, path)
        assert chosen.setting("desired_retention") == "0.92"
        assert "kept this machine's desired retention 0.92" in result.settings[0]


# -- validation --------------------------------------------------------------------------


def write(folder: Path, data: object, name: str = "progress.json") -> Path:
    path = folder / name
    path.write_text(data if isinstance(data, str) else json.dumps(data, indent=1), "utf-8")
    return path


GOOD = {"deck": "d", "card": "c", "reviewed_at": "2025-03-10T09:00:00.000Z", "rating": 3}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            '{\n "format": "quizprep-progress",\n "version": 1\n "reviews": []\n}',
            ":4: not valid JSON",
        ),
        ({"format": "anki", "version": 1, "reviews": []}, "format is 'anki'"),
        ({"version": 1, "reviews": []}, 'has no "format"'),
        ([1, 2], "not a JSON object"),
        ({"format": FORMAT, "version": 2, "reviews": []}, "newer quizprep"),
        ({"format": FORMAT, "version": "1", "reviews": []}, '"version" must be'),
        ({"format": FORMAT, "version": 1, "reviews": {}}, '"reviews" must be a list'),
        ({"format": FORMAT, "version": 1, "reviews": [GOOD | {"rating": 7}]}, "reviews[0].rating"),
        (
            {"format": FORMAT, "version": 1, "reviews": [GOOD, GOOD | {"deck": ""}]},
            "reviews[1].deck",
        ),
        (
            {"format": FORMAT, "version": 1, "reviews": [GOOD | {"reviewed_at": "2025-03-10"}]},
            "reviews[0].reviewed_at: must be an ISO-8601 time with a time zone",
        ),
        (
            {"format": FORMAT, "version": 1, "reviews": [GOOD | {"duration_ms": -5}]},
            "reviews[0].duration_ms",
        ),
        (
            {"format": FORMAT, "version": 1, "reviews": [], "settings": {"desired_retention": 2}},
            "settings.desired_retention",
        ),
    ],
)
def test_bad_files_are_refused_with_the_reason(tmp_path: Path, content, message: str) -> None:
    path = write(tmp_path, content)
    with pytest.raises(QuizprepError) as caught:
        read_progress_file(path)
    assert str(path) in caught.value.message
    assert message in caught.value.message


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[" * 100_000 + "]" * 100_000, "not valid JSON"),
        ('{"format": "quizprep-progress", "version": ' + "9" * 5000 + "}", "not valid JSON"),
        (
            {"format": FORMAT, "version": 1, "reviews": [GOOD | {"duration_ms": 10**30}]},
            "reviews[0].duration_ms",
        ),
        (
            {
                "format": FORMAT,
                "version": 1,
                "reviews": [GOOD | {"reviewed_at": "9999-12-31T00:00Z"}],
            },
            "reviews[0].reviewed_at",
        ),
        (
            {
                "format": FORMAT,
                "version": 1,
                "reviews": [GOOD | {"reviewed_at": "0001-01-01T00:00Z"}],
            },
            "reviews[0].reviewed_at",
        ),
    ],
)
def test_hostile_files_are_refused_not_crashed_on(tmp_path: Path, content, message: str) -> None:
    """Deep nesting, giant numbers and times no review can have: a message, not a traceback."""
    path = write(tmp_path, content)
    with Storage.open() as storage:
        with pytest.raises(QuizprepError) as caught:
            import_progress(storage, path)
        assert storage.log() == []
    assert str(path) in caught.value.message
    assert message in caught.value.message


def test_a_huge_file_is_refused_before_it_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import quizprep.study.sync

    monkeypatch.setattr(quizprep.study.sync, "MAX_FILE_BYTES", 1000)
    path = write(tmp_path, {"format": FORMAT, "version": 1, "reviews": [GOOD] * 50})
    with pytest.raises(QuizprepError, match="too large"):
        read_progress_file(path)


def test_a_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    """Editors on Windows save UTF-8 with a BOM; the file is still a progress file."""
    path = tmp_path / "bom.json"
    text = json.dumps({"format": FORMAT, "version": 1, "reviews": [GOOD]})
    path.write_bytes(b"\xef\xbb\xbf" + text.encode())
    assert len(read_progress_file(path).reviews) == 1


def test_json_error_names_line_and_column(tmp_path: Path) -> None:
    path = write(tmp_path, '{"format": "quizprep-progress",\n\n  "version": 1,, }')
    with pytest.raises(QuizprepError, match=r":3: not valid JSON.*line 3, column 16"):
        read_progress_file(path)


def test_a_bad_file_imports_nothing(tmp_path: Path) -> None:
    reviews = [GOOD, GOOD | {"rating": 0}]
    path = write(tmp_path, {"format": FORMAT, "version": 1, "reviews": reviews})
    with Storage.open() as storage:
        with pytest.raises(QuizprepError, match="nothing was imported"):
            import_progress(storage, path)
        assert storage.log() == []


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(QuizprepError, match="no such file"):
        read_progress_file(tmp_path / "nope.json")
    with pytest.raises(QuizprepError, match="is a folder"):
        read_progress_file(tmp_path)


# -- the commands ------------------------------------------------------------------------


def cli(*args: str):
    return runner.invoke(app, list(args))


def test_progress_commands(tmp_path: Path) -> None:
    with Storage.open() as storage:
        drill_days(storage, seed=9, keys=[("losses", "focal")], start=T0)
        count = len(storage.log())
    target = tmp_path / "out.json"
    exported = cli("progress", "export", str(target))
    assert exported.exit_code == 0, exported.output
    assert f"Exported {count} reviews of 1 cards" in exported.output
    stdout = cli("progress", "export", "-")
    assert json.loads(stdout.stdout)["format"] == FORMAT
    again = cli("progress", "import", str(target))
    assert again.exit_code == 0, again.output
    said = " ".join(again.output.split())
    assert "nothing new" in said and f"{count} already present" in said

    other = tmp_path / "other.json"
    data = json.loads(target.read_text(encoding="utf-8"))
    data["reviews"] = [r | {"card": "mse"} for r in data["reviews"]]
    other.write_text(json.dumps(data), encoding="utf-8")
    added = cli("progress", "import", str(other))
    assert f"added {count} reviews for 1 card;" in " ".join(added.output.split())
    assert json.loads(cli("stats", "--json").stdout)["reviews"] == 2 * count

    bad = cli("progress", "import", str(tmp_path / "nope.json"))
    assert bad.exit_code == 1 and "no such file" in bad.output and "Traceback" not in bad.output


def test_interview_reviews_need_no_rebuild(tmp_path: Path) -> None:
    """Reviews an interview records are already what a replay computes: a sync moves none."""
    from quizprep.decks.catalog import load_catalog
    from quizprep.study.interview import Interview

    from .drill_helpers import Clock
    from .interview_helpers import write_interview_deck

    catalog = load_catalog(
        [write_interview_deck(tmp_path)], include_builtin=False, include_user=False
    )
    clock = Clock(T0)  # microseconds in the clock, as in real life
    with Storage.open() as storage:
        interview = Interview(
            catalog.cards, storage, Scheduler(seed=FUZZ_SEED), clock, resolve=catalog.resolve
        )
        for question in interview.questions:
            clock.advance(seconds=41.3333)
            interview.answer_question(question, "no idea", clock())
        assert len(storage.log()) == 3
        before = states(storage)
        export_progress(storage, tmp_path / "own.json", clock())
        result = import_progress(storage, tmp_path / "own.json")
        assert (result.added, result.rebuilt) == (0, 0)
        assert states(storage) == before


def test_later_drilling_is_replayed_and_both_sides_agree_again(two, tmp_path: Path) -> None:
    a, b = two
    drill_days(a, seed=1, keys=[("losses", "focal"), ("losses", "mse")], start=T0)
    file_a, file_b = tmp_path / "a.json", tmp_path / "b.json"
    export_progress(a, file_a, T0)
    import_progress(b, file_a)
    export_progress(b, file_b, T0)
    first = import_progress(a, file_b)
    assert first.added == 0 and first.replayed == 2  # A's own drill states, made canonical
    assert states(a) == states(b)

    # A drills one card once more (its own random seed); B has nothing new.
    last = max(e.reviewed_at for e in a.log(("losses", "mse")))
    drill(a, Scheduler(seed=987), ("losses", "mse"), 3, last + timedelta(days=40))
    export_progress(b, file_b, T0)
    quiet = import_progress(a, file_b)
    assert (quiet.added, quiet.replayed, quiet.rebuilt) == (0, 1, 1)  # only the drilled card
    export_progress(a, file_a, T0)
    assert import_progress(b, file_a).added == 1
    assert states(a) == states(b) and full_log(a) == full_log(b)


def test_a_new_retention_replays_every_card(tmp_path: Path) -> None:
    with Storage.open() as storage:
        drill_days(storage, seed=1, keys=[("losses", "focal"), ("losses", "mse")], start=T0)
        export_progress(storage, tmp_path / "own.json", T0)
        assert import_progress(storage, tmp_path / "own.json").replayed == 2
        assert import_progress(storage, tmp_path / "own.json").replayed == 0
        due = {k: s[2] for k, s in states(storage).items()}
        storage.set_setting("desired_retention", "0.8")
        again = import_progress(storage, tmp_path / "own.json")
        assert (again.replayed, again.rebuilt) == (2, 2)
        # lower retention, longer intervals
        assert all(states(storage)[k][2] > due[k] for k in due)


def test_a_real_drill_session_is_already_what_a_replay_rebuilds(tmp_path: Path) -> None:
    """Drill with the app's own defaults (default seed, microsecond clock), then import a
    progress file with nothing new: no local card state may move."""
    from quizprep.decks.model import Card, KeyPoint
    from quizprep.study.session import Session

    cards = [Card("d", f"c{i}", "T", "easy", f"Q{i}?", "A.", (KeyPoint("k"),)) for i in range(3)]
    clock = [T0]
    with Storage.open(tmp_path / "home" / "progress.sqlite3") as storage:
        for day in range(40):  # weeks of daily drills, so intervals pass the fuzz threshold
            clock[0] = T0 + timedelta(days=day, microseconds=731 * day)
            session = Session(cards, storage, Scheduler(), lambda: clock[0])
            while not session.finished:
                session.reveal()
                session.rate(3)
                clock[0] += timedelta(minutes=11, microseconds=313)
        before = states(storage)
        assert any(s.fsrs and '"step": null' in s.fsrs for s in storage.states().values())
        path = tmp_path / "p.json"
        export_progress(storage, path, T0)
        import_progress(storage, path)
        assert states(storage) == before


def test_review_source_travels_and_only_drill_reviews_count_for_retention(
    tmp_path: Path,
) -> None:
    from quizprep.study.stats import collect

    a = Storage.open(tmp_path / "a" / "p.sqlite3")
    b = Storage.open(tmp_path / "b" / "p.sqlite3")
    scheduler = Scheduler()
    key = ("losses", "focal")
    at = T0
    for _ in range(4):  # graduate the card to review
        entry = drill(a, scheduler, key, 3, at)
        at = entry.due_after + timedelta(hours=1)

    def interview_again(before: StoredCard | None) -> ReviewRecord:
        outcome = scheduler.review(key, before.fsrs if before else None, 1, at, 0)
        return ReviewRecord(at, 1, 0, outcome.fsrs, outcome.state, outcome.due, "interview")

    a.review(key, interview_again)
    path = tmp_path / "p.json"
    export_progress(a, path, at)
    assert json.loads(path.read_text())["reviews"][-1]["source"] == "interview"
    import_progress(b, path)
    assert b.query("SELECT source FROM review_log ORDER BY reviewed_at") == [
        ("drill",),
        ("drill",),
        ("drill",),
        ("drill",),
        ("interview",),
    ]
    now = at + timedelta(minutes=1)
    window = to_ms(now) - 30 * 86_400_000
    for storage in (a, b):
        rows = storage.query(
            "SELECT state_before, source FROM review_log WHERE reviewed_at >= ?", (window,)
        )
        assert (2, "interview") in rows  # a review-state review inside the 30-day window…
        stats = collect(storage, [], now)
        # …that retention leaves out: only drill reviews say how well recall holds up
        assert stats.retention_reviews == rows.count((2, "drill"))
        assert stats.retention_reviews == 0 or stats.retention == 1.0
    a.close()
    b.close()
