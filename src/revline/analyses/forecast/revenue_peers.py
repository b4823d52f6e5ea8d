"""The revenue forecasts users would otherwise use, behind the same contract as revline's.

Each reads only what the warehouse knew strictly before the as-of date (the MRR model run on
:class:`revline.analyses.forecast.revenue_asof.AsOfBackend`) and forecasts series ``mrr`` for the
months
after the base month (the first is the month containing the as-of date), like
:class:`revline.analyses.forecast.revenue.RevenueForecaster`.

- :class:`BaremetricsForecast` (``baremetrics_linear``, ``baremetrics_exponential``): Baremetrics'
  MRR forecast (help.baremetrics.com, "Forecast"): from today's MRR, revenue growth is the
  average of the last three months' new, expansion and reactivation MRR and revenue churn the
  average of their revenue churn rates ((churn + contraction) / starting MRR). Linear growth
  adds the average growth in money each month, ``M(t) = M(t-1) (1 - churn) + growth``;
  exponential growth compounds the average growth rate ((new + expansion + reactivation) /
  starting MRR, averaged like the churn rate), ``M(t) = M(t-1) (1 + growth rate - churn)``.
  The tool gives no interval: ``lo``/``hi`` equal the point (``intervals = False``).
- :class:`CommittedMrr` (``chartmogul_committed``): ChartMogul's committed MRR (CMRR: today's
  MRR with its scheduled changes, dev.chartmogul.com "Adding subscription events for CMRR"):
  the MRR model run forward over the subscriptions known at the date, each running until its
  end if that end was known then (ended, or a cancellation already requested), so scheduled
  cancellations and term ends come off in their month and nothing else changes: no new
  customers, no unannounced churn, expansion or contraction. The canonical model knows a
  subscription once it starts, so scheduled starts are not in it. Usage-priced MRR is counted
  only up to the date (future usage is not committed). No interval (``intervals = False``).
- :class:`AutoETSMrr` (``auto_ets``): statsforecast's AutoETS (Hyndman et al. 2008) on the
  monthly MRR series known at the date, with its own prediction intervals.

Randomness: none of them draws; each takes the injected generator for the contract's sake.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import numpy as np
import pandas as pd

from revline.analyses.forecast.contract import BaseForecaster, ForecastError, interval_columns
from revline.analyses.forecast.revenue_asof import AsOfBackend, base_month
from revline.analyses.forecast.revenue_fit import MAX_HORIZON
from revline.model.movements import SIGNS, bridge
from revline.model.mrr import build_model
from revline.model.periods import month_start
from revline.settings import MetricSettings
from revline.warehouse import Warehouse

#: Months of history Baremetrics averages over.
TRAILING = 3
#: Bridge columns, as floats in the reporting currency.
FLOWS = ("start", *SIGNS, "end")


def known_bridge(
    wh: Warehouse, as_of: date, settings: MetricSettings | None = None, months_after: int = 0
) -> pd.DataFrame:
    """The monthly MRR bridge as known at ``as_of``, to the base month (plus ``months_after``).

    Months after the base month are the known book run forward (committed MRR).
    """
    base = base_month(as_of)
    metric = replace(settings or MetricSettings(), as_of=month_start(base + months_after))
    backend = AsOfBackend(wh.ibis, as_of).as_backend()
    with build_model(backend, metric) as model:
        frame: pd.DataFrame = wh.ibis.execute(bridge(model))
    frame["month"] = [pd.Timestamp(str(d)).date() for d in frame["month"]]
    for col in FLOWS:
        frame[col] = frame[col].astype(float)
    return frame.sort_values("month").reset_index(drop=True)


def _point_frame(months: list[date], values: np.ndarray, level: tuple[int, ...]) -> pd.DataFrame:
    frame = pd.DataFrame({"unique_id": "mrr", "ds": months, "mean": values, "median": values})
    for col in interval_columns(level):
        frame[col] = values
    return frame


class _MrrBaseline(BaseForecaster):
    """Shared fit: the known bridge up to the base month."""

    freq = "MS"
    max_horizon = MAX_HORIZON
    #: Whether ``lo``/``hi`` are a real interval (else they equal the point).
    intervals = False

    def __init__(
        self, rng: np.random.Generator | None = None, settings: MetricSettings | None = None
    ) -> None:
        super().__init__(rng)
        self.settings = settings
        self.history_: pd.DataFrame = pd.DataFrame()
        self.base_: int = 0

    def _fit(self, wh: Warehouse, as_of: date) -> None:
        self.base_ = base_month(as_of)
        frame = known_bridge(wh, as_of, self.settings)
        paying = frame[frame["end"] > 0]
        if paying.empty:
            raise ForecastError(
                f"No MRR known before {as_of} for the {self.name} forecast.",
                hint="Pick a later --as-of or load subscriptions first.",
            )
        self.history_ = frame.loc[paying.index[0] :].reset_index(drop=True)

    def _months(self, h: int) -> list[date]:
        return [month_start(self.base_ + t) for t in range(1, h + 1)]


class BaremetricsForecast(_MrrBaseline):
    """Baremetrics' MRR forecast, linear or exponential (see the module docstring)."""

    def __init__(
        self,
        rng: np.random.Generator | None = None,
        settings: MetricSettings | None = None,
        growth: str = "linear",
    ) -> None:
        super().__init__(rng, settings)
        if growth not in ("linear", "exponential"):
            raise ForecastError(
                f"Unknown growth type {growth!r}.", hint="Use linear or exponential."
            )
        self.growth = growth
        self.name = f"baremetrics_{growth}"
        self.mrr_: float = 0.0
        self.growth_: float = 0.0
        self.growth_rate_: float = 0.0
        self.churn_rate_: float = 0.0

    def _fit(self, wh: Warehouse, as_of: date) -> None:
        super()._fit(wh, as_of)
        self.mrr_, self.growth_, self.growth_rate_, self.churn_rate_ = baremetrics_inputs(
            self.history_
        )

    def _predict(self, h: int, level: tuple[int, ...]) -> pd.DataFrame:
        values = baremetrics_path(
            self.mrr_, self.growth_, self.growth_rate_, self.churn_rate_, h, self.growth
        )
        return _point_frame(self._months(h), values, level)


