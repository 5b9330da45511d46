"""Typed text in one spelling before matching: Unicode math in ASCII, greek letters by name,
hats, primes, minus signs, British spellings, and a few phrasings of formulas in words.

Nothing here evaluates anything; it only rewrites strings.
"""

from __future__ import annotations

import re
import unicodedata

from quizprep.study.grading.lexicon import ROLE_P, ROLE_Y

GREEK = {
    "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon", "η": "eta",
    "θ": "theta", "λ": "lambda", "μ": "mu", "π": "pi", "ρ": "rho", "τ": "tau", "φ": "phi",
    "ω": "omega", "κ": "kappa", "ν": "nu", "ξ": "xi", "ζ": "zeta", "χ": "chi", "ψ": "psi",
}  # fmt: skip
SUPERSCRIPTS = dict(zip("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺ⁿˣᵗᵀ", "0123456789-+nxtt", strict=True))
SUBSCRIPTS = dict(zip("₀₁₂₃₄₅₆₇₈₉ᵢⱼₖₜₙ", "0123456789ijktn", strict=True))
SYMBOLS = {
    "−": " - ", "–": " - ", "‒": " - ", "﹣": " - ", "－": " - ", "—": " ; ", "―": " ; ",
    "·": " * ", "×": " * ", "⋅": " * ", "∙": " * ", "∗": " * ", "‖": " | ", "∥": " | ",
    "Σ": " sum ", "∑": " sum ", "Π": " prod ", "∏": " prod ", "∇": " gradient ", "∂": " d ",
    "√": " sqrt ", "≤": " <= ", "≥": " >= ", "≠": " != ", "≈": " ~ ", "∼": " ~ ", "→": " -> ",
    "⇒": " -> ", "⟶": " -> ", "⟹": " -> ", "∞": " infinity ", "∈": " in ", "½": " 1/2 ",
    "¼": " 1/4 ", "¾": " 3/4 ", "’": "'", "‘": "'", "“": '"', "”": '"', "Φ": " gausscdf",
    "…": " ", "←": " = ", "⟵": " = ", ":=": " = ", "∝": " proportional to ",
    "⇔": " is ", "↔": " is ", "≡": " is ", "↑": " increases ", "↓": " decreases ",
}  # fmt: skip

_HAT = "\u0302"
_CONTRACTIONS = ((re.compile(r"\bcan'?t\b"), "can not"), (re.compile(r"\bwon'?t\b"), "will not"),
                 (re.compile(r"n't\b"), " not"), (re.compile(r"\b(is|does|do|are|was|has)nt\b"),
                 r"\1 not"))  # fmt: skip
_SIGMA_CALL = re.compile(r"σ\s*(?=[(′'])")
_PRIME = re.compile(r"(\w|\))\s*(?:′|'(?=\s*\())")
_HYPHEN = re.compile(r"(?<=[a-z0-9_)])-(?=[a-z0-9_(])")
_CALL = re.compile(
    r"\b([a-z][a-z0-9_]*)\(\s*([a-z0-9_]{1,4})\s*\)"
)  # σ(x), onehot(y): short arguments
_BRITISH = re.compile(r"\b([a-z]{2,}(?:al|im|ar|an|at))is(e|ed|es|ing|ation|ations|er|ers)\b")
_RESIDUAL = re.compile(
    r"\b((?:difference|gap|error|distance)s?) between (?:the |each |a |its )?"
    r"(?:predictions?|outputs?|yhat|predicted values?) and (?:the |its |their |a )?"
    r"(?:targets?|labels?|true values?|y|ground truth)\b"
)
_DERIVATIVE = re.compile(r"\bd\s*[a-z][a-z0-9_]*\s*/\s*d\s*[a-z][a-z0-9_]*\b")
_HAT_WORD = re.compile(r"\b(y|p)[ _]?(hat|pred)\b")
# Hard boundaries: a sentence end (not a decimal point or "nn.Module"), ; : newline, dashes.


_NUMBER_WORDS = {"three": "3", "four": "4", "five": "5", "six": "6", "seven": "7",
                 "eight": "8", "nine": "9", "ten": "10", "hundred": "100"}  # fmt: skip
_NUMBER_WORD = re.compile(r"\b(?:" + "|".join(_NUMBER_WORDS) + r")\b")


