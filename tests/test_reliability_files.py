"""Issue 10: the one reader and the one atomic writer for user files, decks under attack.

Classes covered: special files (13), vanished entries (15), atomic writes through
symlinks with the target's mode (3), files quizprep writes passing its own validation (9),
validator gaps (7, 14, 19), CSV formulas and imports (8, 18, 20).
"""

from __future__ import annotations

import csv
import io
import json
import os
import stat
import threading
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from quizprep.cli import app
from quizprep.decks.export import export_csv
from quizprep.decks.importer import convert_table
from quizprep.decks.loader import load_deck
from quizprep.decks.model import Card, KeyPoint
from quizprep.decks.templates import new_deck
from quizprep.decks.yamlsource import parse_yaml
from quizprep.errors import QuizprepError
from quizprep.files import (
    UnreadableFile,
    decode_text,
    files_below,
    read_user_file,
    write_atomic,
)

runner = CliRunner()

DECK = """\
deck: small
title: Small
version: 1
cards:
  - id: c0
    topic: T
    difficulty: easy
    question: Q?
    answer: A.
    key_points: [a point]
"""


def cli(*args: str, stdin: str | None = None):
    return runner.invoke(app, list(args), input=stdin)


def one_line(text: str) -> str:
    return " ".join(text.split())


# -- the reader (13, 20) -------------------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_is_refused_without_hanging(tmp_path: Path) -> None:
    fifo = tmp_path / "deck.yaml"
    os.mkfifo(fifo)
    with pytest.raises(UnreadableFile, match="FIFO"):
        read_user_file(fifo, 100)
    result = cli("deck", "validate", str(fifo))
    assert result.exit_code == 1 and "FIFO" in result.output
    assert cli("list", "--deck", str(fifo)).exit_code == 1
    csv_fifo = tmp_path / "table.csv"
    os.mkfifo(csv_fifo)
    imported = cli("import", str(csv_fifo))
    assert imported.exit_code == 1 and "FIFO" in imported.output


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_devices_and_links_to_them_are_refused(tmp_path: Path, device: str) -> None:
    if not Path(device).exists():
        pytest.skip(f"no {device} here")
    link = tmp_path / "deck.yaml"
    link.symlink_to(device)
    problems = load_deck(link)[1]
    assert [p.message for p in problems] == ["is a device, not a deck file; give a regular file"]
    result = cli("import", device)
    assert result.exit_code == 1 and "is a device" in result.output
    progress = cli("progress", "import", device)
    assert progress.exit_code == 1 and "is a device" in progress.output


def test_never_more_than_the_limit_plus_one_byte_is_read(tmp_path: Path) -> None:
    big = tmp_path / "big.csv"
    big.write_bytes(b"x" * 5000)
    with pytest.raises(UnreadableFile, match="too large"):
        read_user_file(big, 4096)
    assert read_user_file(big, 5000) == b"x" * 5000


def test_utf16_without_a_byte_order_mark_is_named(tmp_path: Path) -> None:
    table = tmp_path / "cards.csv"
    table.write_bytes("question,answer\nWhat is ReLU?,max of 0 and x\n".encode("utf-16-le"))
    result = cli("import", str(table))
    assert result.exit_code == 1
    assert "UTF-16 text without a byte-order mark" in one_line(result.output)
    with_bom = tmp_path / "bom.csv"
    with_bom.write_bytes("question,answer\nWhat is ReLU?,max of 0 and x\n".encode("utf-16"))
    assert "What is ReLU?" in convert_table(with_bom).yaml_text


def test_a_bad_byte_is_reported_with_its_line() -> None:
    with pytest.raises(UnreadableFile) as caught:
        decode_text(b"ok\nfine\nbad \xff here\n", "f.csv")
    assert caught.value.line == 3 and "byte 0xff" in caught.value.reason


