"""A cache of parsed decks, so lookups skip YAML parsing (and importing PyYAML) entirely.

Keyed by each file's resolved path, size and modification time; a file that changed, or
had problems, is parsed again. The cache holds plain tuples written with :mod:`marshal`
(built in, so free to import, and unable to run code when read). Losing the cache costs
only speed: any error reading or writing it is ignored.
"""

from __future__ import annotations

import marshal
from pathlib import Path
from typing import Any

from quizprep import __version__
from quizprep.decks.model import Card, Deck, FollowUp, KeyPoint

# A new release may check decks differently, so its cache starts afresh.
FORMAT = f"3/{__version__}"


class DeckCache:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.entries: dict[str, Any] = {}
        self.dirty = False
        try:
            data = marshal.loads(path.read_bytes())
            if isinstance(data, dict) and data.get("format") == FORMAT:
                entries = data.get("entries")
                self.entries = entries if isinstance(entries, dict) else {}
        except (OSError, ValueError, EOFError, TypeError, KeyError):
            pass

    @staticmethod
    def _stamp(path: Path) -> tuple[int, int] | None:
        try:
            st = path.stat()
        except OSError:
            return None
        return (st.st_mtime_ns, st.st_size)

    def get(self, path: Path, builtin: bool) -> Deck | None:
        """The cached deck, or ``None`` (a miss) when absent, stale or of the wrong shape."""
        entry = self.entries.get(str(path))
        if entry is None:
            return None
        try:
            if tuple(entry[0]) != self._stamp(path):
                return None
            deck = _deck_from_data(entry[1], path, builtin)
        except (TypeError, ValueError, IndexError, KeyError, AttributeError):
            return None
        return deck if _well_formed(deck) else None

    def put(self, path: Path, deck: Deck) -> None:
        stamp = self._stamp(path)
        if stamp is not None:
            self.entries[str(path)] = (stamp, _deck_to_data(deck))
            self.dirty = True

    def save(self) -> None:
        if not self.dirty:
            return
        from quizprep.errors import QuizprepError
        from quizprep.files import write_atomic

        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # Atomic: a concurrent reader sees the old cache or the new one.
            write_atomic(self.path, marshal.dumps({"format": FORMAT, "entries": self.entries}))
        except (OSError, QuizprepError, ValueError):
            pass  # a read-only or odd data folder: the cache is only an optimisation


def _well_formed(deck: Deck) -> bool:
    """Field types a damaged (or foreign) cache could get wrong without raising."""
    texts = (deck.id, deck.title)
    if not all(isinstance(t, str) for t in texts) or not isinstance(deck.version, int):
        return False
    for card in deck.cards:
        strings = (card.id, card.topic, card.difficulty, card.question, card.answer)
        if not all(isinstance(t, str) for t in strings) or not isinstance(card.line, int):
            return False
        if not all(isinstance(t, tuple) for t in (card.tags, card.aliases, card.related)):
            return False
    return True


def _deck_to_data(deck: Deck) -> tuple:
    cards = tuple(
        (
            c.id, c.topic, c.difficulty, c.question, c.answer,
            tuple((k.text, k.accept, k.reject, k.optional) for k in c.key_points),
            c.tags, c.aliases, c.formula, c.math, c.why_asked, c.common_mistakes,
            tuple((f.question, f.card) for f in c.follow_ups),
            c.related, c.line, c.short, c.exercise, c.derive,
        )
        for c in deck.cards
    )  # fmt: skip
    return (deck.id, deck.title, deck.version, deck.description, deck.line, cards)


def _deck_from_data(data: tuple, path: Path, builtin: bool) -> Deck:
    deck_id, title, version, description, line, cards = data
    source = str(path)
    return Deck(
        id=deck_id,
        title=title,
        version=version,
        description=description,
        line=line,
        path=path,
        builtin=builtin,
        cards=tuple(
            Card(
                deck=deck_id, id=cid, topic=topic, difficulty=diff, question=q, answer=a,
                key_points=tuple(KeyPoint(*kp) for kp in kps),
                tags=tags, aliases=aliases, formula=formula, math=math, why_asked=why,
                common_mistakes=mistakes,
                follow_ups=tuple(FollowUp(fq, fc) for fq, fc in follows),
                related=related, source=source, line=cline, short=short,
                exercise=exercise, derive=derive,
            )
            for (cid, topic, diff, q, a, kps, tags, aliases, formula, math, why, mistakes,
                 follows, related, cline, short, exercise, derive) in cards
        ),
    )  # fmt: skip