# "np.tanh(u)", "torch.sigmoid(z)", "F.softplus(x)": a library's function is the function
_LIBRARY = re.compile(
    r"\b(?:np|numpy|torch|tf|jnp|jax\.nn|math|scipy\.special|special|F|nn\.functional"
    r"|torch\.nn\.functional)\.(?=[A-Za-z_])"
)


# "x.max(axis=-1)", "e.sum(-1, keepdims=True)": a method is the function applied to its object
_METHOD = re.compile(
    r"\b([a-z_][a-z0-9_]*(?:\[[^\[\]]*\])?)\.(max|min|sum|mean|exp|log|abs|clip|clamp|sqrt"
    r"|std|var|softmax|log_softmax|sigmoid|tanh|argmax|logsumexp|pow|square)\(\s*(\)?)"
)


_POWERED = "tanh|sech|cosh|sinh|sigmoid|cos|sin|softplus"
_CALLED = _POWERED + "|softmax|exp|log|relu|gelu|silu|elu"


def _method(match: re.Match[str]) -> str:
    obj, name, closed = match.group(1), match.group(2), match.group(3)
    return f"{name}({obj})" if closed else f"{name}({obj}, "


_SNAKE = re.compile(
    r"(?<![A-Za-z0-9])([A-Za-z]{3,})_(?=[A-Za-z]{3,}(?:\b|_)(?!\s*=\s*(?:true|false)\b))", re.I
)


