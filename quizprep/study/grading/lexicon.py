"""The grader's vocabulary: what counts as the same word, its opposite, a negation, a name.

Plain tables, so a reviewer can read (and extend) what the grader knows. Keys are lower case
and already spelled the way :mod:`quizprep.study.grading.text` spells them (hyphens become
spaces, British -ise/-our forms are folded by the stemmer).
"""

from __future__ import annotations

# Multi-word terms and abbreviations, each folded into one token before matching, so
# "cross-entropy", "cross entropy" and "CE" are one word. Longest phrases win.
PHRASES: dict[str, str] = {
    # losses and their abbreviations
    "binary cross entropy": "bce",
    "bce loss": "bce",
    "bceloss": "bce",
    "log loss": "bce",
    "logistic loss": "bce",
    "categorical cross entropy": "categorical ce",
    "cross entropy": "ce",
    "crossentropy": "ce",
    "crossentropyloss": "ce",
    "cross entropy loss": "ce",
    "ce loss": "ce",
    "negative log likelihood": "nll",
    "neg log likelihood": "nll",
    "negative log prob": "nll",
    "negative log probability": "nll",
    "nllloss": "nll",
    "nll loss": "nll",
    "maximum likelihood estimation": "mle",
    "maximum likelihood estimate": "mle",
    "maximum likelihood": "mle",
    # "almost identical to SiLU" is a likeness, not the claim that they are the same
    "almost identical": "similar",
    "nearly identical": "similar",
    "almost the same": "similar",
    "nearly the same": "similar",
    "virtually identical": "similar",
    "very similar": "similar",
    "step function": "staircase",
    "step functions": "staircase",
    "hard swish": "hardswish",
    "h swish": "hardswish",
    "hard sigmoid": "hardsigmoid",
    "has nothing to do with": "not",
    "have nothing to do with": "not",
    "nothing to do with": "not",
    "is unrelated to": "not",
    "are unrelated to": "not",
    "bce with logits": "bcewithlogitsloss",
    "binary cross entropy with logits": "bcewithlogitsloss",
    "as small as possible": "minimize",
    "as low as possible": "minimize",
    "as large as possible": "maximize",
    "as high as possible": "maximize",
    "how far off": "distance",
    "how far": "distance",
    "least squares": "mse",
    "ordinary least squares": "mse",
    "bell shaped": "gaussian",
    "bell curve": "gaussian",
    "max likelihood": "mle",
    "kl divergence": "kl",
    "kullback leibler divergence": "kl",
    "kullback leibler": "kl",
    "relative entropy": "kl",
    "kldivloss": "kl",
    "mean squared error": "mse",
    "mean square error": "mse",
    "squared error": "mse",
    "square error": "mse",
    "squared loss": "mse",
    "quadratic loss": "mse",
    "l2 loss": "mse",
    "mseloss": "mse",
    "mean absolute error": "mae",
    "absolute error": "mae",
    "absolute loss": "mae",
    "l1 loss": "mae",
    "l1loss": "mae",
    "huber loss": "huber",
    "smooth l1": "huber",
    "smoothl1loss": "huber",
    "hinge loss": "hinge",
    "focal loss": "focal",
    "log sum exp": "logsumexp",
    "lse": "logsumexp",
    "log softmax": "logsoftmax",
    "log probabilities": "logprob",
    "log probability": "logprob",
    "log probs": "logprob",
    "log prob": "logprob",
    "logprobs": "logprob",
    "log_softmax": "logsoftmax",
    # optimisation
    "universal approximation theorem": "uat",
    "universal approximation": "uat",
    "stand in": "proxy",
    "stand ins": "proxy",
    "learning rate": "lr",
    "step size": "lr",
    "stepsize": "lr",
    "stochastic gradient descent": "sgd",
    "gradient descent": "gd",
    "weight decay": "weightdecay",
    "back propagation": "backprop",
    "backpropagation": "backprop",
    "chain rule": "chainrule",
    "batch normalization": "batchnorm",
    "batch norm": "batchnorm",
    "bn": "batchnorm",
    "layer norm": "layernorm",
    "layer normalization": "layernorm",
    "skip connection": "skipconnection",
    "skip connections": "skipconnection",
    "residual connection": "skipconnection",
    "residual connections": "skipconnection",
    "he init": "heinit",
    "he initialization": "heinit",
    "kaiming init": "heinit",
    "kaiming initialization": "heinit",
    "xavier init": "xavierinit",
    "glorot": "xavierinit",
    "xavier": "xavierinit",
    # activations
    "leaky relu": "leakyrelu",
    "leaky": "leakyrelu",
    "pass through": "identity",
    "passes through": "identity",
    "rectified linear unit": "relu",
    "rectifier": "relu",
    "parametric relu": "prelu",
    "logistic function": "sigmoid",
    "logistic sigmoid": "sigmoid",
    "the logistic": "sigmoid",
    "hyperbolic tangent": "tanh",
    "soft max": "softmax",
    "normalized exponential": "softmax",
    "gaussian error linear unit": "gelu",
    "gaussian cdf": "gausscdf",
    "normal cdf": "gausscdf",
    "standard normal cdf": "gausscdf",
    "cdf of the standard normal": "gausscdf",
    "cdf of a standard normal": "gausscdf",
    "normal distribution function": "gausscdf",
    # shapes and properties
    "zero centered": "zerocentered",
    "zero centred": "zerocentered",
    "zero mean": "zerocentered",
    "mean zero": "zerocentered",
    "centered on zero": "zerocentered",
    "centred on zero": "zerocentered",
    "centered at zero": "zerocentered",
    "centred at zero": "zerocentered",
    "symmetric around zero": "zerocentered",
    "symmetric about zero": "zerocentered",
    "symmetric about the origin": "zerocentered",
    "one hot": "onehot",
    "multi label": "multilabel",
    "multi class": "multiclass",
    "single label": "singlelabel",
    "one hot target": "onehot",
    "data point": "example",
    "data points": "example",
    "ground truth": "label",
    "true label": "label",
    "decision boundary": "boundary",
    "decision boundaries": "boundary",
    "decision surface": "boundary",
    "add up to": "sum to",
    "adds up to": "sum to",
    "sums to": "sum to",
    "sum up to": "sum to",
    "well classified": "easy",
    "easy examples": "easy example",
    "far off points": "outlier",
    "far away points": "outlier",
    "far out points": "outlier",
    "extreme points": "outlier",
    "expected value": "mean",
    "extreme values": "outlier",
    "extreme value": "outlier",
    "extreme targets": "outlier",
    "heavy tailed": "heavytail",
    "heavy tails": "heavytail",
    "a quarter": "0.25",
    "one quarter": "0.25",
    "down weight": "less weight",
    "down weights": "less weight",
    "downweight": "less weight",
    "downweights": "less weight",
    "up weight": "more weight",
    "up weights": "more weight",
    "upweight": "more weight",
    "upweights": "more weight",
    "time step": "timestep",  # a step in time, not an update step
    "time steps": "timestep",
    "down weighting": "less weight",
    "down weighted": "less weight",
    "downweighting": "less weight",
    "downweighted": "less weight",
    "up weighting": "more weight",
    "up weighted": "more weight",
    "upweighting": "more weight",
    "upweighted": "more weight",
    # focusing on something is weighting it more: "focus on hard" = "down-weight easy"
    "focus": "more weight",
    "focuses": "more weight",
    "focusing": "more weight",
    "focused": "more weight",
    "concentrate": "more weight",
    "concentrates": "more weight",
    "concentrating": "more weight",
    "concentrated": "more weight",
    "emphasise": "more weight",
    "emphasises": "more weight",
    "emphasize": "more weight",
    "emphasizes": "more weight",
    "emphasising": "more weight",
    "emphasizing": "more weight",
    "prioritise": "more weight",
    "prioritises": "more weight",
    "prioritize": "more weight",
    "prioritizes": "more weight",
    "boost": "more weight",
    "boosts": "more weight",
    "blow up": "blowup",
    "blows up": "blowup",
    "at most": "max",
    "no more than": "max",
    "never exceeds": "max",
    "peaks at": "max",
    "cost function": "loss",
    "objective function": "loss",
    "with respect to": "wrt",
    "w.r.t.": "wrt",
    "wrt": "wrt",
    "raw scores": "logit",
    "soft capping": "softcapping",
    "soft caps": "softcapping",
    "soft cap": "softcapping",
    "standard deviation": "std",
    "standard deviations": "std",
    "raw score": "logit",
    "unnormalized scores": "logit",
    "pre activation": "input",
    "preactivation": "input",
    "weighted input": "input",
    "support vectors": "supportvector",
    "support vector": "supportvector",
    "svs": "supportvector",
    "fan in": "fan_in",
    "n_in": "fan_in",
    "fan out": "fan_out",
    "n_out": "fan_out",
    "moves away from": "away from",
    "move away from": "away from",
    "active side": "positive inputs",
    "active region": "positive inputs",
    "val": "validation",
    "val set": "validation",
    "iters": "iterations",
    "iter": "iteration",
    "minus": "-",
    "take away": "subtract",
    "takes away": "subtract",
}

