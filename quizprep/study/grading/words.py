"""What one word means to the grader: its stem, its concept (a synonym group or one end of
an antonym axis), whether it is the negation of a root ("non-convex"), and whether it is a
slip of another word (one typo in five letters)."""

from __future__ import annotations

from functools import lru_cache

from quizprep.study.grading.lexicon import (
    ABBREVIATIONS,
    ANTONYMS,
    NEGATABLE_ROOTS,
    NEGATED_PREFIXES,
    SUBJECTS,
    SYNONYMS,
)


def stem(word: str) -> str:
    """Light suffix stripping, enough to map forms of one word to the same string
    (``saturates`` ≈ ``saturating`` ≈ ``saturation``, ``normalise`` ≈ ``normalize``)."""
    if len(word) <= 3 or not word.isalpha():
        return word
    for _ in range(2):
        for suffix in _SUFFIXES:
            if word.endswith(suffix) and len(word) - len(suffix) >= 3:
                if suffix == "s" and word.endswith(("ss", "us", "is")):
                    continue
                word = word[: -len(suffix)] + _SUFFIX_REPLACEMENT.get(suffix, "")
                break
        else:
            break
    if word.endswith("is") and len(word) > 5:  # normalis- → normaliz-
        word = word[:-1] + "z"
    if word.endswith("tr") and len(word) > 4:  # centr(e) → center
        word = word[:-2] + "ter"
    return word


_SUFFIXES = (
    "izations", "ization", "isations", "isation", "ations", "ation", "ingly", "ings", "ing",
    "edly", "ities", "ity", "ness", "ments", "ment", "ily", "ies", "ied", "ed", "ly", "er",
    "es", "s", "e", "y",
)  # fmt: skip
_SUFFIX_REPLACEMENT = {"izations": "iz", "ization": "iz", "isations": "iz", "isation": "iz",
                       "ations": "at", "ation": "at", "ies": "y", "ied": "y"}  # fmt: skip

_WORD_CONCEPT: dict[str, str] = {}
for _concept, _words in SYNONYMS.items():
    for _word in _words:
        _WORD_CONCEPT[_word] = _concept
        _WORD_CONCEPT.setdefault(stem(_word), _concept)
ANTONYM_STEMS = {stem(word): value for word, value in ANTONYMS.items()}
NEGATABLE_STEMS = {stem(word) for word in NEGATABLE_ROOTS} | NEGATABLE_ROOTS


def concept(word: str) -> tuple[str, str, str | None]:
    """(key, stem, axis) of one word: its synonym group or antonym axis, else its stem."""
    word = ABBREVIATIONS.get(word, word)
    if word in ANTONYMS:
        axis, sign = ANTONYMS[word]
        return f"{axis}{'+' if sign > 0 else '-'}", stem(word), axis
    if word in _WORD_CONCEPT:
        return _WORD_CONCEPT[word], stem(word), None
    if word in SUBJECTS:
        return word, word, None
    stemmed = stem(word)
    if stemmed in ANTONYM_STEMS:
        axis, sign = ANTONYM_STEMS[stemmed]
        return f"{axis}{'+' if sign > 0 else '-'}", stemmed, axis
    return _WORD_CONCEPT.get(stemmed, stemmed), stemmed, None


def typo(a: str, b: str) -> bool:
    """One slip in a word of 5+ letters, two in one of 9+; never in the first letter nor
    between max and min (un-, de-, max/min turn a word into its opposite)."""
    if len(a) < 5 or len(b) < 5 or a[0] != b[0] or not (a.isalpha() and b.isalpha()):
        return False
    allowed = 1 if len(a) < 9 else 2
    if abs(len(a) - len(b)) > allowed or {a[:3], b[:3]} == {"max", "min"}:
        return False
    return distance(a, b, allowed) <= allowed


@lru_cache(maxsize=65536)
def distance(a: str, b: str, cap: int) -> int:
    """Damerau–Levenshtein (adjacent swaps count one), stopping once past ``cap``."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            cost = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cost = min(cost, previous2[j - 2] + 1)
            current.append(cost)
        if min(current) > cap:
            return cap + 1
        previous2, previous = previous, current
    return previous[-1]


def negated_root(word: str) -> str | None:
    for prefix in NEGATED_PREFIXES:
        if word.startswith(prefix) and len(word) > len(prefix) + 3:
            rest = word[len(prefix) :]
            if rest in NEGATABLE_ROOTS or stem(rest) in NEGATABLE_STEMS:
                return rest
    return None
