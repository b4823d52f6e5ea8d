"""Metric values on the hand-computed company in tests/fixtures/mrr/company.py."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pandas as pd
import pytest

from fixtures.mrr.company import TABLES
from fixtures.mrr.rows import load
from revline.errors import ConfigError, RevlineError
from revline.metrics import compute
from revline.settings import MetricSettings
from revline.warehouse import Warehouse

SETTINGS = MetricSettings(as_of=date(2025, 6, 30))


@pytest.fixture(scope="module")
def company() -> Iterator[Warehouse]:
    with Warehouse.create(":memory:") as wh:
        load(wh, TABLES)
        yield wh


def value(wh: Warehouse, name: str, period: str | None = "2025-Q2") -> object:
    frame = compute(name, period, warehouse=wh, settings=SETTINGS)
    assert list(frame.columns) == ["period", "to_date", "value"]
    assert len(frame) == 1
    return frame.value.iloc[0]


def test_balances_at_the_end_of_the_period(company: Warehouse) -> None:
    assert value(company, "mrr") == Decimal("400.00")
    assert value(company, "arr") == Decimal("4800.00")
    assert value(company, "customers") == 5
    assert value(company, "arpa") == Decimal("80.00")
    assert value(company, "mrr", "2025-Q1") == Decimal("440.00")


def test_movements_over_the_period(company: Warehouse) -> None:
    assert value(company, "new_mrr") == Decimal("80.00")
    assert value(company, "reactivation_mrr") == Decimal("110.00")
    assert value(company, "expansion_mrr") == Decimal("50.00")
    assert value(company, "contraction_mrr") == Decimal("40.00")
    assert value(company, "churned_mrr") == Decimal("240.00")
    assert value(company, "net_new_mrr") == Decimal("-40.00")
    assert value(company, "quick_ratio") == pytest.approx(240 / 280)


def test_retention_over_customers_paying_at_the_period_start(company: Warehouse) -> None:
    assert value(company, "nrr") == pytest.approx(250 / 440)
    assert value(company, "grr") == pytest.approx(200 / 440)
    assert value(company, "logo_retention") == pytest.approx(0.75)
    assert value(company, "customer_churn_rate") == pytest.approx(0.25)
    # (churn 200 + contraction 40 - expansion 50) / 440 = 190 / 440 = 1 - NRR
    assert value(company, "net_mrr_churn_rate") == pytest.approx(190 / 440)


def test_growth_compares_with_the_previous_period(company: Warehouse) -> None:
    assert value(company, "mrr_growth") == pytest.approx(400 / 440 - 1)  # QoQ
    assert value(company, "mrr_growth", "2025-02") == pytest.approx(490 / 350 - 1)  # MoM
    # January has no previous month with MRR: empty, not infinite.
    assert pd.isna(value(company, "mrr_growth", "2025-01"))


def test_monthly_series_by_default(company: Warehouse) -> None:
    frame = compute("mrr", warehouse=company, settings=SETTINGS)
    assert frame.period.tolist() == [
        "2025-01",
        "2025-02",
        "2025-03",
        "2025-04",
        "2025-05",
        "2025-06",
    ]
    assert frame.value.tolist() == [Decimal(v) for v in ("350", "490", "440", "440", "360", "400")]
    quarters = compute("net_new_mrr", "quarter", warehouse=company, settings=SETTINGS)
    # Q1: from 0 to 440; Q2: 440 -> 400.
    assert quarters.value.tolist() == [Decimal("440.00"), Decimal("-40.00")]


def test_breakdown_by_segment(company: Warehouse) -> None:
    mrr = compute("mrr", "2025-06", by="segment", warehouse=company, settings=SETTINGS)
    assert dict(zip(mrr.segment, mrr.value, strict=True)) == {
        "enterprise": Decimal("220.00"),  # A 150 + E 70
        "mid_market": Decimal("40.00"),  # F
        "smb": Decimal("140.00"),  # C 60 + D 80
    }
    nrr = compute("nrr", "2025-Q2", by="segment", warehouse=company, settings=SETTINGS)
    got = dict(zip(nrr.segment, nrr.value, strict=True))
    # enterprise: A 100 -> 150; smb: B 200 -> 0, C 100 -> 60; mid_market: F 40 -> 40.
    assert got == pytest.approx({"enterprise": 1.5, "smb": 60 / 300, "mid_market": 1.0})


def test_breakdown_by_region_and_industry_label_missing_values(company: Warehouse) -> None:
    customers = compute("customers", "2025-06", by="industry", warehouse=company, settings=SETTINGS)
    # A, C software; D retail; F health; E has no industry.
    assert dict(zip(customers.industry, customers.value, strict=True)) == {
        "(none)": 1,
        "health": 1,
        "retail": 1,
        "software": 2,
    }
    regions = compute("mrr", "2025-06", by="region", warehouse=company, settings=SETTINGS)
    assert set(regions.region) == {"apac", "emea", "north_america"}


def test_breakdown_by_plan_treats_each_plan_as_a_unit(company: Warehouse) -> None:
    mrr = compute("mrr", "2025-06", by="plan", warehouse=company, settings=SETTINGS)
    assert dict(zip(mrr.plan, mrr.value, strict=True)) == {
        "basic": Decimal("250.00"),  # C 60 + D 80 + E 70 + F 40
        "pro": Decimal("150.00"),  # A
    }
    # A moving from basic (100) to pro (150) in May: churn on basic, new on pro.
    new = compute("new_mrr", "2025-05", by="plan", warehouse=company, settings=SETTINGS)
    assert dict(zip(new.plan, new.value, strict=True))["pro"] == Decimal("150.00")


def test_unknown_names_suggest_the_closest(company: Warehouse) -> None:
    with pytest.raises(ConfigError, match="Did you mean 'nrr'"):
        compute("nrrr", warehouse=company, settings=SETTINGS)
    with pytest.raises(ConfigError, match="Did you mean 'segment'"):
        compute("mrr", by="segmnt", warehouse=company, settings=SETTINGS)
    with pytest.raises(ConfigError, match="Cannot read period '2025-13'"):
        compute("mrr", "2025-13", warehouse=company, settings=SETTINGS)


def test_settings_are_validated() -> None:
    with pytest.raises(ConfigError, match="Did you mean 'cancellation'"):
        MetricSettings(churn_recognition="cancelation")  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="reporting currency 'XXX'"):
        MetricSettings(reporting_currency="XXX")
    with pytest.raises(ConfigError, match="MRR basis"):
        MetricSettings(mrr_basis="list")  # type: ignore[arg-type]


def test_a_missing_exchange_rate_names_the_currency_and_month() -> None:
    sub = {
        "subscription_id": "s1",
        "account_id": "a1",
        "quantity": 1,
        "unit_amount": "10",
        "currency": "EUR",
        "start_at": "2025-03-10",
    }
    with Warehouse.create(":memory:") as wh:
        load(wh, {"subscriptions": [sub]})
        with pytest.raises(
            RevlineError, match=r"No exchange rate into USD for: EUR \(first needed 2025-03"
        ):
            compute("mrr", warehouse=wh, settings=SETTINGS)
        # Reporting in EUR needs no rate at all.
        eur = compute(
            "mrr", "2025-06", warehouse=wh, settings=MetricSettings("EUR", as_of=date(2025, 6, 30))
        )
        assert eur.value.tolist() == [Decimal("10.00")]
        # No temporary tables are left behind on the connection.
        assert not [t for t in wh.list_tables() if t.startswith("_revline")]


def test_bridge_frame_lists_every_month(company: Warehouse) -> None:
    from revline.metrics import bridge_frame

    frame = bridge_frame(company, SETTINGS)
    assert [f"{m:%Y-%m}" for m in frame.month] == [f"2025-{m:02d}" for m in range(1, 7)]
    june = frame.iloc[-1]
    # June: start 360 (May), F reactivates at 40 -> end 400 with 5 customers.
    assert (june.start, june.reactivation, june.end, june.customers) == (
        Decimal("360.00"),
        Decimal("40.00"),
        Decimal("400.00"),
        5,
    )


def test_compute_many_equals_one_at_a_time(company: Warehouse) -> None:
    from revline.metrics import compute_many

    names = ["mrr", "nrr", "customers", "churned_mrr"]
    together = compute_many(names, "quarter", "segment", warehouse=company, settings=SETTINGS)
    assert list(together) == names
    for name in names:
        alone = compute(name, "quarter", "segment", warehouse=company, settings=SETTINGS)
        pd.testing.assert_frame_equal(together[name], alone)
