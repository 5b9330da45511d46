"""Take decks out of quizprep: a Markdown cheat sheet, a CSV for Anki, an Anki package.

Pure functions from decks and cards to text (or, for ``.apkg``, a file). Nothing here imports
typer or rich; ``genanki`` is an optional extra, imported only by :func:`export_apkg`.
"""

from __future__ import annotations

import csv
import hashlib
import html
import io
import re
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path

from quizprep.decks.model import DIFFICULTIES, Card, Deck
from quizprep.errors import QuizprepError

ANKI_EXTRA_MESSAGE = 'Anki export needs the optional extra: pip install "quizprep[anki]"'

# Roughly two sentences: enough to jog the memory, short enough to scan.
TIGHT_ANSWER_CHARS = 280

_LIST_ITEM = re.compile(r"^(?:[-*•]|\d+[.)])\s")
# A sentence ends at . ! or ? before a capital, digit or opening quote, except after
# abbreviations that are usually followed by a capitalised name ("vs. MSE").
_SENTENCE_END = re.compile(
    r"(?<=[.!?])(?<!\b[eE]\.g\.)(?<!\bi\.e\.)(?<!\bvs\.)(?<!\bcf\.)(?<!\bapprox\.)"
    r"\s+(?=[A-Z0-9(\"“'‘])"
)
# Only what CommonMark would act on: escapes, code, emphasis, links, HTML tags and entities.
# Intraword underscores (log_softmax) and a lone ``<`` or ``>`` in prose are left alone.
_MD_SPECIAL = re.compile(r"[\\`*\[]|(?<!\w)_|_(?!\w)|<(?=[A-Za-z/!?])|&(?=#?\w+;)")
_MD_LINE_START = re.compile(r"^(\d*)([#+\-=.)>~]+)(?=\s|$)")
_MD_TRAILING_HASHES = re.compile(r"(\s)(#+\s*)$")  # would close an ATX heading


def select_decks(decks: Sequence[Deck], ids: Iterable[str] = ()) -> list[Deck]:
    """The decks named by ``ids`` in the order given, or every deck when no id is given."""
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return list(decks)
    by_id = {deck.id: deck for deck in decks}
    unknown = [i for i in wanted if i not in by_id]
    if unknown:
        known = ", ".join(sorted(by_id)) or "none"
        names = ", ".join(repr(i) for i in unknown)
        raise QuizprepError(f"unknown deck id {names}; known deck ids: {known}")
    return [by_id[i] for i in wanted]


# --- Markdown -------------------------------------------------------------------------------


def export_markdown(decks: Sequence[Deck], *, title: str = "quizprep cheat sheet") -> str:
    """A cheat sheet: cards grouped by topic (easy before hard), then a review checklist.

    Each card shows its question as a heading, a tight version of the answer, the formula in
    a code span and the key points as bullets. The quick-review section at the end has one
    checklist per topic with every question, for a last pass before the interview.
    """
    topics = _by_topic(card for deck in decks for card in deck.cards)
    out: list[str] = [f"# {_md_text(title)}", ""]
    deck_list = ", ".join(f"{_md_text(d.title)} ({len(d.cards)})" for d in decks)
    out += [f"Decks: {deck_list}.", ""]
    if topics:
        contents = " · ".join(f"{_md_text(t)} ({len(cs)})" for t, cs in topics.items())
        out += [f"Topics: {contents}.", ""]
    for topic, cards in topics.items():
        out += [f"## {_md_text(topic)}", ""]
        for card in cards:
            out += _card_markdown(card)
    if topics:
        out += ["## Quick review", ""]
        for topic, cards in topics.items():
            out += [f"### {_md_text(topic)}", ""]
            out += [f"- [ ] {_md_text(_one_line(card.question))}" for card in cards]
            out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def _card_markdown(card: Card) -> list[str]:
    lines = [
        f"### {_md_text(_one_line(card.question))}",
        "",
        f"*{card.difficulty} · {_md_text(card.ref)}*",
        "",
        _md_text(tight_answer(card.answer)),
        "",
    ]
    if card.formula:
        lines += [code_span(_one_line(card.formula)), ""]
    if card.key_points:
        lines += [f"- {_md_text(_one_line(kp.text))}" for kp in card.key_points]
        lines.append("")
    return lines


def _by_topic(cards: Iterable[Card]) -> dict[str, list[Card]]:
    """Topics in order of first appearance; within a topic, easy → hard, else deck order."""
    topics: dict[str, list[Card]] = {}
    for card in cards:
        topics.setdefault(card.topic, []).append(card)
    rank = {d: i for i, d in enumerate(DIFFICULTIES)}
    return {t: sorted(cs, key=lambda c: rank.get(c.difficulty, 1)) for t, cs in topics.items()}


