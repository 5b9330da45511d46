"""Every test gets its own empty data folder; the real one is never touched."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DECKS = Path(__file__).resolve().parent / "decks"


@pytest.fixture(autouse=True)
def quizprep_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "quizprep-home"
    monkeypatch.setenv("QUIZPREP_HOME", str(home))
    # Rich reads these; tests want plain, wide-enough, deterministic output.
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    return home