def normalise(text: str) -> str:
    """Lower case with Unicode math spelled in ASCII: minus signs, superscripts, ½, Σ, ‖·‖,
    greek letters by name, hats as ``yhat``, primes as "derivative"."""
    text = unicodedata.normalize("NFC", text)
    # an en dash inside a compound is a hyphen: "anchor–positive distance"
    text = re.sub(r"(?<=[A-Za-z]{2})[–‒](?=[A-Za-z]{2})", "-", text)
    text = re.sub(r"\bCLIP\b", "clipmodel", text)  # the model, not clipping
    # He initialisation, not the pronoun: "He init", "He normal", "He/Kaiming"
    text = re.sub(
        r"\bHe(?=[\s-]+(?:init|normal|uniform|initiali[sz]ation|et al)|/Kaiming)", "kaiming", text
    )
    # ... and He alone as a name: "He's 2/fan_in", "neither He nor Xavier", "He (2/fan_in)"
    text = re.sub(
        r"\bHe(?=['’]s\b|\s+(?:uses|is|needs|gives|sets|scales|keeps|was|and|or|nor)\b"
        r"|\s*[,(:);.])",
        "kaiming init",
        text,
    )
    # a range from −1 ("(−1, 1)", "between −1 and 1") is not one from 0 or 1
    text = re.sub(r"([(\[,]\s*|\b(?:between|from)\s+)[-−–]\s*1\b(?!\s*[*/^])", r"\1minus1", text)
    text = re.sub(r"(?<=\w)\[\s*-?\d+\s*\]", "", text)  # an index: "x.shape[0]", "p[1]"
    text = _LIBRARY.sub("", text)
    text = _METHOD.sub(_method, text)
    # snake_case names read as their words: cross_entropy, weight_decay, nll_loss
    text = re.sub(r"\b(log|one)_(softmax|sigmoid|hot)\b", r"\1\2", text)  # log_softmax(z)
    # (a flag keeps its name: log_input=True is not "log input true")
    for _ in range(3):  # bce_with_logits: one word at a time
        text = _SNAKE.sub(r"\1 ", text)
    text = re.sub(r"\bclamp(?=\()", "clip", text)  # torch.clamp(a, -d, d) is np.clip (a "hard
    # clamp" in prose stays a clamp: soft-capping is not one)
    # "(p * g).sum()", "(s * g).sum(-1, keepdims=True)": a method on a bracketed expression
    # (its axis is dropped, as the other spellings of a sum drop it)
    text = re.sub(
        r"((?<![a-z0-9_])[a-z_]+)?\(([^()]*)\)\.(max|min|sum|mean|exp|log|abs|sqrt|std|var)"
        r"\([^()]*\)",
        lambda m: f"{m[3]}({m[1] or ''}({m[2]}))" if m[1] else f"{m[3]}({m[2]})",
        text,
    )  # "exp(z).sum(axis=1)" is sum(exp(z))
    text = re.sub(r"(?<=\S)\s*%", " percent", text).replace("%", " percent ")  # "% of units"
    # "deep nets train much faster": sooner, in fewer steps; "fast" alone is a cost per step
    text = re.sub(
        r"\b((?:train|trains|training|trained|converge|converges|converging|learn|learns"
        r"|learning)\s+(?:much\s+|a lot\s+|way\s+|far\s+)?)(?:faster|quicker)\b",
        r"\1sooner",
        text,
    )
    # a transpose however typed: hᵀg, h.T @ g, h^T g
    text = re.sub(r"(?<=[\w)])(?:ᵀ|\.T\b|\^T\b|\^\{T\})", " transpose ", text)
    text = _SIGMA_CALL.sub(" sigmoid", text)
    # a bare σ before a word or a slash is the sigmoid ("σ per label", "σ/softmax"); after a
    # number or before ² it is a standard deviation ("1.345σ", "σ²") and stays
    text = re.sub(r"(?<![\w.])σ(?=\s+[a-zA-Z]|/)", "sigmoid", text)
    # ... and one paired with a loss or said per output ("per-label σ + BCE", "σ + CE")
    text = re.sub(
        r"(?<![\w.])σ(?=\s*\+\s*(?:bce|ce|binary|cross|log)\b)", "sigmoid", text, flags=re.I
    )
    text = re.sub(r"\b(label|class|output|unit)(\s+)σ(?![\w²^(])", r"\1\2sigmoid", text)
    # "σ(1 − σ)": the σ subtracted from 1 is the sigmoid too (a deviation is not taken from 1)
    text = re.sub(r"(\b1\s*[−-]\s*)σ(?![\w²^])", r"\1sigmoid", text)
    chars: list[str] = []
    for ch in text:
        if ch in SUPERSCRIPTS:
            chars.append("^" + SUPERSCRIPTS[ch])
        elif ch in SUBSCRIPTS:
            chars.append("_" + SUBSCRIPTS[ch])
        elif ch in SYMBOLS:
            chars.append(SYMBOLS[ch])
        else:
            chars.append(ch)
    text = "".join(chars).replace("^-^", "^-").replace("^^", "^")
    text = re.sub(r"\^(-?\d)\^(\d)", r"^\1\2", text)
    # Hats: ŷ (y + combining circumflex) → yhat; other accents are dropped.
    decomposed = unicodedata.normalize("NFD", text)
    decomposed = re.sub(r"([A-Za-z])" + _HAT, r"\1hat", decomposed)
    text = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    text = unicodedata.normalize("NFKC", text).lower()
    # an index on a letter names an entry of the same vector: "s_k − t_k" says "s − t"
    # (d_k, d_v are dimensions, not entries)
    text = re.sub(r"(?<![\w.])([a-ce-z]|[yp]hat)_([ijkcn])(?![\w(])", r"\1", text)
    # π_ref stays one name; a letter elsewhere is a word of its own
    text = re.sub("[" + "".join(GREEK) + "](?=_)", lambda m: " " + GREEK[m.group(0)], text)
    text = "".join(f" {GREEK[ch]} " if ch in GREEK else ch for ch in text)
    text = re.sub(r"σ", " sigma ", text)  # a σ no rule above read as the sigmoid: a std
    text = re.sub(r"\bno longer\b", "not", text)
    # "which means it…", "that constant size means there…": the verb, not the statistic
    text = re.sub(
        r"\bmeans(?=\s+(?:that|it|its|the|a|an|you|we|they|no|not|there|each|every|both|all"
        r"|any|more|less|fewer|your|our|one)\b)",
        "implies",
        text,
    )
    text = re.sub(r"\b(which|this|that) means\b", r"\1 implies", text)
    text = re.sub(r"(?<![\w.])0[- ](?=[a-z]{4,})", "zero ", text)  # 0-centred, 0-mean
    # "almost no gradient" is a little gradient, not none
    text = re.sub(r"\b(?:almost|nearly|hardly|barely|virtually)\s+(?:no|any)\b", "little", text)
    # "a ReLU-shaped curve", "sigmoid-like": a name used as a modifier is no subject
    text = re.sub(r"\b([a-z0-9]+)-(shaped|like|style|type|based)\b", r"\1\2", text)
    # "contribute nothing to the gradient" (but "says nothing about the level" denies nothing)
    text = re.sub(r"\bnothing to (?:the |its |their )?(gradients?|loss|updates?)\b", r"no \1", text)
    text = re.sub(r"\b(over|under)[- ]?(predict|estimat|shoot)", r"\1\2", text)
    for pattern, replacement in _CONTRACTIONS:
        text = pattern.sub(replacement, text)
    # "doesn't shrink as fast" is a comparison (shrinks less), not a denial of shrinking
    text = re.sub(
        r"\b(?:does not|do not|did not|is not|are not|not)\s+(\w+)\s+as\s+"
        r"(?:fast|much|quickly|badly|strongly|severely|rapidly)\b",
        r"\1 less",
        text,
    )
    text = re.sub(r"\bsigma\s*(?=\(|'\s*\(|′)", "sigmoid", text)
    text = _PRIME.sub(r"\1 derivative ", text)
    text = text.replace("||", "|").replace("**", "^").replace("e^", "exp ")
    text = re.sub(r"\bexp\s+([a-z0-9])\b(?!\s*[(^])", r"exp(\1)", text)  # eˣ = exp(x)
    # "tanh²(x)", "sech^2 u": the function of the argument, squared ("tanh_x^2")
    text = re.sub(
        rf"\b({_POWERED})\^(\d)\s*(?:\(\s*([a-z0-9_]{{1,4}})\s*\)|([a-z])\b(?!\s*\())",
        lambda m: f"{m.group(1)}_{m.group(3) or m.group(4)}^{m.group(2)}",
        text,
    )
    text = _HAT_WORD.sub(r"\1hat", text)
    # Inequalities on the input read as words: "x<0" is "negative inputs".
    text = re.sub(r"\b[xz]\s*(?:<|<=)\s*0\b", " negative inputs ", text)
    text = re.sub(r"\b[xz]\s*(?:>|>=)\s*0\b", " positive inputs ", text)
    # "T < 1", "τ > 1": a bound in words keeps its direction (T above 1 is not T below 1)
    text = re.sub(r"\b([a-z]\w{0,5})\s*(?:>|>=)\s*(\d[\d.]*)(?![\w.])", r"\1 above \2", text)
    text = re.sub(r"\b([a-z]\w{0,5})\s*(?:<|<=)\s*(\d[\d.]*)(?![\w.])", r"\1 below \2", text)
    text = re.sub(r"\bc\^1\b", "c1", text)
    # "the gap between the prediction and the target" is the residual ŷ − y
    text = _RESIDUAL.sub(r" \1 yhat - y ", text)
    text = _DERIVATIVE.sub(" gradient ", text)  # "dL/dz", "∂ℓ/∂ŷ"
    text = re.sub(r"!=\s*0\b", " nonzero ", text)  # "≠ 0"
    # an order said in steps is one claim: "apply sigmoid first and then BCEWithLogitsLoss"
    text = re.sub(r"\s(?:first\s*,?\s*)?and then\b|\sfirst\s*,\s*then\b", " before", text)
    # "no need for a surrogate" denies the surrogate, not a need
    text = re.sub(r"\b(?:there is |there's )?no need (?:for|to)\b", " without ", text)
    # "less thrown off by outliers" = less sensitive to them
    text = re.sub(r"\b(?:thrown off|swayed|thrown|dragged around) by\b", "sensitive to", text)
    text = re.sub(r"\bln\b", "log", text)  # ln(1 + eˣ) = log(1 + eˣ)
    # "~6×", "6x faster": times; number words as digits ("six times")
    text = re.sub(r"(\d)\s*×(?!\s*[a-z0-9(])", r"\1 times", text)
    text = re.sub(r"(\d)x(?=\s+(?:faster|slower|speedup|more|fewer|larger|smaller|less)\b)",
                  r"\1 times", text)  # fmt: skip
    text = _NUMBER_WORD.sub(lambda m: _NUMBER_WORDS[m.group(0)], text)
    # "its slope is a flat one": flat as in exactly, not as in saturated
    text = re.sub(r"\ba flat (one|1|zero|0)\b", r"exactly \1", text)
    # "at most 1/4" is a quarter, not 1 and 4 (inside a formula it stays a division)
    text = re.sub(r"(?<![\w)/^*.])1\s*/\s*4(?![\w(/^*.])", " 0.25 ", text)
    # "½x(1 + tanh u)" and "0.5x(1 + tanh u)": a half as a coefficient is one number
    text = re.sub(r"(?<![\w)/^*.])1\s*/\s*2(?=\s*[a-z(]|\s*\*)(?!\s*[a-z]{3})", " 0.5 ", text)
    text = re.sub(r"\bprod\.?\s+rule\b", "product rule", text)
    # between words, ≠ is prose: "scores ≠ calibrated probs", "exp(mean nll) ≠ mean of …"
    # (a formula keeps its operator)
    text = re.sub(r"(?:(?<=[a-z]{3})|(?<=\)))\s*!=\s*(?=[a-z]{3,}\b(?!\s*\())", " is not ", text)
    text = re.sub(
        r"\b(?:remedy|remedies|cure|cures|fix|fixes|solution)\s+(?:for|to)\b", "prevents", text
    )
    # "stops neurons from dying" = "prevents dying neurons"
    text = re.sub(
        r"\b(?:stops?|keeps?|prevents?)\s+((?:\w+\s+){0,2}?)from\s+"
        r"(?:becoming\s+|being\s+|getting\s+|going\s+)?((?:\w+ly\s+)?\w+)",
        r"prevents \2 \1",
        text,
    )
    # "multiplies the weights by slightly less than one": a factor below one shrinks them
    text = re.sub(
        r"\b(?:by|with)\s+(?:a\s+factor\s+(?:of\s+)?)?(?:slightly\s+|a\s+bit\s+|a\s+little\s+|just\s+)?"
        r"(?:less\s+than|below|under|smaller\s+than)\s+(?:one|1)\b(?!\s*[./\d])",
        "by a shrinking factor",
        text,
    )
    text = re.sub(r"\ba poor fit\b", "not a fit", text)  # "a poor fit for 0/1 labels"
    text = re.sub(r"\bpoorly\b", "not", text)  # "poorly calibrated"
    text = re.sub(r"\bbetween (\S+) and (\S+)", r"between \1 to \2", text)  # one range
    text = re.sub(r"\b(it|that|what|there|here|he|she|who)'s\b", r"\1 is", text)
    text = re.sub(r"(?<=[a-z])'s\b", "", text)  # possessive: "example's loss"
    text = _BRITISH.sub(r"\1iz\2", text).replace("centred", "centered").replace("centre", "center")
    text = re.sub(r"\bsigma\s*(?=\()", "sigmoid", text)
    for _ in range(2):  # f(g(x)) → f_g_x
        text = _CALL.sub(r"\1_\2", text)
    # "√2", "sqrt 2" as "sqrt(2)": a root is another quantity than what it is the root of
    text = re.sub(r"\bsqrt\s+(?=[a-z0-9])", "sqrt_", text)
    return text


