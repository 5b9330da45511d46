"""The mock interview on screen: the question with its clock, short feedback, the scorecard."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.text import Text

from quizprep.decks.model import Card, FollowUp
from quizprep.render.cards import Hanging, card_panel, reflow
from quizprep.render.style import chip, colour
from quizprep.study.interview import (
    INPUT_ENDED,
    INTERRUPTED,
    TIME_UP,
    Answer,
    QuestionResult,
    Scorecard,
    format_clock,
)
from quizprep.study.scheduler import RATINGS

if TYPE_CHECKING:
    from quizprep.study.grading import Grade
    from quizprep.study.interview import Interview

MODEL_ANSWER_CHARS = 200
FOLLOW_UP_CHIP = "bold black on bright_cyan"


def score_style(score: float | None) -> str:
    if score is None:
        return "dim"
    return "bold green" if score >= 0.8 else "bold dark_orange" if score >= 0.5 else "bold red"


def _pct(score: float | None) -> str:
    return "—" if score is None else f"{score:.0%}"


def clock(elapsed: timedelta, budget: timedelta) -> Text:
    """``⏱ 03:12 / 20:00``, yellow in the last fifth of the budget and red past it."""
    style = "bold cyan"
    if elapsed > budget:
        style = "bold red"
    elif elapsed > budget * 0.8:
        style = "bold yellow"
    return Text.assemble(("⏱ ", style), (format_clock(elapsed), style), (" / ", "dim"),
                         (format_clock(budget), "dim"))  # fmt: skip


def line_prompt(elapsed: timedelta, budget: timedelta, continuing: bool) -> str:
    """The plain-text prompt before each answer line: the clock, refreshed at every line."""
    return f"[{format_clock(elapsed)}] {'…' if continuing else '›'} "


def render_intro(console: Console, interview: Interview) -> None:
    n = len(interview.questions)
    text = Text()
    text.append(f"{n} question{'s' * (n != 1)}", style="bold")
    text.append(" from easy to hard, a follow-up after each · ")
    text.append(format_clock(interview.budget), style="bold")
    text.append(" on the clock.\n")
    text.append("Type each answer; an empty line (or Ctrl-D) ends it. ", style="dim")
    text.append("Ctrl-C stops early and still scores what you answered.", style="dim")
    title = Text("Mock interview")
    console.print(Panel(text, title=title, title_align="left", border_style="blue"))


def _header(label: str, interview: Interview) -> Text:
    line = Text(label, style="bold")
    line.append("   ")
    return line + clock(interview.elapsed(), interview.budget)


def render_question(
    console: Console, card: Card, number: int, total: int, interview: Interview
) -> None:
    console.print()
    console.print(_header(f"Question {number} of {total}", interview))
    console.print(card_panel(card, reveal=False))
    console.print(Text("Your answer (an empty line or Ctrl-D ends it):", style="dim"))


def render_follow_up(
    console: Console,
    follow: FollowUp,
    target: Card | None,
    parent: Card,
    number: int,
    interview: Interview,
    graded: bool = True,
) -> None:
    console.print()
    console.print(_header(f"Follow-up to question {number}", interview))
    title = Text(" FOLLOW-UP ", style=FOLLOW_UP_CHIP) + Text(f" {parent.topic}", style="bold")
    subtitle = None
    if target is None:
        subtitle = Text("no model answer: you rate yourself afterwards", style="dim")
    elif not graded:
        subtitle = Text("you rate yourself against the model answer afterwards", style="dim")
    console.print(
        Panel(
            Text(follow.question, style="bold"),
            title=title,
            title_align="left",
            subtitle=subtitle,
            subtitle_align="left",
            border_style=colour((target or parent).difficulty),
            padding=(0, 1),
        )
    )
    console.print(Text("Your answer (an empty line or Ctrl-D ends it):", style="dim"))


def render_self_rate_prompt(console: Console, again: bool = False) -> None:
    if again:
        console.print(Text("Press 1, 2, 3 or 4.", style="yellow"))
        return
    line = Text("How did you do? ", style="bold")
    for rating, name in RATINGS.items():
        line.append(f" {rating} ", style="reverse bold")
        line.append(f" {name}   ")
    console.print(line)


def render_model_answer(console: Console, card: Card) -> None:
    """The whole model answer, for a follow-up the user rates themselves."""
    console.print(
        Hanging(Text("→ Model answer: ", style="bold"), Text(reflow(card.answer).strip()))
    )


def render_verdicts(console: Console, graded: Grade, note: str | None) -> None:
    """The grader's verdicts, numbered for toggling, and the proposed rating."""
    from quizprep.render.drill import grade_summary, verdict_lines

    for line in verdict_lines(graded, numbered=True):
        console.print(line)
    console.print(grade_summary(graded))
    count = len(graded.points)
    keys = Text(f"  {'1–' if count > 1 else ''}{count}", style="bold cyan")
    keys.append(" change a verdict (✓ → ✗ → contradicted) · ", style="dim")
    keys.append("Enter", style="bold cyan")
    keys.append(" accept", style="dim")
    console.print(keys)
    if note:
        console.print(Text(note, style="yellow"))


def render_feedback(console: Console, answer: Answer) -> None:
    line = Text("  Noted · ", style="dim")
    if answer.self_rated:
        line.append(f"self-rated {RATINGS[answer.rating]}", style=score_style(answer.score))
    else:
        total = len(answer.points) or len(answer.covered) + len(answer.missed)
        line.append(f"{len(answer.covered)} of {total} key points", style=score_style(answer.score))
        if answer.contradicted:
            line.append(f", {len(answer.contradicted)} contradicted", style="bold red")
    line.append(f" · {format_clock(answer.duration)}", style="dim")
    console.print(line)


