"""Trailing-twelve-month retention, customers who joined and left, the channel breakdown and the
drill-down to customer-month rows, on hand-computed companies.

The trailing company (USD, monthly prices, month-end snapshots, as of 2025-05-31):

    X  100 from 2024-01-01; a second subscription of 50 from 2025-01-01   (email lead)
    Y  200 from 2024-01-01 to 2025-03-01 (churns in March 2025)           (referral, via deal)
    Z  100 from 2024-01-01 to 2024-10-01, then 60 from 2024-10-01         (no lead)
    W   80 from 2024-06-01                                                (no lead)
    V   30 from 2025-01-15 to 2025-03-01 (joins in January, gone in March)

nrr_t12m for 2025-05: cohort paying in 2024-05 = X 100 + Y 200 + Z 100 = 400 (W started in
June). At 2025-05: X 150, Y 0, Z 60 -> NRR = 210 / 400 = 0.525; GRR caps X at 100:
(100 + 0 + 60) / 400 = 0.4. The period-based NRR for 2025-05 (cohort of April: X 150, Z 60,
W 80) is 290 / 290 = 1.0.
2025-Q1: cohort of December 2024 = X, Y, Z, W; at March Y is gone -> customer churn rate 1 / 4.
V joined in January and left in March: not in the cohort, counted by joined_and_left = 1.
Channels: X's earliest lead (2023-11-01, email) wins over its paid_search lead of 2023-12-01;
Y's channel comes from the lead of its opportunity (referral); Z, W and V have none. At the end
of 2024-12: email 1 customer (X 100), referral 1 (Y 200), (none) 2 (Z 60 + W 80 = 140).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from fixtures.mrr.company import TABLES as COMPANY
from fixtures.mrr.rows import load, scenarios
from revline.errors import ConfigError
from revline.metrics import compute, compute_many, rows
from revline.settings import MetricSettings
from revline.warehouse import Warehouse

SETTINGS = MetricSettings(as_of=date(2025, 5, 31))


def _sub(sid: str, account: str, amount: str, start: str, end: str | None) -> dict[str, Any]:
    return {
        "subscription_id": sid,
        "account_id": account,
        "quantity": 1,
        "unit_amount": amount,
        "currency": "USD",
        "start_at": start,
        "end_at": end,
    }


TRAILING = {
    "accounts": [{"account_id": a, "name": a} for a in "XYZWV"],
    "subscriptions": [
        _sub("x1", "X", "100", "2024-01-01", None),
        _sub("x2", "X", "50", "2025-01-01", None),
        _sub("y1", "Y", "200", "2024-01-01", "2025-03-01"),
        _sub("z1", "Z", "100", "2024-01-01", "2024-10-01"),
        _sub("z2", "Z", "60", "2024-10-01", None),
        _sub("w1", "W", "80", "2024-06-01", None),
        _sub("v1", "V", "30", "2025-01-15", "2025-03-01"),
    ],
    "leads": [
        {"lead_id": "L1", "account_id": "X", "channel": "paid_search", "created_at": "2023-12-01"},
        {"lead_id": "L2", "account_id": "X", "channel": "email", "created_at": "2023-11-01"},
        {"lead_id": "L3", "channel": "referral", "created_at": "2023-10-01"},
    ],
    "opportunities": [
        {
            "opportunity_id": "O1",
            "account_id": "Y",
            "lead_id": "L3",
            "opportunity_type": "new",
            "stage": "closed_won",
            "is_closed": True,
            "is_won": True,
            "currency": "USD",
        }
    ],
}


@pytest.fixture(scope="module")
def trailing() -> Iterator[Warehouse]:
    with Warehouse.create(":memory:") as wh:
        load(wh, TRAILING)
        yield wh


def one(wh: Warehouse, name: str, period: str) -> Any:
    frame = compute(name, period, warehouse=wh, settings=SETTINGS)
    assert len(frame) == 1
    return frame.value.iloc[0]


def test_trailing_twelve_month_retention(trailing: Warehouse) -> None:
    assert one(trailing, "nrr_t12m", "2025-05") == pytest.approx(0.525)
    assert one(trailing, "grr_t12m", "2025-05") == pytest.approx(0.4)
    assert one(trailing, "nrr", "2025-05") == pytest.approx(1.0)


def test_joined_and_left_are_counted_apart(trailing: Warehouse) -> None:
    assert one(trailing, "customer_churn_rate", "2025-Q1") == pytest.approx(0.25)
    assert one(trailing, "joined_and_left", "2025-Q1") == 1
    assert one(trailing, "joined_and_left", "2025-05") == 0


def test_breakdown_by_channel(trailing: Warehouse) -> None:
    frame = compute("customers", "2024-12", "channel", warehouse=trailing, settings=SETTINGS)
    assert dict(zip(frame.channel, frame.value, strict=True)) == {
        "email": 1,
        "referral": 1,
        "(none)": 2,
    }
    mrr = compute("mrr", "2024-12", "channel", warehouse=trailing, settings=SETTINGS)
    assert dict(zip(mrr.channel, mrr.value, strict=True))["(none)"] == Decimal("140.00")


# Drill-down on the six-customer company (tests/fixtures/mrr/company.py): every figure of Q2
# 2025 is rebuilt from the rows behind it.
Q2 = MetricSettings(as_of=date(2025, 6, 30))


@pytest.fixture(scope="module")
def company() -> Iterator[Warehouse]:
    with Warehouse.create(":memory:") as wh:
        load(wh, COMPANY)
        yield wh


def _figure(wh: Warehouse, name: str, by: str | None = None) -> Any:
    frame = compute(name, "2025-Q2", by, warehouse=wh, settings=Q2)
    if by:
        return dict(zip(frame[by], frame.value, strict=True))
    return frame.value.iloc[0]


@pytest.mark.parametrize(
    "name", ["new_mrr", "reactivation_mrr", "expansion_mrr", "contraction_mrr", "churned_mrr"]
)
def test_movement_rows_sum_to_the_figure(company: Warehouse, name: str) -> None:
    behind = rows(name, "2025-Q2", warehouse=company, settings=Q2)
    assert not behind.empty
    assert sum(behind.amount) == _figure(company, name)


def test_balance_and_retention_rows_rebuild_the_figures(company: Warehouse) -> None:
    balance = rows("mrr", "2025-Q2", warehouse=company, settings=Q2)
    assert sum(balance.end_mrr) == _figure(company, "mrr") == Decimal("400.00")
    assert set(balance.month) == {date(2025, 6, 1)}
    assert len(balance) == _figure(company, "customers")
    cohort = rows("nrr", "2025-Q2", warehouse=company, settings=Q2)
    # A 100 -> 150, B 200 -> 0, C 100 -> 60, F 40 -> 40 (churned and came back).
    assert dict(zip(cohort.account_id, cohort.movement, strict=True)) == {
        "A": "expansion",
        "B": "churn",
        "C": "contraction",
        "F": "unchanged",
    }
    assert float(sum(cohort.end_mrr) / sum(cohort.start_mrr)) == pytest.approx(
        _figure(company, "nrr")
    )
    net = rows("net_new_mrr", "2025-Q2", warehouse=company, settings=Q2)
    signed = {"new": 1, "reactivation": 1, "expansion": 1, "contraction": -1, "churn": -1}
    total = sum(signed[m] * a for m, a in zip(net.movement, net.amount, strict=True))
    assert total == _figure(company, "net_new_mrr")


def test_rows_by_breakdown_value(company: Warehouse) -> None:
    by_segment = _figure(company, "churned_mrr", "segment")
    for segment, figure in by_segment.items():
        behind = rows("churned_mrr", "2025-Q2", "segment", segment, warehouse=company, settings=Q2)
        assert set(behind.segment) <= {segment}
        assert sum(behind.amount, Decimal(0)) == figure


def test_rows_refuses_what_it_cannot_drill(company: Warehouse) -> None:
    with pytest.raises(ConfigError, match="by_value"):
        rows("mrr", "2025-Q2", by_value="smb", warehouse=company, settings=Q2)
    with pytest.raises(ConfigError, match="Did you mean"):
        rows("nrrr", "2025-Q2", warehouse=company, settings=Q2)


def test_delinquent_churn_is_counted_and_drilled() -> None:
    # tests/fixtures/mrr/12_past_due.yaml (arithmetic in its comment), as of 2025-05-31:
    # a1 churns delinquent in March (100) and comes back in April (reactivation 100); a2 churns
    # delinquent in April (100); a3's second subscription lapses in February (contraction 50,
    # delinquent, but not churn). Q1: churned 100, all of it delinquent; 2025-04: 100, likewise.
    scenario = next(s for s in scenarios() if s["file"] == "12_past_due.yaml")
    with Warehouse.create(":memory:") as wh:
        load(wh, scenario["tables"])
        q1 = compute_many(
            ["churned_mrr", "delinquent_churned_mrr", "contraction_mrr"],
            "2025-Q1",
            warehouse=wh,
            settings=SETTINGS,
        )
        april = compute("delinquent_churned_mrr", "2025-04", warehouse=wh, settings=SETTINGS)
        behind = rows("delinquent_churned_mrr", "2025-04", warehouse=wh, settings=SETTINGS)
        off = MetricSettings(as_of=date(2025, 5, 31), dunning_days=None)
        none = compute("delinquent_churned_mrr", "2025-Q1", warehouse=wh, settings=off)
    assert q1["churned_mrr"].value.iloc[0] == Decimal("100.00")
    assert q1["delinquent_churned_mrr"].value.iloc[0] == Decimal("100.00")
    assert q1["contraction_mrr"].value.iloc[0] == Decimal("50.00")
    assert april.value.iloc[0] == Decimal("100.00")
    assert list(behind.account_id) == ["a2"] and bool(behind.delinquent.iloc[0])
    assert none.value.iloc[0] == Decimal("0.00")


def test_company_without_invoices_has_no_delinquent_churn(company: Warehouse) -> None:
    assert _figure(company, "delinquent_churned_mrr") == Decimal("0.00")
    assert _figure(company, "churned_mrr") == Decimal("240.00")
