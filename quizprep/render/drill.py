"""The drill screen: counts and progress, the card, rating buttons with intervals, the summary.

The back of a card comes short first: the card's ``short`` answer and its key points, with
the full answer, common mistakes and follow-ups one key (``a``) away, or right below when the
terminal is tall enough for all of it. The question stays on screen either way.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, NamedTuple

from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.panel import Panel
from rich.text import Text

from quizprep.decks.model import Card
from quizprep.render.cards import Hanging, _bullets, _section, card_frame, card_panel, reflow
from quizprep.render.text import clean, literal
from quizprep.study.scheduler import RATINGS, format_interval, format_until, local

if TYPE_CHECKING:
    from quizprep.study.aigrading import Feedback
    from quizprep.study.grading import Grade
    from quizprep.study.session import Counts, Summary

RATING_STYLES = {1: "bold red", 2: "bold dark_orange", 3: "bold green", 4: "bold blue"}
# Anki's colours for the three counts: new blue, learning red, review green.
COUNT_STYLES = ("bold blue", "bold red", "bold green")
GOOD = 3
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
    counts: Counts
    done: float  # share of the session done, 0..1
    kind: str
    revealed: bool
    intervals: dict[int, timedelta] | None = None
    grade: Grade | None = None
    answer: str | None = None
    note: str | None = None
    can_undo: bool = False
    more: bool = False  # the whole back side, even when it does not fit
    height: int | None = None  # the terminal's rows, None for a pipe (no limit)
    flagged: bool = False
    early: timedelta | None = None  # shown before its learning step is up
    typing: bool = False  # the typed-answer prompt follows: keys do nothing until it ends
    proposed: int | None = None  # the rating an exercise check proposes
    judging: bool = False  # the typed answer's verdicts are up for the user's toggles
    feedback: Feedback | None = None  # an AI grader's critique (or why it was not used)


def counts_text(counts: Counts, kind: str = "") -> Text:
    """``3 new · 1 learning · 12 review``, the current card's count underlined as in Anki."""
    text = Text()
    current = {"new": 0, "learning": 1, "relearning": 1, "review": 2}.get(kind)
    for i, (n, name) in enumerate(zip(counts, ("new", "learning", "review"), strict=True)):
        if i:
            text.append(" · ", style="dim")
        style = COUNT_STYLES[i] + (" underline" if i == current else "")
        text.append(str(n), style=style if n else "dim")
        text.append(f" {name}", style="dim")
    return text


def progress(counts: Counts, done: float, kind: str, width: int = 20) -> Text:
    # Drawn by hand rather than with rich.progress_bar and a table grid: those imports
    # would delay the first card by several milliseconds.
    filled = round(width * min(max(done, 0.0), 1.0))
    line = Text.assemble(("━" * filled, "magenta"), ("━" * (width - filled), "grey35"), " ")
    if kind == "cram":
        line.append(f"{sum(counts)} to go", style="bold")
    else:
        line.append_text(counts_text(counts, kind))
    line.append("  ")
    line.append(f" {kind.upper()} ", style=KIND_STYLES.get(kind, "reverse"))
    return line


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


def hint(view: DrillView, *, folded: bool = False, width: int | None = None) -> Text:
    """The keys at the bottom. When they do not fit on one line, the everyday ones and
    ``?`` for the rest (the welcome screen and ``?`` list them all)."""
    keys: list[tuple[str, str]]
    if view.judging and view.grade is not None:
        count = len(view.grade.points)
        keys = [
            (f"1–{count}" if count > 1 else "1", "change a verdict (✓ → ✗ → contradicted)"),
            ("Enter", "accept verdicts"),
        ]
        return _keys_line(view, keys)
    if not view.revealed:
        keys = [("Space", "show answer"), ("t", "type answer")]
    elif view.grade is not None or view.proposed is not None:
        rating = view.grade.rating if view.grade is not None else view.proposed
        keys = [("Enter", f"accept {RATINGS[rating]}"), ("1–4", "rate")]
    else:
        keys = [("Space/Enter", "Good"), ("1–4", "rate")]
    if folded:
        keys.append(("a", "full answer"))
    elif view.more:
        keys.append(("a", "short answer"))
    rest = [("c", "code exercise")] if view.card.exercise else []
    rest += [("m", "math"), ("e", "edit"), ("b", "bury"), ("!", "suspend")]
    rest += [("f", "unflag" if view.flagged else "flag"), ("u", "undo"), ("q", "quit")]
    if not view.can_undo:
        rest.remove(("u", "undo"))
    text = _keys_line(view, keys + rest)
    if width is not None and text.cell_len > width:
        everyday = [k for k in rest if k[0] in ("c", "m", "u", "q")]
        text = _keys_line(view, [*keys, *everyday, ("?", "all keys")])
    return text


def _keys_line(view: DrillView, keys: list[tuple[str, str]]) -> Text:
    text = Text()
    for i, (key, what) in enumerate(keys):
        if i:
            text.append(" · ", style="dim")
        text.append(key, style="bold cyan")
        text.append(f" {what}", style="dim")
    return text


