"""From typed text to claims' words: math and Unicode normalised, words folded.

An answer is read as a list of *clauses* (see :mod:`.clauses`), each a list of
:class:`Token`. A token is a word folded to its concept (synonyms, abbreviations and
multi-word terms become one key, "CE" = "cross-entropy"), with the negation that governs it
("does not saturate") and, for words with an opposite, the axis it sits on (high/low).
Formulas are tokens too: ``p − y``, ``p - y`` and "p minus y" all become ``P-Y``.
Nothing here evaluates anything typed; it only rewrites strings.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from quizprep.study.grading.lexicon import (
    ANTONYMS,
    NEGATABLE_ROOTS,
    NEGATORS,
    PHRASES,
    ROLE_P,
    ROLE_Y,
    STOPWORDS,
    SUBJECTS,
    ZEROABLE,
)
from quizprep.study.grading.words import (
    ANTONYM_STEMS,
    NEGATABLE_STEMS,
    concept,
    negated_root,
    stem,
    typo,
)

NUMBER_KEYS = frozenset({"zero", "one", "two", "0.25"})
_COMPARISONS = frozenset({"=", "<", ">", "<=", ">=", "~", "!="})
OPERATORS = frozenset({"-", "+", "*", "/", "^", "=", "<", ">", "<=", ">=", "!=", "~", "|", "->"})
MATH_WORDS = frozenset(
    {"exp", "log", "ln", "sum", "prod", "max", "min", "sqrt", "abs", "e", "sign", "softmax",
     "sigmoid", "tanh", "gausscdf", "relu", "gelu", "logsumexp", "sigma", "phi", "argmax",
     "onehot", "kl", "ce", "mse", "lambda", "gamma", "alpha", "delta", "epsilon", "eta",
     "theta", "beta", "d", "dz", "dl", "dp"}
)  # fmt: skip

_TOKEN = re.compile(r"[a-z0-9_]+(?:\.[0-9]+)?|<=|>=|!=|->|[-+*/^=<>|~()]")


class Token(NamedTuple):
    key: str  # the concept: a synonym group, an antonym axis ("level+"), a formula ("P-Y")
    stem: str  # the word's stem, for typo tolerance
    neg: bool  # governed by a negation
    axis: str | None = None  # for words with an opposite: the axis; key is axis + sign
    in_formula: bool = False  # a number inside a formula ("max(0, 1 − y·s)"), not a claim
    dismissed: bool = False  # denied as not needed ("you don't need a reference model")


class Clause(NamedTuple):
    text: str  # as typed (for evidence)
    tokens: tuple[Token, ...]  # content tokens, in order
    math: str  # compact formula text: operators and operands, spaces and brackets removed
    segment: int  # clauses in one segment (no hard boundary between) may be read together
    frames: frozenset[str] = frozenset()  # cause / fix / detect / "if" words in its segment
    subject: str | None = None  # named first, or carried over from the segment's last clause
    opening: int = 0  # tokens of an opening phrase merged in front ("With Adam, …")


_PHRASES: dict[tuple[str, ...], tuple[str, ...]] = {
    tuple(key.split()): tuple(value.split()) for key, value in PHRASES.items()
}
_PHRASE_FIRST = {key[0] for key in _PHRASES}
_MAX_PHRASE = max(len(key) for key in _PHRASES)


def _fold_phrases(words: list[str]) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(words):
        if words[i] in _PHRASE_FIRST:
            for size in range(min(_MAX_PHRASE, len(words) - i), 0, -1):
                replacement = _PHRASES.get(tuple(words[i : i + size]))
                if replacement is not None:
                    out.extend(replacement)
                    i += size
                    break
            else:
                out.append(words[i])
                i += 1
        else:
            out.append(words[i])
            i += 1
    return out


def _role(word: str) -> str:
    # "softmax(x)", "onehot(t)": a prediction or a target whatever its argument is called
    called = re.sub(r"^(softmax|sigmoid|onehot|one_hot)_[a-z]$", r"\1", word)
    if word in ROLE_P or called in ROLE_P:
        return "P"
    if word in ROLE_Y or called in ROLE_Y:
        return "Y"
    return {"one": "1", "zero": "0"}.get(word, word)


# words a negation passes over to what they govern: "doesn't need to be differentiable",
# "don't add a softmax before it", "never use sigmoid" deny the differentiable, the softmax
# ... of which these say the thing is not needed ("no need for", "doesn't need"): see
# Token.dismissed
_DISMISSALS = frozenset({"need", "needs", "needed", "require", "requires", "required"})
_MODALS = _DISMISSALS | frozenset(
    {"have", "has", "necessarily", "go", "goes", "get", "gets", "become", "becomes", "add",
     "adding", "use", "using", "apply", "applying", "put", "insert", "include", "cause",
     "causes", "produce", "produces", "create", "creates", "real", "actual", "major",
     "significant", "serious", "big"}
)  # fmt: skip
_PRONOUN_OBJECTS = frozenset({"it", "this", "that", "them", "these", "those"})
_DETERMINERS = frozenset({"the", "a", "an", "its", "their", "true", "this"})


def _differences(words: list[str]) -> list[str]:
    """``a - b`` → one token ``A-B`` (roles P and Y for predictions and targets)."""
    out: list[str] = []
    i = 0
    while i < len(words):
        word = words[i]
        if (
            word == "-"
            and out
            and re.fullmatch(r"[a-z0-9_.]+", out[-1])
            and out[-1] not in STOPWORDS
        ):
            j = i + 1
            while j < len(words) and words[j] in _DETERMINERS:
                j += 1
            if j < len(words) and words[j] not in OPERATORS and words[j] != "(":
                left, right = out.pop(), words[j]
                if {_role(left), _role(right)} == {"P", "Y"}:
                    left, right = _role(left), _role(right)  # prediction minus target
                    after = words[j + 1 : j + 4]
                    squared = after[:2] == ["^", "2"] or after == [")", "^", "2"]
                    if squared or (out and out[-1] == "|"):
                        left, right = "P", "Y"  # (y − ŷ)² = (ŷ − y)²: no sign to get wrong
                after = [w for w in words[j + 1 : j + 5] if w not in ("(", ")")]
                if after[:1] == ["/"] and after[1:2] not in (["n"], ["m"], ["b"], ["batch"]):
                    right += "/"  # "(p − y)/(p(1 − p))" is another quantity than p − y
                if _factor(out):
                    left = "*" + left  # "s_i * (1 − s_i)" is another quantity than 1 − s_i
                out.append(f"{left}-{right}")
                i = j + 1
                continue
        out.append(word)
        i += 1
    return out


def _factor(before: list[str]) -> bool:
    """The words before a difference's left operand open a bracket that multiplies
    something: ``s_i * (``, ``σ(x)(``, ``x(``."""
    if len(before) < 2 or before[-1] != "(":
        return False
    previous = before[-2]
    return previous in ("*", ")") or "_" in previous or re.fullmatch(r"[a-z]", previous) is not None


@lru_cache(maxsize=4096)
def _zeroable(key: str) -> bool:
    """A quantity that can be zero ("gradient"), also misspelt ("gradiant")."""
    return key in ZEROABLE or any(typo(key, word) for word in ZEROABLE if len(word) >= 7)


def _is_adjective(word: str) -> bool:
    stemmed = stem(word)
    return (
        word in ANTONYMS
        or stemmed in ANTONYM_STEMS
        or word in NEGATABLE_ROOTS
        or stemmed in NEGATABLE_STEMS
    )


# A claim denied after it is stated: "… is not needed", "… is not true", "… is a myth".
_POST_NEGATION = re.compile(
    r"\b(?:is|are|was|were)\s+(?:not|never)\s+(?:needed|required|necessary|used|true|the case)\b"
    r"|\b(?:is|are)\s+(?:unnecessary|a myth|a bad idea|a bad choice|a poor choice|a mistake"
    r"|discouraged|not recommended|best avoided|to be avoided)\b"
    r"|\b(?:is|are)\s+(?:irrelevant|optional|pointless)\b"
    r"|\bcan\s+(?:safely\s+)?be\s+(?:dropped|skipped|omitted|ignored)\b"
)
# ... of these, the ones that say it is not needed: a dismissal (see Token.dismissed)
_DISMISSING = re.compile(
    r"need|requir|necessar|irrelevant|optional|pointless|dropped|skipped|omitted|ignored"
)


# nouns that only introduce the claim denied after it ("the fact that t sums to 1 …")
_FILLERS = frozenset({"fact", "idea", "notion", "thing", "assumption", "claim", "part"})


def tokens(text: str) -> tuple[tuple[Token, ...], str]:
    """The content tokens of one clause (already normalised), and its compact math; what
    comes before "… is not needed" is denied ("the fact that t sums to 1 isn't needed")."""
    denied = _POST_NEGATION.search(text)
    if denied is not None:
        before, _ = _tokens(text[: denied.start()])
        if len(before) >= 2:
            # one negation, on the claim's head word, as "not subtracting the max" would be
            after, _ = _tokens(text[denied.start() :])
            at = next((i for i, t in enumerate(before) if t.key not in _FILLERS), 0)
            heads = [at]  # "sigmoid and tanh are a bad idea …": both are set aside
            while heads[-1] + 1 < len(before) and before[heads[-1] + 1].key in SUBJECTS:
                heads.append(heads[-1] + 1)
            dismissed = _DISMISSING.search(denied.group(0)) is not None
            flipped = [
                t._replace(neg=not t.neg if i in heads else t.neg, dismissed=dismissed)
                for i, t in enumerate(before)
            ]
            return (*flipped, *after), _tokens(text)[1]
    return _tokens(text)


def _tokens(text: str) -> tuple[tuple[Token, ...], str]:
    words = _differences(_fold_phrases(_TOKEN.findall(text)))
    math, in_formula = _math_runs(words)
    out: list[Token] = []
    pending = 0  # negations waiting for their content word
    dismiss = False  # ... and they say it is not needed ("no need for", "don't need")
    window = 0
    wrt_object = -1
    set_aside = -1  # words before this index are what a "replace … with" removes
    replaced_from = -1  # ... and the first of their tokens
    for index, word in enumerate(words):
        if word in OPERATORS or word in ("(", ")"):
            continue
        if word in ("instead", "rather"):
            if index + 1 < len(words) and words[index + 1] in ("of", "than"):
                # "instead of X", "rather than averaging the per-batch means": X, all of it,
                # is set aside (up to a reason or a purpose that follows it)
                ends = (i for i in range(index + 2, len(words)) if words[i] in _SET_ASIDE_ENDS)
                set_aside = max(set_aside, min(next(ends, len(words)), index + 10))
            continue
        if (
            word == "away"
            and words[index + 1 : index + 2] == ["from"]
            and _number_at(words, index + 2)
        ):
            pending += 1  # "move the threshold away from 0.5" is "not 0.5"
            window = 2
            continue
        if word in NEGATORS:
            if index + 1 < len(words) and words[index + 1] in _PRONOUN_OBJECTS:
                continue  # "avoid it with a smaller LR": it is the pronoun that is avoided
            # "neither A nor B" denies each once: "nor" does not cancel "neither"
            pending = 1 if word == "nor" and pending else pending + 1
            window = 4
            continue
        nxt = words[index + 1] if index + 1 < len(words) else ""
        if word in ("less", "fewer", "more") and _is_adjective(nxt):
            pending += word != "more"
            window = max(window, 2)
            continue
        if word in ("than", "vs", "versus", "compared"):
            out.append(Token("than", "than", False))  # a comparison: see match.role_flip
            continue
        if pending and word in _MODALS:
            dismiss = dismiss or word in _DISMISSALS
            continue  # "doesn't need to be differentiable" denies "differentiable"
        if word in _DISMISSALS and not pending:
            # "no smoothing term is needed": what was denied before is said to be unneeded
            out = [t._replace(dismissed=True) if t.neg else t for t in out]
        if word in STOPWORDS:
            if pending:
                window -= 1
                if window <= 0:
                    pending = 0
            continue
        if word == "wrt":
            wrt_object = len(out) + 1  # "the gradient wrt the weights is zero": the gradient
        # "slope 0 on the left, 1 on the right" gives values of two one-sided slopes
        if word in ("zero", "0") and out and _zero_follows(words, index) and "left" not in words:
            # "gradient is zero", "grad 0" = "no gradient"; "never zero" = some gradient
            at = len(out) - 1
            if at == wrt_object and at > 1:
                at -= 2
            if _zeroable(out[at].key):
                out[at] = out[at]._replace(neg=out[at].neg if pending % 2 else not out[at].neg)
                pending = 0
                continue
        if (
            word in ("zero", "0")
            and _content_next(words, index)
            and concept(words[index + 1])[0] in ZEROABLE
        ):
            pending += 1  # "zero gradient" = "no gradient"
            window = 1
            continue
        if pending and _adverb(word) and _content_next(words, index):
            # "isn't usefully differentiable": the negation is the adjective's
            key, stemmed, axis = concept(word)
            out.append(Token(key, stemmed, False, axis))
            continue
        replaced = _replaced(words, index) if word in _REPLACE else None
        if replaced is not None:
            # "replace the flat zero part with a small slope": what is replaced is set aside
            set_aside, replaced_from = replaced, len(out)
            continue
        # ("rather than calibrated ones": the pro-form "ones" is no claim of its own)
        neg = (pending % 2 == 1) != (index < set_aside and word not in ("one", "ones"))
        joiner = words[index + 1] if index + 1 < len(words) else ""
        following = words[index + 2] if index + 2 < len(words) else ""
        joined = joiner in ("/", "or", "nor", "and") and following in SUBJECTS
        # "no σ/tanh", "not sigmoid or tanh", "avoid sigmoid and tanh": both are denied
        pending = pending if (pending and joined) else 0
        if "-" in word and not word.startswith("-"):
            left, _, right = word.partition("-")
            out.append(Token(word, word, neg, "diff:" + "|".join(sorted((left, right)))))
            continue
        call = re.fullmatch(r"([a-z]{2,})_[a-z0-9]{1,2}", word)
        if call and call.group(1) not in ("y", "p", "sqrt"):
            word = call.group(1)  # onehot(y), softmax(z): the function is the word
        root = negated_root(word)
        if root is not None:
            word, neg = root, not neg
        key, stemmed, axis = concept(word)
        if word == "right" and "left" in words:
            key, stemmed, axis = word, word, None  # "from the right": a side, not "correct"
        numeric = key in NUMBER_KEYS or key.replace(".", "", 1).isdigit()
        if numeric and axis is None and out and out[-1].key in _APPROACHING and not neg:
            # "derivative near 0" against "close to 1": values approached are exclusive
            axis = "value"
        out.append(Token(key, stemmed, neg, axis, numeric and index in in_formula, neg and dismiss))
        dismiss = dismiss and bool(pending)
    if replaced_from >= 0:
        # "replace the one-hot label with (1 − ε)·onehot + ε/K": what comes back is kept
        ahead_keys = {t.key for t in out if not t.neg}
        out = [
            t._replace(neg=False) if i >= replaced_from and t.neg and t.key in ahead_keys else t
            for i, t in enumerate(out)
        ]
    return _less_of(tuple(out)), math


_APPROACHING = frozenset({"proximity+", "approach", "tend"})
_REPLACE = frozenset({"replace", "replaces", "replaced", "replacing", "swap", "swaps"})
_SET_ASIDE_ENDS = frozenset({"because", "since", "so", "which", "as", "to", "but", "and"})
_BY = frozenset({"with", "by"})
_OF = frozenset({"of", "in", "on", "for"})


def _adverb(word: str) -> bool:
    return len(word) > 5 and word.endswith("ly") and word not in ANTONYMS


def _replaced(words: list[str], index: int) -> int | None:
    """Where the thing a "replace" at ``index`` removes ends: at "with"/"by", or at its first
    preposition ("the flat part of ReLU", "the sigmoid in Swish"); None when there is no
    "with"/"by", or the replacement is a formula ("replace the label with (1 − ε)·y + ε/K":
    the thing is being defined, not removed)."""
    ahead = next((i for i in range(index + 1, min(index + 9, len(words))) if words[i] in _BY), None)
    if ahead is None or any(w in OPERATORS for w in words[ahead + 1 : ahead + 8]):
        return None
    return next((i for i in range(index + 1, ahead) if words[i] in _OF), ahead)


def _number_at(words: list[str], index: int) -> bool:
    return index < len(words) and words[index].replace(".", "", 1).isdigit()


def _less_of(found: tuple[Token, ...]) -> tuple[Token, ...]:
    """ "shrinks less" is growing relative to the other: a change followed by "less" is
    read as the opposite change ("vanishes less" is not "vanishes")."""
    if not any(t.key == "amount-" for t in found):
        return found
    out: list[Token] = []
    for token in found:
        changes = [i for i, t in enumerate(out) if t.axis == "level"]
        if token.key == "amount-" and changes and not token.neg:
            at = changes[-1]  # "shrinks gradients less": the change it qualifies
            other = "level+" if out[at].key.endswith("-") else "level-"
            out[at] = out[at]._replace(key=other)
            continue
        out.append(token)
    return tuple(out)


def _mathy(word: str) -> bool:
    return (
        word in OPERATORS
        or word in ("(", ")")
        or word in MATH_WORDS
        or len(word) == 1
        or word.replace(".", "", 1).isdigit()
        or "_" in word
        or ("-" in word and not word.startswith("-"))
    )


def _math_runs(words: list[str]) -> tuple[str, frozenset[int]]:
    """The formulas in a clause, compact and space-separated: runs of operators, numbers,
    single letters, calls and math names with at least one operator in them; and the
    positions of the words inside them."""
    runs: list[str] = []
    inside: set[int] = set()
    current: list[int] = []
    for index, word in enumerate([*words, ""]):
        if word and _mathy(word):
            current.append(index)
            continue
        run = [words[i] for i in current]
        text = "".join(w for w in run if w not in ("(", ")"))
        has_op = any(w in OPERATORS for w in run) or any(
            "-" in w and not w.startswith("-") for w in run
        )
        if has_op and sum(ch.isalnum() for ch in text) >= 2:
            runs.append(text)
            if _arithmetic(run):
                # "σ′ = σ(1 − σ) ≤ 0.25": a number after a comparison is a bound, a claim
                inside.update(i for i in current if i == 0 or words[i - 1] not in _COMPARISONS)
        current = []
    return " ".join(runs), frozenset(inside)


def _arithmetic(run: list[str]) -> bool:
    """Arithmetic on a variable ("1 − y·s", "max(0, x)"), where a number is an operand; not
    a range, a sum or a bound ("(−1, 1)", "Σ = 1", "≤ ¼"), where it is the claim."""
    binary = any(w in ("+", "*", "/", "^") for w in run) or any(
        w == "-" and i > 0 and run[i - 1] not in OPERATORS and run[i - 1] != "("
        for i, w in enumerate(run)
    )
    variable = any(
        (len(w) == 1 and w.isalpha() and w != "e") or "_" in w or "-" in w.strip("-") for w in run
    )
    calls = any(w in ("max", "min") for w in run)
    return (binary or calls) and variable


def _zero_follows(words: list[str], index: int) -> bool:
    """ "zero" right after a content word, or after "is"/"=" ("gradient is 0")."""
    before = [
        w
        for w in words[max(0, index - 4) : index]
        if w not in ("is", "are", "=", "~", "exactly", "basically", "essentially", "nearly",
                     "almost", "practically", "effectively", "virtually", "approximately",
                     "roughly", "about", "then", "becomes", "goes", "already", "still", "now",
                     "always", "stays", "remains", "just")
    ]  # fmt: skip
    if not before or words[index - 1] in OPERATORS - {"="} or words[index - 1] == "(":
        return False
    previous = before[-1]
    return previous not in STOPWORDS and previous not in OPERATORS and not previous[0].isdigit()


def _content_next(words: list[str], index: int) -> bool:
    nxt = words[index + 1] if index + 1 < len(words) else ""
    return bool(nxt) and nxt.isalpha() and nxt not in STOPWORDS and nxt not in NEGATORS


def subject(found: tuple[Token, ...]) -> str | None:
    """The named thing a clause or phrase is about: a name in first position."""
    return found[0].key if found and found[0].key in SUBJECTS and not found[0].neg else None
