"""deck new / list / schema, and the JSON Schema agreeing with the validator."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml
from typer.testing import CliRunner

from quizprep.cli import app
from quizprep.decks.validate import validate_paths

from .conftest import DECKS, ROOT

runner = CliRunner()
SCHEMA = json.loads((ROOT / "quizprep" / "decks" / "deck.schema.json").read_text())

# Bad decks whose problem a JSON Schema can express; the others need more than one value at
# a time (duplicate ids, dangling references) or are not YAML a schema tool could read.
SCHEMA_CATCHES = [
    "missing-fields", "wrong-types", "difficulty", "empty-deck", "unknown-field",
    "not-a-mapping", "bad-math", "bad-exercise",
]  # fmt: skip


def schema_errors(path: Path) -> list[str]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [e.message for e in jsonschema.Draft202012Validator(SCHEMA).iter_errors(data)]


def test_schema_is_a_valid_json_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


@pytest.mark.parametrize(
    "path",
    [*sorted((DECKS / "good").glob("*.yaml")), *sorted((ROOT / "content").glob("*.yaml"))],
    ids=lambda p: p.stem,
)
def test_schema_and_validator_accept_the_same_good_decks(path: Path) -> None:
    assert validate_paths([path]).problems == []
    assert schema_errors(path) == []


@pytest.mark.parametrize("name", SCHEMA_CATCHES)
def test_schema_and_validator_reject_the_same_bad_decks(name: str) -> None:
    path = DECKS / "bad" / f"{name}.yaml"
    assert validate_paths([path]).problems
    assert schema_errors(path), f"the schema accepts {name}.yaml"


def test_deck_schema_command_prints_the_schema() -> None:
    result = runner.invoke(app, ["deck", "schema"])
    assert result.exit_code == 0
    assert json.loads(result.stdout) == SCHEMA


def test_deck_new_writes_a_template_that_validates(quizprep_home: Path) -> None:
    result = runner.invoke(app, ["deck", "new", "ACME on-site"])
    assert result.exit_code == 0, result.output
    path = quizprep_home / "decks" / "acme-on-site.yaml"
    assert path.exists()
    text = path.read_text()
    assert text.startswith("# yaml-language-server: $schema=file://")
    assert validate_paths([path]).problems == []
    # the user folder is picked up: the template's card is found by explain
    found = runner.invoke(app, ["explain", "acme-on-site/first-card", "--json"])
    assert json.loads(found.stdout)["deck"] == "acme-on-site"
    again = runner.invoke(app, ["deck", "new", "ACME on-site"])
    assert again.exit_code == 1 and "already exists" in again.stderr


def test_deck_new_with_path(tmp_path: Path) -> None:
    result = runner.invoke(app, ["deck", "new", "x", "--path", str(tmp_path / "x.yml")])
    assert result.exit_code == 0
    assert validate_paths([tmp_path / "x.yml"]).problems == []
    bad = runner.invoke(app, ["deck", "new", "x", "--path", str(tmp_path / "x.txt")])
    assert bad.exit_code == 1 and ".yaml or .yml" in bad.stderr


def test_deck_list_shows_every_source(quizprep_home: Path, tmp_path: Path) -> None:
    runner.invoke(app, ["deck", "new", "mine"])
    extra = DECKS / "good" / "minimal.yaml"
    rows = json.loads(runner.invoke(app, ["deck", "list", "--deck", str(extra), "--json"]).stdout)
    origin = {r["id"]: r["origin"] for r in rows}
    assert origin == {
        "activations": "built-in",
        "losses": "built-in",
        "deep-dives": "built-in",
        "modern-activations": "built-in",
        "modern-losses": "built-in",
        "training-signals": "built-in",
        "exercises": "built-in",
        "mine": "user folder",
        "minimal": "--deck",
    }
    losses = next(r for r in rows if r["id"] == "losses")
    assert (losses["cards"], losses["easy"] + losses["medium"] + losses["hard"]) == (15, 15)
    table = runner.invoke(app, ["deck", "list"])
    assert table.exit_code == 0 and "mine" in table.output


def test_two_files_claiming_one_deck_id_is_an_error(tmp_path: Path) -> None:
    for name in ("a.yaml", "b.yaml"):
        (tmp_path / name).write_text((DECKS / "good" / "minimal.yaml").read_text())
    result = runner.invoke(app, ["list", "--deck", str(tmp_path)])
    assert result.exit_code == 1
    assert "deck id 'minimal' is already used by" in result.stderr


def test_the_documented_example_deck_validates(tmp_path: Path) -> None:
    import re

    doc = (ROOT / "docs" / "deck-format.md").read_text(encoding="utf-8")
    example = re.search(r"## A complete example\n\n```yaml\n(.*?)```", doc, re.S)
    assert example
    path = tmp_path / "example.yaml"
    path.write_text(example.group(1), encoding="utf-8")
    report = validate_paths([path])
    assert report.problems == []
    assert len(report.decks[0].cards) == 2
    assert schema_errors(path) == []


def test_the_schema_lists_every_math_name() -> None:
    from quizprep.core.names import DEMOS, FUNCTIONS

    assert SCHEMA["$defs"]["card"]["properties"]["math"]["anyOf"][0]["enum"] == [
        *FUNCTIONS,
        *DEMOS,
    ]
