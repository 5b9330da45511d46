"""Grade a typed answer against a card's key points: covered, missed or contradicted.

Each key point is looked for in the answer one claim at a time (see :mod:`.text` and
:mod:`.match`): its text, its ``accept`` phrasings and its ``reject`` phrasings (the classic
wrong claim). Evidence comes from one clause, or a few comma-separated clauses of one
sentence; a contradiction always from a single clause. A point is

- **contradicted** when a clause says a ``reject`` phrasing, or says an accept phrasing (or
  the point itself) with its meaning flipped: negated, an antonym, a swapped subject, a
  formula with the same left side and a different right side;
- **covered** when a clause says the point, an accept phrasing in full, or its formula;
- **missed** otherwise.

The proposed rating follows :func:`rate`, the one rule also used after the user toggles
verdicts. Pure standard library; nothing typed is ever evaluated.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, NamedTuple

from quizprep.study.grading.topic import card_subjects, elided_name, names_topic, without_name

if TYPE_CHECKING:
    from quizprep.decks.model import Card, KeyPoint
    from quizprep.study.grading.match import Match, Memo, Phrase, Unit
    from quizprep.study.grading.text import Clause, Token

AGAIN, HARD, GOOD, EASY = 1, 2, 3, 4
RATING_NAMES = {AGAIN: "Again", HARD: "Hard", GOOD: "Good", EASY: "Easy"}
COVERED, MISSED, CONTRADICTED = "covered", "missed", "contradicted"
VERDICTS = (COVERED, MISSED, CONTRADICTED)

# Answers longer than this are graded on their first MAX_ANSWER_CHARS characters (a paste
# of a whole page would otherwise take seconds); callers say so to the user.
MAX_ANSWER_CHARS = 20_000
MAX_CLAUSES = 1_000  # a typed answer has tens; only a paste of fragments gets near this
# Shares of the core points for Good and Hard (see rate()).
GOOD_SHARE = 0.6
GOOD_POINTS = 3  # ... and at least this many points in all (fewer: as many as core points)
HARD_SHARE = 0.4
# Clauses of one sentence read together as evidence for one point.
WINDOW = 3


class PointVerdict(NamedTuple):
    index: int  # position in card.key_points
    text: str  # the key point's text
    verdict: str  # "covered" | "missed" | "contradicted"
    evidence: str | None  # the clause of the answer that decided it (None when missed)
    optional: bool


class Grade(NamedTuple):
    points: tuple[PointVerdict, ...]
    rating: int  # proposed rating 1..3 (Again/Hard/Good; Easy only on the user's say)
    truncated: bool = False  # the answer was cut at MAX_ANSWER_CHARS

    @property
    def verdicts(self) -> tuple[str, ...]:
        return tuple(p.verdict for p in self.points)

    def count(self, verdict: str) -> int:
        return sum(p.verdict == verdict for p in self.points)


def rate(card: Card, verdicts: Sequence[str]) -> int:
    """The proposed rating for these verdicts, with Anki's meaning of each button.

    - anything contradicted → Again (a confident misconception must come back soon);
    - most core points covered: all but at most one, at least 60% of them, and at least
      three points covered in all, optional ones included (on a card with fewer core points,
      as many as it has) → Good; so every core point covered is always Good, and three of
      five is Hard (what the hand-labelled answers in tests/grading_eval call "about half");
      a card of three core points or fewer needs every one of them for Good;
    - at least 40% of the core points ("about half") → Hard;
    - less → Again.

    Optional points are never needed for Good; each one covered counts as half a core
    point toward these shares. A card whose points are all optional is Good when any is
    covered. Easy is only ever the user's own choice.
    """
    points = card.key_points
    if len(verdicts) != len(points):
        raise ValueError(f"{len(verdicts)} verdicts for {len(points)} key points")
    if CONTRADICTED in verdicts:
        return AGAIN
    core = [v for v, p in zip(verdicts, points, strict=True) if not p.optional]
    extra = [v for v, p in zip(verdicts, points, strict=True) if p.optional]
    if not core:
        return GOOD if COVERED in extra else AGAIN
    covered = min(core.count(COVERED) + 0.5 * extra.count(COVERED), len(core))
    share = covered / len(core)
    said = core.count(COVERED) + extra.count(COVERED)
    missing = len(core) - core.count(COVERED)
    # a card of three core points or fewer needs every one: an optional point makes up for
    # none of them (what every labelled answer says of 2 of 3 core points plus an extra)
    complete = missing == 0 or len(core) > GOOD_POINTS
    if (
        share >= GOOD_SHARE
        and said >= min(GOOD_POINTS, len(core))
        and len(core) - covered <= 1
        and complete
    ):
        return GOOD
    if share >= HARD_SHARE:
        return HARD
    return AGAIN


def toggled(card: Card, graded: Grade, index: int) -> Grade:
    """``graded`` with point ``index``'s verdict cycled covered → missed → contradicted →
    covered, and the rating proposed again: how the user overrules the grader."""
    point = graded.points[index]
    verdict = VERDICTS[(VERDICTS.index(point.verdict) + 1) % len(VERDICTS)]
    points = list(graded.points)
    points[index] = point._replace(verdict=verdict)
    return graded._replace(points=tuple(points), rating=rate(card, [p.verdict for p in points]))


def grade(card: Card, answer: str) -> Grade:
    """Each key point's verdict with its evidence, and the rating :func:`rate` proposes."""
    from quizprep.study.grading.clauses import split

    truncated = len(answer) > MAX_ANSWER_CHARS
    clauses = split(answer[:MAX_ANSWER_CHARS]) if answer.strip() else []
    if len(clauses) > MAX_CLAUSES:  # thousands of one-word clauses: bounded work all the same
        clauses, truncated = clauses[:MAX_CLAUSES], True
    from quizprep.study.grading.match import Memo

    subjects = card_subjects(card)
    units = _units(clauses)
    memo = Memo()
    support = _support(card, [u for _, _, u in units[: len(clauses)]], subjects, memo)
    elided = elided_name(card, clauses, subjects)
    pieces = _pieces_of_others(tuple(card.key_points))
    judged = [
        _judge(index, point, clauses, units, subjects, support, memo, elided, pieces)
        for index, point in enumerate(card.key_points)
    ]
    verdicts = tuple(v for v, _ in judged)
    covered = [i for i, (v, _) in enumerate(judged) if v.verdict == COVERED]
    lone = len(covered) == 1 and len(verdicts) >= 3 and judged[covered[0]][1]
    named = names_topic(card, clauses) if lone or card.derive else True
    if lone and not named:
        # One point met by a word or two ("SVM", "hard negatives") in an answer that never
        # names this card's topic is an answer to another question sharing a term.
        verdicts = tuple(
            v._replace(verdict=MISSED, evidence=None) if i in covered else v
            for i, v in enumerate(verdicts)
        )
    if card.derive and verdicts:
        from quizprep.study.grading.derivative import apply_derivative

        verdicts = apply_derivative(
            card.derive, answer[:MAX_ANSWER_CHARS], verdicts, named, card.question
        )
    if any(v.evidence for v in verdicts):
        from quizprep.study.grading.clauses import as_typed

        head = answer[:MAX_ANSWER_CHARS]
        verdicts = tuple(
            v._replace(evidence=as_typed(head, v.evidence)) if v.evidence else v for v in verdicts
        )
    return Grade(verdicts, rate(card, [v.verdict for v in verdicts]), truncated)


