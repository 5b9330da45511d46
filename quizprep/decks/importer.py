"""Bring a question/answer table (CSV or TSV) into quizprep as a valid YAML deck.

The table needs a header row naming at least a question and an answer column; common
synonyms (``front``/``back``, ``prompt``/``response``…) are recognised, and so is Anki's
layout: a headerless front/back/tags table, with or without Anki's ``#separator:`` lines.
Everything a deck needs and the table lacks is derived: card ids from the questions,
difficulty ``medium``, the topic from the file name, key points from the answer's clauses.
Every bad row is reported as ``FILE:LINE: message``, all of them in one go.
"""

from __future__ import annotations

import csv
import html
import io
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from quizprep.decks.export import FORMULA_STARTS, split_sentences
from quizprep.decks.model import DIFFICULTIES
from quizprep.errors import QuizprepError

MAX_INPUT_BYTES = 8 * 1024 * 1024
MAX_DECK_BYTES = 2 * 1024 * 1024  # what the loader accepts (quizprep.decks.yamlsource.MAX_BYTES)
MAX_KEY_POINTS = 8  # the loader's limit
DERIVED_KEY_POINTS = 5
KEY_POINT_WORDS = 14  # longer phrasings are hard to match in a typed answer
MAX_ERRORS_SHOWN = 20
PROGRESS_EVERY = 250  # rows between progress reports

ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}\Z")  # \Z: "$" allows a final "\n"

# Canonical column → header names that mean it (compared lower-case, spaces as "_").
COLUMNS: dict[str, tuple[str, ...]] = {
    "question": ("question", "questions", "q", "front", "prompt", "term", "card", "ask"),
    "answer": ("answer", "answers", "a", "back", "response", "definition", "explanation"),
    "tags": ("tags", "tag", "labels", "label", "keywords"),
    "topic": ("topic", "category", "section", "subject", "chapter"),
    "difficulty": ("difficulty", "level", "diff"),
    "key_points": ("key_points", "keypoints", "key_point", "points", "key_facts", "bullets"),
    "formula": ("formula", "equation", "math"),
    "id": ("id", "card_id", "slug"),
}
_HEADER_NAMES = {name: column for column, names in COLUMNS.items() for name in names}

DIFFICULTY_WORDS = {
    **{d: d for d in DIFFICULTIES},
    "e": "easy", "1": "easy", "beginner": "easy", "basic": "easy", "simple": "easy",
    "m": "medium", "2": "medium", "med": "medium", "intermediate": "medium", "normal": "medium",
    "h": "hard", "3": "hard", "advanced": "hard", "difficult": "hard", "expert": "hard",
}  # fmt: skip

_ANKI_SEPARATORS = {
    "comma": ",", "semicolon": ";", "tab": "\t", "space": " ", "pipe": "|", "colon": ":",
}  # fmt: skip
_DIRECTIVE = re.compile(r"^#([a-z][a-z ]*):(.*)$")
_HTML_TAG = re.compile(
    r"</?(?:br|div|p|b|i|u|s|strong|em|span|ul|ol|li|sub|sup|code|pre|font|hr|img|a)\b[^>]*>",
    re.IGNORECASE,
)
_HTML_ENTITY = re.compile(r"&(?:[a-z]{2,8}|#\d{1,7}|#x[0-9a-f]{1,6});", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufeff]")
_BULLET = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+")
_CLAUSE_BREAK = re.compile(r";\s+|:\s+")
_SLUG_STOPWORDS = frozenset(
    "a an the is are was were do does did of in on to for and or what which why how when "
    "where who whom whose you your i it its this that these those be can should would".split()
)


@dataclass(frozen=True)
class ImportedDeck:
    """The result of :func:`convert_table`: the YAML text plus what the CLI reports."""

    deck_id: str
    title: str
    yaml_text: str
    cards: int
    ignored_columns: tuple[str, ...] = ()
    headerless: bool = False


