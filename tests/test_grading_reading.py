"""Typed-answer grading: how a clause's words are bound to what they are about (which thing
"it" is, what a negation or a "zero" applies to, which side a word is on). Each test is a
sentence a fair interviewer reads one way and a bag of words read the other way."""

from __future__ import annotations

from quizprep.study.grading import CONTRADICTED, COVERED, grade
from quizprep.study.grading.clauses import split
from quizprep.study.grading.normalise import prepare
from quizprep.study.grading.text import tokens
from tests.test_grading import builtin


def verdicts(ref: str, answer: str) -> list[str]:
    return [p.verdict for p in grade(builtin(ref), answer).points]


def keys(text: str) -> list[str]:
    return [t.key + ("~" if t.neg else "") for t in tokens(prepare(text))[0]]


def test_it_is_the_thing_named_last_in_the_sentence() -> None:
    said = (
        "I default to MSE: for regression it's actually the most robust option when there "
        "are outliers."
    )
    assert verdicts("losses/choosing-a-loss", said)[1] == CONTRADICTED


def test_unlike_x_the_subject_is_the_thing_named_next() -> None:
    said = "Unlike a ReLU, a softplus unit can't go dead."
    assert verdicts("exercises/derive-softplus", said)[1] == COVERED


def test_right_beside_left_is_a_side_not_correctness() -> None:
    assert "truth+" not in keys("the slope is 0 from the left and 1 from the right")
    assert "truth+" in keys("that is the right answer")
    said = "It's not defined at 0, since the slope jumps from 0 on the left to 1 on the right."
    assert verdicts("activations/relu-derivative-at-zero", said)[0] == COVERED


def test_away_from_a_number_sets_the_number_aside() -> None:
    assert keys("move the threshold away from 0.5")[-1] == "0.5~"
    assert not keys("push the negative away from the anchor")[-1].endswith("~")
    said = "You can also move the decision threshold away from 0.5."
    assert verdicts("deep-dives/imbalanced-cross-entropy", said)[2] == COVERED


def test_a_sibling_set_aside_is_not_the_subject_of_the_claim() -> None:
    said = "You can't use softmax because the labels aren't mutually exclusive."
    assert CONTRADICTED not in verdicts("losses/multi-label", said)
    assert CONTRADICTED in verdicts(
        "losses/multi-label", "Softmax works just as well for multi-label."
    )


def test_both_ends_of_an_axis_leave_word_order_undecided() -> None:
    said = "Focal loss reduces the loss on easy examples so the model focuses on the hard ones."
    assert verdicts("deep-dives/imbalanced-cross-entropy", said)[1] == COVERED
    wrong = "Focal loss focuses training on the easy examples."
    assert verdicts("deep-dives/imbalanced-cross-entropy", wrong)[1] == CONTRADICTED


def test_zero_applies_to_the_gradient_not_what_it_is_taken_with_respect_to() -> None:
    assert keys("its gradient wrt the weights is zero")[:1] == ["gradient~"]
    assert keys("its gradiant with respect to the weights is zero")[:1] == ["gradiant~"]
    said = "Its gradiant with respect to the weights is zero almost everywhere."
    assert verdicts("losses/why-not-accuracy", said)[1] == COVERED


def test_a_bad_idea_sets_aside_every_thing_it_names() -> None:
    assert keys("sigmoid and tanh are a bad idea in hidden layers")[:2] == ["sigmoid~", "tanh~"]
    said = "Sigmoid and tanh are a bad idea in deep hidden layers since they saturate."
    assert verdicts("activations/default-hidden-activation", said)[3] == COVERED


def test_averaging_is_taking_the_mean() -> None:
    assert keys("average the micro-batch losses")[0] == keys("the mean of the losses")[0]
    said = "Token-level averaging weights every sequence equally regardless of its length."
    assert CONTRADICTED in verdicts("training-signals/lm-loss-masking", said)


