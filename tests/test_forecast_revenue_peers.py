"""The revenue peers (revline.analyses.forecast.revenue_peers) computed by hand on a tiny company.

Four accounts paying monthly in USD, seen as of 2025-07-01 (the base month is June 2025):

- ``a``: 100.00 from 2025-01-01, running;
- ``b``: 50.00 from 2025-02-01, cancelled on 2025-06-10 with its end scheduled for 2025-08-31
  (known on the date: it counts through July's snapshot and churns in August);
- ``c``: 30.00 from 2025-03-01, cancelled on 2025-07-15 to end 2025-07-31 (after the date: not
  known, so running as far as the forecast knows);
- ``e``: 40.00 from 2025-04-01, ended 2025-05-31 (churn in May);
- ``d``: 20.00 from 2025-07-05 (after the date: invisible).

The known MRR is 100, 150, 180, 220, 180, 180 for January to June. Over the last three months
(April, May, June) the gains are 40, 0, 0 and the losses 0, 40, 0 on starting MRR 180, 220, 180.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import numpy as np
import pandas as pd
import pytest

from fixtures.mrr.rows import load
from revline.analyses.forecast.contract import ForecastError
from revline.analyses.forecast.revenue_peers import (
    AutoETSMrr,
    BaremetricsForecast,
    CommittedMrr,
    baremetrics_inputs,
    baremetrics_path,
    known_bridge,
)
from revline.warehouse import Warehouse

AS_OF = date(2025, 7, 1)


def _sub(sid: str, amount: str, start: str, **extra: str) -> dict[str, str | int]:
    row: dict[str, str | int] = {
        "subscription_id": sid,
        "account_id": sid,
        "quantity": 1,
        "unit_amount": amount,
        "billing_interval": "month",
        "currency": "USD",
        "start_at": start,
    }
    row.update(extra)
    return row


@pytest.fixture(scope="module")
def tiny() -> Iterator[Warehouse]:
    wh = Warehouse.create(":memory:")
    subs = [
        _sub("a", "100.00", "2025-01-01"),
        _sub("b", "50.00", "2025-02-01", canceled_at="2025-06-10", end_at="2025-08-31"),
        _sub("c", "30.00", "2025-03-01", canceled_at="2025-07-15", end_at="2025-07-31"),
        _sub("e", "40.00", "2025-04-01", canceled_at="2025-05-10", end_at="2025-05-31"),
        _sub("d", "20.00", "2025-07-05"),
    ]
    load(wh, {"subscriptions": subs})
    yield wh
    wh.close()


def test_the_known_bridge_is_what_the_date_knew(tiny: Warehouse) -> None:
    frame = known_bridge(tiny, AS_OF)
    assert frame["end"].tolist() == [100.0, 150.0, 180.0, 220.0, 180.0, 180.0]
    assert frame["month"].iloc[-1] == date(2025, 6, 1)


def test_baremetrics_inputs_by_hand(tiny: Warehouse) -> None:
    mrr, growth, growth_rate, churn_rate = baremetrics_inputs(known_bridge(tiny, AS_OF))
    assert mrr == 180.0
    assert growth == pytest.approx(40 / 3)  # (40 + 0 + 0) / 3
    assert growth_rate == pytest.approx((40 / 180 + 0 + 0) / 3)
    assert churn_rate == pytest.approx((0 + 40 / 220 + 0) / 3)


def test_baremetrics_linear_and_exponential_by_hand(tiny: Warehouse) -> None:
    churn, g, rate = 40 / 220 / 3, 40 / 3, 40 / 180 / 3
    linear = BaremetricsForecast(np.random.default_rng(0), growth="linear").forecast(tiny, AS_OF, 2)
    m1 = 180 * (1 - churn) + g
    assert linear["median"].tolist() == pytest.approx([m1, m1 * (1 - churn) + g])
    assert list(linear["ds"]) == [date(2025, 7, 1), date(2025, 8, 1)]
    assert (linear["lo-80"] == linear["median"]).all()  # no interval: the point
    expo = BaremetricsForecast(np.random.default_rng(0), growth="exponential").forecast(
        tiny, AS_OF, 2
    )
    step = 1 + rate - churn
    assert expo["median"].tolist() == pytest.approx([180 * step, 180 * step**2])


def test_baremetrics_path_on_a_tiny_series() -> None:
    # A bridge of four months typed in by hand: the rates of the last three months are
    # 0.05, 0.10, 0.10 (churn) and 0.15, 0.20, 120 / 1210 (growth); money growth 150, 220, 120.
    history = pd.DataFrame(
        {
            "start": [0.0, 1000.0, 1100.0, 1210.0],
            "new": [1000.0, 100.0, 200.0, 90.0],
            "expansion": [0.0, 50.0, 0.0, 30.0],
            "reactivation": [0.0, 0.0, 20.0, 0.0],
            "contraction": [0.0, 10.0, 0.0, 21.0],
            "churn": [0.0, 40.0, 110.0, 100.0],
            "end": [1000.0, 1100.0, 1210.0, 1209.0],
        }
    )
    mrr, growth, rate, churn = baremetrics_inputs(history)
    assert (mrr, growth) == (1209.0, pytest.approx(490 / 3))
    assert churn == pytest.approx(0.25 / 3)
    assert rate == pytest.approx((0.15 + 0.20 + 120 / 1210) / 3)
    lin = baremetrics_path(mrr, growth, rate, churn, 2, "linear")
    assert lin[0] == pytest.approx(1209 * (1 - 0.25 / 3) + 490 / 3)  # 1271.58...
    assert lin[0] == pytest.approx(1271.5833, abs=1e-3)
    assert lin[1] == pytest.approx(lin[0] * (1 - 0.25 / 3) + 490 / 3)
    exp = baremetrics_path(mrr, growth, rate, churn, 1, "exponential")
    assert exp[0] == pytest.approx(1209 * (1 + rate - churn))


def test_committed_mrr_takes_off_the_known_scheduled_ends(tiny: Warehouse) -> None:
    frame = CommittedMrr(np.random.default_rng(0)).forecast(tiny, AS_OF, 3)
    # July: a + b + c (c's cancellation is not known yet, d has not started); August: b ended.
    assert frame["median"].tolist() == [180.0, 130.0, 130.0]
    assert (frame["hi-90"] == frame["median"]).all()


def test_auto_ets_is_statsforecast_on_the_known_series(tiny: Warehouse) -> None:
    from statsforecast.models import AutoETS

    # Six months are too few for AutoETS: a ForecastError, as the backtest expects.
    with pytest.raises(ForecastError, match="AutoETS cannot fit 6 months"):
        AutoETSMrr(np.random.default_rng(0)).forecast(tiny, AS_OF, 3)
    # As of 2026-01-01: c churns in July, d joins in July, b churns in August.
    frame = AutoETSMrr(np.random.default_rng(0)).forecast(tiny, date(2026, 1, 1), 3, level=[80])
    y = np.asarray([100.0, 150, 180, 220, 180, 180, 170, 120, 120, 120, 120, 120])
    direct = AutoETS(season_length=1).fit(y).predict(3, level=[80])
    assert frame["median"].to_numpy() == pytest.approx(direct["mean"])
    assert frame["lo-80"].to_numpy() == pytest.approx(direct["lo-80"])


def test_misuse(tiny: Warehouse) -> None:
    with pytest.raises(ForecastError, match="growth type"):
        BaremetricsForecast(growth="quadratic")
    with pytest.raises(ForecastError, match="No MRR known"):
        CommittedMrr().fit(tiny, date(2024, 6, 1))
