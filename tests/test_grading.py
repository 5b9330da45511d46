"""Typed-answer grading, one mechanism at a time: clauses, negation, antonyms, swapped roles,
math normalisation, formulas, abbreviations, reject phrasings, the rating rule, the size cap.
"""

from __future__ import annotations

import pytest

from quizprep.decks.catalog import load_catalog
from quizprep.decks.model import Card, KeyPoint
from quizprep.study.grading import (
    AGAIN,
    CONTRADICTED,
    COVERED,
    GOOD,
    HARD,
    MAX_ANSWER_CHARS,
    MISSED,
    Grade,
    PointVerdict,
    grade,
    rate,
    toggled,
)
from quizprep.study.grading.clauses import split
from quizprep.study.grading.formula import formula_said
from quizprep.study.grading.match import phrase
from quizprep.study.grading.normalise import prepare
from quizprep.study.grading.text import tokens

BUILTIN = load_catalog(include_user=False)


def builtin(ref: str) -> Card:
    deck, _, card_id = ref.partition("/")
    found = BUILTIN.card(deck, card_id)
    assert found is not None, ref
    return found


def make(*points: KeyPoint | str, card_id: str = "t", question: str = "Q?") -> Card:
    kps = tuple(KeyPoint(p) if isinstance(p, str) else p for p in points)
    return Card("test", card_id, "Topic", "easy", question, "A.", kps)


def verdicts(card: Card, answer: str) -> list[str]:
    return [p.verdict for p in grade(card, answer).points]


FOCAL = make(
    KeyPoint("down-weights easy, well-classified examples", ("easy examples contribute less",)),
    KeyPoint("modulating factor (1 − p_t)^γ", ("gamma exponent", "focusing parameter")),
    KeyPoint("class imbalance in dense detection"),
    card_id="focal",
)


# -- the interface ------------------------------------------------------------------------


def test_grade_returns_a_verdict_per_point_with_its_evidence() -> None:
    result = grade(FOCAL, "It down-weights easy examples. Tuned by the focusing parameter.")
    assert isinstance(result, Grade)
    assert [type(p) for p in result.points] == [PointVerdict] * 3
    assert [p.index for p in result.points] == [0, 1, 2]
    assert result.points[0].verdict == COVERED
    assert result.points[0].evidence == "It down-weights easy examples"  # as typed
    assert result.points[1].evidence == "Tuned by the focusing parameter"
    assert result.points[2] == PointVerdict(2, FOCAL.key_points[2].text, MISSED, None, False)
    assert result.rating == HARD


def test_full_answer_covers_everything_and_proposes_good() -> None:
    answer = (
        "Focal loss down-weights easy well classified examples with a modulating factor "
        "(1 - p_t)^gamma, made for class imbalance in dense detection."
    )
    assert verdicts(FOCAL, answer) == [COVERED] * 3
    assert grade(FOCAL, answer).rating == GOOD


def test_empty_and_unrelated_answers_cover_nothing() -> None:
    for answer in ("", "   ", "it is the one of the in a for with"):
        assert verdicts(FOCAL, answer) == [MISSED] * 3
        assert grade(FOCAL, answer).rating == AGAIN
    assert verdicts(FOCAL, "Batch norm normalises activations per mini-batch.") == [MISSED] * 3


# -- clauses ------------------------------------------------------------------------------


def test_answers_split_into_clauses_at_sentences_commas_and_contrast_words() -> None:
    texts = [c.text for c in split("MSE is squared. MAE is absolute; Huber — both, but smooth")]
    assert texts == ["mse is squared", "mae is absolute", "huber", "both", "but smooth"]
    # decimals, dotted names and brackets do not split
    assert [c.text for c in split("use nn.BCELoss with p = 0.25 and max(0, x)")] == [
        "use nn.bceloss with p = 0.25",
        "max(0, x)",
    ]


def test_evidence_comes_from_one_clause_not_the_whole_answer() -> None:
    card = make(KeyPoint("caused by a high learning rate", ("learning rate too high",)))
    # every word is somewhere in the answer, but never in one claim
    scattered = "The learning rate was fine. The batch was too high in memory."
    assert verdicts(card, scattered) == [MISSED]
    assert verdicts(card, "It happens when the learning rate is too high.") == [COVERED]


def test_an_accept_phrase_needs_all_its_words() -> None:
    card = make(KeyPoint("point", ("multiply each example's loss by its class weight",)))
    assert verdicts(card, "multiply each example's loss") == [MISSED]
    assert verdicts(card, "we multiply each example loss by the class weight") == [COVERED]


# -- negation and antonyms ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "point"),
    [
        ("sigmoid outputs are zero-centred", "sigmoid outputs are not zero-centred"),
        ("it gives calibrated probabilities", "gives scores, not calibrated probabilities"),
        ("the unit does not recover", "the unit recovers"),
        ("tanh isn't zero-centred", "tanh is zero-centred"),
        ("the loss is non-convex", "the loss is convex"),
    ],
)
def test_an_answer_saying_the_opposite_does_not_cover(answer: str, point: str) -> None:
    assert verdicts(make(point), answer) != [COVERED]


