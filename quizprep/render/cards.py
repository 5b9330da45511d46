"""Cards as a person sees them: a bar coloured by difficulty down the left, then the content."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from rich import box
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.panel import Panel
from rich.segment import Segment
from rich.text import Text

from quizprep.decks.model import Card

if TYPE_CHECKING:
    from quizprep.decks.validate import DeckSummary
from quizprep.render.style import chip, colour
from quizprep.render.text import clean, literal

# A panel box that draws only the left edge: "▌" down the side in the difficulty colour.
LEFT_BAR = box.Box("▌   \n▌   \n▌   \n▌   \n▌   \n▌   \n▌   \n▌   \n")


def card_panel(
    card: Card,
    *,
    reveal: bool = True,
    resolve: Callable[[str, str], Card | None] | None = None,
    subtitle: str | None = None,
    full: bool = True,
) -> Panel:
    """The card as a panel. ``reveal=False`` shows only the question side (for drills).

    ``full=False`` is the drill's back side (answer, formula, key points, mistakes) so the
    question stays on screen; ``explain`` adds why it is asked, follow-ups and related cards.
    """
    parts: list[RenderableType] = [literal(card.question, style="bold")]
    if reveal:
        parts += _answer_side(card, resolve, full)
    return card_frame(card, parts, subtitle)


def card_frame(card: Card, parts: list[RenderableType], subtitle: str | None = None) -> Panel:
    """``parts`` in the card's frame: a bar in its difficulty colour, chip, topic and ref."""
    title = Text.assemble(
        chip(card.difficulty), " ", literal(card.topic, "bold"), "  ", literal(card.ref, "dim")
    )
    return Panel(
        Group(*parts),
        box=LEFT_BAR,
        border_style=colour(card.difficulty),
        title=title,
        title_align="left",
        subtitle=literal(subtitle, style="dim") if subtitle else None,
        subtitle_align="left",
        padding=(0, 1),
    )


def render_card(
    console: Console,
    card: Card,
    *,
    reveal: bool = True,
    resolve: Callable[[str, str], Card | None] | None = None,
) -> None:
    console.print(card_panel(card, reveal=reveal, resolve=resolve))


def _section(title: str) -> Text:
    return Text(f"\n{title}", style="bold underline")


def reflow(text: str) -> str:
    """Join hard-wrapped lines of a ``|`` block into paragraphs so rich can wrap them.

    Blank lines, list items and indented lines (formulas, code) keep their breaks.
    """
    out: list[str] = []
    for line in text.splitlines():
        stripped = line.strip()
        joinable = (
            out
            and stripped
            and out[-1].strip()
            and not line.startswith((" ", "\t"))
            and not stripped.startswith(("-", "•", "*", "→"))
        )
        if joinable:
            out[-1] = f"{out[-1]} {stripped}"
        else:
            out.append(line.rstrip())
    return "\n".join(out)


class Hanging:
    """``marker`` then ``body``, with the body's wrapped lines indented past the marker.

    A two-column table would do the same, but rich.table costs several milliseconds of
    import on every lookup.
    """

    def __init__(self, marker: Text, body: Text) -> None:
        self.marker = marker
        self.body = body

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        indent = self.marker.cell_len
        width = max(options.max_width - indent, 10)
        lines = console.render_lines(self.body, options.update_width(width), pad=False)
        pad = Segment(" " * indent)
        for i, line in enumerate(lines):
            yield from self.marker.render(console) if i == 0 else [pad]
            yield from line
            yield Segment.line()


def _bullets(marker: str, style: str, rows: list[Text]) -> Group:
    """A list whose wrapped lines stay indented under their bullet."""
    return Group(*(Hanging(Text(f"  {marker} ", style=style), row) for row in rows))


def _answer_side(
    card: Card, resolve: Callable[[str, str], Card | None] | None, full: bool = True
) -> list:
    parts: list[RenderableType] = [Text(""), literal(reflow(card.answer))]
    if card.formula:
        parts += [_section("Formula"), literal("  " + card.formula, style="bold cyan")]
    parts += [
        _section("Key points"),
        _bullets("•", "bold", [literal(point.text) for point in card.key_points]),
    ]
    if card.why_asked and full:
        parts += [
            _section("Why interviewers ask"),
            _bullets(" ", "", [literal(reflow(card.why_asked))]),
        ]
    if card.common_mistakes:
        parts += [
            _section("Common mistakes"),
            _bullets("✗", "red", [literal(reflow(m)) for m in card.common_mistakes]),
        ]
    if not full:
        return parts
    if card.follow_ups:
        rows = []
        for follow in card.follow_ups:
            row = literal(follow.question)
            if follow.card:
                row.append(clean(f"  [{follow.card}]"), style="dim")
            rows.append(row)
        parts += [_section("Follow-ups"), _bullets("→", "", rows)]
    if card.related:
        rows = []
        for ref in card.related:
            target = resolve(ref, card.deck) if resolve else None
            line = literal(ref, style="cyan")
            if target is not None:
                line.append(clean(f"  {target.question}"), style="dim")
            rows.append(line)
        parts += [_section("Related"), _bullets("→", "", rows)]
    if card.math:
        parts.append(literal(f"\nSee it in numbers: quizprep math {card.math}", "dim italic"))
    if card.exercise:
        parts.append(literal(f"Write the code: quizprep code {card.exercise}", "dim italic"))
    if card.derive:
        practise = f"Check a derivative: quizprep code derive {card.derive} EXPRESSION"
        parts.append(literal(practise, "dim italic"))
    return parts


