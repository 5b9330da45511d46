"""The built-in decks: the seed's 30 questions with its difficulties, in our own words."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from quizprep.decks.catalog import load_catalog

from .conftest import ROOT

SHARED = ROOT.parent / "shared"
SEED = SHARED / "seeds" / "001_fb8175dd1192dce0.txt"
needs_shared = pytest.mark.skipif(
    not SHARED.is_dir(), reason="../shared is not beside the checkout"
)


def seed_difficulties() -> list[str]:
    text = SEED.read_text(encoding="utf-8")
    return [m.lower() for m in re.findall(r"^\d+ .*?(Easy|Medium|Hard)$", text, re.M)]


@needs_shared
def test_the_thirty_seed_questions_keep_their_difficulty_and_order() -> None:
    wanted = seed_difficulties()
    assert len(wanted) == 30
    catalog = load_catalog()
    got = [c.difficulty for c in catalog.deck("activations").cards]
    got += [c.difficulty for c in catalog.deck("losses").cards]
    assert got == wanted


@needs_shared
def test_no_deck_prose_repeats_the_seeds() -> None:
    proc = subprocess.run(
        [sys.executable, str(SHARED / "tools" / "overlap.py"), str(ROOT / "content")],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout
    assert "0 field(s) repeat" in proc.stdout


def test_builtin_cards_are_complete() -> None:
    catalog = load_catalog()
    assert {d.id for d in catalog.decks} == {"activations", "losses", "deep-dives", "exercises"}
    assert len(catalog.deck("deep-dives").cards) >= 8
    for card in catalog.cards:
        assert 2 <= len(card.key_points) <= 5, card.ref
        assert card.related, card.ref
        assert card.aliases, card.ref
        assert len(card.answer.split()) >= 60, card.ref
        # tied to gradients and to what is optimised
        text = card.answer.lower()
        assert any(w in text for w in ("gradient", "∂", "derivative", "backprop")), card.ref