@dataclass
class _Row:
    line: int
    question: str
    answer: str
    tags: list[str] = field(default_factory=list)
    topic: str | None = None
    difficulty: str | None = None
    key_points: list[str] = field(default_factory=list)
    formula: str | None = None
    card_id: str | None = None


def import_table(path: Path, deck_id: str | None = None) -> str:
    """YAML text of a valid deck made from the CSV/TSV table at ``path``."""
    return convert_table(path, deck_id).yaml_text


def convert_table(
    path: Path,
    deck_id: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ImportedDeck:
    """Read a question/answer table and build a deck; see the module docstring.

    Raises :class:`QuizprepError` naming ``FILE:LINE`` for every row it cannot use
    (no question, no answer, unknown difficulty, too many cells…), for a file that is not
    UTF-8, and for a table without a usable header. ``progress(done, total)`` is called as
    rows are read (every few hundred rows, and once at the end), for a progress bar.
    """
    path = Path(path)
    name = str(path)
    if deck_id is not None and not ID_PATTERN.match(deck_id):
        raise QuizprepError(
            f"--deck-id {deck_id!r} is not an id: use letters, digits, '-', '_' and '.', "
            "starting with a letter or digit, at most 64 characters"
        )
    text = _read_text(path)
    directives, offset, body = _split_directives(text)
    delimiter = _delimiter(path, body, directives)
    records = _records(name, body, delimiter, offset)
    if not records:
        raise QuizprepError(f"{name}: the table is empty")

    header_line, first = records[0]
    header, headerless = _header(name, header_line, first, directives)
    data = records if headerless else records[1:]
    html_mode = directives.get("html", "").strip().lower()
    rows, errors = _rows(name, data, header, html_mode, progress)
    if errors:
        shown = errors[:MAX_ERRORS_SHOWN]
        if len(errors) > len(shown):
            shown.append(f"… and {len(errors) - len(shown)} more")
        raise QuizprepError("\n".join(shown), hint="Fix these rows and import again.")
    if not rows:
        raise QuizprepError(f"{name}: no cards to import (the table has no data rows)")

    title = _title_from(path)
    deck_id = deck_id or _deck_id_from(rows, path)
    yaml_text = _deck_yaml(rows, deck_id, title, path.name)
    size = len(yaml_text.encode("utf-8"))
    if size > MAX_DECK_BYTES:
        raise QuizprepError(
            f"{name}: the deck would be {size / 1e6:.1f} MB; decks may be at most 2 MB. "
            "Split the table into several files and import each."
        )
    ignored = tuple(h for h in header if h.startswith("?"))
    return ImportedDeck(
        deck_id=deck_id,
        title=title,
        yaml_text=yaml_text,
        cards=len(rows),
        ignored_columns=tuple(h[1:] for h in ignored),
        headerless=headerless,
    )


# --- reading ----------------------------------------------------------------------------------


def _read_text(path: Path) -> str:
    from quizprep.files import read_text

    name = str(path)
    if path.suffix.lower() in (".yaml", ".yml", ".json"):
        raise QuizprepError(
            f"{name}: import reads a .csv or .tsv table, not {path.suffix} "
            "(a YAML deck needs no import: pass it with --deck or put it in your decks folder)"
        )
    text = read_text(
        path,
        MAX_INPUT_BYTES,
        what="table",
        hint="Save the table as UTF-8 (in Excel: Save As → CSV UTF-8) and import again.",
    )
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _split_directives(text: str) -> tuple[dict[str, str], int, str]:
    """Anki's ``#key:value`` lines at the top of an export: (settings, lines used, rest)."""
    lines = text.split("\n")
    directives: dict[str, str] = {}
    used = 0
    for line in lines:
        match = _DIRECTIVE.match(line)
        if not match:
            break
        directives[match.group(1).strip()] = match.group(2)
        used += 1
    return directives, used, "\n".join(lines[used:])


def _delimiter(path: Path, body: str, directives: dict[str, str]) -> str:
    if "separator" in directives:
        return _delimiter_of(directives)
    first_line = body.split("\n", 1)[0]
    suffix = path.suffix.lower()
    if suffix in (".tsv", ".tab"):
        return "\t"
    if suffix == ".csv":
        # Excel in many locales writes ';'-separated "CSV".
        if "," not in first_line:
            for other in (";", "\t"):
                if other in first_line:
                    return other
        return ","
    try:
        return csv.Sniffer().sniff(body[:8192], delimiters=",\t;|").delimiter
    except csv.Error:
        return ","


def _records(name: str, body: str, delimiter: str, offset: int) -> list[tuple[int, list[str]]]:
    """Non-blank records, each with the line it starts on."""
    reader = csv.reader(io.StringIO(body), delimiter=delimiter, strict=True)
    out: list[tuple[int, list[str]]] = []
    start = 1
    try:
        for record in reader:
            if any(cell.strip() for cell in record):
                out.append((start + offset, record))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise QuizprepError(
            f"{name}:{start + offset}: cannot read this row as CSV: {exc}",
            hint="Fields containing the separator, quotes or line breaks must be in double quotes.",
        ) from None
    return out


def _normal_header(cell: str) -> str:
    return re.sub(r"[\s-]+", "_", cell.strip().lower())


def _header(
    name: str, line: int, first: list[str], directives: dict[str, str]
) -> tuple[list[str], bool]:
    """Column names (canonical, or ``?original`` when unknown) and whether there is no header."""
    if "columns" in directives:
        cells = directives["columns"].split(_delimiter_of(directives))
        first, headerless = cells, True
    else:
        headerless = False
    columns = [_HEADER_NAMES.get(_normal_header(cell), "?" + cell.strip()) for cell in first]
    known = [c for c in columns if not c.startswith("?")]
    if "question" in known and "answer" in known:
        duplicates = sorted({c for c in known if known.count(c) > 1})
        if duplicates:
            raise QuizprepError(
                f"{name}:{line}: the header names the {duplicates[0]!r} column twice"
            )
        return columns, headerless
    if known or len(first) > 3:
        raise QuizprepError(
            f"{name}:{line}: the header row needs a question column and an answer column "
            f"(found: {', '.join(c.strip() for c in first)})",
            hint="Question: question, front, prompt, q. Answer: answer, back, response, a. "
            "Optional: tags, topic, difficulty, key_points, formula, id.",
        )
    # No header at all, two or three columns: Anki's own text layout (front, back, tags).
    return ["question", "answer", "tags"][: len(first)], True


def _delimiter_of(directives: dict[str, str]) -> str:
    value = directives.get("separator", ",")
    return _ANKI_SEPARATORS.get(value.strip().lower(), value[:1] or ",")


# --- rows -------------------------------------------------------------------------------------


def _rows(
    name: str,
    records: list[tuple[int, list[str]]],
    header: list[str],
    html_mode: str,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[list[_Row], list[str]]:
    rows: list[_Row] = []
    errors: list[str] = []
    text_bytes = 0
    for done, (line, record) in enumerate(records):
        if progress is not None and done % PROGRESS_EVERY == 0:
            progress(done, len(records))
        where = f"{name}:{line}"
        extra = [c for c in record[len(header) :] if c.strip()]
        if extra:
            errors.append(
                f"{where}: row has {len(record)} cells but the header has {len(header)}; "
                "quote fields that contain the separator"
            )
            continue
        cells = {col: _clean(cell, html_mode) for col, cell in zip(header, record, strict=False)}
        row, problems = _row(line, cells)
        errors += [f"{where}: {p}" for p in problems]
        if row is not None:
            rows.append(row)
            text_bytes += _least_yaml_bytes(row)
            if text_bytes > MAX_DECK_BYTES:
                # The deck holds at least this much: stop now, not after building it all.
                raise QuizprepError(
                    f"{where}: the deck would be over 2 MB by this row, the largest deck "
                    "quizprep loads. Split the table into several files and import each."
                )
    errors += _assign_ids(name, rows)
    if progress is not None:
        progress(len(records), len(records))
    return rows, errors


def _row(line: int, cells: dict[str, str]) -> tuple[_Row | None, list[str]]:
    problems = []
    question = _one_line(cells.get("question", ""))
    answer = cells.get("answer", "")
    if not question:
        problems.append("row has no question")
    if not answer:
        problems.append(
            "row has no answer" + (f" (question: {question[:60]!r})" if question else "")
        )
    row = _Row(line=line, question=question, answer=answer)

    for tag in _split_tags(cells.get("tags", "")):
        key, _, value = tag.partition("::")
        if key == "quizprep" and value:
            row.tags.append(tag)  # names the deck; used for the deck id, dropped from the card
        elif key == "difficulty" and value:
            row.difficulty = row.difficulty or value
        elif key == "topic" and value:
            row.topic = row.topic or value.replace("_", " ")
        else:
            row.tags.append(tag)
    if cells.get("topic"):
        row.topic = _one_line(cells["topic"])
    raw_difficulty = cells.get("difficulty") or row.difficulty
    if raw_difficulty:
        difficulty = DIFFICULTY_WORDS.get(raw_difficulty.strip().lower())
        if difficulty is None:
            problems.append(
                f"difficulty must be easy, medium or hard, got {raw_difficulty.strip()!r}"
            )
        row.difficulty = difficulty
    if cells.get("formula"):
        row.formula = _one_line(cells["formula"])
    if cells.get("id"):
        card_id = cells["id"].strip()
        if ID_PATTERN.match(card_id):
            row.card_id = card_id
        else:
            problems.append(f"id {card_id!r} is not an id (letters, digits, '-', '_', '.')")

    if answer:
        row.answer, bullets, formula = _split_answer(answer)
        row.formula = row.formula or formula
        if cells.get("key_points"):
            row.key_points = _split_points(cells["key_points"])
        else:
            row.key_points = bullets[:MAX_KEY_POINTS] or derive_key_points(row.answer)
        if len(row.key_points) > MAX_KEY_POINTS:
            problems.append(
                f"{len(row.key_points)} key points; a card has at most {MAX_KEY_POINTS}"
            )
    return (row if not problems else None), problems


# What every card costs in YAML besides its text: "- id: ", "topic: ", "difficulty: easy",
# "question: ", "answer: ", "key_points:", indentation and line breaks.
_CARD_OVERHEAD_BYTES = 70


def _least_yaml_bytes(row: _Row) -> int:
    """A lower bound on the bytes ``row`` adds to the deck (so the limit can be checked
    while reading, never refusing a table that would fit)."""
    texts = [row.question, row.answer, row.topic or "", row.formula or "", *row.key_points]
    texts += row.tags
    return _CARD_OVERHEAD_BYTES + sum(len(t.encode("utf-8", "replace")) for t in texts)


def _assign_ids(name: str, rows: list[_Row]) -> list[str]:
    """Explicit ids must be unique; derived ones are made unique with -2, -3…"""
    errors = []
    taken: dict[str, int] = {}
    for row in rows:
        if row.card_id:
            if row.card_id in taken:
                errors.append(
                    f"{name}:{row.line}: duplicate id {row.card_id!r} "
                    f"(first on line {taken[row.card_id]})"
                )
            taken.setdefault(row.card_id, row.line)
    # The next suffix to try for each base: probing -2, -3… from scratch for every row
    # made 20,000 questions with the same slug (non-Latin text → "card") quadratic.
    next_suffix: dict[str, int] = {}
    for row in rows:
        if row.card_id:
            continue
        base = slug(row.question, drop_stopwords=True) or "card"
        candidate, n = base, next_suffix.get(base, 2)
        if candidate in taken:
            candidate = f"{base}-{n}"
        while candidate in taken:
            n += 1
            candidate = f"{base}-{n}"
        if candidate != base:
            next_suffix[base] = n + 1
        row.card_id = candidate
        taken[candidate] = row.line
    return errors


# --- text -------------------------------------------------------------------------------------


def _clean(cell: str, html_mode: str) -> str:
    """A cell as plain text: HTML (Anki's fields) turned into text, control characters gone."""
    if cell.startswith("'") and cell[1:].startswith(FORMULA_STARTS):
        cell = cell[1:]  # the guard export_csv puts before a would-be spreadsheet formula
    text = cell.replace("\u2028", "\n").replace("\u2029", "\n")
    is_html = html_mode == "true" or (
        html_mode != "false" and (_HTML_TAG.search(text) or _HTML_ENTITY.search(text))
    )
    if is_html:
        text = _html_to_text(text)
    text = _CONTROL.sub("", text.replace("\t", " "))
    lines = [line.rstrip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _html_to_text(text: str) -> str:
    text = re.sub(r"\s*\n\s*", " ", text)  # in HTML a raw line break is just a space
    text = re.sub(r"<br\s*/?>", "\n", text, flags=re.IGNORECASE)
    text = re.sub(r"</(?:div|p|li)>", "\n", text, flags=re.IGNORECASE)
    text = re.sub(r"<li\b[^>]*>", "• ", text, flags=re.IGNORECASE)
    text = _HTML_TAG.sub("", text)
    return html.unescape(text).replace("\xa0", " ")


def _split_answer(answer: str) -> tuple[str, list[str], str | None]:
    """(answer, trailing bullet points, formula) — undoes the back that ``export_csv`` writes.

    A ``Formula: ...`` line becomes the formula, a trailing run of ``•``/``-``/``1.`` items
    (after an optional ``Key points:`` line) the key points, as long as some answer remains.
    """
    lines = answer.split("\n")
    bullets: list[str] = []
    while lines and (_BULLET.match(lines[-1]) or not lines[-1].strip()):
        if lines[-1].strip():
            bullets.insert(0, _one_line(_BULLET.sub("", lines[-1])))
        lines.pop()
    if bullets and lines and lines[-1].strip().lower().rstrip(":") in ("key points", "key point"):
        lines.pop()
    formula = None
    for i, line in enumerate(lines):
        if line.lower().startswith("formula:") and line[8:].strip():
            formula = _one_line(line[8:])
            del lines[i]
            break
    rest = "\n".join(lines).strip()
    rest = re.sub(r"\n{3,}", "\n\n", rest)
    if not rest:  # the answer was nothing but a list: keep it as the answer too
        return answer, bullets, None
    return rest, bullets, formula


def _split_points(cell: str) -> list[str]:
    """A key_points cell: one per line, else separated by ';' or '|'."""
    parts = cell.split("\n") if "\n" in cell else re.split(r"\s*[;|]\s*", cell)
    points = [_one_line(_BULLET.sub("", p)) for p in parts]
    return list(dict.fromkeys(p for p in points if p))


def derive_key_points(answer: str, limit: int = DERIVED_KEY_POINTS) -> list[str]:
    """Up to ``limit`` short key points from an answer: its sentences, split into clauses.

    Clauses of fewer than two words are skipped and long ones are cut to about
    ``KEY_POINT_WORDS`` words (at a comma when one is near), since a typed answer is graded
    on how many of a key point's words it contains.
    """
    text = _one_line(answer)
    points: list[str] = []
    seen: set[str] = set()
    for sentence in split_sentences(text):
        for clause in _CLAUSE_BREAK.split(sentence):
            point = _shorten(clause.strip(" .;:,!?"))
            if len(point.split()) < 2 or point.lower() in seen:
                continue
            seen.add(point.lower())
            points.append(point)
            if len(points) == limit:
                return points
    return points or [_shorten(text.strip(" .")) or text]


def _shorten(clause: str) -> str:
    words = clause.split()
    if len(words) <= KEY_POINT_WORDS:
        return clause
    prefix = ""
    for part in clause.split(", "):
        candidate = f"{prefix}, {part}" if prefix else part
        if len(candidate.split()) > KEY_POINT_WORDS:
            break
        prefix = candidate
    if len(prefix.split()) >= 4:
        return prefix
    return " ".join(words[: KEY_POINT_WORDS - 2]) + " …"


def _split_tags(cell: str) -> list[str]:
    """Tags separated by commas or semicolons (multi-word tags allowed), else by spaces."""
    parts = re.split(r"\s*[,;]\s*", cell) if re.search(r"[,;]", cell) else cell.split()
    return list(dict.fromkeys(_one_line(p) for p in parts if p.strip()))


def slug(text: str, *, drop_stopwords: bool = False, max_length: int = 48) -> str:
    """An id-safe slug: ASCII letters and digits joined by '-', cut at a word boundary."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    words = re.findall(r"[a-z0-9]+", folded)
    if drop_stopwords:
        words = [w for w in words if w not in _SLUG_STOPWORDS] or words
    out = ""
    for word in words:
        candidate = f"{out}-{word}" if out else word
        if len(candidate) > max_length:
            break
        out = candidate
    return out or (words[0][:max_length] if words else "")


def _one_line(text: str) -> str:
    return " ".join(text.split())


def existing_deck(deck_id: str) -> Path | None:
    """The file of an already visible deck (built-in or the user's) with this id, if any.

    Two files with one deck id cannot be loaded together, so the CLI warns before a user
    saves an import next to the deck it came from.
    """
    from quizprep.decks.catalog import load_catalog

    deck = load_catalog(strict=False).deck(deck_id)
    return deck.path.resolve() if deck is not None else None


# --- the deck ---------------------------------------------------------------------------------


def _title_from(path: Path) -> str:
    words = re.sub(r"[_\-.]+", " ", path.stem).split()
    title = " ".join(words) or "Imported deck"
    return title[:1].upper() + title[1:]


def _deck_id_from(rows: list[_Row], path: Path) -> str:
    """The ``quizprep::ID`` tag that every row shares (a quizprep export), else the file name."""
    deck_tags = {t.partition("::")[2] for r in rows for t in r.tags if t.startswith("quizprep::")}
    per_row = all(any(t.startswith("quizprep::") for t in r.tags) for r in rows)
    if len(deck_tags) == 1 and per_row:
        (candidate,) = deck_tags
        if ID_PATTERN.match(candidate):
            return candidate
    return slug(path.stem, max_length=64) or "imported"


def _deck_yaml(rows: list[_Row], deck_id: str, title: str, source_name: str) -> str:
    import yaml  # only the import command needs PyYAML's dumper

    cards = []
    for row in rows:
        card: dict[str, object] = {
            "id": row.card_id,
            "topic": row.topic or title,
            "difficulty": row.difficulty or "medium",
        }
        tags = [t for t in row.tags if not t.startswith("quizprep::")]
        if tags:
            card["tags"] = tags
        card["question"] = row.question
        card["answer"] = row.answer
        if row.formula:
            card["formula"] = row.formula
        card["key_points"] = row.key_points
        cards.append(card)
    deck = {
        "deck": deck_id,
        "title": title,
        "version": 1,
        "description": f"Imported from {source_name}.",
        "cards": cards,
    }
    # libyaml's emitter when PyYAML has it: the pure-Python one takes ~2.5 ms a card.
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    body = yaml.dump(
        deck,
        Dumper=dumper,
        default_flow_style=False,
        allow_unicode=True,
        sort_keys=False,
        width=100,
    )
    from quizprep.decks.templates import comment_safe

    header = (
        f"# Imported by quizprep from {comment_safe(source_name)}. Where the table had no "
        "key points,\n"
        "# they were derived from the answers: review them, then check the deck with\n"
        "# quizprep deck validate FILE\n"
    )
    return header + body
