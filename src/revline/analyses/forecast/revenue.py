"""The revenue forecast: monthly MRR and ARR for the next months, with P10/P50/P90 and scenarios.

    MRR(t) = MRR today - churn - contraction + expansion (retention curves by segment, plan,
             tenure and usage trend) + new customers and reactivations going live

Today's MRR is the MRR model's (:mod:`revline.model.mrr`) at the base month, the last month
whose month-end snapshot is known at the as-of date; the forecast covers the months after it,
the first being the month that contains the as-of date. The curves are
:mod:`revline.analyses.forecast.retention_curves`; arrivals and go-live lags are
:mod:`revline.analyses.forecast.revenue_fit`; the Monte Carlo is
:mod:`revline.analyses.forecast.revenue_sim`.

Two ways in:

- :class:`RevenueForecaster`, the shared forecaster contract
(:mod:`revline.analyses.forecast.contract`):
  ``RevenueForecaster(rng=np.random.default_rng(7)).forecast(wh, date(2026, 1, 1), h=12)`` gives
  a long frame with series ``mrr``, ``arr``, ``new``, ``reactivation``, ``expansion``,
  ``contraction`` and ``churn`` per month (``mean``, ``median``, ``lo-80`` ... ``hi-90``).
- :func:`forecast_revenue`, which adds scenario switches and their delta vs base.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import numpy as np
import pandas as pd

from revline.analyses.forecast.contract import (
    LEVELS,
    BaseForecaster,
    ForecastError,
    check_horizon,
    check_level,
    summarise,
)
from revline.analyses.forecast.retention_curves import CurveSettings
from revline.analyses.forecast.revenue_fit import MAX_HORIZON, FittedRevenue, fit_revenue
from revline.analyses.forecast.revenue_sim import SERIES, Draws, simulate
from revline.analyses.forecast.scenarios import Levers, Scenario, combine, parse_scenario
from revline.errors import ConfigError, unknown
from revline.model.periods import month_start
from revline.settings import MetricSettings
from revline.warehouse import Warehouse

#: The series of a revenue forecast frame, in order.
REVENUE_SERIES = ("mrr", "arr", *SERIES[1:])
#: Where new customers come from: the trend of past arrivals, or the bookings forecast.
NEW_BUSINESS = ("auto", "history", "pipeline")
DEFAULT_SIMS = 1000


def _series_draws(draws: np.ndarray) -> np.ndarray:
    """Simulation output with ARR (12 x MRR) inserted after MRR."""
    return np.concatenate([draws[:1], draws[:1] * 12.0, draws[1:]], axis=0)


class RevenueForecaster(BaseForecaster):
    """Monthly MRR/ARR forecaster (``freq="MS"``, up to 24 months) under the shared contract.

    ``rng`` is the only source of randomness; ``n_sims`` simulations; ``levers`` applies
    scenario switches (:mod:`revline.analyses.forecast.scenarios`). Fitted attributes: ``as_of_``,
    ``fitted_`` (:class:`FittedRevenue`: curves, inputs, base MRR).
    """

    name = "revenue"
    freq = "MS"
    max_horizon = MAX_HORIZON

    def __init__(
        self,
        rng: np.random.Generator | None = None,
        n_sims: int = DEFAULT_SIMS,
        levers: Levers | None = None,
        settings: MetricSettings | None = None,
        curve_settings: CurveSettings | None = None,
        new_business: str = "auto",
    ) -> None:
        super().__init__(rng)
        if new_business not in NEW_BUSINESS:
            raise ConfigError(
                unknown("new-business source", new_business, NEW_BUSINESS),
                hint="history extrapolates past arrivals; pipeline uses the bookings forecast; "
                "auto uses the pipeline when new deals were won in the last year.",
            )
        self.new_business = new_business
        self.n_sims = n_sims
        self.levers = levers or Levers()
        self.settings = settings
        self.curve_settings = curve_settings
        self.fitted_: FittedRevenue | None = None

    def _fit(self, wh: Warehouse, as_of: date) -> None:
        child = None
        if self.new_business != "history":
            child = np.random.default_rng(int(self.rng.integers(0, 2**63 - 1)))
        self.fitted_ = fit_revenue(
            wh,
            as_of,
            self.settings,
            self.curve_settings,
            pipeline_rng=child,
            new_business=self.new_business,
        )

    def draws(self, h: int, levers: Levers | None = None, seeds: Draws | None = None) -> np.ndarray:
        """Raw simulated values ``(REVENUE_SERIES, h, n_sims)``; ``seeds`` reuses draws."""
        fitted = self._fitted()
        chosen = seeds or Draws.from_rng(self.rng)
        raw = simulate(fitted.inputs, h, self.n_sims, chosen, levers or self.levers)
        return _series_draws(raw)

    def _predict(self, h: int, level: tuple[int, ...]) -> pd.DataFrame:
        fitted = self._fitted()
        return summarise(REVENUE_SERIES, _months(fitted, h), self.draws(h), level)

    def _fitted(self) -> FittedRevenue:
        if self.fitted_ is None:  # BaseForecaster.predict checks first; this is for draws()
            raise ForecastError("The revenue forecaster is not fitted.", hint="Call fit first.")
        return self.fitted_


def _months(fitted: FittedRevenue, h: int) -> list[date]:
    return [month_start(fitted.base_idx + t) for t in range(1, h + 1)]


@dataclass(frozen=True)
class RevenueForecast:
    """A revenue forecast with scenarios.

    ``base``: the long frame of :class:`RevenueForecaster` (no levers). ``scenarios``: label ->
    frame with the scenario's levers. ``deltas``: per scenario, month and series, the paired
    difference scenario - base (same draws): ``mean``, ``median`` and the 80% band.
    """

    as_of: date
    base_month: date
    base_mrr: Decimal
    customers: int
    fitted: FittedRevenue
    base: pd.DataFrame
    scenarios: dict[str, pd.DataFrame] = field(default_factory=dict)
    deltas: pd.DataFrame = field(default_factory=pd.DataFrame)


def forecast_revenue(
    wh: Warehouse,
    as_of: date,
    months: int = 12,
    scenarios: Sequence[str | Scenario] = (),
    *,
    rng: np.random.Generator | None = None,
    n_sims: int = DEFAULT_SIMS,
    level: Sequence[int] = LEVELS,
    settings: MetricSettings | None = None,
    new_business: str = "auto",
) -> RevenueForecast:
    """Forecast MRR/ARR ``months`` ahead from ``as_of``, with each scenario's delta vs base.

    Each entry of ``scenarios`` is one scenario run (a string like ``"churn-2"``); to combine
    levers in one run pass ``"churn-2,price+5"``.
    """
    levels = check_level(level)
    h = check_horizon(months, MAX_HORIZON)
    runs = [[entry] if isinstance(entry, Scenario) else _split(entry) for entry in scenarios]
    chosen = rng if rng is not None else np.random.default_rng(0)
    model = RevenueForecaster(chosen, n_sims, settings=settings, new_business=new_business)
    model.fit(wh, as_of)
    fitted = model._fitted()
    seeds = Draws.from_rng(model.rng)
    days = _months(fitted, h)
    base_draws = model.draws(h, Levers(), seeds)
    out: dict[str, pd.DataFrame] = {}
    deltas = []
    for parts in runs:
        label = ",".join(p.label for p in parts)
        run = model.draws(h, combine(parts), seeds)
        out[label] = summarise(REVENUE_SERIES, days, run, levels)
        delta = summarise(REVENUE_SERIES, days, run - base_draws, (80,))
        deltas.append(delta.assign(scenario=label))
    base = summarise(REVENUE_SERIES, days, base_draws, levels)
    frame = pd.concat(deltas, ignore_index=True) if deltas else pd.DataFrame()
    return RevenueForecast(
        as_of,
        month_start(fitted.base_idx),
        fitted.base_mrr,
        fitted.customers,
        fitted,
        base,
        out,
        frame,
    )


def _split(text: str) -> list[Scenario]:
    return [parse_scenario(part) for part in text.split(",") if part.strip()]
