"""All the decks a command can see: built-in, the user's folder, and ``--deck`` paths."""

from __future__ import annotations

import contextlib
from collections.abc import Collection, Container, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from quizprep.decks.model import DIFFICULTIES, Card, Deck
from quizprep.decks.problem import Problem
from quizprep.errors import QuizprepError
from quizprep.paths import builtin_content_dir, data_home, user_decks_dir

if TYPE_CHECKING:
    from quizprep.decks.index import CardIndex, CardRow
    from quizprep.decks.search import Result

DECK_SUFFIXES = (".yaml", ".yml")
INDEX_NAME = "cards.sqlite3"


class Catalog:
    """The decks a command sees.

    Built by :func:`load_catalog` it reads the card index, so a command pays only for what
    it asks: one card (``card``, ``resolve``, ``search``), light rows (``rows``), or every
    card (``decks``, ``cards``: built on first use). Built from a list of decks it works
    the same, with an index in memory made when first needed.
    """

    def __init__(
        self,
        decks: list[Deck] | None = None,
        problems: list[Problem] | None = None,
        *,
        index: CardIndex | None = None,
    ) -> None:
        self._decks = decks
        self.problems = problems if problems is not None else []
        self._index = index

    @property
    def index(self) -> CardIndex:
        if self._index is None:
            from quizprep.decks.index import CardIndex

            self._index = CardIndex.of_cards([c for d in self._decks or [] for c in d.cards])
        return self._index

    @property
    def decks(self) -> list[Deck]:
        if self._decks is None:
            self._decks = self.index.decks()
        return self._decks

    @property
    def cards(self) -> list[Card]:
        return [card for deck in self.decks for card in deck.cards]

    def deck(self, deck_id: str) -> Deck | None:
        return next((d for d in self.decks if d.id == deck_id), None)

    def card(self, deck_id: str, card_id: str) -> Card | None:
        if self._index is None and self._decks is not None:
            deck = self.deck(deck_id)
            return next((c for c in deck.cards if c.id == card_id), None) if deck else None
        return self.index.card(deck_id, card_id)

    def resolve(self, ref: str, from_deck: str) -> Card | None:
        """A ``related`` / follow-up reference: ``card-id`` in ``from_deck`` or ``deck/card``."""
        deck_id, _, card_id = ref.rpartition("/")
        return self.card(deck_id or from_deck, card_id)

    def search(self, query: str) -> Result:
        """``explain``'s lookup: see :mod:`quizprep.decks.search`."""
        from quizprep.decks.search import search

        return search(self.index, query)

    def select(
        self,
        topic: str | None = None,
        difficulty: str | None = None,
        tag: str | None = None,
    ) -> list[Card]:
        """Cards matching every given filter (case-insensitive; topic by substring)."""
        _check_difficulty(difficulty)
        numbers = [n for n, _, _ in self.index.numbers(topic, difficulty, tag)]
        found = self.index.cards_by_number(numbers)
        return [found[n] for n in numbers]

    def rows(
        self,
        topic: str | None = None,
        difficulty: str | None = None,
        tag: str | None = None,
        *,
        question: bool = True,
    ) -> Iterator[CardRow]:
        """The matching cards' deck, id, topic, difficulty and question, streamed.

        ``question=False`` leaves the question empty and reads a small index only.
        """
        _check_difficulty(difficulty)
        return self.index.rows(topic, difficulty, tag, question=question)

    def stream(
        self, topic: str | None = None, difficulty: str | None = None, tag: str | None = None
    ) -> Iterator[Card]:
        """The matching cards one at a time, in deck order (``list --json``)."""
        _check_difficulty(difficulty)
        return self.index.full_rows(topic, difficulty, tag)

    def shape(
        self, topic: str | None = None, difficulty: str | None = None, tag: str | None = None
    ) -> ListShape:
        """How many cards match, per difficulty, and their longest ref and topic."""
        _check_difficulty(difficulty)
        count, ref, topic_width = self.index.widest(topic, difficulty, tag)
        return ListShape(count, ref, topic_width, self.index.counts(topic, difficulty, tag))

    def groups(self) -> list[tuple[str, str, int]]:
        """(topic, difficulty, how many cards) over the visible cards, counted in SQL."""
        return self.index.groups()

    def light_rows(self, keys: Collection[tuple[str, str]]) -> list[CardRow]:
        """Light rows (no question) of the visible cards whose key is in ``keys``."""
        if len(keys) < 2000:  # a lookup each beats reading every row of a big deck
            return self.index.rows_for_keys(keys)
        return [row for row in self.index.rows(question=False) if row.key in keys]

    def study_cards(
        self,
        seen: Container[tuple[str, str]],
        unseen_per_deck: int | None,
        topic: str | None = None,
        difficulty: str | None = None,
        tag: str | None = None,
    ) -> list[Card]:
        """What a drill can show today, without building every card of a big deck.

        Every matching card in ``seen`` (cards with progress), and of the others only the
        first ``unseen_per_deck`` of each deck, in deck order (``None``: all of them).
        """
        _check_difficulty(difficulty)
        numbers = self.index.study_numbers(seen, unseen_per_deck, topic, difficulty, tag)
        found = self.index.cards_by_number(numbers)
        return [found[n] for n in numbers]


class ListShape:
    """How many cards a listing holds, per difficulty, and its widest ref and topic."""

    __slots__ = ("by_difficulty", "cards", "ref_width", "topic_width")

    def __init__(
        self, cards: int, ref_width: int, topic_width: int, by_difficulty: dict[str, int]
    ) -> None:
        self.cards, self.ref_width, self.topic_width = cards, ref_width, topic_width
        self.by_difficulty = by_difficulty


def _check_difficulty(difficulty: str | None) -> None:
    if difficulty is not None and difficulty.lower() not in DIFFICULTIES:
        raise QuizprepError(
            f"unknown difficulty {difficulty!r}; use one of {', '.join(DIFFICULTIES)}"
        )


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
    sources = catalog_sources(deck_paths, include_builtin, include_user)
    index = open_index(sources)
    catalog = Catalog(index=index, problems=index.problems())
    if strict and catalog.problems:
        raise deck_error(catalog.problems)
    return catalog


def catalog_sources(
    deck_paths: Iterable[Path] = (), include_builtin: bool = True, include_user: bool = True
) -> list[tuple[Path, bool]]:
    """The deck files a command sees, in order, each with whether it is built in."""
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
    return sources


def open_index(sources: Iterable[tuple[Path, bool]]) -> CardIndex:
    """The card index, brought up to date with these files (each named once)."""
    from quizprep.decks.index import CardIndex, Source
    from quizprep.decks.progressbar import ProgressBar

    unique: dict[Path, Source] = {}
    for path, builtin in sources:
        path = path.resolve()
        unique.setdefault(path, Source(path, builtin))  # a file named twice loads once
    cache = data_home() / "cache"
    index = CardIndex.open(cache / INDEX_NAME)
    if index.path is not None and index.created:
        # The card index replaces the marshal cache of earlier releases.
        with contextlib.suppress(OSError):
            (cache / "decks.marshal").unlink(missing_ok=True)
    with ProgressBar("Indexing decks", "files") as bar:
        index.refresh(list(unique.values()), bar.update)
    return index


def deck_error(problems: Sequence[Problem]) -> QuizprepError:
    lines = [str(p) for p in sorted(problems)]
    shown = lines[:20]
    if len(lines) > len(shown):
        shown.append(f"… and {len(lines) - len(shown)} more")
    return QuizprepError(
        "\n".join(shown),
        hint="Run `quizprep deck validate PATH` for the full list.",
    )


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
