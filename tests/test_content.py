"""The built-in decks: the seed's 30 questions with its difficulties, in our own words,
plus the newer decks (modern activations, modern losses, training signals)."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from quizprep.decks.catalog import load_catalog

from .conftest import ROOT

# ../shared sits beside a checkout; a worktree under /work/wt/NAME finds it one level higher.
SHARED = next(
    (p for p in (ROOT.parent / "shared", ROOT.parent.parent / "shared") if p.is_dir()),
    ROOT.parent / "shared",
)
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
    assert {d.id for d in catalog.decks} == {
        "activations",
        "losses",
        "deep-dives",
        *NEW_DECKS,
        "exercises",
    }
    assert len(catalog.deck("deep-dives").cards) >= 8
    for card in catalog.cards:
        assert 2 <= len(card.key_points) <= 5, card.ref
        assert card.related, card.ref
        assert card.aliases, card.ref
        assert len(card.answer.split()) >= 60, card.ref
        # tied to gradients and to what is optimised
        text = card.answer.lower()
        assert any(w in text for w in ("gradient", "∂", "derivative", "backprop")), card.ref


NEW_DECKS = ("modern-activations", "modern-losses", "training-signals")


def test_every_card_has_a_short_answer() -> None:
    for card in load_catalog().cards:
        assert card.short, card.ref
        # what a candidate says in the first 20 seconds: short, and shorter than the answer
        assert 12 <= len(card.short.split()) <= 70, card.ref
        assert len(card.short) < len(card.answer), card.ref


def test_the_new_decks_are_substantial_and_balanced() -> None:
    catalog = load_catalog()
    cards = [c for d in NEW_DECKS for c in catalog.deck(d).cards]
    assert len(cards) >= 30
    counts = {lvl: sum(c.difficulty == lvl for c in cards) for lvl in ("easy", "medium", "hard")}
    assert min(counts.values()) >= 8, counts


@pytest.mark.parametrize("deck", NEW_DECKS)
def test_new_cards_meet_the_full_card_standard(deck: str) -> None:
    for card in load_catalog().deck(deck).cards:
        assert card.formula and card.why_asked, card.ref
        assert len(card.common_mistakes) >= 2, card.ref
        assert len(card.follow_ups) >= 2 and any(f.card for f in card.follow_ups), card.ref
        assert all(kp.accept for kp in card.key_points), card.ref
        # graded answers need the classic wrong claims too, and Good must stay reachable
        assert any(kp.reject for kp in card.key_points), card.ref
        assert sum(not kp.optional for kp in card.key_points) >= 2, card.ref


# Everyday names a user types, and the card `quizprep explain` must open first.
EVERYDAY_NAMES = [
    ("sqrt dk", "training-signals/attention-scaling"),
    ("scaled dot product attention", "training-signals/attention-scaling"),
    ("qk norm", "training-signals/attention-logit-growth"),
    ("infonce", "modern-losses/infonce"),
    ("contrastive", "modern-losses/infonce"),
    ("clip loss", "modern-losses/infonce"),
    ("swiglu", "modern-activations/swiglu"),
    ("calibration", "training-signals/calibration"),
    ("ece", "training-signals/calibration"),
    ("temperature scaling", "training-signals/temperature-scaling"),
    ("distillation", "training-signals/distillation-loss"),
    ("reverse kl", "training-signals/distillation-kl-direction"),
    ("xavier", "modern-activations/xavier-he-init"),
    ("he init", "modern-activations/xavier-he-init"),
    ("kaiming", "modern-activations/xavier-he-init"),
    ("pytorch default init", "modern-activations/init-gains"),
    ("bradley-terry", "modern-losses/bradley-terry"),
    ("reward model", "modern-losses/bradley-terry"),
    ("dpo", "modern-losses/dpo"),
    ("ppo", "modern-losses/ppo-clip"),
    ("perplexity", "training-signals/perplexity"),
    ("ignore_index", "training-signals/lm-loss-masking"),
    ("z-loss", "training-signals/z-loss-softcapping"),
    ("load balancing loss", "training-signals/moe-load-balancing"),
    ("triplet", "modern-losses/triplet-loss"),
    ("semi-hard mining", "modern-losses/triplet-mining"),
    ("negative sampling", "modern-losses/negative-sampling"),
    ("logq correction", "modern-losses/sampled-softmax-logq"),
    ("pinball", "modern-losses/pinball-loss"),
    ("quantile loss", "modern-losses/pinball-loss"),
    ("poisson loss", "modern-losses/poisson-tweedie"),
    ("tweedie", "modern-losses/poisson-tweedie"),
    ("dice", "modern-losses/dice-loss"),
    ("tversky", "modern-losses/dice-ce-empty-masks"),
    ("gan loss", "modern-losses/gan-losses"),
    ("wgan", "modern-losses/wgan"),
    ("gaussian nll", "modern-losses/gaussian-nll"),
    ("beta-nll", "modern-losses/beta-nll"),
    ("elu", "modern-activations/elu"),
    ("selu", "modern-activations/selu"),
    ("softplus", "modern-activations/softplus"),
    ("mish", "modern-activations/mish"),
    ("hard swish", "modern-activations/hard-swish"),
]


@pytest.mark.parametrize(("query", "ref"), EVERYDAY_NAMES)
def test_explain_finds_each_new_topic_by_its_everyday_name(query: str, ref: str) -> None:
    from quizprep.decks.search import find

    matches = find(load_catalog().cards, query)
    assert matches and matches[0].card.ref == ref, [m.card.ref for m in matches[:3]]