@pytest.mark.parametrize(
    ("answer", "point"),
    [
        ("tanh isn't zero-centred", "tanh is not zero-centred"),
        ("it doesn't saturate there", "it does not saturate there"),
        ("gives scores rather than calibrated ones", "scores, not calibrated ones"),
        ("ReLU has no saturation for positive inputs", "no saturation for positive inputs"),
        ("the gradient is zero for negative inputs", "zero gradient for negative inputs"),
        ("MSE is less robust to outliers", "not robust to outliers"),
    ],
)  # fmt: skip
def test_negations_that_agree_still_match(answer: str, point: str) -> None:
    assert verdicts(make(KeyPoint("x", (point,))), answer) == [COVERED]


@pytest.mark.parametrize(
    ("answer", "accept"),
    [
        ("a small learning rate kills the units", "high learning rate kills units"),
        ("it decreases the variance of the gradient", "increases the variance of the gradient"),
        ("MSE is robust to outliers", "MSE is sensitive to outliers"),
        ("easy examples contribute more", "easy examples contribute less"),
        ("the function saturates for large inputs", "does not saturate for large inputs"),
        ("it up-weights easy examples", "down-weights easy examples"),
        ("the gradient is y − p", "gradient p − y"),
    ],
)
def test_a_negated_or_antonym_claim_contradicts(answer: str, accept: str) -> None:
    card = make(KeyPoint("the point", (accept,)), card_id="mse")
    assert verdicts(card, answer) == [CONTRADICTED]
    assert grade(card, answer).rating == AGAIN


@pytest.mark.parametrize(
    ("answer", "point"),
    [
        ("it decreases the variance", "increases the variance"),
        ("a biased estimator", "unbiased estimator"),
        ("it minimizes the likelihood", "maximizes likelihood"),
        ("the encoder layers", "decoder layers"),
    ],
)
def test_a_typo_allowance_never_turns_a_word_into_its_opposite(answer: str, point: str) -> None:
    assert verdicts(make(point), answer) != [COVERED]


def test_small_typos_word_forms_and_hyphenation_are_tolerated() -> None:
    assert verdicts(FOCAL, "downweights easy exmaples")[0] == COVERED
    assert verdicts(FOCAL, "down weights the easy examples")[0] == COVERED
    assert verdicts(FOCAL, "clas imbalance in dense detecton")[2] == COVERED
    point = make("sigmoid saturates for large inputs")
    assert verdicts(point, "saturation of the sigmoid at large input values") == [COVERED]
    assert verdicts(make("normalise the targets"), "normalize the targets") == [COVERED]


# -- swapped roles -----------------------------------------------------------------------


def test_swapped_roles_contradict_mean_and_median() -> None:
    card = builtin("deep-dives/mae-vs-mse")
    wrong = verdicts(card, "MSE estimates the median, whereas MAE estimates the mean.")
    assert wrong[0] == CONTRADICTED
    right = verdicts(card, "MSE estimates the conditional mean, whereas MAE gives the median.")
    assert right[0] == COVERED


def test_swapped_subjects_contradict_and_comparisons_agree() -> None:
    tanh = builtin("activations/tanh-vs-sigmoid")
    assert verdicts(tanh, "Sigmoid is zero-centred and tanh isn't.")[0] == CONTRADICTED
    assert verdicts(tanh, "Tanh is zero-centred, unlike sigmoid.")[0] == COVERED
    mse = builtin("losses/mse")
    assert verdicts(mse, "MSE is more robust to outliers than MAE.")[2] == CONTRADICTED
    assert verdicts(mse, "MAE is more robust to outliers than MSE.")[2] == COVERED


def test_two_words_said_the_other_way_in_passing_are_not_a_contradiction() -> None:
    """A negation aimed elsewhere in a long clause must not cap a right answer at Again."""
    card = make(KeyPoint("its weights stop updating", ("weights get no gradient",)))
    assert verdicts(card, "its own weights never receive gradient again") != [CONTRADICTED]
    for card in BUILTIN.cards:  # a card's own model answer contradicts none of its points
        assert CONTRADICTED not in verdicts(card, card.answer), card.ref
        if card.short:  # nor does its short answer
            assert CONTRADICTED not in verdicts(card, card.short), card.ref


def test_a_clause_naming_a_sibling_is_not_evidence_for_the_subject() -> None:
    relu = make(KeyPoint("ReLU is cheap to compute", ("relu is cheap",)), card_id="relu")
    assert verdicts(relu, "GELU is cheap to compute") == [MISSED]
    assert verdicts(relu, "it is cheap to compute, unlike GELU") == [COVERED]


# -- math --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "written",
    ["p − y", "p - y", "p-y", "p minus y", "ŷ − y", "y_hat - y", "prediction minus the target",
     "σ(z) − y", "softmax(z) − onehot(y)"],
)  # fmt: skip
def test_differences_normalise_to_one_token(written: str) -> None:
    assert [t.key for t in tokens(prepare(written))[0]] == ["P-Y"]