def all_keys() -> str:
    """Every drill key on one line, for ``?``."""
    return (
        "Space/Enter show the answer, then Good · 1–4 rate · t type (Esc or Ctrl-D leaves) · "
        "a full answer · m math · e edit in $EDITOR · b bury until tomorrow · ! suspend · "
        "f flag · u undo · q quit"
    )


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
            line = head + Text("✓ ", style="bold green") + literal(point.text) + extra
            if point.evidence:
                line.append(clean(f"  ← “{point.evidence}”"), style="dim")
        elif point.verdict == CONTRADICTED:
            line = head + Text("✗ contradicted: ", style="bold red")
            if point.evidence:
                line.append(clean(f"you said “{point.evidence}”"), style="red")
                line.append(" · correct: ", style="bold")
            line.append(clean(point.text), style="red")
            line += extra
        else:
            line = head + Text("✗ ", style="bold red") + literal(point.text, "dim") + extra
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
    from quizprep.study.grading import MAX_ANSWER_CHARS, MAX_CLAUSES

    shown = answer if len(answer) <= 2000 else answer[:2000] + " …"
    lines: list[RenderableType] = [
        Text.assemble(("Your answer: ", "bold"), literal(shown, "italic"))
    ]
    if grade.truncated:
        lines.append(
            Text(
                f"The answer is long: only its first {MAX_ANSWER_CHARS:,} characters"
                f" ({MAX_CLAUSES:,} clauses at most) were graded.",
                style="yellow",
            )
        )
    lines += verdict_lines(grade, numbered)
    lines.append(grade_summary(grade))
    return Panel(Group(*lines), title=Text("Typed answer"), title_align="left", border_style="cyan")


def render_grade(console: Console, card: Card, grade: Grade) -> None:
    """``quizprep grade``: the card, a verdict per key point, the proposed rating."""
    console.print(literal(card.ref, "bold cyan") + literal(f"  {card.question}", "bold"))
    for line in verdict_lines(grade):
        console.print(line)
    console.print(grade_summary(grade))


def back_panel(
    card: Card,
    *,
    full: bool,
    points: int | None = None,
    folded: bool = False,
    formula: bool = True,
    short: bool = True,
) -> Panel:
    """The revealed card: question, short answer, key points (the first ``points`` of them;
    none at all for 0, when a typed answer's report lists them), formula; with ``full``
    also the answer, common mistakes and follow-ups."""
    parts: list[RenderableType] = [literal(card.question, style="bold")]
    if card.short and short:
        parts += [_section("In short"), literal(reflow(card.short))]
    shown = card.key_points if points is None else card.key_points[:points]
    rows = [literal(p.text, style="dim" if p.optional else "") for p in shown]
    if shown and len(shown) < len(card.key_points):
        rows.append(Text(f"… {len(card.key_points) - len(shown)} more (a)", style="dim"))
    if rows:
        parts += [_section("Key points"), _bullets("•", "bold", rows)]
    if card.formula and formula:
        parts += [_section("Formula"), literal("  " + card.formula, style="bold cyan")]
    if full:
        parts += [_section("Answer"), literal(reflow(card.answer))]
        if card.common_mistakes:
            parts += [
                _section("Common mistakes"),
                _bullets("✗", "red", [literal(reflow(m)) for m in card.common_mistakes]),
            ]
        if card.follow_ups:
            rows = []
            for follow in card.follow_ups:
                row = literal(follow.question)
                if follow.card:
                    row.append(clean(f"  [{follow.card}]"), style="dim")
                rows.append(row)
            parts += [_section("Follow-ups"), _bullets("→", "", rows)]
    elif folded:
        parts.append(
            Text("\na: the full answer, common mistakes and follow-ups", style="dim italic")
        )
    return card_frame(card, parts)


def _screen(
    view: DrillView, panel: RenderableType, folded: bool, width: int
) -> list[RenderableType]:
    header = progress(view.counts, view.done, view.kind)
    if view.flagged:
        header.append("  ⚑ flagged", style="bold magenta")
    parts: list[RenderableType] = [header, panel]
    if view.grade is not None and view.answer is not None:
        parts.append(grade_report(view.grade, view.answer, numbered=view.judging))
        if view.feedback is not None:
            from quizprep.render.feedback import critique_lines

            parts += critique_lines(view.feedback)
    if view.revealed and not view.judging:
        proposed = view.grade.rating if view.grade else view.proposed
        parts.append(Padding(rating_buttons(view.intervals, proposed), (0, 0, 0, 1)))
    if view.early is not None:
        parts.append(
            Text(
                f"Nothing else is left: this card is back {format_interval(view.early)} "
                "before its step is up.",
                style="yellow",
            )
        )
    if view.note:
        parts.append(literal(view.note, style="yellow"))
    if not view.typing:  # the prompt names its own keys
        parts.append(hint(view, folded=folded, width=width))
    return parts


def _lines(console: Console, parts: list[RenderableType]) -> int:
    options = console.options.update(height=None)
    return len(console.render_lines(Group(*parts), options, pad=False, new_lines=False))


