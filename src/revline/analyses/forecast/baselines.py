"""The baselines revline's bookings forecast must beat, behind the same contract.

- :class:`WeightedPipeline`: the classic CRM forecast, open deals expected to close in the
  quarter (by their close date as of the date) times the rep's probability for their stage,
  plus what is already booked. Its interval treats those probabilities as true (Monte Carlo).
- :class:`RunRate`: last full quarter's bookings, repeated; the interval comes from the
  quarter-on-quarter log changes seen so far, centred on zero (bootstrap), so the point stays
  the run rate and the interval carries only its spread.
- :class:`AutoETSBaseline`: statsforecast's AutoETS (Hyndman et al. 2008, *Forecasting with
  Exponential Smoothing*) on the quarterly bookings series, with its own prediction intervals.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import numpy as np
import pandas as pd

from revline.analyses.forecast.bookings import HORIZON, BookingsSettings
from revline.analyses.forecast.contract import BaseForecaster, ForecastError, summarise
from revline.analyses.forecast.deal_values import Valuer, booked, fx_factors
from revline.analyses.forecast.series import full_quarters, quarter_sums
from revline.model.periods import add_quarters, quarters
from revline.model.pipeline import pipeline_as_of
from revline.warehouse import Warehouse

DRAWS = 2000


def stage_probabilities(wh: Warehouse) -> dict[str, float]:
    """The reps' probability per open stage name: the median of ``opportunities.probability``.

    This is the CRM's stage table (a setting, not an outcome); stages without any probability
    are left out, and an empty result means the data has no rep probabilities.
    """
    opps = wh.table("opportunities")
    rows = opps.filter(opps.probability.notnull(), ~opps.is_closed)
    agg = rows.group_by("stage").agg(p=rows.probability.cast("float64").median()).to_pandas()
    return {str(s): float(p) for s, p in zip(agg["stage"], agg["p"], strict=True)}


class WeightedPipeline(BaseForecaster):
    """Pipeline weighted by the reps' stage probabilities (see the module docstring)."""

    name = "weighted_pipeline"
    freq = "QS"
    max_horizon = HORIZON

    def __init__(
        self,
        rng: np.random.Generator | None = None,
        settings: BookingsSettings | None = None,
        stage_probability: dict[str, float] | None = None,
    ) -> None:
        super().__init__(rng)
        self.settings = settings or BookingsSettings()
        self.stage_probability = stage_probability
        self.deals_: pd.DataFrame | None = None
        self.booked_: float = 0.0
        self.quarters_: list[date] = []

    def _fit(self, wh: Warehouse, as_of: date) -> None:
        s = self.settings
        probs = self.stage_probability or stage_probabilities(wh)
        if not probs:
            raise ForecastError(
                "No rep stage probabilities: opportunities.probability is empty for open deals.",
                hint="Map the CRM's probability column, or pass stage_probability={stage: p}.",
            )
        known = pipeline_as_of(wh, as_of)
        valuer = Valuer(known, fx_factors(wh, as_of, s.currency), s.currency)
        known["value"] = valuer(known)
        self.quarters_ = quarters(as_of, HORIZON)
        self.booked_ = float(booked(known, self.quarters_[0], as_of, s.types)["value"].sum())
        open_ = known[~known["is_closed"].astype(bool) & known["opportunity_type"].isin(s.types)]
        deals = open_.assign(p=open_["stage"].map(probs).fillna(0.0).astype(float))
        close = pd.to_datetime(deals["close_date"]).dt.date
        ends = [add_quarters(q, 1) for q in self.quarters_]
        # Overdue deals (close date already past) are expected this quarter, as CRMs show them.
        deals["quarter"] = np.where(close < ends[0], 0, np.where(close < ends[1], 1, -1))
        self.deals_ = deals[deals["quarter"] >= 0]

    def _predict(self, h: int, level: tuple[int, ...]) -> pd.DataFrame:
        assert self.deals_ is not None
        d = self.deals_
        u = self.rng.random((len(d), DRAWS))
        wins = u < d["p"].to_numpy()[:, None]
        value = d["value"].to_numpy(dtype=float)[:, None]
        draws = np.zeros((1, HORIZON, DRAWS))
        for q in range(HORIZON):
            mask = (d["quarter"].to_numpy() == q)[:, None]
            draws[0, q] = (wins * mask * value).sum(axis=0)
        draws[0, 0] += self.booked_
        frame = summarise(["total"], self.quarters_, draws, level)
        # The point forecast is the weighted sum itself, as a CRM shows it.
        for q in range(HORIZON):
            mask = d["quarter"].to_numpy() == q
            point = float((d["p"].to_numpy() * d["value"].to_numpy(dtype=float))[mask].sum())
            frame.loc[q, ["mean", "median"]] = point + (self.booked_ if q == 0 else 0.0)
        return frame.head(h)


