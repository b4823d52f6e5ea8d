"""The oracle: the bookings forecast a model would make if it knew the generator's truth.

A benchmark reference, not a forecaster: it reads ``truth_opportunity`` (the synthetic
company's true win probability and cycle of every deal) and the final pipeline, so it sees
what no honest model can: every deal that will be created before the quarter ends, its final
amount, and the day it would close if won. What it does not know is the coin each deal's
outcome was drawn with. Its errors are therefore the noise floor of the synthetic company: the
part of a quarter's bookings that no forecast, however good, can predict.

Timing. A won deal closes ``true_cycle_days`` after creation (``closed_at``). A lost new-business
deal closes after 0.4-1.2 times the cycle it would have had if won (``revline.synth.sales``), so
its would-be win date is estimated as creation + ``true_cycle_days / 0.8``; expansion deals close
on the same day whether won or lost.

Conditioning. A deal still open on the as-of date carries information: if it would have been
won before then, it would be closed already (so it is lost); otherwise Bayes' rule with the
generator's loss timing gives ``p' = p / (p + (1 - p) P(lost later than as_of))``, with
``P(lost later) = clip((1.2 - t / c) / 0.8, 0, 1)`` for a new deal aged ``t`` with win cycle
``c`` (1 for expansion deals). These ``p'`` are also the deal-level log-loss floor.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from revline.forecast.asof import instant
from revline.forecast.contract import ForecastError
from revline.forecast.money import Valuer, fx_factors
from revline.forecast.periods import add_quarters
from revline.forecast.scoring import log_loss
from revline.warehouse import Warehouse

#: Mean of the lost/won cycle ratio U(0.4, 1.2) the generator draws for lost new deals.
LOST_RATIO = 0.8


@dataclass
class Oracle:
    """Deals of the final pipeline with their true probability and would-be win date."""

    deals: pd.DataFrame  # opportunity_id, opportunity_type, created_at, is_won, closed_at, ...
    wh: Warehouse
    currency: str
    types: tuple[str, ...]

    @classmethod
    def load(
        cls, wh: Warehouse, known_end: pd.DataFrame, currency: str, types: tuple[str, ...]
    ) -> Oracle:
        """Join the final pipeline with ``truth_opportunity`` (a ForecastError without it)."""
        if "truth_opportunity" not in wh.list_tables():
            raise ForecastError(
                "No truth_opportunity table: the oracle needs a synthetic company.",
                hint="Generate one with `revline synth` or leave the oracle out.",
            )
        t = wh.table("truth_opportunity").to_pandas()
        d = known_end[known_end["opportunity_type"].isin(types)].merge(
            t[["opportunity_id", "win_probability", "true_cycle_days"]], on="opportunity_id"
        )
        cycle = pd.to_timedelta(d["true_cycle_days"].astype(float), unit="D")
        lost_new = ~d["is_won"].astype(bool) & (d["opportunity_type"] == "new")
        win_cycle = cycle.where(~lost_new, cycle / LOST_RATIO)
        d["win_at"] = d["created_at"] + win_cycle
        d["win_cycle_days"] = win_cycle.dt.total_seconds() / 86_400
        return cls(d.reset_index(drop=True), wh, currency, types)

    def probabilities(self, as_of: date) -> pd.DataFrame:
        """Deals open on ``as_of`` (created before, closed on or after it) with ``p_true``."""
        cut = pd.Timestamp(instant(as_of))
        d = self.deals
        open_ = (d["created_at"] < cut) & ~(d["closed_at"] < cut)
        d = d[open_].copy()
        p = d["win_probability"].to_numpy(dtype=float)
        age = (cut - d["created_at"]).dt.total_seconds().to_numpy() / 86_400
        ratio = age / np.maximum(d["win_cycle_days"].to_numpy(dtype=float), 1e-9)
        lost_later = np.where(
            d["opportunity_type"] == "new", np.clip((1.2 - ratio) / 0.8, 0.0, 1.0), 1.0
        )
        cond = p / np.maximum(p + (1 - p) * lost_later, 1e-12)
        d["p_true"] = np.where(d["win_at"] < cut, 0.0, cond)
        return d

    def forecast(
        self, as_of: date, targets: list[date], rng: np.random.Generator, draws: int = 2000
    ) -> pd.DataFrame:
        """P10/P50/P90 of each target quarter's bookings: ``quarter, lo_80, forecast, hi_80``."""
        cut = pd.Timestamp(instant(as_of))
        value = Valuer(self.deals, fx_factors(self.wh, as_of, self.currency), self.currency)
        d = self.deals
        open_now = self.probabilities(as_of)
        later = d[d["created_at"] >= cut].copy()
        later["p_true"] = later["win_probability"].astype(float)
        live = pd.concat([open_now, later], ignore_index=True)
        live_value = value(live)
        done = d[d["is_won"].astype(bool) & (d["closed_at"] < cut)]
        done_value = value(done)
        rows = []
        for q in targets:
            lo, hi = pd.Timestamp(instant(q)), pd.Timestamp(instant(add_quarters(q, 1)))
            inside = ((live["win_at"] >= lo) & (live["win_at"] < hi)).to_numpy()
            p = live["p_true"].to_numpy(dtype=float)[inside]
            v = live_value[inside]
            fixed = float(done_value[((done["closed_at"] >= lo) & (done["closed_at"] < hi))].sum())
            wins = rng.random((len(p), draws)) < p[:, None]
            total = fixed + v @ wins
            p10, p50, p90 = np.percentile(total, [10, 50, 90])
            rows.append({"quarter": q, "lo_80": p10, "forecast": p50, "hi_80": p90})
        return pd.DataFrame(rows)


def oracle_backtest(
    wh: Warehouse,
    known_end: pd.DataFrame,
    revline: pd.DataFrame,
    deals: pd.DataFrame,
    rng: np.random.Generator,
    currency: str = "USD",
    types: tuple[str, ...] = ("new", "expansion"),
) -> tuple[pd.DataFrame, float]:
    """The oracle on the quarters of a backtest's ``revline`` rows, and its deal log loss.

    ``revline`` is ``Backtest.forecasts`` for one method (``as_of, horizon, quarter, actual``);
    ``deals`` is ``Backtest.deals`` (the open deals revline scored, with outcomes): the oracle's
    log loss is over the same deals, with its conditioned probabilities ``p'``.
    """
    oracle = Oracle.load(wh, known_end, currency, types)
    out = []
    for day, grp in revline.groupby("as_of", sort=True):
        as_of = pd.Timestamp(str(day)).date()
        targets = list(grp.sort_values("horizon")["quarter"])
        fc = oracle.forecast(as_of, targets, rng)
        fc = fc.merge(grp[["quarter", "horizon", "actual"]], on="quarter")
        out.append(fc.assign(as_of=as_of, method="oracle"))
    frame = pd.concat(out, ignore_index=True)
    frame["error"] = (frame["forecast"] - frame["actual"]) / frame["actual"]
    frame["covered"] = (frame["lo_80"] <= frame["actual"]) & (frame["actual"] <= frame["hi_80"])
    scored = []
    for day, grp in deals.groupby("as_of", sort=True):
        p = oracle.probabilities(pd.Timestamp(str(day)).date())[["opportunity_id", "p_true"]]
        scored.append(grp.merge(p, on="opportunity_id"))
    both = pd.concat(scored, ignore_index=True) if scored else pd.DataFrame()
    loss = (
        log_loss(both["p_true"].to_numpy(), both["won"].to_numpy(dtype=float))
        if len(both)
        else float("nan")
    )
    return frame, loss
