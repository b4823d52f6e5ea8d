"""Imports go one way: a module never imports from a layer above its own.

The layers, lowest first (DESIGN.md's data flow; ``warehouse`` is the storage every loader
writes into, so it sits below ``ingest`` in the import order):

    errors < schema, ddl, settings, serialize, org < warehouse < ingest, quality, synth < model
    < metrics < analyses, scorecard < report, charts < web, cli, commands, output, demo

Every import is walked, including those inside functions, so a lazy import cannot hide an
upward dependency. A new top-level module must be placed in :data:`LAYERS` (the test says so).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import revline

PACKAGE = Path(revline.__file__).parent

#: Layer rank of every top-level module or package of revline.
LAYERS: dict[str, int] = {
    "errors": 0,
    "schema": 1,
    "ddl": 1,
    "settings": 1,
    "serialize": 1,
    "org": 1,
    "warehouse": 2,
    "ingest": 3,
    "quality": 3,
    "synth": 3,
    "model": 4,
    "metrics": 5,
    "analyses": 6,
    "scorecard": 6,
    "report": 7,
    "charts": 7,
    "web": 8,
    "cli": 8,
    "commands": 8,
    "output": 8,
    "demo": 8,
    "__main__": 8,
    "__init__": 8,
}
NAMES = {0: "errors", 1: "schema", 2: "warehouse", 3: "ingest", 4: "model", 5: "metrics"}
NAMES |= {6: "analyses", 7: "report", 8: "interfaces (web, cli)"}


def _top(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != "revline":
        return None
    return parts[1] if len(parts) > 1 else "__init__"


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    own = "revline." + ".".join(path.relative_to(PACKAGE).with_suffix("").parts)
    out: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = own.split(".")[: -node.level]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            if module == "revline":
                out += [(node.lineno, f"revline.{alias.name}") for alias in node.names]
            else:
                out.append((node.lineno, module))
    return out


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def test_every_top_level_module_has_a_layer() -> None:
    tops = {p.relative_to(PACKAGE).parts[0].removesuffix(".py") for p in _modules()}
    missing = sorted(tops - set(LAYERS))
    assert missing == [], f"place these in tests/test_layers.py LAYERS: {missing}"


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_import_from_a_higher_layer(path: Path) -> None:
    here = path.relative_to(PACKAGE).parts[0].removesuffix(".py")
    rank = LAYERS[here]
    upward = []
    for line, module in _imports(path):
        top = _top(module)
        if top is None or top not in LAYERS or top == here:
            continue
        if LAYERS[top] > rank:
            upward.append(
                f"line {line}: imports {module} ({NAMES[LAYERS[top]]}) from {NAMES[rank]}"
            )
    assert upward == []


def test_no_analysis_imports_an_interface() -> None:
    banned = {"report", "charts", "web", "cli", "commands", "output"}
    offenders = [
        f"{path.relative_to(PACKAGE)}:{line} imports {module}"
        for path in _modules()
        if path.relative_to(PACKAGE).parts[0] == "analyses"
        for line, module in _imports(path)
        if _top(module) in banned
    ]
    assert offenders == []


def test_the_walk_sees_lazy_imports() -> None:
    """The checker itself: an import inside a function body is seen (demo.py's synth import)."""
    found = {module for _, module in _imports(PACKAGE / "demo.py")}
    assert "revline.synth" in found
    assert "revline.report" in found
