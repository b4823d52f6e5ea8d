"""The one contract every revline forecaster keeps (../shared/STYLE.md point 11).

Modelled on statsforecast's (``tests/test_models.py::assert_class``): a forecaster is built with
its settings and an injected :class:`numpy.random.Generator` (its only source of randomness),
then

- ``fit(wh, as_of)`` learns from what the warehouse knew strictly before ``as_of`` (midnight UTC
  of that date) and returns ``self``; fitted attributes end in ``_`` (``as_of_`` always);
- ``predict(h, level=(80, 90))`` returns the forecast of the ``h`` periods starting with the one
  that contains ``as_of``, as a long frame (:data:`OUTPUT_COLUMNS`);
- ``forecast(wh, as_of, h, level)`` is ``fit`` then ``predict``.

Long frames follow statsforecast: ``unique_id`` names the series (``total``, ``new``,
``expansion``, ``mrr``, ...), ``ds`` is the first day of the period (a :class:`datetime.date`),
and the history a forecaster learns from is ``unique_id, ds, y`` (:func:`check_history`).
Forecast values are floats in the reporting currency: they are estimates, not booked money; the
actuals they are scored against stay exact (Decimal) until the error is computed.

Intervals are central: ``lo-80``/``hi-80`` are the 10th and 90th percentiles, ``lo-90``/``hi-90``
the 5th and 95th; ``median`` is the P50 (the point forecast revline scores) and ``mean`` the
expectation. Simulation forecasters build all of these from draws with :func:`summarise`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Protocol, Self, runtime_checkable

import numpy as np
import pandas as pd

from revline.errors import RevlineError

if TYPE_CHECKING:
    from revline.warehouse import Warehouse

#: Default interval levels (percent).
LEVELS: tuple[int, ...] = (80, 90)
#: Period frequencies a forecaster may declare (pandas aliases): quarters or months.
FREQS = ("QS", "MS")
#: Columns of every forecast frame, before the interval columns of the levels asked for.
POINT_COLUMNS = ("unique_id", "ds", "mean", "median")
#: Columns of every history frame.
HISTORY_COLUMNS = ("unique_id", "ds", "y")


class ForecastError(RevlineError):
    """A forecaster was misused (not fitted, bad horizon or level) or lacks the data it needs."""


def interval_columns(level: Sequence[int]) -> list[str]:
    """``lo-80, hi-80, lo-90, hi-90, ...`` for the levels given, in that order."""
    return [f"{side}-{lv}" for lv in level for side in ("lo", "hi")]


def output_columns(level: Sequence[int] = LEVELS) -> list[str]:
    """Every column of a forecast frame for these levels."""
    return [*POINT_COLUMNS, *interval_columns(level)]


#: The columns of a forecast frame at the default levels.
OUTPUT_COLUMNS = tuple(output_columns())


def check_level(level: Sequence[int]) -> tuple[int, ...]:
    """The levels as a sorted tuple; each must be an integer percent strictly between 0 and 100."""
    out = tuple(sorted({int(lv) for lv in level}))
    bad = [lv for lv in level if int(lv) != lv or not 0 < lv < 100]
    if bad or not out:
        raise ForecastError(
            f"Interval levels must be whole percents between 0 and 100; got {list(level)}.",
            hint="Use for example level=[80, 90].",
        )
    return out


def check_horizon(h: int, maximum: int) -> int:
    """``h`` when it is a whole number of periods from 1 to ``maximum``."""
    if not isinstance(h, int) or isinstance(h, bool) or not 1 <= h <= maximum:
        raise ForecastError(
            f"Horizon h={h!r} is out of range: this forecaster predicts 1 to {maximum} periods.",
            hint=f"Pass h between 1 and {maximum}.",
        )
    return h


def check_history(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` when it is a long history frame (``unique_id, ds, y``, no duplicate keys)."""
    missing = [c for c in HISTORY_COLUMNS if c not in frame.columns]
    if missing:
        raise ForecastError(
            f"History frame lacks column(s) {missing}; it has {list(frame.columns)}.",
            hint="Pass a long frame with unique_id, ds and y (statsforecast's layout).",
        )
    dup = frame.duplicated(["unique_id", "ds"])
    if dup.any():
        first = frame.loc[dup].iloc[0]
        raise ForecastError(
            f"History frame has {int(dup.sum())} duplicate (unique_id, ds) rows, e.g. "
            f"({first.unique_id}, {first.ds}).",
            hint="Aggregate to one value per series and period first.",
        )
    return frame


