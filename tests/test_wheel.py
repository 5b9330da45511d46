"""The built wheel carries the decks: an installed quizprep works from any folder."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

from .conftest import ROOT


def test_wheel_contains_content_and_works_outside_the_checkout(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(dist)],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    (wheel,) = dist.glob("quizprep-*.whl")
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        zf.extractall(tmp_path / "site")
    for deck in ("activations", "losses", "deep-dives", "exercises"):
        assert f"quizprep/content/{deck}.yaml" in names
    assert "quizprep/core/exercises/starters/stable_softmax.py" in names
    assert not any(n.startswith("tests/") for n in names)

    # Run from an unrelated folder with only the unpacked wheel on the path, so the
    # checkout's content/ folder cannot be what is found.
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {
        **os.environ,
        "PYTHONPATH": str(tmp_path / "site"),
        "QUIZPREP_HOME": str(tmp_path / "home"),
    }
    proc = subprocess.run(
        [sys.executable, "-m", "quizprep", "explain", "focal", "--json"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    card = json.loads(proc.stdout)
    assert card["id"] == "focal-loss"
    assert card["source"].startswith(str(tmp_path / "site"))

    # the exercise starters are package data, and the sandboxed check runs from the wheel
    def quizprep(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "quizprep", *args], cwd=elsewhere, env=env,
            capture_output=True, text=True, check=False,
        )  # fmt: skip

    assert quizprep("code", "huber", "--path", str(elsewhere), "--no-edit").returncode == 0
    checked = quizprep("code", "check", str(elsewhere / "huber.py"), "--json")
    assert checked.returncode == 1, checked.stderr
    report = json.loads(checked.stdout)
    assert report["status"] == "ok" and report["total"] == 7
    assert all("not written yet" in c["detail"] for c in report["cases"])
