"""Grade a typed answer against a card's key points, tolerant of how people actually type.

A key point counts as covered when the answer says it, or one of its ``accept`` phrasings,
closely enough: words are compared after dropping stopwords, folding accents and greek
letters, light stemming (``saturates`` ≈ ``saturating`` ≈ ``saturation``) and allowing a
small typo per word. Short phrasings need every word; longer ones most of them, since
nobody retypes a key point word for word. Pure standard library.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from difflib import SequenceMatcher
from itertools import pairwise

from quizprep.decks.model import KeyPoint

AGAIN, HARD, GOOD = 1, 2, 3

# Share of a long phrasing's words the answer must contain.
LONG_PHRASE_SHARE = 0.6
# Phrasings with at most this many content words need all of them.
SHORT_PHRASE_WORDS = 2

STOPWORDS = frozenset(
    """
    a an the and or but if then so than that this these those there their its it it's
    is are was were be been being am do does did done has have had having of in on at to
    for from by with without as into onto over under about between through per via
    i you he she we they me my our your his her them us what which who whom whose when
    where why how all any each every some such no nor not only own same too very can will
    just should would could may might must shall also more most other
    """.split()
)
# Words that carry meaning in ML answers even though they look like stopwords.
KEEP = frozenset({"no", "not", "max", "min", "0", "1"})
NUMBERS = {"zero": "0", "one": "1", "two": "2", "three": "3"}
# Words that negate the content word after them ("not zero-centred", "no saturation").
NEGATORS = frozenset({"not", "no", "never", "cannot"})
# What shows an answer contrasts or negates something, for key points that do
# ("scores, not calibrated probabilities" ≈ "scores rather than calibrated probabilities").
NEGATION_CUES = NEGATORS | {"without", "rather", "instead", "unlike", "nor", "neither"}

GREEK = {
    "α": "alpha",
    "β": "beta",
    "γ": "gamma",
    "δ": "delta",
    "ε": "epsilon",
    "η": "eta",
    "θ": "theta",
    "λ": "lambda",
    "μ": "mu",
    "σ": "sigma",
    "τ": "tau",
    "φ": "phi",
    "ω": "omega",
    "π": "pi",
    "ρ": "rho",
    "κ": "kappa",
    "ν": "nu",
    "ξ": "xi",
    "ζ": "zeta",
}

# (suffix, replacement): "saturation" → "saturat" like "saturates" → "saturat".
SUFFIXES: tuple[tuple[str, str], ...] = tuple(
    (suffix, "iz" if "ization" in suffix else "is" if "isation" in suffix else
     "at" if "ation" in suffix else "")
    for suffix in (
        "izations", "ization", "isations", "isation", "ations", "ation", "ingly", "ings",
        "ing", "edly", "ities", "ity", "ness", "ments", "ment", "ily", "ier", "iest", "ies",
        "ied", "ed", "ly", "er", "es", "s", "e", "y",
    )
)  # fmt: skip

_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Grade:
    covered: tuple[KeyPoint, ...]
    missed: tuple[KeyPoint, ...]
    rating: int  # proposed: 3 Good (all), 2 Hard (at least half), 1 Again (fewer)

    @property
    def total(self) -> int:
        return len(self.covered) + len(self.missed)


def stem(word: str) -> str:
    """Light suffix stripping, applied twice (``multiplying`` → ``multiply`` → ``multipl``).

    Not a real stemmer: it only has to map forms of one word to the same string, and both
    sides of every comparison go through it.
    """
    for _ in range(2):
        for suffix, replacement in SUFFIXES:
            if word.endswith(suffix) and len(word) - len(suffix) >= 3:
                if suffix == "s" and word.endswith("ss"):
                    continue
                word = word[: -len(suffix)] + replacement
                break
        else:
            break
    return word


_CONTRACTION = re.compile(r"n['’]t\b")


def _fold(text: str) -> str:
    """Lower case, greek letters spelled out, accents and hats dropped (ŷ → y), and
    "isn't" spelled "is not" so a contraction negates like the full form."""
    text = "".join(f" {GREEK[ch]} " if ch in GREEK else ch for ch in text.lower())
    text = _CONTRACTION.sub(" not", text)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _words(text: str) -> list[str]:
    # Hyphens join ("down-weights" → "downweights"); other punctuation separates.
    words = (w.replace("_", "") or w for w in _WORD.findall(_fold(text).replace("-", "")))
    return [NUMBERS.get(w, w) for w in words]


def content_words(text: str) -> list[tuple[str, str]]:
    """``text``'s meaningful words as (word, stem) pairs, in order."""
    return [(w, stem(w)) for w in _words(text) if w not in STOPWORDS or w in KEEP]


