"""The forecasters, by name: every method a backtest scores and the contract test checks.

Two :class:`~revline.registry.Registry` of factories, one per target:

- :data:`BOOKINGS`: quarterly bookings forecasters, ``factory(rng, settings)`` with a
  :class:`~revline.analyses.forecast.bookings.BookingsSettings`; scored by
  :func:`revline.analyses.forecast.backtest.backtest`;
- :data:`REVENUE`: monthly MRR forecasters, ``factory(rng, n_sims)``; scored by
  :func:`revline.analyses.forecast.revenue_backtest.backtest_revenue`.

Adding a forecaster is one ``BOOKINGS.register(name, factory)`` (or ``REVENUE``) call; the
backtests, ``revline forecast backtest --method`` and tests/test_forecast_contract.py all read
the registry, so a new entry is scored and checked without editing a second list. The built-ins
below are registered the same way, on first use (importing them here would be an import cycle).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from revline.analyses.forecast.contract import BaseForecaster, ForecastError
from revline.registry import Registry

if TYPE_CHECKING:
    from revline.analyses.forecast.bookings import BookingsSettings

BookingsFactory = Callable[[np.random.Generator, "BookingsSettings"], BaseForecaster]
RevenueFactory = Callable[[np.random.Generator, int], BaseForecaster]


def _bookings_builtins() -> None:
    from revline.analyses.forecast.baselines import AutoETSBaseline, RunRate, WeightedPipeline
    from revline.analyses.forecast.forecasters import BookingsForecaster

    BOOKINGS.register("revline", BookingsForecaster)
    BOOKINGS.register("weighted_pipeline", WeightedPipeline)
    BOOKINGS.register("run_rate", RunRate)
    BOOKINGS.register("auto_ets", AutoETSBaseline)


def _revenue_builtins() -> None:
    from revline.analyses.forecast.revenue import RevenueForecaster
    from revline.analyses.forecast.revenue_peers import (
        AutoETSMrr,
        BaremetricsForecast,
        CommittedMrr,
    )

    def history(rng: np.random.Generator, sims: int) -> BaseForecaster:
        return RevenueForecaster(rng, sims, new_business="history")

    def pipeline(rng: np.random.Generator, sims: int) -> BaseForecaster:
        return RevenueForecaster(rng, sims, new_business="pipeline")

    def linear(rng: np.random.Generator, sims: int) -> BaseForecaster:
        return BaremetricsForecast(rng, growth="linear")

    def exponential(rng: np.random.Generator, sims: int) -> BaseForecaster:
        return BaremetricsForecast(rng, growth="exponential")

    def committed(rng: np.random.Generator, sims: int) -> BaseForecaster:
        return CommittedMrr(rng)

    def auto_ets(rng: np.random.Generator, sims: int) -> BaseForecaster:
        return AutoETSMrr(rng)

    REVENUE.register("history", history)
    REVENUE.register("pipeline", pipeline)
    REVENUE.register("baremetrics_linear", linear)
    REVENUE.register("baremetrics_exponential", exponential)
    REVENUE.register("chartmogul_committed", committed)
    REVENUE.register("auto_ets", auto_ets)


#: Bookings forecasters: revline first, then the baselines it is compared with.
BOOKINGS: Registry[BookingsFactory] = Registry(
    "method", hint="Leave --method out.", error=ForecastError, load=_bookings_builtins
)
#: Revenue (MRR) forecasters: revline's two sources of new business, then the peers users would
#: otherwise use (:mod:`revline.analyses.forecast.revenue_peers`).
REVENUE: Registry[RevenueFactory] = Registry(
    "method", hint="Leave methods out.", error=ForecastError, load=_revenue_builtins
)