def test_a_bracketed_factor_of_a_product_is_not_the_quantity() -> None:
    assert keys("softmax(z)_i * (1 - softmax(z)_i)")[-1].startswith("*")
    assert not keys("2(ŷ − y)")[-1].startswith("*")  # a scalar times the residual
    wrong = "It's the softmax derivative, softmax(z)_i * (1 - softmax(z)_i)."
    assert verdicts("exercises/derive-log-softmax-diag", wrong)[0] != COVERED
    said = "On the diagonal it is 1 - softmax(z)_i."
    assert verdicts("exercises/derive-log-softmax-diag", said)[0] == COVERED


def test_focusing_on_one_end_is_weighting_it_more() -> None:
    assert keys("focuses on hard examples")[:2] == keys("puts more weight on hard examples")[1:3]
    card = "losses/class-imbalance"
    wrong = "Focal loss does something similar by putting more weight on the easy examples."
    assert verdicts(card, wrong)[2] == CONTRADICTED
    said = "Focal loss down-weights the easy examples."
    assert verdicts(card, said)[2] == COVERED


def test_an_aside_like_x_between_commas_keeps_the_claim_whole() -> None:
    wrong = "Poisson, like MSE, assumes the same variance for every count."
    assert verdicts("modern-losses/poisson-tweedie", wrong)[2] == CONTRADICTED


def test_a_pronoun_stands_for_the_subject_a_reject_names() -> None:
    wrong = "ReLU is cheaper than an exp, but the main reason it's faster is sparsity."
    assert verdicts("activations/relu-vs-sigmoid-speed", wrong)[3] == CONTRADICTED


def test_a_comma_inside_a_noun_phrase_splits_nothing() -> None:
    wrong = "The (1 − p_t)^γ factor up-weights the easy, confidently classified examples."
    assert verdicts("deep-dives/imbalanced-cross-entropy", wrong)[1] == CONTRADICTED


def test_what_is_replaced_is_set_aside() -> None:
    assert keys("we replace sigmoid with relu") == ["sigmoid~", "relu"]
    assert keys("WGAN replaces the discriminator by a critic")[:2] == ["wgan", "discriminator~"]
    # replaced by a formula, the thing is being defined, not removed
    assert "label~" not in keys("replace the one-hot label with (1 − ε)·onehot + ε/K")
    said = "Both replace the flat zero part of ReLU with a small slope for negative inputs."
    assert verdicts("activations/leaky-relu-prelu", said)[0] == COVERED


def test_a_negation_reaches_past_an_adverb() -> None:
    assert keys("accuracy is not usefully differentiable")[-1] == "differentiable~"
    said = "Accuracy isn't usefully differentiable: its gradient is zero almost everywhere."
    assert CONTRADICTED not in verdicts("losses/why-not-accuracy", said)


def test_a_possessive_mid_clause_belongs_to_that_clause() -> None:
    said = "Logistic regression is convex in its weights under CE."
    clauses = split("MSE on p gives 2(p − y)·p(1 − p). " + said)
    assert clauses[-1].subject != "mse"
    said = "Tanh is zero-centred. Also its derivative at zero is 1 rather than 0.25."
    assert split(said)[-1].subject == "tanh"


def test_everyday_names_for_the_same_things() -> None:
    assert keys("least squares") == keys("MSE")
    assert keys("bell-shaped noise")[0] == keys("Gaussian noise")[0]
    assert keys("zero nearly everywhere")[-2:] == keys("zero almost everywhere")[-2:]


def test_a_name_and_its_arrow_are_one_claim() -> None:
    clauses = split("MSE → cond. mean, MAE → cond. median")
    assert [c.subject for c in clauses] == ["mse", "mae"]
    said = "MSE → cond. mean, MAE → cond. median; outliers can't dominate MAE"
    assert verdicts("deep-dives/mae-vs-mse", said)[0] == COVERED


def test_a_bare_sigma_beside_a_loss_or_per_label_is_the_sigmoid() -> None:
    assert "sigmoid + bce" in prepare("per-label σ + BCE")
    assert "per class sigmoid" in prepare("per class σ")
    assert "sigma" in prepare("μ + σ")  # a standard deviation stays one


def test_everyday_phrasings_of_minimising_and_distance() -> None:
    assert keys("make it as small as possible") == keys("minimise it")
    said = "The loss measures how far the prediction is from the true label."
    assert verdicts("losses/loss-function", said)[0] == COVERED


