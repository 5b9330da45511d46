"""``quizprep code``: write-the-code exercises and derive-the-gradient checks.

No ``from __future__ import annotations`` in this package: typer would evaluate every
annotation string on each run.
"""

from pathlib import Path
from typing import Annotated

import typer

from quizprep.cli.app import JsonOption, app, console, handles_errors, note, print_json
from quizprep.errors import QuizprepError

USAGE = """Write-the-code exercises, graded against the verified math core.

  quizprep code                          list the exercises and derivations
  quizprep code NAME [--path P]          write NAME's starter file and open $EDITOR
  quizprep code check FILE [--json]      grade your file, case by case, with hints
  quizprep code derive NAME "EXPR"       check a derivative you typed (e.g. "sigmoid(z) - y")
"""


@app.command(help=USAGE, no_args_is_help=False)
@handles_errors
def code(
    name: Annotated[
        str | None,
        typer.Argument(metavar="[NAME | check FILE | derive NAME EXPR]", show_default=False),
    ] = None,
    rest: Annotated[list[str] | None, typer.Argument(hidden=True, show_default=False)] = None,
    path: Annotated[
        Path | None, typer.Option(help="Where to write the starter (a file or a folder).")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
    edit: Annotated[
        bool, typer.Option("--edit/--no-edit", help="Open $EDITOR on the starter (if set).")
    ] = True,
    exercise: Annotated[
        str | None, typer.Option(help="check: grade FILE as this exercise.")
    ] = None,
    timeout: Annotated[
        float, typer.Option(help="check: seconds before your code is stopped.")
    ] = 20.0,
    seed: Annotated[int, typer.Option(help="check/derive: seed of the random cases.")] = 0,
    memory: Annotated[
        int, typer.Option(help="check: address-space limit for your code, in MB.")
    ] = 2048,
    as_json: JsonOption = False,
) -> None:
    args = list(rest or [])
    if name is None:
        _list(as_json)
    elif name == "check":
        if len(args) != 1:
            raise QuizprepError("usage: quizprep code check FILE", exit_code=2)
        _check(Path(args[0]), exercise, timeout, memory, seed, as_json)
    elif name == "derive":
        _derive(args, seed, as_json)
    else:
        if args:
            raise QuizprepError(f"unexpected argument {args[0]!r}", exit_code=2)
        _start(name, path, force, edit)


def _list(as_json: bool) -> None:
    from quizprep.core.derivations import DERIVATIONS
    from quizprep.core.exercises import EXERCISES
    from quizprep.study.practice import progress

    done = progress()
    if as_json:
        print_json({
            "exercises": [{**e._asdict(), "passed": done.get(("code", e.name))}
                          for e in EXERCISES],
            "derivations": [
                {"name": d.name, "title": d.title, "variables": [v.name for v in d.variables],
                 "passed": done.get(("derive", d.name))}
                for d in DERIVATIONS
            ],
        })  # fmt: skip
        return
    from quizprep.render.exercises import render_list

    render_list(console(), EXERCISES, DERIVATIONS, done)


def _start(name: str, path: Path | None, force: bool, edit: bool) -> None:
    from quizprep.study.practice import write_starter
    from quizprep.tui.exercise import open_editor

    target = write_starter(name, path, force=force)
    note(f"Wrote {target}")
    if edit and open_editor(target):
        note(f"Check it with: quizprep code check {target}")
    else:
        note(f"Edit it, then check it with: quizprep code check {target}")


def _check(
    path: Path, exercise: str | None, timeout: float, memory: int, seed: int, as_json: bool
) -> None:
    from quizprep.study.coderun import check_file
    from quizprep.study.practice import code_rating, record

    if timeout <= 0:
        raise QuizprepError("--timeout must be positive", exit_code=2)
    if memory < 256:
        raise QuizprepError("--memory must be at least 256 (MB): Python and NumPy need it", 2)
    report = check_file(path, exercise, timeout=timeout, memory_mb=memory, seed=seed)
    rating = code_rating(report)
    record("code", report.exercise, report.passed if report.status == "ok" else 0,
           report.planned)  # fmt: skip
    if as_json:
        print_json({**report.to_json(), "proposed_rating": rating})
    else:
        from quizprep.render.exercises import render_check

        render_check(console(), report, rating)
    if not report.all_passed:
        raise typer.Exit(1)


def _derive(args: list[str], seed: int, as_json: bool) -> None:
    from quizprep.core.derivations import BY_NAME, DERIVATIONS, check, get
    from quizprep.core.exercises import closest

    if not args:
        from quizprep.render.exercises import derivation_table

        console().print(derivation_table(DERIVATIONS))
        return
    if args[0] not in BY_NAME:
        raise QuizprepError(
            f"unknown derivation {args[0]!r}{closest(args[0], tuple(BY_NAME))}",
            hint="`quizprep code derive` lists them.",
        )
    derivation = get(args[0])
    if len(args) != 2:
        raise QuizprepError(
            f'usage: quizprep code derive {derivation.name} "EXPRESSION"',
            exit_code=2,
            hint=f"Differentiate: {derivation.title}",
        )
    result = check(derivation, args[1], seed=seed)
    if result.rated:
        from quizprep.study.practice import record

        record("derive", derivation.name, int(result.ok), 1)
    if as_json:
        print_json({"derivation": derivation.name, "answer": args[1], **result.to_json()})
    else:
        from quizprep.render.exercises import render_derive

        render_derive(console(), derivation, args[1], result)
    if not result.ok:
        raise typer.Exit(1)