def test_an_argument_the_system_refuses_exits_1_not_2(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    long_name = "a" * 300 + ".yaml"
    for args in (
        ("deck", "validate", long_name),
        ("deck", "validate", str(blocker / "d.yaml")),
        ("import", str(blocker / "t.csv")),
        ("progress", "import", long_name),
    ):
        result = cli(*args)
        assert result.exit_code == 1, (args, result.output)
        assert "Traceback" not in result.output and "Error" in result.output


# -- folder scans (15) ---------------------------------------------------------------------


def test_entries_vanishing_during_a_scan_are_ignored(tmp_path: Path) -> None:
    (tmp_path / "real.yaml").write_text(DECK)
    (tmp_path / "dangling.yaml").symlink_to(tmp_path / "nowhere.yaml")
    stop = threading.Event()

    def churn() -> None:  # a sync client creating and deleting temporary folders
        n = 0
        while not stop.is_set():
            folder = tmp_path / f".sync-{n % 7}"
            try:
                folder.mkdir()
                (folder / "part.yaml").write_text("x")
                (folder / "part.yaml").unlink()
                folder.rmdir()
            except OSError:
                pass
            n += 1

    worker = threading.Thread(target=churn)
    worker.start()
    try:
        for _ in range(300):
            found = files_below(tmp_path, (".yaml", ".yml"))
            assert tmp_path / "real.yaml" in found
            assert tmp_path / "dangling.yaml" not in found
    finally:
        stop.set()
        worker.join()


def test_validating_proc_is_a_clean_error() -> None:
    if not Path("/proc").is_dir():
        pytest.skip("no /proc")
    result = cli("deck", "validate", "/proc")
    assert result.exit_code == 1 and "Traceback" not in result.output


# -- the atomic writer (3) ----------------------------------------------------------------


def test_export_writes_through_a_symlink_and_keeps_the_mode(tmp_path: Path) -> None:
    sync = tmp_path / "Dropbox"
    sync.mkdir()
    real = sync / "quizprep.json"
    real.write_text("old")
    real.chmod(0o640)
    link = tmp_path / "progress.json"
    link.symlink_to(real)
    result = cli("progress", "export", str(link))
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and link.resolve() == real.resolve()
    assert json.loads(real.read_text())["format"] == "quizprep-progress"
    assert stat.S_IMODE(real.stat().st_mode) == 0o640
    assert [p.name for p in sync.iterdir()] == ["quizprep.json"]  # no temporary left


def test_a_new_file_gets_the_umask(tmp_path: Path) -> None:
    old = os.umask(0o027)
    try:
        write_atomic(tmp_path / "new.md", "x")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "new.md").stat().st_mode) == 0o640


@pytest.mark.parametrize("target", ["/dev/null", "fifo", "folder"])
def test_non_regular_targets_are_refused(tmp_path: Path, target: str) -> None:
    path = Path(target) if target.startswith("/") else tmp_path / target
    if target == "fifo":
        os.mkfifo(path)
    elif target == "folder":
        path.mkdir()
    with pytest.raises(QuizprepError, match=r"refusing|is a folder"):
        write_atomic(path, "x")
    for args in (("export", "-f", "csv", "-o", str(path)), ("progress", "export", str(path))):
        result = cli(*args)
        assert result.exit_code == 1 and "Traceback" not in result.output
    assert not stat.S_ISREG(path.stat().st_mode)  # the node itself is still there


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.binary(max_size=3000))
def test_atomic_write_round_trips_any_bytes(tmp_path: Path, data: bytes) -> None:
    target = tmp_path / "out.bin"
    write_atomic(target, data)
    assert target.read_bytes() == data
    assert [p.name for p in tmp_path.iterdir()] == ["out.bin"]


def test_import_and_export_write_through_the_atomic_writer(tmp_path: Path) -> None:
    real = tmp_path / "real.yaml"
    real.write_text("old")
    link = tmp_path / "deck.yaml"
    link.symlink_to(real)
    table = tmp_path / "t.csv"
    table.write_text("question,answer\nWhat is ReLU?,max of zero and x\n")
    result = cli("import", str(table), "-o", str(link), "--force")
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and "What is ReLU?" in real.read_text()
    sheet = tmp_path / "sheet-real.md"
    sheet.write_text("")
    (tmp_path / "sheet.md").symlink_to(sheet)
    assert cli("export", "-o", str(tmp_path / "sheet.md")).exit_code == 0
    assert sheet.read_text().startswith("# ")


# -- files quizprep writes validate (9) ---------------------------------------------------

