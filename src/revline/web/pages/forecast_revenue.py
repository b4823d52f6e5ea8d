"""The revenue forecast page: MRR and ARR for the next 12 months (P10/P50/P90) and scenarios.

The numbers come from :func:`revline.analyses.forecast.revenue.forecast_revenue` (see
docs/forecast-revenue.md), as of the day after the warehouse's data ends; this module only
shapes them for the generic page template.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import numpy as np
import pandas as pd

from revline.serialize import money
from revline.web.content import chart, column, table
from revline.web.registry import Page, PageContext, register

#: The scenarios the page shows against the base forecast.
SCENARIOS = ("churn-2", "win-rate+5", "price+5")
MONTHS = 12
SIMS = 300
SEED = 0


def _rows(frame: pd.DataFrame, series: str) -> list[dict[str, Any]]:
    part = frame[frame["unique_id"] == series]
    return [
        {
            "month": f"{row['ds']:%Y-%m}",
            "p10": float(row["lo-80"]),
            "p50": float(row["median"]),
            "p90": float(row["hi-80"]),
        }
        for row in part.to_dict(orient="records")
    ]


def revenue_forecast(ctx: PageContext) -> dict[str, Any]:
    """Base forecast table and ARR trend, and each scenario's change in MRR at 12 months."""
    from revline.analyses.forecast.revenue import forecast_revenue
    from revline.errors import ConfigError

    as_of = ctx.settings.as_of + timedelta(days=1)
    try:
        result = forecast_revenue(
            ctx.warehouse,
            as_of,
            MONTHS,
            list(SCENARIOS),
            rng=np.random.default_rng(SEED),
            n_sims=SIMS,
        )
    except ConfigError:  # e.g. no closed deals for the win-rate scenario: drop the scenarios
        result = forecast_revenue(
            ctx.warehouse, as_of, MONTHS, rng=np.random.default_rng(SEED), n_sims=SIMS
        )
    band = [
        column("month", "Month"),
        column("p10", "P10", "currency"),
        column("p50", "P50", "currency"),
        column("p90", "P90", "currency"),
    ]
    mrr, arr = _rows(result.base, "mrr"), _rows(result.base, "arr")
    tables = [
        table("mrr_forecast", "MRR forecast", band, mrr, metrics=["mrr"]),
        table("arr_forecast", "ARR forecast", band, arr, metrics=["arr"]),
    ]
    if not result.deltas.empty:
        last = result.deltas[result.deltas["unique_id"] == "mrr"].groupby("scenario").tail(1)
        scenario_rows = [
            {"scenario": r["scenario"], "p10": r["lo-80"], "p50": r["median"], "p90": r["hi-80"]}
            for _, r in last.iterrows()
        ]
        tables.append(
            table(
                "scenarios",
                f"Scenarios: change in MRR vs base after {MONTHS} months",
                [column("scenario", "Scenario"), *band[1:]],
                scenario_rows,
                metrics=["mrr"],
            )
        )
    return {
        "charts": [
            chart(
                "arr_forecast_chart",
                "ARR forecast (P50)",
                "arr_trend",
                [{"period": r["month"], "value": money(r["p50"])} for r in arr],
                metrics=["arr"],
            )
        ],
        "tables": tables,
        "notes": [
            {
                "text": f"Starting MRR {result.base_mrr:,} at {result.base_month:%Y-%m} from "
                f"{result.customers:,} customers; forecast as known on {as_of}, {SIMS} "
                "simulations.",
                "metrics": ["mrr", "customers"],
            },
            "Method, scenarios and backtested accuracy: docs/forecast-revenue.md.",
        ],
    }


register(
    Page(
        name="revenue_forecast",
        title="Revenue forecast",
        functions=("revops", "sales", "customer_success"),
        data=revenue_forecast,
        description="MRR and ARR for the next 12 months with P10/P50/P90, and what-if scenarios.",
        filters=(),
        order=75,
    )
)
