"""Does one clause say a phrase, say its opposite, or neither?

A phrase's words are looked for in the clause: the same concept counts as a match, the
opposite on an antonym axis counts as a *flipped* match (high/low, increase/decrease,
robust/sensitive, mean/median), and a negation on one side but not the other flips too.
Naming a sibling as the subject ("sigmoid is zero-centred" where the point is about tanh)
is one more flip. An odd number of flips means the clause says the opposite.
"""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

from quizprep.study.grading.formula import _bare, _said_whole
from quizprep.study.grading.lexicon import ENTITY_GROUP, GENERIC, SUBJECTS
from quizprep.study.grading.text import Token, subject, tokens
from quizprep.study.grading.words import typo

# A point's own text rarely comes back word for word: this share of its words in one
# stretch of the answer covers it. Accept and reject phrasings must match in full.
TEXT_SHARE = 0.65


class Phrase(NamedTuple):
    tokens: tuple[Token, ...]  # content tokens, the subject excluded
    subject: str | None  # the named thing the claim is about, when it names one
    explicit: bool  # the phrase names its subject itself (not carried over from its point)
    full: bool  # every word must match (accept/reject); else TEXT_SHARE of them
    math: tuple[str, ...] = ()  # formulas the phrase carries, compact


class Unit(NamedTuple):
    """One clause, or a few clauses of one segment read together, indexed for speed."""

    tokens: tuple[Token, ...]
    subject: str | None
    text: str
    keys: frozenset[str]
    axes: frozenset[str]
    initials: frozenset[str]  # first letters of long words, for the typo allowance
    math: str = ""  # the clauses' compact formulas


def unit(tokens: tuple[Token, ...], subject: str | None, text: str, math: str = "") -> Unit:
    return Unit(
        tokens,
        subject,
        text,
        frozenset(t.key for t in tokens),
        frozenset(t.axis for t in tokens if t.axis),
        frozenset(t.stem[0] for t in tokens if len(t.stem) >= 5),
        math,
    )


class Match(NamedTuple):
    matched: int
    total: int
    flips: int
    swapped: bool = False  # said of a sibling, not compared with it: never coverage


# Axes whose poles are not each other's negation: not subtracting is not adding.
_NOT_COMPLEMENTS = frozenset({"addition"})

# Words that make a sign a region of the input ("negative inputs", "the positive side").
_DOMAIN = frozenset({"input", "side", "sid", "x", "z", "region", "half", "branch", "part"})


def phrase(text: str, *, full: bool, inherit: str | None = None) -> Phrase:
    found, _ = tokens(_prepared(text))
    subj = subject(found)
    rest = found[1:] if subj else found
    unique = tuple(dict.fromkeys(t for t in rest if t.key != "than"))
    return Phrase(unique, subj or inherit, subj is not None, full, formulas(text))


@lru_cache(maxsize=4096)
def _prepared(text: str) -> str:
    from quizprep.study.grading.normalise import prepare

    return prepare(text)


def _top_level_parts(text: str) -> list[str]:
    """The text cut at "; " and ", " outside brackets: "max(0, 1 − f(x))" stays whole."""
    parts, depth, start = [], 0, 0
    for index, ch in enumerate(text):
        depth += ch in "([{"
        depth -= ch in ")]}" and depth > 0
        if ch in ",;" and depth == 0 and text[index + 1 : index + 2].isspace():
            parts.append(text[start:index])
            start = index + 1
    parts.append(text[start:])
    return parts


def formulas(text: str) -> tuple[str, ...]:
    """The formulas a key point states, compact (``2P-Y/n``, ``x*gausscdf_x``)."""
    out = []
    for clause_text in _top_level_parts(text):
        _, math = tokens(_prepared(clause_text))
        for run in math.split():
            if sum(ch.isalnum() for ch in run) >= 3:
                out.append(run)
            # "σ(x) = 1/(1 + e^−x)": the right-hand side alone says it too
            _, equals, right = run.partition("=")
            if equals and sum(ch.isalnum() for ch in right) >= 4 and len(right) >= 6:
                out.append(right)
    return tuple(dict.fromkeys(out))


