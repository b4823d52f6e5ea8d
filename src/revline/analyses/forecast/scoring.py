"""Scores of a backtest: errors per method and horizon, and deal-level log loss.

APE = |forecast − actual| / actual; bias = mean of (forecast − actual) / actual (positive =
over-forecast); coverage = share of quarters with the actual inside the 80% interval. Log loss
= −mean(y log p + (1 − y) log(1 − p)) over deals open on an as-of date whose outcome was known
by the end of the data, with p clipped to [1e-6, 1 − 1e-6] (scikit-learn's
``log_loss``). ``revline`` scores revline's
probability of eventually winning (``p_win``); ``truth`` the generator's true win probability
of the same deals (``truth_opportunity.win_probability``), the best any model could do;
``base_rate`` a constant equal to the share of those deals won, the score of knowing nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from sklearn import metrics

from revline.warehouse import Warehouse

EPS = 1e-6


def summarise_errors(forecasts: pd.DataFrame) -> pd.DataFrame:
    """``method, horizon, quarters, mape, bias, coverage_80`` (rates as fractions)."""
    cols = ["method", "horizon", "quarters", "mape", "bias", "coverage_80"]
    if forecasts.empty:
        return pd.DataFrame(columns=cols)
    f = forecasts.dropna(subset=["error"])
    g = f.groupby(["method", "horizon"], sort=False)
    out = g.agg(
        quarters=("error", "size"),
        mape=("error", lambda e: float(np.mean(np.abs(e)))),
        bias=("error", "mean"),
        coverage_80=("covered", "mean"),
    ).reset_index()
    return out[cols]


def log_loss(p: np.ndarray, y: np.ndarray) -> float:
    """scikit-learn's mean binary log loss of probabilities ``p`` (clipped to ``EPS``) for ``y``."""
    q = np.clip(p.astype(float), EPS, 1 - EPS)
    return float(metrics.log_loss(y, q, labels=[0, 1]))


def deal_scores(
    wh: Warehouse, frames: Sequence[pd.DataFrame], known_end: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Deals scored (with outcome and true probability) and the log-loss table."""
    cols = ["as_of", "opportunity_id", "p_win", "won", "truth"]
    table_cols = ["model", "deals", "log_loss"]
    if not frames:
        return pd.DataFrame(columns=cols), pd.DataFrame(columns=table_cols)
    deals = pd.concat(frames, ignore_index=True)
    closed = known_end[known_end["is_closed"].astype(bool)]
    outcome = dict(zip(closed["opportunity_id"], closed["is_won"].astype(bool), strict=True))
    deals["won"] = deals["opportunity_id"].map(outcome)
    deals = deals.dropna(subset=["won"]).copy()
    deals["won"] = deals["won"].astype(bool)
    deals["truth"] = np.nan
    if "truth_opportunity" in wh.list_tables() and not deals.empty:
        t = wh.table("truth_opportunity").select("opportunity_id", "win_probability").to_pandas()
        deals["truth"] = deals["opportunity_id"].map(
            dict(zip(t["opportunity_id"], t["win_probability"], strict=True))
        )
    y = deals["won"].to_numpy(dtype=float)
    rows = []
    if len(deals):
        rows.append(("revline", len(deals), log_loss(deals["p_win"].to_numpy(), y)))
        has = deals["truth"].notna().to_numpy()
        if has.any():
            rows.append(("truth", int(has.sum()), log_loss(deals["truth"].to_numpy()[has], y[has])))
        rows.append(("base_rate", len(deals), log_loss(np.full(len(y), y.mean()), y)))
    return deals[cols].reset_index(drop=True), pd.DataFrame(rows, columns=table_cols)
