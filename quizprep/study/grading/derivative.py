"""A derivation card's formula point decided by the derivative typed in the answer.

The expression itself is found and checked numerically by :mod:`.expression`; this module
turns its verdict into the verdicts of the card's points: which point (or which case's
point) it covers or contradicts.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from quizprep.study.grading import CONTRADICTED, COVERED

if TYPE_CHECKING:
    from quizprep.study.grading import PointVerdict


def apply_derivative(
    derive: str,
    answer: str,
    verdicts: tuple[PointVerdict, ...],
    named: bool = True,
    question: str = "",
) -> tuple[PointVerdict, ...]:
    """A derivation card's formula point (its first) decided by the derivative typed in the
    answer, checked numerically, when there is one: a match covers it, a wrong final answer
    contradicts it. When the formula is split over the first points ("… plus half x sech² u
    …", "minus (1 − p)^γ over p"), a match covers each piece; a mismatch given as the
    derivative ("d/dx = ½(1 + tanh u)", "Type: …", never one piece named as a piece)
    contradicts the first. A shorthand the question defines ("with u = …") may be used."""
    from quizprep.study.grading.expression import judge

    typed = judge(derive, answer, question)
    if typed is None:
        return verdicts
    if typed.cases:
        # a derivative given case by case: right, it covers each case's point; a wrong case
        # contradicts the point about that side ("… for negative inputs"), else the first
        sides = [i for i, v in enumerate(verdicts) if region_of(v.text)]
        if typed.right:
            marked, decided = {0, *sides}, COVERED
        else:
            side = region_side(typed.region or "")
            on_side = [i for i in sides if region_of(verdicts[i].text) == side]
            marked, decided = {on_side[0] if on_side else 0}, CONTRADICTED
        return tuple(
            v._replace(verdict=decided, evidence=typed.evidence) if i in marked else v
            for i, v in enumerate(verdicts)
        )
    pieces = 1
    while pieces < len(verdicts) and re.match(r"(?:plus|minus)\b", verdicts[pieces].text):
        pieces += 1
    if not typed.right and not named and not typed.typed and not typed.about:
        return verdicts  # another function's derivative, in an answer about something else
    if not typed.right and pieces > 1 and typed.bare:
        return verdicts  # "½(1 + tanh u)" alone may be the first piece, said as one
    if not typed.right:
        pieces = 1  # which piece is wrong, a number cannot say: the first point stands for it
    decided = COVERED if typed.right else CONTRADICTED
    return tuple(
        v._replace(verdict=decided, evidence=typed.evidence)
        if i < pieces and not _said_wrong_elsewhere(v, typed.evidence, typed.right)
        else v
        for i, v in enumerate(verdicts)
    )


def _said_wrong_elsewhere(verdict: PointVerdict, expression: str, right: bool) -> bool:
    """A wrong claim of the point read in words away from the typed expression ("…; and
    it's always non-negative"): a right expression does not take it back."""
    return (
        right
        and verdict.verdict == CONTRADICTED
        and verdict.evidence is not None
        and expression.strip().lower() not in verdict.evidence.lower()
        and re.search(r"[=()·*/^_+−\-\d]|[^\x00-\x7f]", verdict.evidence) is None  # words only
    )


def region_of(text: str) -> str | None:
    """Which side of the input a point (or a derivative's case) is about."""
    lowered = text.lower()
    if re.search(r"\bnegative (?:inputs?|side|x|values?)|x\s*(?:<|≤|<=)\s*0", lowered):
        return "negative"
    if re.search(r"\bpositive (?:inputs?|side|x|values?)|x\s*(?:>|≥|>=)\s*0", lowered):
        return "positive"
    return None


def region_side(condition: str) -> str | None:
    """The side a wrong case's condition names: "x > 0" positive, "not (x > 0)" negative."""
    side = region_of(condition.removeprefix("not (").rstrip(")"))
    if side is None or not condition.startswith("not ("):
        return side
    return "negative" if side == "positive" else "positive"