def test_a_sentence_naming_both_ends_of_an_axis_denies_neither() -> None:
    said = "It copes with the imbalance between a small foreground and a huge background."
    assert CONTRADICTED not in verdicts("modern-losses/dice-loss", said)


def test_stops_from_becoming_and_poor_fit_are_denials() -> None:
    assert "confident~" in keys("stops the network from becoming infinitely confident")
    assert "fit~" in keys("MSE is a poor fit for categorical targets")
    assert keys("poorly calibrated") == ["calibrated~"]


def test_an_en_dash_inside_a_compound_is_a_hyphen() -> None:
    assert keys("the anchor–positive distance") == keys("the anchor-positive distance")


def test_a_short_opening_phrase_belongs_to_its_claim() -> None:
    clauses = split("With Adam, an L2 penalty is exactly the same as weight decay.")
    assert len(clauses) == 1
    wrong = "With Adam, an L2 penalty is exactly the same as weight decay."
    assert CONTRADICTED in verdicts("losses/l2-regularization", wrong)


def test_an_opening_phrase_does_not_hide_the_subject_after_it() -> None:
    clauses = split("In PyTorch, F.cross_entropy wants raw logits; it does the log_softmax itself")
    assert clauses[0].subject == "ce"


def test_a_negated_light_verb_denies_its_object() -> None:
    assert keys("don't add a softmax layer before it")[0] == "softmax~"
    assert keys("never use sigmoid in hidden layers")[0] == "sigmoid~"


def test_an_opening_phrase_naming_a_thing_leaves_the_subject_to_what_follows() -> None:
    clauses = split("Before ReLU, tanh was usually preferred. Its outputs lie between -1 and 1.")
    assert [c.subject for c in clauses] == ["tanh", "tanh"]
    assert split("With Adam, an L2 penalty is exactly weight decay.")[0].subject == "l2"


def test_he_init_ranges_from_minus_one_and_indices() -> None:
    assert "kaiming" in prepare("The default init is He normal")
    assert keys("outputs between −1 and 1") != keys("outputs between 0 and 1")
    assert "zero" not in keys("total / log_q.shape[0]")
    assert keys("x - 1") == ["x-1"]  # a difference stays a difference


def test_otherwise_closing_a_definition_is_its_other_case() -> None:
    assert all(not c.frames for c in split("slope 1 for x > 0, 0.01x otherwise"))
    assert "counterfactual" in split("mask the pads, otherwise you train on them")[-1].frames


def test_both_x_and_y_is_one_subject() -> None:
    assert len(split("Both the input and the target are probabilities.")) == 1


def test_not_subtracting_is_not_adding() -> None:
    wrong = "No need to subtract the max."
    said = "Subtract the max, exponentiate, sum, take the log, then add the max back."
    card = "exercises/code-log-softmax-nll"
    assert CONTRADICTED in verdicts(card, wrong)
    assert CONTRADICTED not in verdicts(card, said)


def test_a_negation_passes_over_intensifiers_and_cause_verbs() -> None:
    assert keys("relu has no real downside")[-1] == "downsid~"
    assert keys("sigmoid never causes vanishing gradients")[1].endswith("~")


def test_snake_case_calls_read_word_by_word() -> None:
    assert keys("bce_with_logits(x, t)")[0] == keys("BCEWithLogitsLoss")[0]
    assert "log_input=true" in prepare("log_input=True")  # a flag keeps its name


def test_nothing_to_do_with_is_a_denial() -> None:
    assert keys("it has nothing to do with the parameter count")[0] == "weight~"
    assert keys("cross-entropy is unrelated to maximum likelihood")[-1].endswith("~")


def test_a_derivative_given_case_by_case_is_checked_case_by_case() -> None:
    card = "exercises/derive-elu"
    assert verdicts(card, "ELU'(x) = 1 for x > 0 and α·eˣ for x ≤ 0.") == [COVERED, COVERED]
    wrong = "d/dx ELU = 1 for x > 0, and alpha*(exp(x) - 1) for x <= 0."
    assert verdicts(card, wrong) == [COVERED, CONTRADICTED]  # the negative case is wrong
    assert verdicts(card, "The derivative is α for x > 0 and αeˣ otherwise.")[0] == CONTRADICTED
    # the function itself given by cases is not its derivative
    assert CONTRADICTED not in verdicts(card, "ELU(x) = x for x > 0, α(eˣ − 1) otherwise.")