class _Compiled(NamedTuple):
    frame: str | None  # "cause", "fix" or "detect" when the point is one of these
    whole: Phrase  # the point's text, matched by share
    claims: tuple[Phrase, ...]  # its sub-claims and accept phrasings, matched in full
    rejects: tuple[Phrase, ...]
    formulas: tuple[str, ...]  # the point's own: also read for contradictions
    said_by: tuple[str, ...]  # any of these said covers the point
    equations: frozenset[Phrase] = frozenset()  # claims read only where an "=" is written
    paired: tuple[Phrase, ...] = ()  # claims pairing the poles of two axes
    repeated: tuple[frozenset[str], ...] = ()  # per reject, the words it says twice


@lru_cache(maxsize=2048)
def _compile(point: KeyPoint) -> _Compiled:
    from quizprep.study.grading.clauses import frames_of
    from quizprep.study.grading.lexicon import GENERIC
    from quizprep.study.grading.match import both_pole_axes, formulas, phrase
    from quizprep.study.grading.text import MATH_WORDS

    whole = phrase(point.text, full=False)
    subject = whole.subject
    claims: list[Phrase] = []
    equations: list[Phrase] = []  # accepts that are an equation: said only beside an "="
    parts = re.split(r";|,|\s(?:so|because|since|unlike|while|whereas)\s", point.text)
    for part in parts if len(parts) > 1 else ():
        sub = phrase(part, full=False, inherit=subject)
        words = [t for t in sub.tokens if len(t.key) >= 4 and t.key not in MATH_WORDS]
        # a sub-claim that is a formula ("Φ(x) + xφ(x)") is matched as a formula, not by words
        if len(sub.tokens) >= 3 and (len(words) >= 2 or not sub.math):
            claims.append(sub)
    # A gloss in brackets is the author's other name for the point: "(empirical risk)".
    for gloss in re.findall(r"(?<![\w)])\(([^()]*)\)", point.text):
        words = re.findall(r"[A-Za-z]{3,}", gloss)
        if len(words) >= 2 and not re.search(r"[=^*/+−\-<>|]|\d", gloss):
            sub = phrase(gloss, full=True, inherit=subject)
            if len(sub.tokens) >= 2:
                claims.append(sub)
    for text in point.accept:
        accepted = phrase(text, full=True, inherit=subject)
        lone = accepted.tokens[0] if len(accepted.tokens) == 1 else None
        if lone and lone.key in GENERIC and not lone.neg and not accepted.explicit:
            continue  # "many zeros" would credit any clause with a zero in it
        if (
            accepted.tokens
            and not accepted.math
            and not accepted.explicit
            and all(_number(t.key) and not t.neg for t in accepted.tokens)
        ):
            continue  # "any value between 0 and 1" is, in words, only two numbers
        if _bare_formula(text) and any("=" in f and _structured(f) for f in accepted.math):
            equations.append(accepted)
        claims.append(accepted)
    rejects = tuple(phrase(text, full=True) for text in point.reject)
    repeated = tuple(_repeated_keys(text) for text in point.reject)
    # an accept written as a formula ("0.5 x (1 + tanh u)") is said by that formula in any
    # spelling: "½x(1+tanh(u))", "0.5*x*(1 + np.tanh(u))", its variables renamed
    said = [
        f for text in point.accept if _bare_formula(text) for f in formulas(text) if _structured(f)
    ]
    lead = re.findall(r"[a-z]+", point.text.lower())[:2]
    frame = next(iter(frames_of(lead)), None)
    # a signed lone name ("+αFP" cut from "TP/(TP + αFP)") is no formula of the point's
    # nor is a squared name ("σ²" in "… with μ and σ² both predicted") or a cut "γ="
    own = tuple(
        f
        for f in formulas(point.text)
        if any(ch in "+-*/=<>_|" for ch in _unsquared(f)[1:]) and f[-1] != "="
    )
    return _Compiled(
        frame,
        whole,
        tuple(claims),
        rejects,
        own,
        tuple(dict.fromkeys([*own, *said])),
        frozenset(equations),
        # claims naming both poles of two axes ("quadratic for small, linear for large")
        tuple(c for c in (whole, *claims) if len(both_pole_axes(c.tokens)) >= 2),
        repeated,
    )


