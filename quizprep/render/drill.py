"""The drill screen: progress, the card, rating buttons with intervals, and the end summary."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, NamedTuple

from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.panel import Panel
from rich.text import Text

from quizprep.decks.model import Card
from quizprep.render.cards import card_panel
from quizprep.study.scheduler import RATINGS, format_interval, format_until, local

if TYPE_CHECKING:
    from quizprep.study.grading import Grade
    from quizprep.study.session import Summary

RATING_STYLES = {1: "bold red", 2: "bold dark_orange", 3: "bold green", 4: "bold blue"}
KIND_STYLES = {
    "new": "bold black on cyan",
    "learning": "bold black on yellow",
    "relearning": "bold black on yellow",
    "review": "bold black on green",
    "cram": "bold black on magenta",
}


class DrillView(NamedTuple):
    """Everything one drill screen shows."""

    card: Card
    position: int
    total: int
    kind: str
    revealed: bool
    intervals: dict[int, timedelta] | None = None
    grade: Grade | None = None
    answer: str | None = None
    note: str | None = None
    can_undo: bool = False
    judging: bool = False  # the typed answer's verdicts are up for the user's toggles


def progress(position: int, total: int, kind: str, width: int = 28) -> RenderableType:
    # Drawn by hand rather than with rich.progress_bar and a table grid: those imports
    # would delay the first card by several milliseconds.
    done = round(width * max(position - 1, 0) / max(total, 1))
    return Text.assemble(
        ("━" * done, "magenta"),
        ("━" * (width - done), "grey35"),
        " ",
        (f"card {position} of {total}", "bold"),
        " ",
        (f" {kind.upper()} ", KIND_STYLES.get(kind, "reverse")),
    )


def rating_buttons(intervals: dict[int, timedelta] | None, proposed: int | None = None) -> Text:
    """``1 Again 1m   2 Hard 6m   3 Good 10m   4 Easy 7d`` — the proposed one highlighted."""
    line = Text()
    for rating, name in RATINGS.items():
        style = RATING_STYLES[rating]
        if rating == proposed:
            style += " reverse"
        line.append(f" {rating} ", style="reverse bold")
        line.append(f" {name}", style=style)
        if intervals is not None:
            line.append(
                f" {format_interval(intervals[rating])}",
                style="dim" if rating != proposed else style,
            )
        line.append("   ")
    return line


def hint(view: DrillView) -> Text:
    keys: list[tuple[str, str]]
    if view.judging and view.grade is not None:
        count = len(view.grade.points)
        keys = [
            (f"1–{count}" if count > 1 else "1", "change a verdict (✓ → ✗ → contradicted)"),
            ("Enter", "accept verdicts"),
        ]
        return _keys_line(keys)
    if not view.revealed:
        keys = [("Enter", "show answer"), ("t", "type answer")]
    elif view.grade is not None:
        keys = [("Enter", f"accept {RATINGS[view.grade.rating]}"), ("1–4", "rate")]
    else:
        keys = [("1–4", "rate")]
    keys += [("m", "math"), ("s", "skip"), ("u", "undo"), ("q", "quit")]
    if not view.can_undo:
        keys.remove(("u", "undo"))
    text = Text()
    if view.revealed:  # a long answer scrolls the progress bar away: repeat where we are
        text.append(f"card {view.position} of {view.total}", style="bold")
        text.append(" │ ", style="dim")
    return text + _keys_line(keys)


def _keys_line(keys: list[tuple[str, str]]) -> Text:
    text = Text()
    for i, (key, what) in enumerate(keys):
        if i:
            text.append(" · ", style="dim")
        text.append(key, style="bold cyan")
        text.append(f" {what}", style="dim")
    return text


def verdict_lines(grade: Grade, numbered: bool = False, indent: str = "  ") -> list[Text]:
    """One line per key point: ✓ covered, ✗ missed, ✗ contradicted (red, with the clause
    that said otherwise and the correct statement). Text is always literal."""
    from quizprep.study.grading import CONTRADICTED, COVERED

    lines: list[Text] = []
    for point in grade.points:
        head = Text(indent)
        if numbered:
            head.append(f"{point.index + 1} ", style="bold cyan")
        extra = Text(" (optional)", style="dim") if point.optional else Text()
        if point.verdict == COVERED:
            line = head + Text("✓ ", style="bold green") + Text(point.text) + extra
            if point.evidence:
                line.append(f"  ← “{point.evidence}”", style="dim")
        elif point.verdict == CONTRADICTED:
            line = head + Text("✗ contradicted: ", style="bold red")
            if point.evidence:
                line.append(f"you said “{point.evidence}”", style="red")
                line.append(" · correct: ", style="bold")
            line.append(point.text, style="red")
            line += extra
        else:
            line = head + Text("✗ ", style="bold red") + Text(point.text, style="dim") + extra
        lines.append(line)
    return lines


def grade_summary(grade: Grade) -> Text:
    from quizprep.study.grading import CONTRADICTED, COVERED

    covered = grade.count(COVERED)
    text = Text(f"Covered {covered} of {len(grade.points)} key points", style="bold")
    contradicted = grade.count(CONTRADICTED)
    if contradicted:
        text.append(f", {contradicted} contradicted", style="bold red")
    text.append(" → proposed rating: ", style="bold")
    text.append(f"{grade.rating} {RATINGS[grade.rating]}", style=RATING_STYLES[grade.rating])
    return text


def grade_report(grade: Grade, answer: str, numbered: bool = False) -> RenderableType:
    from quizprep.study.grading import MAX_ANSWER_CHARS

    shown = answer if len(answer) <= 2000 else answer[:2000] + " …"
    lines: list[RenderableType] = [Text.assemble(("Your answer: ", "bold"), (shown, "italic"))]
    if grade.truncated:
        lines.append(
            Text(f"Only the first {MAX_ANSWER_CHARS:,} characters were graded.", style="yellow")
        )
    lines += verdict_lines(grade, numbered)
    lines.append(grade_summary(grade))
    return Panel(Group(*lines), title=Text("Typed answer"), title_align="left", border_style="cyan")


def render_grade(console: Console, card: Card, grade: Grade) -> None:
    """``quizprep grade``: the card, a verdict per key point, the proposed rating."""
    console.print(Text(card.ref, style="bold cyan") + Text(f"  {card.question}", style="bold"))
    for line in verdict_lines(grade):
        console.print(line)
    console.print(grade_summary(grade))


def render_view(
    console: Console,
    view: DrillView,
    *,
    resolve: Callable[[str, str], Card | None] | None = None,
    clear: bool = False,
) -> None:
    if clear:
        console.clear()
    console.print(progress(view.position, view.total, view.kind))
    console.print(card_panel(view.card, reveal=view.revealed, resolve=resolve, full=False))
    if view.grade is not None and view.answer is not None:
        console.print(grade_report(view.grade, view.answer, numbered=view.judging))
    if view.revealed and not view.judging:
        proposed = view.grade.rating if view.grade else None
        console.print(Padding(rating_buttons(view.intervals, proposed), (0, 0, 0, 1)))
    if view.note:
        console.print(Text(view.note, style="yellow"))
    console.print(hint(view))


def render_note(console: Console, text: str, style: str = "yellow") -> None:
    console.print(Text(text, style=style))


def answer_prompt() -> str:
    return (
        "Your answer (Enter when done; empty shows the answer; q, u, s or m alone act as keys):\n> "
    )


def _when(moment: datetime, now: datetime) -> str:
    there, here = local(moment), local(now)
    if there.date() == here.date():
        at = there.strftime("%H:%M")
    elif there.date() - here.date() == timedelta(days=1):
        at = "tomorrow " + there.strftime("%H:%M")
    else:
        at = there.strftime("%a %d %b %H:%M")
    relative = format_until(moment, now)
    return relative if relative == "now" else f"{relative} ({at})"


def next_due_line(summary: Summary, now: datetime) -> Text:
    line = Text()
    if summary.next_due is not None:
        line.append("Next card due: ", style="bold")
        line.append(_when(summary.next_due, now), style="cyan")
    else:
        line.append("No reviews scheduled yet.", style="bold")
    if summary.new_waiting:
        line.append(f"\n{summary.new_waiting} new card{'s' * (summary.new_waiting != 1)} waiting")
        if summary.new_left_today:
            line.append(f"; up to {summary.new_left_today} more can be introduced today.")
        else:
            line.append("; today's new-card limit is used up (raise it with --new N).")
    return line


def render_summary(console: Console, summary: Summary, now: datetime) -> None:
    parts: list[RenderableType] = []
    title = "Cram session done" if summary.cram else "Session done"
    if not summary.finished:
        title = "Session stopped" + (" (cram)" if summary.cram else "")
    counts = Text()
    counts.append(f"{summary.reviewed}", style="bold")
    counts.append(f" card{'s' * (summary.reviewed != 1)} reviewed · ")
    counts.append(f"{summary.again}", style="bold red" if summary.again else "bold")
    counts.append(" Again")
    if summary.reviewed:
        counts.append(f" ({summary.again / summary.reviewed:.0%})", style="dim")
    parts.append(counts)
    if summary.missed:
        parts.append(Text("Missed:", style="bold"))
        from rich.table import Table

        missed = Table.grid(padding=(0, 2))
        missed.add_column(no_wrap=True)
        missed.add_column(no_wrap=True, overflow="ellipsis", style="dim")
        for card in summary.missed:
            missed.add_row(Text("  ✗ ", style="red") + Text(card.ref, style="cyan"), card.question)
        parts.append(missed)
    if summary.skipped:
        names = ", ".join(card.ref for card in summary.skipped)
        skipped = "" if summary.cram else " until tomorrow"
        parts.append(Text(f"Skipped{skipped}: {names}", style="dim"))
    if summary.cram:
        parts.append(Text("Cram mode: your schedule was not changed.", style="dim"))
    else:
        parts.append(next_due_line(summary, now))
    heading = Text(title)  # a Text title skips markup parsing (and rich's emoji table)
    console.print(Panel(Group(*parts), title=heading, title_align="left", border_style="blue"))


def render_nothing_due(console: Console, summary: Summary, now: datetime) -> None:
    parts: list[RenderableType] = [Text("Nothing is due right now. ✓", style="bold green")]
    parts.append(next_due_line(summary, now))
    parts.append(
        Text.assemble(
            ("Drill anyway, without touching the schedule: ", "dim"),
            ("quizprep drill --cram", "bold cyan"),
        )
    )
    console.print(Panel(Group(*parts), border_style="green"))