def test_differentiating_the_cards_own_function_makes_the_answer_about_it() -> None:
    wrong = "y is a constant so it drops out: d/dŷ (ŷ − y)² = 2 * yhat."
    assert verdicts("exercises/derive-mse", wrong)[0] == CONTRADICTED
    # another function's derivative in an answer about something else decides nothing
    assert CONTRADICTED not in verdicts("exercises/derive-mse", "d/dx tanh(x) = 1 - tanh(x)^2")


def test_a_sibling_carried_by_which_is_not_the_claims_subject() -> None:
    said = (
        "Huber is the compromise: squared loss for small residuals, absolute loss for big "
        "ones, which amounts to clipping the gradient at ±δ."
    )
    assert CONTRADICTED not in verdicts("deep-dives/robust-regression-outliers", said)


def test_example_values_in_brackets_are_no_claim() -> None:
    assert (
        split("confidently wrong (y = 1, p ≈ 0) gets the biggest push")[0].tokens
        == split("confidently wrong gets the biggest push")[0].tokens
    )


def test_math_arrows_and_proportionality_read_as_words() -> None:
    assert keys("∝ residual") == keys("proportional to the residual")
    assert keys("LR ↑") == keys("LR increases")


def test_hard_swish_is_a_name_and_unlike_x_it_is_the_cards_subject() -> None:
    assert keys("hard-swish") == ["hardswish"]
    wrong = (
        "Mobile networks use it because unlike ReLU it has a non-zero gradient for every "
        "negative input."
    )
    assert CONTRADICTED in verdicts("modern-activations/hard-swish", wrong)
    said = "Hard-swish is swish with a hard sigmoid. It was introduced in the MobileNetV3 paper."
    assert verdicts("modern-activations/hard-swish", said)[2] == COVERED


def test_i_e_and_e_g_end_no_sentence() -> None:
    assert len({c.segment for c in split("It is x·ReLU6(x + 3)/6, i.e. a hard swish.")}) == 1


def test_a_typed_where_is_checked_case_by_case() -> None:
    card = "exercises/derive-elu"
    assert verdicts(card, "Type: where(x > 0, alpha, alpha*exp(x))")[0] == CONTRADICTED
    assert verdicts(card, "Type: where(x > 0, 1, alpha*exp(x))") == [COVERED, COVERED]


def test_a_function_squared_without_brackets_is_its_value_squared() -> None:
    said = "tanh′ = 1 − tanh²x = sech²x; =1 @ 0"
    assert verdicts("exercises/derive-tanh", said)[0] == COVERED
    assert verdicts("exercises/derive-tanh", "the derivative is 1 - tanh^2(x)")[0] == COVERED
    assert verdicts("exercises/derive-tanh", "Type: 1 - tanh(x)")[0] == CONTRADICTED


def test_almost_identical_is_a_likeness_not_an_identity() -> None:
    said = "Mish is x·tanh(softplus(x)). It looks almost identical to SiLU (x·sigmoid(x))."
    assert CONTRADICTED not in verdicts("modern-activations/mish", said)
    assert CONTRADICTED in verdicts("modern-activations/mish", "Mish is identical to Swish.")


def test_a_claim_that_leaves_out_the_cards_name_is_still_about_the_card() -> None:
    card = "losses/label-smoothing"  # no subject of the lexicon names it: its name does
    said = "Label smoothing mixes the one-hot target with uniform. It makes calibration worse."
    assert verdicts(card, said)[3] == CONTRADICTED
    assert verdicts(card, "Label smoothing sharpens nothing and hurts calibration.")[3] == (
        CONTRADICTED
    )
    # "which" is the overconfidence's, and a contrast is no claim of it
    assert verdicts(card, "Label smoothing curbs overconfidence, which hurts calibration.")[3] != (
        CONTRADICTED
    )
    said = "Label smoothing mixes in uniform. It fades, unlike a hard clip that hurts calibration."
    assert verdicts(card, said)[3] != CONTRADICTED