# Concepts too common to say a point on their own: an accept phrasing that comes down to one
# of these ("many zeros", "step function", "value loss") would credit any mention.
GENERIC = frozenset(
    {"zero", "one", "two", "gradient", "loss", "error", "prediction", "update", "example",
     "logit", "log", "weight", "input", "label", "probability", "class", "train", "network",
     "unit", "deep", "constant", "average", "distribution", "outlier", "regression"}
)  # fmt: skip

# Shorthand a terse answer uses for a whole word ("const, indep. of |u|", "pos/neg pairs").
ABBREVIATIONS: dict[str, str] = {
    "const": "constant", "consts": "constants", "indep": "independent", "neg": "negative",
    "negs": "negatives", "pos": "positive", "elem": "element", "denom": "denominator",
    "mult": "multiply", "equiv": "equivalent", "distr": "distribution", "temp": "temperature",
    "reg": "regularization", "sim": "similarity", "sims": "similarities", "dim": "dimension",
    "dims": "dimensions", "vec": "vector", "vecs": "vectors", "mat": "matrix", "emb": "embedding",
    "embs": "embeddings", "seq": "sequence", "seqs": "sequences", "tok": "token",
    "toks": "tokens", "vocab": "vocabulary", "fg": "foreground", "bg": "background",
    "deriv": "derivative", "derivs": "derivatives", "fn": "function", "func": "function",
    "val": "value", "vals": "values", "var": "variance", "obj": "objective", "eq": "equation",
    "coef": "coefficient", "coeff": "coefficient", "coeffs": "coefficients", "sym": "symmetric",
    "asym": "asymmetric", "cond": "conditional", "lik": "likelihood", "likel": "likelihood",
    "avg": "mean", "acts": "activations", "act": "activation",
    "approx": "approximately", "w/o": "without", "w/": "with", "smth": "smooth",
    "nonneg": "nonnegative", "kd": "distillation", "diff": "difference",
    "diffs": "differences", "est": "estimate",
}  # fmt: skip

