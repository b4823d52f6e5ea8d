"""The contract every forecaster keeps (revline.analyses.forecast.contract; STYLE.md point 11).

Parametrised over the forecaster registries (:mod:`revline.analyses.forecast.registry`): a
forecaster registered in ``BOOKINGS`` or ``REVENUE`` is checked here without editing this file.
Each is fitted on a small synthetic company; the checks are the same for all: fit returns self,
the frame's columns and periods, ordered intervals, same seed same forecast, and misuse raising
ForecastError.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from datetime import date

import numpy as np
import pandas as pd
import pytest

from revline.analyses.forecast.bookings import BookingsSettings
from revline.analyses.forecast.contract import (
    BaseForecaster,
    Forecaster,
    ForecastError,
    output_columns,
    summarise,
)
from revline.analyses.forecast.registry import BOOKINGS, REVENUE, BookingsFactory, RevenueFactory
from revline.model.periods import quarters
from revline.synth import generate
from revline.warehouse import Warehouse

AS_OF = date(2025, 10, 1)
Factory = Callable[[np.random.Generator], BaseForecaster]


def _forecasters() -> dict[str, Factory]:
    """Every registered forecaster, by ``target:name``, as a factory of the generator alone."""
    out: dict[str, Factory] = {}
    for name, bookings in BOOKINGS.items():
        out[f"bookings:{name}"] = functools.partial(_bookings, bookings)
    for name, revenue in REVENUE.items():
        out[f"revenue:{name}"] = functools.partial(_revenue, revenue)
    return out


def _bookings(factory: BookingsFactory, rng: np.random.Generator) -> BaseForecaster:
    return factory(rng, BookingsSettings())


def _revenue(factory: RevenueFactory, rng: np.random.Generator) -> BaseForecaster:
    return factory(rng, 200)


FORECASTERS = _forecasters()


def test_the_registries_hold_every_built_in() -> None:
    assert BOOKINGS.names() == ("revline", "weighted_pipeline", "run_rate", "auto_ets")
    assert set(REVENUE.names()) >= {"history", "pipeline", "chartmogul_committed", "auto_ets"}


@pytest.fixture(scope="module")
def company(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Warehouse]:
    wh = Warehouse.create(tmp_path_factory.mktemp("contract") / "company.duckdb")
    generate(wh, 2000, 36, seed=5)
    yield wh
    wh.close()


@pytest.fixture(scope="module", params=sorted(FORECASTERS))
def fitted(request: pytest.FixtureRequest, company: Warehouse) -> BaseForecaster:
    model = FORECASTERS[request.param](np.random.default_rng(1))
    assert model.fit(company, AS_OF) is model
    return model


def periods(model: BaseForecaster, h: int) -> list[date]:
    if model.freq == "QS":
        return quarters(AS_OF, h)
    first = date(AS_OF.year, AS_OF.month, 1)
    return [d.date() for d in pd.date_range(first, periods=h, freq="MS")]


def test_is_a_forecaster_with_fitted_attributes(fitted: BaseForecaster) -> None:
    assert isinstance(fitted, Forecaster)
    assert fitted.freq in ("QS", "MS") and fitted.max_horizon >= 1
    assert fitted.as_of_ == AS_OF


def test_frame_layout_and_periods(fitted: BaseForecaster) -> None:
    h = fitted.max_horizon
    frame = fitted.predict(h)
    assert list(frame.columns) == output_columns((80, 90))
    for _, series in frame.groupby("unique_id"):
        assert list(series["ds"]) == periods(fitted, h)
    narrow = fitted.predict(1, level=[50])
    assert list(narrow.columns) == output_columns((50,))
    assert set(narrow["ds"]) == {periods(fitted, 1)[0]}


def test_intervals_are_nested_around_the_median(fitted: BaseForecaster) -> None:
    f = fitted.predict(fitted.max_horizon)
    values = f[["lo-90", "lo-80", "median", "hi-80", "hi-90"]].to_numpy(dtype=float)
    assert np.isfinite(values).all()
    assert (np.diff(values, axis=1) >= -1e-9).all()


@pytest.mark.parametrize("name", sorted(FORECASTERS))
def test_same_seed_same_forecast(name: str, company: Warehouse) -> None:
    runs = [
        FORECASTERS[name](np.random.default_rng(7)).forecast(company, AS_OF, 1) for _ in range(2)
    ]
    pd.testing.assert_frame_equal(runs[0], runs[1])


@pytest.mark.parametrize("name", sorted(FORECASTERS))
def test_misuse_raises_forecast_error(name: str, fitted: BaseForecaster) -> None:
    with pytest.raises(ForecastError, match="not fitted"):
        FORECASTERS[name](np.random.default_rng(0)).predict(1)
    for h in (0, fitted.max_horizon + 1):
        with pytest.raises(ForecastError, match="out of range"):
            fitted.predict(h)
    for level in ([0], [100], [80.5]):
        with pytest.raises(ForecastError, match="whole percents"):
            fitted.predict(1, level=level)  # type: ignore[arg-type]


def test_summarise_quantiles() -> None:
    draws = np.arange(1, 101, dtype=float).reshape(1, 1, 100)
    row = summarise(["s"], [AS_OF], draws, [80]).iloc[0]
    assert row["mean"] == 50.5
    assert row["median"] == 50.5
    assert row["lo-80"] == pytest.approx(10.9)  # 10th percentile, linear interpolation
    assert row["hi-80"] == pytest.approx(90.1)


def test_auto_ets_on_one_quarter_is_a_forecast_error() -> None:
    from datetime import date

    from revline.analyses.forecast.baselines import AutoETSBaseline
    from revline.analyses.forecast.contract import ForecastError

    model = AutoETSBaseline(np.random.default_rng(0))
    model.y_ = np.array([1_000_000.0])
    model.quarters_ = [date(2026, 1, 1), date(2026, 4, 1)]
    with pytest.raises(ForecastError, match="AutoETS cannot fit 1 quarters"):
        model._predict(1, (80,))
