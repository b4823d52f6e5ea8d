"""``revline schema``: the canonical tables and their columns."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table as RichTable

from revline.cli import app
from revline.output import FormatOption, check_format, console, emit
from revline.schema import TABLES, get_table
from revline.schema.docs import markdown, rule_text


@app.command("schema")
def schema_command(
    table: Annotated[str | None, typer.Argument(help="A table to describe.")] = None,
    as_markdown: Annotated[
        bool, typer.Option("--markdown", help="Print the whole model as Markdown.")
    ] = False,
    fmt: FormatOption = "table",
) -> None:
    """List the canonical tables, or describe one table's columns and rules."""
    fmt = check_format(fmt)
    if as_markdown:
        typer.echo(markdown(), nl=False)
        return
    if fmt != "table":
        if table is None:
            rows = [
                {
                    "domain": t.domain,
                    "table": t.name,
                    "primary_key": t.primary_key,
                    "columns": len(t.columns),
                    "description": t.description,
                }
                for t in TABLES.values()
            ]
        else:
            rows = [
                {
                    "column": c.name,
                    "type": c.kind.value,
                    "required": c.required,
                    "rule": rule_text(c),
                    "description": c.description,
                }
                for c in get_table(table).columns
            ]
        emit(rows, fmt)
        return
    if table is None:
        out = RichTable(title="Canonical tables")
        for header in ("domain", "table", "primary key", "columns", "description"):
            out.add_column(header)
        for t in TABLES.values():
            out.add_row(t.domain, t.name, t.primary_key, str(len(t.columns)), t.description)
        console.print(out)
        return
    t = get_table(table)
    out = RichTable(title=f"{t.name}: {t.description}")
    for header in ("column", "type", "required", "rule", "description"):
        out.add_column(header)
    for col in t.columns:
        out.add_row(
            col.name, col.kind.value, "yes" if col.required else "", rule_text(col), col.description
        )
    console.print(out)
