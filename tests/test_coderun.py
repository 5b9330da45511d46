"""The sandboxed runner: real child processes with real limits. An endless loop is stopped and
named, a 10 GB allocation is reported, the user's own traceback is shown, and nothing they do
reaches quizprep."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

from quizprep.errors import QuizprepError
from quizprep.study.coderun import check_file, exercise_for

SOLUTIONS = Path(__file__).resolve().parent / "solutions"
posix_only = pytest.mark.skipif(sys.platform == "win32", reason="rlimits and process groups")


def write(tmp_path: Path, body: str, name: str = "stable-softmax") -> Path:
    path = tmp_path / "mine.py"
    path.write_text(f"# quizprep exercise: {name}\nimport numpy as np\n{body}", encoding="utf-8")
    return path


def test_a_correct_file_passes_every_case_in_the_child() -> None:
    report = check_file(SOLUTIONS / "log_softmax_nll__good.py")
    assert report.status == "ok" and report.all_passed
    assert report.passed == report.planned == 14
    assert report.to_json()["all_passed"] is True


def test_a_wrong_file_reports_its_failures() -> None:
    report = check_file(SOLUTIONS / "stable_softmax__naive.py")
    assert report.status == "ok" and not report.all_passed
    failed = [r for r in report.results if not r["passed"]]
    assert {r["name"] for r in failed} == {"logits ±1000", "logits ±1000 float32"}
    assert "subtract the row max" in failed[0]["hint"]


@posix_only
def test_an_endless_loop_is_stopped_and_the_case_named(tmp_path: Path) -> None:
    path = write(tmp_path, "def softmax(x):\n    while True:\n        pass\n")
    started = time.monotonic()
    # 6 s leaves a loaded machine time to import NumPy before the loop starts
    report = check_file(path, timeout=6)
    assert time.monotonic() - started < 15
    assert report.status == "timeout"
    assert "stopped after 6 s in case 'worked example'" in report.error
    assert not report.all_passed


@posix_only
def test_a_10_gb_allocation_in_a_case_is_a_memory_error(tmp_path: Path) -> None:
    path = write(tmp_path, "def softmax(x):\n    return np.ones(10 * 1024**3 // 8)\n")
    report = check_file(path)
    assert report.status == "ok"  # the other cases still ran
    first = report.results[0]
    assert not first["passed"] and "ran out of memory" in first["detail"]
    assert "Unable to allocate 10.0 GiB" in first["error"]
    assert 'File "' in first["error"] and "mine.py" in first["error"]


@posix_only
def test_a_10_gb_allocation_at_import_is_reported(tmp_path: Path) -> None:
    path = write(tmp_path, "BIG = bytearray(10 * 1024**3)\n")
    report = check_file(path)
    assert report.status == "memory"
    assert "MemoryError" in report.error and "BIG = bytearray" in report.error


def test_a_syntax_error_shows_the_users_line_and_caret(tmp_path: Path) -> None:
    path = write(tmp_path, "def softmax(x)\n    return x\n")
    report = check_file(path)
    assert report.status == "import_error"
    assert f'File "{path.resolve()}", line 3' in report.error
    assert "SyntaxError: expected ':'" in report.error
    assert "^" in report.error
    assert "importlib" not in report.error  # their traceback, not ours


def test_an_exception_shows_only_the_users_frames(tmp_path: Path) -> None:
    path = write(tmp_path, "def helper(x):\n    return x[9, 9, 9]\n\ndef softmax(x):\n"
                 "    return helper(x)\n")  # fmt: skip
    report = check_file(path)
    error = report.results[0]["error"]
    assert "in softmax" in error and "in helper" in error and "IndexError" in error
    assert "grader.py" not in error and "quizprep" not in error.split("mine.py")[0]


def test_prints_and_exits_do_not_break_the_protocol(tmp_path: Path) -> None:
    body = (
        'import os, sys\nprint(\'{"event": "done"}\')\n'
        "def softmax(x):\n    print('debugging', x.shape)\n    os.write(1, b'noise\\n')\n"
        "    sys.exit(3)\n"
    )
    report = check_file(write(tmp_path, body))
    assert report.status == "ok" and report.passed == 0
    assert "debugging" in report.output and "noise" in report.output
    assert report.results[0]["detail"] == "softmax() raised SystemExit"


@posix_only
def test_a_hard_exit_inside_a_case_is_a_crash_not_a_hang(tmp_path: Path) -> None:
    report = check_file(write(tmp_path, "import os\ndef softmax(x):\n    os._exit(7)\n"))
    assert report.status == "crashed"
    assert "exit 7" in report.error and "worked example" in report.error


@posix_only
def test_killing_itself_is_reported(tmp_path: Path) -> None:
    body = "import os, signal\ndef softmax(x):\n    os.kill(os.getpid(), signal.SIGSEGV)\n"
    report = check_file(write(tmp_path, body))
    assert report.status == "crashed" and "SIGSEGV" in report.error


def test_which_exercise_a_file_answers(tmp_path: Path) -> None:
    plain = tmp_path / "plain.py"
    plain.write_text("def helper(x):\n    return x\n")
    with pytest.raises(QuizprepError, match="no '# quizprep exercise: NAME' line"):
        exercise_for(plain)
    # without the line, the functions a file defines can name its exercise
    plain.write_text("def softmax(x):\n    return x\n")
    assert exercise_for(plain) == "stable-softmax"
    plain.write_text("def cross_entropy(x, y):\n    pass\ndef log_softmax(x):\n    pass\n")
    assert exercise_for(plain) == "log-softmax-nll"  # the more specific of two that fit
    plain.write_text("def cross_entropy(x, y, weight=None, label_smoothing=0.0):\n    pass\n")
    assert exercise_for(plain) == "weighted-ce-smoothing"
    assert exercise_for(plain, "stable-softmax") == "stable-softmax"
    with pytest.raises(QuizprepError, match="did you mean 'stable-softmax'"):
        exercise_for(plain, "stable-sofmax")
    with pytest.raises(QuizprepError, match="no such file"):
        exercise_for(tmp_path / "missing.py")
    with pytest.raises(QuizprepError, match="is a folder"):
        exercise_for(tmp_path)


@posix_only
def test_endless_printing_is_capped_not_buffered(tmp_path: Path) -> None:
    body = "def softmax(x):\n    while True:\n        print('x' * 1000)\n"
    report = check_file(write(tmp_path, body), timeout=15)
    # Python ignores SIGXFSZ, so the 16 MB cap surfaces as the user's own OSError
    first = report.results[0]
    assert not first["passed"] and "File too large" in first["error"]
    assert "print('x' * 1000)" in first["error"]
    assert 0 < len(report.output) <= 4000 and report.output.strip().endswith("x")
