"""What an AI grader adds under the verdicts: its critique, and a note when it was not used."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.padding import Padding
from rich.text import Text

if TYPE_CHECKING:
    from rich.console import Console

    from quizprep.study.aigrading import Feedback


def critique_lines(feedback: Feedback) -> list[Text]:
    """The critique (model text, shown literally), or the one-line fallback note."""
    lines: list[Text] = []
    if feedback.note:
        lines.append(Text(feedback.note, style="yellow"))
    if feedback.critique:
        cached = " (cached)" if feedback.cached else ""
        lines.append(Text(f"Interviewer's critique — {feedback.grader}{cached}", style="bold"))
        lines.append(Text(feedback.critique))
    if feedback.follow_up:
        lines.append(Text("Follow-up: ", style="bold") + Text(feedback.follow_up))
    return lines


def render_feedback(console: Console, feedback: Feedback) -> None:
    for line in critique_lines(feedback):
        console.print(Padding(line, (0, 0, 0, 2)), soft_wrap=False)