# Words (or their stems) that mean the same thing here: all map to the first.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "almost": ("almost", "nearly", "virtually", "practically"),
    "gradient": ("gradient", "grad", "derivative", "slope", "nabla", "jacobian", "partial"),
    "error": ("error", "residual", "miss", "mistake", "difference", "deviation", "gap"),
    "proportional": ("proportional", "proportion", "scale", "scales", "scaled", "linear in"),
    "example": ("example", "sample", "instance", "observation", "anchor"),
    "weight": ("weight", "parameter", "param", "coefficient", "theta", "params"),
    "accuracy": ("accuracy", "acc"),
    "proxy": ("proxy", "surrogate"),
    "unit": ("unit", "neuron", "node", "relus"),
    "die": ("die", "dead", "dying", "death"),
    "loss": ("loss", "objective", "criterion"),
    "mining": ("mining", "mine", "mined", "mines"),  # not "min"
    "remedy": ("fix", "fixes", "fixing"),  # the noun and verb, not "fixed" (not learned)
    "fit": ("fit", "fits", "fitted", "fitting"),
    "correction": ("correction", "corrected", "corrections", "correcting"),  # not "correct"
    "fraction": ("fraction", "percentage", "percent"),
    "frozen": ("frozen", "stuck", "freeze", "freezes"),
    "default": ("default", "standard", "usual"),
    "final": ("final", "last"),
    "label": ("label", "target", "truth"),
    "prediction": (
        "prediction",
        "predicted",
        "output",
        "outputs",
        "outputting",
        "yhat",
        "phat",
        "ypred",
        "pred",
    ),
    "probability": ("probability", "probabilities", "prob", "probs", "probabilit"),
    "logit": ("logit", "logits", "score", "scores"),
    "class": ("class", "category", "categories"),
    "outlier": ("outlier", "anomaly", "anomalies"),
    "input": ("input", "argument"),
    "network": ("network", "net", "nets", "networks"),
    "deep": ("deep", "depth", "deeper"),
    "saturate": ("saturate", "saturation", "saturating", "saturated", "flat", "flatten"),
    "confident": ("confident", "confidently", "confidence", "certain", "certainty", "sure"),
    "threshold": ("threshold", "cutoff"),
    "calibrated": ("calibrated", "calibration", "calibrate"),
    "regularize": ("regularize", "regularization", "regularizer", "regularise", "regularisation"),
    "approximate": ("approximate", "approximation", "approx", "approximator"),
    "distribution": ("distribution", "distributions"),
    "convex": ("convex", "convexity"),
    "differentiable": ("differentiable", "differentiability", "smooth", "c1"),
    "monotonic": ("monotonic", "monotone"),
    "symmetric": ("symmetric", "symmetry"),
    "bounded": ("bounded", "capped", "clipped", "clip", "limited"),
    "sparse": ("sparse", "sparsity"),
    "stable": ("stable", "stability"),
    "overfit": ("overfit", "overfitting"),
    "gaussian": ("gaussian", "normal", "normally", "bellshaped"),
    "update": ("update", "step", "updates", "steps"),
    "train": ("train", "training", "trains", "learning"),
    "constant": ("constant", "same", "fixed size", "unchanged"),
    "zero": ("zero", "0", "zeros", "zeroes"),
    "one": ("one", "1", "single"),
    "two": ("two", "2", "twice"),
    "0.25": ("0.25", "quarter", "1/4"),
    "xor": ("xor",),
    "penalize": ("penalize", "penalise", "punish", "penalty", "penalizes", "punishes"),
    "identity": ("identity", "unchanged", "untouched", "unmodified", "as is"),
    # verbs candidates use for the same claim
    "dominate": ("dominate", "overwhelm", "swamp", "drown"),
    "match": (
        "match",
        "equal",
        "equals",
        "agree",
        "agrees",
        "align",
        "aligns",
        "correspond",
        "corresponds",
        "coincide",
        "coincides",
        "identical",
        "equivalent",
    ),
    "observed": ("observed", "empirical", "actual", "real", "realized", "realised"),
    "compute": ("compute", "evaluate", "calculate", "computation", "calculation"),
    "measure": ("measure", "quantify", "assess", "gauge"),
    "ignore": ("ignore", "ignores", "disregard", "skip", "skips"),
    "detect": ("detect", "catch", "spot", "notice", "identify", "diagnose"),
}

