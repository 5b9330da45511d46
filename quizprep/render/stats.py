"""``quizprep stats``: headline numbers, due-soon bar chart, mastery, review heatmap.

Also the small outputs of ``reset`` and ``deck orphans``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console
from rich.text import Text

from quizprep.render.layout import columns, frame, print_lines
from quizprep.render.style import chip
from quizprep.render.text import literal

if TYPE_CHECKING:
    from quizprep.study.stats import InterviewRecord, Mastery, Stats
    from quizprep.study.storage import Orphan
    from quizprep.study.sync import ImportResult

# Shades differ in glyph as well as colour so the calendar reads without colour too.
HEAT_CHARS = ("·", "░", "▒", "▓", "█")
HEAT_STYLES = ("grey35", "green4", "green3", "green1", "bright_green")
INTERVIEWS_SHOWN = 8
STATE_STYLES = {"new": "cyan", "learning": "yellow", "relearning": "dark_orange", "review": "green"}
MASTERY_BAR = 20


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def headline(stats: Stats, width: int = 80) -> list[Text]:
    """Four figures, label above value; two or one to a row when the width is short."""
    today = Text(str(stats.reviews_today), style="bold")
    if stats.again_today:
        today.append(f" ({stats.again_today} Again)", style="red")
    retention = Text(_pct(stats.retention), style="bold")
    if stats.retention is not None:
        retention.append(f" of {stats.retention_reviews}", style="dim")
    if stats.desired_retention is not None:
        retention.append(f" (target {stats.desired_retention:.0%})", style="dim")
    streak = Text(f"{stats.streak} day{'s' * (stats.streak != 1)}", style="bold")
    cells = [
        (Text("Reviews today", style="dim"), today),
        (Text("Total reviews", style="dim"), Text(f"{stats.reviews:,}", style="bold")),
        (Text("Retention, 30 days", style="dim"), retention),
        (Text("Streak", style="dim"), streak),
    ]
    for per_row in (4, 2, 1):
        lines: list[Text] = []
        for start in range(0, 4, per_row):
            group = cells[start : start + per_row]
            pairs = [[label for label, _ in group], [value for _, value in group]]
            lines += columns(pairs, "l" * per_row, indent=0)
        if per_row == 1 or max(line.cell_len for line in lines) <= width:
            return lines
    return lines  # pragma: no cover - the loop returns at one a row


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


def due_chart(stats: Stats, width: int = 40) -> list[Text]:
    """Horizontal bars: cards due on each of the next 7 days (today includes overdue)."""
    top = max((n for _, n in stats.due_next_7_days), default=0)
    rows = []
    for i, (day, count) in enumerate(stats.due_next_7_days):
        label = "Today" if i == 0 else day.strftime("%a %d")
        length = round(width * count / top) if top else 0
        bar = Text("█" * length or ("▏" if count else ""), style="cyan")
        rows.append([Text(f"{label:>6}", style="dim"), bar, Text(str(count))])
    return frame("Due in the next 7 days", columns(rows, "llr", gap=1, indent=0))


def mastery_table(
    title: str, rows: Sequence[Mastery], chips: bool = False, width: int = 80
) -> list[Text]:
    """A title, then one row per group: name, a bar of mean recall, the share, seen/cards.
    Names too long for ``width`` are cut with "…"."""
    seen_width = max((len(f"{row.seen}/{row.cards}") for row in rows), default=4)
    # Below 80 columns the bar gives way before the names do (down to 8 cells).
    bar_width = max(8, min(MASTERY_BAR, width - 28 - seen_width))
    cells = []
    for row in rows:
        name = chip(row.name) if chips else literal(row.name)
        filled = round(row.mastery * bar_width)
        bar = Text("█" * filled, style="green")
        bar.append("░" * (bar_width - filled), style="grey30")
        seen = Text(f"{row.seen}/{row.cards}", style="dim")
        cells.append([name, bar, Text(f"{row.mastery:.0%}"), seen])
    table = columns(cells, "llrr", header=("", "mastery", "", "seen"), width=width, flex=0)
    return [Text(title, style="bold"), *table]


def heatmap(stats: Stats, max_weeks: int) -> list[Text]:
    """A GitHub-style calendar: one column per week, Monday on top (``max_weeks`` columns
    at most: a frame as wide as ``max_weeks + 8`` cells)."""
    if stats.heatmap_start is None:
        return []
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
    lines = [months]
    for weekday in range(7):
        name = ("Mon", "", "Wed", "", "Fri", "", "Sun")[weekday]
        shades = []
        for week in range(weeks):
            day = start + timedelta(weeks=week, days=weekday)
            shades.append(-1 if day > stats.today else level(stats.heatmap.get(day, 0)))
        line = Text(f"{name:<4}", style="dim")
        run = 0
        for week, shade in enumerate(shades):  # one span per run of equal shades
            run += 1
            if week + 1 < weeks and shades[week + 1] == shade:
                continue
            if shade < 0:
                line.append(" " * run)
            else:
                line.append(HEAT_CHARS[shade] * run, style=HEAT_STYLES[shade])
            run = 0
        lines.append(line)
    legend = Text("    less ", style="dim")
    for char, style in zip(HEAT_CHARS, HEAT_STYLES, strict=True):
        legend.append(char, style=style)
    legend.append(" more", style="dim")
    days = sum(1 for d in stats.heatmap if d >= start)
    total = f"{days} review day{'s' * (days != 1)} in {weeks} weeks"
    if legend.cell_len + 3 + len(total) <= weeks + 4:
        legend.append(f"   {total}", style="dim")
        lines.append(legend)
    else:  # a narrow calendar: the total on a line of its own
        lines += [legend, Text(f"    {total}", style="dim")]
    return frame("Review days", lines)


def interview_table(
    interviews: Sequence[InterviewRecord],
    shown: int | None = INTERVIEWS_SHOWN,
    width: int = 80,
) -> list[Text]:
    """The latest mock interviews (``shown`` of them; None: all): number, when, how many
    questions, score, time, notes (cut to ``width``). ``quizprep interview show N``
    reopens one."""
    # Here, not at the top: the interview module costs `stats` 3 ms to import, and most
    # users have no interviews to show.
    from quizprep.study.interview import format_clock

    # Narrow: the date without the time, and no notes column.
    narrow = width < 64
    rows = []
    for record in interviews[:shown]:
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
        started = record.started_at.astimezone()
        row = [
            Text(str(record.id), style="cyan"),
            Text(started.strftime("%Y-%m-%d" if narrow else "%Y-%m-%d %H:%M")),
            Text(f"{record.questions}/{record.planned}"),
            Text(_pct(score), style=style),
            Text(took, style="dim"),
        ]
        rows.append(row if narrow else [*row, literal(", ".join(notes), style="dim")])
    header = ("#", "Date", "Questions", "Score", "Time", "")
    lines = [Text("Mock interviews", style="bold")]
    if narrow:
        lines += columns(rows, "rlrrr", header=header[:5])
    else:
        lines += columns(rows, "rlrrrl", header=header, width=width, flex=5)
    if shown is not None and len(interviews) > shown:
        lines.append(
            Text(f"latest {shown} of {len(interviews)} · all: quizprep interview list", style="dim")
        )
    return lines


def render_interviews(console: Console, interviews: Sequence[InterviewRecord]) -> None:
    """``interview list``: every saved interview, newest first."""
    print_lines(console, interview_table(interviews, shown=None, width=console.width))
    console.print("Reopen one: quizprep interview show N", style="dim", markup=False)


def render_stats(console: Console, stats: Stats) -> None:
    width = console.width
    print_lines(console, headline(stats, width))
    console.print(states_line(stats))
    if stats.plans:  # plan hook: predicted readiness for each interview date ahead
        from quizprep.render.plan import readiness_line

        for report in stats.plans:
            console.print(readiness_line(report))
    lines = [Text(""), *due_chart(stats, width=max(10, min(40, width - 20)))]
    if stats.by_topic:
        title = "Mastery by topic (mean FSRS recall probability)"
        lines += [Text(""), *mastery_table(title, stats.by_topic, width=width)]
        by_difficulty = mastery_table("Mastery by difficulty", stats.by_difficulty, True, width)
        lines += [Text(""), *by_difficulty]
    if stats.heatmap_start is not None:
        lines += [Text(""), *heatmap(stats, max_weeks=max(4, width - 8))]
    if stats.interviews:
        lines += [Text(""), *interview_table(stats.interviews, width=width)]
    print_lines(console, [*lines, Text("")])
    if any(e.attempts for e in stats.exercises):
        console.print(exercises_line(stats))
    if stats.grading is not None and stats.grading.graded:
        console.print(grading_line(stats))
    if not stats.reviews:
        console.print(Text("No reviews yet. Start with: quizprep drill", style="bold cyan"))
    console.print(backups_line(stats))


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


def backups_line(stats: Stats) -> Text:
    """Where the automatic backups (taken before reset, prune and import) are."""
    if not stats.backups:
        return literal(
            f"Backups: none yet; reset, orphans --prune and progress import first save one "
            f"in {stats.backups_folder}",
            style="dim",
        )
    n = len(stats.backups)
    return literal(
        f"Backups: {n} in {stats.backups_folder} (newest {Path(stats.backups[-1]).name})",
        style="dim",
    )


def _orphan_table(orphans: Sequence[Orphan], width: int) -> list[Text]:
    rows = []
    for orphan in orphans:
        last = orphan.last_review.astimezone().strftime("%Y-%m-%d") if orphan.last_review else "—"
        card = literal(f"{orphan.key[0]}/{orphan.key[1]}", style="cyan")
        rows.append([card, Text(str(orphan.reviews)), Text(last)])
    header = ("Card", "Reviews", "Last review")
    return columns(rows, "lrl", header=header, width=width, flex=0)


def _cards(n: int) -> str:
    return f"{n} card{'s' * (n != 1)}"


def orphans_question(removed: Sequence[Orphan]) -> str:
    reviews = sum(o.reviews for o in removed)
    return (
        f"Delete the progress of {_cards(len(removed))} no longer in their deck "
        f"({reviews} review{'s' * (reviews != 1)})? A backup is taken first."
    )


def render_orphans(
    console: Console,
    removed: Sequence[Orphan],
    unloaded: dict[str, list[Orphan]],
    considered: dict[str, int],
    pruned: int | None,
) -> None:
    """``deck orphans``: cards gone from a loaded deck, then decks not loaded at all."""
    shown = ", ".join(f"{n} {origin}" for origin, n in considered.items() if n)
    console.print(literal(f"Decks considered: {shown or 'none'}.", style="dim"))
    if not removed and not unloaded:
        console.print(
            Text("No orphaned progress: every stored card is in a loaded deck.", style="green")
        )
        return
    if removed:
        print_lines(console, [Text(""), *_orphan_table(removed, console.width), Text("")])
        n = len(removed)
        if pruned is None:
            console.print(
                Text(
                    f"{_cards(n)} with progress but no longer in their deck.\n"
                    "Delete this history with: quizprep deck orphans --prune",
                    style="dim",
                )
            )
        else:
            console.print(
                Text(
                    f"Deleted the progress of {_cards(n)} ({pruned} review{'s' * (pruned != 1)}).",
                    style="green",
                )
            )
    if unloaded:
        rows = []
        for deck_id, orphans in sorted(unloaded.items()):
            reviews = sum(o.reviews for o in orphans)
            rows.append(
                [literal(deck_id, style="cyan"), Text(str(len(orphans))), Text(str(reviews))]
            )
        header = ("Deck not loaded", "Cards", "Reviews")
        table = columns(rows, "lrr", header=header, width=console.width, flex=0)
        print_lines(console, [Text(""), *table, Text("")])
        console.print(
            Text(
                "Progress of decks that are not loaded is kept (never pruned): if you drill "
                "one with --deck PATH, pass the same --deck here. To delete a deck's "
                "progress for good: quizprep reset --deck ID",
                style="dim",
            )
        )


def reset_question(cards: int, reviews: int, deck_id: str | None) -> str:
    scope = f"deck {deck_id!r}" if deck_id else "all decks"
    return (
        f"Delete the progress of {cards} card{'s' * (cards != 1)} and "
        f"{reviews} review{'s' * (reviews != 1)} ({scope})? A backup is taken first."
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
    line = literal(f"Imported {result.path}: ", style="bold")
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
        console.print(literal(f"Settings: {note}.", style="dim"))


def exercises_line(stats: Stats) -> Text:
    """``Exercises: code 3 of 12 passed (5 tried, 9 checks) · derivations …``"""
    names = {"code": "code", "derive": "derivations"}
    line = Text("Exercises: ", style="bold")
    for i, e in enumerate(stats.exercises):
        if i:
            line.append(" · ", style="dim")
        line.append(f"{names.get(e.kind, e.kind)} ")
        line.append(f"{e.passed} of {e.available}", style="bold green" if e.passed else "bold")
        line.append(f" passed ({e.attempted} tried, {e.attempts} attempts)", style="dim")
    return line
