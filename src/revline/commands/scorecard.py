"""``revline scorecard``: the CRO scorecard of a period, as a table, CSV or JSON.

The numbers come from :func:`revline.scorecard.scorecard`; this module only renders them.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from revline.cli import DEFAULT_WAREHOUSE, ReportPeriodOption, WarehouseOption, app
from revline.errors import ConfigError
from revline.metrics.core import display
from revline.output import FORMATS, check_format, console, emit, emit_json

COLOURS = {"green": "green", "amber": "yellow", "red": "red", "n/a": "dim"}


def _show(value: Decimal | float | None, unit: str) -> str:
    return display(value, unit, money_places=0)


@app.command("scorecard")
def scorecard_command(
    warehouse: WarehouseOption = Path(DEFAULT_WAREHOUSE),
    period: ReportPeriodOption = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table, csv or json.")] = "table",
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Last day of data (YYYY-MM-DD).")
    ] = None,
    profit_basis: Annotated[
        str, typer.Option("--profit-basis", help="Rule of 40 margin: ebitda or operating_profit.")
    ] = "ebitda",
) -> None:
    """Each headline metric: value, trend, target and attainment, benchmark, status, owner."""
    from revline.metrics.gtm_frame import GtmSettings, ProfitBasis
    from revline.scorecard import scorecard
    from revline.warehouse import Warehouse

    fmt = check_format(fmt, FORMATS)
    try:
        day = date.fromisoformat(as_of) if as_of else None
    except ValueError:
        raise ConfigError(f"--as-of {as_of!r} is not a date.", hint="Write YYYY-MM-DD.") from None
    basis: ProfitBasis = profit_basis  # type: ignore[assignment]  # validated by GtmSettings
    with Warehouse.open(warehouse, read_only=True) as wh:
        settings = GtmSettings(as_of=day, profit_margin_basis=basis) if day else None
        if settings is None and profit_basis != "ebitda":
            from revline.scorecard import data_as_of

            settings = GtmSettings(as_of=data_as_of(wh), profit_margin_basis=basis)
        card = scorecard(wh, period, settings)
    if fmt == "json":
        emit_json(card.to_dict())
        return
    if fmt == "csv":
        emit([{"period": card.period, **line} for line in card.to_dict()["lines"]], "csv")
        return
    table = Table(
        title=f"Scorecard {card.title or card.period}"
        + (" (to date)" if card.to_date else "")
        + f" (vs {card.prior_period}; data as of {card.as_of}; "
        f"Rule of 40 margin: {card.profit_margin_basis})"
    )
    for header in ("metric", "value", "prior", "target", "attain.", "benchmark", "status", "owner"):
        table.add_column(header)
    for line in card.lines:
        colour = COLOURS[line.status]
        attain = "-" if line.attainment is None else f"{line.attainment:.0%}"
        table.add_row(
            line.label,
            _show(line.value, line.unit),
            _show(line.prior, line.unit),
            _show(line.target, line.unit),
            attain,
            line.benchmark or "-",
            f"[{colour}]{line.status}[/]",
            line.owner,
        )
    console.print(table)
    console.print(
        "Status: the worse of the benchmark band and target attainment (>= 100% "
        "green, >= 90% amber); see docs/gtm-metrics.md.",
        highlight=False,
    )
