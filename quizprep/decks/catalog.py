"""All the decks a command can see: built-in, the user's folder, and ``--deck`` paths."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from quizprep.decks.cache import DeckCache
from quizprep.decks.model import DIFFICULTIES, Card, Deck
from quizprep.decks.problem import Problem
from quizprep.errors import QuizprepError
from quizprep.paths import builtin_content_dir, data_home, user_decks_dir

DECK_SUFFIXES = (".yaml", ".yml")


class Catalog:
    def __init__(self, decks: list[Deck], problems: list[Problem] | None = None) -> None:
        self.decks = decks
        self.problems = problems if problems is not None else []

    @property
    def cards(self) -> list[Card]:
        return [card for deck in self.decks for card in deck.cards]

    def deck(self, deck_id: str) -> Deck | None:
        return next((d for d in self.decks if d.id == deck_id), None)

    def card(self, deck_id: str, card_id: str) -> Card | None:
        deck = self.deck(deck_id)
        if deck is None:
            return None
        return next((c for c in deck.cards if c.id == card_id), None)

    def resolve(self, ref: str, from_deck: str) -> Card | None:
        """A ``related`` / follow-up reference: ``card-id`` in ``from_deck`` or ``deck/card``."""
        deck_id, _, card_id = ref.rpartition("/")
        return self.card(deck_id or from_deck, card_id)

    def select(
        self,
        topic: str | None = None,
        difficulty: str | None = None,
        tag: str | None = None,
    ) -> list[Card]:
        """Cards matching every given filter (case-insensitive; topic and tag by substring)."""
        if difficulty is not None and difficulty.lower() not in DIFFICULTIES:
            raise QuizprepError(
                f"unknown difficulty {difficulty!r}; use one of {', '.join(DIFFICULTIES)}"
            )
        out = []
        for card in self.cards:
            if topic and topic.lower() not in card.topic.lower():
                continue
            if difficulty and card.difficulty != difficulty.lower():
                continue
            if tag and not any(tag.lower() == t.lower() for t in card.tags):
                continue
            out.append(card)
        return out


def deck_files(path: Path) -> list[Path]:
    """A file, or every deck file below a folder, in a stable order.

    Entries that vanish during the scan (a sync client's temporary folders) are skipped.
    """
    if path.is_dir():
        from quizprep.files import files_below

        return files_below(path, DECK_SUFFIXES)
    return [path]


def load_catalog(
    deck_paths: Iterable[Path] = (),
    *,
    include_builtin: bool = True,
    include_user: bool = True,
    strict: bool = True,
) -> Catalog:
    """Load every visible deck and check references between them.

    With ``strict`` (what ``list``, ``explain`` and ``drill`` use) any problem raises a
    :class:`QuizprepError` listing them all; ``deck validate`` passes ``strict=False`` and
    reports ``catalog.problems`` itself.
    """
    sources: list[tuple[Path, bool]] = []
    if include_builtin:
        sources += [(p, True) for p in deck_files(builtin_content_dir())]
    if include_user:
        folder = user_decks_dir()
        if folder.is_dir():
            sources += [(p, False) for p in deck_files(folder)]
    for path in deck_paths:
        if not path.exists():
            raise QuizprepError(f"{path}: no such file or folder")
        files = deck_files(path)
        if not files:
            raise QuizprepError(f"{path}: no .yaml or .yml deck files in this folder")
        sources += [(p, False) for p in files]

    catalog = Catalog(decks=[])
    cache = DeckCache(data_home() / "cache" / "decks.marshal")
    seen: set[Path] = set()
    for path, builtin in sources:
        path = path.resolve()
        if path in seen:  # the same file named twice (user folder and --deck) loads once
            continue
        seen.add(path)
        deck = cache.get(path, builtin)
        if deck is None:
            from quizprep.decks.loader import load_deck  # PyYAML is imported only on a cache miss

            deck, problems = load_deck(path, builtin=builtin)
            catalog.problems += problems
            if deck is not None and not problems:
                cache.put(path, deck)
        if deck is not None:
            catalog.decks.append(deck)
    cache.save()
    catalog.problems += check_references(catalog.decks)
    if strict and catalog.problems:
        raise deck_error(catalog.problems)
    return catalog


def check_references(decks: Sequence[Deck]) -> list[Problem]:
    """Problems that need more than one file: duplicate deck ids and cross-deck refs."""
    problems: list[Problem] = []
    by_id: dict[str, Deck] = {}
    for deck in decks:
        if deck.id in by_id:
            first = by_id[deck.id]
            problems.append(
                Problem(
                    str(deck.path),
                    deck.line,
                    f"deck id {deck.id!r} is already used by {first.path}; "
                    "each deck needs its own 'deck:' id",
                )
            )
            # Both files share the blame: validating either one alone must say so.
            problems.append(
                Problem(
                    str(first.path),
                    first.line,
                    f"deck id {deck.id!r} is also used by {deck.path}; "
                    "each deck needs its own 'deck:' id",
                )
            )
            continue
        by_id[deck.id] = deck
    cards = {(c.deck, c.id) for d in by_id.values() for c in d.cards}
    for deck in by_id.values():
        for card in deck.cards:
            refs = [("related card", r) for r in card.related]
            refs += [("follow-up card", f.card) for f in card.follow_ups if f.card]
            for what, ref in refs:
                if "/" not in ref:
                    continue  # same-deck refs were checked by the loader
                target_deck, _, target = ref.rpartition("/")
                if (target_deck, target) not in cards:
                    problems.append(
                        Problem(
                            card.source,
                            card.line,
                            f"card {card.id!r}: {what} {ref!r} does not exist",
                        )
                    )
    return problems


def deck_error(problems: Sequence[Problem]) -> QuizprepError:
    lines = [str(p) for p in sorted(problems)]
    shown = lines[:20]
    if len(lines) > len(shown):
        shown.append(f"… and {len(lines) - len(shown)} more")
    return QuizprepError(
        "\n".join(shown),
        hint="Run `quizprep deck validate PATH` for the full list.",
    )
