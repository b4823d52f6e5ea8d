"""The oracle: the bookings forecast of a model that knows the generator, the floor of the others.

A benchmark reference, not a forecaster: it reads ``truth_opportunity`` (the synthetic
company's true win probability of every deal and the median of the cycle its close was drawn
from) and everything an honest model can see on the as-of date in ``opportunity_history``:
the deal's age, the stages it has entered and when, and its expected close date (first the
rep's date, after a slip the new one). It does not know the coin a deal's outcome was drawn
with, nor the deal's own cycle noise. Its probabilities are the Bayes posterior of a win under
the generator's own process (:mod:`revline.synth.sales`), so no model that sees the same
data can have a lower expected deal-level log loss: they are the log-loss floor. (Its quarterly
P50 is not guaranteed the lowest error: a median of simulated sums is not a proper score.)

The process of a new deal, with ``p`` its true win probability and ``m`` its median cycle:
a won deal's cycle is ``c = m e^e`` (``e ~ N(0, 0.35)``) and it passes all 5 stages; a lost
deal's cycle is that times ``r ~ U(0.4, 1.2)`` and it passes ``k`` stages (1-5 with
probabilities 0.3, 0.25, 0.2, 0.15, 0.1). Stage ``s`` of ``k`` is entered at ``s c / k``; the
rep's date is ``u c`` with ``u ~ U(0.55, 1)`` (known to the day from creation); when it passes
before the close, the close date moves to the true close (so ``c`` is then known). On the
as-of date, at age ``a``:

- a second stage entered at ``d`` reveals ``c = k d`` for the unknown ``k``;
- no second stage yet means ``c / k >= a``;
- the rep's day has likelihood ``|day ∩ [0.55 c, c]| / (0.45 c)``.

The posterior weighs ``p`` times the won likelihood against ``1 - p`` times the lost one, the
cycle's density being lognormal if won and lognormal convolved with ``log r`` if lost (closed
form), integrated over the unknown cycle on a grid when no observation pins it. Expansion deals
close on a scheduled day whatever the outcome (known from their close date) and pass 2 stages
if won, 1 or 2 (0.3, 0.7) if lost, so only their stage reveals anything.

Known limit: a lost expansion deal is proposed at 30% more seats while a won one carries the
seat change the customer made, so its amount says something about the outcome to a model that
also reads the customer's seats; the oracle does not use that.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
from scipy.stats import norm

from revline.analyses.forecast.contract import ForecastError
from revline.analyses.forecast.deal_values import Valuer, fx_factors
from revline.analyses.forecast.scoring import log_loss
from revline.model.periods import add_quarters
from revline.model.pipeline import instant
from revline.synth.config import STAGES
from revline.synth.sales import (
    CYCLE_SD,
    LOST_CYCLE_RATIO,
    LOST_STAGE_P,
    PLANNED_RATIO,
    PROPOSAL,
)
from revline.warehouse import Warehouse

DAY = pd.Timedelta(days=1)
#: Points of the grid the unknown cycle is integrated over.
GRID = 256
_Y0, _Y1 = np.log(LOST_CYCLE_RATIO[0]), np.log(LOST_CYCLE_RATIO[1])
_NEW_K = np.arange(1, len(STAGES) + 1)
_NEW_PI = np.asarray(LOST_STAGE_P)
_EXP_ROOM = len(STAGES) - PROPOSAL
_EXP_PI = np.asarray([*LOST_STAGE_P[: _EXP_ROOM - 1], sum(LOST_STAGE_P[_EXP_ROOM - 1 :])])


def won_density(x: np.ndarray, mu: np.ndarray) -> np.ndarray:
    """Density of the log cycle ``x`` of a won new deal (normal around ``log m``)."""
    out: np.ndarray = norm.pdf(x, mu, CYCLE_SD)
    return out


def lost_density(x: np.ndarray, mu: np.ndarray) -> np.ndarray:
    """Density of the log cycle of a lost new deal: normal plus ``log r``, ``r`` uniform.

    ``∫ φ((t - y)/σ)/σ · e^y / w dy`` over ``y`` in ``[log lo, log hi]`` with ``t = x - μ`` and
    ``w = hi - lo`` is ``e^(t + σ²/2) / w · [Φ((t - y0)/σ + σ) - Φ((t - y1)/σ + σ)]``.
    """
    s = CYCLE_SD
    t = x - mu
    width = LOST_CYCLE_RATIO[1] - LOST_CYCLE_RATIO[0]
    out: np.ndarray = (
        np.exp(t + s * s / 2) / width * (norm.cdf((t - _Y0) / s + s) - norm.cdf((t - _Y1) / s + s))
    )
    return out


def planned_likelihood(day_lo: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Probability that the rep's date ``u c`` falls on the day ``[day_lo, day_lo + 1)``."""
    lo, hi = PLANNED_RATIO[0] * c, PLANNED_RATIO[1] * c
    overlap = np.clip(np.minimum(hi, day_lo + 1) - np.maximum(lo, day_lo), 0.0, None)
    out: np.ndarray = overlap / np.maximum((hi - lo), 1e-12)
    return out


