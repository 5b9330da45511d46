"""Settings remembered in the progress database (one row per key in ``settings``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from quizprep.errors import QuizprepError

if TYPE_CHECKING:
    from quizprep.study.storage import Storage

RETENTION_SETTING = "desired_retention"


def desired_retention(storage: Storage, override: float | None = None) -> float:
    """``override`` (checked, then remembered), else the remembered value, else 0.9."""
    from quizprep.study.scheduler import DEFAULT_RETENTION, check_retention

    if override is not None:
        check_retention(override)
        storage.set_setting(RETENTION_SETTING, repr(override))
        return override
    saved = storage.setting(RETENTION_SETTING)
    try:
        return check_retention(float(saved)) if saved else DEFAULT_RETENTION
    except (ValueError, QuizprepError):
        return DEFAULT_RETENTION


NEW_LIMIT_SETTING = "new_per_day"  # the default for every deck; per deck "new_per_day:<id>"
WELCOMED_SETTING = "welcomed"  # the first drill's welcome screen has been shown


def new_card_limits(storage: Storage) -> tuple[int, dict[str, int]]:
    """Every deck's daily new-card limit: (the default, {deck id: its own limit})."""
    from quizprep.study.session import DEFAULT_NEW_PER_DAY

    default = _count(storage.setting(NEW_LIMIT_SETTING), DEFAULT_NEW_PER_DAY)
    prefix = NEW_LIMIT_SETTING + ":"
    own = {
        name[len(prefix) :]: _count(value, default)
        for name, value in storage.settings(prefix).items()
    }
    return default, own


def set_new_card_limit(storage: Storage, deck: str | None, limit: int | None) -> None:
    """Remember a deck's limit (``deck=None``: every deck, dropping their own limits).

    ``limit=None`` forgets a deck's own limit, so it follows the default again.
    """
    if limit is not None and limit < 0:
        raise QuizprepError("a new-card limit must be 0 or more")
    prefix = NEW_LIMIT_SETTING + ":"
    if deck is None:
        if limit is None:
            raise ValueError("the default limit needs a number")
        for name in storage.settings(prefix):
            storage.delete_setting(name)
        storage.set_setting(NEW_LIMIT_SETTING, str(limit))
    elif limit is None:
        storage.delete_setting(prefix + deck)
    else:
        storage.set_setting(prefix + deck, str(limit))


def _count(text: str | None, fallback: int) -> int:
    try:
        value = int(text) if text is not None else fallback
    except ValueError:
        return fallback
    return value if value >= 0 else fallback
