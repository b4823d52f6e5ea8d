"""Quarterly bookings as known on a date: the history series and the actuals of a backtest.

Both are sums of deals won (new and expansion by default) per quarter, converted at the rates
in force on the as-of date (constant currency, see :mod:`revline.analyses.forecast.deal_values`).
The series is
a long frame ``unique_id, ds, y`` (statsforecast's layout) of full quarters before the as-of
date, leaving out the first quarter that has any opportunity: it is a partial ramp-up of the
data, not a quarter of business.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

import pandas as pd

from revline.analyses.forecast.deal_values import booked, exact_total, fx_factors
from revline.model.periods import add_quarters, quarter_start
from revline.model.pipeline import pipeline_as_of
from revline.warehouse import Warehouse


def quarter_sums(
    known: pd.DataFrame,
    factors: dict[str, Decimal],
    currency: str,
    starts: Sequence[date],
    types: tuple[str, ...],
    unique_id: str = "total",
) -> pd.DataFrame:
    """``unique_id, ds, y``: exact bookings in ``known`` for each quarter in ``starts``."""
    rows = [
        (unique_id, q, exact_total(booked(known, q, add_quarters(q, 1), types), factors, currency))
        for q in starts
    ]
    return pd.DataFrame(rows, columns=["unique_id", "ds", "y"])


def full_quarters(known: pd.DataFrame, as_of: date) -> list[date]:
    """Starts of the full quarters before ``as_of``'s, after the ramp-up quarter of the data."""
    if known.empty:
        return []
    first = quarter_start(known["created_at"].min().date())
    q, out = add_quarters(first, 1), []
    while add_quarters(q, 1) <= quarter_start(as_of):
        out.append(q)
        q = add_quarters(q, 1)
    return out


def bookings_series(
    wh: Warehouse,
    as_of: date,
    currency: str = "USD",
    types: tuple[str, ...] = ("new", "expansion"),
) -> pd.DataFrame:
    """The quarterly bookings series known on ``as_of`` (``y`` exact Decimal)."""
    known = pipeline_as_of(wh, as_of)
    factors = fx_factors(wh, as_of, currency)
    return quarter_sums(known, factors, currency, full_quarters(known, as_of), types)


def actuals(
    wh: Warehouse,
    as_of: date,
    starts: Sequence[date],
    known_on: date,
    currency: str = "USD",
    types: tuple[str, ...] = ("new", "expansion"),
) -> pd.DataFrame:
    """Bookings of each quarter in ``starts`` as known on ``known_on``, at ``as_of``'s rates."""
    known = pipeline_as_of(wh, known_on)
    return quarter_sums(known, fx_factors(wh, as_of, currency), currency, starts, types)
