"""Bookings from pipeline not yet created: historical creation times conversion.

Part of a quarter's bookings come from deals that do not exist yet on the as-of date (short SMB
cycles, expansion deals opened and won within a month). For each earlier snapshot ``s`` whose
window is fully observed, count the deals created after ``s`` and won within the window, and
divide by the deals created in the ``trailing_days`` before ``s``: the yield of wins per recently
created deal. The expected count now is the mean yield times the deals created in the
``trailing_days`` before the as-of date, so the forecast follows the current creation pace
(a growing company creates more). Only snapshots whose trailing window lies inside the data
count: one that starts before the first deal would inflate the yield. Counts are drawn from a
gamma-Poisson (negative binomial) whose gamma carries the spread of the yield between
snapshots; each drawn deal's value and segment are resampled from the wins behind the yield
(a bootstrap of the recent deal-size mix, each win counted once per snapshot it follows).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

from revline.model.pipeline import instant

#: Bounds of the yield's coefficient of variation used for the gamma draw.
CV_BOUNDS = (0.05, 0.5)


@dataclass(frozen=True)
class NewPipeline:
    """Fitted yield of one deal type in one window (days ``start``..``end`` after as_of)."""

    opportunity_type: str
    window: int  # 0 = current quarter, 1 = next quarter
    expected: float  # expected number of wins from deals not yet created
    cv: float  # coefficient of variation of the rate (between snapshots)
    values: np.ndarray  # values of the wins behind the yield (reporting currency)
    segments: np.ndarray  # their segments

    def draw(self, rng: np.random.Generator, n_draws: int) -> tuple[np.ndarray, np.ndarray]:
        """Per drawn deal: the draw it belongs to and the index of the deal it resamples."""
        if self.expected <= 0 or len(self.values) == 0:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        shape = 1.0 / self.cv**2
        rate = rng.gamma(shape, self.expected / shape, n_draws)
        counts = rng.poisson(rate)
        which = np.repeat(np.arange(n_draws), counts)
        pick = rng.integers(0, len(self.values), int(counts.sum()))
        return which, pick


def _created_between(known: pd.DataFrame, start: date, end: date) -> pd.Series:
    at = known["created_at"]
    return (at >= pd.Timestamp(instant(start))) & (at < pd.Timestamp(instant(end)))


def _won_between(known: pd.DataFrame, start: date, end: date) -> pd.Series:
    at = known["closed_at"]
    inside = (at >= pd.Timestamp(instant(start))) & (at < pd.Timestamp(instant(end)))
    return known["is_won"].astype(bool) & inside.fillna(False)


def fit_new_pipeline(
    known: pd.DataFrame,
    values: np.ndarray,
    as_of: date,
    bounds: Sequence[tuple[int, int]],
    types: Sequence[str],
    lookback: int,
    step: int,
    trailing: int,
) -> list[NewPipeline]:
    """One :class:`NewPipeline` per type and window; ``bounds`` are (start, end) day offsets.

    ``known`` is the pipeline on ``as_of`` and ``values`` its deals' reporting-currency values.
    """
    out = []
    first = known["created_at"].min()
    first_close = known["closed_at"].min()
    for kind in types:
        of_type = (known["opportunity_type"] == kind).to_numpy()
        now = int((of_type & _created_between(known, as_of - timedelta(trailing), as_of)).sum())
        for w, (lo, hi) in enumerate(bounds):
            ratios: list[float] = []
            wins: list[np.ndarray] = []
            last = as_of - timedelta(days=hi)
            for i in range(0, lookback + 1, step):
                s = last - timedelta(days=i)
                if pd.Timestamp(instant(s - timedelta(trailing))) < first:
                    break  # the trailing window would start before the data: a false pace
                if pd.isna(first_close) or pd.Timestamp(instant(s)) < first_close.floor("D"):
                    break  # no close recorded yet: outcomes are missing, not absent
                base = of_type & _created_between(known, s - timedelta(trailing), s).to_numpy()
                if base.sum() == 0:
                    continue
                hit = of_type & _created_between(known, s, s + timedelta(hi)).to_numpy()
                hit &= _won_between(known, s + timedelta(lo), s + timedelta(hi)).to_numpy()
                ratios.append(hit.sum() / base.sum())
                wins.append(np.flatnonzero(hit))
            mean = float(np.mean(ratios)) if ratios else 0.0
            cv = float(np.std(ratios) / mean) if mean > 0 and len(ratios) > 1 else CV_BOUNDS[1]
            # A win counts once per snapshot it follows, as it does in the yield: short-cycle
            # deals follow more snapshots, so the resampled mix matches the window's mix.
            rows = np.concatenate(wins) if wins else np.zeros(0, np.int64)
            out.append(
                NewPipeline(
                    kind,
                    w,
                    mean * now,
                    float(np.clip(cv, *CV_BOUNDS)),
                    values[rows],
                    known["segment"].fillna("unknown").astype(str).to_numpy()[rows],
                )
            )
    return out
