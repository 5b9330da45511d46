"""Exercises on the terminal: the list, a code check case by case, a derivation's verdict.

Everything the user wrote (their traceback, their printed output, their expression) is shown
literally as :class:`~rich.text.Text`, never parsed as markup, with control characters removed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.panel import Panel
from rich.text import Text

from quizprep.render.drill import RATING_STYLES
from quizprep.render.style import chip
from quizprep.render.text import literal as text_literal
from quizprep.study.scheduler import RATINGS

if TYPE_CHECKING:
    from rich.table import Table

    from quizprep.core.derivations import Derivation, DeriveResult
    from quizprep.core.exercises import ExerciseInfo
    from quizprep.study.coderun import CheckReport

STATUS_TEXT = {
    "import_error": "Your file did not import",
    "timeout": "Stopped: time limit",
    "memory": "Stopped: memory limit",
    "crashed": "The check crashed",
}


def literal(text: str, style: str = "") -> Text:
    """User text, shown as typed: no markup, no control characters (tabs as four spaces)."""
    return text_literal(text.replace("\t", "    "), style)


def _status(passed: bool | None) -> Text:
    if passed is None:
        return Text("")
    return Text("✓", style="bold green") if passed else Text("✗", style="bold red")


def exercise_table(
    exercises: Sequence[ExerciseInfo], done: Mapping[tuple[str, str], bool] | None = None
) -> Table:
    from rich.table import Table  # only the exercise lists need it, not a drill's card

    table = Table(title=Text("Code exercises"), title_justify="left", box=None, padding=(0, 1))
    table.add_column("", no_wrap=True)
    table.add_column("exercise", style="bold cyan", no_wrap=True)
    table.add_column("level", no_wrap=True)
    table.add_column("write")
    for ex in exercises:
        table.add_row(_status((done or {}).get(("code", ex.name))), Text(ex.name),
                      chip(ex.difficulty), Text(f"{', '.join(ex.functions)}: "
                      f"{ex.summary}"))  # fmt: skip
    return table


def derivation_table(
    derivations: Sequence[Derivation], done: Mapping[tuple[str, str], bool] | None = None
) -> Table:
    from rich.table import Table

    table = Table(title=Text("Derivations"), title_justify="left", box=None, padding=(0, 1))
    table.add_column("", no_wrap=True)
    table.add_column("name", style="bold cyan", no_wrap=True)
    table.add_column("variables", no_wrap=True)
    table.add_column("differentiate")
    for d in derivations:
        table.add_row(_status((done or {}).get(("derive", d.name))), Text(d.name),
                      Text(", ".join(v.name for v in d.variables)), Text(d.title))  # fmt: skip
    return table


def render_list(
    console: Console,
    exercises: Sequence[ExerciseInfo],
    derivations: Sequence[Derivation],
    done: Mapping[tuple[str, str], bool] | None = None,
) -> None:
    """Both lists; ``done`` marks each tried one ✓ (latest attempt passed) or ✗."""
    console.print(exercise_table(exercises, done))
    console.print(
        Text.assemble(
            ("Start one: ", "dim"), ("quizprep code NAME", "bold"), ("   check it: ", "dim"),
            ("quizprep code check FILE", "bold"),
        )
    )  # fmt: skip
    console.print()
    console.print(derivation_table(derivations, done))
    console.print(
        Text.assemble(("Answer one: ", "dim"), ('quizprep code derive NAME "EXPRESSION"', "bold"))
    )


def case_lines(report: CheckReport) -> list[RenderableType]:
    lines: list[RenderableType] = []
    for r in report.results:
        mark = Text("  ✓ ", style="bold green") if r["passed"] else Text("  ✗ ", style="bold red")
        head = mark + Text(f"{r['function']}: ", style="dim") + Text(r["name"])
        lines.append(head)
        if r["passed"]:
            continue
        # indented as a block, so wrapped lines stay under their case
        if r["detail"]:
            lines.append(Padding(literal(r["detail"], "red"), (0, 0, 0, 6)))
        if r["hint"]:
            hint = Text("hint: ", style="bold yellow") + literal(r["hint"], "yellow")
            lines.append(Padding(hint, (0, 0, 0, 6)))
        if r["error"]:
            lines.append(Padding(literal(r["error"], "dim"), (0, 0, 0, 6)))
    return lines


def check_panel(report: CheckReport, rating: int) -> Panel:
    parts: list[RenderableType] = case_lines(report)
    if report.status != "ok":
        parts.append(Text(STATUS_TEXT.get(report.status, report.status), style="bold red"))
        if report.error:
            parts.append(literal(report.error))
    if report.output.strip():
        parts.append(Text("Your code printed:", style="bold"))
        parts.append(literal(report.output.rstrip()[-1500:], "dim"))
    summary = Text.assemble(
        (f"{report.passed} of {report.planned} cases passed", "bold"),
        (f" in {report.seconds:.1f} s", "dim"),
        (" → proposed rating: ", "bold"),
        (f"{rating} {RATINGS[rating]}", RATING_STYLES[rating]),
    )
    parts.append(summary)
    title = Text(f"{report.exercise} · {report.file}")
    border = "green" if report.all_passed else "red"
    return Panel(Group(*parts), title=title, title_align="left", border_style=border)


def render_check(console: Console, report: CheckReport, rating: int) -> None:
    console.print(check_panel(report, rating))


def derive_panel(derivation: Derivation, answer: str, result: DeriveResult) -> Panel:
    lines: list[RenderableType] = [
        Text.assemble(("Your answer: ", "bold"), literal(answer, "italic"))
    ]
    if not result.rated and result.error_column:
        lines.append(Text(" " * (12 + result.error_column) + "^", style="bold red"))
    style = "bold green" if result.ok else "bold red"
    lines.append(Text("✓ " if result.ok else "✗ ", style=style) + literal(result.message, style))
    if result.mismatch is not None:
        point = ", ".join(f"{k} = {_nums(v)}" for k, v in result.mismatch.point.items())
        lines.append(Text("  at ", style="dim") + Text(point))
        lines.append(Text("  yours:  ", style="bold") + Text(_nums(result.mismatch.got)))
        lines.append(Text("  exact:  ", style="bold") + Text(_nums(result.mismatch.want)))
    if not result.rated:
        lines.append(Text("Parse problems are not rated: type it again.", style="dim"))
    else:
        rating = 3 if result.ok else 1
        verdict = (f"{rating} {RATINGS[rating]}", RATING_STYLES[rating])
        lines.append(Text.assemble(("Proposed rating: ", "bold"), verdict))
    return Panel(
        Group(*lines),
        title=Text(f"Derivation · {derivation.name}"),
        title_align="left",
        border_style="green" if result.ok else "red",
    )


def _nums(values: Sequence[float]) -> str:
    shown = [f"{v:.6g}" for v in values]
    return shown[0] if len(shown) == 1 else "[" + ", ".join(shown) + "]"


def render_derive(
    console: Console, derivation: Derivation, answer: str, result: DeriveResult
) -> None:
    console.print(derive_panel(derivation, answer, result))


def derive_prompt(variables: tuple[str, ...]) -> str:
    names = ", ".join(variables)
    return (
        f"Type the derivative as an expression in {names} (e.g. sigmoid(z) - y; functions: exp, "
        "log, sqrt, abs, sign, sigmoid, tanh, softmax, sum, max, where, clip…):\n> "
    )
