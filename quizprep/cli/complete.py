"""Shell-completion callbacks (`quizprep --install-completion`).

Each runs on every Tab press, so each stays cheap: deck data comes from the parsed-deck cache
(no PyYAML), names from :mod:`quizprep.core.names` (no NumPy), and nothing opens SQLite.
A broken deck just completes nothing; completion must never print an error.

Typer inspects the signature of every completion callback each time it builds the command
tree, i.e. on every run. So the callbacks are handed to typer only while the shell asks for
completions (``_QUIZPREP_COMPLETE`` set); otherwise each name below is ``None`` and an
everyday command pays nothing for them.
"""

import os
from collections.abc import Callable
from typing import Any

COMPLETING = "_QUIZPREP_COMPLETE" in os.environ


def _matching(values: Any, incomplete: str) -> list[str]:
    return sorted({v for v in values if v.lower().startswith(incomplete.lower())})


def _cards() -> list[Any]:
    try:
        from quizprep.decks.catalog import load_catalog

        return load_catalog(strict=False).cards
    except Exception:  # completion must never fail loudly
        return []


def _deck_ids(incomplete: str) -> list[str]:
    return _matching({card.deck for card in _cards()}, incomplete)


def _topics(incomplete: str) -> list[str]:
    return _matching({card.topic for card in _cards()}, incomplete)


def _tags(incomplete: str) -> list[str]:
    return _matching({tag for card in _cards() for tag in card.tags}, incomplete)


def _card_refs(incomplete: str) -> list[str]:
    return _matching({card.ref for card in _cards()}, incomplete)


def _difficulties(incomplete: str) -> list[str]:
    from quizprep.decks.model import DIFFICULTIES

    return _matching(DIFFICULTIES, incomplete)


def _orders(incomplete: str) -> list[str]:
    from quizprep.tui.drill import ORDERS

    return _matching(ORDERS, incomplete)


def _math_names(incomplete: str) -> list[str]:
    from quizprep.core.names import FUNCTIONS

    return _matching((*FUNCTIONS, "demo"), incomplete)


def _demo_names(incomplete: str) -> list[str]:
    from quizprep.core.names import DEMOS

    return _matching(DEMOS, incomplete)


def _shells(incomplete: str) -> list[str]:
    return _matching(("bash", "zsh", "fish", "powershell"), incomplete)


def _offered(callback: Callable[[str], list[str]]) -> Callable[[str], list[str]] | None:
    return callback if COMPLETING else None


deck_ids = _offered(_deck_ids)
topics = _offered(_topics)
tags = _offered(_tags)
card_refs = _offered(_card_refs)
difficulties = _offered(_difficulties)
orders = _offered(_orders)
math_names = _offered(_math_names)
demo_names = _offered(_demo_names)
shells = _offered(_shells)