def _repeated_keys(text: str) -> frozenset[str]:
    from quizprep.study.grading.match import _prepared
    from quizprep.study.grading.text import tokens

    said = tokens(_prepared(text))[0]
    keys = [t.key for t in said]
    # ... both times the same way ("mask … masks"), not "linear layers learn nonlinear …"
    return frozenset(
        k for k in keys if keys.count(k) > 1 and len({t.neg for t in said if t.key == k}) == 1
    )


@lru_cache(maxsize=1024)
def _pieces_of_others(points: tuple[KeyPoint, ...]) -> frozenset[str]:
    """Formulas that say a point and are a piece of another point's formula: writing the whole
    ("½ log σ² + (y − μ)²/(2σ²)") does not say the point about its piece ("the ½ log σ²
    term penalises large variances")."""
    compiled = [_compile(point) for point in points]
    return frozenset(
        f
        for i, mine in enumerate(compiled)
        for f in mine.said_by
        if any(
            _part_of(f, g) for j, theirs in enumerate(compiled) if j != i for g in theirs.formulas
        )
    )


def _part_of(piece: str, formula: str) -> bool:
    """``piece`` inside the compact ``formula``, and not the start of a longer denominator
    ("2/fan_in" in "2/(fan_in + fan_out)", which compacts to "2/fan_in+fan_out")."""
    at = formula.find(piece)
    if piece == formula or at < 0:
        return False
    after = formula[at + len(piece) : at + len(piece) + 1]
    denominator = piece.rpartition("/")[2]
    return not ("/" in piece and after in ("+", "-") and re.fullmatch(r"[a-z_]+", denominator))


