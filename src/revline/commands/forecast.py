"""``revline forecast ...``: the bookings forecast and its backtest.

The sub-app :data:`forecast_app` is shared: other forecast modules add their own commands to it
(``revline forecast revenue`` lives with the revenue forecast). Commands only render what the
library returns.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import pandas as pd
import typer
from rich.table import Table

from revline.cli import DEFAULT_WAREHOUSE, WarehouseOption, app
from revline.errors import ConfigError, unknown
from revline.output import console, emit_json
from revline.serialize import records

forecast_app = typer.Typer(
    name="forecast",
    help="Forecasts with their backtested accuracy: bookings, backtest (and revenue).",
    no_args_is_help=True,
)
app.add_typer(forecast_app, name="forecast")

FORMATS = ("table", "json")
AsOfOption = Annotated[
    str | None,
    typer.Option("--as-of", help="Forecast as known on this date (YYYY-MM-DD); default: today."),
]
SeedOption = Annotated[int, typer.Option("--seed", help="Seed of the Monte Carlo draws.")]
FormatOption = Annotated[str, typer.Option("--format", "-f", help="table or json.")]
CurrencyOption = Annotated[str, typer.Option("--currency", help="Reporting currency (ISO code).")]
ModelOption = Annotated[
    str,
    typer.Option(
        "--model",
        help="Open-deal probabilities: cells (default), classifier (gradient boosting) or blend.",
    ),
]


def parse_day(value: str | None, option: str = "--as-of") -> date:
    """A YYYY-MM-DD option value as a date (today in UTC when empty)."""
    if value is None:
        return pd.Timestamp.now(tz="UTC").date()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ConfigError(f"{option} {value!r} is not a date.", hint="Write YYYY-MM-DD.") from None


def check_format(fmt: str) -> None:
    """Raise a ConfigError naming the valid formats when ``fmt`` is not one."""
    if fmt not in FORMATS:
        raise ConfigError(unknown("format", fmt, FORMATS), hint="Use --format table or json.")


def money(value: float) -> str:
    """A forecast amount for display: whole currency units with thousands separators."""
    return f"{value:,.0f}"


def frame_table(title: str, frame: pd.DataFrame, columns: list[str]) -> Table:
    """A rich table of ``frame``; float columns shown as whole money, probabilities as %."""
    table = Table(title=title)
    for col in columns:
        table.add_column(col, justify="left" if frame[col].dtype == object else "right")
    for row in frame[columns].itertuples(index=False):
        cells = []
        for col, v in zip(columns, row, strict=True):
            if isinstance(v, float) and col.startswith("p_"):
                cells.append(f"{v:.0%}")
            elif isinstance(v, float):
                cells.append(money(v))
            else:
                cells.append(str(v))
        table.add_row(*cells)
    return table


#: Columns of the forecast frames that hold money (estimates in floating point): written as
#: exact strings rounded to the cent by :mod:`revline.serialize`, like every other amount.
MONEY_COLUMNS = (
    "mean",
    "median",
    "lo-80",
    "hi-80",
    "lo-90",
    "hi-90",
    "amount",
    "value",
    "expected",
    "forecast",
    "lo_80",
    "hi_80",
    "actual",
)


def to_json(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Records of a forecast frame through the one serializer, money columns exact."""
    return records(frame, MONEY_COLUMNS)


