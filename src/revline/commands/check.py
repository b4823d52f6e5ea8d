"""``revline check``: report what is wrong in a warehouse, with counts, example ids and why it
matters. Thin: the checks live in :mod:`revline.quality`."""

from __future__ import annotations

import enum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from revline.cli import DEFAULT_WAREHOUSE, WarehouseOption, app
from revline.output import console, emit, emit_json
from revline.quality import CheckReport, run_checks

CSV_COLUMNS = ("severity", "check", "tables", "columns", "count", "examples", "message", "details")
_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


class OutputFormat(enum.StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


class FailOn(enum.StrEnum):
    never = "never"
    error = "error"
    warning = "warning"
    info = "info"


@app.command()
def check(
    warehouse: WarehouseOption = Path(DEFAULT_WAREHOUSE),
    output: Annotated[
        OutputFormat,
        typer.Option("--format", "-f", help="table for people; csv or json for tools."),
    ] = OutputFormat.table,
    fail_on: Annotated[
        FailOn,
        typer.Option(
            "--fail-on",
            help="Exit 1 when a finding at this severity or worse exists (never: always exit 0).",
        ),
    ] = FailOn.never,
) -> None:
    """Check the warehouse: orphans, duplicates, impossible dates, billing and sales
    consistency, and what the importer quarantined."""
    from revline.warehouse import Warehouse

    with Warehouse.open(warehouse, read_only=True) as wh:
        report = run_checks(wh)
    if output is OutputFormat.json:
        emit_json(report.to_dict())
    elif output is OutputFormat.csv:
        rows = [
            {
                **f.to_dict(),
                "tables": ";".join(f.tables),
                "columns": ";".join(f.columns),
                "examples": ";".join(f.examples),
                "details": ";".join(f.details),
            }
            for f in report.findings
        ]
        emit(rows, "csv", columns=CSV_COLUMNS)
    else:
        _print_table(report)
    if fail_on is not FailOn.never and report.has_at_least(fail_on.value):
        raise typer.Exit(1)


def _print_table(report: CheckReport) -> None:
    if report.ok:
        console.print(f"No problems found ({len(report.checks_run)} checks run).")
        return
    table = Table(show_lines=True)
    for name in ("severity", "check", "table", "count", "message"):
        table.add_column(name, overflow="fold", justify="right" if name == "count" else "left")
    for f in report.findings:
        style = _STYLE[f.severity]
        table.add_row(
            f"[{style}]{f.severity}[/]", f.check, ", ".join(f.tables), str(f.count), f.message
        )
    console.print(table)
    counts = report.summary()
    console.print(
        f"{len(report.findings)} findings: {counts['error']} errors, "
        f"{counts['warning']} warnings, {counts['info']} info "
        f"({len(report.checks_run)} checks run)."
    )