def _number(key: str) -> bool:
    """0, 1 and 2 in words or figures: numbers most clauses about gradients mention."""
    return key in ("zero", "one", "two", "0", "1", "2")


_MATH_NAMES = re.compile(
    r"\b(?:sigmoid|softmax|softplus|tanh|relu|gelu|silu|exp|log|log1p|sqrt|abs|max|min|sum|mean"
    r"|clip|where|sign|alpha|beta|gamma|delta|lambda|tau|sigma|lam|yhat|keepdims|axis|np|torch)\b"
)


def _bare_formula(text: str) -> bool:
    """An accept that is a formula, not a sentence about one ("never log(1 + exp(x))")."""
    return len(re.findall(r"[A-Za-z]{3,}", _MATH_NAMES.sub(" ", text.lower()))) <= 1


def _structured(formula: str) -> bool:
    """A formula with an operator and a function or two operands: enough to be itself."""
    operators = sum(ch in "+-*/^" for ch in _unsquared(formula))
    return operators >= 1 and sum(ch.isalnum() for ch in formula) >= 4


def _unsquared(formula: str) -> str:
    """The formula without a closing power: "σ²" is a name squared, not a formula."""
    return re.sub(r"\^\d+$", "", formula)


def _support(
    card: Card, singles: list[Unit], subjects: frozenset[str], memo: Memo
) -> list[dict[int, int]]:
    """Per clause: the points it says (index → words matched). A clause that plainly says
    one point is not read as denying another with fewer words ("both saturate → vanishing
    grads" states the saturation point; it does not deny "tanh has larger gradients")."""
    out: list[dict[int, int]] = []
    for clause in singles:
        said: dict[int, int] = {}
        for index, point in enumerate(card.key_points):
            compiled = _compile(point)
            for candidate in (compiled.whole, *compiled.claims):
                found = memo.match(candidate, clause, subjects, clause.subject)
                if found is not None and found.flips % 2 == 0 and not found.swapped:
                    said[index] = max(said.get(index, 0), found.matched)
        out.append(said)
    return out


# "if you put a sigmoid on the logits, …": a hypothetical action ("if I remember right, …" and
# "if the noise is Gaussian, MSE …" still claim what follows)
_SUPPOSITION_WORDS = r"(?:if (?:you|we|one)|suppose|supposing|imagine)\b"


def _said_of_another(reject: Phrase, said: tuple[Token, ...]) -> bool:
    """The reject's words follow another named thing, their own subject: "(it was introduced)
    because a real sigmoid needs an exponential" says nothing of hard-swish needing one."""
    from quizprep.study.grading.lexicon import SUBJECTS

    wanted = {t.key for t in reject.tokens}
    first = next((i for i, t in enumerate(said) if t.key in wanted), None)
    if not first:
        return False
    before = said[first - 1]
    return before.key in SUBJECTS and before.key != reject.subject and not before.neg


def _denied_elsewhere(reject: Phrase, said: tuple[Token, ...]) -> bool:
    """The clause denies something the reject does not name, among the reject's words: the
    negation may govern the whole claim ("a huge outlier can never contribute more than δ to
    the gradient", "can't get stuck the way a dead ReLU does"), so the reject is not said
    ("…, so there's no mismatch" after them is another claim)."""
    wanted = {t.key for t in reject.tokens}
    at = [i for i, t in enumerate(said) if t.key in wanted]
    inside = said[at[0] : at[-1]] if at else ()
    return any(t.neg and t.key not in wanted and t.axis is None for t in inside)


