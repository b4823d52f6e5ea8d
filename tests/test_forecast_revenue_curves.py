"""Retention-curve arithmetic and scenario levers, against hand-computed figures.

The fixture below is small enough to do by hand; every expected number is derived in the
comments next to it (credibility k = 10 exposure-months).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from revline.analyses.forecast.retention_curves import CurveSettings, fit_curves
from revline.analyses.forecast.retention_curves_panel import band_of
from revline.analyses.forecast.scenarios import combine, parse_scenario
from revline.errors import ConfigError

K = 10.0


@pytest.fixture(scope="module")
def cells() -> pd.DataFrame:
    zero = {"churn_mrr": 0.0, "con_n": 0.0, "con_mrr": 0.0, "con_start": 0.0}
    rows = [
        # smb, plan A, tenure 0-2, no usage: 10 exposures, 2 churns, 1 expansion of 5 on 50.
        dict(segment="smb", plan="A", tenure_band="0-2", usage="none", n=10.0, churn=2.0,
             start_mrr=500.0, exp_n=1.0, exp_mrr=5.0, exp_start=50.0, **zero),
        # smb, plan B, tenure 0-2, falling usage: 10 exposures, 4 churns, 2 expansions 30 on 100.
        dict(segment="smb", plan="B", tenure_band="0-2", usage="falling", n=10.0, churn=4.0,
             start_mrr=800.0, exp_n=2.0, exp_mrr=30.0, exp_start=100.0, **zero),
        # enterprise, plan A, tenure 3-5, no usage: 20 exposures, nothing happens.
        dict(segment="enterprise", plan="A", tenure_band="3-5", usage="none", n=20.0, churn=0.0,
             start_mrr=9000.0, exp_n=0.0, exp_mrr=0.0, exp_start=0.0, **zero),
    ]  # fmt: skip
    return pd.DataFrame(rows)


def test_churn_hazards_shrink_down_the_chain(cells: pd.DataFrame) -> None:
    curves = fit_curves(cells, CurveSettings(credibility=K))
    churn = curves.rates_["churn"]
    assert churn[()] == pytest.approx(6 / 40)  # 6 churns in 40 exposure-months = 0.15
    assert churn[("smb",)] == pytest.approx((6 + K * 0.15) / (20 + K))  # 7.5 / 30 = 0.25
    assert churn[("enterprise",)] == pytest.approx((0 + K * 0.15) / (20 + K))  # 0.05
    assert churn[("smb", "0-2")] == pytest.approx((6 + K * 0.25) / 30)  # 0.283333
    assert churn[("enterprise", "3-5")] == pytest.approx((0 + K * 0.05) / 30)  # 0.016667
    smb_02 = 8.5 / 30
    assert churn[("smb", "0-2", "A")] == pytest.approx((2 + K * smb_02) / 20)  # 0.241667
    assert churn[("smb", "0-2", "B")] == pytest.approx((4 + K * smb_02) / 20)  # 0.341667
    assert churn[("enterprise", "3-5", "A")] == pytest.approx((0 + K * 0.5 / 30) / 30)  # 0.005556


def test_usage_relative_risk_is_observed_over_expected(cells: pd.DataFrame) -> None:
    curves = fit_curves(cells, CurveSettings(credibility=K))
    a, b, e = 4.833333 / 20, 6.833333 / 20, 0.1666667 / 30  # the three plan-level hazards
    pseudo = K * 0.15  # k exposure-months at the overall hazard
    none = (2 + pseudo) / (10 * a + 20 * e + pseudo)  # 3.5 / 4.027778 = 0.868966
    falling = (4 + pseudo) / (10 * b + pseudo)  # 5.5 / 4.916667 = 1.118644
    risk = curves.usage_risk_["churn"]
    assert risk["none"] == pytest.approx(none, rel=1e-5)
    assert risk["falling"] == pytest.approx(falling, rel=1e-5)
    assert curves.rate("churn", "smb", "0-2", "B", "falling") == pytest.approx(
        b * falling, rel=1e-5
    )
    assert curves.rate("churn", "smb", "0-2", "B", "rising") == pytest.approx(b, rel=1e-5)


def test_expansion_rates_and_sizes(cells: pd.DataFrame) -> None:
    curves = fit_curves(cells, CurveSettings(credibility=K))
    exp = curves.rates_["expansion"]
    assert exp[()] == pytest.approx(3 / 40)  # 0.075
    assert exp[("smb",)] == pytest.approx((3 + K * 0.075) / 30)  # 0.125
    assert exp[("smb", "0-2")] == pytest.approx((3 + K * 0.125) / 30)  # 0.141667
    assert exp[("smb", "0-2", "A")] == pytest.approx((1 + K * 4.25 / 30) / 20)  # 0.120833
    size = curves.sizes_["expansion"]
    top = 35 / 150  # 35 of expansion on 150 of MRR before it
    assert size[()] == pytest.approx(top)
    assert size[("enterprise",)] == pytest.approx(top)  # no events: the parent's size
    assert size[("smb", "0-2", "A")] == pytest.approx((0.1 * 1 + K * top) / (1 + K))
    assert size[("smb", "0-2", "B")] == pytest.approx((0.3 * 2 + K * top) / (2 + K))


def test_unseen_cells_fall_back_to_their_parents(cells: pd.DataFrame) -> None:
    curves = fit_curves(cells, CurveSettings(credibility=K))
    none = 3.5 / (2.416667 + 20 * 0.1666667 / 30 + 1.5)  # the usage risk of "none"
    assert curves.rate("churn", "smb", "0-2", "Z") == pytest.approx(8.5 / 30 * none, 1e-5)
    assert curves.rate("churn", "mid_market", "24+", "A") == pytest.approx(0.15 * none, 1e-5)
    assert set(curves.table().columns) == {
        "segment",
        "tenure_band",
        "plan",
        "churn",
        "expansion",
        "contraction",
    }


def test_tenure_bands() -> None:
    assert [band_of(t) for t in (0, 2, 3, 5, 6, 11, 12, 23, 24, 60)] == [
        "0-2", "0-2", "3-5", "3-5", "6-11", "6-11", "12-23", "12-23", "24+", "24+",
    ]  # fmt: skip


def test_churn_lever_moves_annual_churn_by_points() -> None:
    levers = combine([parse_scenario("churn-2")])
    out = float(levers.churn(np.array([0.01]))[0])
    annual = 1 - 0.99**12  # 0.113615
    assert 1 - (1 - out) ** 12 == pytest.approx(annual - 0.02)
    assert float(levers.churn(np.array([0.0]))[0]) == 0.0  # cannot go below zero


def test_price_lever_and_its_churn_response() -> None:
    levers = combine([parse_scenario("price+5@2")])
    assert levers.price_factor == pytest.approx(1.05)
    assert float(levers.churn(np.array([0.02]))[0]) == pytest.approx(0.02 * 1.10)
    assert parse_scenario("price+5").elasticity == 1.0


def test_win_rate_lever_scales_arrivals_after_the_lag() -> None:
    levers = combine([parse_scenario("win-rate+5"), parse_scenario("new+10")])
    now, later = levers.arrival_factor(0.25)
    assert now == pytest.approx(1.10)
    assert later == pytest.approx(0.30 / 0.25)
    with pytest.raises(ConfigError, match="closed new deals"):
        levers.arrival_factor(None)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("churns-2", "Did you mean 'churn'"),
        ("churn 2", "Cannot read scenario"),
        ("churn-2@3", "only price takes"),
    ],
)
def test_bad_scenarios_name_the_problem(text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_scenario(text)


def test_scenario_labels_round_trip() -> None:
    for text in ("churn-2", "win-rate+5", "price+5", "expansion+10", "new-20"):
        assert parse_scenario(text).label == text
    assert math.isclose(parse_scenario("Win_Rate+2.5").value, 2.5)


def test_docs_name_every_option_lever_and_setting() -> None:
    from dataclasses import fields
    from pathlib import Path

    from revline.analyses.forecast.scenarios import LEVERS

    doc = (Path(__file__).resolve().parent.parent / "docs" / "forecast-revenue.md").read_text()
    for option in ("--as-of", "--months", "--scenario", "--new-business", "--seed", "--sims"):
        assert option in doc, option
    for option in ("--currency", "--format", "--warehouse"):
        assert option in doc, option
    for lever in LEVERS:
        assert f"| `{lever}` |" in doc, lever
    for setting in fields(CurveSettings):
        assert f"| `{setting.name}` |" in doc, setting.name


def test_forecaster_misuse_is_a_forecast_error() -> None:
    from revline.analyses.forecast.contract import ForecastError
    from revline.analyses.forecast.revenue import RevenueForecaster

    model = RevenueForecaster(np.random.default_rng(0))
    assert (model.name, model.freq, model.max_horizon) == ("revenue", "MS", 24)
    with pytest.raises(ForecastError, match="not fitted"):
        model.predict(3)
    with pytest.raises(ConfigError, match="Did you mean 'pipeline'"):
        RevenueForecaster(np.random.default_rng(0), new_business="pipelines")


def test_pipeline_scale_follows_bookings_after_the_lag() -> None:
    from revline.analyses.forecast.revenue_pipeline import scale_stream
    from revline.analyses.forecast.revenue_sim import Stream

    # exp(log 10 + 0 * t + 0) = 10 expected arrivals every month, no noise.
    stream = Stream("new", np.array([math.log(10), 0.0]), np.zeros((2, 2)), 0.0,
                    np.zeros(3, np.int64), np.ones(3))  # fmt: skip
    base = 100
    booked = {101: 5.0, 102: 20.0, 103: 100.0}  # bookings in months 101..103
    scaled = scale_stream(stream, booked, base, lag=1, h=5)
    # Month t goes live from bookings of month base + t - 1: t=2 <- 101, t=3 <- 102, t=4 <- 103.
    assert np.allclose(scaled.factor(5), [1.0, 0.5, 2.0, 4.0, 1.0])  # 100/10 = 10 capped at 4