TITLE_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), max_codepoint=0x2FFF),
    min_size=1,
    max_size=40,
).filter(lambda t: any(c.isascii() and c.isalnum() for c in t))


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(title=TITLE_TEXT)
def test_deck_new_titles_round_trip(tmp_path: Path, title: str) -> None:
    folder = tmp_path / f"t{abs(hash(title))}"
    folder.mkdir(exist_ok=True)
    for old in folder.iterdir():
        old.unlink()
    path = new_deck(title, folder)
    deck, problems = load_deck(path)
    assert problems == [] and deck is not None
    from quizprep.decks.yamlsource import CONTROL

    assert deck.title == CONTROL.sub("", title).strip()


def test_deck_new_with_awkward_titles_and_home(tmp_path: Path, monkeypatch) -> None:
    home = tmp_path / "odd\nhome # [x]"
    monkeypatch.setenv("QUIZPREP_HOME", str(home))
    for title in ("ACME \\q onsite", 'say "hi"', "two\nlines", "tab\there", "a: b # c"):
        result = cli("deck", "new", title)
        assert result.exit_code == 0, result.output
    files = files_below(home / "decks", (".yaml",))
    assert len(files) == 5
    result = cli("deck", "validate", *map(str, files))
    assert result.exit_code == 0, result.output


def test_deck_new_under_a_file_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = cli("deck", "new", "x", "--path", str(blocker / "sub" / "x.yaml"))
    assert result.exit_code == 1 and "Traceback" not in result.output


def test_imported_names_with_newlines_still_validate(tmp_path: Path) -> None:
    table = tmp_path / "odd\nname # x.csv"
    table.write_text("question,answer\nWhat is ReLU?,max of zero and x\n")
    out = tmp_path / "out.yaml"
    assert cli("import", str(table), "-o", str(out)).exit_code == 0
    result = cli("deck", "validate", str(out))
    assert result.exit_code == 0, result.output


# -- the validator (7, 14, 19) ------------------------------------------------------------


def problems_of(text: str) -> list[str]:
    _data, problems = parse_yaml(text, "d.yaml")
    return [str(p) for p in problems]


@pytest.mark.parametrize("text", ["~", "null", "---", "--- ~\n"])
def test_a_file_holding_only_null_is_reported(tmp_path: Path, text: str) -> None:
    path = tmp_path / "d.yaml"
    path.write_text(text)
    assert [p.message for p in load_deck(path)[1]] == ["file holds no deck (only null)"]
    assert cli("deck", "validate", str(path)).exit_code == 1


@pytest.mark.parametrize(
    "value, message",
    [
        ('"c0\\n"', "must be an id"),
        ("0x1F", "0x1F would be read as the number 31"),
        ("010", "010 would be read as the number 8"),
    ],
)
def test_ids_are_taken_literally(tmp_path: Path, value: str, message: str) -> None:
    path = tmp_path / "d.yaml"
    path.write_text(DECK.replace("id: c0", f"id: {value}"))
    _deck, problems = load_deck(path)
    assert any(message in p.message for p in problems), problems
    assert all(p.line == 5 for p in problems)


def test_a_huge_integer_is_a_problem_with_a_line(tmp_path: Path) -> None:
    path = tmp_path / "d.yaml"
    path.write_text(DECK.replace("version: 1", "version: " + "9" * 5000))
    assert [str(p) for p in load_deck(path)[1]] == [f"{path}:3: number too long"]
    deck_dir = Path(os.environ["QUIZPREP_HOME"]) / "decks"
    deck_dir.mkdir(parents=True)
    (deck_dir / "big.yaml").write_text(path.read_text())
    result = cli("list")
    assert result.exit_code == 1 and "number too long" in result.output


CONTROLS = [chr(c) for c in (*range(0, 9), *range(11, 32), 127, *range(0x80, 0xA0))]


@settings(max_examples=60, deadline=None)
@given(char=st.sampled_from(CONTROLS), where=st.sampled_from(["question", "answer", "topic"]))
def test_control_characters_are_rejected_with_their_line(char: str, where: str) -> None:
    escaped = json.dumps(char)  # a double-quoted YAML scalar can spell any character
    text = DECK.replace(f"{where}: ", f'{where}: {escaped[:-1]}tail" #', 1)
    line = next(i for i, row in enumerate(text.splitlines(), 1) if row.strip().startswith(where))
    found = problems_of(text)
    assert found == [
        f"d.yaml:{line}: control character U+{ord(char):04X} is not allowed in a deck "
        "(only newline and tab)"
    ]


