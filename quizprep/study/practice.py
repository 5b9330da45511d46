"""Exercises in the study loop: starter files, the rating a check proposes, and the attempts
that ``stats`` counts.

The rating rule is one function for both kinds, so the drill and the CLI agree: a check that
passes everything proposes Good; code that is right on ordinary inputs but breaks on hostile
ones (logits of ±1000, float32) proposes Hard; anything else Again. Easy stays the user's call.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from quizprep.core.exercises import BY_NAME, EXERCISE_NAMES, closest, starter_text
from quizprep.errors import QuizprepError

if TYPE_CHECKING:
    from quizprep.study.coderun import CheckReport
    from quizprep.study.storage import Storage

AGAIN, HARD, GOOD = 1, 2, 3
ROBUSTNESS_GROUPS = frozenset({"hostile", "float32"})


def exercises_dir() -> Path:
    from quizprep.paths import data_home

    return data_home() / "exercises"


def check_name(name: str) -> str:
    if name not in BY_NAME:
        raise QuizprepError(
            f"unknown exercise {name!r}{closest(name, EXERCISE_NAMES)}",
            hint="`quizprep code` lists the exercises.",
        )
    return name


def starter_target(name: str, path: Path | None = None) -> Path:
    """Where ``quizprep code NAME`` writes: ``path`` (a file, or a folder to put it in), or
    the data folder's ``exercises/``."""
    filename = f"{name.replace('-', '_')}.py"
    if path is None:
        return exercises_dir() / filename
    if path.is_dir() or str(path).endswith(os.sep):
        return path / filename
    return path


def write_starter(name: str, path: Path | None = None, *, force: bool = False) -> Path:
    """Write the starter file for ``name``; an existing file is kept unless ``force``."""
    check_name(name)
    target = starter_target(name, path)
    if target.exists() and not force:
        raise QuizprepError(
            f"{target} already exists (your work so far)",
            hint=f"Check it with `quizprep code check {target}`, or pass --force to start over.",
        )
    if target.suffix != ".py":
        raise QuizprepError(f"{target}: an exercise file must end in .py")
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(starter_text(name), encoding="utf-8")
        os.replace(tmp, target)  # never a half-written file in place of the user's
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise QuizprepError(f"{target}: cannot write it ({exc.strerror or exc})") from None
    return target


def code_rating(report: CheckReport) -> int:
    """The rating a code check proposes (see the module notes)."""
    if report.all_passed:
        return GOOD
    if report.status != "ok" or not report.results:
        return AGAIN
    failed = {r["group"] for r in report.results if not r["passed"]}
    return HARD if failed <= ROBUSTNESS_GROUPS else AGAIN


def derive_rating(ok: bool) -> int:
    return GOOD if ok else AGAIN


def record_attempt(
    storage: Storage, kind: str, name: str, passed: int, total: int, at: datetime
) -> None:
    from quizprep.study.storage import to_ms

    with storage.transaction() as db:
        db.execute(
            "INSERT INTO exercise_attempts (kind, name, attempted_at, passed, total)"
            " VALUES (?, ?, ?, ?, ?)",
            (kind, name, to_ms(at), passed, total),
        )


def record(kind: str, name: str, passed: int, total: int, at: datetime | None = None) -> None:
    """Record one attempt in the default progress database."""
    from quizprep.study.scheduler import utc_now
    from quizprep.study.storage import Storage

    with Storage.open() as storage:
        record_attempt(storage, kind, name, passed, total, at or utc_now())


class ExerciseStats(NamedTuple):
    kind: str  # "code" or "derive"
    available: int  # exercises of this kind there are
    attempted: int  # distinct exercises tried
    passed: int  # distinct exercises whose latest attempt passed everything
    attempts: int  # all attempts

    def to_json(self) -> dict[str, Any]:
        return self._asdict()


def exercise_stats(storage: Storage) -> list[ExerciseStats]:
    """Attempted and passed exercises of each kind (a pass = the latest attempt passed)."""
    from quizprep.core.exercises import DERIVATION_NAMES

    rows = storage.query(
        "SELECT kind, COUNT(*), COUNT(DISTINCT name) FROM exercise_attempts GROUP BY kind"
    )
    counts = {kind: (int(n), int(distinct)) for kind, n, distinct in rows}
    latest = storage.query(
        "SELECT a.kind, COUNT(*) FROM exercise_attempts a WHERE a.passed = a.total AND a.id ="
        " (SELECT b.id FROM exercise_attempts b WHERE b.kind = a.kind AND b.name = a.name"
        "  ORDER BY b.attempted_at DESC, b.id DESC LIMIT 1) GROUP BY a.kind"
    )
    passed = {kind: int(n) for kind, n in latest}
    available = {"code": len(EXERCISE_NAMES), "derive": len(DERIVATION_NAMES)}
    return [
        ExerciseStats(
            kind, available[kind], counts.get(kind, (0, 0))[1], passed.get(kind, 0),
            counts.get(kind, (0, 0))[0],
        )
        for kind in ("code", "derive")
    ]  # fmt: skip


def latest_results(storage: Storage) -> dict[tuple[str, str], bool]:
    """(kind, name) → whether the latest attempt passed, for every exercise tried."""
    rows = storage.query(
        "SELECT a.kind, a.name, a.passed = a.total FROM exercise_attempts a WHERE a.id ="
        " (SELECT b.id FROM exercise_attempts b WHERE b.kind = a.kind AND b.name = a.name"
        "  ORDER BY b.attempted_at DESC, b.id DESC LIMIT 1)"
    )
    return {(kind, name): bool(ok) for kind, name, ok in rows}


def progress() -> dict[tuple[str, str], bool]:
    """:func:`latest_results` from the default database (empty when it cannot be read)."""
    from quizprep.study.storage import Storage

    try:
        with Storage.open() as storage:
            return latest_results(storage)
    except QuizprepError:
        return {}
