"""The empirical conversion model: P(an open deal closes won within a window), from history.

Method: look back at earlier snapshots of the pipeline (every ``step_days`` over
``lookback_days``, each rebuilt with :func:`revline.model.pipeline.pipeline_as_of`) and, for every
deal open at a snapshot, whether it closed won within ``d`` days after it, as known on the
as-of date. A snapshot is used for a window of ``d`` days only when ``snapshot + d`` is on or
before the as-of date, so every outcome it contributes was fully observed (no censoring, no
look-ahead). Deals are grouped in cells by the features in :data:`LEVELS`, from coarse to fine;
each level's rate is shrunk towards its parent's with ``k`` pseudo-deals (the empirical-Bayes
estimator of a binomial rate under a beta prior centred on the parent, cf. Efron & Morris 1975),
so a thin cell borrows strength from the cells around it and an unseen cell gets its parent's
rate. This is the life-table (actuarial) estimate of the cumulative incidence of "won" per cell
with fully observed windows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
import pandas as pd

from revline.analyses.forecast.contract import ForecastError
from revline.model.pipeline import instant, pipelines
from revline.warehouse import Warehouse

#: Cell features, coarse to fine: each level adds one feature to the one before.
LEVELS: tuple[str, ...] = (
    "opportunity_type",
    "stage",
    "due",
    "segment",
    "band",
    "slipped",
    "age",
    "lead_source",
)
#: Days in the current stage that separate the age buckets.
AGE_EDGES = (14.0, 45.0)


class Bands:
    """Amount bands: quantiles of deal value within each type and segment.

    Within a segment, bigger deals win less often and take longer; bands cut per type and
    segment keep that effect visible (one global cut puts most enterprise deals in one band).
    """

    def __init__(self, train: pd.DataFrame, n: int = 4) -> None:
        qs = np.linspace(0, 1, n + 1)[1:-1]
        self.edges: dict[tuple[str, str], np.ndarray] = {}
        for key, grp in train.groupby(["opportunity_type", "segment"], dropna=False):
            v = grp["value"].to_numpy(dtype=float)
            v = v[np.isfinite(v)]
            if len(v) >= n:
                self.edges[(str(key[0]), str(key[1]))] = np.quantile(v, qs)
        v = train["value"].to_numpy(dtype=float)
        v = v[np.isfinite(v)]
        self.default = np.quantile(v, qs) if len(v) >= n else np.asarray([np.inf])

    def assign(self, frame: pd.DataFrame) -> np.ndarray:
        """Each deal's band label (``unknown`` when its value is unknown)."""
        value = frame["value"].to_numpy(dtype=float)
        out = np.full(len(frame), "unknown", dtype=object)
        keys = zip(frame["opportunity_type"].astype(str), frame["segment"].astype(str), strict=True)
        for i, key in enumerate(keys):
            if np.isfinite(value[i]):
                out[i] = str(int(np.digitize(value[i], self.edges.get(key, self.default))))
        return out


def add_features(
    frame: pd.DataFrame, at: date, bands: Bands, windows: tuple[int, int]
) -> pd.DataFrame:
    """``frame`` (a pipeline snapshot taken at ``at``) with the cell features as strings.

    ``due`` places the rep's expected close date against the forecast windows (``windows`` =
    days to the end of the current and of the next quarter): overdue, within the first, within
    the second, later, or unknown.
    """
    out = frame.copy()
    close = pd.to_datetime(out["close_date"]).dt.tz_localize(None)
    ahead = (close - pd.Timestamp(at)).dt.days.to_numpy(dtype=float)
    due = np.digitize(np.nan_to_num(ahead, nan=-1e9), [0, windows[0] + 1, windows[1] + 1])
    due_names = np.asarray(["overdue", "this_window", "next_window", "later"])
    out["due"] = np.where(np.isnan(ahead), "unknown", due_names[due])
    days = (pd.Timestamp(instant(at)) - out["stage_since"]).dt.total_seconds() / 86_400
    age = np.digitize(days.fillna(0).to_numpy(), AGE_EDGES)
    out["age"] = np.asarray(["fresh", "settled", "stale"])[age]
    for col in ("opportunity_type", "segment"):
        out[col] = out[col].fillna("unknown").astype(str)
    out["band"] = bands.assign(out)
    out["slipped"] = np.where(out["slips"] > 0, "slipped", "on_time")
    for col in ("opportunity_type", "stage", "segment", "lead_source"):
        out[col] = out[col].fillna("unknown").astype(str)
    return out


@dataclass
class CellRates:
    """Shrunk rates per cell at every level, for one event (one window)."""

    prior: float
    tables: list[dict[tuple[str, ...], float]] = field(default_factory=list)

    def lookup(self, rows: pd.DataFrame) -> np.ndarray:
        """The finest available rate for each row (a cell never seen takes its parent's)."""
        out = np.full(len(rows), self.prior)
        keys = [tuple(r) for r in rows[list(LEVELS)].itertuples(index=False)]
        for i, key in enumerate(keys):
            for depth, table in enumerate(self.tables):
                hit = table.get(key[: depth + 1])
                if hit is None:
                    break
                out[i] = hit
        return out


