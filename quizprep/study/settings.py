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
