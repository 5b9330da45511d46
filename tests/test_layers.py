"""The package layout is the architecture: nothing imports from a layer above its own.

cli → tui → render → study → decks → core → errors/files/paths. Type-only imports (under
``if TYPE_CHECKING:``) are included: they are dependencies too. rich is imported only by
``render/`` (the tui may name its types), typer only by ``cli/``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "quizprep"
RANK = {"cli": 6, "tui": 5, "render": 4, "study": 3, "decks": 2, "core": 1, "": 0}


def layer_of(module: str) -> str:
    """'quizprep.study.storage' → 'study'; top-level modules (errors, paths) → ''."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in RANK else ""


def module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports(path: Path) -> list[tuple[int, str, bool]]:
    """(line, imported module, type-only) for every import in the file, at any depth."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    type_only_lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for inner in node.body:
                for sub in ast.walk(inner):
                    if hasattr(sub, "lineno"):
                        type_only_lines.add(sub.lineno)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            for name in names:
                found.append((node.lineno, name, node.lineno in type_only_lines))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                found.append((node.lineno, alias.name, node.lineno in type_only_lines))
    return found


SOURCES = sorted(PACKAGE.rglob("*.py"))


def test_every_module_is_in_a_layer() -> None:
    top = {p.name for p in PACKAGE.glob("*.py")}
    assert top == {"__init__.py", "__main__.py", "errors.py", "files.py", "paths.py"}
    assert {p.name for p in PACKAGE.iterdir() if p.is_dir() and p.name != "__pycache__"} == {
        name for name in RANK if name
    }


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_import_runs_up(path: Path) -> None:
    here = module_name(path)
    if here == "quizprep.__main__":
        return  # the entry point starts the cli
    own = RANK[layer_of(here)]
    upward = []
    for line, name, type_only in imports(path):
        if name.startswith("quizprep."):
            if RANK[layer_of(name)] > own:
                upward.append(f"{path.name}:{line} imports {name}")
        elif name.split(".")[0] == "rich" and layer_of(here) != "render":
            if not (type_only and layer_of(here) == "tui"):
                upward.append(f"{path.name}:{line} imports rich outside render/")
        elif name.split(".")[0] in ("typer", "click") and layer_of(here) != "cli":
            upward.append(f"{path.name}:{line} imports {name} outside cli/")
    assert not upward, "\n".join(upward)


def test_the_checker_sees_an_upward_import(tmp_path: Path) -> None:
    """The rule is not vacuous: a study module importing the tui is caught."""
    bad = tmp_path / "bad.py"
    bad.write_text("def f():\n    from quizprep.tui.drill import run\n")
    assert (2, "quizprep.tui.drill", False) in imports(bad)
    assert RANK[layer_of("quizprep.tui.drill")] > RANK[layer_of("quizprep.study.stats")]


def test_migrations_are_numbered_in_order() -> None:
    """A migration listed after a higher number would be skipped on existing databases."""
    from quizprep.study.migrations import MIGRATIONS, SCHEMA_VERSION

    numbers = [number for number, _, _ in MIGRATIONS]
    assert numbers == sorted(set(numbers))
    assert max(numbers) == SCHEMA_VERSION
