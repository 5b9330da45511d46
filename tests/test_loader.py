"""The deck loader over a corpus of good and bad decks kept in tests/decks."""

from __future__ import annotations

import re
import tracemalloc
from pathlib import Path

import pytest

from quizprep.decks.loader import load_deck
from quizprep.decks.validate import validate_paths
from quizprep.decks.yamlsource import MAX_BYTES

from .conftest import DECKS

BAD = sorted((DECKS / "bad").glob("*.yaml"))
GOOD = sorted((DECKS / "good").glob("*.yaml"))


def expected(path: Path) -> list[tuple[int, str]]:
    """``# expect: LINE: text`` comments at the top of a bad deck say what must be reported."""
    raw = path.read_bytes().decode("latin-1")
    return [(int(m[1]), m[2].strip()) for m in re.finditer(r"# expect: (\d+): (.*)", raw)]


@pytest.mark.parametrize("path", BAD, ids=lambda p: p.stem)
def test_bad_deck_reports_every_expected_problem(path: Path) -> None:
    wanted = expected(path)
    assert wanted, f"{path.name} has no '# expect:' lines"
    report = validate_paths([path])
    assert report.problems, f"{path.name} was accepted"
    for line, text in wanted:
        prefix = f"{path}:{line}: "
        hits = [p for p in report.problems if p.startswith(prefix) and text in p]
        assert hits, f"missing {prefix}{text!r}; got:\n" + "\n".join(report.problems)


@pytest.mark.parametrize("path", GOOD, ids=lambda p: p.stem)
def test_good_deck_loads_without_problems(path: Path) -> None:
    report = validate_paths([path])
    assert report.problems == []
    assert len(report.decks) == 1


def test_full_deck_fields_are_read() -> None:
    deck, problems = load_deck(DECKS / "good" / "full.yaml")
    assert problems == []
    assert deck is not None
    assert (deck.id, deck.title, deck.version) == ("acme.onsite", "ACME on-site", 3)
    q1, q2 = deck.cards
    assert q1.key == ("acme.onsite", "q1")
    assert q1.key_points[0].text == "stripes are optimised"
    assert q1.key_points[0].accept == ("it optimises stripes",)
    assert q1.key_points[1].accept == ()
    assert q1.key_points[0].reject == ("stripes are never optimised",)
    assert (q1.key_points[0].optional, q1.key_points[1].optional) == (False, True)
    assert q1.short == "Stripes, on purpose." and q2.short is None
    assert q1.follow_ups[0].card == "q2" and q1.follow_ups[1].card is None
    assert "2024-01-01 stays text" in q1.answer
    assert q1.line == 8 and q2.line == 33
    # numbers in text lists are kept as text, not rejected
    assert q2.key_points[1].text == "2"


def test_python_tags_are_never_executed(tmp_path: Path) -> None:
    marker = Path("/tmp/quizprep-pwned")
    marker.unlink(missing_ok=True)
    load_deck(DECKS / "bad" / "python-tag.yaml")
    assert not marker.exists()


def test_oversized_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    line = "# " + "x" * 98 + "\n"
    big.write_text("deck: big\n" + line * (MAX_BYTES // len(line) + 10))
    deck, problems = load_deck(big)
    assert deck is None
    size = big.stat().st_size
    assert [str(p) for p in problems] == [
        f"{big}:1: too large for a deck file ({size:,} bytes; the limit is 2 MB)"
    ]


def test_alias_bomb_is_bounded_in_memory() -> None:
    tracemalloc.start()
    deck, problems = load_deck(DECKS / "bad" / "alias-bomb.yaml")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert deck is None and problems
    assert peak < 50 * 1024 * 1024


def test_deeply_nested_yaml_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    deep = tmp_path / "deep.yaml"
    deep.write_text("deck: " + "[" * 5000 + "]" * 5000 + "\n")
    deck, problems = load_deck(deep)
    assert deck is None
    assert problems and problems[0].line == 1


def test_all_problems_of_a_file_are_reported_at_once() -> None:
    report = validate_paths([DECKS / "bad" / "wrong-types.yaml"])
    assert len(report.problems) >= 4


def test_tab_indentation_is_named_as_the_problem(tmp_path: Path) -> None:
    deck = tmp_path / "tabs.yaml"
    deck.write_text("deck: t\ntitle: T\nversion: 1\ncards:\n\t- id: a\n")
    _, problems = load_deck(deck)
    assert len(problems) == 1 and problems[0].line == 5
    assert "tab" in problems[0].message


@pytest.mark.parametrize(
    "encode",
    [
        lambda text: b"\xef\xbb\xbf" + text.encode(),  # a byte-order mark, as Notepad writes
        lambda text: text.replace("\n", "\r\n").encode(),  # Windows line endings
    ],
)
def test_bom_and_crlf_decks_load_with_their_line_numbers(tmp_path: Path, encode) -> None:
    text = (DECKS / "good" / "minimal.yaml").read_text()
    deck_file = tmp_path / "deck.yaml"
    deck_file.write_bytes(encode(text))
    deck, problems = load_deck(deck_file)
    assert problems == [] and deck is not None
    assert deck.cards[0].line == 5
    assert deck.cards[0].question == "What is the smallest valid card?"


def test_an_accept_or_reject_phrasing_with_unbalanced_brackets_is_an_error() -> None:
    # [clip(a, -d, d), …] unquoted: YAML splits it on the commas into 'clip(a', '-d', 'd)'
    bad = DECKS / "bad" / "unbalanced-phrasing.yaml"
    report = validate_paths([bad])
    first = f"{bad}:18: card 'huber-grad': key_points[0]: accept[0] 'clip(a' has an unclosed '('"
    assert any(p.startswith(first) for p in report.problems), report.problems
    assert any(p.startswith(f"{bad}:22: ") and "closes '(' with '}'" in p for p in report.problems)
    assert all("quote it" in p for p in report.problems)
    # the card is left out; its balanced phrasings ('-d', "d sign(a) outside") are not named
    assert report.decks == [] and len(report.problems) == 4
    assert not any("sign(a)" in p or "'-d'" in p for p in report.problems)


def test_balanced_brackets_and_half_open_intervals_pass() -> None:
    good = DECKS / "good" / "balanced-phrasing.yaml"
    assert validate_paths([good]).problems == []
    deck, problems = load_deck(good)
    assert problems == [] and deck is not None
    point = deck.cards[0].key_points[0]
    assert point.accept[0] == "clip(a, −δ, δ)" and "{a, −a} at the kink" in point.accept
    assert deck.cards[0].key_points[0].reject == ("gradient in [0, 1)", "(0, 1] only", "sign(a)")
