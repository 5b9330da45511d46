"""Shell-completion callbacks (`quizprep --install-completion`).

Each runs on every Tab press, so each stays cheap: deck data comes from the parsed-deck cache
(no PyYAML), names from :mod:`quizprep.core.names` (no NumPy), and nothing opens SQLite.
A broken deck just completes nothing; completion must never print an error.
"""

from typing import Any


def _matching(values: Any, incomplete: str) -> list[str]:
    return sorted({v for v in values if v.lower().startswith(incomplete.lower())})


def _cards() -> list[Any]:
    try:
        from quizprep.decks.catalog import load_catalog

        return load_catalog(strict=False).cards
    except Exception:  # completion must never fail loudly
        return []


def deck_ids(incomplete: str) -> list[str]:
    return _matching({card.deck for card in _cards()}, incomplete)


def topics(incomplete: str) -> list[str]:
    return _matching({card.topic for card in _cards()}, incomplete)


def tags(incomplete: str) -> list[str]:
    return _matching({tag for card in _cards() for tag in card.tags}, incomplete)


def card_refs(incomplete: str) -> list[str]:
    return _matching({card.ref for card in _cards()}, incomplete)


def difficulties(incomplete: str) -> list[str]:
    from quizprep.decks.model import DIFFICULTIES

    return _matching(DIFFICULTIES, incomplete)


def orders(incomplete: str) -> list[str]:
    from quizprep.tui.drill import ORDERS

    return _matching(ORDERS, incomplete)


def math_names(incomplete: str) -> list[str]:
    from quizprep.core.names import FUNCTIONS

    return _matching((*FUNCTIONS, "demo"), incomplete)


def demo_names(incomplete: str) -> list[str]:
    from quizprep.core.names import DEMOS

    return _matching(DEMOS, incomplete)


def shells(incomplete: str) -> list[str]:
    return _matching(("bash", "zsh", "fish", "powershell"), incomplete)