@forecast_app.command("bookings")
def bookings_command(
    warehouse: WarehouseOption = Path(DEFAULT_WAREHOUSE),
    as_of: AsOfOption = None,
    seed: SeedOption = 0,
    fmt: FormatOption = "table",
    currency: CurrencyOption = "USD",
    by: Annotated[str, typer.Option("--by", help="Breakdown: segment, owner or team.")] = "segment",
    model: ModelOption = "cells",
) -> None:
    """New and expansion bookings for this quarter and the next: P10/P50/P90 and key deals."""
    from revline.analyses.forecast.bookings import BookingsSettings, forecast_bookings
    from revline.warehouse import Warehouse

    check_format(fmt)
    breakdowns = ("segment", "owner", "team")
    if by not in breakdowns:
        raise ConfigError(unknown("breakdown", by, breakdowns), hint="Use --by segment.")
    day = parse_day(as_of)
    with Warehouse.open(warehouse, read_only=True) as wh:
        result = forecast_bookings(
            wh,
            day,
            rng=np.random.default_rng(seed),
            settings=BookingsSettings(currency=currency, model=model),
        )
    groups = getattr(result, f"by_{by}")
    if fmt == "json":
        payload = {
            "as_of": day.isoformat(),
            "currency": result.currency,
            "totals": to_json(result.totals),
            f"by_{by}": to_json(groups),
            "deals": to_json(result.deals),
        }
        emit_json(payload)
        return
    cols = ["unique_id", "ds", "lo-80", "median", "hi-80", "mean"]
    console.print(
        frame_table(f"Bookings forecast as of {day} ({result.currency})", result.totals, cols)
    )
    console.print(frame_table(f"By {by}", groups, cols))
    deal_cols = [
        "opportunity_id",
        "segment",
        "owner_id",
        "stage",
        "value",
        "p_current",
        "p_next",
        "expected",
    ]
    console.print(frame_table("Open deals that matter most", result.deals, deal_cols))


@forecast_app.command("backtest")
def backtest_command(
    warehouse: WarehouseOption = Path(DEFAULT_WAREHOUSE),
    start: Annotated[
        str | None, typer.Option("--start", help="First quarter to replay (YYYY-MM-DD).")
    ] = None,
    end: Annotated[
        str | None, typer.Option("--end", help="End of the data used (exclusive, YYYY-MM-DD).")
    ] = None,
    seed: SeedOption = 0,
    fmt: FormatOption = "table",
    currency: CurrencyOption = "USD",
    method: Annotated[
        list[str] | None, typer.Option("--method", help="Only these methods (repeatable).")
    ] = None,
    model: ModelOption = "cells",
) -> None:
    """Replay every past quarter: APE, bias and 80% coverage per method and horizon."""
    from revline.analyses.forecast.backtest import backtest
    from revline.analyses.forecast.bookings import BookingsSettings
    from revline.warehouse import Warehouse

    check_format(fmt)
    first = parse_day(start, "--start") if start else None
    last = parse_day(end, "--end") if end else None
    with Warehouse.open(warehouse, read_only=True) as wh:
        result = backtest(
            wh,
            rng=np.random.default_rng(seed),
            start=first,
            end=last,
            settings=BookingsSettings(currency=currency, model=model),
            methods=method,
        )
    if fmt == "json":
        payload = {
            "start": result.start.isoformat(),
            "end": result.end.isoformat(),
            "currency": result.currency,
            "summary": to_json(result.summary),
            "forecasts": to_json(result.forecasts),
            "log_loss": to_json(result.log_loss),
            "skipped": to_json(result.skipped),
        }
        emit_json(payload)
        return
    table = Table(title=f"Bookings backtest {result.start} to {result.end} ({result.currency})")
    for col in ("method", "horizon", "quarters", "mean APE", "bias", "80% coverage"):
        table.add_column(col, justify="left" if col == "method" else "right")
    for row in result.summary.itertuples(index=False):
        table.add_row(
            str(row.method),
            str(row.horizon),
            str(row.quarters),
            f"{row.mape:.1%}",
            f"{row.bias:+.1%}",
            f"{row.coverage_80:.0%}",
        )
    console.print(table)
    if not result.log_loss.empty:
        cols = ", ".join(f"{r.model} {r.log_loss:.3f}" for r in result.log_loss.itertuples())
        console.print(
            f"Deal-level log loss ({int(result.log_loss['deals'].iloc[0])} deals): {cols}"
        )
    for row in result.skipped.itertuples(index=False):
        console.print(f"[dim]skipped {row.method} at {row.as_of}: {row.reason}[/]")