def render_time_up(console: Console, interview: Interview) -> None:
    console.print(
        Text.assemble(
            ("⏱ Time is up: ", "bold red"),
            (f"{format_clock(interview.elapsed())} of {format_clock(interview.budget)}. ", "red"),
            ("That was the last question.", "bold"),
        )
    )


# -- the scorecard -----------------------------------------------------------------------


def tight(answer: str, limit: int = MODEL_ANSWER_CHARS) -> str:
    """The model answer's first paragraph, cut after the last whole sentence that fits
    in ``limit`` characters (or at a word boundary when even the first does not)."""
    first = reflow(answer).strip().split("\n\n", 1)[0].replace("\n", " ")
    if len(first) <= limit:
        return first
    head = first[: limit + 1]
    end = max(head.rfind(". "), head.rfind("? "), head.rfind("! "))
    if end >= limit // 3:
        return head[: end + 1] + " …"
    return head.rsplit(" ", 1)[0].rstrip(",;:—-") + " …"


def _points(answer: Answer, indent: str) -> list[RenderableType]:
    rows: list[RenderableType] = []
    if answer.points:
        from quizprep.render.drill import verdict_lines
        from quizprep.study.grading import Grade

        return list(verdict_lines(Grade(answer.points, answer.rating), indent=indent))
    for point in answer.covered:
        rows.append(Hanging(Text(f"{indent}✓ ", style="bold green"), Text(point)))
    for point in answer.missed:
        rows.append(Hanging(Text(f"{indent}✗ ", style="bold red"), Text(point, style="dim")))
    return rows


def _model_answer(card: Card, indent: str, show_ref: bool = False) -> RenderableType:
    body = Text("Model answer: ", style="bold") + Text(reflow(card.answer).strip())
    if show_ref:
        body.append(f"  ({card.ref})", style="dim")
    return Hanging(Text(f"{indent}→ ", style="bold"), body)


def _result_line(answer: Answer) -> Text:
    if answer.self_rated:
        text = Text(f"self-rated {RATINGS[answer.rating]}", style=score_style(answer.score))
    else:
        total = len(answer.points) or len(answer.covered) + len(answer.missed)
        text = Text(f"{len(answer.covered)}/{total} key points", style=score_style(answer.score))
        if answer.contradicted:
            text.append(f", {len(answer.contradicted)} contradicted", style="bold red")
    return text + Text(f" · {format_clock(answer.duration)}", style="dim")


def _question_block(number: int, result: QuestionResult) -> RenderableType:
    card, answer = result.card, result.answer
    head = Text(f"{number}. ", style="bold") + chip(card.difficulty)
    head.append(f" {card.topic}", style="bold")
    head.append(f"  {card.ref}", style="dim")
    parts: list[RenderableType] = [
        head,
        Hanging(Text("   "), Text(card.question, style="italic")),
        Hanging(Text("   "), _result_line(answer)),
        *_points(answer, "   "),
        _model_answer(card, "   "),
    ]
    follow = result.follow_up
    if follow is not None:
        parts.append(Hanging(Text("   ↳ Follow-up: ", style="bold cyan"), Text(follow.question)))
        parts.append(Hanging(Text("     "), _result_line(follow)))
        parts += _points(follow, "     ")
        if result.follow_up_card is not None:
            parts.append(_model_answer(result.follow_up_card, "     ", show_ref=True))
    return Group(*parts)


def _ending(scorecard: Scorecard) -> Text | None:
    notes = {
        INTERRUPTED: "Stopped early (Ctrl-C).",
        TIME_UP: "Time ran out.",
        INPUT_ENDED: "Input ended.",
    }
    note = notes.get(scorecard.end_reason)
    return Text(note, style="yellow") if note else None


def render_scorecard(console: Console, scorecard: Scorecard) -> None:
    answered = len(scorecard.results)
    head = Text("Score ", style="bold")
    head.append(_pct(scorecard.score), style=score_style(scorecard.score))
    head.append(f" · {answered} of {scorecard.planned} questions · ")
    head.append(f"{format_clock(scorecard.elapsed)} of {format_clock(scorecard.budget)}")
    parts: list[RenderableType] = [head]
    if (ending := _ending(scorecard)) is not None:
        parts.append(ending)
    for number, result in enumerate(scorecard.results, start=1):
        parts += [Text(""), _question_block(number, result)]
    parts.append(Text(""))
    weak = scorecard.weak_topics
    if weak:
        line = Text("Weak topics: ", style="bold")
        for i, topic in enumerate(weak):
            if i:
                line.append(" · ", style="dim")
            line.append(topic.topic)
            line.append(f" {_pct(topic.score)}", style=score_style(topic.score))
        parts.append(line)
    elif scorecard.results:
        parts.append(Text("No weak topics: every answer covered all its key points.", "green"))
    back = scorecard.back_in_drill
    if back:
        parts.append(
            Hanging(
                Text("Back in your drill: ", style="bold"),
                Text(", ".join(c.ref for c in back), style="cyan")
                + Text(" (answered badly) → quizprep drill", style="dim"),
            )
        )
    if scorecard.interview_id is not None:
        parts.append(
            Text(
                f"Saved as interview #{scorecard.interview_id} (see `quizprep stats`). "
                f"Same questions again: --seed {scorecard.seed}",
                style="dim",
            )
        )
    else:
        parts.append(Text("Nothing was answered, so nothing was saved.", style="dim"))
    console.print()
    console.print(
        Panel(Group(*parts), title=Text("Scorecard"), title_align="left", border_style="blue")
    )
