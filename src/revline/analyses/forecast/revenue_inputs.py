"""What the revenue forecast starts from, read from the warehouse as known at the as-of date.

- :func:`existing_state`: every customer paying at the base month's snapshot, with its MRR
  (exact, from the MRR model) and its state (segment, plan, tenure, usage trend).
- :func:`arrivals`: customers who started paying (``new``) or came back (``reactivation``) in
  the trailing ``window`` months: the monthly counts (the arrival rate and its trend) and each
  arrival's first MRR and state (the sizes the simulation draws from).
- :func:`deal_stats`: from the deals closed before the as-of date, the win rate of new
  business (the registry's ``win_rate`` filtered to ``deal_type`` new over the 12 months
  before the as-of month, for the win-rate scenario), the **go-live lag** (months from a won
  new deal's close to its account's first paying month) and the deals won but not yet paying
  (known bookings that will go live after the as-of date).

Every input goes through :class:`revline.analyses.forecast.revenue_asof.AsOfBackend`, so nothing
recorded at or after the as-of date is read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import numpy as np
import pandas as pd

from revline.analyses.forecast.retention_curves_panel import Facts, unit_state
from revline.metrics.api import compute_on_model, get_metric
from revline.metrics.kinds import Ratio
from revline.model.periods import month_index, month_index_of, month_start

ARRIVAL_KINDS = ("new", "reactivation")
#: The registry ratio the win-rate scenario moves (its inputs filtered to new business).
WIN_RATE = "win_rate"


@dataclass(frozen=True)
class Existing:
    """Customers paying at the base month: ``frame`` (account_id, mrr as float, segment,
    plan, tenure, usage) and ``total``, their MRR summed exactly."""

    frame: pd.DataFrame
    total: Decimal


@dataclass(frozen=True)
class Arrivals:
    """Arrivals of one kind: ``counts`` per trailing month (oldest first) and ``sample``
    (segment, plan, usage, mrr) of the arrivals seen in those months."""

    kind: str
    counts: np.ndarray
    sample: pd.DataFrame


@dataclass(frozen=True)
class DealStats:
    """Deal history known at the as-of date.

    ``win_rate``: won / closed new deals of the 12 months before the as-of month (the
    registry's ``win_rate``; ``None`` without any).
    ``lags``: go-live lag in months of each won new deal whose account started paying.
    ``pending``: won new deals not paying yet (opportunity_id, amount, currency, close_idx).
    ``recent_won``: the new deals won in the trailing year (opportunity_id, amount, currency).
    """

    win_rate: float | None
    lags: np.ndarray
    pending: pd.DataFrame
    recent_won: pd.DataFrame


def existing_state(facts: Facts, base: int) -> Existing:
    """The customers paying at month ``base`` and their state (see the module docstring)."""
    cm = facts.model.customer_months()
    at_base = cm.filter(cm.month_idx == base)
    units = at_base.select("account_id", e=at_base.month_idx.cast("int64"), mrr_exact="mrr")
    state = unit_state(facts, units)
    frame: pd.DataFrame = facts.backend.execute(state.order_by("account_id"))
    total = sum((Decimal(str(v)) for v in frame["mrr_exact"]), Decimal("0.00"))
    frame["mrr"] = frame["mrr_exact"].astype(float)
    columns = ["account_id", "mrr", "segment", "plan", "tenure", "usage"]
    return Existing(frame[columns].reset_index(drop=True), total)


def arrivals(facts: Facts, base: int, window: int) -> dict[str, Arrivals]:
    """New and reactivated customers of months ``base - window + 1 .. base``, by kind."""
    moves = facts.moves
    seen = moves.filter(
        moves.movement.isin(ARRIVAL_KINDS)
        & (moves.month_idx > base - window)
        & (moves.month_idx <= base)
    )
    units = seen.select("account_id", "movement", e=seen.month_idx.cast("int64"), mrr="end_mrr")
    # Ordered: the simulation draws from this sample by position, and the engine's row order is
    # not stable between runs (same seed, same forecast).
    state = unit_state(facts, units)
    frame: pd.DataFrame = facts.backend.execute(state.order_by(["e", "movement", "account_id"]))
    frame["mrr"] = frame["mrr"].astype(float)
    out: dict[str, Arrivals] = {}
    for kind in ARRIVAL_KINDS:
        rows = frame[frame["movement"] == kind]
        months = rows["e"].to_numpy(dtype=np.int64) - (base - window + 1)
        counts = np.bincount(months, minlength=window)[:window].astype(float)
        sample = rows[["segment", "plan", "usage", "mrr"]].reset_index(drop=True)
        out[kind] = Arrivals(kind, counts, sample)
    return out


def trailing_win_rate(facts: Facts, first: int) -> float | None:
    """The registry's ``win_rate`` of new business from month ``first`` to the model's last
    month (the one before the as-of date's): its inputs ``deals_won`` and ``deals_closed``,
    filtered to ``deal_type`` new, summed over the months. ``None`` without a closed deal."""
    ratio = get_metric(WIN_RATE).kind
    assert isinstance(ratio, Ratio)
    inputs = [str(ratio.numerator), str(ratio.denominator)]
    frames = compute_on_model(inputs, facts.model, filters={"deal_type": "new"})
    start = month_start(first).strftime("%Y-%m")
    won, closed = (
        int(f.loc[f["period"] >= start, "value"].fillna(0).sum()) for f in frames.values()
    )
    return won / closed if closed else None


def deal_stats(facts: Facts, as_of: date) -> DealStats:
    """Win rate, go-live lags and won-not-yet-paying deals (see :class:`DealStats`)."""
    backend = facts.backend
    opps = backend.table("opportunities")
    closed = opps.filter(opps.is_closed & (opps.opportunity_type == "new"))
    year_ago = month_index(as_of) - 12
    recent = closed.filter(month_index_of(closed.closed_at) >= year_ago)
    win_rate = trailing_win_rate(facts, year_ago)
    recent_won: pd.DataFrame = backend.execute(
        recent.filter(recent.is_won)
        .select("opportunity_id", "amount", "currency")
        .order_by("opportunity_id")
    )

    first = facts.first
    won = closed.filter(closed.is_won & closed.account_id.notnull())
    joined = won.left_join(first, won.account_id == first.f_account)
    rows: pd.DataFrame = backend.execute(
        joined.select(
            "opportunity_id",
            "amount",
            "currency",
            close_idx=month_index_of(joined.closed_at),
            first_idx=joined.first_idx,
        ).order_by("opportunity_id")
    )
    live = rows[rows["first_idx"].notna()]
    lags = (live["first_idx"].astype(np.int64) - live["close_idx"]).clip(lower=0).to_numpy()
    # A won deal whose account's first paying month was before the close is a new deal on an
    # existing customer, not a go-live: its lag says nothing about onboarding.
    lags = lags[(live["first_idx"] >= live["close_idx"]).to_numpy()]
    pending = rows[rows["first_idx"].isna()].drop(columns="first_idx").reset_index(drop=True)
    return DealStats(win_rate, lags.astype(np.int64), pending, recent_won)