def posterior_new(
    p: np.ndarray,
    mu: np.ndarray,
    age: np.ndarray,
    step: np.ndarray,
    planned_lo: np.ndarray,
    cycle: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """P(win) of open new deals, and where a win would close: ``(p, grid, weights)``.

    Per deal (days since creation): ``age``; ``step``, when the second stage was entered
    (NaN if not yet); ``planned_lo``, the start of the rep's first close day; ``cycle``, the
    true cycle when a slip has revealed it (NaN otherwise). ``grid`` (deals x GRID) holds the
    cycles a win could have and ``weights`` their posterior given a win (rows sum to 1).
    """
    n = len(p)
    known = np.isfinite(step) | np.isfinite(cycle)
    # Grid over the cycle: a pinned cycle is one point; otherwise [rep's day, day / 0.55].
    lo = np.maximum(planned_lo, 1e-3)
    hi = (planned_lo + 1) / PLANNED_RATIO[0]
    frac = np.linspace(0.0, 1.0, GRID)
    xs = np.log(lo)[:, None] + (np.log(hi) - np.log(lo))[:, None] * frac[None, :]
    dx = ((np.log(hi) - np.log(lo)) / (GRID - 1))[:, None] * np.ones(GRID)
    dx[:, [0, -1]] /= 2  # trapezoid
    l1 = np.zeros(n)
    l0 = np.zeros(n)
    win_grid = np.exp(xs)
    win_w = np.zeros((n, GRID))
    mu2 = mu[:, None]
    # Unknown cycle (no second stage, no slip): integrate.
    u = ~known
    if u.any():
        c = win_grid[u]
        x = xs[u]
        like_p = planned_likelihood(planned_lo[u, None], c)
        a = age[u, None]
        w1 = won_density(x, mu2[u]) * like_p * (c >= len(STAGES) * a) * dx[u]
        ok_k = (c[:, :, None] >= _NEW_K[None, None, :] * a[:, :, None]) @ _NEW_PI
        w0 = lost_density(x, mu2[u]) * like_p * ok_k * dx[u]
        l1[u], l0[u] = w1.sum(axis=1), w0.sum(axis=1)
        win_w[u] = w1
    # Pinned by a slip but no second stage yet.
    s = np.isfinite(cycle) & ~np.isfinite(step)
    if s.any():
        c = cycle[s]
        x = np.log(c)
        like_p = planned_likelihood(planned_lo[s], c)
        l1[s] = won_density(x, mu[s]) * like_p * (c >= len(STAGES) * age[s])
        ok_k = (c[:, None] >= _NEW_K[None, :] * age[s, None]) @ _NEW_PI
        l0[s] = lost_density(x, mu[s]) * like_p * ok_k
    # A second stage entered: the cycle is k * step for the unknown k (checked against a slip).
    t = np.isfinite(step)
    if t.any():
        c_k = _NEW_K[None, :] * step[t, None]  # deals x k
        ok = c_k >= age[t, None]
        seen = cycle[t, None]
        ok &= ~np.isfinite(seen) | (np.abs(c_k - seen) <= 0.5 * step[t, None])
        ok[:, 0] = False  # one stage only: no second stage would have been entered
        dens_k = planned_likelihood(planned_lo[t, None], c_k) * ok
        x = np.log(c_k)
        l1[t] = won_density(x[:, -1], mu[t]) * dens_k[:, -1]
        l0[t] = (lost_density(x, mu[t, None]) * dens_k) @ _NEW_PI
    # Where a win would close, for pinned cycles: one point.
    pin = known
    if pin.any():
        c_win = np.where(np.isfinite(step), len(STAGES) * step, cycle)
        win_grid[pin, 0] = c_win[pin]
        win_w[pin] = 0.0
        win_w[pin, 0] = 1.0
    num = p * l1
    den = num + (1 - p) * l0
    post = np.where(den > 0, num / np.where(den > 0, den, 1.0), 0.0)
    total = win_w.sum(axis=1, keepdims=True)
    win_w = np.where(total > 0, win_w / np.where(total > 0, total, 1.0), 0.0)
    return post, win_grid, win_w


def posterior_expansion(
    p: np.ndarray, age: np.ndarray, step: np.ndarray, cycle: np.ndarray
) -> np.ndarray:
    """P(win) of open expansion deals: only the stage tells (their close day is scheduled)."""
    second = np.isfinite(step)
    reached_half = age > cycle / _EXP_ROOM
    l1 = np.where(second | ~reached_half, 1.0, 0.0)
    l0 = np.where(second, _EXP_PI[-1], np.where(reached_half, _EXP_PI[0], 1.0))
    den = p * l1 + (1 - p) * l0
    out: np.ndarray = np.where(den > 0, p * l1 / np.where(den > 0, den, 1.0), 0.0)
    return out


@dataclass
class Oracle:
    """Deals of the final pipeline with their truth and the dates an honest model sees."""

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
        t = wh.table("truth_opportunity")
        if "median_cycle_days" not in t.columns:
            raise ForecastError(
                "truth_opportunity has no median_cycle_days: the company predates the oracle.",
                hint="Generate the synthetic company again.",
            )
        cols = ["opportunity_id", "win_probability", "true_cycle_days", "median_cycle_days"]
        truth = t.select(*cols).to_pandas()
        d = known_end[known_end["opportunity_type"].isin(types)].merge(truth, on="opportunity_id")
        h = wh.table("opportunity_history")
        hist = h.select("opportunity_id", "changed_at", "stage", "close_date").to_pandas()
        hist = hist.sort_values(["opportunity_id", "changed_at"], kind="stable")
        first = hist.groupby("opportunity_id", sort=False).first()
        d["planned"] = d["opportunity_id"].map(first["close_date"])
        open_stages = hist[hist["stage"].isin(STAGES)]
        first_stage = open_stages.groupby("opportunity_id", sort=False)["stage"].first()
        later = open_stages[
            open_stages["stage"].to_numpy()
            != open_stages["opportunity_id"].map(first_stage).to_numpy()
        ]
        d["second_at"] = d["opportunity_id"].map(
            later.groupby("opportunity_id", sort=False)["changed_at"].min()
        )
        return cls(d.reset_index(drop=True), wh, currency, types)

    def _posterior(
        self, cut: pd.Timestamp, d: pd.DataFrame
    ) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
        """``p_true`` and the would-be win cycle (grid and weights) of deals open at ``cut``."""
        created = pd.to_datetime(d["created_at"], utc=True)
        age = ((cut - created) / DAY).to_numpy(dtype=float)
        second = pd.to_datetime(d["second_at"], utc=True)
        seen = (second < cut).to_numpy()
        step = np.where(seen, ((second - created) / DAY).to_numpy(dtype=float), np.nan)
        planned = pd.to_datetime(d["planned"]).dt.tz_localize("UTC")
        planned_lo = ((planned - created) / DAY).to_numpy(dtype=float)
        slipped = (planned < cut).to_numpy()
        cycle = d["true_cycle_days"].to_numpy(dtype=float)
        p = d["win_probability"].to_numpy(dtype=float)
        new = (d["opportunity_type"] == "new").to_numpy()
        post = np.zeros(len(d))
        grid = np.zeros((len(d), GRID))
        weights = np.zeros((len(d), GRID))
        grid[:, 0] = cycle
        weights[:, 0] = 1.0
        if new.any():
            post[new], grid[new], weights[new] = posterior_new(
                p[new],
                np.log(d["median_cycle_days"].to_numpy(dtype=float)[new]),
                age[new],
                step[new],
                planned_lo[new],
                np.where(slipped, cycle, np.nan)[new],
            )
        exp_ = ~new
        post[exp_] = posterior_expansion(p[exp_], age[exp_], step[exp_], cycle[exp_])
        out = d.copy()
        out["p_true"] = post
        return out, grid, weights

    def _open(self, cut: pd.Timestamp) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
        d = self.deals
        open_ = (d["created_at"] < cut) & ~(d["closed_at"] < cut)
        return self._posterior(cut, d[open_].reset_index(drop=True))

    def probabilities(self, as_of: date) -> pd.DataFrame:
        """Deals open on ``as_of`` (created before, closed on or after it) with ``p_true``."""
        return self._open(pd.Timestamp(instant(as_of)))[0]

    def _win_shares(
        self, cut: pd.Timestamp, targets: list[date]
    ) -> tuple[pd.DataFrame, np.ndarray]:
        """Open and later deals with P(win), and P(a win closes in each target quarter)."""
        d = self.deals
        open_now, grid, weights = self._open(cut)
        created = pd.to_datetime(open_now["created_at"], utc=True)
        shares = []
        for q in targets:
            lo = (pd.Timestamp(instant(q)) - created) / DAY
            hi = (pd.Timestamp(instant(add_quarters(q, 1))) - created) / DAY
            inside = (grid >= lo.to_numpy()[:, None]) & (grid < hi.to_numpy()[:, None])
            shares.append((weights * inside).sum(axis=1))
        later = d[d["created_at"] >= cut].reset_index(drop=True).copy()
        later["p_true"] = later["win_probability"].astype(float)
        created_l = pd.to_datetime(later["created_at"], utc=True)
        new = (later["opportunity_type"] == "new").to_numpy()
        mu = np.log(later["median_cycle_days"].to_numpy(dtype=float))
        cyc = later["true_cycle_days"].to_numpy(dtype=float)
        shares_l = []
        for q in targets:
            start = ((pd.Timestamp(instant(q)) - created_l) / DAY).to_numpy(dtype=float)
            stop = ((pd.Timestamp(instant(add_quarters(q, 1))) - created_l) / DAY).to_numpy(float)
            with np.errstate(divide="ignore"):
                lognormal = norm.cdf((np.log(np.maximum(stop, 0)) - mu) / CYCLE_SD) - norm.cdf(
                    (np.log(np.maximum(start, 0)) - mu) / CYCLE_SD
                )
            scheduled = ((cyc >= start) & (cyc < stop)).astype(float)
            shares_l.append(np.where(new, lognormal, scheduled))
        live = pd.concat([open_now, later], ignore_index=True)
        both = np.concatenate([np.vstack(shares).T, np.vstack(shares_l).T], axis=0)
        return live, both

    def forecast(
        self, as_of: date, targets: list[date], rng: np.random.Generator, draws: int = 2000
    ) -> pd.DataFrame:
        """P10/P50/P90 of each target quarter's bookings: ``quarter, lo_80, forecast, hi_80``."""
        cut = pd.Timestamp(instant(as_of))
        value = Valuer(self.deals, fx_factors(self.wh, as_of, self.currency), self.currency)
        d = self.deals
        live, shares = self._win_shares(cut, targets)
        live_value = value(live)
        done = d[d["is_won"].astype(bool) & (d["closed_at"] < cut)]
        done_value = value(done)
        p_win = live["p_true"].to_numpy(dtype=float)
        rows = []
        for i, q in enumerate(targets):
            lo, hi = pd.Timestamp(instant(q)), pd.Timestamp(instant(add_quarters(q, 1)))
            p = p_win * shares[:, i]
            keep = p > 0
            fixed = float(done_value[((done["closed_at"] >= lo) & (done["closed_at"] < hi))].sum())
            wins = rng.random((int(keep.sum()), draws)) < p[keep][:, None]
            total = fixed + live_value[keep] @ wins
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
    log loss is over the same deals, with its posterior probabilities.
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
    return frame, oracle_log_loss(oracle, deals)


def oracle_log_loss(oracle: Oracle, deals: pd.DataFrame) -> float:
    """The oracle's deal-level log loss over ``deals`` (``as_of, opportunity_id, won``)."""
    scored = []
    for day, grp in deals.groupby("as_of", sort=True):
        p = oracle.probabilities(pd.Timestamp(str(day)).date())[["opportunity_id", "p_true"]]
        scored.append(grp.merge(p, on="opportunity_id"))
    both = pd.concat(scored, ignore_index=True) if scored else pd.DataFrame()
    if not len(both):
        return float("nan")
    return log_loss(both["p_true"].to_numpy(), both["won"].to_numpy(dtype=float))
