"""Backtest of the revenue forecast: from past as-of dates, MRR at 3, 6 and 12 months vs actual.

Every as-of date is fitted only on what was known before it (the forecast's own as-of view);
the actual is the MRR model's month-end MRR from the full history. Per horizon ``h`` the score
is the absolute percentage error of the P50 (``|p50 - actual| / actual``), its bias (signed
percentage error) and whether the actual fell inside the 80% interval (P10-P90). Errors are
computed in floats from the exact actuals.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from revline.analyses.forecast.contract import BaseForecaster, ForecastError
from revline.analyses.forecast.registry import REVENUE
from revline.analyses.forecast.revenue import RevenueForecaster
from revline.analyses.forecast.revenue_peers import AutoETSMrr
from revline.metrics.api import bridge_frame
from revline.model.data_end import NoDataError, billing_end
from revline.model.periods import month_index, month_start
from revline.settings import MetricSettings
from revline.warehouse import Warehouse

HORIZONS = (3, 6, 12)
#: Every method the revenue backtest scores, by name
#: (:data:`revline.analyses.forecast.registry.REVENUE`).
METHODS = REVENUE


def history_end(wh: Warehouse) -> date:
    """The first day after the billing history (:func:`revline.model.data_end.billing_end`)."""
    try:
        return billing_end(wh.ibis)
    except NoDataError as err:
        raise ForecastError(err.message, hint=err.hint) from None


def as_of_dates(wh: Warehouse, end: date, warmup: int = 12, step: int = 3) -> list[date]:
    """Quarter-spaced as-of dates from ``warmup`` months after the history starts to the last
    date with at least 3 months of actuals before ``end``.

    The history starts at the first paying month, or at the first won new deal when the CRM
    starts later than billing (a company whose opening book pays for years before its CRM
    records deals): the pipeline mode needs a year of won new deals, and every method is
    scored on the same dates."""
    bridge = bridge_frame(wh, MetricSettings(as_of=month_start(month_index(end) - 1)))
    paying = bridge[bridge["end"] > 0]
    if paying.empty:
        raise ForecastError("No month with MRR to backtest.", hint="Load subscriptions first.")
    start_idx = month_index(pd.Timestamp(paying["month"].iloc[0]).date())
    first_won = _first_won_new_deal(wh)
    if first_won is not None:
        start_idx = max(start_idx, month_index(first_won))
    first = start_idx + warmup
    last = month_index(end) - min(HORIZONS)
    start = first + (-first) % step  # align to a quarter start
    return [month_start(i) for i in range(start, last + 1, step)]


def _first_won_new_deal(wh: Warehouse) -> date | None:
    """The close date of the first won new-business deal, or None without any."""
    if "opportunities" not in wh.list_tables():
        return None
    opps = wh.table("opportunities")
    won = opps.filter(opps.is_won & (opps.opportunity_type == "new"))
    first = won.close_date.min().execute()
    return None if first is None or pd.isna(first) else pd.Timestamp(first).date()


def backtest_revenue(
    wh: Warehouse,
    as_ofs: Sequence[date] | None = None,
    horizons: Sequence[int] = HORIZONS,
    *,
    rng: np.random.Generator | None = None,
    n_sims: int = 500,
    end: date | None = None,
    new_business: str = "auto",
    methods: Sequence[str] | None = None,
) -> pd.DataFrame:
    """One row per method, as-of date and horizon with actual, P50, P10, P90, APE, bias, cover.

    Horizons past the end of the data are skipped for that as-of date. Without ``methods``
    the one method is revline's forecaster (``method`` = ``revline``) with ``new_business``
    as its source of new customers (see :class:`RevenueForecaster`); otherwise each named
    entry of :data:`METHODS` is scored, each with a generator spawned from ``rng``. A method
    that cannot forecast at a date (AutoETS on a short series) is left out of that date.
    """
    stop = end or history_end(wh)
    dates = list(as_ofs) if as_ofs is not None else as_of_dates(wh, stop)
    actual = bridge_frame(wh, MetricSettings(as_of=month_start(month_index(stop) - 1)))
    by_month = {
        month_index(pd.Timestamp(m).date()): v
        for m, v in zip(actual["month"], actual["end"], strict=True)
    }
    chosen = rng if rng is not None else np.random.default_rng(0)
    models: dict[str, BaseForecaster] = {}
    if methods is None:
        models["revline"] = RevenueForecaster(chosen, n_sims, new_business=new_business)
    else:
        METHODS.check(methods)
        for name in methods:
            models[name] = METHODS.get(name)(chosen.spawn(1)[0], n_sims)
    rows = []
    for as_of in dates:
        usable = [h for h in horizons if month_index(as_of) - 1 + h < month_index(stop)]
        if not usable:
            continue
        for name, model in models.items():
            rows.extend(_score(model, name, wh, as_of, usable, by_month))
    return pd.DataFrame(rows)


def _score(
    model: BaseForecaster,
    name: str,
    wh: Warehouse,
    as_of: date,
    usable: list[int],
    by_month: dict[int, Any],
) -> list[dict[str, object]]:
    try:
        frame = model.forecast(wh, as_of, max(usable), level=(80,))
    except ForecastError:
        if not isinstance(model, AutoETSMrr):  # only AutoETS may lack enough history
            raise
        return []
    mrr = frame[frame["unique_id"] == "mrr"].reset_index(drop=True)
    rows: list[dict[str, object]] = []
    for h in usable:
        row = mrr.iloc[h - 1]
        truth = float(by_month.get(month_index(as_of) - 1 + h, 0))
        p50 = float(row["median"])
        rows.append(
            {
                "method": name,
                "as_of": as_of,
                "horizon": h,
                "month": row["ds"],
                "actual": truth,
                "p50": p50,
                "lo80": float(row["lo-80"]),
                "hi80": float(row["hi-80"]),
                "ape": abs(p50 - truth) / truth if truth else float("nan"),
                "bias": (p50 - truth) / truth if truth else float("nan"),
                "inside80": bool(row["lo-80"] <= truth <= row["hi-80"]),
                "interval": bool(getattr(model, "intervals", True)),
            }
        )
    return rows


def summarise_backtest(rows: pd.DataFrame) -> pd.DataFrame:
    """Per method and horizon: forecasts scored, mean APE, mean bias and 80% coverage.

    Coverage is NaN for a method without an interval (Baremetrics, committed MRR).
    """
    keys = ["method", "horizon"]
    if rows.empty:
        return pd.DataFrame(columns=[*keys, "n", "mape", "bias", "coverage80"])
    grouped = rows.groupby(keys, sort=False)
    coverage = grouped["inside80"].mean().where(grouped["interval"].all())
    return pd.DataFrame(
        {
            "n": grouped.size(),
            "mape": grouped["ape"].mean(),
            "bias": grouped["bias"].mean(),
            "coverage80": coverage,
        }
    ).reset_index()
