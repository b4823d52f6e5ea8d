"""The backtest: replay every past quarter with only what was known at its start.

For each quarter start ``q`` from ``start`` to the last quarter fully inside the data, every
method is fitted on the warehouse as known strictly before ``q`` (each forecaster reads through
:func:`revline.model.pipeline.pipeline_as_of`, so nothing later is visible) and forecasts ``q``
(horizon 1) and the quarter after (horizon 2). Actuals are the bookings of those quarters as
known at the end of the data, at the as-of date's exchange rates. Per method and horizon the
summary gives the mean absolute percentage error (APE), the mean signed percentage error (bias:
positive = over-forecast) and the share of quarters whose actual fell inside the 80% interval.
revline's deal-level probabilities of winning are scored by log loss against the outcomes, next
to the generator's true probabilities when the warehouse holds them (``truth_opportunity``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import numpy as np
import pandas as pd

from revline.analyses.forecast.bookings import HORIZON, BookingsSettings
from revline.analyses.forecast.contract import ForecastError
from revline.analyses.forecast.deal_values import fx_factors
from revline.analyses.forecast.forecasters import BookingsForecaster
from revline.analyses.forecast.registry import BOOKINGS
from revline.analyses.forecast.scoring import deal_scores, summarise_errors
from revline.analyses.forecast.series import quarter_sums
from revline.model.data_end import NoDataError, sales_bounds
from revline.model.periods import add_quarters, quarter_start
from revline.model.pipeline import pipeline_as_of
from revline.warehouse import Warehouse

#: The methods a backtest compares, by name (:data:`revline.analyses.forecast.registry.BOOKINGS`).
METHODS = BOOKINGS


@dataclass
class Backtest:
    """What a backtest found.

    ``forecasts``: one row per method, as-of date and horizon (forecast, interval, actual,
    errors); ``summary``: per method and horizon; ``deals``: revline's and the true deal-level
    probabilities with outcomes; ``log_loss``: their log losses; ``skipped``: method runs that
    could not forecast, with the reason.
    """

    start: date
    end: date
    currency: str
    forecasts: pd.DataFrame
    summary: pd.DataFrame
    deals: pd.DataFrame
    log_loss: pd.DataFrame
    skipped: pd.DataFrame


def data_bounds(wh: Warehouse) -> tuple[date, date]:
    """First day with an opportunity, and the day after the last recorded sales event
    (:func:`revline.model.data_end.sales_bounds`)."""
    try:
        return sales_bounds(wh.ibis)
    except NoDataError as err:
        raise ForecastError(err.message, hint=err.hint) from None


def as_of_dates(wh: Warehouse, start: date | None, end: date | None) -> tuple[list[date], date]:
    """Quarter starts to replay and the end of the data (exclusive)."""
    first, last = data_bounds(wh)
    end = end or quarter_start(last)
    q = quarter_start(start) if start else add_quarters(quarter_start(first), 3)
    out = []
    while add_quarters(q, 1) <= end:
        out.append(q)
        q = add_quarters(q, 1)
    if not out:
        raise ForecastError(
            f"No quarter to replay between {start or first} and {end}: the data covers "
            f"{first} to {last}.",
            hint="Backtests need at least three quarters of history before the first as-of "
            "date and one full quarter after it; pass --start / --end inside the data.",
        )
    return out, end


def backtest(
    wh: Warehouse,
    *,
    rng: np.random.Generator,
    start: date | None = None,
    end: date | None = None,
    settings: BookingsSettings | None = None,
    methods: Sequence[str] | None = None,
) -> Backtest:
    """Replay every quarter from ``start`` to ``end`` with each method (see the module doc)."""
    s = settings or BookingsSettings()
    names = list(methods or METHODS.names())
    METHODS.check(names)
    days, end = as_of_dates(wh, start, end)
    known_end = pipeline_as_of(wh, end)
    rows, skipped, deal_frames = [], [], []
    for as_of in days:
        targets = [add_quarters(as_of, i) for i in range(HORIZON)]
        targets = [q for q in targets if add_quarters(q, 1) <= end]
        factors = fx_factors(wh, as_of, s.currency)
        actual = quarter_sums(known_end, factors, s.currency, targets, s.types)
        for name in names:
            model = METHODS.get(name)(rng.spawn(1)[0], s)
            try:
                frame = model.forecast(wh, as_of, len(targets), level=[80])
            except ForecastError as err:
                skipped.append((name, as_of, err.message))
                continue
            total = frame[frame["unique_id"] == "total"]
            records = [{str(k): v for k, v in r.items()} for r in total.to_dict("records")]
            for h, (fc, act) in enumerate(zip(records, actual["y"], strict=True)):
                rows.append(_row(name, as_of, h + 1, fc, act))
            if isinstance(model, BookingsForecaster):
                deal_frames.append(model.deal_probabilities().assign(as_of=as_of))
    forecasts = pd.DataFrame(rows)
    deals, log_loss = deal_scores(wh, deal_frames, known_end)
    return Backtest(
        start=days[0],
        end=end,
        currency=s.currency,
        forecasts=forecasts,
        summary=summarise_errors(forecasts),
        deals=deals,
        log_loss=log_loss,
        skipped=pd.DataFrame(skipped, columns=["method", "as_of", "reason"]),
    )


def _row(
    name: str, as_of: date, h: int, fc: dict[str, object], actual: Decimal
) -> dict[str, object]:
    median, lo, hi = (float(str(fc[c])) for c in ("median", "lo-80", "hi-80"))
    act = float(actual)
    return {
        "method": name,
        "as_of": as_of,
        "quarter": fc["ds"],
        "horizon": h,
        "forecast": median,
        "lo_80": lo,
        "hi_80": hi,
        "actual": act,
        "error": (median - act) / act if act else np.nan,
        "covered": lo <= act <= hi,
    }
