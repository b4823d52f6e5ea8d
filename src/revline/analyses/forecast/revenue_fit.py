"""Fit the revenue forecast: read the as-of inputs, fit the curves, build the simulation arrays.

Arrival rates (new customers and reactivations): a log-linear trend fitted to the monthly
counts of the trailing ``arrival_window`` months (:func:`_trend`), whose coefficients and extra
month-to-month noise the simulation draws from, so that the intervals carry the uncertainty of
the level and of the growth, not only Poisson noise.

Go-live lag: the median, over won new deals whose account started paying, of the months from
the close to the first paying month. Deals won but not yet paying when the lag's 95th percentile
has not passed go live in month ``close + median lag`` (the first forecast month if that is
already past), at ``amount / 12`` converted at the as-of date's rate.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

import numpy as np
import pandas as pd

from revline.analyses.forecast.deal_values import fx_factors, to_reporting
from revline.analyses.forecast.retention_curves import CurveSettings, RetentionCurves, fit_curves
from revline.analyses.forecast.retention_curves_panel import (
    TENURE_BANDS,
    band_of,
    build_facts,
    exposure_cells,
)
from revline.analyses.forecast.revenue_asof import AsOfBackend, base_month
from revline.analyses.forecast.revenue_inputs import (
    Arrivals,
    DealStats,
    arrivals,
    deal_stats,
    existing_state,
)
from revline.analyses.forecast.revenue_sim import SimInputs, Stream
from revline.model.mrr import build_model
from revline.model.periods import month_start
from revline.settings import MetricSettings
from revline.warehouse import Warehouse

#: The longest horizon the fitted arrays cover (months).
MAX_HORIZON = 24
_GROWTH_K = 30.0
_GROWTH_CAP = 0.08


@dataclass(frozen=True)
class FittedRevenue:
    """A fitted revenue forecast: the simulation inputs and what they came from."""

    as_of: date
    base_idx: int
    base_mrr: Decimal
    customers: int
    curves: RetentionCurves
    inputs: SimInputs
    growth: dict[str, float]
    lag: int
    new_business: str = "history"


def fit_revenue(
    wh: Warehouse,
    as_of: date,
    settings: MetricSettings | None = None,
    curve_settings: CurveSettings | None = None,
    arrival_window: int = 12,
    pipeline_rng: np.random.Generator | None = None,
    new_business: str = "history",
) -> FittedRevenue:
    """Fit everything the simulation needs from what ``wh`` knew strictly before ``as_of``.

    ``new_business``: ``history`` takes new customers from the trend of past arrivals;
    ``pipeline`` takes those of the months the bookings forecast covers from it
    (:mod:`revline.analyses.forecast.revenue_pipeline`, drawing from ``pipeline_rng``); ``auto``
    does so
    when new deals were won in the trailing year and the bookings forecast runs, else history.
    """
    cfg = curve_settings or CurveSettings()
    base = base_month(as_of)
    backend = AsOfBackend(wh.ibis, as_of).as_backend()
    metric = settings or MetricSettings()
    metric = replace(metric, as_of=month_start(base))
    with build_model(backend, metric) as model, build_facts(model, backend) as facts:
        cells = exposure_cells(facts, base, cfg.window, cfg.half_life)
        existing = existing_state(facts, base)
        seen = arrivals(facts, base, arrival_window)
        deals = deal_stats(facts, as_of)
    curves = fit_curves(cells, cfg)
    frame = existing.frame
    keys = _cell_keys(frame, seen)
    index = {key: i for i, key in enumerate(keys)}
    lag = int(np.median(deals.lags)) if len(deals.lags) else 0
    streams, growth = _streams(seen, index, arrival_window)
    source = "history"
    if pipeline_rng is not None and new_business != "history":
        from revline.analyses.forecast.revenue_pipeline import pipeline_stream

        live = float(seen["new"].counts.sum()) / max(len(deals.recent_won), 1)
        scaled = pipeline_stream(
            wh, as_of, metric.reporting_currency, deals, live, streams[0], base, lag,
            pipeline_rng, required=new_business == "pipeline", h=MAX_HORIZON,
        )  # fmt: skip
        if scaled is not None:
            streams, source = (scaled, *streams[1:]), "pipeline"
    pending = _pending(wh, as_of, metric.reporting_currency, deals, base, lag)
    new_cells = streams[0].cells if len(streams[0].cells) else np.zeros(1, np.int64)
    top_cell = int(np.bincount(new_cells).argmax())
    churn, expansion, contraction, expansion_size, contraction_size = _rate_arrays(curves, keys)
    inputs = SimInputs(
        churn=churn,
        expansion=expansion,
        contraction=contraction,
        expansion_size=expansion_size,
        contraction_size=contraction_size,
        band_of_tenure=np.array(
            [_band_index(band_of(t)) for t in range(TENURE_BANDS[-1][1] + 1)], np.int64
        ),
        cells=np.array([index[k] for k in _rows(frame)], np.int64),
        tenure=frame["tenure"].to_numpy(np.int64),
        mrr=frame["mrr"].to_numpy(float),
        streams=streams,
        pending_month=pending[0],
        pending_mrr=pending[1],
        pending_cells=np.full(len(pending[0]), top_cell, np.int64),
        lag=lag,
        win_rate=deals.win_rate,
    )
    return FittedRevenue(
        as_of, base, existing.total, len(frame), curves, inputs, growth, lag, source
    )


def _rows(frame: pd.DataFrame) -> list[tuple[str, str, str]]:
    return list(zip(frame["segment"], frame["plan"], frame["usage"], strict=True))


def _cell_keys(frame: pd.DataFrame, seen: dict[str, Arrivals]) -> list[tuple[str, str, str]]:
    keys = set(_rows(frame))
    for stream in seen.values():
        keys.update(_rows(stream.sample))
    return sorted(keys) or [("unknown", "unknown", "none")]


def _band_index(label: str) -> int:
    return [b[0] for b in TENURE_BANDS].index(label)


def _rate_arrays(curves: RetentionCurves, keys: list[tuple[str, str, str]]) -> list[np.ndarray]:
    """churn, expansion, contraction, expansion size, contraction size: ``[cell, band]``."""
    bands = [b[0] for b in TENURE_BANDS]
    out = [np.zeros((len(keys), len(bands))) for _ in range(5)]
    for i, (segment, plan, usage) in enumerate(keys):
        for j, band in enumerate(bands):
            out[0][i, j] = curves.rate("churn", segment, band, plan, usage)
            out[1][i, j] = curves.rate("expansion", segment, band, plan, usage)
            out[2][i, j] = curves.rate("contraction", segment, band, plan, usage)
            out[3][i, j] = curves.size("expansion", segment, band, plan)
            out[4][i, j] = curves.size("contraction", segment, band, plan)
    return out


def _streams(
    seen: dict[str, Arrivals], index: dict[tuple[str, str, str], int], window: int
) -> tuple[tuple[Stream, ...], dict[str, float]]:
    streams, growth = [], {}
    for kind in ("new", "reactivation"):
        got = seen[kind]
        coef, cov, noise = _trend(got.counts)
        cells = np.array([index[k] for k in _rows(got.sample)], np.int64)
        mrr = got.sample["mrr"].to_numpy(float)
        streams.append(Stream(kind, coef, cov, noise, cells, mrr))
        growth[kind] = float(np.exp(coef[1]))
    return tuple(streams), growth


def _trend(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """Log-linear trend of monthly counts, re-based so that t = 1 is the first forecast month.

    Ordinary least squares of ``log(count + 0.5)`` on the month; the slope is shrunk toward 0
    with ``n / (n + 30)`` (``n`` arrivals seen) and capped at +-8% a month, the line pivoting
    on the window's mean; the coefficient
    covariance is the OLS one; the extra noise is the residual variance beyond Poisson's
    (``1 / mean count`` on the log scale).
    """
    window = len(counts)
    x = np.arange(window) - (window - 1)  # the last history month is 0
    y = np.log(counts + 0.5)
    design = np.column_stack([np.ones(window), x])
    beta, *_ = np.linalg.lstsq(design, y, rcond=None)
    resid = y - design @ beta
    dof = max(window - 2, 1)
    sigma2 = float(resid @ resid) / dof
    cov = sigma2 * np.linalg.inv(design.T @ design)
    total = float(counts.sum())
    slope = float(np.clip(beta[1] * total / (total + _GROWTH_K), -_GROWTH_CAP, _GROWTH_CAP))
    intercept = float(y.mean()) + slope * (window - 1) / 2  # the line through the mean
    extra = max(0.0, sigma2 - 1.0 / max(total / window, 0.5))
    return np.array([intercept, slope]), cov, float(np.sqrt(extra))


def _pending(
    wh: Warehouse, as_of: date, currency: str, deals: DealStats, base: int, lag: int
) -> tuple[np.ndarray, np.ndarray]:
    """Go-live month (1-based) and MRR of won deals not yet paying (see the module docstring)."""
    if not len(deals.lags) or deals.pending.empty:
        return np.zeros(0, np.int64), np.zeros(0)
    patience = int(np.percentile(deals.lags, 95))
    waiting = deals.pending[deals.pending["close_idx"] >= base - patience]
    waiting = waiting[pd.to_numeric(waiting["amount"], errors="coerce").fillna(0) > 0]
    if waiting.empty:
        return np.zeros(0, np.int64), np.zeros(0)
    arr = to_reporting(waiting, fx_factors(wh, as_of, currency), currency)
    month = np.maximum(waiting["close_idx"].to_numpy(np.int64) + lag - base, 1)
    return month, arr / 12.0