def render_explain(
    console: Console,
    best: Card,
    others: Sequence[Card],
    resolve: Callable[[str, str], Card | None],
    corrected: str | None = None,
) -> None:
    if corrected:
        console.print(Text("Showing results for ", style="dim") + Text(corrected, style="bold"))
    render_card(console, best, resolve=resolve)
    if others:
        console.print(Text("Other matches:", style="bold"))
        for card in others:
            body = literal(card.ref, style="cyan") + literal(f"  {card.question}")
            console.print(Hanging(Text("  ") + chip(card.difficulty) + Text(" "), body))
        console.print(literal(f"Show one with: quizprep explain {others[0].ref}", style="dim"))


def render_no_match(
    console: Console, query: str, closest: Sequence[Card], suggestions: Sequence[str]
) -> None:
    """``explain`` when no card covers the query: say so, then the nearest cards."""
    console.print(Text("Error: ", style="bold red") + literal(f"no card covers {query!r}."))
    if suggestions:
        console.print(Text("Did you mean: ") + literal(", ".join(suggestions), style="cyan"))
    if closest:
        console.print(Text("Closest cards:", style="bold"))
        for card in closest:
            body = literal(card.ref, style="cyan") + literal(f"  {card.question}")
            console.print(Hanging(Text("  ") + chip(card.difficulty) + Text(" "), body))
    console.print(Text("See every card with: quizprep list", style="dim"))


def render_card_table(console: Console, cards: Sequence[Card]) -> None:
    if not cards:
        console.print("No cards match these filters.", style="dim")
        return
    from rich.table import Table

    # Refs run to 40 characters: below 120 columns a Card column would leave the question
    # a couple of words per line, so the ref goes under the question instead.
    wide = console.width >= 120
    table = Table(box=box.SIMPLE_HEAD, show_lines=False, pad_edge=False, expand=False)
    table.add_column("Level", no_wrap=True)
    if wide:
        table.add_column("Card", style="cyan", no_wrap=True)
        table.add_column("Topic", no_wrap=True)
    table.add_column("Question" if wide else "Question  (card)", ratio=1)
    for card in cards:
        if wide:
            table.add_row(
                chip(card.difficulty),
                literal(card.ref),
                literal(card.topic),
                literal(card.question),
            )
        else:
            cell = literal(card.question) + literal(f"\n{card.ref}", style="cyan")
            table.add_row(chip(card.difficulty), cell)
    console.print(table)
    counts = {d: sum(c.difficulty == d for c in cards) for d in ("easy", "medium", "hard")}
    summary = Text(f"{len(cards)} card{'s' * (len(cards) != 1)}: ")
    for i, (difficulty, n) in enumerate(counts.items()):
        summary.append(f"{n} {difficulty}", style=colour(difficulty))
        summary.append(", " if i < 2 else "")
    console.print(summary)


def render_validation(
    console: Console, decks: Sequence[DeckSummary], problems: Sequence[str], files: int
) -> None:
    """``deck validate``: a summary per deck when all is well, else every problem."""
    if problems:
        for line in problems:
            path, sep, rest = line.partition(": ")
            console.print(literal(path, style="bold") + Text(sep) + literal(rest), soft_wrap=True)
        console.print(
            Text(
                f"\n✗ {len(problems)} problem{'s' * (len(problems) != 1)} "
                f"in {files} file{'s' * (files != 1)}",
                style="bold red",
            )
        )
        return
    for deck in decks:
        counts = deck.by_difficulty()
        summary = Text("✓ ", style="bold green") + literal(deck.path, style="bold")
        n = len(deck.cards)
        summary.append(clean(f"  {deck.id} · {n} card{'s' * (n != 1)}: "))
        for i, (difficulty, count) in enumerate(counts.items()):
            summary.append(f"{count} {difficulty}", style=colour(difficulty))
            summary.append(", " if i < 2 else "")
        console.print(summary)