def test_reversed_difference_is_the_opposite() -> None:
    (forward,), _ = tokens(prepare("p - y"))
    (backward,), _ = tokens(prepare("y − p"))
    assert forward.axis == backward.axis and forward.key != backward.key
    # squared or in absolute value, the order does not matter
    assert tokens(prepare("(y − ŷ)²"))[0] == tokens(prepare("(ŷ − y)^2"))[0]
    assert tokens(prepare("|y − ŷ|"))[0] == tokens(prepare("|ŷ − y|"))[0]


@pytest.mark.parametrize(
    ("a", "b"),
    [("(ŷ − y)²", "(y_hat - y)^2"), ("½‖w‖²", "1/2 |w|^2"), ("Σ (ŷ−y)²", "sum (yhat - y)^2"),
     ("e^(−x)", "exp(-x)"), ("σ′(x)", "sigma'(x)")],
)  # fmt: skip
def test_math_is_normalised_before_matching(a: str, b: str) -> None:
    assert tokens(prepare(a)) == tokens(prepare(b))


def test_a_formula_in_a_point_is_compared_as_a_formula() -> None:
    card = builtin("activations/tanh-vs-sigmoid")
    assert verdicts(card, "tanh(x) = 2σ(2x) − 1")[4] == COVERED
    assert verdicts(card, "tanh(x) = 2σ(x) − 1")[4] == CONTRADICTED
    mse = builtin("losses/mse")
    assert verdicts(mse, "grad 2(ŷ−y)/n")[1] == COVERED


def test_nothing_typed_is_evaluated() -> None:
    card = make("ReLU(x) = max(0, x)")
    answer = "__import__('os').system('echo pwned') = max(0, x); 1/0 = ∞"
    assert grade(card, answer).points[0].verdict in (COVERED, MISSED)


# -- abbreviations ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("short", "long"),
    [("CE", "cross-entropy"), ("BCE", "binary cross entropy"), ("NLL", "negative log-likelihood"),
     ("KL", "Kullback-Leibler divergence"), ("MSE", "mean squared error"),
     ("MAE", "mean absolute error"), ("LR", "learning rate"), ("BN", "batch normalization"),
     ("SGD", "stochastic gradient descent"), ("logits", "raw scores"), ("p̂", "prediction"),
     ("grad", "derivative")],
)  # fmt: skip
def test_abbreviations_are_their_long_forms(short: str, long: str) -> None:
    keys = [t.key for t in tokens(prepare(short))[0]]
    assert keys == [t.key for t in tokens(prepare(long))[0]]
    card = make(KeyPoint("x", (f"use {long} for ranking",)))
    assert verdicts(card, f"use {short} for ranking") == [COVERED]


# -- reject phrasings ---------------------------------------------------------------------


def test_a_reject_phrasing_contradicts_and_its_negation_does_not() -> None:
    card = make(KeyPoint("tanh is zero-centred", reject=("sigmoid is zero-centred",)))
    assert verdicts(card, "the sigmoid is zero-centred") == [CONTRADICTED]
    assert verdicts(card, "the sigmoid is not zero-centred") == [MISSED]


def test_a_single_word_accept_does_not_credit_a_contradicting_clause() -> None:
    kl = builtin("losses/kl-divergence")
    assert verdicts(kl, "KL(p‖q) = KL(q‖p), it is symmetric")[1] == CONTRADICTED


def test_every_builtin_point_is_covered_by_its_own_words_and_no_reject_is_weak() -> None:
    """No rule may stop a phrasing matching itself; a reject contradicts its own point."""
    for card in BUILTIN.cards:
        for index, point in enumerate(card.key_points):
            for phrasing in (point.text, *point.accept):
                if " vs " in phrasing or " unlike " in phrasing:
                    continue  # contrast phrasings are read as two claims
                said = verdicts(card, phrasing)[index]
                if said != COVERED:  # a lone term counts in an answer that names the topic
                    said = verdicts(card, f"{card.id.replace('-', ' ')}. {phrasing}")[index]
                if said != COVERED:  # a name in a list of fixes counts where fixes are named
                    said = verdicts(card, f"{card.id.replace('-', ' ')}. The fix: {phrasing}")[
                        index
                    ]
                assert said == COVERED, (card.ref, phrasing)
            for wrong in point.reject:
                compiled = phrase(wrong, full=True)
                assert len(compiled.tokens) + (compiled.subject is not None) >= 2, wrong
                assert verdicts(card, wrong)[index] == CONTRADICTED, (card.ref, wrong)


def test_one_shared_term_in_an_answer_about_something_else_is_not_credited() -> None:
    hinge = builtin("losses/hinge")
    kernel = "In a kernel SVM the kernel trick swaps every inner product for a kernel k(x, x')."
    assert verdicts(hinge, kernel).count(COVERED) == 0
    assert verdicts(hinge, "Hinge is what the SVM minimises.").count(COVERED) == 1
    # a formula is specific enough on its own
    assert verdicts(hinge, "max(0, 1 − y·s)")[0] == COVERED