def test_a_calls_bracketed_arguments_are_no_aside() -> None:
    texts = [c.text for c in split("Reverse KL(teacher ‖ student) is the mass-covering one")]
    assert len(texts) == 1
    said = "Reverse KL(teacher ‖ student) is the mass-covering one."
    assert verdicts("training-signals/distillation-kl-direction", said)[1] == CONTRADICTED
    # a bracket after a space is still an aside
    assert [c.text for c in split("the loss (which is convex) is fine")][1] == "which is convex"


def test_an_equation_is_said_as_an_equation_not_by_its_symbols() -> None:
    card = "modern-losses/gaussian-nll"
    said = "Minimise the Gaussian NLL, ½ log σ² + (y − μ)²/(2σ²), over a mean and a variance head."
    # the NLL written out says point 1, not the point about its ½ log σ² term (nor σ² alone)
    assert verdicts(card, said)[:2] == [COVERED, "missed"]
    assert verdicts(card, "at the optimum σ² = (y − μ)²")[1] == COVERED


def test_a_method_on_a_bracket_and_a_factor_in_brackets_stay_in_their_formula() -> None:
    assert [c.math for c in split("L = Σ_ij p_ij (log p_ij − log q_ij) / N")] == [
        "l=sum_ijp_ijlogp_ij-logq_ij/n"
    ]
    # "exp(z).sum(axis=1)" is sum(exp(z)), and its dot ends no sentence
    said = split("log_softmax = z - np.log(np.exp(z).sum(axis=1, keepdims=True)).")
    assert [c.math for c in said] == ["=z-logsumexp_z"]
    assert prepare("(s * g).sum(-1, keepdims=True)").startswith("sum(s * g)")
    assert len(split("Don't ever take the log of a sigmoid output")) == 1
    said = "Don't ever take the log of a sigmoid output."
    assert CONTRADICTED not in verdicts("exercises/code-bce-with-logits", said)


def test_rather_than_sets_aside_all_it_names() -> None:
    said = "divide by the total token count rather than averaging per-micro-batch means"
    assert [k for k in keys(said) if k.endswith("~")] == [
        "center+~",
        "micro~",
        "batch~",
        "center+~",
    ]
    assert keys("use logits instead of probabilities because they are stable") == [
        "logit",
        "probability~",
        "stable",
    ]
    assert keys("a down-weighting of examples") == keys("down-weight examples")


def test_a_python_conditional_is_a_derivative_by_cases() -> None:
    card = "exercises/derive-elu"
    said = "1 if x > 0 else alpha*exp(x)   (= ELU(x) + alpha for x<=0)"
    assert verdicts(card, said) == [COVERED, COVERED]
    assert verdicts(card, "grad = 1 if x > 0 else alpha")[1] == CONTRADICTED


def test_an_apposition_after_a_name_keeps_the_name_as_subject() -> None:
    said = (
        "Softplus, log(1 + eˣ), is a smooth approximation of ReLU whose derivative is the sigmoid."
    )
    assert [c.subject for c in split(said)] == ["softplus", "softplus", "softplus"]
    assert COVERED not in verdicts("activations/swish-silu", said)  # it is about softplus
    # a name at the end of a list is no sentence's subject
    listed = split("for a known interval a rescaled sigmoid or tanh, and for counts a softplus")
    assert listed[-1].subject != "tanh"


def test_which_pole_goes_with_which_is_read_from_adjacency() -> None:
    card = "exercises/code-huber"
    said = "Huber is quadratic for small residuals and linear for large ones."
    assert verdicts(card, said)[0] == COVERED
    swapped = "Huber is linear for small residuals and quadratic for large ones."
    assert verdicts(card, swapped)[0] == CONTRADICTED


def test_a_negation_among_a_rejects_words_may_govern_the_claim() -> None:
    said = "so a huge outlier can never contribute more than d to the gradient"
    assert verdicts("exercises/derive-huber", said)[1] != CONTRADICTED
    said = "a softplus unit can't get permanently stuck the way a dead ReLU does"
    assert verdicts("exercises/derive-softplus", said)[1] != CONTRADICTED
    # a denial after the reject's words is another claim
    said = "the best practice is to train directly on the evaluation metric so there's no mismatch"
    assert verdicts("deep-dives/loss-properties", said)[4] == CONTRADICTED