def screen(console: Console, view: DrillView) -> list[RenderableType]:
    """What to print for ``view``: the whole back when it fits (or ``more`` asks for it),
    else the short side, trimmed until the question stays on screen."""
    card = view.card
    if not view.revealed:
        return _screen(view, card_panel(card, reveal=False), False, console.width)
    whole = back_panel(card, full=True)
    full = _screen(view._replace(more=False), whole, False, console.width)
    if view.height is None or _lines(console, full) < view.height:
        return full
    if view.more:  # asked for: all of it, scrolling (the footer offers the short side back)
        return _screen(view, whole, False, console.width)
    # Give up room in this order until the question fits: key points (a typed answer's
    # report already lists them all), the formula, then the short answer.
    most = 0 if view.grade is not None else len(card.key_points)
    ladder: list[dict] = [{"points": n} for n in range(most, 0, -1)] or [{"points": 0}]
    ladder += [{"points": min(most, 1), "formula": False}, {"points": 0, "formula": False}]
    ladder.append({"points": 0, "formula": False, "short": False})
    for step in ladder:
        panel = back_panel(card, full=False, folded=True, **step)
        short = _screen(view, panel, True, console.width)
        if _lines(console, short) < view.height:
            return short
    return short


def render_view(
    console: Console,
    view: DrillView,
    *,
    resolve: Callable[[str, str], Card | None] | None = None,
    clear: bool = False,
) -> None:
    parts = screen(console, view)
    if clear:
        console.clear()
    for part in parts:
        console.print(part)


def render_note(console: Console, text: str, style: str = "yellow") -> None:
    console.print(literal(text, style=style))


def answer_prompt() -> str:
    return "Your answer · Enter submits (empty: show it) · Esc or Ctrl-D: back to keys\n> "


def render_welcome(console: Console, new_per_day: int) -> None:
    """The first drill's one screen: what the keys are and how many new cards come a day."""
    keys = [
        ("Space / Enter", "show the answer; once shown, rate it Good"),
        ("1 2 3 4", "rate Again, Hard, Good, Easy (each shows the interval it gives)"),
        ("t", "type your answer and have it graded (or start with `drill --typed`)"),
        ("Esc / Ctrl-D", "leave the typed-answer prompt"),
        ("a", "the full answer, common mistakes and follow-ups"),
        ("m", "the card's math with real numbers"),
        ("e", "edit the card in $EDITOR"),
        ("b  !  f", "bury until tomorrow · suspend · flag for later"),
        ("u", "undo the last rating, bury, suspension or flag"),
        ("q", "quit (every rating is already saved)"),
    ]
    parts: list[RenderableType] = [Text("Welcome to quizprep's drill.", style="bold"), Text("")]
    for key, what in keys:
        parts.append(Hanging(Text(f"  {key:<14}", style="bold cyan"), Text(what)))
    parts += [
        Text(""),
        Text(
            f"Each deck introduces up to {new_per_day} new cards a day; cards you have seen "
            "come back when they are due."
        ),
        Text.assemble(
            "More today: ",
            ("quizprep drill --new 20", "bold cyan"),
            ".  For good: ",
            ("quizprep deck limit --all 20", "bold cyan"),
            " (or one deck: ",
            ("quizprep deck limit ID 20", "bold cyan"),
            ").",
        ),
        Text(""),
        Text("Press any key to start.", style="dim"),
    ]
    console.print(Panel(Group(*parts), border_style="cyan", padding=(0, 1)))


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
            line.append("; today's new-card limit is used up.")
    for limit in summary.limited:
        line.append(
            f"\n{limit.deck}: {limit.introduced} new card{'s' * (limit.introduced != 1)} "
            f"introduced today (limit {limit.limit} a day), {limit.waiting} waiting.",
            style="dim",
        )
    if summary.limited:
        more = max(limit.limit for limit in summary.limited) + 10
        deck = summary.limited[0].deck if len(summary.limited) == 1 else "--all"
        line.append("\nMore today: ")
        line.append(f"quizprep drill --new {more}", style="bold cyan")
        line.append("\nFor good:   ")
        line.append(f"quizprep deck limit {deck} {more}", style="bold cyan")
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
            missed.add_row(
                Text("  ✗ ", style="red") + literal(card.ref, "cyan"), literal(card.question)
            )
        parts.append(missed)
    if summary.skipped:
        names = clean(", ".join(card.ref for card in summary.skipped))
        skipped = "Skipped" if summary.cram else "Buried until tomorrow"
        parts.append(Text(f"{skipped}: {names}", style="dim"))
    if summary.suspended:
        names = clean(", ".join(card.ref for card in summary.suspended))
        parts.append(Text(f"Suspended: {names} (see `quizprep suspended`)", style="dim"))
    if summary.flagged:
        n = len(summary.flagged)
        parts.append(
            Text(f"{n} flagged card{'s' * (n != 1)}: quizprep drill --flagged --cram", style="dim")
        )
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
