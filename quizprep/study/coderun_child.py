"""The child process of ``quizprep code check``: import the user's file, run every case, and
report each as one JSON line on the pipe the parent reads.

Started by :mod:`quizprep.study.coderun` as ``python -m quizprep.study.coderun_child FILE NAME
SEED`` under a memory and CPU limit. The user's own output (``print``) is sent to stderr so it
cannot corrupt the protocol on stdout. A ``start`` line goes out before each case, so if the
case never returns (an endless loop) the parent can name it after killing us.
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
from typing import Any, TextIO


def _emitter(out: TextIO) -> Any:
    def emit(**event: Any) -> None:
        out.write(json.dumps(event) + "\n")
        out.flush()

    return emit


def main(argv: list[str]) -> int:
    path, name, seed = argv[0], argv[1], int(argv[2])
    protocol = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)  # the user's prints go to stderr, never into the protocol
    sys.stdout = sys.stderr
    emit = _emitter(protocol)

    from quizprep.core.exercises.cases import cases_for
    from quizprep.core.exercises.grader import grade_case, user_traceback

    cases = cases_for(name, seed)
    emit(event="plan", cases=[[c.name, c.function] for c in cases])
    spec = importlib.util.spec_from_file_location("quizprep_user_solution", path)
    if spec is None or spec.loader is None:
        emit(event="import_error", kind="ImportError", error=f"cannot import {path}")
        return 0
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    sys.path.insert(0, os.path.dirname(os.path.abspath(path)))  # its own helper modules
    try:
        spec.loader.exec_module(module)
    except (Exception, SystemExit) as exc:  # theirs to fix: shown with their traceback
        emit(event="import_error", kind=type(exc).__name__, error=user_traceback(exc, path))
        return 0
    for case in cases:
        emit(event="start", name=case.name, function=case.function)
        emit(event="result", **grade_case(case, module, path).to_json())
    emit(event="done")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
