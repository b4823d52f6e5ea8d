"""The bookings forecast page and the forecast accuracy page (docs/forecast.md).

``bookings_forecast``: new and expansion bookings for the quarter after the data ends and the
next one (P10/P50/P90), by segment, and the open deals that matter most, from
:func:`revline.analyses.forecast.bookings.forecast_bookings`. ``forecast_accuracy``: the backtest
of the
last :data:`QUARTERS` quarters (:func:`revline.analyses.forecast.backtest.backtest`), per method and
horizon, and revline's P50 against the actual per quarter. Both only shape library results.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import numpy as np
import pandas as pd

from revline.serialize import money
from revline.web.content import chart, column, table
from revline.web.registry import Page, PageContext, register

SEED = 0
#: Quarters the accuracy page replays (the full backtest is ``revline forecast backtest``).
QUARTERS = 2
DRAWS = 1000


def _interval_rows(frame: pd.DataFrame, key: str) -> list[dict[str, Any]]:
    return [
        {
            key: str(r["unique_id"]),
            "quarter": f"{r['ds']:%Y-%m-%d}",
            "p10": float(r["lo-80"]),
            "p50": float(r["median"]),
            "p90": float(r["hi-80"]),
        }
        for r in frame.to_dict(orient="records")
    ]


def bookings_forecast(ctx: PageContext) -> dict[str, Any]:
    """Totals and segments with their 80% interval, and the deals that matter most."""
    from revline.analyses.forecast.bookings import BookingsSettings, forecast_bookings

    as_of = ctx.settings.as_of + timedelta(days=1)
    settings = BookingsSettings(draws=DRAWS, currency=ctx.settings.reporting_currency)
    result = forecast_bookings(
        ctx.warehouse, as_of, rng=np.random.default_rng(SEED), settings=settings
    )
    band = [
        column("quarter", "Quarter"),
        column("p10", "P10", "currency"),
        column("p50", "P50", "currency"),
        column("p90", "P90", "currency"),
    ]
    totals = _interval_rows(result.totals, "series")
    deals = [
        {
            "opportunity": str(r["opportunity_id"]),
            "segment": str(r["segment"]),
            "owner": str(r["owner_id"]),
            "stage": str(r["stage"]),
            "value": float(r["value"]),
            "p_current": float(r["p_current"]),
            "p_next": float(r["p_next"]),
        }
        for r in result.deals.to_dict(orient="records")
    ]
    total = [r for r in totals if r["series"] == "total"]
    return {
        "charts": [
            chart(
                "bookings_p50",
                "Bookings forecast (P50)",
                "bar_chart",
                [{"period": r["quarter"], "value": money(r["p50"])} for r in total],
                metrics=["bookings"],
            )
        ],
        "tables": [
            table(
                "bookings_totals",
                "Bookings",
                [column("series", "Series"), *band],
                totals,
                metrics=["bookings"],
            ),
            table(
                "bookings_segments",
                "By segment",
                [column("series", "Segment"), *band],
                _interval_rows(result.by_segment, "series"),
                metrics=["bookings"],
            ),
            table(
                "bookings_deals",
                "Open deals that matter most",
                [
                    column("opportunity", "Opportunity", rowlevel=True),
                    column("segment", "Segment"),
                    column("owner", "Owner", rowlevel=True),
                    column("stage", "Stage"),
                    column("value", "Value", "currency"),
                    column("p_current", "P(won this quarter)", "ratio"),
                    column("p_next", "P(won next quarter)", "ratio"),
                ],
                deals,
                metrics=["bookings"],
            ),
        ],
        "notes": [
            f"As known on {as_of}; {DRAWS:,} Monte Carlo draws; amounts in "
            f"{result.currency} at that date's rates. Method: docs/forecast.md.",
        ],
    }


def forecast_accuracy(ctx: PageContext) -> dict[str, Any]:
    """The backtest of the last quarters: error, bias and coverage per method and horizon."""
    from revline.analyses.forecast.backtest import as_of_dates, backtest
    from revline.analyses.forecast.bookings import BookingsSettings
    from revline.analyses.forecast.contract import ForecastError
    from revline.model.periods import quarter_label

    try:
        days, end = as_of_dates(ctx.warehouse, None, None)
    except ForecastError as err:  # too little history: the page says so instead of failing
        return {
            "tables": [],
            "notes": [
                f"No quarter can be replayed yet. {err.message}",
                "The accuracy page replays past quarters with only the data known at their "
                "start: it needs three quarters of deals before the first replayed quarter "
                "and one full quarter after it.",
            ],
        }
    settings = BookingsSettings(draws=DRAWS, currency=ctx.settings.reporting_currency)
    result = backtest(
        ctx.warehouse,
        rng=np.random.default_rng(SEED),
        start=days[-QUARTERS] if len(days) >= QUARTERS else days[0],
        end=end,
        settings=settings,
    )
    s = result.summary
    cols = ["method", "horizon", "quarters", "mape", "bias", "coverage_80"]
    summary = [
        {
            "method": str(m),
            "horizon": int(h),
            "quarters": int(n),
            "mape": float(mape),
            "bias": float(bias),
            "coverage": float(cov),
        }
        for m, h, n, mape, bias, cov in zip(*(s[c].tolist() for c in cols), strict=True)
    ]
    f = result.forecasts
    mine = f[(f["method"] == "revline") & (f["horizon"] == 1)]
    quarters = [
        {
            "quarter": quarter_label(r["quarter"]),
            "p10": float(r["lo_80"]),
            "p50": float(r["forecast"]),
            "p90": float(r["hi_80"]),
            "actual": float(r["actual"]),
        }
        for r in mine.to_dict(orient="records")
    ]
    notes = [
        f"Each quarter from {result.start} replayed with only the data known at its start.",
        "Actual: the quarter's bookings from the metric registry, the figure the Sales page "
        "shows (each deal at its close month's exchange rate); forecasts value deals at the "
        "rates of their as-of date.",
        *(
            f"Deal-level log loss, {r.model}: {r.log_loss:.3f} ({r.deals:,} deals)."
            for r in result.log_loss.itertuples(index=False)
        ),
        *(f"Skipped {r.method} at {r.as_of}: {r.reason}" for r in result.skipped.itertuples()),
    ]
    return {
        "tables": [
            table(
                "accuracy_summary",
                "Accuracy per method and horizon",
                [
                    column("method", "Method"),
                    column("horizon", "Horizon (quarters)", "count"),
                    column("quarters", "Quarters", "count"),
                    column("mape", "Mean APE", "ratio"),
                    column("bias", "Bias", "ratio"),
                    column("coverage", "80% coverage", "ratio"),
                ],
                summary,
                metrics=["bookings"],
            ),
            table(
                "accuracy_quarters",
                "revline this quarter: P50 and 80% interval against the actual",
                [
                    column("quarter", "Quarter"),
                    column("p10", "P10", "currency"),
                    column("p50", "P50", "currency"),
                    column("p90", "P90", "currency"),
                    column("actual", "Actual (bookings)", "currency"),
                ],
                quarters,
                metrics=["bookings"],
            ),
        ],
        "notes": notes,
    }


register(
    Page(
        name="bookings_forecast",
        title="Bookings forecast",
        functions=("revops", "sales"),
        data=bookings_forecast,
        description="New and expansion bookings for this quarter and the next, P10/P50/P90.",
        filters=(),
        order=73,
    )
)
register(
    Page(
        name="forecast_accuracy",
        title="Forecast accuracy",
        functions=("revops", "sales"),
        data=forecast_accuracy,
        description="How accurate the bookings forecast has been: every recent quarter replayed.",
        filters=(),
        order=74,
    )
)