def _find(
    want: Token,
    have: tuple[Token, ...],
    both_poles: frozenset[str],
    own: frozenset[str] = frozenset(),
) -> int | None:
    """0 for a match, 1 for a flipped one (opposite or negated), None when absent.
    ``both_poles``: axes the phrase itself names both ends of ("mean vs median"), where
    an opposite is the other half of the phrase, not a flip."""
    best: int | None = None
    for token in have:
        if token.in_formula and not want.in_formula:
            continue  # the 0 and 1 of "max(0, 1 − y·s)" say nothing about "0/1 labels"
        if token.key == want.key:
            flip = int(token.neg != want.neg)
        elif _bare(token.key) == _bare(want.key) and not want.key.isalpha():
            flip = int(token.neg != want.neg)  # "1 − σ(x)" says "1 − σ"
        elif want.axis is not None and token.axis == want.axis and want.axis not in both_poles:
            if want.axis in _NOT_COMPLEMENTS and token.neg != want.neg:
                continue  # "not subtracting the max" is no "adding the max"
            flip = 1 - int(token.neg != want.neg)
        elif token.key not in own and _other_number(want, token):
            flip = 1  # "peaks at 0.5" against "at most 0.25": another value in its place
        elif typo(want.stem, token.stem):
            flip = int(token.neg != want.neg)
        else:
            continue
        if flip == 0:
            return 0
        best = 1
    return best


_NUMBER_WORDS = {"one": 1.0, "two": 2.0}  # not zero: "at x = 0" is a place, not a value


def _value(key: str) -> float | None:
    if key in _NUMBER_WORDS:
        return _NUMBER_WORDS[key]  # "1" and "one" are both read as the key "one"
    try:
        return float(key)
    except ValueError:
        return None


def _other_number(want: Token, token: Token) -> bool:
    """Two plain numbers (not inside formulas) of different value, the wanted one a
    fraction (0.25, 1.0507): whole numbers are often examples ("at 80%, 80% are right")."""
    if want.in_formula or token.in_formula or not want.key[:1].isdigit() or "." not in want.key:
        return False
    a, b = _value(want.key), _value(token.key)
    return a is not None and b is not None and a != b


def both_pole_axes(tokens: tuple[Token, ...]) -> frozenset[str]:
    """The antonym axes whose two poles the tokens both name ("mean vs median")."""
    poles: dict[str, set[str]] = {}
    for token in tokens:
        if token.axis is not None:
            poles.setdefault(token.axis, set()).add(token.key)
    return frozenset(axis for axis, keys in poles.items() if len(keys) > 1)


def _paired(tokens: tuple[Token, ...], axes: frozenset[str]) -> frozenset[tuple[str, ...]] | None:
    """Which pole of one axis goes with which pole of another, by adjacency in the words
    ("quadratic for small …, linear for large …"): None unless two pairs are read."""
    sequence = [t for t in tokens if t.axis in axes]
    pairs = set()
    i = 0
    while i < len(sequence) - 1:
        a, b = sequence[i], sequence[i + 1]
        if a.axis != b.axis:
            pairs.add(tuple(sorted((a.key, b.key))))
            i += 2
        else:
            i += 1
    return frozenset(pairs) if len(pairs) >= 2 else None


def role_flip(
    wanted: str | None,
    have: tuple[Token, ...],
    card_subjects: frozenset[str],
    said: str | None = None,
) -> int | None:
    """1 when the clause says it of a sibling instead ("sigmoid …" for a point on tanh),
    0 when it is about the right thing (or nothing named), None when about another topic.
    ``said`` is the clause's subject (named first, or carried over from the clause before
    it: "unlike MAE, whose gradient is constant")."""
    said = said if said is not None else subject(have)
    named = {t.key: t.neg for t in have if t.key in SUBJECTS}
    if wanted is None:
        if said is None or said in card_subjects or not card_subjects:
            return 0
        if named.get(said):
            return 0  # "you can't use softmax because …": the sibling is set aside, not claimed
        siblings = {ENTITY_GROUP.get(s) for s in card_subjects}
        if ENTITY_GROUP.get(said) not in siblings:
            return 0
        # On a card comparing two things, the other one named as subject is a swap; on a
        # card about one thing, a sibling named as subject, the card's own subject not
        # named, is an aside about the sibling ("ELU′ is also 1 for x > 0").
        if len(card_subjects) > 1 or any(t.key in card_subjects for t in have):
            return 1  # "MAE is more robust than MSE" compares the two
        return None
    if wanted in named and named[wanted] and said in (None, wanted):
        return 1  # "not softmax", "unlike sigmoid"
    if said is None or said == wanted:
        return 0  # names in other positions are comparisons ("ReLU-like"), not subjects
    if wanted not in card_subjects and said in card_subjects:
        return 0  # "BCE = −[y log p + …]" for "negative log-likelihood of a Bernoulli label"
    if named.get(wanted) is False and not any(t.key == "than" for t in have):
        return 0  # a list naming both ("MAE/Huber with outliers"), not a swap
    if said == wanted:
        return 0
    if ENTITY_GROUP.get(said) == ENTITY_GROUP.get(wanted):
        return 1
    return None


