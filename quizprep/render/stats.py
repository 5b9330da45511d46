"""``quizprep stats``: headline numbers, due-soon bar chart, mastery, review heatmap.

Also the small outputs of ``reset`` and ``deck orphans``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import TYPE_CHECKING

from rich import box
from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from quizprep.render.style import chip
from quizprep.study.interview import format_clock
from quizprep.study.stats import InterviewRecord, Mastery, Stats
from quizprep.study.storage import Orphan

if TYPE_CHECKING:
    from quizprep.study.sync import ImportResult

# Shades differ in glyph as well as colour so the calendar reads without colour too.
HEAT_CHARS = ("·", "░", "▒", "▓", "█")
HEAT_STYLES = ("grey35", "green4", "green3", "green1", "bright_green")
INTERVIEWS_SHOWN = 8
STATE_STYLES = {"new": "cyan", "learning": "yellow", "relearning": "dark_orange", "review": "green"}


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def headline(stats: Stats) -> RenderableType:
    grid = Table.grid(padding=(0, 3))
    for _ in range(4):
        grid.add_column()
    today = Text(str(stats.reviews_today), style="bold")
    if stats.again_today:
        today.append(f" ({stats.again_today} Again)", style="red")
    retention = Text(_pct(stats.retention), style="bold")
    if stats.retention is not None:
        retention.append(f" of {stats.retention_reviews}", style="dim")
    if stats.desired_retention is not None:
        retention.append(f" (target {stats.desired_retention:.0%})", style="dim")
    streak = Text(f"{stats.streak} day{'s' * (stats.streak != 1)}", style="bold")
    grid.add_row(
        Text("Reviews today", style="dim"),
        Text("Total reviews", style="dim"),
        Text("Retention, 30 days", style="dim"),
        Text("Streak", style="dim"),
    )
    grid.add_row(today, Text(f"{stats.reviews:,}", style="bold"), retention, streak)
    return grid


def states_line(stats: Stats) -> Text:
    line = Text("Cards: ", style="bold")
    for i, (name, count) in enumerate(stats.states.items()):
        if i:
            line.append(" · ", style="dim")
        line.append(f"{count} {name}", style=STATE_STYLES.get(name, ""))
    line.append(
        f"   ({stats.cards_seen} of {stats.cards} seen; {stats.due_now} due now)", style="dim"
    )
    return line


def due_chart(stats: Stats, width: int = 40) -> RenderableType:
    """Horizontal bars: cards due on each of the next 7 days (today includes overdue)."""
    top = max((n for _, n in stats.due_next_7_days), default=0)
    table = Table.grid(padding=(0, 1))
    table.add_column(no_wrap=True)
    table.add_column(no_wrap=True)
    table.add_column(justify="right")
    for i, (day, count) in enumerate(stats.due_next_7_days):
        label = "Today" if i == 0 else day.strftime("%a %d")
        length = round(width * count / top) if top else 0
        bar = Text("█" * length or ("▏" if count else ""), style="cyan")
        table.add_row(Text(f"{label:>6}", style="dim"), bar, Text(str(count)))
    return Panel(
        table, title="Due in the next 7 days", title_align="left", box=box.ROUNDED, expand=False
    )


def mastery_table(title: str, rows: Sequence[Mastery], chips: bool = False) -> RenderableType:
    table = Table(
        title=title, title_justify="left", title_style="bold", box=box.SIMPLE_HEAD, pad_edge=False
    )
    table.add_column("", no_wrap=True)
    table.add_column("mastery", no_wrap=True)
    table.add_column("", justify="right", no_wrap=True)
    table.add_column("seen", justify="right", style="dim", no_wrap=True)
    for row in rows:
        name: Text = chip(row.name) if chips else Text(row.name)
        filled = round(row.mastery * 20)
        bar = Text("█" * filled, style="green") + Text("░" * (20 - filled), style="grey30")
        table.add_row(name, bar, f"{row.mastery:.0%}", f"{row.seen}/{row.cards}")
    return table


def heatmap(stats: Stats, max_weeks: int) -> RenderableType:
    """A GitHub-style calendar: one column per week, Monday on top."""
    if stats.heatmap_start is None:
        return Text("")
    total_weeks = (stats.today - stats.heatmap_start).days // 7 + 1
    weeks = max(4, min(total_weeks, max_weeks))
    start = stats.heatmap_start + timedelta(weeks=total_weeks - weeks)
    counts = sorted(n for d, n in stats.heatmap.items() if d >= start and n > 0)
    # Shade by quartile of the review days shown, so a steady habit still shows contrast.
    cuts = [counts[len(counts) * q // 4] for q in (1, 2, 3)] if counts else []

    def level(n: int) -> int:
        return 0 if n <= 0 else 1 + sum(n > cut for cut in cuts)

    months = Text("    ")
    for week in range(weeks):
        first = start + timedelta(weeks=week)
        # Label the week holding the 1st of a month, if the previous label has ended.
        if (first - timedelta(days=7)).month != first.month and len(months) - 4 <= week:
            months.append(" " * (week - (len(months) - 4)))
            months.append(first.strftime("%b"), style="dim")
    months.append("")
    lines: list[RenderableType] = [months]
    for weekday in range(7):
        name = ("Mon", "", "Wed", "", "Fri", "", "Sun")[weekday]
        line = Text(f"{name:<4}", style="dim")
        for week in range(weeks):
            day = start + timedelta(weeks=week, days=weekday)
            if day > stats.today:
                line.append(" ")
                continue
            shade = level(stats.heatmap.get(day, 0))
            line.append(HEAT_CHARS[shade], style=HEAT_STYLES[shade])
        lines.append(line)
    legend = Text("    less ", style="dim")
    for char, style in zip(HEAT_CHARS, HEAT_STYLES, strict=True):
        legend.append(char, style=style)
    legend.append(" more", style="dim")
    days = sum(1 for d in stats.heatmap if d >= start)
    legend.append(f"   {days} review day{'s' * (days != 1)} in {weeks} weeks", style="dim")
    lines.append(legend)
    return Panel(Group(*lines), title="Review days", title_align="left", expand=False)


def interview_table(interviews: Sequence[InterviewRecord]) -> RenderableType:
    """The latest mock interviews: when, how many questions, score, time."""
    table = Table(
        title="Mock interviews", title_justify="left", title_style="bold",
        box=box.SIMPLE_HEAD, pad_edge=False,
    )  # fmt: skip
    table.add_column("Date", no_wrap=True)
    table.add_column("Questions", justify="right", no_wrap=True)
    table.add_column("Score", justify="right", no_wrap=True)
    table.add_column("Time", justify="right", no_wrap=True, style="dim")
    table.add_column("", style="dim", overflow="ellipsis", no_wrap=True)
    for record in interviews[:INTERVIEWS_SHOWN]:
        score = record.score
        style = "dim" if score is None else "green" if score >= 0.8 else "dark_orange"
        if score is not None and score < 0.5:
            style = "red"
        took = format_clock(record.ended_at - record.started_at) if record.ended_at else "—"
        notes = []
        if record.topic:
            notes.append(record.topic)
        if record.end_reason and record.end_reason != "finished":
            notes.append(
                {"time": "time ran out", "interrupted": "stopped early"}.get(
                    record.end_reason, record.end_reason
                )
            )
        table.add_row(
            record.started_at.astimezone().strftime("%Y-%m-%d %H:%M"),
            f"{record.questions}/{record.planned}",
            Text(_pct(score), style=style),
            took,
            ", ".join(notes),
        )
    if len(interviews) > INTERVIEWS_SHOWN:
        table.caption = f"latest {INTERVIEWS_SHOWN} of {len(interviews)}"
        table.caption_justify = "left"
    return table


def render_stats(console: Console, stats: Stats) -> None:
    console.print(headline(stats))
    console.print(states_line(stats))
    console.print()
    console.print(due_chart(stats, width=max(10, min(40, console.width - 20))))
    if stats.by_topic:
        console.print(
            mastery_table("Mastery by topic (mean FSRS recall probability)", stats.by_topic)
        )
        console.print(mastery_table("Mastery by difficulty", stats.by_difficulty, chips=True))
    console.print(heatmap(stats, max_weeks=max(4, console.width - 8)))
    if stats.interviews:
        console.print(interview_table(stats.interviews))
    if stats.grading is not None and stats.grading.graded:
        console.print(grading_line(stats))
    if not stats.reviews:
        console.print(Text("No reviews yet. Start with: quizprep drill", style="bold cyan"))


def grading_line(stats: Stats) -> Text:
    """How often the user changed the grader's verdicts: the field measure of grading."""
    grading = stats.grading
    assert grading is not None
    line = Text("Typed answers graded: ", style="bold")
    line.append(f"{grading.graded:,}")
    line.append(" · you changed the grader's verdicts on ", style="dim")
    line.append(f"{grading.overridden:,} ({_pct(grading.share)})", style="bold")
    line.append(f" · {grading.points_changed:,} of {grading.points:,} key points", style="dim")
    return line


