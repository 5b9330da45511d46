"""Settings remembered in the progress database (one row per key in ``settings``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, NamedTuple

from quizprep.errors import QuizprepError

if TYPE_CHECKING:
    from quizprep.study.storage import Storage

RETENTION_SETTING = "desired_retention"
GRADER_SETTING = "grader"  # who grades typed answers: "local" or "llm:MODEL"
LOCAL = "local"


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


class Setting(NamedTuple):
    """A user setting that `quizprep config` shows and changes."""

    name: str  # what the user types
    key: str  # the row in the settings table
    default: str
    help: str
    check: Callable[[str], str]  # the value to store, or QuizprepError(exit_code=2)


def _check_grader(value: str) -> str:
    model = parse_grader(value)
    return LOCAL if model is None else f"llm:{model}"


def _check_retention(value: str) -> str:
    from quizprep.study.scheduler import check_retention

    try:
        number = float(value)
    except ValueError:
        raise QuizprepError(f"retention must be a number, got {value!r}", exit_code=2) from None
    try:
        return repr(check_retention(number))
    except QuizprepError as exc:
        raise QuizprepError(exc.message, exit_code=2) from None


SETTINGS: dict[str, Setting] = {
    s.name: s
    for s in (
        Setting(
            "grader",
            "grader",
            "local",
            "who grades typed answers: local, or llm:MODEL (any model `llm models` lists)",
            _check_grader,
        ),
        Setting(
            "retention",
            RETENTION_SETTING,
            "0.9",
            "desired retention for scheduling, 0.70–0.99",
            _check_retention,
        ),
    )
}


def setting_named(name: str) -> Setting:
    if name not in SETTINGS:
        raise QuizprepError(f"no setting {name!r}; settings: {', '.join(SETTINGS)}", exit_code=2)
    return SETTINGS[name]


def current_settings(storage: Storage | None) -> list[tuple[Setting, str | None]]:
    """Every known setting with its stored value (``None``: the default applies)."""
    return [(s, storage.setting(s.key) if storage else None) for s in SETTINGS.values()]


def change_setting(storage: Storage, name: str, value: str | None) -> str | None:
    """Store ``value`` (checked) for ``name``, or remove it with ``None``; the stored value."""
    setting = setting_named(name)
    if value is None:
        with storage.transaction() as db:
            db.execute("DELETE FROM settings WHERE key = ?", (setting.key,))
        return None
    stored = setting.check(value)
    storage.set_setting(setting.key, stored)
    return stored


def parse_grader(value: str | None) -> str | None:
    """``None``/"local" → None (the local grader); "llm:MODEL" → the model id."""
    if value is None or value.strip() in ("", LOCAL):
        return None
    value = value.strip()
    if value.startswith("llm:") and value[4:].strip():
        return value[4:].strip()
    raise QuizprepError(
        f"unknown grader {value!r}: use 'local' or 'llm:MODEL' (e.g. llm:gpt-4o-mini)",
        exit_code=2,
    )


def chosen_grader(storage: Storage | None, option: str | None) -> str | None:
    """The model id to use: the ``--grader`` option, else the remembered setting."""
    if option is not None:
        return parse_grader(option)
    saved = storage.setting(GRADER_SETTING) if storage is not None else None
    try:
        return parse_grader(saved)
    except QuizprepError:
        return None  # a damaged setting must not stop a drill; `config` shows it
