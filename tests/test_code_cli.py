"""`quizprep code`: listing, starter files, $EDITOR, checking, derivations, and stats."""

from __future__ import annotations

import json
import os
import re
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from quizprep.cli import app
from quizprep.core.exercises import EXERCISE_NAMES, starter_text

runner = CliRunner()
SOLUTIONS = Path(__file__).resolve().parent / "solutions"


def run(*args: str):
    return runner.invoke(app, list(args))


def test_code_alone_lists_exercises_and_derivations() -> None:
    result = run("code")
    assert result.exit_code == 0, result.output
    for name in ("stable-softmax", "mlp-backward", "triplet-margin", "bce-logits", "gelu-tanh"):
        assert name in result.output
    data = json.loads(run("code", "--json").stdout)
    assert [e["name"] for e in data["exercises"]] == list(EXERCISE_NAMES)
    assert len(data["derivations"]) >= 10


def test_code_is_in_the_help() -> None:
    assert "code" in run("--help").output
    assert "quizprep code check FILE" in run("code", "--help").output


def test_starter_goes_to_the_data_folder_and_is_never_overwritten(
    quizprep_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("EDITOR", raising=False)
    monkeypatch.delenv("VISUAL", raising=False)
    result = run("code", "huber")
    assert result.exit_code == 0, result.output
    path = quizprep_home / "exercises" / "huber.py"
    assert path.read_text(encoding="utf-8") == starter_text("huber")
    assert "quizprep code check" in result.stderr
    path.write_text("# quizprep exercise: huber\n# my work\n", encoding="utf-8")
    again = run("code", "huber")
    assert again.exit_code == 1
    assert "already exists" in again.stderr and "--force" in again.stderr
    assert "my work" in path.read_text(encoding="utf-8")
    forced = run("code", "huber", "--force")
    assert forced.exit_code == 0
    assert path.read_text(encoding="utf-8") == starter_text("huber")


def test_starter_path_option_takes_a_folder_or_a_file(tmp_path: Path) -> None:
    assert run("code", "info-nce", "--path", str(tmp_path), "--no-edit").exit_code == 0
    assert (tmp_path / "info_nce.py").exists()
    target = tmp_path / "sub" / "attempt.py"
    assert run("code", "info-nce", "--path", str(target), "--no-edit").exit_code == 0
    assert target.read_text(encoding="utf-8").startswith("# quizprep exercise: info-nce")
    bad = run("code", "info-nce", "--path", str(tmp_path / "x.txt"), "--no-edit")
    assert bad.exit_code == 1 and "must end in .py" in bad.stderr


def test_unknown_exercise_suggests_a_name() -> None:
    result = run("code", "stable-sofmax")
    assert result.exit_code == 1
    assert "did you mean 'stable-softmax'" in result.stderr


def fake_editor(tmp_path: Path, source: Path) -> str:
    """An $EDITOR that 'types' a solution: copies ``source`` over the file it is given."""
    script = tmp_path / "editor.sh"
    script.write_text(f'#!/bin/sh\ncp "{source}" "$1"\n', encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return str(script)


@pytest.mark.skipif(os.name != "posix", reason="a shell-script editor")
def test_editor_is_opened_on_the_starter(
    tmp_path: Path, quizprep_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EDITOR", fake_editor(tmp_path, SOLUTIONS / "huber__good.py"))
    result = run("code", "huber")
    assert result.exit_code == 0, result.output
    path = quizprep_home / "exercises" / "huber.py"
    assert "np.clip" in path.read_text(encoding="utf-8")
    checked = run("code", "check", str(path))
    assert checked.exit_code == 0, checked.output
    assert "7 of 7 cases passed" in checked.output and "3 Good" in checked.output


def test_check_json_and_exit_codes() -> None:
    good = run("code", "check", str(SOLUTIONS / "kl_batchmean__good.py"), "--json")
    assert good.exit_code == 0, good.output
    data = json.loads(good.stdout)
    assert data["all_passed"] and data["passed"] == data["total"] == 7
    assert data["proposed_rating"] == 3 and data["status"] == "ok"
    bad = run("code", "check", str(SOLUTIONS / "kl_batchmean__zero_log.py"), "--json")
    assert bad.exit_code == 1
    data = json.loads(bad.stdout)
    assert data["proposed_rating"] == 2  # right on ordinary input, breaks on a hostile one
    failing = [c for c in data["cases"] if not c["passed"]]
    assert failing[0]["group"] == "hostile" and "0·log 0 is 0" in failing[0]["hint"]
    wrong = run("code", "check", str(SOLUTIONS / "kl_batchmean__mean.py"), "--json")
    assert json.loads(wrong.stdout)["proposed_rating"] == 1


def test_check_text_shows_hint_and_first_mismatch() -> None:
    result = run("code", "check", str(SOLUTIONS / "stable_softmax__naive.py"))
    assert result.exit_code == 1
    assert "✗ softmax: logits ±1000" in result.output
    assert "softmax[0, 0] is nan, expected 1" in result.output
    assert "hint: overflow at logit 1000" in result.output
    assert "8 of 10 cases passed" in result.output and "2 Hard" in result.output


def test_check_errors_are_one_line(tmp_path: Path) -> None:
    missing = run("code", "check", str(tmp_path / "nope.py"))
    assert missing.exit_code == 1 and "no such file" in missing.stderr
    assert "Traceback" not in missing.output
    plain = tmp_path / "plain.py"
    plain.write_text("x = 1\n")
    result = run("code", "check", str(plain))
    assert result.exit_code == 1 and "--exercise NAME" in result.stderr
    usage = run("code", "check")
    assert usage.exit_code == 2


def test_check_with_exercise_option(tmp_path: Path) -> None:
    plain = tmp_path / "plain.py"
    plain.write_text((SOLUTIONS / "huber__good.py").read_text().split("\n", 1)[1])
    result = run("code", "check", str(plain), "--exercise", "huber", "--json")
    assert result.exit_code == 0 and json.loads(result.stdout)["exercise"] == "huber"


def test_user_output_is_shown_literally(tmp_path: Path) -> None:
    path = tmp_path / "loud.py"
    path.write_text(
        "# quizprep exercise: stable-softmax\ndef softmax(x):\n"
        "    print('[bold red]not markup[/] \\x1b[31m')\n    raise ValueError('[red]x[/]')\n"
    )
    result = run("code", "check", str(path))
    assert "[bold red]not markup[/]" in result.output
    assert "ValueError: [red]x[/]" in result.output
    assert "\x1b[31m" not in result.output


def test_derive_checks_an_expression() -> None:
    good = run("code", "derive", "bce-logits", "sigmoid(z) - y")
    assert good.exit_code == 0, good.output
    assert "matches the exact gradient" in good.output and "3 Good" in good.output
    bad = run("code", "derive", "bce-logits", "y - sigmoid(z)", "--json")
    assert bad.exit_code == 1
    data = json.loads(bad.stdout)
    assert not data["ok"] and "sign is flipped" in data["message"]
    point = data["counterexample"]["point"]
    assert set(point) == {"z", "y"}
    assert data["counterexample"]["got"] == [-x for x in data["counterexample"]["want"]]


@pytest.mark.parametrize(
    "text",
    ["__import__('os').system('touch {canary}')", "z.__class__", "9**9**9", "z" * 1000,
     "(lambda: 1)()", "[z for z in y]"],
)  # fmt: skip
def test_derive_refuses_hostile_expressions(text: str, tmp_path: Path) -> None:
    canary = tmp_path / "canary"
    result = run("code", "derive", "bce-logits", text.format(canary=canary))
    assert result.exit_code == 1
    assert not canary.exists()
    assert "Parse problems are not rated" in result.output


def test_derive_lists_and_explains_usage() -> None:
    listing = run("code", "derive")
    assert listing.exit_code == 0 and "softmax-jvp" in listing.output
    usage = run("code", "derive", "silu")
    assert usage.exit_code == 2 and "x·σ(x)" in usage.stderr
    unknown = run("code", "derive", "sillu", "x")
    assert unknown.exit_code == 1 and "did you mean 'silu'" in unknown.stderr


def test_stats_counts_attempts_and_passes() -> None:
    run("code", "check", str(SOLUTIONS / "huber__no_clip.py"))
    run("code", "check", str(SOLUTIONS / "huber__good.py"))
    run("code", "check", str(SOLUTIONS / "gelu_tanh__erf.py"))
    run("code", "derive", "tanh", "1 - tanh(x)")
    run("code", "derive", "tanh", "1 - tanh(x)**2")
    run("code", "derive", "mse", "x.y")  # a parse error is not an attempt
    data = json.loads(run("stats", "--json").stdout)["exercises"]
    assert data["code"] == {"kind": "code", "available": 12, "attempted": 2, "passed": 1,
                            "attempts": 3}  # fmt: skip
    assert data["derive"]["attempted"] == 1 and data["derive"]["passed"] == 1
    assert data["derive"]["attempts"] == 2
    text = run("stats").output
    assert "Exercises: code 1 of 12 passed" in text


@pytest.mark.skipif(os.name != "posix", reason="rlimits")
def test_memory_option_sets_the_limit(tmp_path: Path) -> None:
    """A 600 MB working array passes under the default 2 GB limit and fails under 400 MB."""
    body = (SOLUTIONS / "stable_softmax__good.py").read_text()
    path = tmp_path / "hungry.py"
    path.write_text(body + "\n_orig = softmax\n\ndef softmax(x):\n"
                    "    np.ones(600 * 1024**2 // 8)\n    return _orig(x)\n")  # fmt: skip
    assert run("code", "check", str(path)).exit_code == 0
    tight = run("code", "check", str(path), "--memory", "400", "--json")
    assert tight.exit_code == 1
    assert "ran out of memory" in json.loads(tight.stdout)["cases"][0]["detail"]
    assert run("code", "check", str(path), "--memory", "10").exit_code == 2


def test_the_list_marks_what_was_tried() -> None:
    run("code", "check", str(SOLUTIONS / "huber__good.py"))
    run("code", "check", str(SOLUTIONS / "gelu_tanh__erf.py"))
    run("code", "derive", "tanh", "1 - tanh(x)")
    data = json.loads(run("code", "--json").stdout)
    passed = {e["name"]: e["passed"] for e in data["exercises"]}
    assert passed["huber"] is True and passed["gelu-tanh"] is False
    assert passed["info-nce"] is None
    assert {d["name"]: d["passed"] for d in data["derivations"]}["tanh"] is False
    text = run("code").output
    assert re.search(r"✓\s+huber", text) and re.search(r"✗\s+gelu-tanh", text)
    assert not re.search(r"[✓✗]\s+info-nce", text)