def test_builtin_cards_carry_reject_lists_and_optional_points() -> None:
    points = [p for card in BUILTIN.cards for p in card.key_points]
    assert sum(len(p.reject) for p in points) >= 100
    assert any(p.optional for p in points)
    for card in BUILTIN.cards:
        assert any(not p.optional for p in card.key_points), card.ref


# -- the examples -----------------------------------------------------------------


def test_the_reported_misgrades_are_fixed() -> None:
    dead = builtin("activations/dead-relu")
    wrong = grade(
        dead,
        "When the learning rate is too small the ReLU stops learning because the output is "
        "always positive",
    )
    assert wrong.points[2].verdict == CONTRADICTED and wrong.rating == AGAIN
    mse = builtin("losses/mse")
    swapped = grade(
        mse, "MSE is more robust to outliers than MAE. MSE estimates the median and MAE the mean."
    )
    assert swapped.rating == AGAIN and swapped.count(COVERED) <= 1
    terse = grade(mse, "(1/n)Σ(ŷ−y)², grad 2(ŷ−y)/n; Gaussian-noise MLE → conditional mean; "
                       "outlier-sensitive")  # fmt: skip
    assert terse.count(COVERED) == 4 and terse.rating == GOOD
    tanh = builtin("activations/tanh-vs-sigmoid")
    assert grade(tanh, "Sigmoid is zero-centred and tanh isn't").rating == AGAIN


# -- the rating rule ---------------------------------------------------------------------


C, M, X = COVERED, MISSED, CONTRADICTED


@pytest.mark.parametrize(
    ("given", "rating"),
    [([C, C, C, C], GOOD), ([C, C, C, M], GOOD), ([C, C, M, M], HARD), ([C, M, M, M], AGAIN),
     ([M, M, M, M], AGAIN), ([C, C, C, X], AGAIN), ([C, C, M], HARD), ([C, C, C], GOOD),
     ([C, M, M, M, M], AGAIN), ([C, C, M, M, M], HARD), ([C, C, C, C, M], GOOD),
     ([C, C, C, M, M], HARD), ([C, C], GOOD), ([C, M], HARD), ([C], GOOD)],
)  # fmt: skip
def test_rating_thresholds(given: list[str], rating: int) -> None:
    assert rate(make(*[f"p{i}" for i in range(len(given))]), given) == rating


def test_optional_points_are_never_needed_for_good() -> None:
    card = make("a", "b", KeyPoint("extra", optional=True), KeyPoint("more", optional=True))
    assert rate(card, [C, C, M, M]) == GOOD
    # on a card of three core points or fewer, no optional point stands in for a core one
    assert rate(card, [C, M, C, C]) == HARD
    three = make("a", "b", "c", KeyPoint("extra", optional=True))
    assert rate(three, [C, C, M, C]) == HARD and rate(three, [C, C, C, M]) == GOOD
    five = make("a", "b", "c", "d", KeyPoint("extra", optional=True))
    assert rate(five, [C, C, C, M, C]) == GOOD  # four core: all but one still Good
    assert rate(card, [C, M, M, M]) == HARD
    assert rate(card, [C, C, X, M]) == AGAIN  # a contradicted optional point still caps
    only_optional = make(KeyPoint("extra", optional=True))
    assert rate(only_optional, [C]) == GOOD and rate(only_optional, [M]) == AGAIN
    with pytest.raises(ValueError):
        rate(card, [C])


def test_toggling_cycles_a_verdict_and_proposes_again() -> None:
    graded = grade(FOCAL, "down-weights easy examples; focusing parameter")
    assert graded.rating == HARD
    once = toggled(FOCAL, graded, 2)
    assert once.points[2].verdict == CONTRADICTED and once.rating == AGAIN
    twice = toggled(FOCAL, once, 2)
    assert twice.points[2].verdict == COVERED and twice.rating == GOOD
    assert toggled(FOCAL, twice, 2).points[2].verdict == MISSED


# -- size ---------------------------------------------------------------------------------