def test_a_derivative_given_as_only_its_first_piece_is_wrong() -> None:
    card = "exercises/derive-gelu-tanh"
    said = "The ½x is a scale, so d/dx = 0.5*(1 + tanh(sqrt(2/pi)*(x + 0.044715*x**3)))."
    assert CONTRADICTED in verdicts(card, said)
    said = "The first term: 0.5*(1 + tanh(sqrt(2/pi)*(x + 0.044715*x**3)))"
    assert CONTRADICTED not in verdicts(card, said)


def test_a_rejects_words_after_another_named_thing_are_that_things() -> None:
    said = "It came with MobileNetV3 because a real sigmoid needs an exponential."
    assert verdicts("modern-activations/hard-swish", said)[1] != CONTRADICTED
    assert verdicts("modern-activations/hard-swish", "Hard swish needs an exponential.")[1] == (
        CONTRADICTED
    )


def test_training_faster_is_sooner_not_cheaper() -> None:
    said = "ReLU(x) = max(0, x); deep nets train much faster than with sigmoids."
    assert verdicts("activations/relu", said)[2] != COVERED


def test_the_other_side_of_a_vs_is_no_claim_of_the_card() -> None:
    said = "soft-cap s ← c·tanh(s/c), smooth bound ±c vs hard clamp (0 grad)"
    assert CONTRADICTED not in verdicts("training-signals/z-loss-softcapping", said)
    assert [c.text for c in split("a smooth bound vs hard clamp")][-1].startswith("versus")


def test_a_memo_answers_as_match_does_and_works_each_match_out_once() -> None:
    from quizprep.study.grading.match import Memo, match, phrase, unit

    clause = split("MSE is robust to outliers")[0]
    said = unit(clause.tokens, clause.subject, clause.text, clause.math)
    reject = phrase("MSE is robust to outliers", full=True)
    memo = Memo()
    first = memo.match(reject, said, frozenset({"mse"}), said.subject, strict=True)
    assert first is not None
    assert first == match(reject, said, frozenset({"mse"}), said.subject, strict=True)
    assert memo.match(reject, said, frozenset({"mse"}), said.subject, strict=True) is first


def test_a_derivative_that_is_just_an_expression_and_cases_given_condition_first() -> None:
    said = "The derivative is just 0.5*(1 + tanh(sqrt(2/pi)*(x + 0.044715*x^3)))."
    assert CONTRADICTED in verdicts("exercises/derive-gelu-tanh", said)
    card = "exercises/derive-elu"
    said = "d/dx ELU = 1 for x > 0, and for x <= 0 it's alpha*(e^x - 1)."
    assert CONTRADICTED in verdicts(card, said)
    said = "d/dx ELU = 1 for x > 0, and for x <= 0 it is alpha*e^x."
    assert verdicts(card, said) == [COVERED, COVERED]


def test_neither_nor_denies_both_things() -> None:
    assert keys("neither convex nor smooth") == ["convex~", "differentiable~"]
    said = "nn.Linear by default is neither He nor Xavier: it calls kaiming_uniform_."
    assert CONTRADICTED not in verdicts("modern-activations/init-gains", said)
    assert CONTRADICTED in verdicts(
        "modern-activations/init-gains", "By default nn.Linear uses Xavier init."
    )


def test_not_equal_after_a_bracket_is_prose() -> None:
    assert "center+~" in keys("corpus PPL = exp(mean NLL) ≠ mean of per-seq PPLs")
    said = "corpus PPL = exp(mean NLL) ≠ mean of per-seq PPLs"
    assert verdicts("training-signals/perplexity", said)[3] == COVERED


def test_removing_a_problem_is_saying_there_is_none() -> None:
    assert keys("removes the train/inference mismatch") == ["train~", "inferenc", "mismatch"]
    said = "On-policy distillation, sampling prefixes from the student, removes that mismatch."
    assert CONTRADICTED not in verdicts("training-signals/distillation-kl-direction", said)


