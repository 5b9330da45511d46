"""Open a card in the user's editor at its line, then read the edited card back."""

from __future__ import annotations

import os
import shlex
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from quizprep.errors import QuizprepError

if TYPE_CHECKING:
    from quizprep.decks.model import Card

# Editors that take FILE:LINE (and, for the VS Code family, --goto and --wait) rather than
# the +LINE FILE that vi, vim, nvim, nano, emacs, micro, kak and most others understand.
GOTO_EDITORS = frozenset({"code", "code-insiders", "codium", "cursor", "windsurf"})
COLON_EDITORS = frozenset({"subl", "sublime_text", "zed", "hx", "helix", "mate"})
WAIT_EDITORS = frozenset({"subl", "sublime_text", "zed", "mate"})


def editor_command(path: Path, line: int, environ: Mapping[str, str] | None = None) -> list[str]:
    """The command that opens ``path`` at ``line`` in ``$VISUAL``, ``$EDITOR`` or vi."""
    env = os.environ if environ is None else environ
    raw = env.get("VISUAL") or env.get("EDITOR") or "vi"
    argv = shlex.split(raw)
    if not argv:
        argv = ["vi"]
    name = Path(argv[0]).name.lower().removesuffix(".exe")
    line = max(line, 1)
    if name in GOTO_EDITORS:
        # A GUI editor returns at once unless told to wait for the file to close.
        wait = [] if {"-w", "--wait"} & set(argv) else ["--wait"]
        return [*argv, *wait, "--goto", f"{path}:{line}"]
    if name in COLON_EDITORS:
        wait = ["--wait"] if name in WAIT_EDITORS and "--wait" not in argv else []
        return [*argv, *wait, f"{path}:{line}"]
    return [*argv, f"+{line}", str(path)]


def edit_card(card: Card, environ: Mapping[str, str] | None = None) -> Card:
    """Edit the card's file in the editor, then load it again and return the new card.

    Raises :class:`QuizprepError` when the editor cannot start, or the file no longer loads
    or no longer holds the card (the drill then keeps the card as it was).
    """
    import subprocess

    path = Path(card.source)
    argv = editor_command(path, card.line, environ)
    try:
        subprocess.run(argv, check=False)
    except OSError as exc:
        raise QuizprepError(
            f"cannot start the editor {argv[0]!r}: {exc.strerror or exc}",
            hint="Set $EDITOR (for example `export EDITOR=nano`).",
        ) from None
    from quizprep.decks.loader import load_deck

    deck, problems = load_deck(path)
    if problems or deck is None:
        first = str(problems[0]) if problems else f"{path}: cannot be read"
        raise QuizprepError(f"not reloaded ({first}); fix it and press e again")
    fresh = next((c for c in deck.cards if c.id == card.id), None)
    if fresh is None or deck.id != card.deck:
        raise QuizprepError(f"{path} no longer has card {card.ref}; the drill keeps it as it was")
    return fresh
