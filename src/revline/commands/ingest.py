"""``revline import``: load one CSV or Parquet file into a canonical table.

Thin: it calls :func:`revline.ingest.import_file` and prints the counts and a few problems.
Errors raised on purpose print without a stack trace and exit with status 2, also when the
command is invoked directly (tests, other entry points) rather than through ``revline.cli.main``.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from revline.cli import DEFAULT_WAREHOUSE, WarehouseOption, app
from revline.ingest.result import ImportResult
from revline.output import check_format, console, emit_json, progress
from revline.settings import DATE_WINDOW, DateWindow


@app.command("import")
def import_command(
    table: Annotated[str, typer.Argument(help="Canonical table to load (e.g. subscriptions).")],
    file: Annotated[Path, typer.Argument(help="CSV or Parquet file to import.")],
    mapping: Annotated[
        Path | None,
        typer.Option("--mapping", "-m", help="Mapping YAML (docs/mappings.md)."),
    ] = None,
    source: Annotated[
        str | None,
        typer.Option(
            "--source",
            "-s",
            help="Source system name (default: the mapping's source, else the mapping file's name, "
            "else the file stem).",
        ),
    ] = None,
    warehouse: WarehouseOption = Path(DEFAULT_WAREHOUSE),
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="table (a summary) or json (for tools).")
    ] = "table",
    earliest_date: Annotated[
        datetime | None,
        typer.Option(
            formats=["%Y-%m-%d"],
            help="Earliest date accepted; older dates are quarantined (date_window).",
            show_default="1900-01-01",
        ),
    ] = None,
    latest_date: Annotated[
        datetime | None,
        typer.Option(
            formats=["%Y-%m-%d"],
            help="Latest date accepted; later dates are quarantined (date_window).",
            show_default="2199-12-31",
        ),
    ] = None,
) -> None:
    """Import FILE into TABLE: map, validate, quarantine bad rows, upsert good ones atomically."""
    from revline.ingest import import_file
    from revline.warehouse import Warehouse

    fmt = check_format(fmt, ("table", "json"))
    window = DateWindow(
        earliest_date.date() if earliest_date else DATE_WINDOW.earliest,
        latest_date.date() if latest_date else DATE_WINDOW.latest,
    )
    with Warehouse.open(warehouse) as wh, progress(f"Importing {file.name}") as step:
        step(f"map, validate and load into {table}")
        result = import_file(wh, table, file, mapping=mapping, source=source, window=window)
    if fmt == "json":
        emit_json(_as_dict(result))
        return
    _report(result)


def _as_dict(result: ImportResult) -> dict[str, object]:
    """The import's counts and first problems, for ``--format json``."""
    return {
        "table": result.table,
        "file": result.file,
        "source": result.source,
        "load_id": result.load_id,
        "rows_read": result.rows_read,
        "inserted": result.inserted,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "quarantined": result.quarantined,
        "problems": result.problems,
        "examples": [
            {
                "row": p.row_number,
                "column": p.column,
                "value": p.value,
                "rule": p.rule,
                "message": p.message,
            }
            for p in result.examples
        ],
    }


def _report(result: ImportResult) -> None:
    console.print(
        f"Imported {result.file} into {result.table} (source {result.source!r}, "
        f"load {result.load_id}).",
        highlight=False,
    )
    console.print(
        f"  read {result.rows_read}, inserted {result.inserted}, updated {result.updated}, "
        f"unchanged {result.unchanged}, quarantined {result.quarantined}",
        highlight=False,
    )
    if not result.quarantined:
        return
    console.print(
        f"[yellow]Warning:[/] {result.quarantined} row(s) quarantined with "
        f"{result.problems} problem(s). First problems:",
        highlight=False,
    )
    for p in result.examples:
        value = "" if p.value is None else repr(p.value)
        column = p.column or "-"
        console.print(
            f"  row {p.row_number}  column {column}  value {value}  rule {p.rule}: {p.message}",
            highlight=False,
            markup=False,
        )
    console.print(
        "  See them all in the `quarantine` table, e.g.: SELECT row_number, column_name, value, "
        f"rule, message FROM quarantine WHERE file = '{result.file}' ORDER BY row_number",
        highlight=False,
        markup=False,
    )