# Opposites, as (axis, sign): a word on an axis matched against the other sign flips the
# claim ("learning rate too high" against "too small").
ANTONYMS: dict[str, tuple[str, int]] = {}
for _axis, _plus, _minus in (
    # size and change on one axis: "too high" ~ "raise", "smaller" ~ "reduce"
    ("level", ("high", "large", "big", "huge", "great", "strong", "heavy", "higher", "larger",
               "bigger", "greater", "stronger", "heavily", "aggressive", "steep", "steeper",
               "increase", "grow", "rise", "raise", "amplify", "enlarge"),
              ("low", "small", "little", "tiny", "weak", "lower", "smaller", "weaker", "slight",
               "slightly", "gentle", "decrease", "shrink", "reduce", "decay", "diminish",
               "fall", "drop", "dampen", "suppress")),
    # vanishing and exploding gradients are phenomena, not sizes
    ("vanish", ("explode", "exploding", "blowup"), ("vanish", "vanishing", "fade", "fades")),
    ("sensitivity", ("sensitive", "susceptible", "vulnerable", "affected"),
                    ("robust", "insensitive", "resistant")),
    # not "expected": "CrossEntropyLoss expects logits" says nothing about a mean
    ("center", ("mean", "expectation", "average", "averages", "averaged", "averaging"),
     ("median",)),
    ("learned", ("learned", "learnt", "learnable", "trainable", "learn"),
                ("fixed", "hand picked", "handpicked", "preset", "hyperparameter")),
    ("cost", ("expensive", "costly", "slow", "slower"),
             ("cheap", "cheaper", "fast", "faster", "efficient", "quick", "quicker")),
    ("sign", ("positive",), ("negative",)),
    ("truth", ("correct", "right", "true"), ("wrong", "incorrect", "false", "mistaken")),
    ("difficulty", ("hard", "difficult", "misclassified"), ("easy", "trivial")),
    ("frequency", ("frequent", "majority", "common", "dominant"),
                  ("rare", "minority", "infrequent", "scarce")),
    ("shape", ("quadratic", "quadratically"), ("linear", "linearly")),
    ("extreme", ("max", "maximum", "maximize", "maximise", "largest", "maximal"),
                ("min", "minimum", "minimize", "minimise", "smallest", "minimal")),
    ("density", ("dense",), ("sparse", "sparsity")),
    ("fit", ("overfit", "overfitting", "overconfident", "overconfidence"),
            ("underfit", "underfitting", "underconfident")),
    ("sharpness", ("sharper", "sharpen", "harder"), ("softer", "soften", "smoothed", "soft")),
    ("amount", ("more",), ("less", "fewer")),
    ("proximity", ("near", "nearer", "close", "closer", "toward", "towards"),
                  ("away", "far", "farther")),
    ("resample", ("oversample", "oversampling", "oversampled", "upsample", "upsampling"),
                 ("undersample", "undersampling", "undersampled", "downsample",
                  "downsampling")),
    ("quantity", ("all", "every", "always", "entire", "whole", "everywhere"),
                 ("some", "sometimes", "few", "several", "occasionally")),
    ("quality", ("better", "improve", "improves", "improved", "helps"),
                ("worse", "hurt", "hurts", "degrade", "degrades", "harm", "harms")),
    # "saturates late in training" against "early"; "add log Q" against "subtract log Q"
    ("time", ("early", "earlier", "initially"), ("late", "later")),
    ("contest", ("winning", "wins", "ahead"), ("losing", "loses", "behind")),
    ("addition", ("add", "adds", "added", "adding"),
                 ("subtract", "subtracts", "subtracted", "subtracting")),
    ("side", ("inside", "within"), ("outside", "beyond")),
    ("position", ("above",), ("below",)),
    ("dependence", ("depends", "dependent", "coupled"), ("independent", "decoupled")),
    ("scope", ("global",), ("local",)),
    ("estimate", ("overpredict", "overpredicts", "overprediction", "overpredictions",
                  "overestimate", "overestimates", "overestimation", "overshoot"),
                 ("underpredict", "underpredicts", "underprediction", "underpredictions",
                  "underestimate", "underestimates", "underestimation", "undershoot")),
):  # fmt: skip
    for _word in _plus:
        ANTONYMS[_word] = (_axis, 1)
    for _word in _minus:
        ANTONYMS[_word] = (_axis, -1)

