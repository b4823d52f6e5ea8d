"""``revline forecast revenue``: monthly MRR and ARR for the next months, with scenarios.

The figures come from :func:`revline.analyses.forecast.revenue.forecast_revenue`; this module only
renders them, on the shared ``forecast`` sub-app.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import numpy as np
import pandas as pd
import typer

from revline.cli import DEFAULT_WAREHOUSE, WarehouseOption
from revline.commands.forecast import (
    AsOfOption,
    CurrencyOption,
    FormatOption,
    SeedOption,
    check_format,
    forecast_app,
    frame_table,
    parse_day,
    to_json,
)
from revline.errors import ConfigError
from revline.output import console, emit_json


def _wide(frame: pd.DataFrame, series: str) -> pd.DataFrame:
    """One series of a long forecast frame, one row per month."""
    part = frame[frame["unique_id"] == series]
    return part.drop(columns="unique_id").reset_index(drop=True)


@forecast_app.command("revenue")
def revenue_command(
    warehouse: WarehouseOption = Path(DEFAULT_WAREHOUSE),
    as_of: AsOfOption = None,
    months: Annotated[int, typer.Option("--months", help="Months to forecast (1-24).")] = 12,
    scenario: Annotated[
        list[str] | None,
        typer.Option(
            "--scenario",
            "-s",
            help="A what-if, e.g. churn-2, win-rate+5, price+5 (repeat for several; join "
            "levers in one run with a comma: churn-2,price+5).",
        ),
    ] = None,
    new_business: Annotated[
        str,
        typer.Option(
            "--new-business",
            help="auto (pipeline when new deals were won in the last year), history (trend "
            "of past arrivals) or pipeline (the bookings forecast).",
        ),
    ] = "auto",
    seed: SeedOption = 0,
    sims: Annotated[int, typer.Option("--sims", help="Monte Carlo simulations.")] = 1000,
    fmt: FormatOption = "table",
    currency: CurrencyOption = "USD",
) -> None:
    """MRR and ARR for the next months: P10/P50/P90, the bridge, and each scenario's delta."""
    from revline.analyses.forecast.revenue import forecast_revenue
    from revline.settings import MetricSettings
    from revline.warehouse import Warehouse

    check_format(fmt)
    if not 10 <= sims <= 100_000:
        raise ConfigError(f"--sims {sims} is out of range.", hint="Use 10 to 100000 (e.g. 1000).")
    day = parse_day(as_of)
    with Warehouse.open(warehouse, read_only=True) as wh:
        result = forecast_revenue(
            wh,
            day,
            months,
            list(scenario or []),
            rng=np.random.default_rng(seed),
            n_sims=sims,
            settings=MetricSettings(reporting_currency=currency),
            new_business=new_business,
        )
    if fmt == "json":
        payload = {
            "as_of": day.isoformat(),
            "base_month": result.base_month.isoformat(),
            "base_mrr": result.base_mrr,
            "customers": result.customers,
            "new_business": result.fitted.new_business,
            "currency": currency,
            "forecast": to_json(result.base),
            "scenarios": {k: to_json(v) for k, v in result.scenarios.items()},
            "deltas": to_json(result.deltas),
        }
        emit_json(payload)
        return
    console.print(
        f"MRR at {result.base_month:%Y-%m} (known at {day}): {result.base_mrr:,} {currency} "
        f"from {result.customers:,} customers; new business from the "
        f"{result.fitted.new_business}"
    )
    cols = ["ds", "lo-80", "median", "hi-80", "mean"]
    console.print(frame_table("MRR forecast (P10 / P50 / P90)", _wide(result.base, "mrr"), cols))
    console.print(frame_table("ARR forecast (P10 / P50 / P90)", _wide(result.base, "arr"), cols))
    flows = result.base.pivot(index="ds", columns="unique_id", values="median").reset_index()
    flow_cols = ["ds", "new", "reactivation", "expansion", "contraction", "churn"]
    console.print(frame_table("MRR movements (P50 each)", flows, flow_cols))
    if not result.deltas.empty:
        mrr = result.deltas[result.deltas["unique_id"] == "mrr"]
        last = mrr.groupby("scenario", sort=False).tail(1)
        console.print(
            frame_table(
                f"Scenarios: MRR change vs base at {last['ds'].iloc[0]}",
                last.reset_index(drop=True),
                ["scenario", "lo-80", "median", "hi-80", "mean"],
            )
        )