def fit_rates(train: pd.DataFrame, event: str, k: float, weight: str | None = None) -> CellRates:
    """Hierarchically shrunk rates of the boolean column ``event`` over :data:`LEVELS`.

    With ``weight`` (a column such as ``value``), each deal counts in proportion to it: the
    rate is then the share of pipeline value converted (a dollar conversion rate), which keeps
    expected bookings unbiased when bigger deals in a cell win less often. The ``k``
    pseudo-deals of the prior weigh as much as ``k`` deals of the cell's own average weight, so
    a cell of a few large deals (enterprise) is shrunk as much as a cell of as many small ones:
    a single large win cannot carry a cell's rate.
    """
    w = train[weight].astype(float).fillna(0.0) if weight else pd.Series(1.0, train.index)
    wy = w * train[event].astype(float)
    total = float(w.sum())
    prior = float(wy.sum()) / total if total > 0 else 0.0
    rates = CellRates(prior)
    parent: dict[tuple[str, ...], float] = {(): prior}
    frame = train.assign(_w=w, _wy=wy, _n=1.0)
    for depth in range(len(LEVELS)):
        cols = list(LEVELS[: depth + 1])
        agg = frame.groupby(cols, sort=False)[["_wy", "_w", "_n"]].sum()
        table: dict[tuple[str, ...], float] = {}
        for key, wy_, w_, n_ in agg.itertuples(name=None):
            cell = key if isinstance(key, tuple) else (key,)
            base = parent[cell[:-1]]
            unit = w_ / n_ if w_ > 0 else 1.0
            table[cell] = (wy_ + k * unit * base) / (w_ + k * unit)
        rates.tables.append(table)
        parent = table
    return rates


def snapshot_days(as_of: date, window: int, lookback: int, step: int) -> list[date]:
    """Snapshot dates whose ``window``-day outcome is fully known on ``as_of``, newest first."""
    last = as_of - timedelta(days=window)
    return [last - timedelta(days=i) for i in range(0, lookback + 1, step)]


def training_rows(
    wh: Warehouse,
    as_of: date,
    days: Sequence[date],
    known: pd.DataFrame,
    value_of: Callable[[pd.DataFrame], np.ndarray],
    types: Sequence[str],
) -> pd.DataFrame:
    """Deals open at each snapshot in ``days`` with ``days_to_win`` as known on ``as_of``.

    ``known`` is :func:`pipeline_as_of` on ``as_of``; ``value_of`` maps an opportunity id to its
    values of a snapshot's deals in the reporting currency
    (:mod:`revline.analyses.forecast.deal_values`).
    ``days_to_win`` is infinite for deals lost or still open on ``as_of``.
    """
    won_at = known.loc[known["is_won"].astype(bool), ["opportunity_id", "closed_at"]]
    won = dict(zip(won_at["opportunity_id"], won_at["closed_at"], strict=True))
    # No snapshot at all (history shorter than the outcome window) is the same problem as empty
    # snapshots; an empty list of days must not reach the engine (an untyped empty column).
    snap = pipelines(wh, days) if days else pd.DataFrame(columns=["is_closed", "opportunity_type"])
    snap = snap[~snap["is_closed"].astype(bool) & snap["opportunity_type"].isin(types)].copy()
    if snap.empty:
        raise ForecastError(
            f"No open deals in the pipeline snapshots before {as_of} to learn conversion from "
            f"(snapshots {days[-1] if days else '-'} to {days[0] if days else '-'}).",
            hint="Forecast from a later as-of date: at least a few months of opportunity "
            "history must precede it.",
        )
    snap["value"] = value_of(snap)
    closes = pd.to_datetime(snap["opportunity_id"].map(won), utc=True)
    cut = pd.to_datetime(snap["snapshot"].map(instant), utc=True)
    delta = (closes - cut).dt.total_seconds()
    snap["days_to_win"] = (delta / 86_400).fillna(np.inf)
    return snap.reset_index(drop=True)


def holdout_spread(
    train: pd.DataFrame, event: str, k: float, window: int, recent: int = 16
) -> float:
    """Out-of-sample spread of a window's won value around the model's expectation.

    For each of the ``recent`` latest snapshots ``s``, rates are fitted on the snapshots whose
    window had closed by ``s`` (what the model would have known then) and used to predict the
    value won in ``s``'s window: ``E`` = sum of value x p, ``A`` the value actually won, and
    ``V`` = sum of value^2 p (1 - p) the variance that independent deals explain. The result,
    ``sqrt(max(0, mean(log(A / E)^2) - mean(V / E^2)))``, is the coefficient of variation of a
    factor shared by all open deals (rates drift, the mix changes): what the Monte Carlo of
    independent deals leaves out. 0 when fewer than three snapshots can be scored.
    """
    days = sorted(set(train["snapshot"]), reverse=True)[:recent]
    logs, noise = [], []
    for day in days:
        past = train[train["snapshot"] <= day - timedelta(days=window)]
        rows = train[train["snapshot"] == day]
        if past.empty or rows.empty:
            continue
        p = fit_rates(past, event, k, "value").lookup(rows)
        value = rows["value"].to_numpy(dtype=float)
        e = float((value * p).sum())
        a = float((value * rows[event].to_numpy(dtype=float)).sum())
        if e <= 0 or a <= 0:
            continue
        logs.append(np.log(a / e) ** 2)
        noise.append(float((value**2 * p * (1 - p)).sum()) / e**2)
    if len(logs) < 3:
        return 0.0
    return float(np.sqrt(max(float(np.mean(logs)) - float(np.mean(noise)), 0.0)))
