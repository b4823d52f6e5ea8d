"""The metric tables of docs/metrics.md and docs/gtm-metrics.md, generated from the registry.

Each generated table sits between ``<!-- generated: NAME -->`` and ``<!-- end generated -->``
in its document; :func:`render` rewrites those blocks from the declarations and leaves the
prose around them alone. ``revline metrics docs --write`` regenerates the files, and a test
fails when a document drifts from the registry (as docs/schema.md is held to the schema).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from pathlib import Path

from revline.metrics import acquisition, conversion, efficiency, sales_catalogue
from revline.metrics.core import Metric
from revline.org import load_org

#: The documents with generated blocks, relative to the ``docs`` directory.
DOCUMENTS = ("metrics.md", "gtm-metrics.md")
_BLOCK = re.compile(r"(<!-- generated: ([\w-]+) -->\n)(.*?)(<!-- end generated -->)", re.S)


def _cell(text: str) -> str:
    return " ".join(text.replace("|", "\\|").split())


def _kind(metric: Metric) -> str:
    inputs = ", ".join(f"`{name}`" for name in metric.inputs)
    return f"{metric.kind_name} ({inputs})" if inputs else metric.kind_name


def _breakdowns(metric: Metric) -> str:
    return ", ".join(metric.breakdowns) or "none"


def metric_table(metrics: Iterable[Metric]) -> str:
    """Name, kind with inputs, unit, owner, breakdowns, formula and definition."""
    org = load_org()
    rows = [
        "| metric | kind (inputs) | unit | owner | breakdowns | formula | definition |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for m in metrics:
        owner = org.metric_owner(m.name, m.owner).function
        rows.append(
            f"| `{m.name}` | {_kind(m)} | {m.unit} | {owner} | {_breakdowns(m)} | "
            f"{_cell(m.formula)} | {_cell(m.description)} |"
        )
    return "\n".join(rows) + "\n"


def formula_table(metrics: Iterable[Metric]) -> str:
    """Name, formula and breakdowns: the go-to-market tables."""
    rows = ["| metric | formula | breakdowns |", "| --- | --- | --- |"]
    for m in metrics:
        rows.append(f"| `{m.name}` | {_cell(m.formula)} | {_breakdowns(m)} |")
    return "\n".join(rows) + "\n"


def _threshold(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "ratio":
        return f"{value:.0%}"
    return f"{value:g}x" if unit == "multiple" else f"{value:g} {unit}"


def benchmark_table(metrics: Iterable[Metric]) -> str:
    """Every metric's benchmark: which way is better, thresholds, band and source with year."""
    rows = [
        "| metric | better | green | amber | band | source |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for m in metrics:
        b = m.benchmark
        if b is None:
            continue
        green, amber = _threshold(b.green, m.unit), _threshold(b.amber, m.unit)
        if b.ceiling is not None:
            amber += f"; above {_threshold(b.ceiling, m.unit)}"
        for segment, g, a in b.segments:
            green += f"; {segment} {_threshold(g, m.unit)}"
            amber += f"; {segment} {_threshold(a, m.unit)}"
        rows.append(
            f"| `{m.name}` | {b.direction} | {green} | {amber} | {_cell(b.band)} | "
            f"{_cell(b.source)}, {b.year} |"
        )
    return "\n".join(rows) + "\n"


def blocks(registry: dict[str, Metric]) -> dict[str, Callable[[], str]]:
    """Block name -> its generated text."""
    gtm_families = {m.name for m in (*efficiency.METRICS, *acquisition.METRICS)}
    sales = {m.name for m in sales_catalogue.METRICS}
    funnel = {m.name for m in conversion.METRICS}
    values = list(registry.values())
    return {
        "mrr-metrics": lambda: metric_table(m for m in values if m.frame == "mrr"),
        "gtm-metrics": lambda: metric_table(m for m in values if m.frame == "gtm"),
        "efficiency-formulas": lambda: formula_table(m for m in values if m.name in gtm_families),
        "sales-formulas": lambda: formula_table(m for m in values if m.name in sales),
        "funnel-formulas": lambda: formula_table(m for m in values if m.name in funnel),
        "benchmarks": lambda: benchmark_table(values),
    }


def render(text: str, registry: dict[str, Metric]) -> str:
    """``text`` with every generated block rewritten from ``registry``."""
    makers = blocks(registry)

    def replace(match: re.Match[str]) -> str:
        name = match.group(2)
        body = makers[name]() if name in makers else match.group(3)
        return match.group(1) + body + match.group(4)

    return _BLOCK.sub(replace, text)


def stale(docs: Path, registry: dict[str, Metric]) -> list[str]:
    """The documents under ``docs`` whose generated blocks differ from the registry."""
    return [
        name
        for name in DOCUMENTS
        if (path := docs / name).is_file()
        and path.read_text() != render(path.read_text(), registry)
    ]


def write(docs: Path, registry: dict[str, Metric]) -> list[str]:
    """Regenerate the blocks of the documents under ``docs``; the names of those changed."""
    changed = stale(docs, registry)
    for name in changed:
        path = docs / name
        path.write_text(render(path.read_text(), registry))
    return changed
