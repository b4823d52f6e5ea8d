"""``revline report``: write the board report of a period as one HTML file or a PDF.

Thin: :func:`revline.report.write_report` builds the registered sections (figures from the
metric registry, charts, one-line readings) and writes the file; this command adds a progress
bar and prints where the report went.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from revline.cli import DEFAULT_WAREHOUSE, ReportPeriodOption, WarehouseOption, app
from revline.output import check_format, console, emit, progress

REPORT_FORMATS = ("html", "pdf")


@app.command("report")
def report_command(
    warehouse: WarehouseOption = Path(DEFAULT_WAREHOUSE),
    period: ReportPeriodOption = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="html or pdf.")] = "html",
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="File to write (default: revline-report-PERIOD.EXT)."),
    ] = None,
    sections: Annotated[
        str | None,
        typer.Option("--sections", help="Only these sections, comma-separated (see --list)."),
    ] = None,
    list_sections: Annotated[
        bool, typer.Option("--list", help="List the report's sections and exit.")
    ] = False,
) -> None:
    """Write the board report: scorecard, revenue bridge, retention, efficiency and sales pages,
    each with a one-line reading of what changed and why it matters."""
    from revline.report import selected, write_report
    from revline.warehouse import Warehouse

    if list_sections:
        rows = [
            {"name": s.name, "title": s.title, "order": s.order, "description": s.description}
            for s in selected(None)
        ]
        emit(rows, "table", title="Report sections")
        return
    fmt = check_format(fmt, REPORT_FORMATS)
    names = [n.strip() for n in sections.split(",") if n.strip()] if sections else None
    chosen = selected(names)
    with Warehouse.open(warehouse, read_only=True) as wh:
        target = output
        if target is None:
            from revline.report import make_context

            label = make_context(wh, period).period.label
            target = Path(f"revline-report-{label}.{fmt}")
        with progress("Writing the board report", total=len(chosen)) as step:
            written = write_report(wh, target, period, fmt, names, on_section=step)
    console.print(f"Report written to {written}.", highlight=False)
