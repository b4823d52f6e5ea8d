"""The backtest: replay every past quarter with only what was known at its start.

For each quarter start ``q`` from ``start`` to the last quarter fully inside the data, every
method is fitted on the warehouse as known strictly before ``q`` (each forecaster reads through
:func:`revline.model.pipeline.pipeline_as_of`, so nothing later is visible) and forecasts ``q``
(horizon 1) and the quarter after (horizon 2). Actuals are the registry's ``bookings`` of
those quarters (:func:`bookings_actuals`): the same figure the sales page, ``revline metrics
compute bookings`` and the board pack show, each deal converted at its close month's rate. A
forecast values deals at the as-of date's rates, so a currency move after the as-of date counts
as forecast error, as it does in the reported bookings. Per method and horizon the
summary gives the mean absolute percentage error (APE), the mean signed percentage error (bias:
positive = over-forecast) and the share of quarters whose actual fell inside the 80% interval.
revline's deal-level probabilities of winning are scored by log loss against the outcomes, next
to the generator's true probabilities when the warehouse holds them (``truth_opportunity``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import numpy as np
import pandas as pd

from revline.analyses.forecast.baselines import AutoETSBaseline, RunRate, WeightedPipeline
from revline.analyses.forecast.bookings import HORIZON, BookingsSettings
from revline.analyses.forecast.contract import BaseForecaster, ForecastError
from revline.analyses.forecast.forecasters import BookingsForecaster
from revline.analyses.forecast.periods import add_quarters, quarter_label, quarter_start
from revline.analyses.forecast.scoring import deal_scores, summarise_errors
from revline.metrics.api import compute_many
from revline.metrics.gtm_frame import GtmSettings
from revline.model.pipeline import pipeline_as_of
from revline.warehouse import Warehouse

Factory = Callable[[np.random.Generator, BookingsSettings], BaseForecaster]
#: The methods a backtest compares, by name: revline first, then the baselines.
METHODS: dict[str, Factory] = {
    "revline": lambda rng, s: BookingsForecaster(rng, s),
    "weighted_pipeline": lambda rng, s: WeightedPipeline(rng, s),
    "run_rate": lambda rng, s: RunRate(rng, s),
    "auto_ets": lambda rng, s: AutoETSBaseline(rng, s),
}


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
    """First day with an opportunity, and the day after the last recorded sales event."""
    opps = wh.table("opportunities")
    hist = wh.table("opportunity_history")
    row = opps.aggregate(
        first=opps.created_at.min(), last=opps.closed_at.max(), created=opps.created_at.max()
    ).to_pandas()
    last_h = hist.aggregate(last=hist.changed_at.max()).to_pandas()["last"].iloc[0]
    if pd.isna(row["first"].iloc[0]):
        raise ForecastError(
            "The warehouse has no opportunities with a creation date to backtest on.",
            hint="Import opportunities (created_at) and their history first.",
        )
    stamps = [row["last"].iloc[0], row["created"].iloc[0], last_h]
    last = max(pd.Timestamp(s) for s in stamps if not pd.isna(s))
    return pd.Timestamp(row["first"].iloc[0]).date(), last.date() + timedelta(days=1)


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
    names = list(methods or METHODS)
    for name in names:
        if name not in METHODS:
            from revline.errors import unknown

            raise ForecastError(unknown("method", name, METHODS), hint="Leave --method out.")
    if set(s.types) != set(BOOKINGS_TYPES):
        raise ForecastError(
            f"A backtest scores bookings of types {', '.join(BOOKINGS_TYPES)} (the registry's "
            f"bookings), not {', '.join(s.types)}.",
            hint=f"Backtest with the default types {BOOKINGS_TYPES}.",
        )
    days, end = as_of_dates(wh, start, end)
    known_end = pipeline_as_of(wh, end)
    booked = bookings_actuals(wh, end, s.currency)
    rows, skipped, deal_frames = [], [], []
    for as_of in days:
        targets = [add_quarters(as_of, i) for i in range(HORIZON)]
        targets = [q for q in targets if add_quarters(q, 1) <= end]
        actual = pd.DataFrame(
            {"ds": targets, "y": [booked.get(quarter_label(q), Decimal(0)) for q in targets]}
        )
        for name in names:
            model = METHODS[name](rng.spawn(1)[0], s)
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


#: The opportunity types the registry's ``bookings`` counts (every type but renewal).
BOOKINGS_TYPES = ("new", "expansion")


def bookings_actuals(wh: Warehouse, end: date, currency: str) -> dict[str, Decimal]:
    """The registry's ``bookings`` of every quarter before ``end`` (exclusive), by label
    (``2025-Q4``); a quarter without a won deal books 0.

    One metric for one word: the backtest's actual is the figure every other interface shows
    for the quarter (docs/forecast.md "Actuals").
    """
    settings = GtmSettings(reporting_currency=currency, as_of=end - timedelta(days=1))
    frame = compute_many(["bookings"], "quarter", warehouse=wh, settings=settings)["bookings"]
    return {
        str(p): Decimal(0) if v is None or pd.isna(v) else Decimal(v)
        for p, v in zip(frame["period"], frame["value"], strict=True)
    }


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