def test_a_huge_paste_is_cut_at_the_cap() -> None:
    """Only the first MAX_ANSWER_CHARS characters are read: a right answer after them is
    not seen, so grading a megabyte costs what grading the cap costs."""
    filler = "lorem ipsum dolor sit amet. " * (MAX_ANSWER_CHARS // 28 + 10)
    answer = filler + "Focal loss down-weights easy examples."
    assert len(answer) > MAX_ANSWER_CHARS
    result = grade(FOCAL, answer)
    assert result.truncated and result.points[0].verdict == MISSED
    assert not grade(FOCAL, "down-weights easy examples").truncated
    assert len(split(answer[:MAX_ANSWER_CHARS])) <= MAX_ANSWER_CHARS // 10


def test_thousands_of_fragments_are_cut_at_the_clause_cap() -> None:
    from quizprep.study.grading import MAX_CLAUSES

    fragments = ", ".join(["noise"] * (MAX_CLAUSES + 50)) + ", down-weights easy examples"
    assert len(fragments) < MAX_ANSWER_CHARS
    result = grade(FOCAL, fragments)
    assert result.truncated and result.points[0].verdict == MISSED
    assert not grade(FOCAL, ", ".join(["noise"] * 20) + ", down-weights easy examples").truncated


def test_a_pronoun_carries_the_subject_named_before_it() -> None:
    card = builtin("deep-dives/mse-bce-gradients")
    result = verdicts(card, "MSE squares the residual. Its gradient is 2(ŷ − y).")
    assert result[0] == COVERED  # the MSE point
    assert result[1] == MISSED  # not BCE's p − y: "its" is MSE's
    assert verdicts(card, "For BCE on the logit, the gradient is p − y.")[1] == COVERED


# -- reading claims the way a candidate writes them (second dev and held-out round) -------


def test_a_pronoun_after_but_names_the_subject_for_a_reject() -> None:
    silu = builtin("activations/swish-silu")
    said = verdicts(silu, "SiLU is x·σ(x), sure, but it is monotonic.")
    assert said[1] == CONTRADICTED
    assert verdicts(silu, "SiLU is x·σ(x), and it is not monotonic.")[1] != CONTRADICTED


def test_a_supposition_is_not_a_claim() -> None:
    head = builtin("activations/linear-before-softmax")
    supposed = "If you put a sigmoid on the logits, the top probability is capped."
    assert verdicts(head, supposed)[0] != CONTRADICTED
    assert verdicts(head, "Put a sigmoid on the logits.")[0] == CONTRADICTED


def test_not_equal_between_words_is_a_negation() -> None:
    hinge = builtin("losses/hinge")
    assert verdicts(hinge, "Hinge scores ≠ calibrated probabilities.")[3] == COVERED


def test_a_formula_with_other_variable_names_is_the_same_formula() -> None:
    hinge = builtin("losses/hinge")
    assert verdicts(hinge, "Hinge is max(0, 1 − y·f(x)).")[0] == COVERED
    assert verdicts(hinge, "Hinge is max(0, 1 + y·f(x)).")[0] != COVERED
    init = builtin("modern-activations/xavier-he-init")
    assert verdicts(init, "He init: Var(w) = 2/n_in.")[2] == COVERED
    # the start of a longer denominator is not the formula
    assert verdicts(init, "Xavier uses 2/(fan_in + fan_out).")[2] != COVERED


def test_a_one_word_conjunct_stays_in_its_clause() -> None:
    assert [c.text for c in split("the loss and the gradient are zero")] == [
        "the loss and the gradient are zero"
    ]
    assert len(split("sigmoid is zero-centred and tanh isn't")) == 2


def test_which_points_back_to_the_last_thing_named() -> None:
    relu = builtin("activations/relu")
    answer = (
        "ReLU units can die. The fix is Leaky ReLU, which keeps a gradient for negative inputs."
    )
    assert verdicts(relu, answer)[4] == COVERED
    assert verdicts(relu, "ReLU is cheaper than sigmoid, which needs an exponential.")[2] == COVERED


def test_a_sibling_with_the_opposite_property_is_a_contrast() -> None:
    relu = builtin("activations/relu")
    answer = "ReLU units can die; Leaky ReLU keeps a gradient for negative inputs so it cannot die."
    assert verdicts(relu, answer)[4] == COVERED
    tanh = builtin("activations/tanh-vs-sigmoid")  # on a comparison card a swap still counts
    assert verdicts(tanh, "Sigmoid is zero-centred.")[0] == CONTRADICTED


def test_the_other_side_of_the_input_is_another_claim() -> None:
    elu = builtin("modern-activations/elu")
    assert verdicts(elu, "ELU′(x) is 1 for x > 0.")[1] != CONTRADICTED
    relu = builtin("activations/relu")
    # a wrong claim about one side contradicts the point about that side
    assert verdicts(relu, "ReLU's gradient is 1 for negative inputs.")[4] == CONTRADICTED


def test_an_accept_of_one_common_word_credits_nothing() -> None:
    card = make(KeyPoint("sparse activations", ("many zeros",)), "b", "c")
    assert verdicts(card, "ReLU is max(0, x): negative inputs give zeros.")[0] == MISSED


def test_ordered_steps_and_no_need_are_read_as_claims() -> None:
    bce = builtin("losses/bce")
    steps = "Apply torch.sigmoid to the outputs first and then pass them to BCEWithLogitsLoss."
    assert verdicts(bce, steps)[3] == CONTRADICTED
    assert [t.neg for t in tokens(prepare("no need for a surrogate"))[0]] == [True]


def test_a_formula_divided_by_more_than_a_count_is_another_quantity() -> None:
    grads = builtin("deep-dives/mse-bce-gradients")
    assert verdicts(grads, "BCE's gradient wrt the logit is p − y.")[1] == COVERED
    assert verdicts(grads, "BCE's gradient wrt the logit is (p − y)/(p(1 − p)).")[1] != COVERED
    mae = builtin("deep-dives/mae-vs-mse")  # a mean over n is the same quantity
    assert verdicts(mae, "MAE: ∂ = sign(ŷ − y)/n, constant size.")[1] == COVERED


def test_held_out_round_mechanisms() -> None:
    hidden = builtin("activations/default-hidden-activation")
    # a negation reaches across "/" and "or": both names are denied
    assert [t.neg for t in tokens(prepare("no σ/tanh in hidden layers"))[0][:2]] == [True, True]
    assert verdicts(hidden, "Avoid σ/tanh in deep hidden stacks: they saturate.")[3] == COVERED
    softplus = builtin("modern-activations/softplus")
    assert verdicts(softplus, "softplus(x) = ln(1+eˣ) > 0, a smooth ReLU")[0] == COVERED
    assert verdicts(softplus, "Softplus: its derivative is σ(x).")[1] == COVERED
    # a formula multiplied by something is another quantity
    clause = split("SiLU′ = σ(x)(1 − σ(x))")[0]
    assert formula_said("sigmoid_x", split("SiLU′ = σ(x)")[0]) and not formula_said(
        "sigmoid_x", clause
    )
    loss = builtin("losses/loss-function")
    assert verdicts(loss, "A loss function doesn't need to be differentiable.")[2] != COVERED
    assert verdicts(loss, "A loss function needs to be differentiable.")[2] == COVERED
    # a shorthand full stop followed by lower case ends no sentence; a real one still does
    assert len({c.segment for c in split("Prob. outputs go through a sigmoid.")}) == 1
    assert len({c.segment for c in split("Cause: bad init. Fix: He init.")}) == 2


def test_derivation_cards_check_the_typed_derivative_numerically() -> None:
    """A derivative typed inside a prose answer is parsed (never eval-ed) and compared with
    the reference at random points: right in any spelling covers, a wrong final one
    contradicts, a wrong intermediate step or a constant value says nothing."""
    sigmoid = builtin("exercises/derive-sigmoid")
    assert verdicts(sigmoid, "σ'(x) = σ(x)(1 − σ(x)), max 0.25 at x=0") == [COVERED, COVERED]
    assert verdicts(sigmoid, "σ'(x) = σ(x)(1 + σ(x))")[0] == CONTRADICTED
    l2 = builtin("exercises/derive-l2")
    assert verdicts(l2, "the square brings down a 2, so the gradient is 2 * lam * w")[0] == (
        CONTRADICTED
    )
    assert verdicts(l2, "∂/∂w = λw; weight decay shrinks w each step") == [COVERED, COVERED]
    focal = builtin("exercises/derive-focal-pt")
    right = "Typed: g*(1-p)**(g-1)*log(p) - (1-p)**g/p"
    assert verdicts(focal, right)[0] == COVERED
    assert verdicts(focal, right.replace("Typed: g", "Typed: -g"))[0] == CONTRADICTED
    tanh = builtin("exercises/derive-tanh")
    assert verdicts(tanh, "1 − tanh²(x); at the origin the slope is 1")[0] == COVERED
    elu = builtin("exercises/derive-elu")  # "is 1" on one side is a value, not the answer
    assert verdicts(elu, "for x > 0 the derivative there is 1")[0] != CONTRADICTED


def test_terse_and_code_spellings_read_as_the_math_they_mean() -> None:
    # an index names an entry of the same vector; d_k is a dimension and keeps its name
    assert prepare("s_k - t_k").split() == ["s", "-", "t"]
    assert "d_k" in prepare("sqrt(d_k)")
    # library prefixes and methods
    assert "tanh_u" in prepare("np.tanh(u)") and "np" not in prepare("np.tanh(u)")
    assert "max(x" in prepare("x.max(axis=-1)")
    ce = builtin("exercises/derive-ce-softmax")
    assert verdicts(ce, "dL/dz_k = s_k - t_k since Σt = 1")[0] == COVERED
    # shorthand words
    pinball = builtin("modern-losses/pinball-loss")
    assert verdicts(pinball, "pinball grad: const −τ or 1−τ, indep. of the error size")[1] == (
        COVERED
    )
    # another number where the point has one is a different claim
    assert verdicts(builtin("exercises/derive-sigmoid"), "it peaks at 0.5 at x = 0")[1] == (
        CONTRADICTED
    )
    # "unlike X, it …": "it" is the card's subject, not X
    mish = builtin("modern-activations/mish")
    said = "Mish is x·tanh(softplus(x)). Unlike ReLU it doesn't zero out the negative side, "
    said += "so there is still some gradient for negative inputs."
    assert verdicts(mish, said)[2] == COVERED
    # advice in the imperative is a fix, not a cause
    dead = builtin("activations/dead-relu")
    assert CONTRADICTED not in verdicts(dead, "Use Leaky ReLU and a smaller learning rate.")


def test_a_claim_denied_after_it_is_stated_is_denied() -> None:
    ce = builtin("exercises/derive-ce-softmax")
    assert verdicts(ce, "The fact that t sums to one isn't needed here.")[1] == CONTRADICTED
    assert verdicts(ce, "It uses that t sums to one.")[1] == COVERED
    relu0 = builtin("activations/relu-derivative-at-zero")  # "so it doesn't matter" stays
    assert verdicts(relu0, "You never land exactly on zero, so it does not matter.")[3] != (
        CONTRADICTED
    )


def test_transposes_and_squared_functions_in_any_spelling() -> None:
    mlp = builtin("exercises/code-mlp-backward")
    for typed in ("dW2 = hᵀg", "dW2 = h.T @ g", "dW2 = h^T g"):
        assert verdicts(mlp, typed)[0] == COVERED, typed
    tanh = builtin("exercises/derive-tanh")
    for typed in ("1 − tanh²x", "1 - tanh^2(x)", "1 − tanh²(x)"):
        assert verdicts(tanh, f"tanh derivative: {typed}")[0] == COVERED, typed
    assert "sigmoid" not in prepare("σ²")  # a variance stays a variance


def test_more_opposites_flip_a_claim() -> None:
    gan = builtin("modern-losses/gan-losses")
    wrong = "The original generator loss saturates late in training, once G is winning."
    assert verdicts(gan, wrong)[1] == CONTRADICTED
    assert verdicts(gan, "The original generator loss saturates early in training.")[1] == (COVERED)
    # "plus" and "minus" are operators, not a claim about adding: no flip on them
    stable = builtin("deep-dives/stable-softmax")
    said = "The log of the normaliser becomes the largest score plus the log of the sum of the "
    said += "shifted exponentials."
    assert CONTRADICTED not in verdicts(stable, said)


def test_a_long_accept_may_leave_out_one_common_word_only() -> None:
    card = make(
        KeyPoint(
            "a bounded gradient on outliers keeps training stable",
            ("outliers get a bounded gradient push",),
        )
    )
    assert verdicts(card, "outliers get a bounded push") == [COVERED]  # "gradient" is common
    assert verdicts(card, "outliers get a gradient push") != [COVERED]  # "bounded" is the claim


def test_shares_defaults_and_example_numbers() -> None:
    dead = builtin("activations/dead-relu")
    assert verdicts(dead, "Detect it: % of zero activations over a batch.")[4] == COVERED
    assert verdicts(builtin("losses/mse"), "MSE is the default for regression.")[4] == COVERED
    calibration = builtin("training-signals/calibration")  # 90% for 80% is an example
    said = "Calibrated: when the model says 90%, it should be right 90% of the time."
    assert verdicts(calibration, said)[0] == COVERED


def test_one_minus_a_function_typed_in_ascii_keeps_its_minus() -> None:
    assert prepare("1-tanh(x)**2").split()[:3] == ["1", "-", "tanh_x^2"]
    assert "-" not in prepare("one-vs-rest").split()  # a compound of words stays one


def test_names_and_phrasings_a_content_pass_tripped_over() -> None:
    # CLIP the model is not clipping; mining is not "min"; corrected is not "correct"
    assert "clip" not in prepare("SimCLR and CLIP use in-batch negatives").split()
    assert tokens(prepare("mine hard triplets"))[0][0].key == "mining"
    assert tokens(prepare("corrected logits"))[0][0].key == "correction"
    # "never zero" is some gradient; "nothing to the gradient" is none; "no longer" is not
    never = [(t.key, t.neg) for t in tokens(prepare("the gradient is never zero"))[0]]
    assert never == [("gradient", False)]
    nothing = tokens(prepare("satisfied triplets contribute nothing to the gradient"))[0]
    assert ("gradient", True) in [(t.key, t.neg) for t in nothing]
    assert tokens(prepare("no longer depends on V"))[0][0].neg
    # π_ref is one name; a σ no sigmoid rule claims is a standard deviation
    assert "pi_ref" in prepare("π_ref frozen") and "sigma" in prepare("(μ − y)/σ²")
    # a denominator in brackets stays in its formula; over-/under-prediction are opposites
    assert len(split("Dice loss is 1 − 2Σp·g/(Σp + Σg)")) == 1
    over = tokens(prepare("over-predictions"))[0][0]
    under = tokens(prepare("under-predictions"))[0][0]
    assert over.axis == under.axis == "estimate" and over.key != under.key
    # a rejected claim stated and then denied ("… is not needed") is denied in a phrase too
    assert tokens(prepare("smoothing epsilon is not needed"))[0][0].neg


def test_a_derivative_stated_mid_sentence_is_checked_and_overrides_a_step() -> None:
    softplus = builtin("exercises/derive-softplus")
    said = "The outer log gives 1/(1 + e^x), times e^x, so e^x/(1 + e^x). That is the sigmoid."
    assert verdicts(softplus, said)[0] == COVERED


def test_a_reject_about_one_thing_does_not_fire_on_a_clause_about_another() -> None:
    accuracy = builtin("losses/why-not-accuracy")
    said = "train CE instead (smooth surrogate, ∇ = p − y ≠ 0, keeps pushing margins)"
    assert CONTRADICTED not in verdicts(accuracy, said)


def test_roles_swapped_with_an_opposite_are_not_read_either_way() -> None:
    triplet = builtin("modern-losses/triplet-loss")
    said = (
        "The loss wants the negative at least a margin farther from the anchor than the positive."
    )
    assert CONTRADICTED not in verdicts(triplet, said)
    # a reject is said as written: a double negation is no restatement of it
    relu0 = builtin("activations/relu-derivative-at-zero")
    said = "It's not defined at 0 because the left derivative is 0 and the right one is 1."
    assert verdicts(relu0, said)[0] != CONTRADICTED
    # indexed predictions are the predictions
    assert verdicts(builtin("losses/mse"), "MSE = (1/n) Σ (ŷᵢ − yᵢ)²")[0] == COVERED


def test_bounds_mirrors_modifiers_and_variables_read_as_meant() -> None:
    temperature = builtin("training-signals/temperature-scaling")
    assert verdicts(temperature, "T < 1 softens an overconfident network")[2] == CONTRADICTED
    assert verdicts(temperature, "T < 1 sharpens an underconfident one")[2] != CONTRADICTED
    assert "relushaped" in prepare("a ReLU-shaped curve")  # a modifier, not a subject
    assert "little" in prepare("almost no gradient")  # some gradient, not none
    assert "exp(x)" in prepare("log(1 + eˣ)") or "exp_x" in prepare("log(1 + eˣ)")
    assert len(split("apply RMSNorm to q and k before the dot product")) == 1
    assert tokens(prepare("the fix is Leaky ReLU"))[0][0].key == "remedy"


def test_not_as_fast_is_a_comparison_and_0_centred_is_zero_centred() -> None:
    tanh = builtin("activations/tanh-vs-sigmoid")
    said = "tanh's slope reaches 1 while the sigmoid's tops out at 0.25, so the gradient "
    said += "doesn't shrink as fast going back through the layers."
    assert CONTRADICTED not in verdicts(tanh, said)
    assert verdicts(tanh, "tanh ∈ (−1,1), 0-centred vs σ ∈ (0,1)")[0] == COVERED


def test_a_split_formula_is_covered_whole_and_a_piece_alone_decides_nothing() -> None:
    gelu = builtin("exercises/derive-gelu-tanh")
    whole = "d/dx = 0.5*(1 + tanh(sqrt(2/pi)*(x + 0.044715*x**3))) + 0.5*x*(1 - "
    whole += "tanh(sqrt(2/pi)*(x + 0.044715*x**3))**2)*sqrt(2/pi)*(1 + 3*0.044715*x**2)"
    assert verdicts(gelu, whole) == [COVERED, COVERED]
    piece = "The first term: 0.5*(1 + tanh(sqrt(2/pi)*(x + 0.044715*x**3)))"
    assert CONTRADICTED not in verdicts(gelu, piece)
    elu = builtin("exercises/derive-elu")  # an expression closing the answer is its answer
    said = "ELU'(x) is 1 for x > 0, and otherwise: where(x > 0, 1, alpha*(exp(x) - 1))"
    assert verdicts(elu, said)[1] == CONTRADICTED  # the wrong case is the negative side's


def test_shrinking_less_is_the_opposite_change() -> None:
    tanh = builtin("activations/tanh-vs-sigmoid")
    assert verdicts(tanh, "tanh's slope is 1 vs 0.25, so it shrinks gradients less")[2] == COVERED
    assert tokens(prepare("the gradient shrinks less"))[0][1].key == "level+"


def test_snake_case_code_names_read_as_their_words() -> None:
    assert tokens(prepare("F.cross_entropy(z, y)"))[0][0].key == "ce"
    assert [t.key for t in tokens(prepare("softmax(z) - one_hot(y)"))[0]] == ["P-Y"]
    assert "log_input=true" in prepare("log_input=True")  # a flag keeps its name


def test_one_region_or_another_topic_does_not_contradict_a_derivative() -> None:
    elu = builtin("exercises/derive-elu")
    assert CONTRADICTED not in verdicts(elu, "For x ≤ 0 the ELU derivative is α·e^x.")
    # an answer about the sigmoid, not ELU, does not contradict ELU's derivative unless
    # it is given as this card's answer
    assert CONTRADICTED not in verdicts(elu, "σ'(x) = σ(x)(1 − σ(x)), at most 0.25.")
    assert verdicts(elu, "Type: sigmoid(x) * (1 - sigmoid(x))")[0] == CONTRADICTED


def test_zero_after_an_adverb_and_outputting_zero() -> None:
    triplet = builtin("exercises/code-triplet-margin")
    assert verdicts(triplet, "Rows whose loss is already zero give no gradient.")[2] != (
        CONTRADICTED
    )
    dead = builtin("activations/dead-relu")
    said = (
        "A ReLU gets stuck outputting zero for all inputs: its pre-activation is always negative."
    )
    assert verdicts(dead, said)[0] != CONTRADICTED


def test_means_as_a_verb_is_not_the_statistic() -> None:
    robust = builtin("deep-dives/robust-regression-outliers")
    said = "MAE's constant magnitude means it doesn't taper off near the optimum."
    assert CONTRADICTED not in verdicts(robust, said)
    assert "mean" in prepare("MSE estimates the conditional mean")