def test_a_shorthand_the_answer_defines_is_written_out_in_its_derivative() -> None:
    u = "with u = √(2/π)(x + 0.044715x³)"
    right = f"d/dx = ½(1 + tanh u) + ½x(1 − tanh²u)·√(2/π)(1 + 3·0.044715x²), {u}."
    assert verdicts("exercises/derive-gelu-tanh", right) == [COVERED, COVERED]
    # the chain-rule factor of x³ dropped its 3
    wrong = f"d/dx = ½(1 + tanh u) + ½x(1 − tanh²u)·√(2/π)(1 + 0.044715x²), {u}."
    assert verdicts("exercises/derive-gelu-tanh", wrong)[0] == CONTRADICTED


def test_a_formula_with_a_sign_turned_over_contradicts_its_point() -> None:
    right = "The hinge loss is max(0, 1 − f(x)) + max(0, 1 + f(G(z))) for the discriminator."
    wrong = "The hinge loss is max(0, 1 + f(x)) + max(0, 1 − f(G(z))) for the discriminator."
    assert verdicts("modern-losses/wgan", right)[3] == COVERED
    assert verdicts("modern-losses/wgan", wrong)[3] == CONTRADICTED


def test_a_case_in_words_beside_a_case_with_a_condition() -> None:
    wrong = "Huber's derivative is a for small residuals and sign(a) once |a| > d."
    assert verdicts("exercises/derive-huber", wrong)[0] == CONTRADICTED
    right = "Huber's derivative is a for small residuals and d*sign(a) once |a| > d."
    assert verdicts("exercises/derive-huber", right)[0] == COVERED


def test_initialisation_schemes_are_named_things_and_he_is_a_name() -> None:
    assert "heinit" in keys("and He's 1/fan_in is for tanh")
    assert "heinit" not in keys("nn.Linear calls kaiming_uniform_ with a = √5")
    said = "Xavier, 2/(fan_in + fan_out), is the one designed for ReLU."
    assert verdicts("modern-activations/xavier-he-init", said)[1] == CONTRADICTED


def test_saying_a_named_requirement_is_not_needed_denies_it() -> None:
    assert [t.dismissed for t in tokens(prepare("you don't need a reference model"))[0]][:1] == [
        True
    ]
    for said in (
        "The critic doesn't need a Lipschitz constraint.",
        "A Lipschitz constraint is not needed for the critic.",
    ):
        assert verdicts("modern-losses/wgan", said)[2] == CONTRADICTED
    # two words denied without saying they are unneeded are too little to call
    said = "Its outputs never explode, which is what the Lipschitz constraint is for."
    assert CONTRADICTED not in verdicts("modern-losses/wgan", said)


def test_a_description_after_the_subject_does_not_take_its_place() -> None:
    said = "Mish is x·tanh(softplus(x)), basically a smoothed ReLU: it's monotonic."
    subjects = [c.subject for c in split(prepare(said))]
    assert subjects[-1] == "mish"
    said = "I default to MSE: it is the most robust option with outliers."
    assert split(prepare(said))[-1].subject == "mse"


def test_a_shorthand_the_question_defines_may_be_used_in_the_derivative() -> None:
    right = "d/dx = ½(1 + tanh u) + ½x(1 − tanh²u)·√(2/π)(1 + 3·0.044715x²)"
    assert verdicts("exercises/derive-gelu-tanh", right) == [COVERED, COVERED]
    wrong = "d/dx = ½(1 + tanh u) + ½x·(1 + tanh²u)·√(2/π)(1 + 3·0.044715x²)"
    assert CONTRADICTED in verdicts("exercises/derive-gelu-tanh", wrong)


def test_a_typed_where_is_read_whole_and_a_lone_expression_is_the_answer() -> None:
    assert verdicts("exercises/derive-elu", "where(x > 0, 1, alpha * exp(x))")[0] == COVERED
    assert CONTRADICTED in verdicts("exercises/derive-elu", "where(x > 0, alpha, alpha * exp(x))")
    # the answer's one expression, beside words only, is what it answers
    assert verdicts("exercises/derive-l2", "lam * w / 2; weight decay.")[0] == CONTRADICTED
    assert verdicts("exercises/derive-l2", "lam * w; weight decay.")[0] == COVERED