# Words that negate the next content word ("does not saturate", "no kink", "never recovers").
NEGATORS = frozenset(
    {"not", "no", "never", "cannot", "without", "nor", "neither", "none", "non", "prevent",
     "prevents", "preventing", "avoid", "avoids", "avoiding",
     "unlike", "lack", "lacks", "fails", "fail", "removes", "removing", "eliminates",
     "eliminate", "eliminating"}
)  # fmt: skip

# What a point is about: its cause, its fix, how to detect it. A clause framed as another
# of these (a fix where the point names a cause) neither covers nor contradicts the point:
# "lower the learning rate" fixes a dead ReLU and does not deny that a high one causes it.
FRAMES: dict[str, frozenset[str]] = {
    "cause": frozenset({"cause", "caused", "causes", "because", "due", "happens", "happen",
                        "trigger", "triggered", "when", "after", "why", "reason",
                        "result", "results", "stems", "culprit", "knock", "knocks",
                        "knocking", "leads"}),
    "fix": frozenset({"fix", "fixes", "remedy", "remedies", "solution", "solutions",
                      "cure", "avoid", "prevent", "mitigate", "helps", "help", "switch",
                      "switching", "instead", "solve", "solves", "alternative", "replace",
                      "guard", "guards", "protect", "protects", "counter"}),
    # a counterfactual ("without a nonlinearity it cannot solve XOR") is not a claim to flip
    "counterfactual": frozenset({"without", "otherwise", "if", "unless", "would", "could"}),
    "detect": frozenset({"detect", "detected", "spot", "monitor", "measure", "measuring",
                         "diagnose", "check", "track", "logging"}),
}  # fmt: skip