def render_orphans(console: Console, orphans: Sequence[Orphan], pruned: int | None) -> None:
    if not orphans:
        console.print(
            Text("No orphaned progress: every stored card is in a loaded deck.", style="green")
        )
        return
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("Card", style="cyan", no_wrap=True)
    table.add_column("Reviews", justify="right")
    table.add_column("Last review", no_wrap=True)
    for orphan in orphans:
        last = orphan.last_review.astimezone().strftime("%Y-%m-%d") if orphan.last_review else "—"
        table.add_row(f"{orphan.key[0]}/{orphan.key[1]}", str(orphan.reviews), last)
    console.print(table)
    n = len(orphans)
    if pruned is None:
        console.print(
            Text(
                f"{n} card{'s' * (n != 1)} with progress but no longer in any loaded deck. "
                "Decks you drill with --deck count too: pass the same --deck here.\n"
                "Delete this history with: quizprep deck orphans --prune",
                style="dim",
            )
        )
    else:
        console.print(
            Text(
                f"Deleted the progress of {n} card{'s' * (n != 1)} "
                f"({pruned} review{'s' * (pruned != 1)}).",
                style="green",
            )
        )


def reset_question(cards: int, reviews: int, deck_id: str | None) -> str:
    scope = f"deck {deck_id!r}" if deck_id else "all decks"
    return (
        f"Delete the progress of {cards} card{'s' * (cards != 1)} and "
        f"{reviews} review{'s' * (reviews != 1)} ({scope})? This cannot be undone."
    )


