"""``deck new``, ``deck list`` and ``deck schema``: the tooling around users' own decks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from quizprep.decks.catalog import Catalog
from quizprep.errors import QuizprepError
from quizprep.paths import data_home, user_decks_dir

SCHEMA_FILE = Path(__file__).resolve().parent / "deck.schema.json"

TEMPLATE = """\
# yaml-language-server: $schema={schema}
#
# A quizprep deck. Check it with:   quizprep deck validate {path}
# Drill it with:                    quizprep drill --deck {deck_id}
# The format is documented in docs/deck-format.md. The schema line above gives editors
# with the YAML language server completion and checks; `quizprep deck schema --install`
# refreshes that file after an upgrade.

deck: {deck_id}          # stable id: progress is kept under (deck id, card id)
title: {title}
version: 1
cards:
  - id: first-card       # unique in this deck; keep it when you edit the text
    topic: Losses
    difficulty: easy     # easy | medium | hard
    tags: [example]
    aliases: [first]     # extra words for `quizprep explain`
    question: What does a loss function give the optimiser?
    answer: |
      A single number per example (averaged over the batch) that is lower for better
      predictions. Its gradient with respect to the model's outputs is the signal that
      backpropagation sends to every weight.
    key_points:          # what an interviewer listens for; typed answers are graded on these
      - text: a scalar that scores a prediction
        accept: [a number measuring error]
      - its gradient drives the weight updates
    formula: "L(θ) = (1/n) Σ ℓ(f_θ(xᵢ), yᵢ)"
    math: mse            # optional: a function or demo of `quizprep math`
    common_mistakes:
      - Confusing the training loss with the evaluation metric.
    follow_ups:
      - question: Why not train on accuracy directly?
        card: losses/why-not-accuracy
    related: [losses/loss-function]
"""


def new_deck(name: str, path: Path | None = None) -> Path:
    """Write a commented template deck that passes validation; refuse to overwrite."""
    from quizprep.decks.importer import slug  # one slug rule for every id quizprep makes

    deck_id = slug(name, max_length=64)
    if not deck_id:
        raise QuizprepError(f"cannot make a deck id from {name!r}; use letters and digits")
    if path is None:
        path = user_decks_dir() / f"{deck_id}.yaml"
    elif path.is_dir():
        path = path / f"{deck_id}.yaml"
    if path.suffix not in (".yaml", ".yml"):
        raise QuizprepError(f"{path}: deck files must end in .yaml or .yml")
    if path.exists() or path.is_symlink():
        raise QuizprepError(f"{path} already exists; choose another name or --path")
    from quizprep.files import os_reason, write_atomic

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise QuizprepError(f"{path.parent}: cannot create the folder: {os_reason(exc)}") from None
    # A stable place for the schema: site-packages moves with every upgrade or venv.
    schema = install_schema()
    text = TEMPLATE.format(
        schema=schema.as_uri(),
        path=comment_safe(str(path)),
        deck_id=yaml_string(deck_id),  # "00" or "1e3" unquoted would be numbers
        title=yaml_string(name.strip()),
    )
    write_atomic(path, text, exclusive=True)
    return path


def yaml_string(text: str) -> str:
    """``text`` as a double-quoted YAML scalar that reads back exactly (control characters,
    which a deck may not hold, are dropped). JSON's string syntax is a subset of YAML's."""
    import json

    from quizprep.decks.yamlsource import CONTROL
    from quizprep.files import without_surrogates

    quoted = json.dumps(CONTROL.sub("", without_surrogates(text)), ensure_ascii=False)
    # YAML reads these two as line breaks inside a quoted scalar; escape them.
    return quoted.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def comment_safe(text: str) -> str:
    """``text`` fit for one YAML comment line: line breaks and control characters shown
    as ``?`` (they would end the comment and turn the rest into YAML)."""
    import re

    return re.sub("[\x00-\x1f\x7f-\x9f\u2028\u2029]", "?", text)


def describe_decks(
    catalog: Catalog,
    due: dict[str, int] | None = None,
    today: dict[str, tuple[int, int, int]] | None = None,
    limits: dict[str, int] | None = None,
) -> list[dict[str, Any]]:
    """One row per deck: id, title, file, where it comes from, counts by difficulty, and
    today's new / learning / due cards and daily new-card limit when progress is known."""
    user_dir = user_decks_dir().resolve()
    rows = []
    for deck in catalog.decks:
        if deck.builtin:
            origin = "built-in"
        elif deck.path.resolve().is_relative_to(user_dir):
            origin = "user folder"
        else:
            origin = "--deck"
        rows.append({
            "id": deck.id,
            "title": deck.title,
            "file": str(deck.path),
            "origin": origin,
            "cards": len(deck.cards),
            **deck.by_difficulty(),
            "due": (due or {}).get(deck.id),
        })  # fmt: skip
        if today is not None:
            new, learning, review = today.get(deck.id, (0, 0, 0))
            rows[-1].update(new=new, learning=learning, due=review)
        if limits is not None:
            rows[-1]["new_limit"] = limits.get(deck.id)
    return rows


def schema_text() -> str:
    return SCHEMA_FILE.read_text(encoding="utf-8")


def installed_schema_path() -> Path:
    """Where deck templates point their ``$schema``: the data folder, which stays put."""
    return data_home() / "deck.schema.json"


def install_schema(target: Path | None = None) -> Path:
    """Write the schema to ``target`` (default: the data folder) unless it is already
    there, unchanged; returns the path."""
    target = target or installed_schema_path()
    text = schema_text()
    try:
        if target.is_file() and target.read_text(encoding="utf-8") == text:
            return target
        target.parent.mkdir(parents=True, exist_ok=True)
        from quizprep.files import write_atomic

        write_atomic(target, text)
    except OSError as exc:
        raise QuizprepError(f"{target}: cannot write the schema: {exc.strerror or exc}") from None
    return target