def test_raw_escape_bytes_in_a_file_are_rejected(tmp_path: Path) -> None:
    path = tmp_path / "d.yaml"
    path.write_text(DECK.replace("question: Q?", "question: Q\x1b]0;pwned\x07?"))
    result = cli("deck", "validate", str(path))
    assert result.exit_code == 1
    assert f"{path}:8: control character U+001B" in one_line(result.output)


def test_a_plain_large_deck_is_not_an_alias_bomb(tmp_path: Path) -> None:
    cards = "".join(
        f"  - id: c{i}\n    topic: T\n    difficulty: easy\n    question: Q{i}?\n"
        f"    answer: A{i}.\n    key_points: [p{i}]\n    tags: [a, b]\n"
        for i in range(7200)
    )
    path = tmp_path / "big.yaml"
    path.write_text("deck: big\ntitle: Big\nversion: 1\ncards:\n" + cards)
    deck, problems = load_deck(path)
    assert problems == [] and deck is not None and len(deck.cards) == 7200


def test_alias_expansion_is_still_bounded() -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
    for name, prev in zip("bcdefg", "abcdef", strict=True):
        bomb += f"{name}: &{name} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"
    assert any("alias bomb" in p for p in problems_of(bomb))


def test_the_same_deck_id_in_two_files_is_reported_for_each(tmp_path: Path) -> None:
    one, two = tmp_path / "one.yaml", tmp_path / "two.yaml"
    one.write_text(DECK)
    two.write_text(DECK)
    both = cli("deck", "validate", str(one), str(two))
    assert both.exit_code == 1 and "already used" in one_line(both.output)
    # Both in the decks folder: validating either alone says so (list would refuse them).
    decks = Path(os.environ["QUIZPREP_HOME"]) / "decks"
    decks.mkdir(parents=True)
    for source in (one, two):
        (decks / source.name).write_text(source.read_text())
    for name in ("one.yaml", "two.yaml"):
        alone = cli("deck", "validate", str(decks / name))
        assert alone.exit_code == 1, alone.output
        assert "'small'" in alone.output


# -- CSV (8, 18) ---------------------------------------------------------------------------

FORMULA = st.sampled_from(["=", "+", "-", "@", "\t", "\r"])


def card_with(question: str, answer: str) -> Card:
    return Card(
        deck="d", id="c", topic="T", difficulty="easy", question=question, answer=answer,
        key_points=(KeyPoint("k"),),
    )  # fmt: skip


@settings(max_examples=80, deadline=None)
@given(
    start=FORMULA,
    rest=st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=0x7E), max_size=30),
)
def test_csv_cells_never_start_a_formula(start: str, rest: str) -> None:
    text = '=HYPERLINK("http://x")' if not rest.strip() else start + rest
    rows = list(csv.reader(io.StringIO(export_csv([card_with(text, text)]))))
    for cell in rows[0]:
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell


def test_neutralised_cells_import_back_as_written(tmp_path: Path) -> None:
    table = tmp_path / "x.csv"
    table.write_text(export_csv([card_with("=SUM(1+1) is what?", "-log p is the loss.")]))
    deck = yaml.safe_load(convert_table(table).yaml_text)
    assert deck["cards"][0]["question"] == "=SUM(1+1) is what?"
    assert deck["cards"][0]["answer"].startswith("-log p is the loss.")


def test_non_latin_questions_get_numbered_ids_in_order(tmp_path: Path) -> None:
    rows = "".join(f"Вопрос?,Ответ {i}.\n" for i in range(3000))
    table = tmp_path / "ru.csv"
    table.write_text("question,answer\n" + rows, encoding="utf-8")
    deck = yaml.safe_load(convert_table(table).yaml_text)
    ids = [c["id"] for c in deck["cards"]]
    assert ids[:3] == ["card", "card-2", "card-3"] and ids[-1] == "card-3000"
    assert len(set(ids)) == 3000