def render_reset(console: Console, cards: int, reviews: int, deck_id: str | None) -> None:
    if not cards and not reviews:
        scope = f" for deck {deck_id!r}" if deck_id else ""
        console.print(Text(f"Nothing to reset: no progress stored{scope}.", style="dim"))
        return
    console.print(
        Text(
            f"Reset: cleared {cards} card{'s' * (cards != 1)} and "
            f"{reviews} review{'s' * (reviews != 1)}.",
            style="green",
        )
    )


def render_import(console: Console, result: ImportResult) -> None:
    """What ``progress import`` added, and what it left alone."""
    plural = "s" * (result.added != 1)
    line = Text(f"Imported {result.path}: ", style="bold")
    if result.added:
        cards = f"{result.added_cards} card{'s' * (result.added_cards != 1)}"
        line.append(f"added {result.added} review{plural} for {cards}", style="green")
    else:
        line.append("nothing new", style="green")
    line.append(f"; {result.already} already present.", style="dim")
    console.print(line)
    console.print(
        Text(
            f"Replayed the reviews of {result.replayed} card{'s' * (result.replayed != 1)} "
            f"through FSRS; {result.rebuilt} card state{'s' * (result.rebuilt != 1)} updated.",
            style="dim",
        )
    )
    for note in result.settings:
        console.print(Text(f"Settings: {note}.", style="dim"))
