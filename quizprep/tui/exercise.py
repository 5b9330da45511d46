"""Exercises inside the drill: ``c`` on a code card, and the typed answer of a derivation card.

Kept apart from :mod:`quizprep.tui.drill` so the drill only calls two functions:
:func:`code_exercise` (write the starter if needed, open ``$EDITOR``, run the check, show it)
and :func:`derivation` (ask for an expression until one parses, check it, show it). Each
returns the rating the check proposes, or ``None`` when there is nothing to rate.
"""

from __future__ import annotations

import os
from contextlib import suppress
from pathlib import Path
from typing import TYPE_CHECKING

from quizprep.errors import QuizprepError

if TYPE_CHECKING:
    from rich.console import Console

    from quizprep.decks.model import Card
    from quizprep.tui.keys import KeySource

MAX_TRIES = 3  # parse errors before the drill just reveals the answer


def editor_command() -> list[str] | None:
    """``$VISUAL`` or ``$EDITOR`` split like a shell would, or None when neither is set."""
    value = os.environ.get("VISUAL") or os.environ.get("EDITOR")
    if not value or not value.strip():
        return None
    import shlex

    try:
        return shlex.split(value)
    except ValueError:
        return [value]


def open_editor(path: Path) -> bool:
    """Open ``path`` in the user's editor and wait; False when no editor is set."""
    command = editor_command()
    if command is None:
        return False
    import subprocess

    try:
        subprocess.call([*command, str(path)])
    except OSError as exc:
        raise QuizprepError(
            f"cannot start your editor {command[0]!r} ({exc.strerror or exc})",
            hint="Check $EDITOR (or $VISUAL), or edit the file yourself.",
        ) from None
    return True


def code_exercise(card: Card, console: Console, keys: KeySource) -> tuple[int | None, str]:
    """The ``c`` key: (proposed rating or None, a note for the card screen)."""
    from quizprep.study.practice import starter_target, write_starter

    if not card.exercise:
        return None, "No code exercise for this card."
    target = starter_target(card.exercise)
    try:
        created = not target.exists()
        if created:
            write_starter(card.exercise, target)
        edited = open_editor(target)
    except QuizprepError as exc:
        return None, exc.message
    if not edited and created:
        return None, (f"Wrote {target}. Edit it (or set $EDITOR), then press c again to check it.")
    return _check(target, card.exercise, console, keys)


def _check(target: Path, name: str, console: Console, keys: KeySource) -> tuple[int | None, str]:
    from quizprep.render.exercises import render_check
    from quizprep.study.coderun import check_file
    from quizprep.study.practice import code_rating, record

    console.print(f"Checking {target} …", style="dim", markup=False)
    try:
        report = check_file(target, name)
    except QuizprepError as exc:
        return None, exc.message
    rating = code_rating(report)
    # the attempt count is a nicety: a busy database must not cost the check's result
    with suppress(QuizprepError):
        record("code", name, report.passed if report.status == "ok" else 0, report.planned)
    render_check(console, report, rating)
    if keys.interactive:  # the card screen redraws over this: let it be read first
        console.print("Press any key to go back to the card.", style="dim")
        keys.read_key()
    summary = f"Code check: {report.passed} of {report.planned} cases passed ({target})."
    return rating, summary


LEFT = "\x1b"  # what derivation() returns when the prompt was left with Esc or Ctrl-D


def derivation(card: Card, console: Console, keys: KeySource) -> tuple[str, int | None, str]:
    """Ask for the card's derivative: (the answer typed, proposed rating or None, a note).

    An expression that does not parse is shown with the column and asked again; an empty
    line gives up (the answer is revealed and the user rates it). One-letter lines are the
    drill's keys and come back as the answer for the drill to act on.
    """
    from quizprep.core.exercises import DERIVATION_VARIABLES
    from quizprep.render.exercises import derive_prompt

    assert card.derive is not None
    variables = DERIVATION_VARIABLES.get(card.derive)
    if variables is None:
        return "", None, f"Unknown derivation {card.derive!r} on this card."
    for _ in range(MAX_TRIES):
        line = keys.read_answer(derive_prompt(variables))
        if line is None:  # Esc or Ctrl-D: back to the drill's keys, nothing revealed
            return LEFT, None, ""
        answer = line.strip()
        if not answer or answer.lower() in ("q", "u", "s", "m", "c"):
            return answer, None, ""
        # NumPy is needed only now, to evaluate the expression at random points.
        from quizprep.core.derivations import BY_NAME, check
        from quizprep.render.exercises import render_derive

        found = BY_NAME[card.derive]
        result = check(found, answer)
        render_derive(console, found, answer, result)
        if result.rated:
            from quizprep.study.practice import derive_rating, record

            with suppress(QuizprepError):
                record("derive", found.name, int(result.ok), 1)
            if keys.interactive:
                console.print("Press any key to see the model answer.", style="dim")
                keys.read_key()
            verdict = "right" if result.ok else "wrong: " + result.message
            return answer, derive_rating(result.ok), f"Your derivative is {verdict}."
    return "", None, "Three expressions did not parse; here is the answer."