def test_explicit_ids_are_skipped_by_numbered_ones(tmp_path: Path) -> None:
    table = tmp_path / "t.csv"
    table.write_text("question,answer,id\nЯ?,a,\nЯ?,b,card-2\nЯ?,c,\nЯ?,d,\n")
    ids = [c["id"] for c in yaml.safe_load(convert_table(table).yaml_text)["cards"]]
    assert ids == ["card", "card-2", "card-3", "card-4"]


def test_an_oversized_table_is_refused_at_the_row_that_crosses_the_limit(tmp_path: Path) -> None:
    answer = "x" * 900
    table = tmp_path / "big.csv"
    table.write_text("question,answer\n" + "".join(f"Q{i}?,{answer}\n" for i in range(4000)))
    with pytest.raises(QuizprepError) as caught:
        convert_table(table)
    assert "would be over 2 MB by this row" in caught.value.message
    assert caught.value.message.startswith(f"{table}:")


def test_a_file_the_system_will_not_let_us_read_exits_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As root, chmod cannot make a file unreadable: the refusal is simulated at os.open."""
    table = tmp_path / "t.csv"
    table.write_text("question,answer\nq?,a\n")
    deck = tmp_path / "d.yaml"
    deck.write_text(DECK)
    progress = tmp_path / "p.json"
    progress.write_text("{}")
    real_open = os.open

    def refuse(path, *args, **kwargs):
        if Path(path).parent == tmp_path:
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr("quizprep.files.os.open", refuse)
    for args in (
        ("import", str(table)),
        ("deck", "validate", str(deck)),
        ("progress", "import", str(progress)),
        ("list", "--deck", str(deck)),
    ):
        result = cli(*args)
        assert result.exit_code == 1, (args, result.output)
        assert "Permission denied" in result.output and "Traceback" not in result.output


def test_long_imports_report_progress(tmp_path: Path) -> None:
    from rich.console import Console

    from quizprep.render.progress import ProgressBar

    table = tmp_path / "t.csv"
    table.write_text("question,answer\n" + "".join(f"Q{i}?,A{i}.\n" for i in range(3000)))
    calls: list[tuple[int, int]] = []
    convert_table(table, progress=lambda done, total: calls.append((done, total)))
    assert calls[0] == (0, 3000) and calls[-1] == (3000, 3000)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls) and len(calls) > 10
    screen = io.StringIO()
    terminal = Console(file=screen, force_terminal=True, width=80)
    with ProgressBar(terminal, "Reading rows") as bar:
        convert_table(table, progress=bar)
    assert "Reading rows" in screen.getvalue()
    quiet = io.StringIO()
    with ProgressBar(Console(file=quiet, force_terminal=False), "Reading rows") as bar:
        convert_table(table, progress=bar)
    assert quiet.getvalue() == ""  # piped: no bar


YAMLISH = st.text(
    alphabet=st.sampled_from([*"abc:-[]{}&*!|>'\"#\n\t 0x1\\e~.,%@`", "\x1b", "é", "\x85"]),
    max_size=200,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=YAMLISH)
def test_any_text_gives_problems_never_an_exception(text: str) -> None:
    _data, problems = parse_yaml(text, "d.yaml")
    assert all(p.path == "d.yaml" and p.line >= 1 for p in problems)
    assert_loads_or_reports(text)


def assert_loads_or_reports(text: str) -> None:
    """The loader on ``text`` as a file: a deck, or problems with lines; never an exception."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "d.yaml"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        deck, problems = load_deck(path)
    assert deck is not None or problems
    assert all(p.line >= 1 for p in problems)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    field=st.sampled_from(["id", "topic", "question", "difficulty", "key_points", "tags"]),
    value=st.one_of(
        st.integers(),
        st.floats(),
        st.text(max_size=30),
        st.lists(st.text(max_size=5), max_size=3),
        st.none(),
        st.booleans(),
    ),
)
def test_any_field_value_gives_problems_never_an_exception(field: str, value: object) -> None:
    card = {"id": "c0", "topic": "T", "difficulty": "easy", "question": "Q?", "answer": "A."}
    card["key_points"] = ["p"]
    card[field] = value
    deck = {"deck": "d", "title": "T", "version": 1, "cards": [card]}
    text = json.dumps(deck, allow_nan=True).replace("NaN", ".nan").replace("Infinity", ".inf")
    assert_loads_or_reports(text)