# Quantities that "zero" negates: "zero gradient" = "gradient is 0" = "no gradient".
ZEROABLE = frozenset(
    {"gradient", "loss", "prediction", "probability", "update", "weight", "error", "signal",
     "slope", "derivative", "grad", "output", "outputs", "gradients", "derivatives"}
)  # fmt: skip

# Prefixed words spelled as a negation of their root ("non-convex" = "not convex").
NEGATED_PREFIXES = ("non", "un", "in", "a", "mis")
NEGATABLE_ROOTS = frozenset(
    {"convex", "differentiable", "bounded", "calibrated", "monotonic", "monotone", "symmetric",
     "zerocentered", "saturating", "negative", "zero", "smooth", "stable", "linear",
     "polynomial", "probabilistic", "biased", "sensitive", "informative", "continuous"}
)  # fmt: skip

# Words that carry no claim: function words and light verbs ("gives", "estimates").
STOPWORDS = (
    frozenset(
        """
    a an the and or but if then so than that this these those there their its it it's
    is are was were be been being am do does did done has have had having of in on at to
    for from by with as into onto over under about between through per via i you he she we
    they me my our your his her them us what which who whom whose when where why how all any
    already ever
    each every some such own same too very can will just should would could may might must
    shall also more most other only again once here both either e.g i.e eg ie etc
    gives give gave giving yields yield returns return produces produce estimates estimate
    estimating predicts predict leads lead results becomes become get gets
    got getting makes make made making uses use used using called known acts act take
    takes taking took keep keeps kept keeping remain remains stay stays
    simply exactly basically really actually quite rather much many lot lots well way thing
    things kind sort term terms value values function functions one's someone too
    typically usually often always generally mostly just whole entire itself themselves
    like unlike vs versus while whereas although though because since hence thus therefore
    why what's that's let's we'll you'll you'd
    """.split()
    )
    - NEGATORS
    - {
        "more",
        "most",
        "same",
        "like",
        "unlike",
        "only",
        "both",
        "each",
        "all",
        "every",
        "some",
        "always",
    }
)

# Named things an answer can attribute a property to. Siblings (same group) swapped for one
# another flip a claim ("sigmoid is zero-centred" where the card says tanh is).
ENTITY_GROUPS: dict[str, tuple[str, ...]] = {
    "activation": ("relu", "leakyrelu", "prelu", "elu", "gelu", "silu", "swish", "sigmoid",
                   "tanh", "softmax", "mish", "softplus", "hardswish", "hardsigmoid"),
    "regression": ("mse", "mae", "huber", "rmse"),
    "classification": ("ce", "hinge", "focal", "kl", "nll"),
    "binary": ("bce",),
    "metric": ("accuracy", "f1", "auc"),
    "optimizer": ("adam", "adamw", "sgd"),
    "penalty": ("l1", "l2", "lasso", "ridge"),
    "init": ("xavierinit", "heinit"),
    "focal_knob": ("alpha", "gamma"),
    "statistic": ("mean", "median"),
}  # fmt: skip
ENTITY_GROUP = {name: group for group, names in ENTITY_GROUPS.items() for name in names}
# Statistics are claims, not subjects: "mean"/"median" swap through ANTONYMS instead.
SUBJECTS = frozenset(ENTITY_GROUP) - set(ENTITY_GROUPS["statistic"])

# Operands of a difference, by role: "ŷ − y", "p minus y", "prediction minus the target"
# and "softmax(z) − onehot(y)" are one formula, P−Y, and "y − p" is its opposite.
ROLE_P = frozenset(
    {"p", "yhat", "phat", "ypred", "pred", "prediction", "predictions", "predicted", "output",
     "outputs", "probability", "probabilities", "prob", "probs", "sigmoid_z", "softmax_z",
     "sigma_z", "sigmoid", "softmax", "s", "q_hat", "p_hat", "y_hat", "y_pred", "f_x",
     "sigmoid_x", "softmax_z_k", "p_k"}
)  # fmt: skip
ROLE_Y = frozenset(
    {"y", "target", "targets", "label", "labels", "onehot", "onehot_y", "truth", "ytrue",
     "y_true", "y_i", "y_k", "t"}
)  # fmt: skip
