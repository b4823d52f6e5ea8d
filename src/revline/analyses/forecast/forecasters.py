"""revline's bookings forecast behind the shared forecaster contract.

:class:`BookingsForecaster` is what the backtest scores as ``revline``: ``fit`` learns the
conversion and creation rates known on the as-of date, ``predict`` runs the Monte Carlo with the
injected generator and returns the ``total``, ``new`` and ``expansion`` series for the current
quarter (h=1) and the next (h=2).
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from revline.analyses.forecast.bookings import (
    HORIZON,
    BookingsModel,
    BookingsSettings,
    fit_bookings,
)
from revline.analyses.forecast.contract import BaseForecaster, ForecastError
from revline.analyses.forecast.simulate import simulate
from revline.warehouse import Warehouse


class BookingsForecaster(BaseForecaster):
    """New and expansion bookings per quarter (see :mod:`revline.analyses.forecast.bookings`)."""

    name = "revline"
    freq = "QS"
    max_horizon = HORIZON

    def __init__(
        self, rng: np.random.Generator | None = None, settings: BookingsSettings | None = None
    ) -> None:
        super().__init__(rng)
        self.settings = settings or BookingsSettings()
        self.model_: BookingsModel | None = None

    def _fit(self, wh: Warehouse, as_of: date) -> None:
        self.model_ = fit_bookings(wh, as_of, self.settings)

    def _predict(self, h: int, level: tuple[int, ...]) -> pd.DataFrame:
        assert self.model_ is not None  # guarded by BaseForecaster.predict
        frame = simulate(self.model_, self.rng, level).totals
        keep = frame["ds"].isin(self.model_.quarters[:h])
        return frame[keep]

    def deal_probabilities(self) -> pd.DataFrame:
        """Every open deal on the as-of date with ``p_current``, ``p_next`` and ``p_win``."""
        if self.model_ is None:
            raise ForecastError(
                "The revline forecaster is not fitted.", hint="Call fit(wh, as_of) first."
            )
        cols = ["opportunity_id", "value", "p_current", "p_next", "p_win"]
        return self.model_.open_deals[cols].copy()
