"""Finding the card a user means: ``explain focal``, ``explain "dead relu"``, ``explain kl``.

Named matches come first: the query is a card's id or ref, the words of its id, an alias or
a tag. Otherwise the words are looked up in the card index's FTS5 table and ranked with bm25,
a weight per field (id and aliases, tags, question, topic, answer). A word match counts only
when the card *covers* the query: (nearly) every query word is in the card, and at least half
of them in its id, aliases, tags, topic or question — a word that only turns up in some
answer is not a card about it. A word no card contains is corrected through the trigram
spelling index when one fix is obvious (``huberr`` → ``huber``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, NamedTuple

from quizprep.decks.model import Card
from quizprep.decks.text import STOP, phrase, words

if TYPE_CHECKING:
    from quizprep.decks.index import CardIndex

NAMED = 100.0  # every named match scores at least this; word matches stay below it
CANDIDATES = 100  # best-ranked cards checked for coverage
_HIGH = "{name tags question topic}"


class Match(NamedTuple):
    card: Card
    score: float


class Result:
    """What a lookup found: the covering cards, or the closest ones when none covers it."""

    __slots__ = ("closest", "corrected", "matches", "suggestions")

    def __init__(
        self,
        matches: list[Match],
        corrected: str | None = None,
        closest: tuple[Card, ...] = (),
        suggestions: tuple[str, ...] = (),
    ) -> None:
        self.matches = matches  # cards that cover the query, best first
        self.corrected = corrected  # the query searched instead of a mistyped one
        self.closest = closest  # when nothing covers the query: the nearest cards
        self.suggestions = suggestions  # lookup words close to the query ("did you mean")


def search(index: CardIndex, query: str) -> Result:
    """Look ``query`` up in the visible cards of ``index``."""
    if not phrase(query):
        return Result([])
    matches, ranked = _covering(index, query)
    if matches:
        return Result(matches)
    fixed = _correct(index, query)
    if fixed is not None:
        matches, _ = _covering(index, fixed)
        if matches:
            return Result(matches, corrected=fixed)
    near_cards = index.cards_by_number([n for n, _ in ranked[:5]])
    closest = [near_cards[n] for n, _ in ranked[:5] if n in near_cards]
    near = [fixed] if fixed else []
    near += [w for w in _close_words(index, query) if w not in near]
    return Result([], closest=tuple(closest), suggestions=tuple(near[:5]))


def _covering(index: CardIndex, query: str) -> tuple[list[Match], list[tuple[int, float]]]:
    """Cards that cover ``query``, best first, and the bm25 ranking they came from."""
    raw, words_phrase = query.strip().lower(), phrase(query)
    named = index.named(raw, words_phrase)
    if named:
        cards = index.cards_by_number([n for n, _ in named])
        found = [Match(cards[n], score) for n, score in named if n in cards]
        found.sort(key=lambda m: (-m.score, m.card.deck, m.card.id))
        return found, []
    terms = list(dict.fromkeys(words(query) or words(query, keep_stopwords=True)))
    # A word the index holds is matched as it is (porter stemming already joins "losses"
    # and "loss"); only a word it lacks is matched as a prefix ("sigm"): prefix queries
    # merge many doclists and were most of a search's time at 10,000 cards.
    terms = [f'"{t}"' if index.known(f'"{t}"') else _term(t) for t in terms]
    ranked = index.ranked(" OR ".join(terms), CANDIDATES)
    if not ranked:
        return [], []
    numbers = [n for n, _ in ranked]
    high = dict.fromkeys(numbers, 0)
    found_in = dict.fromkeys(numbers, 0)
    for term in terms:
        in_high = index.matching(f"{_HIGH} : {term}", numbers)
        in_answer = index.matching(f"answer : {term}", numbers)
        for n in in_high:
            high[n] += 1
        for n in in_high | in_answer:
            found_in[n] += 1
    need = len(terms) - len(terms) // 4  # 1→1, 2→2, 3→3, 4→3, 5→4: one stray word in four
    covered = [(n, rank) for n, rank in ranked if found_in[n] >= need and 2 * high[n] >= len(terms)]
    cards = index.cards_by_number([n for n, _ in covered])
    matches = []
    for n, rank in covered:
        coverage = found_in[n] / len(terms)
        matches.append(Match(cards[n], min(-rank * coverage * coverage, NAMED - 1.0)))
    matches.sort(key=lambda m: (-m.score, m.card.deck, m.card.id))
    return matches, ranked


def _term(word: str) -> str:
    # Quoted: a word is never FTS5 syntax. Words of 3+ letters also match as a prefix.
    return f'"{word}"*' if len(word) >= 3 else f'"{word}"'


def _correct(index: CardIndex, query: str) -> str | None:
    """``query`` with each word no card contains replaced by its one obvious fix, if any."""
    out, changed = [], False
    for word in words(query, keep_stopwords=True):
        if word in STOP or index.known(f'"{word}"'):
            out.append(word)
            continue
        fix = _fix(index, word)
        if fix is None:
            if not index.known(_term(word)):
                return None  # an unknown word without an obvious fix: no guessing
            out.append(word)
            continue
        out.append(fix)
        changed = True
    return " ".join(out) if changed else None


def _fix(index: CardIndex, word: str) -> str | None:
    if len(word) < 3:
        return None
    limit = 1 if len(word) <= 4 else 2
    grams = [word[i : i + 3] for i in range(len(word) - 2)]
    scored = sorted(
        (d, term)
        for term in index.near_terms(grams, 200)
        if (d := distance(word, term)) <= limit and term != word
    )
    if not scored:
        return None
    best = [term for d, term in scored if d == scored[0][0]]
    return best[0] if len(best) == 1 else None


def _close_words(index: CardIndex, query: str) -> list[str]:
    import difflib

    target = query.strip().lower()
    return difflib.get_close_matches(target, index.lookup_words(), n=5, cutoff=0.6)


def distance(a: str, b: str) -> int:
    """Edit distance counting a swap of neighbours as one edit (``sigmiod`` → ``sigmoid``)."""
    if abs(len(a) - len(b)) > 2:
        return 3
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[-1]


def find(cards: Sequence[Card], query: str) -> list[Match]:
    """Cards among ``cards`` that cover ``query``, best first (empty when none does)."""
    from quizprep.decks.index import CardIndex

    return search(CardIndex.of_cards(cards), query).matches


def good_alternatives(matches: Sequence[Match], limit: int = 5) -> list[Match]:
    """Matches after the best worth listing: named by an alias or tag, or close in score."""
    if not matches:
        return []
    best = matches[0].score
    return [m for m in matches[1:] if m.score >= NAMED or m.score >= best * 0.5][:limit]


def suggestions(cards: Sequence[Card], query: str, n: int = 5) -> list[str]:
    """Lookup words (ids, aliases, tags) close to ``query``, for a "did you mean" line."""
    import difflib

    query = query.strip().lower()
    if not query:
        return []
    vocab: dict[str, None] = {}
    for card in cards:
        for word in (card.id, *card.aliases, *card.tags):
            vocab[word.lower()] = None
    return difflib.get_close_matches(query, list(vocab), n=n, cutoff=0.5)