def _both_ways(repeated: frozenset[str], said: tuple[Token, ...]) -> bool:
    """The clause says a word the reject repeats both as it is and denied ("the attention
    mask does not mask the loss" against "the attention mask masks the loss"): which of the
    two the reject's one word stands for, is not known."""
    seen: dict[str, set[bool]] = {}
    for token in said:
        if token.key in repeated:
            seen.setdefault(token.key, set()).add(token.neg)
    return any(len(polarities) > 1 for polarities in seen.values())


def _both_poles(phrase: Phrase, said: tuple[Token, ...]) -> bool:
    """The words said name both ends of an axis the phrase names one end of (easy and hard):
    which end goes with the phrase's other words, a bag of words cannot tell."""
    axes = {t.axis for t in phrase.tokens if t.axis is not None}
    keys = {t.key for t in said if t.axis in axes}
    return any(sum(key.startswith(axis) for key in keys) > 1 for axis in axes)


def _nearly_all(found: Match) -> bool:
    return found.matched == found.total or (found.total >= 4 and found.matched >= 0.8 * found.total)


def _units(clauses: list[Clause]) -> list[tuple[int, int, Unit]]:
    """Single clauses first, then runs of up to WINDOW clauses of one segment."""
    from quizprep.study.grading.match import unit

    runs = [(i, i + 1) for i in range(len(clauses))]
    for size in range(2, WINDOW + 1):
        for i in range(len(clauses) - size + 1):
            if clauses[i].segment == clauses[i + size - 1].segment:
                runs.append((i, i + size))
    out = []
    for start, end in runs:
        run = clauses[start:end]
        tokens = tuple(t for c in run for t in c.tokens)
        text = ", ".join(c.text for c in run)
        out.append((start, end, unit(tokens, run[0].subject, text, " ".join(c.math for c in run))))
    return out


