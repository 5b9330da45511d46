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


def looks_like_path(value: str) -> bool:
    """``./acme``, ``decks/acme.yaml``, ``acme.yml``: written as a path, never a deck id."""
    return "/" in value or "\\" in value or value.endswith(DECK_SUFFIXES) or value in (".", "..")


def load_selection(values: Iterable[str | Path]) -> tuple[Catalog, set[str] | None]:
    """Read ``--deck`` values: a deck id selects that deck, a path adds a file or folder.

    Returns the catalog (every deck, plus the added paths) and the deck ids to drill:
    ``None`` for all of them, when only paths (or nothing) were given. A value written as a
    path (with a slash or a .yaml suffix) is always a path; a bare word is a deck id when
    one matches, else a path when it exists (so ``./losses`` names a folder that is also an
    id). Neither: a clear error with the closest deck ids.
    """
    paths: list[Path] = []
    words: list[str] = []
    for value in values:
        text = str(value)
        if isinstance(value, Path) or looks_like_path(text):
            paths.append(Path(text))
        else:
            words.append(text)
    catalog = load_catalog(paths)
    chosen: set[str] = set()
    extra: list[Path] = []
    for word in words:
        if catalog.deck(word) is not None:
            chosen.add(word)
        elif Path(word).exists():
            extra.append(Path(word))
        else:
            raise unknown_deck(word, [d.id for d in catalog.decks])
    if extra:
        paths += extra
        catalog = load_catalog(paths)
    if not chosen:
        return catalog, None
    # Decks added by path are studied too, next to the ones chosen by id.
    added = {p.resolve() for path in paths for p in deck_files(path)}
    chosen |= {d.id for d in catalog.decks if d.path.resolve() in added}
    return catalog, chosen


def unknown_deck(word: str, ids: Sequence[str]) -> QuizprepError:
    import difflib

    close = difflib.get_close_matches(word, ids, n=3, cutoff=0.5)
    close += [i for i in ids if word.lower() in i.lower() and i not in close][:3]
    message = f"no deck with id {word!r} and no file or folder of that name"
    if close:
        message += f"; did you mean {', '.join(close)}?"
    return QuizprepError(
        message, hint=f"Deck ids: {', '.join(ids)}. See them with `quizprep deck list`."
    )


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
