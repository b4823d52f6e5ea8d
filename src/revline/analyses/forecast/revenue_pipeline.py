"""New business from the pipeline: the bookings forecast, going live after the go-live lag.

With ``new_business="pipeline"`` the revenue forecast takes its new customers for the months
the bookings forecast covers (:func:`revline.analyses.forecast.bookings.forecast_bookings`: the
quarter
of the as-of date and the next) from that forecast instead of the trend of past arrivals:

    new customers booked in month m = (P50 new bookings of m's quarter - already booked) /
                                      months of the quarter still ahead / ARR per new deal
    new customers going live in month m + lag = that number x live share

``live share`` is the new paying customers of the trailing year over the new deals won in it
(a won deal on a free or usage-only plan, or on an existing customer, adds no new MRR customer).

``ARR per new deal`` is the mean value of the new deals won in the year before the as-of date
(converted at the as-of date's rates); ``lag`` is the median go-live lag. The new-customer
stream is scaled month by month to those numbers (the scale is capped to 1/4..4); months the
bookings forecast does not reach keep the trend. The first MRR of each new customer is still
drawn from the new customers actually seen, so the pipeline sets how many, history how big.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import numpy as np

from revline.analyses.forecast.bookings import BookingsSettings, forecast_bookings
from revline.analyses.forecast.contract import ForecastError
from revline.analyses.forecast.deal_values import fx_factors, to_reporting
from revline.analyses.forecast.revenue_inputs import DealStats
from revline.analyses.forecast.revenue_sim import Stream
from revline.model.periods import month_index, quarter_start
from revline.warehouse import Warehouse

_CAP = 4.0
#: Draws of the bookings forecast (only its P50 is used here).
BOOKING_DRAWS = 500


def booked_per_month(
    wh: Warehouse, as_of: date, currency: str, deals: DealStats, rng: np.random.Generator
) -> dict[int, float]:
    """New deals expected to be booked per month (month index -> count) from the forecast."""
    recent = deals.recent_won
    if recent.empty:
        return {}
    values = to_reporting(recent, fx_factors(wh, as_of, currency), currency)
    values = values[np.isfinite(values) & (values > 0)]
    if not len(values):
        return {}
    per_deal = float(values.mean())
    settings = BookingsSettings(currency=currency, types=("new",), draws=BOOKING_DRAWS)
    result = forecast_bookings(wh, as_of, rng=rng, settings=settings)
    new = result.totals[result.totals["unique_id"] == "new"].sort_values("ds")
    already = float(result.booked["value"].sum()) if "value" in result.booked else 0.0
    out: dict[int, float] = {}
    now = month_index(as_of)
    for i, (start, p50) in enumerate(zip(new["ds"], new["median"], strict=True)):
        first = month_index(quarter_start(start))
        months = [m for m in range(first, first + 3) if m >= now]
        if not months:
            continue
        ahead = max(float(p50) - (already if i == 0 else 0.0), 0.0)
        for m in months:
            out[m] = ahead / len(months) / per_deal
    return out


def pipeline_stream(
    wh: Warehouse,
    as_of: date,
    currency: str,
    deals: DealStats,
    live: float,
    stream: Stream,
    base: int,
    lag: int,
    rng: np.random.Generator,
    required: bool,
    h: int,
) -> Stream | None:
    """The new-customer ``stream`` scaled to the bookings forecast (``live``: the share of won
    new deals that became paying customers), or ``None`` when the pipeline cannot say (no new
    deals won in the trailing year, or no pipeline) and ``required`` is false. ``h``: months the
    scale covers."""
    try:
        booked = booked_per_month(wh, as_of, currency, deals, rng) if len(deals.recent_won) else {}
    except ForecastError:
        if required:
            raise
        return None
    if not booked:
        if required:
            raise ForecastError(
                f"No new deals were won in the year before {as_of}: the pipeline cannot say how "
                "many new customers to expect.",
                hint="Use --new-business history (the trend of past arrivals).",
            )
        return None
    return scale_stream(stream, {m: n * live for m, n in booked.items()}, base, lag, h)


def scale_stream(stream: Stream, booked: dict[int, float], base: int, lag: int, h: int) -> Stream:
    """``stream`` scaled so that month ``t`` expects the customers booked ``lag`` months
    earlier (months without a booking figure keep their trend)."""
    expected = stream.expected(h)
    scale = np.ones(h)
    for t in range(1, h + 1):
        count = booked.get(base + t - lag)
        if count is not None and expected[t - 1] > 0:
            scale[t - 1] = float(np.clip(count / expected[t - 1], 1 / _CAP, _CAP))
    return replace(stream, scale=scale)