def summarise(
    unique_ids: Sequence[str],
    ds: Sequence[date],
    draws: np.ndarray,
    level: Sequence[int] = LEVELS,
) -> pd.DataFrame:
    """A forecast frame from Monte Carlo draws.

    ``draws`` has shape ``(len(unique_ids), len(ds), n_draws)``: the simulated value of each
    series in each period. The median is the P50; ``lo-L``/``hi-L`` are the
    ``(100 - L) / 2`` and ``(100 + L) / 2`` percentiles.
    """
    levels = check_level(level)
    if draws.shape[:2] != (len(unique_ids), len(ds)) or draws.ndim != 3:
        raise ForecastError(
            f"Draws of shape {draws.shape} do not match {len(unique_ids)} series x {len(ds)} "
            "periods x draws."
        )
    qs = [50.0] + [q for lv in levels for q in ((100 - lv) / 2, (100 + lv) / 2)]
    pct = np.percentile(draws, qs, axis=2)  # (len(qs), series, periods)
    rows: dict[str, list[object]] = {c: [] for c in output_columns(levels)}
    for i, uid in enumerate(unique_ids):
        for j, day in enumerate(ds):
            rows["unique_id"].append(uid)
            rows["ds"].append(day)
            rows["mean"].append(float(draws[i, j].mean()))
            rows["median"].append(float(pct[0, i, j]))
            for k, col in enumerate(interval_columns(levels)):
                rows[col].append(float(pct[k + 1, i, j]))
    return pd.DataFrame(rows)


@runtime_checkable
class Forecaster(Protocol):
    """What every forecaster provides; see the module docstring for the rules.

    ``name`` labels the method in backtests (``revline``, ``weighted_pipeline``, ``run_rate``,
    ``auto_ets``, ...); ``freq`` is ``"QS"`` (quarters) or ``"MS"`` (months); ``max_horizon`` the
    largest ``h`` it accepts.
    """

    name: str
    freq: str
    max_horizon: int

    def fit(self, wh: Warehouse, as_of: date) -> Self:
        """Learn from the data known strictly before ``as_of``; return ``self``."""
        ...

    def predict(self, h: int, level: Sequence[int] = LEVELS) -> pd.DataFrame:
        """The forecast frame of the next ``h`` periods (the first contains ``as_of``)."""
        ...

    def forecast(
        self, wh: Warehouse, as_of: date, h: int, level: Sequence[int] = LEVELS
    ) -> pd.DataFrame:
        """``fit(wh, as_of)`` then ``predict(h, level)``."""
        ...


class BaseForecaster:
    """Shared plumbing: argument checks, the fitted guard and ``forecast`` = fit + predict.

    Subclasses set ``name``, ``freq`` and ``max_horizon``, implement :meth:`_fit` and
    :meth:`_predict`, and take ``rng`` in their constructor when they draw anything.
    """

    name = "base"
    freq = "QS"
    max_horizon = 2

    def __init__(self, rng: np.random.Generator | None = None) -> None:
        self.rng = rng if rng is not None else np.random.default_rng(0)
        self.as_of_: date | None = None

    def fit(self, wh: Warehouse, as_of: date) -> Self:
        """Learn from the data known strictly before ``as_of``; return ``self``."""
        if not isinstance(as_of, date):
            raise ForecastError(f"as_of must be a date; got {as_of!r}.", hint="Pass a date.")
        self._fit(wh, as_of)
        self.as_of_ = as_of
        return self

    def predict(self, h: int, level: Sequence[int] = LEVELS) -> pd.DataFrame:
        """The forecast frame of the next ``h`` periods (the first contains ``as_of``)."""
        if self.as_of_ is None:
            raise ForecastError(
                f"The {self.name} forecaster is not fitted.", hint="Call fit(wh, as_of) first."
            )
        levels = check_level(level)
        frame = self._predict(check_horizon(h, self.max_horizon), levels)
        return frame[output_columns(levels)].reset_index(drop=True)

    def forecast(
        self, wh: Warehouse, as_of: date, h: int, level: Sequence[int] = LEVELS
    ) -> pd.DataFrame:
        """``fit(wh, as_of)`` then ``predict(h, level)``."""
        return self.fit(wh, as_of).predict(h, level)

    def _fit(self, wh: Warehouse, as_of: date) -> None:
        raise NotImplementedError

    def _predict(self, h: int, level: tuple[int, ...]) -> pd.DataFrame:
        raise NotImplementedError
