"""The user is the final judge: number keys toggle the grader's verdicts before rating.

Used by the drill's typed mode and by the interview scorecard. Each number key cycles that
key point covered → missed → contradicted → covered; the proposed rating follows
:func:`quizprep.study.grading.rate`. Enter (or space) confirms.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from quizprep.tui.keys import ENTER, ESCAPE

if TYPE_CHECKING:
    from quizprep.decks.model import Card
    from quizprep.study.grading import Grade
    from quizprep.tui.keys import KeySource

CONFIRM = frozenset({ENTER, " ", "\r", "\n", "q", ESCAPE})


def confirm_verdicts(
    card: Card,
    graded: Grade,
    keys: KeySource,
    draw: Callable[[Grade, str | None], None],
) -> Grade:
    """Show ``graded``, let number keys toggle verdicts until Enter; return the final grade.

    ``draw(grade, note)`` renders the current verdicts. Ctrl-C and the end of input
    propagate to the caller's loop, which keeps what was already saved.
    """
    from quizprep.study.grading import toggled

    note: str | None = None
    count = len(graded.points)
    while True:
        draw(graded, note)
        note = None
        key = keys.read_key()
        if key in CONFIRM:
            return graded
        if key.isdigit() and 1 <= int(key) <= count:
            graded = toggled(card, graded, int(key) - 1)
        else:
            last = f"1–{count}" if count > 1 else "1"
            note = f"{last} change a key point's verdict · Enter accept."