def _judge(
    index: int,
    point: KeyPoint,
    clauses: list[Clause],
    units: list[tuple[int, int, Unit]],
    subjects: frozenset[str],
    support: list[dict[int, int]],
    memo: Memo,
    elided: dict[int, tuple[str, ...]],
    pieces: frozenset[str],
) -> tuple[PointVerdict, bool]:
    """The point's verdict, and whether it rests on a match of only a word or two.
    ``elided``: clauses about the card whose name they leave out, with that name."""

    from quizprep.study.grading.formula import (
        formula_contradicted,
        formula_said,
        formula_sign_flipped,
        formula_swapped,
    )

    compiled = _compile(point)

    def verdict(kind: str, evidence: str | None, weak: bool = False) -> tuple[PointVerdict, bool]:
        return PointVerdict(index, point.text, kind, evidence, point.optional), weak

    frame = compiled.frame
    # A clause framed otherwise (a fix, where the point names a cause) is not about it.
    framed = [c.frames - {"counterfactual"} for c in clauses]
    kept = [frame is None or frame in f or not f for f in framed]
    # Contradictions: one clause says a reject phrasing, or an accept phrasing flipped.
    for start, _end, one in units[: len(clauses)]:
        if not kept[start]:
            continue
        # A point that names a cause (a fix, a check) is read backwards only in a clause that
        # names one too: "too big a learning rate knocks the bias negative" denies no fix.
        backwards = frame is None or frame in framed[start]
        clause = clauses[start]
        # "If you put a sigmoid on the scores, …": a supposition is not a claim
        supposed = re.match(_SUPPOSITION_WORDS, clause.text) is not None
        for number, reject in enumerate(() if supposed else compiled.rejects):
            found = memo.match(reject, one, subjects, one.subject, strict=True)
            # said as written: two flips ("not defined … derivative is 0") are no restatement
            if found is not None and found.flips == 0 and not found.swapped:
                if (
                    _both_poles(reject, one.tokens)
                    and support[start].get(index, 0) >= found.matched
                ):
                    continue  # "less loss on easy ones, so it focuses on hard ones": word order
                if _denied_elsewhere(reject, one.tokens) or _said_of_another(reject, one.tokens):
                    continue  # "an outlier can never contribute more than δ to the gradient"
                if _both_ways(compiled.repeated[number], one.tokens):
                    continue  # "the attention mask does not mask the loss": which "mask"?
                return verdict(CONTRADICTED, clause.text)
        name = elided.get(start, ())
        for reject in () if supposed or not name else compiled.rejects:
            bare = without_name(reject, name)
            # "…, and hurts calibration", "It hurts calibration": the clause goes on as the
            # reject does after the name ("it fades, unlike a hard clip" is no claim of it)
            if bare is None or bare.tokens[0].key != one.tokens[0].key:
                continue
            found = memo.match(bare, one, subjects, one.subject, strict=True)
            if found is not None and found.flips == 0 and not found.swapped:
                return verdict(CONTRADICTED, clause.text)
        for claim in (*compiled.claims, compiled.whole) if backwards else ():
            found = memo.match(claim, one, subjects, one.subject)
            # only a claim said (nearly) in full is read as said the other way round
            counterfactual = "counterfactual" in clause.frames
            if (
                found is not None
                and found.flips % 2 == 1
                and _nearly_all(found)
                and not counterfactual
            ):
                said = support[start]
                stronger = any(n > found.matched for i, n in said.items() if i != index)
                # ... nor as denying this point when, in other words, it says it as fully
                agrees = said.get(index, 0) >= found.matched
                # ... nor when its sentence names both ends of the axis ("a small foreground
                # and a huge background"): which end goes with which word is not known
                sentence = tuple(
                    t for c in clauses if c.segment == clause.segment for t in c.tokens
                )
                if not stronger and not agrees and not _both_poles(claim, sentence):
                    return verdict(CONTRADICTED, clause.text)
        if any(
            formula_contradicted(f, clause)
            or formula_sign_flipped(f, clause)
            or formula_swapped(f, clause)
            for f in compiled.formulas
        ):
            return verdict(CONTRADICTED, clause.text)
    # "linear for small residuals, and quadratic for large ones": the two halves of a claim
    # that pairs two axes' poles may sit in two clauses (see match._paired)
    for start, end, run in units[len(clauses) :] if compiled.paired else ():
        if (
            end - start != 2
            or not all(kept[start:end])
            or "counterfactual" in clauses[start].frames
        ):
            continue
        for claim in compiled.paired:
            found = memo.match(claim, run, subjects, run.subject)
            if found is not None and found.flips % 2 == 1 and _nearly_all(found):
                return verdict(CONTRADICTED, run.text)
    said_by = [f for f in compiled.said_by if f not in pieces]
    for clause, keep in zip(clauses, kept, strict=True):
        if keep and any(formula_said(f, clause) for f in said_by):
            return verdict(COVERED, clause.text)
    for start, end, run in units:
        if not all(kept[start:end]):
            continue
        # "σ² = (y − μ)²" is not said by "½ log σ² + (y − μ)²/(2σ²)", which has its symbols
        equation = "=" in run.math
        candidates = tuple(
            c for c in (compiled.whole, *compiled.claims) if equation or c not in compiled.equations
        )
        found_all = [
            memo.match(candidate, run, subjects, run.subject) if candidate.tokens else None
            for candidate in candidates
        ]
        # the stretch says much of the point the other way round: a bare name in it says
        # nothing ("focal loss" in "focal loss puts more weight on the easy ones")
        denied = any(f is not None and f.flips % 2 == 1 and f.matched >= 3 for f in found_all)
        best = 0  # the most words any phrasing matches here: weak only if all match few
        for candidate, found in zip(candidates, found_all, strict=True):
            if not candidate.tokens:
                if subjects == {candidate.subject} or denied:
                    continue  # the card's own name ("logistic function" on sigmoid) says nothing
                if frame and not any(frame in f for f in framed[start:end]):
                    continue  # a name in a list of fixes counts only where a fix is spoken of
                found = memo.match(candidate, run, subjects, run.subject)
            if found is not None and found.flips % 2 == 0 and not found.swapped:
                best = max(best, found.matched)
        if best:
            return verdict(COVERED, run.text, weak=best <= 2)
    return verdict(MISSED, None)
