"""Deal values in the reporting currency, as they were known on the as-of date.

Every amount is converted at the rate in force on the as-of date (the latest ``fx_rates`` row
dated before it), both the pipeline and the actuals a backtest scores it against: accuracy is
measured in constant currency, so a currency move after the as-of date is neither an error nor
a leak. A deal whose amount was not known (an open deal in a CRM export without history) takes
the median won amount of deals of its type and product known on the as-of date, else of its
type, else of every won deal.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import numpy as np
import pandas as pd

from revline.analyses.forecast.contract import ForecastError
from revline.model.money import factors_on
from revline.model.pipeline import instant
from revline.warehouse import Warehouse


def fx_factors(wh: Warehouse, as_of: date, currency: str) -> dict[str, Decimal]:
    """Units of ``currency`` per unit of each currency, at the rate in force on ``as_of``
    (the one FX rule, :func:`revline.model.money.factors_on`)."""
    return factors_on(wh.ibis, as_of, currency)


def to_reporting(frame: pd.DataFrame, factors: dict[str, Decimal], currency: str) -> np.ndarray:
    """``frame.amount`` in the reporting currency (NaN where the amount is unknown)."""
    cur = frame["currency"].fillna(currency).astype(str)
    missing = sorted(set(cur) - set(factors))
    if missing:
        example = frame.loc[cur == missing[0], "opportunity_id"].iloc[0]
        raise ForecastError(
            f"No exchange rate into {currency} before the as-of date for {', '.join(missing)} "
            f"(e.g. opportunity {example}).",
            hint=f"Load fx_rates from each of these currencies to {currency}, dated before the "
            "as-of date.",
        )
    amount = pd.to_numeric(frame["amount"], errors="coerce").astype(float)
    return (amount * cur.map({k: float(v) for k, v in factors.items()})).to_numpy(dtype=float)


def exact_total(frame: pd.DataFrame, factors: dict[str, Decimal], currency: str) -> Decimal:
    """The exact sum of ``frame.amount`` in ``currency`` (amounts and rates as Decimal)."""
    total = Decimal(0)
    for cur, amount in zip(frame["currency"].fillna(currency), frame["amount"], strict=True):
        if amount is None or (isinstance(amount, float) and np.isnan(amount)):
            continue
        if str(cur) not in factors:
            to_reporting(frame[frame["currency"] == cur], factors, currency)  # raises the error
        total += Decimal(amount) * factors[str(cur)]
    return total.quantize(Decimal("0.0001"))


class Valuer:
    """Values deals in the reporting currency, imputing unknown amounts from won deals."""

    def __init__(self, known: pd.DataFrame, factors: dict[str, Decimal], currency: str) -> None:
        self.factors = factors
        self.currency = currency
        won = known[known["is_won"].astype(bool)].copy()
        won["value"] = to_reporting(won, factors, currency)
        won = won[np.isfinite(won["value"]) & (won["value"] > 0)]
        self.by_product = won.groupby(["opportunity_type", "product"])["value"].median().to_dict()
        self.by_type = won.groupby("opportunity_type")["value"].median().to_dict()
        self.overall = float(won["value"].median()) if len(won) else float("nan")

    def __call__(self, frame: pd.DataFrame) -> np.ndarray:
        """Each deal's value; unknown amounts imputed (see the module docstring)."""
        value = to_reporting(frame, self.factors, self.currency)
        gaps = np.flatnonzero(~np.isfinite(value))
        for i in gaps:
            row = frame.iloc[i]
            guess = self.by_product.get((row["opportunity_type"], row["product"]))
            if guess is None:
                guess = self.by_type.get(row["opportunity_type"], self.overall)
            value[i] = guess
        return value


def booked(known: pd.DataFrame, start: date, end: date, types: tuple[str, ...]) -> pd.DataFrame:
    """Deals in ``known`` won in ``[start, end)`` (UTC days) of the given types."""
    won = known["is_won"].astype(bool) & known["opportunity_type"].isin(types)
    at = known["closed_at"]
    inside = (at >= pd.Timestamp(instant(start))) & (at < pd.Timestamp(instant(end)))
    return known[won & inside.fillna(False)]
