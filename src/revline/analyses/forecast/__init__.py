"""Forecasting with a measured accuracy (docs/forecast.md, docs/forecast-revenue.md).

- :mod:`revline.analyses.forecast.contract`: the contract every forecaster keeps
(fit/predict/forecast,
  long frames, ``level=[80, 90]`` intervals, randomness only from an injected generator);
- :mod:`revline.model.pipeline`: the pipeline as known on any past date, from stage history;
- :mod:`revline.analyses.forecast.bookings`: new and expansion bookings for this quarter and the
next
  (:func:`~revline.analyses.forecast.bookings.forecast_bookings`; behind the contract:
  :class:`~revline.analyses.forecast.forecasters.BookingsForecaster`);
- :mod:`revline.analyses.forecast.baselines` and :mod:`revline.analyses.forecast.backtest`: the
methods it is
  compared with, and every past quarter replayed with only what was known then;
- ``revenue*``, ``retention_curves*``, ``scenarios``: the 12-month MRR/ARR forecast.

Submodules are imported where used, so that importing this package stays cheap.
"""
