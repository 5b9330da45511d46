"""What the grader proposed and what the user confirmed, kept with each graded answer.

The share of graded answers where the user changed a verdict is the field measure of
grading quality; ``quizprep stats`` shows it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from quizprep.decks.model import Card
    from quizprep.study.storage import Storage


class GradeOverrides(NamedTuple):
    graded: int  # typed answers graded (whose review still exists)
    overridden: int  # of those, answers where the user changed at least one verdict
    points: int  # key points graded
    points_changed: int  # key points whose verdict the user changed

    @property
    def share(self) -> float | None:
        return self.overridden / self.graded if self.graded else None

    def to_json(self) -> dict[str, object]:
        share = self.share
        return {
            "graded": self.graded,
            "overridden": self.overridden,
            "override_rate": None if share is None else round(share, 4),
            "points": self.points,
            "points_changed": self.points_changed,
        }


def record(
    storage: Storage,
    card: Card,
    grader: Sequence[str],
    final: Sequence[str],
    proposed: int,
    rating: int | None,
    when: datetime,
    *,
    review_id: int | None = None,
    interview_id: int | None = None,
    position: int | None = None,
) -> None:
    """Store one graded answer's verdicts (the grader's and the user's), committed at once."""
    import json

    from quizprep.study.storage import to_ms

    with storage.transaction() as db:
        db.execute(
            "INSERT INTO review_grades (review_id, interview_id, position, deck_id, card_id,"
            " graded_at, grader, final, proposed, rating, overridden)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            (
                review_id,
                interview_id,
                position,
                card.deck,
                card.id,
                to_ms(when),
                json.dumps(list(grader)),
                json.dumps(list(final)),
                proposed,
                rating,
                int(list(grader) != list(final)),
            ),
        )


def overrides(storage: Storage) -> GradeOverrides:
    """How often the user overrode the grader, over answers whose review still exists."""
    rows = storage.query(
        "SELECT grader, final, overridden FROM review_grades"
        " WHERE review_id IS NULL OR review_id IN (SELECT id FROM review_log)"
    )
    if not rows:
        return GradeOverrides(0, 0, 0, 0)
    import json  # only with graded answers to count (`stats` imports this module)

    points = changed = overridden = 0
    for grader_json, final_json, flag in rows:
        try:
            grader, final = json.loads(grader_json), json.loads(final_json)
        except ValueError:
            continue
        points += len(grader)
        changed += sum(a != b for a, b in zip(grader, final, strict=False))
        overridden += bool(flag)
    return GradeOverrides(len(rows), overridden, points, changed)
