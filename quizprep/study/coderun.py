"""Run a user's exercise file in a sandboxed child process and collect the graded cases.

The child (:mod:`quizprep.study.coderun_child`) runs under an address-space limit
(``RLIMIT_AS``), a CPU-time limit and a wall-clock timeout, in its own process group: an
endless loop is killed and reported with the case it was stuck in, a 10 GB allocation fails
inside the child as a ``MemoryError`` and is reported, and nothing the user's code does can
crash or hang quizprep. Results arrive as JSON lines on the child's stdout.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, NamedTuple

from quizprep.core.exercises import BY_NAME, EXERCISE_NAMES, closest, exercise_of
from quizprep.errors import QuizprepError

DEFAULT_TIMEOUT = 20.0  # seconds, wall clock, for all cases together
DEFAULT_MEMORY_MB = 2048  # address space: Python + NumPy need ~0.5 GB of it mapped
MAX_FILE_BYTES = 1_000_000
STDERR_KEEP = 4000  # characters of the user's output shown
OUTPUT_LIMIT = 16 * 1024 * 1024  # bytes the user's code may print (or write to any file)


class CheckReport(NamedTuple):
    exercise: str
    file: str
    status: str  # "ok" (every case ran), "import_error", "timeout", "memory", "crashed"
    results: tuple[dict[str, Any], ...]  # CaseResult.to_json() of each case that ran
    planned: int  # how many cases there are
    error: str = ""  # the user's traceback or what happened to the child
    output: str = ""  # what the user's code printed (the tail)
    seconds: float = 0.0

    @property
    def passed(self) -> int:
        return sum(1 for r in self.results if r["passed"])

    @property
    def all_passed(self) -> bool:
        return self.status == "ok" and self.passed == self.planned > 0

    def to_json(self) -> dict[str, Any]:
        return {
            "exercise": self.exercise,
            "file": self.file,
            "status": self.status,
            "passed": self.passed,
            "total": self.planned,
            "all_passed": self.all_passed,
            "cases": list(self.results),
            "error": self.error or None,
            "output": self.output or None,
            "seconds": round(self.seconds, 3),
        }


def read_solution(path: Path) -> str:
    """The user's file as text, or a clear error naming it."""
    try:
        if path.is_dir():
            raise QuizprepError(f"{path}: is a folder, not a Python file")
        if path.stat().st_size > MAX_FILE_BYTES:
            raise QuizprepError(f"{path}: larger than {MAX_FILE_BYTES // 1000} kB; not a solution")
        return path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        raise QuizprepError(f"{path}: no such file") from None
    except OSError as exc:
        raise QuizprepError(f"{path}: cannot read it ({exc.strerror or exc})") from None


def exercise_for(path: Path, name: str | None = None) -> str:
    """The exercise ``path`` answers: ``name`` if given, else its ``# quizprep exercise:`` line."""
    if name is None:
        text = read_solution(path)
        name = exercise_of(text) or _by_functions(text)
    if name is None:
        raise QuizprepError(
            f"{path}: no '# quizprep exercise: NAME' line, so which exercise it answers is unknown",
            hint="Pass --exercise NAME (see `quizprep code` for the names).",
        )
    if name not in BY_NAME:
        raise QuizprepError(
            f"{path}: unknown exercise {name!r}{closest(name, EXERCISE_NAMES)}",
            hint="`quizprep code` lists the exercises.",
        )
    return name


def _by_functions(text: str) -> str | None:
    """The one exercise whose functions the file defines (the most specific, when one
    exercise's functions include another's), or None."""
    import re

    defined = set(re.findall(r"^def\s+([A-Za-z_]\w*)\s*\(", text, re.MULTILINE))
    fits = [e for e in BY_NAME.values() if set(e.functions) <= defined]
    best = max((len(e.functions) for e in fits), default=0)
    fits = [e for e in fits if len(e.functions) == best]
    return fits[0].name if len(fits) == 1 else None


def _limits(memory_mb: int, cpu_seconds: int) -> Any:
    def apply() -> None:  # runs in the child between fork and exec
        import resource

        limit = memory_mb * 1024 * 1024
        for which, value in (
            (resource.RLIMIT_AS, (limit, limit)),
            (resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1)),
            (resource.RLIMIT_CORE, (0, 0)),
            (resource.RLIMIT_FSIZE, (OUTPUT_LIMIT, OUTPUT_LIMIT)),
        ):
            # A platform that refuses one (macOS does not enforce RLIMIT_AS, and a hard limit
            # below ours cannot be raised) keeps the others and the wall-clock timeout: an
            # exception here would abort the check instead.
            with contextlib.suppress(ValueError, OSError):
                resource.setrlimit(which, value)

    return apply


