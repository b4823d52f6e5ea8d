"""The bookings forecast (new and expansion ARR) for the current and the next quarter.

Bookings of a quarter = deals already won in it before the as-of date (known exactly)
+ open deals won within it (each with its own probability,
:mod:`revline.analyses.forecast.conversion`)
+ deals not yet created that will be created and won within it
(:mod:`revline.analyses.forecast.uncreated`).
A Monte Carlo over deals (:mod:`revline.analyses.forecast.simulate`) turns these into P10/P50/P90
per
type, segment, owner and team. Assumptions: deals close independently given their cell; the
conversion and yield of the past year hold for the next two quarters; an open deal's amount
moves to what it books as past deals' amounts did (its cell's close ratio). The only
randomness is the injected generator.

>>> from revline.analyses.forecast.bookings import BookingsSettings
>>> BookingsSettings().types
('new', 'expansion')
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from revline.analyses.forecast import conversion as cv
from revline.analyses.forecast.contract import LEVELS, ForecastError
from revline.analyses.forecast.deal_values import Valuer, booked, fx_factors
from revline.analyses.forecast.open_deals import OPEN_DEAL_MODELS
from revline.analyses.forecast.uncreated import NewPipeline, fit_new_pipeline
from revline.model.periods import add_quarters, quarter_start
from revline.model.pipeline import pipeline_as_of
from revline.warehouse import Warehouse

#: Quarters a bookings forecast covers: the current one and the next.
HORIZON = 2


@dataclass(frozen=True)
class BookingsSettings:
    """Knobs of the bookings forecast; the defaults are the ones the benchmark measured."""

    currency: str = "USD"
    types: tuple[str, ...] = ("new", "expansion")
    draws: int = 2000
    #: How far back snapshots go (days) and how far apart they are.
    lookback_days: int = 365
    step_days: int = 14
    #: Pseudo-deals a cell's rate is shrunk towards its parent's with.
    shrinkage: float = 5.0
    #: Days of recent creation that set the pace of pipeline not yet created.
    trailing_days: int = 91
    #: How many open deals the "deals that matter most" list keeps.
    top_deals: int = 20
    #: Days after the first opportunity before a snapshot is used for training: earlier
    #: snapshots hold only young deals (the ramp-up of the data), which convert unlike a
    #: mature pipeline. Ignored when it would leave fewer than ``min_snapshots``.
    warmup_days: int = 180
    min_snapshots: int = 4
    #: How an open deal's probabilities are estimated: ``cells`` (shrunk rates per cell,
    #: :mod:`revline.analyses.forecast.conversion`), ``classifier`` (gradient boosting,
    #: :mod:`revline.analyses.forecast.classifier`) or ``blend``, their mean.
    #: bench/forecast_results.md
    #: measured them: the blend has the better deal-level log loss and the same quarterly error,
    #: but its intervals (whose shared spread is measured on the cells) came out too wide, so
    #: ``cells`` stays the default. The classifier needs a few hundred training rows; with
    #: fewer, every model falls back to the cells.
    model: str = "cells"

    def __post_init__(self) -> None:
        OPEN_DEAL_MODELS.get(self.model)  # an unknown name is refused with the closest


@dataclass
class BookingsModel:
    """A fitted bookings model: what is known on ``as_of`` and what was learnt before it."""

    as_of: date
    settings: BookingsSettings
    quarters: list[date]  # starts of the current and next quarter
    open_deals: pd.DataFrame  # with value, p_current, p_next, p_win
    booked: pd.DataFrame  # deals won in the current quarter before as_of, with value
    new_pipeline: list[NewPipeline] = field(default_factory=list)
    training_deals: int = 0
    #: Coefficient of variation of a factor shared by all open deals (``holdout_spread``).
    shared_cv: float = 0.0


def _windows(as_of: date) -> tuple[list[date], list[tuple[int, int]]]:
    q0 = quarter_start(as_of)
    starts = [q0, add_quarters(q0, 1)]
    ends = [add_quarters(q0, 1), add_quarters(q0, 2)]
    bounds = [(0, (ends[0] - as_of).days), ((ends[0] - as_of).days, (ends[1] - as_of).days)]
    return starts, bounds


def fit_bookings(
    wh: Warehouse, as_of: date, settings: BookingsSettings | None = None
) -> BookingsModel:
    """Learn the conversion and creation rates from the data known strictly before ``as_of``."""
    s = settings or BookingsSettings()
    # Row order from the engine is not guaranteed: sort, so that resampling and float sums
    # (and so the draws of a seeded generator) do not depend on it.
    known = pipeline_as_of(wh, as_of).sort_values("opportunity_id", ignore_index=True)
    if known.empty:
        raise ForecastError(
            f"No opportunities were created before {as_of}.",
            hint="Import opportunities (and their history) or pick a later --as-of.",
        )
    valuer = Valuer(known, fx_factors(wh, as_of, s.currency), s.currency)
    known["value"] = valuer(known)
    starts, bounds = _windows(as_of)
    d1, d2 = bounds[0][1], bounds[1][1]
    # Before the first recorded close, outcomes are missing rather than absent (an export that
    # starts mid-stream): snapshots from then would learn that nothing ever closes.
    first_close = known["closed_at"].min()
    days = [
        d
        for d in cv.snapshot_days(as_of, d1, s.lookback_days, s.step_days)
        if pd.isna(first_close) or pd.Timestamp(d, tz="UTC") >= first_close.floor("D")
    ]
    mature = known["created_at"].min() + pd.Timedelta(days=s.warmup_days)
    settled = [d for d in days if pd.Timestamp(d, tz="UTC") >= mature]
    if len(settled) >= s.min_snapshots:
        days = settled
    train = cv.training_rows(wh, as_of, days, known, valuer, s.types)
    train = train.sort_values(["snapshot", "opportunity_id"], ignore_index=True)
    train["segment"] = train["segment"].fillna("unknown").astype(str)
    edges = cv.Bands(train)
    parts = [
        cv.add_features(train[train["snapshot"] == day], day, edges, (d1, d2))
        for day in sorted(set(train["snapshot"]))
    ]
    train = pd.concat(parts, ignore_index=True)
    age = np.asarray([(as_of - d).days for d in train["snapshot"]])
    train["win_current"] = train["days_to_win"] <= d1
    train["win_both"] = train["days_to_win"] <= d2
    train["win_ever"] = np.isfinite(train["days_to_win"])
    k = s.shrinkage
    r1 = cv.fit_rates(train, "win_current", k, "value")
    shared = cv.holdout_spread(train, "win_current", k, d1)
    full = train[age >= d2]
    if full.empty:  # too little history for a fully observed second quarter: share the first
        full = train
    r2 = cv.fit_rates(full, "win_both", k, "value")
    rw = cv.fit_rates(full, "win_ever", k)
    is_open = ~known["is_closed"].astype(bool) & known["opportunity_type"].isin(s.types)
    deals = cv.add_features(known[is_open], as_of, edges, (d1, d2))
    # Early-stage amounts are the rep's estimates; the booked amount differs. The close ratio
    # (value booked / value at the snapshot, over deals that went on to win) corrects that.
    final = train["opportunity_id"].map(
        dict(zip(known["opportunity_id"], known["value"], strict=True))
    )
    wins = train[train["win_ever"] & (train["value"] > 0)].assign(
        ratio=lambda t: final[t.index].astype(float) / t["value"]
    )
    wins = wins[np.isfinite(wins["ratio"])]
    deals["raw_value"] = deals["value"]
    if len(wins):
        deals["value"] = deals["value"] * cv.fit_rates(wins, "ratio", k, "value").lookup(deals)
    p1, p2, pw = r1.lookup(deals), r2.lookup(deals), rw.lookup(deals)
    p1, p2, pw = OPEN_DEAL_MODELS.get(s.model)(train, full, deals, as_of, (p1, p2, pw))
    deals["p_current"] = p1
    deals["p_next"] = np.maximum(p2, p1) - p1
    deals["p_win"] = np.maximum(pw, p1)
    new = fit_new_pipeline(
        known,
        known["value"].to_numpy(dtype=float),
        as_of,
        bounds,
        s.types,
        s.lookback_days,
        s.step_days,
        s.trailing_days,
    )
    return BookingsModel(
        as_of=as_of,
        settings=s,
        quarters=starts,
        open_deals=deals.reset_index(drop=True),
        booked=booked(known, starts[0], as_of, s.types),
        new_pipeline=new,
        training_deals=len(train),
        shared_cv=shared,
    )


@dataclass
class BookingsForecast:
    """The bookings forecast on ``as_of``: frames in the contract's layout, plus the deals.

    ``totals`` has ``unique_id`` ``total``, ``new``, ``expansion``; ``by_segment``, ``by_owner``
    and ``by_team`` one series per group; ``ds`` is the first day of each quarter. ``deals``
    lists the open deals that matter most (largest expected bookings over both quarters) with
    their probabilities; ``draws`` holds the simulated totals, shape ``(quarters, draws)``.
    """

    as_of: date
    currency: str
    totals: pd.DataFrame
    by_segment: pd.DataFrame
    by_owner: pd.DataFrame
    by_team: pd.DataFrame
    deals: pd.DataFrame
    booked: pd.DataFrame
    draws: np.ndarray


def forecast_bookings(
    wh: Warehouse,
    as_of: date,
    *,
    rng: np.random.Generator,
    settings: BookingsSettings | None = None,
    level: Sequence[int] = LEVELS,
) -> BookingsForecast:
    """Forecast new and expansion bookings for the quarter of ``as_of`` and the next one.

    Reads only what was recorded strictly before ``as_of`` (midnight UTC); draws only from
    ``rng``. Amounts are in ``settings.currency`` at the rates in force on ``as_of``.
    """
    from revline.analyses.forecast.simulate import simulate

    return simulate(fit_bookings(wh, as_of, settings), rng, level)
