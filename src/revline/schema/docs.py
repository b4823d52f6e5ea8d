"""Markdown documentation of the canonical model, generated from the declarations.

``docs/schema.md`` is this module's output; a test keeps the file and the code in step.
Regenerate it with ``revline schema --markdown > docs/schema.md``.
"""

from __future__ import annotations

from revline.schema import DOMAINS, TABLES
from revline.schema.core import AnyOfCheck, Column, OrderCheck, Table


def rule_text(col: Column) -> str:
    parts = []
    if col.enum:
        parts.append("one of " + ", ".join(f"`{v}`" for v in col.enum))
    if col.minimum is not None:
        parts.append(f"≥ {col.minimum}")
    if col.maximum is not None:
        parts.append(f"≤ {col.maximum}")
    if col.references:
        parts.append(f"→ `{col.references}`")
    if col.currency:
        parts.append("ISO 4217 code")
    return "; ".join(parts)


def table_markdown(table: Table) -> str:
    lines = [
        f"### `{table.name}`",
        "",
        table.description,
        "",
        f"Primary key `{table.primary_key}`; `(source, source_id)` is unique.",
        "",
        "| column | type | required | rule | description |",
        "| --- | --- | --- | --- | --- |",
    ]
    for col in table.columns:
        required = "yes" if col.required else ""
        cells = [f"`{col.name}`", col.kind.value, required, rule_text(col), col.description]
        lines.append("| " + " | ".join(cells) + " |")
    checks = []
    for check in table.checks:
        if isinstance(check, OrderCheck):
            action = "quarantined" if check.severity == "error" else "loaded, reported by check"
            checks.append(f"- `{check.later}` is not before `{check.earlier}` ({action}).")
        elif isinstance(check, AnyOfCheck):
            checks.append(f"- at least one of {', '.join(f'`{c}`' for c in check.columns)}.")
    if checks:
        lines += ["", "Row checks:", "", *checks]
    return "\n".join(lines)


def markdown() -> str:
    """The whole canonical model as Markdown, by domain."""
    out = [
        "# The canonical model",
        "",
        "Generated from `src/revline/schema/` by `revline schema --markdown`; do not edit by hand.",
        "Money is exact (DECIMAL(22, 4) in the row's currency); timestamps are UTC; every table",
        "keeps `source` and `source_id`, so a re-import updates a row instead of duplicating it,",
        "and `attributes` holds the source columns that have no canonical home.",
    ]
    for domain in DOMAINS:
        out += ["", f"## {domain}", ""]
        tables = [t for t in TABLES.values() if t.domain == domain]
        out.append("\n\n".join(table_markdown(t) for t in tables))
    return "\n".join(out) + "\n"