class Memo:
    """Matches already worked out while grading one answer: the same phrase is read against
    the same clause when finding what each clause says and again when judging each point.
    Keyed by identity, so it lives only as long as the answer's clauses and phrases."""

    def __init__(self) -> None:
        self._found: dict[tuple[int, int, str | None, bool], Match | None] = {}
        self._alive: list[object] = []  # keeps keyed objects alive, so no id is reused

    def match(
        self,
        p: Phrase,
        have: Unit,
        card_subjects: frozenset[str],
        said: str | None = None,
        *,
        strict: bool = False,
    ) -> Match | None:
        key = (id(p), id(have), said, strict)
        if key not in self._found:
            self._alive += (p, have)
            self._found[key] = match(p, have, card_subjects, said, strict=strict)
        return self._found[key]


def match(
    p: Phrase,
    have: tuple[Token, ...] | Unit,
    card_subjects: frozenset[str],
    said: str | None = None,
    *,
    strict: bool = False,
) -> Match | None:
    """How much of ``p`` the tokens say, and with how many flips; None when too little."""
    total = len(p.tokens)
    needed = total if p.full or total <= 2 else max(2, round(TEXT_SHARE * total + 0.01))
    # a long accept may drop one common word ("the gradient" in "… gives a bounded gradient")
    loose = p.full and not strict and total >= 4
    if loose:
        needed = total - 1
    if isinstance(have, Unit):
        # Cheap bound first: most phrases share too few words with most clauses.
        keys, axes, initials = have.keys, have.axes, have.initials
        spare = total - needed  # words the phrase may lack here; stop at one more
        for t in p.tokens:
            if not (
                t.key in keys
                or t.key == said
                or (t.axis is not None and t.axis in axes)
                or (len(t.stem) >= 5 and t.stem[0] in initials)
            ):
                spare -= 1
                if spare < 0:
                    return None
        # a wrong equation must be said whole, not only its right side ("= √d_k")
        whole = [f for f in p.math if "=" in f] or p.math
        if (
            strict
            and p.math
            and not any(_said_whole(run, f) for f in whole for run in have.math.split())
        ):
            return None  # a wrong formula ("GELU is x·σ(x)") must be said as a formula
        have = have.tokens
    if total == 0:
        if p.subject is None:
            return None
        present = [t for t in have if t.key == p.subject]
        if not present:
            return None
        return Match(1, 1, int(any(t.neg for t in present)))
    other = p.subject not in card_subjects or len(card_subjects) > 1
    # named outright, or by a pronoun standing for it ("but it is monotonic")
    named = any(t.key == p.subject for t in have) or (said is not None and said == p.subject)
    if (strict or p.explicit) and p.subject and other and not named:
        return None  # a claim about another thing needs that thing named
    if strict and p.subject and total <= 1 and not named and said != p.subject:
        return None  # "accuracy is differentiable": one word needs its subject said
    if (
        strict
        and p.subject
        and not named
        and said is None
        and any(t.key in SUBJECTS and t.key != p.subject and not t.neg for t in have)
    ):
        return None  # "train CE: smooth, ∇ ≠ 0" says it of CE, not of accuracy
    role = role_flip(p.subject, have, card_subjects, said)
    if role is None:
        return None
    if role and said is not None and any(t.key == said for t in p.tokens):
        role = 0  # the phrase names the clause's subject itself ("tanh approximation")
    matched = flips = 0
    both = both_pole_axes(p.tokens)
    keys = frozenset(t.key for t in p.tokens)  # the phrase's own numbers are no other value
    domain_flips = ordered_flips = 0
    for want in p.tokens:
        found = _find(want, have, both, keys)
        if found is None and want.key in SUBJECTS and want.key == said and not want.neg:
            found = 0  # "the main reason it is faster is sparsity": "it" is ReLU
        if found is not None:
            matched += 1
            flips += found
            domain_flips += found and want.axis == "sign"
            ordered_flips += found and want.axis is not None
        elif loose and (want.key not in GENERIC or want.axis is not None):
            return None  # only a common word may be left out, never the claim's own terms
        elif any(ch in want.key for ch in "-_=") and (
            p.full or total <= 3 or any(t.key.rstrip("/") == want.key for t in have)
        ):
            # a formula that is the phrase's point must be there, and a clause that divides
            # it by something ("(p − y)/(p(1 − p))") does not say the point
            return None
    if matched < needed:
        return None
    # the roles may be named by the phrase or only by the clause ("anchor closer to the
    # positive" against "the negative farther than the positive")
    named_axes = {t.axis for t in p.tokens if t.axis is not None}
    clause_poles: dict[str, set[str]] = {}
    for token in have:
        if token.axis in named_axes and token.axis not in ("level", "amount", "quality"):
            clause_poles.setdefault(token.axis, set()).add(token.key)
    roles = both or any(len(keys) > 1 for keys in clause_poles.values())
    # "quadratic for small errors, linear for large ones" said as "linear for small,
    # quadratic for large": each pole goes with the other pole of its partner axis
    mine = _paired(p.tokens, both) if len(both) >= 2 else None
    theirs = _paired(have, both) if mine is not None else None
    if mine is not None and theirs is not None and not mine & theirs:
        flips += 1
    if flips >= 3 and flips % 2:
        # every term turned over ("T < 1 sharpens an underconfident net" against "T > 1
        # softens an overconfident one") is the mirror claim, not the opposite one
        return None
    if roles and ordered_flips % 2:
        # a phrase naming two roles ("the positive closer than the negative") said with an
        # opposite ("the negative farther than the positive") may be the same claim with the
        # roles swapped: words alone cannot tell, so neither side is taken
        return None
    region = any(t.key in _DOMAIN for t in p.tokens)
    if domain_flips and region:
        # "1 for positive inputs" is about the other side, not against "αeˣ for negative
        # inputs": a sign that names where a claim holds only moves it (a wrong claim about
        # a side contradicts the point about that same side instead)
        return Match(matched, total, 0, True)
    wanted = p.subject if p.subject is not None else None
    compared = wanted is not None and any(t.key == wanted for t in have)
    if wanted is None and role:
        compared = any(t.key in card_subjects for t in have)
    if role and flips and not strict and not compared:
        # a sibling said to have the *opposite* property, this card's subject not named, is
        # a contrast ("Leaky ReLU keeps a gradient, so its units cannot die"), not a claim
        # about this card's subject
        return Match(matched, total, 0, True)
    if role and not flips and said is not None and not any(t.key == said for t in have):
        # the sibling only carried over by a pronoun or "which" ("absolute loss for big ones,
        # which amounts to clipping the gradient"): whose claim it is, is not said here
        return Match(matched, total, 0, True)
    flips += role
    swapped = bool(role) and not compared
    evidence = matched + (p.subject is not None and named)
    formula = any(t.axis and t.axis.startswith("diff:") for t in p.tokens)
    # Two words said the other way are too little to call a contradiction (a reject phrasing
    # excepted): "its weights never receive gradient" denies nothing about weights getting
    # gradient. Three, or two and the point's subject named, are a claim.
    # ... unless the clause says they are not needed: "you don't need a reference model"
    dismissed = evidence >= 2 and any(t.dismissed and t.key in keys for t in have)
    if flips % 2 and not strict and not formula and evidence < 3 and not dismissed:
        return None
    if flips % 2 and evidence < 2 and not formula:
        return None  # one word said the other way is too little to call a contradiction
    return Match(matched, total, flips, swapped)