def check_file(
    path: Path,
    exercise: str | None = None,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    memory_mb: int = DEFAULT_MEMORY_MB,
    seed: int = 0,
) -> CheckReport:
    """Grade ``path`` for ``exercise`` (or the one it declares) in a limited child process."""
    name = exercise_for(path, exercise)
    env = dict(os.environ)
    # One BLAS thread: the limits are per process, and the machine is shared.
    env.update(OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env["PYTHONIOENCODING"] = "utf-8"
    command = [sys.executable, "-m", "quizprep.study.coderun_child", str(path.resolve()), name]
    command.append(str(seed))
    posix = os.name == "posix"
    started = time.monotonic()
    # The user's output goes to a file capped by RLIMIT_FSIZE, not a pipe: a print in a loop
    # must not fill quizprep's memory; only the tail is read back.
    with tempfile.TemporaryFile() as printed:
        proc = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=printed,
            env=env,
            cwd=str(path.parent) if path.parent.is_dir() else None,
            start_new_session=posix,  # its own process group, so a kill reaches its children
            preexec_fn=_limits(memory_mb, int(timeout) + 1) if posix else None,
        )
        timed_out = False
        try:
            out, _ = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
            _kill(proc, posix)
            out, _ = proc.communicate()
        except BaseException:  # Ctrl-C while waiting: never leave the child behind
            _kill(proc, posix)
            proc.communicate()
            raise
        size = printed.seek(0, os.SEEK_END)
        printed.seek(max(0, size - STDERR_KEEP))
        err = printed.read()
    return _report(name, path, out, err, proc.returncode, timed_out, timeout, memory_mb,
                   time.monotonic() - started)  # fmt: skip


def _kill(proc: subprocess.Popen, posix: bool) -> None:
    try:
        if posix:
            os.killpg(proc.pid, signal.SIGKILL)
        else:
            proc.kill()
    except (ProcessLookupError, PermissionError):
        pass


def _events(out: bytes) -> list[dict[str, Any]]:
    events = []
    for line in out.decode("utf-8", "replace").splitlines():
        try:
            event = json.loads(line)
        except ValueError:
            continue
        if isinstance(event, dict) and "event" in event:
            events.append(event)
    return events


def _report(
    name: str, path: Path, out: bytes, err: bytes, code: int | None, timed_out: bool,
    timeout: float, memory_mb: int, seconds: float,
) -> CheckReport:  # fmt: skip
    events = _events(out)
    plan = next((e for e in events if e["event"] == "plan"), None)
    planned = len(plan["cases"]) if plan else 0
    results = tuple(
        {k: v for k, v in e.items() if k != "event"} for e in events if e["event"] == "result"
    )
    output = err.decode("utf-8", "replace")[-STDERR_KEEP:]
    running = _running(events)

    def report(status: str, error: str = "") -> CheckReport:
        return CheckReport(name, str(path), status, results, planned, error, output, seconds)

    failed_import = next((e for e in events if e["event"] == "import_error"), None)
    if failed_import is not None:
        status = "memory" if failed_import["kind"] == "MemoryError" else "import_error"
        return report(status, failed_import["error"])
    if timed_out:
        where = f" in case {running!r}" if running else ""
        return report(
            "timeout",
            f"stopped after {timeout:g} s{where}: an endless loop, or far too much work "
            "(every case is a small batch)",
        )
    if any(e["event"] == "done" for e in events):
        return report("ok")
    where = f" during case {running!r}" if running else ""
    if code is not None and code < 0:
        try:
            signame = signal.Signals(-code).name
        except ValueError:
            signame = ""
        if signame == "SIGXCPU":
            return report("timeout", f"used up its CPU time{where}: an endless loop?")
        if signame == "SIGXFSZ":
            return report(
                "crashed",
                f"stopped{where}: it printed (or wrote) more than "
                f"{OUTPUT_LIMIT // 2**20} MB; a print inside a loop?",
            )
        return report("crashed", f"your code was killed by {signame or -code}{where}")
    if "MemoryError" in output:
        return report("memory", f"ran out of memory (limit {memory_mb} MB){where}")
    return report("crashed", f"the check stopped unexpectedly (exit {code}){where}")


def _running(events: list[dict[str, Any]]) -> str | None:
    """The case that started and never reported: where the child got stuck."""
    started = [e for e in events if e["event"] == "start"]
    finished = sum(1 for e in events if e["event"] == "result")
    return started[-1]["name"] if len(started) > finished else None
