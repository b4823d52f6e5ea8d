"""The board report's "Bookings forecast" section (docs/report.md "Adding a section").

As known at the end of the report period: new and expansion bookings for the next two
quarters (P10/P50/P90, :func:`revline.analyses.forecast.bookings.forecast_bookings`), and how
accurate the forecast was over the last :data:`QUARTERS` quarters (revline against its
baselines, :func:`revline.analyses.forecast.backtest.backtest`). The reading is generated from
those figures.
"""

from __future__ import annotations

import numpy as np

from revline.analyses.forecast.backtest import backtest
from revline.analyses.forecast.bookings import BookingsSettings, forecast_bookings
from revline.analyses.forecast.contract import ForecastError
from revline.metrics.core import display
from revline.model.periods import add_quarters, month_start, quarter_label, quarter_start
from revline.report import ReportContext, SectionContent, TableBlock, section

SEED = 0
DRAWS = 1000
#: Quarters replayed for the accuracy table (the full backtest: ``revline forecast backtest``).
QUARTERS = 2


def _money(value: float) -> str:
    return display(value, "currency", money_places=0)


@section(
    "bookings_forecast",
    "Bookings forecast",
    order=70,
    description="New and expansion bookings for the next two quarters, and measured accuracy.",
)
def build(ctx: ReportContext) -> SectionContent:
    end = month_start(ctx.period.last + 1)
    settings = BookingsSettings(draws=DRAWS, currency=ctx.settings.reporting_currency)
    try:
        result = forecast_bookings(ctx.wh, end, rng=np.random.default_rng(SEED), settings=settings)
    except ForecastError as err:
        return SectionContent(reading=f"No bookings forecast: {err.message}")
    totals = result.totals[result.totals["unique_id"] == "total"].reset_index(drop=True)
    rows = tuple(
        (
            f"{quarter_label(r['ds'])} {r['unique_id']}",
            _money(r["lo-80"]),
            _money(r["median"]),
            _money(r["hi-80"]),
        )
        for r in result.totals.to_dict(orient="records")
    )
    first = totals.iloc[0]
    reading = (
        f"As of {end}, {quarter_label(first['ds'])} bookings are forecast at "
        f"{_money(first['median'])} (80% interval {_money(first['lo-80'])} to "
        f"{_money(first['hi-80'])})"
    )
    tables = [TableBlock("Bookings forecast", ("quarter", "P10", "P50", "P90"), rows)]
    notes = ["Method and assumptions: docs/forecast.md."]
    try:
        start = add_quarters(quarter_start(end), -QUARTERS)
        bt = backtest(
            ctx.wh, rng=np.random.default_rng(SEED), start=start, end=end, settings=settings
        )
    except ForecastError as err:
        notes.append(f"No backtest: {err.message}")
        return SectionContent(reading=reading + ".", tables=tuple(tables), notes=tuple(notes))
    s = bt.summary
    acc = tuple(
        (
            str(r.method),
            str(r.horizon),
            str(r.quarters),
            display(r.mape, "ratio"),
            display(r.bias, "ratio"),
            display(r.coverage_80, "ratio"),
        )
        for r in s.itertuples(index=False)
    )
    tables.append(
        TableBlock(
            f"Accuracy over the last {QUARTERS} quarters",
            ("method", "horizon", "quarters", "mean APE", "bias", "80% coverage"),
            acc,
        )
    )
    mine = s[(s["method"] == "revline") & (s["horizon"] == 1)]
    if not mine.empty:
        reading += (
            f"; over the last {QUARTERS} quarters its P50 missed by "
            f"{display(float(mine['mape'].iloc[0]), 'ratio')} on average"
        )
    return SectionContent(reading=reading + ".", tables=tuple(tables), notes=tuple(notes))