def prepare(text: str) -> str:
    """:func:`normalise`, then hyphens read as compounds or minus signs."""
    # "re-weights" is one word, "reweights"
    return _hyphens(re.sub(r"\bre-(?=[a-z]{3})", "re", normalise(text)))


def _hyphens(text: str) -> str:
    """A hyphen between two words joins a compound ("zero-centred" → "zero centred"); next
    to a single letter, a digit or a bracket it is a minus ("p-y", "1-p")."""

    def fix(match: re.Match[str]) -> str:
        start, end = match.start(), match.end()
        # a bounded look either side: a long run of hyphens must not cost quadratic time
        left = re.search(r"[a-z0-9_)]+$", text[max(0, start - 40) : start])
        right = re.match(r"[a-z0-9_(]+", text[end : end + 40])
        lw = left.group() if left else ""
        rw = right.group() if right else ""

        def operand(word: str) -> bool:
            return word in ROLE_P or word in ROLE_Y or len(word) <= 1 or word.isdigit()

        # "1-tanh(x)", "1-sigmoid(z)": one minus a function's value
        called = lw.isdigit() and re.match(rf"(?:{_CALLED})_[a-z0-9]", rw) is not None
        if (operand(lw) and operand(rw)) or called or ")" in lw or "(" in rw:
            return " - "
        return " "

    return _HYPHEN.sub(fix, text)