def test_a_formula_with_two_variables_exchanged_contradicts_its_point() -> None:
    swapped = "Triplet loss = max(0, d(a,n) − d(a,p) + m), averaged over the batch."
    assert verdicts("modern-losses/triplet-loss", swapped)[0] == CONTRADICTED
    right = "Triplet loss = max(0, d(a,p) − d(a,n) + m), averaged over the batch."
    assert verdicts("modern-losses/triplet-loss", right)[0] == COVERED


def test_an_expression_followed_by_its_reason_is_the_answer() -> None:
    wrong = "sigmoid(x) - x * sigmoid(x) * (1 - sigmoid(x)) from the product rule."
    assert verdicts("exercises/derive-silu", wrong)[0] == CONTRADICTED
    right = "sigmoid(x) + x * sigmoid(x) * (1 - sigmoid(x)) from the product rule."
    assert verdicts("exercises/derive-silu", right)[0] == COVERED


def test_one_written_as_a_digit_is_another_value_than_a_quarter() -> None:
    said = "σ'(x) = σ(x)(1 − σ(x)), which peaks at 1 at x = 0."
    assert verdicts("exercises/derive-sigmoid", said)[1] == CONTRADICTED
    said = "σ'(x) = σ(x)(1 − σ(x)), which peaks at 0.25 at x = 0."
    assert verdicts("exercises/derive-sigmoid", said)[1] == COVERED


def test_a_word_a_reject_repeats_said_both_ways_leaves_the_reject_unsaid() -> None:
    from quizprep.decks.model import KeyPoint
    from tests.test_grading import make

    point = KeyPoint(
        "set ignored labels to -100", ("labels of -100",), ("the attention mask masks the loss",)
    )
    card = make(point, card_id="lm-loss-masking")
    said = "The attention mask does not mask the loss."
    assert [p.verdict for p in grade(card, said).points] != [CONTRADICTED]
    said = "The attention mask masks the loss as well."
    assert [p.verdict for p in grade(card, said).points] == [CONTRADICTED]


def test_a_second_verb_and_a_renaming_noun_phrase_keep_the_subject() -> None:
    said = "MAE's gradient sign(a) is bounded and estimates the mean."
    assert verdicts("deep-dives/robust-regression-outliers", said)[1] == CONTRADICTED
    said = "BCE is −[y log p + (1−y) log(1−p)], the negative log-likelihood under Gaussian noise."
    assert CONTRADICTED in verdicts("losses/bce", said)
    # a noun phrase naming nothing does not carry the last thing named forward
    said = (
        "Absolute loss settles on 3, the middle value, so one targets the mean and the other "
        "the median."
    )
    assert CONTRADICTED not in verdicts("deep-dives/mae-vs-mse", said)


def test_a_root_is_another_quantity_than_what_it_is_the_root_of() -> None:
    assert keys("ReLU gain √2") == keys("relu gain sqrt(2)") == ["relu", "gain", "sqrt_2"]
    assert "two" not in keys("ReLU gain √2")
    assert keys("divide by √d_k")[-1] == keys("divide by sqrt(d_k)")[-1] != "d_k"


def test_a_right_derivative_does_not_take_back_a_wrong_claim_in_words() -> None:
    from quizprep.decks.model import KeyPoint
    from tests.test_grading import make

    point = KeyPoint(
        "σ(x)(1 + x(1 − σ(x))), negative for x below about −1.28",
        ("sigmoid(x)*(1 + x*(1 - sigmoid(x)))",),
        ("the silu derivative is never negative",),
    )
    card = make(point, card_id="silu")._replace(derive="silu")
    right = "sigmoid(x) * (1 + x * (1 - sigmoid(x)))"
    assert [p.verdict for p in grade(card, right).points] == [COVERED]
    wrong = f"{right}; and the SiLU derivative is never negative."
    assert [p.verdict for p in grade(card, wrong).points] == [CONTRADICTED]


def test_like_x_opening_a_sentence_leaves_its_subject_to_the_sentence_before() -> None:
    said = "Mish is smooth. Like ReLU, its gradient is zero for negative inputs."
    assert [c.subject for c in split(prepare(said))] == ["mish", None, "mish"]


def test_re_hyphen_joins_its_word() -> None:
    assert keys("focal loss re-weights classes") == keys("focal loss reweights classes")