def baremetrics_inputs(history: pd.DataFrame) -> tuple[float, float, float, float]:
    """Today's MRR, average growth (money), average growth rate and average revenue churn rate.

    Over the last :data:`TRAILING` months of ``history`` (a bridge frame); rates are averaged
    over the months with a starting MRR.
    """
    last = history.tail(TRAILING)
    gained = last["new"] + last["expansion"] + last["reactivation"]
    lost = last["churn"] + last["contraction"]
    has = last["start"] > 0
    start = last["start"][has]
    growth_rate = float((gained[has] / start).mean()) if has.any() else 0.0
    churn_rate = float((lost[has] / start).mean()) if has.any() else 0.0
    return float(history["end"].iloc[-1]), float(gained.mean()), growth_rate, churn_rate


def baremetrics_path(
    mrr: float, growth: float, growth_rate: float, churn_rate: float, h: int, kind: str
) -> np.ndarray:
    """MRR for the next ``h`` months under Baremetrics' linear or exponential growth."""
    out = np.zeros(h)
    value = mrr
    for t in range(h):
        if kind == "linear":
            value = value * (1 - churn_rate) + growth
        else:
            value = value * (1 + growth_rate - churn_rate)
        out[t] = value
    return out


class CommittedMrr(_MrrBaseline):
    """ChartMogul's committed MRR: the known book with its scheduled changes (module doc)."""

    name = "chartmogul_committed"

    def __init__(
        self, rng: np.random.Generator | None = None, settings: MetricSettings | None = None
    ) -> None:
        super().__init__(rng, settings)
        self.wh_: Warehouse | None = None
        self.committed_: pd.DataFrame = pd.DataFrame()

    def _fit(self, wh: Warehouse, as_of: date) -> None:
        super()._fit(wh, as_of)
        forward = known_bridge(wh, as_of, self.settings, months_after=MAX_HORIZON)
        self.committed_ = forward[forward["month"] > month_start(self.base_)].reset_index(drop=True)

    def _predict(self, h: int, level: tuple[int, ...]) -> pd.DataFrame:
        months = self._months(h)
        by_month = dict(zip(self.committed_["month"], self.committed_["end"], strict=True))
        values = np.asarray([by_month.get(m, 0.0) for m in months], dtype=float)
        return _point_frame(months, values, level)


class AutoETSMrr(_MrrBaseline):
    """statsforecast's AutoETS on the monthly MRR series (see the module docstring)."""

    name = "auto_ets"
    intervals = True

    def _predict(self, h: int, level: tuple[int, ...]) -> pd.DataFrame:
        from statsforecast.models import AutoETS

        y = self.history_["end"].to_numpy(dtype=float)
        season = 12 if len(y) >= 24 else 1
        try:
            with np.errstate(divide="ignore", invalid="ignore"):
                out = AutoETS(season_length=season).fit(y).predict(h, level=list(level))
        except (NotImplementedError, ValueError) as err:
            raise ForecastError(
                f"AutoETS cannot fit {len(y)} months of MRR ({err}).",
                hint="The series needs more months; pick a later --as-of.",
            ) from None
        if not all(np.isfinite(v).all() for v in out.values()):
            raise ForecastError(
                f"AutoETS gave no finite forecast from {len(y)} months of MRR.",
                hint="The series needs more months; pick a later --as-of.",
            )
        frame = pd.DataFrame(
            {"unique_id": "mrr", "ds": self._months(h), "mean": out["mean"], "median": out["mean"]}
        )
        for lv in level:
            frame[f"lo-{lv}"] = out[f"lo-{lv}"]
            frame[f"hi-{lv}"] = out[f"hi-{lv}"]
        return frame