class _SeriesBaseline(BaseForecaster):
    """A baseline that learns only from the quarterly bookings series."""

    freq = "QS"
    max_horizon = HORIZON

    def __init__(
        self, rng: np.random.Generator | None = None, settings: BookingsSettings | None = None
    ) -> None:
        super().__init__(rng)
        self.settings = settings or BookingsSettings()
        self.y_: np.ndarray = np.zeros(0)
        self.quarters_: list[date] = []

    def _fit(self, wh: Warehouse, as_of: date) -> None:
        s = self.settings
        known = pipeline_as_of(wh, as_of)
        factors = fx_factors(wh, as_of, s.currency)
        series = quarter_sums(known, factors, s.currency, full_quarters(known, as_of), s.types)
        self.y_ = np.asarray([float(Decimal(v)) for v in series["y"]])
        self.quarters_ = quarters(as_of, HORIZON)
        if len(self.y_) < 1:
            raise ForecastError(
                f"No full quarter of bookings before {as_of} for the {self.name} baseline.",
                hint="Pick a later --as-of.",
            )


class RunRate(_SeriesBaseline):
    """Last full quarter's bookings, repeated (see the module docstring)."""

    name = "run_rate"

    def _predict(self, h: int, level: tuple[int, ...]) -> pd.DataFrame:
        last = float(self.y_[-1])
        prev, nxt = self.y_[:-1], self.y_[1:]
        ok = (prev > 0) & (nxt > 0)
        changes = np.log(nxt[ok] / prev[ok]) if ok.any() else np.zeros(1)
        steps = self.rng.choice(changes - changes.mean(), (HORIZON, DRAWS))
        draws = last * np.exp(np.cumsum(steps, axis=0))[None, :, :]
        frame = summarise(["total"], self.quarters_, draws, level)
        frame[["mean", "median"]] = last
        return frame.head(h)


class AutoETSBaseline(_SeriesBaseline):
    """statsforecast's AutoETS on the quarterly bookings series (see the module docstring)."""

    name = "auto_ets"

    def _predict(self, h: int, level: tuple[int, ...]) -> pd.DataFrame:
        from statsforecast.models import AutoETS

        season = 4 if len(self.y_) >= 12 else 1
        try:
            # Short series make statsforecast divide by zero degrees of freedom (it then widens
            # the interval to infinity, caught below); keep numpy quiet only for this call.
            with np.errstate(divide="ignore", invalid="ignore"):
                fitted = AutoETS(season_length=season).fit(self.y_)
                out = fitted.predict(HORIZON, level=list(level))
        except (NotImplementedError, ValueError, KeyError) as err:
            # A single quarter makes statsforecast fail looking up its own fit ("fitted").
            raise ForecastError(
                f"AutoETS cannot fit {len(self.y_)} quarters of bookings ({err!r}).",
                hint="The series needs more quarters; pick a later --as-of.",
            ) from None
        if not all(np.isfinite(v).all() for v in out.values()):
            raise ForecastError(
                f"AutoETS gave no finite forecast from {len(self.y_)} quarters of bookings.",
                hint="The series needs more quarters; pick a later --as-of.",
            )
        frame = pd.DataFrame(
            {"unique_id": "total", "ds": self.quarters_, "mean": out["mean"], "median": out["mean"]}
        )
        for lv in level:
            frame[f"lo-{lv}"] = out[f"lo-{lv}"]
            frame[f"hi-{lv}"] = out[f"hi-{lv}"]
        return frame.head(h)