def tight_answer(answer: str, limit: int = TIGHT_ANSWER_CHARS) -> str:
    """The answer's opening sentences, up to about ``limit`` characters, on one line."""
    text = _one_line(answer)
    if len(text) <= limit:
        return text
    sentences = split_sentences(text)
    out = sentences[0]
    for sentence in sentences[1:]:
        if len(out) + 1 + len(sentence) > limit:
            break
        out += " " + sentence
    if len(out) > limit * 1.5:  # one very long sentence: cut at a word boundary
        out = out[:limit].rsplit(" ", 1)[0].rstrip(",;:") + " …"
    return out


def split_sentences(text: str) -> list[str]:
    """``text`` (on one line) split after each sentence's final punctuation."""
    return _SENTENCE_END.split(text)


def code_span(text: str) -> str:
    """``text`` as a Markdown code span, with a fence longer than any backtick run inside."""
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or longest else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _md_text(text: str) -> str:
    """Plain text that renders as itself in Markdown (no stray emphasis, links or HTML)."""
    escaped = _MD_SPECIAL.sub(lambda m: "\\" + m.group(0), text)
    escaped = _MD_TRAILING_HASHES.sub(r"\1\\\2", escaped)
    # A leading "- ", "# " or "1. " would turn the text into a list item or a heading.
    return _MD_LINE_START.sub(r"\1\\\2", escaped)


def _one_line(text: str) -> str:
    return " ".join(text.split())


# --- CSV for Anki's text import ---------------------------------------------------------------


def export_csv(cards: Sequence[Card]) -> str:
    """One row per card: ``front, back, tags``, no header row, for Anki's text import.

    ``front`` is the question; ``back`` is the answer, then ``Formula: ...``, then the key
    points as ``•`` bullets, separated by ``<br>``. Both are HTML: ``<``, ``>`` and ``&`` in
    the text are escaped, so a formula like ``p < 0.5`` shows as written. ``tags`` is a
    space-separated list: ``quizprep::<deck id>``, ``difficulty::<easy|medium|hard>``,
    ``topic::<Topic>`` and the card's own tags (spaces inside a tag become ``_``).

    Import in Anki (File → Import, pick the ``.csv``):

    - Field separator: **Comma**
    - **Allow HTML in fields**: on (``<br>`` are line breaks)
    - Note type: **Basic**; Deck: where the cards should go
    - Field mapping: field 1 → Front, field 2 → Back, field 3 → **Tags**
    - Existing notes: **Update** (matched on the first field, the question), so
      importing a newer export again updates the cards instead of duplicating them.

    Rows are written with the ``csv`` module (minimal quoting, ``\\r\\n`` line ends as
    RFC 4180 has them); fields with commas, quotes or line breaks are quoted. A cell that a
    spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``, tab or
    carriage return) gets a leading ``'``, as OWASP advises; ``quizprep import`` drops it.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_MINIMAL)
    for card in cards:
        row = [_html_text(card.question), csv_back(card), " ".join(anki_tags(card))]
        writer.writerow([spreadsheet_safe(cell) for cell in row])
    return buffer.getvalue()


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(cell: str) -> str:
    """``cell``, with a ``'`` in front when a spreadsheet would read it as a formula."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def csv_back(card: Card) -> str:
    """The back of a card as Anki HTML: answer, formula and key points, ``<br>``-separated."""
    parts = [_html_text(card.answer)]
    if card.formula:
        parts.append("Formula: " + _html_text(_one_line(card.formula)))
    if card.key_points:
        bullets = "<br>".join("• " + _html_text(_one_line(kp.text)) for kp in card.key_points)
        parts.append("Key points:<br>" + bullets)
    return "<br><br>".join(parts)


def anki_tags(card: Card) -> list[str]:
    """Anki tags (no spaces allowed) for a card, quizprep's own ones first, no duplicates."""
    tags = [f"quizprep::{card.deck}", f"difficulty::{card.difficulty}", f"topic::{card.topic}"]
    tags += card.tags
    cleaned = ("_".join(tag.split()) for tag in tags)
    return list(dict.fromkeys(t for t in cleaned if t))


def _html_text(text: str) -> str:
    """Text as HTML: escaped, with paragraphs and list items on lines of their own.

    Deck text is often hard-wrapped (YAML ``|`` blocks), so a single line break inside a
    paragraph is a space; blank lines and lines that start a list item become ``<br>``.
    """
    paragraphs = []
    for block in re.split(r"\n\s*\n", text.strip()):
        lines: list[str] = []
        for raw in block.splitlines():
            line = " ".join(raw.split())
            if not line:
                continue
            if lines and not _LIST_ITEM.match(line):
                lines[-1] += " " + line
            else:
                lines.append(line)
        if lines:
            paragraphs.append("<br>".join(html.escape(line, quote=False) for line in lines))
    return "<br><br>".join(paragraphs)


