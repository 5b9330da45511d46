"""Typed-answer grading: synonyms, word forms, typos, stopwords, proposed rating."""

from __future__ import annotations

import pytest

from quizprep.decks.catalog import load_catalog
from quizprep.decks.model import KeyPoint
from quizprep.study.grading import answer_words, grade, propose_rating, stem

FOCAL = (
    KeyPoint("down-weights easy, well-classified examples", ("easy examples contribute less",)),
    KeyPoint("modulating factor (1 − p_t)^γ", ("gamma exponent", "focusing parameter")),
    KeyPoint("class imbalance in dense detection"),
)


def covered(answer: str, points=FOCAL) -> list[str]:
    return [p.text for p in grade(answer, points).covered]


def test_full_answer_covers_everything_and_proposes_good() -> None:
    result = grade(
        "Focal loss down-weights easy well classified examples with a modulating factor "
        "(1 - p_t)^gamma, made for class imbalance in dense detection.",
        FOCAL,
    )
    assert len(result.covered) == 3 and result.missed == ()
    assert result.rating == 3


def test_accepted_synonym_counts() -> None:
    assert covered("tuned by the focusing parameter") == [FOCAL[1].text]
    assert covered("easy examples contribute less to the loss") == [FOCAL[0].text]


def test_greek_letter_and_its_name_are_the_same_word() -> None:
    point = (KeyPoint("scaled by γ", ()),)
    assert covered("it is scaled by gamma", point) == [point[0].text]
    point = (KeyPoint("scaled by gamma", ()),)
    assert covered("scaled by γ", point) == [point[0].text]


def test_word_forms_match() -> None:
    point = (KeyPoint("sigmoid saturates for large inputs", ()),)
    assert covered("saturation of the sigmoid at large input values", point)
    assert stem("saturates") == stem("saturating") == stem("saturation")
    assert stem("losses") == stem("loss")
    assert stem("classes") == "class"


def test_hyphenation_variants_match() -> None:
    point = (KeyPoint("down-weights easy examples", ()),)
    for answer in ("downweights easy examples", "down weights the easy examples"):
        assert covered(answer, point), answer


def test_small_typos_are_tolerated() -> None:
    assert covered("downwieghts easy exmaples") == [FOCAL[0].text]
    assert covered("clas imbalance in dense detecton") == [FOCAL[2].text]


def test_short_words_must_be_exact() -> None:
    point = (KeyPoint("NLL", ()),)
    assert covered("the NLL", point)
    assert not covered("the NLP", point)


def test_stopwords_alone_cover_nothing() -> None:
    assert covered("it is the one of the in a for with") == []
    assert grade("", FOCAL).rating == 1
    assert grade("   ", FOCAL).covered == ()


def test_unrelated_answer_covers_nothing() -> None:
    result = grade("Batch norm normalises activations per mini-batch.", FOCAL)
    assert result.covered == () and len(result.missed) == 3
    assert result.rating == 1


def test_most_is_hard_few_is_again() -> None:
    assert grade("down-weights easy examples; focusing parameter", FOCAL).rating == 2
    assert grade("focusing parameter", FOCAL).rating == 1


@pytest.mark.parametrize(
    ("got", "total", "rating"),
    [(4, 4, 3), (3, 4, 2), (2, 4, 2), (1, 4, 1), (0, 4, 1), (2, 3, 2), (1, 3, 1), (1, 1, 3)],
)
def test_propose_rating_thresholds(got: int, total: int, rating: int) -> None:
    assert propose_rating(got, total) == rating


def test_answer_words_offer_joined_neighbours() -> None:
    words = answer_words("log sum exp")
    assert "logsum" in words and "sumexp" in words


def test_builtin_mse_card_graded_on_a_natural_answer() -> None:
    card = load_catalog().card("losses", "mse")
    assert card is not None
    answer = (
        "MSE is the mean of squared errors. Its gradient is proportional to the residual, "
        "it is not robust to outliers, it is the MLE under Gaussian noise and it is the "
        "standard regression loss."
    )
    result = grade(answer, card.key_points)
    assert result.missed == ()
    assert result.rating == 3
    partial = grade("mean squared difference, outliers dominate", card.key_points)
    assert 0 < len(partial.covered) < len(card.key_points)
    assert partial.rating == 1


def test_number_words_match_digits() -> None:
    point = (KeyPoint("ReLU(x) = max(0, x)", ()),)
    assert covered("the max of zero and x", point)
    assert not covered("the max of two and x", point)


@pytest.mark.parametrize(
    ("answer", "point"),
    [
        ("sigmoid outputs are zero-centred", "sigmoid outputs are not zero-centred"),
        ("outputs are zero-centred", "outputs not zero-centred"),
        ("it gives calibrated probabilities", "gives scores, not calibrated probabilities"),
        ("sigmoid outputs are not zero-centred", "sigmoid outputs are zero-centred"),
        ("the unit does not recover", "the unit recovers"),
        ("tanh isn't zero-centred", "tanh is zero-centred"),
    ],
)
def test_an_answer_saying_the_opposite_covers_nothing(answer: str, point: str) -> None:
    """A negation flips the meaning: the words match but the answer is wrong."""
    assert not covered(answer, (KeyPoint(point, ()),))


@pytest.mark.parametrize(
    ("answer", "point"),
    [
        ("sigmoid outputs are not zero-centred", "sigmoid outputs are not zero-centred"),
        ("tanh isn't zero-centred", "tanh is not zero-centred"),
        ("it doesn't saturate there", "it does not saturate there"),
        (
            "gives scores rather than calibrated probabilities",
            "scores, not calibrated probabilities",
        ),
        ("ReLU has no saturation for positive inputs", "no saturation for positive inputs"),
        ("it is zero-centred, unlike sigmoid which is not", "it is zero-centred"),
        ("not only fast but also zero-centred", "zero-centred"),
    ],
)
def test_negations_that_agree_still_match(answer: str, point: str) -> None:
    assert covered(answer, (KeyPoint(point, ()),))


@pytest.mark.parametrize(
    ("answer", "point"),
    [
        ("it decreases the variance", "increases the variance"),
        ("a biased estimator", "unbiased estimator"),
        ("the features are dependent", "independent features"),
        ("it minimizes the likelihood", "maximizes likelihood"),
        ("the encoder layers", "decoder layers"),
    ],
)
def test_a_typo_allowance_never_turns_a_word_into_its_opposite(answer: str, point: str) -> None:
    assert not covered(answer, (KeyPoint(point, ()),))


def test_every_builtin_key_point_is_covered_by_its_own_words() -> None:
    """Negation and typo rules must never stop a phrasing from matching itself."""
    for card in load_catalog().cards:
        for point in card.key_points:
            for phrasing in (point.text, *point.accept):
                assert covered(phrasing, (point,)), (card.ref, phrasing)
