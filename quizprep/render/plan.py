"""``quizprep plan``: the date, today's work, the pace, the forecast and a readiness chart.

Plain lines of :class:`rich.text.Text` (topic names are deck text: never parsed as markup,
control characters removed). Fits 80 columns. Bars use block characters on a UTF-8
console and ``#``/``.`` otherwise; colour only ever adds to what the glyphs say, so
NO_COLOR output reads the same.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from rich.console import Console
from rich.text import Text

from quizprep.render.style import chip
from quizprep.render.text import clean
from quizprep.study.plan import Plan
from quizprep.study.readiness import Group, Readiness, Report, chart_days

NAME_WIDTH = 22
# One character for one, so a line's style spans stay where they were.
_ASCII = str.maketrans({"·": "-", "–": "-", "…": "~", "█": "#", "░": ".", "⚠": "!", "—": "-"})


def plain(text: str) -> str:
    """Deck text as one literal line: control characters (and newlines) removed."""
    return clean(text.replace("\n", " "))


def fancy(console: Console) -> bool:
    return console.encoding.lower().startswith("utf")


def bar(value: float, width: int, unicode: bool) -> Text:
    filled = max(0, min(width, round(value * width)))
    full, empty = ("█", "░") if unicode else ("#", ".")
    style = "green" if value >= 0.85 else "dark_orange" if value >= 0.6 else "red"
    return Text(full * filled, style=style) + Text(empty * (width - filled), style="grey35")


def pct(value: float) -> str:
    return f"{value:.0%}"


def day_label(day: date) -> str:
    return day.strftime("%a %d %b")


def when_label(report: Report) -> str:
    left = report.days_left
    if left > 1:
        return f"in {left} days"
    if left == 1:
        return "tomorrow"
    if left == 0:
        return "today"
    return f"{-left} day{'s' * (left != -1)} ago"


def header(report: Report) -> Text:
    plan = report.plan
    line = Text("Interview ", style="bold")
    line.append(plan.date.strftime("%a %d %b %Y"), style="bold cyan")
    line.append(f" ({when_label(report)})", style="bold")
    line.append(f" · {plain(plan.scope)} · {report.cards} cards", style="dim")
    return line


def today_line(report: Report) -> Text:
    if report.days_left < 0:
        return Text(
            "This date has passed: the drill schedules with plain FSRS again, from each card's "
            "real last review (nothing was lost). Remove the plan: quizprep plan --clear",
            style="dim",
        )
    if report.days_left == 0:
        return Text(
            "The interview is today. Last pass: quizprep drill --final "
            "(weakest cards first, then a short mock interview on your weakest topics).",
            style="bold",
        )
    first = report.days[0] if report.days else None
    line = Text("Left for today: ", style="bold")
    if first is None or not (first.new or first.reviews):
        line.append("nothing left to do. ")
    else:
        line.append(f"{first.new} new card{'s' * (first.new != 1)} and ")
        line.append(f"{first.reviews} review{'s' * (first.reviews != 1)}, ")
        line.append(f"about {max(1, round(first.minutes))} minutes. ")
    line.append("Run: quizprep drill", style="cyan")
    return line


def pace_lines(report: Report, unicode: bool) -> list[Text]:
    if report.days_left <= 0:
        return []
    plan = report.plan
    source = "your median" if report.measured else "a default until you have timed reviews"
    out = []
    pace = Text("Pace: ", style="bold")
    pace.append(report.pace_line)
    budget = "you set" if plan.minutes_per_day else "default budget"
    pace.append(
        f" ({report.seconds_per_review:.0f} s a review, {source}; {budget}: {plan.budget} min)",
        style="dim",
    )
    out.append(pace)
    if report.overloaded:
        warn = Text("! " if not unicode else "⚠ ", style="bold yellow")
        peak = round(report.peak_minutes)
        busiest = "" if peak <= round(report.minutes_needed) else f", {peak} on the busiest day"
        warn.append(
            f"{report.pace_line}{busiest}: more than the {plan.budget} minutes a day "
            f"{'you set' if plan.minutes_per_day else 'of the default budget'}. "
            "Every card is still introduced in time; to lighten the days, move the date, "
            "or plan fewer decks (--deck ID), or raise --minutes-per-day.",
            style="yellow",
        )
        out.append(warn)
    first, last = plan.window_start, date.fromordinal(plan.date.toordinal() - 1)
    window = day_label(first) if first == last else f"{day_label(first)} – {day_label(last)}"
    out.append(
        Text(
            f"Final window {window}: every card is reviewed once more, the weakest last. "
            f"New cards end {day_label(plan.intro_deadline(report.today))}.",
            style="dim",
        )
    )
    return out


def forecast_line(report: Report) -> Text:
    ready = report.readiness
    line = Text("Predicted recall on the day (FSRS): ", style="bold")
    line.append(pct(ready.recall), style="bold " + _style(ready.recall))
    line.append(
        f"  {ready.introduced} of {ready.cards} cards introduced; target {pct(report.target)}",
        style="dim",
    )
    return line


def weakest_line(ready: Readiness) -> Text:
    line = Text("Weakest topics: ", style="bold")
    line.append(", ".join(f"{plain(g.name)} {pct(g.recall)}" for g in ready.weakest) or "—")
    return line


def _style(value: float) -> str:
    return "green" if value >= 0.85 else "dark_orange" if value >= 0.6 else "red"


def group_lines(
    title: str, groups: Sequence[Group], width: int, unicode: bool, chips: bool = False
) -> list[Text]:
    out = [Text(title, style="bold")]
    for group in groups:
        name = plain(group.name)
        if len(name) > NAME_WIDTH:
            name = name[: NAME_WIDTH - 1] + ("…" if unicode else "~")
        if chips:  # difficulties look as they do everywhere else
            label = chip(group.name)
            line = Text("  ") + label + Text(" " * (NAME_WIDTH - len(label) + 1))
        else:
            line = Text(f"  {name:<{NAME_WIDTH}} ")
        line += bar(group.recall, width, unicode)
        line.append(f" {pct(group.recall):>4}")
        line.append(f"  {group.introduced}/{group.cards} introduced", style="dim")
        out.append(line)
    return out


def chart_lines(report: Report, width: int, unicode: bool) -> list[Text]:
    if not report.days:
        return []
    out = [
        Text(
            "Predicted readiness by day if you keep to the plan (every answer Good):",
            style="bold",
        )
    ]
    for day in chart_days(report.days):
        line = Text(f"  {day_label(day.day):<10} ")
        line += bar(day.readiness, width, unicode)
        line.append(f" {pct(day.readiness):>4}  ")
        if day.day == report.plan.date:
            line.append("interview", style="bold cyan")
        else:
            line.append(
                f"{day.new} new, {day.reviews} rev, {max(0, round(day.minutes))} min", style="dim"
            )
        out.append(line)
    return out


def render_report(console: Console, report: Report) -> None:
    unicode = fancy(console)
    width = max(10, min(30, console.width - 50))
    lines: list[Text] = [header(report), today_line(report)]
    lines += pace_lines(report, unicode)
    lines += [Text(""), forecast_line(report), weakest_line(report.readiness), Text("")]
    lines += group_lines("By topic (recall on the day)", report.readiness.by_topic, width, unicode)
    lines += group_lines("By difficulty", report.readiness.by_difficulty, width, unicode, True)
    if report.days:
        lines.append(Text(""))
        lines += chart_lines(report, width, unicode)
    for line in lines:
        if not unicode:
            line = Text(line.plain.translate(_ASCII), style=line.style, spans=line.spans)
        console.print(line, soft_wrap=False, overflow="fold")


def render_reports(console: Console, reports: Sequence[Report], notes: Sequence[str] = ()) -> None:
    for note in notes:
        console.print(Text(f"Note: {plain(note)}.", style="dim"))
    if not reports:
        console.print(
            Text("No interview date set. Set one: quizprep plan --date YYYY-MM-DD", style="bold")
        )
        return
    for i, report in enumerate(reports):
        if i:
            console.print()
        render_report(console, report)


def render_cleared(console: Console, notes: Sequence[str]) -> None:
    if not notes:
        console.print(Text("No plan to clear.", style="dim"))
    for note in notes:
        console.print(Text(plain(note[:1].upper() + note[1:]) + ".", style="green"))


def readiness_line(report: Report) -> Text:
    """The one line ``quizprep stats`` shows for a plan."""
    ready = report.readiness
    line = Text("Interview ", style="bold")
    line.append(report.plan.date.strftime("%a %d %b"), style="bold cyan")
    line.append(f" ({when_label(report)}, {plain(report.plan.scope)}): ")
    line.append("predicted recall on the day ")
    line.append(pct(ready.recall), style="bold " + _style(ready.recall))
    line.append(f" (target {pct(report.target)})", style="dim")
    if ready.weakest:
        line.append("; weakest: " + ", ".join(plain(g.name) for g in ready.weakest))
    line.append(". More: quizprep plan", style="dim")
    return line


def render_final_intro(console: Console, plan: Plan, cards: int) -> None:
    console.print(
        Text(
            f"Last pass before the {plan.date.isoformat()} interview: {cards} card"
            f"{'s' * (cards != 1)}, lowest predicted recall first.",
            style="bold",
        )
    )


def render_final_interview(console: Console, topics: Sequence[str]) -> None:
    console.print()
    console.print(
        Text(
            "Now a short mock interview on your weakest topics: "
            + (", ".join(plain(t) for t in topics) or "all topics"),
            style="bold",
        )
    )