# --- Anki package -----------------------------------------------------------------------------

_MODEL_NAME = "quizprep card"
_MODEL_FIELDS = ["Question", "Answer", "Formula", "KeyPoints", "Difficulty", "Topic", "Ref"]
_FRONT = """<div class="meta">
<span class="chip {{Difficulty}}">{{Difficulty}}</span> {{Topic}}
</div>
<div class="question">{{Question}}</div>"""
_BACK = """{{FrontSide}}
<hr id="answer">
<div class="answer">{{Answer}}</div>
{{#Formula}}<div class="formula">{{Formula}}</div>{{/Formula}}
{{#KeyPoints}}<div class="keypoints">{{KeyPoints}}</div>{{/KeyPoints}}
<div class="ref">{{Ref}}</div>"""
_CSS = """.card { font-family: system-ui, sans-serif; font-size: 18px; text-align: left;
  max-width: 42em; margin: 0 auto; }
.meta { color: #777; font-size: 14px; margin-bottom: .6em; }
.chip { padding: 1px 6px; border-radius: 4px; font-weight: bold; color: #000; }
.chip.easy { background: #2ecc40; } .chip.medium { background: #ff9f1a; }
.chip.hard { background: #d62d20; color: #fff; }
.question { font-weight: 600; }
.formula { font-family: ui-monospace, monospace; margin: .8em 0; padding: .4em .6em;
  background: rgba(127,127,127,.12); border-radius: 4px; }
.keypoints ul { margin: .4em 0; }
.ref { color: #999; font-size: 12px; margin-top: 1em; }"""


def stable_id(*parts: str) -> int:
    """A 31-bit id from a hash of ``parts``: the same deck gets the same Anki id every time.

    Anki uses model and deck ids to recognise what it has already imported, so they must not
    change between exports (random ids would make every import a new deck).
    """
    digest = hashlib.sha256("\x1f".join(("quizprep", *parts)).encode()).digest()
    return (1 << 30) + int.from_bytes(digest[:4], "big") % (1 << 30)


def export_apkg(decks: Sequence[Deck], path: Path, *, now: datetime | None = None) -> int:
    """Write an Anki package with one Anki deck per quizprep deck; return the note count.

    Needs the optional extra ``genanki``. Model and deck ids are stable hashes, and each note's
    guid comes from (deck id, card id), so importing a newer export into Anki updates the
    existing notes (and keeps their review history) instead of adding duplicates.
    ``now`` fixes the timestamps inside the package (tests pass one for exact output).
    """
    try:
        import genanki
    except ImportError:
        raise QuizprepError(ANKI_EXTRA_MESSAGE) from None

    model = genanki.Model(
        stable_id("model", _MODEL_NAME),
        _MODEL_NAME,
        fields=[{"name": name} for name in _MODEL_FIELDS],
        templates=[{"name": "Card 1", "qfmt": _FRONT, "afmt": _BACK}],
        css=_CSS,
    )
    package_decks = []
    notes = 0
    for deck in decks:
        anki_deck = genanki.Deck(stable_id("deck", deck.id), f"quizprep::{deck.title}")
        if deck.description:
            anki_deck.description = html.escape(deck.description)
        for card in deck.cards:
            anki_deck.add_note(
                genanki.Note(
                    model=model,
                    fields=_apkg_fields(card),
                    tags=anki_tags(card),
                    guid=genanki.guid_for(deck.id, card.id),
                )
            )
            notes += 1
        package_decks.append(anki_deck)
    path = Path(path)
    timestamp = (now or datetime.now()).timestamp()
    import tempfile

    from quizprep.files import write_atomic

    # genanki writes to a scratch file; the package then goes through the one atomic writer
    # (an interrupted export never leaves half a file; a symlink keeps pointing at it).
    with tempfile.TemporaryDirectory(prefix="quizprep-apkg-") as scratch:
        tmp = Path(scratch) / "deck.apkg"
        try:
            genanki.Package(package_decks).write_to_file(str(tmp), timestamp=timestamp)
            data = tmp.read_bytes()
        except OSError as exc:
            raise QuizprepError(
                f"{path}: cannot write the Anki package: {exc.strerror or exc}"
            ) from None
    write_atomic(path, data)
    return notes


def _apkg_fields(card: Card) -> list[str]:
    key_points = ""
    if card.key_points:
        items = "".join(f"<li>{_html_text(kp.text)}</li>" for kp in card.key_points)
        key_points = f"<ul>{items}</ul>"
    return [
        _html_text(card.question),
        _html_text(card.answer),
        _html_text(card.formula or ""),
        key_points,
        card.difficulty,
        html.escape(card.topic, quote=False),
        html.escape(card.ref, quote=False),
    ]
