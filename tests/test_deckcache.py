"""The parsed-deck cache: used when files are unchanged, ignored when anything differs."""

from __future__ import annotations

import marshal
import os
import shutil
from pathlib import Path

from quizprep.decks import cache as deckcache
from quizprep.decks.catalog import load_catalog
from quizprep.decks.loader import load_deck

from .conftest import DECKS


def test_cached_deck_equals_the_parsed_one(quizprep_home: Path, tmp_path: Path) -> None:
    path = tmp_path / "full.yaml"
    shutil.copy(DECKS / "good" / "full.yaml", path)
    first = load_catalog([path]).deck("acme.onsite")
    cache = quizprep_home / "cache" / "decks.marshal"
    assert cache.exists()
    second = load_catalog([path]).deck("acme.onsite")  # served from the cache
    parsed, _ = load_deck(path.resolve())
    assert first == second == parsed


def test_an_edited_file_is_parsed_again(quizprep_home: Path, tmp_path: Path) -> None:
    path = tmp_path / "minimal.yaml"
    shutil.copy(DECKS / "good" / "minimal.yaml", path)
    load_catalog([path])
    path.write_text(path.read_text().replace("smallest valid card", "tiniest card"))
    os.utime(path, ns=(1, 1))  # even with an old mtime: the size changed
    card = load_catalog([path]).deck("minimal").cards[0]
    assert "tiniest card" in card.question


def test_a_cache_from_another_version_or_garbage_is_ignored(quizprep_home: Path) -> None:
    cache = quizprep_home / "cache" / "decks.marshal"
    cache.parent.mkdir(parents=True)
    cache.write_bytes(b"\x00garbage")
    assert len(load_catalog().cards) == 66
    cache.write_bytes(marshal.dumps({"format": "0/old", "entries": {"x": 1}}))
    assert len(load_catalog().cards) == 66
    assert marshal.loads(cache.read_bytes())["format"] == deckcache.FORMAT