class Offered(set[str]):
    """An answer's words (see :func:`answer_words`); ``negated`` holds those the answer
    only ever says right after a negation ("not zero-centred")."""

    negated: frozenset[str] = frozenset()


_TOKEN = re.compile(r"\w+(?:-\w+)*")


def _offer(tokens: list[str]) -> set[str]:
    split = [NUMBERS.get(w, w) for token in tokens for w in token.split("-") if w]
    joined = [NUMBERS.get(w, w) for w in (t.replace("-", "").replace("_", "") or t for t in tokens)]
    words = set(split) | set(joined)
    words |= {a + b for a, b in pairwise(split)}
    return words | {stem(w) for w in words}


def _negated_positions(tokens: list[str]) -> set[int]:
    """Where a negator's content word stands: the next word that is not a stopword
    ("is not a zero-centred ..."), except in "not only"."""
    found = set()
    for index, token in enumerate(tokens):
        if token not in NEGATORS:
            continue
        for later in range(index + 1, min(index + 4, len(tokens))):
            word = tokens[later]
            if word == "only" or word in NEGATORS:
                break
            if word not in STOPWORDS:
                found.add(later)
                break
    return found


def answer_words(text: str) -> Offered:
    """What an answer offers for matching: its words and their stems, plus joined
    neighbours and hyphen parts ("down weights" and "downweights" both match
    "down-weights").
    """
    tokens = _TOKEN.findall(_fold(text))
    offered = Offered(_offer(tokens))
    negated = _negated_positions(tokens)
    if negated:
        said = _offer([t for i, t in enumerate(tokens) if i not in negated])
        offered.negated = frozenset(offered - said)
    return offered


def _close(word: str, stemmed: str, offered: set[str]) -> bool:
    if word in offered or stemmed in offered:
        return True
    if len(word) < 4 or word.isdigit():  # short words and numbers must be exact
        return False
    return any(_typo(word, other) or _typo(stemmed, other) for other in offered)


def _typo(word: str, other: str) -> bool:
    """One slip for short words, two for long ones (a swap, a missing or extra letter).

    Never in the first letter, nor max ↔ min: that is where un-, in-, de- and the like
    turn a word into its opposite (unbiased/biased, increase/decrease, maximize/minimize).
    """
    if len(word) < 4:
        return False
    allowed = 1 if len(word) < 8 else 2
    if abs(len(other) - len(word)) > allowed or other[:1] != word[:1]:
        return False
    if {word[:3], other[:3]} == {"max", "min"}:
        return False
    return (
        _edit_distance(word, other, allowed) <= allowed
        or SequenceMatcher(None, word, other).ratio() >= 0.88
    )


def _edit_distance(a: str, b: str, cap: int) -> int:
    """Levenshtein distance, stopping early once it exceeds ``cap``."""
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) > cap:
            return cap + 1
        previous = current
    return previous[-1]


def phrase_covered(phrase: str, offered: set[str]) -> bool:
    wanted = list(dict.fromkeys(content_words(phrase)))
    if not wanted:
        return False
    if any(word in NEGATORS for word, _ in wanted):
        # A negated key point needs a negated answer: "outputs are zero-centred" must not
        # cover "outputs are not zero-centred", however many other words they share.
        if not offered & NEGATION_CUES:
            return False
        wanted = [(w, s) for w, s in wanted if w not in NEGATORS] or wanted
    else:
        # An answer that negates a word the key point asserts contradicts it, however
        # many other words they share ("outputs are not zero-centred").
        negated: AbstractSet[str] = getattr(offered, "negated", frozenset())
        if any(word in negated or stemmed in negated for word, stemmed in wanted):
            return False
    found = sum(_close(word, stemmed, offered) for word, stemmed in wanted)
    if len(wanted) <= SHORT_PHRASE_WORDS:
        return found == len(wanted)
    return found >= LONG_PHRASE_SHARE * len(wanted)


def point_covered(point: KeyPoint, offered: set[str]) -> bool:
    return any(phrase_covered(p, offered) for p in (point.text, *point.accept))


def propose_rating(covered: int, total: int) -> int:
    if total == 0 or covered == total:
        return GOOD if covered or total == 0 else AGAIN
    if covered * 2 >= total:
        return HARD
    return AGAIN


def grade(answer: str, key_points: tuple[KeyPoint, ...] | list[KeyPoint]) -> Grade:
    """Which key points ``answer`` covers, and the rating that suggests."""
    offered = answer_words(answer) if answer.strip() else set()
    covered = tuple(p for p in key_points if offered and point_covered(p, offered))
    missed = tuple(p for p in key_points if p not in covered)
    rating = propose_rating(len(covered), len(key_points)) if offered else AGAIN
    return Grade(covered, missed, rating)
