"""Cohort matrices, LTV and TCV on hand-computed companies.

Six-customer company (tests/fixtures/mrr/company.py), MRR by month, January to June 2025:

    A 100 100 100 100 150 150      B 200 200 200 200   0   0      E  50  50   0   0  70  70
    C   -  100 100  60  60  60     F   -  40  40   0   0  40      D   -   -   -  80  80  80

January cohort (A 100, B 200, E 50; start 350), by months since start:
  0: 3/3, net 350/350          1: 3/3, 350/350            2: 2/3 (E gone), 300/350
  3: 2/3, 300/350              4: 2/3 (B gone, E back), net (150 + 70) / 350 = 220/350,
                                  gross: A 100, B 0, E 0 (gone at 2: its return in
                                  May is a reactivation, not retained) = 100/350;   5: as 4.
February cohort (C 100, F 40; start 140): 0 and 1: all; 2 (April): C 60, F 0 -> logo 1/2,
  net 60/140, gross 60/140; 3: same; 4 (June): F back -> logo 2/2, net 100/140, gross still
  60/140 (C's 60 is the lowest it paid, F's 0 too).
Q1 pooled (A, B, E from January, C, F from February), offsets observable up to 3 (March + 3 =
June): at 3, A 100 (Apr), B 200 (Apr), E 0 (Apr), C 60 (May), F 0 (May) -> 3/5, 360/490.

LTV, 2025-Q2 (last month June; trailing months January to June): monthly logo churn
  Jan: nobody paying in December (no rate); Feb 0/3; Mar E 1/5; Apr F 1/4; May B 1/4; Jun 0/4
  -> mean (0 + 0.2 + 0.25 + 0.25 + 0) / 5 = 0.14. ARPA June = 400 / 5 = 80.
  Without financials: 80 x 0.75 (the gross_margin setting) / 0.14 = 428.5714... -> 428.57.
  With financials January-June revenue 1,000 each, gross profit 800 (January-May) and, in June,
  no gross profit but cost of revenue 300 (profit 700): margin 4,700 / 6,000 -> 80 x
  0.78333... / 0.14 = 447.619... -> 447.62 (December 2024 lies outside the six months).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from fixtures.mrr.company import TABLES as COMPANY
from fixtures.mrr.rows import load
from revline.metrics import compute
from revline.metrics.frame import build_frame
from revline.metrics.lifetime_sbg import lifetimes
from revline.model import build_model
from revline.model.sbg import ShiftedBetaGeometric
from revline.settings import MetricSettings
from revline.warehouse import Warehouse

JUNE = MetricSettings(as_of=date(2025, 6, 30))


@pytest.fixture(scope="module")
def company() -> Iterator[Warehouse]:
    with Warehouse.create(":memory:") as wh:
        load(wh, COMPANY)
        yield wh


def matrix(wh: Warehouse, name: str, period: str) -> dict[int, float]:
    frame = compute(name, period, warehouse=wh, settings=JUNE)
    assert set(frame.period) == {period}
    return dict(zip(frame.months_since_start, frame.value, strict=True))


def test_cohort_matrices_of_the_january_cohort(company: Warehouse) -> None:
    logo = matrix(company, "cohort_logo_retention", "2025-01")
    assert logo == pytest.approx({0: 1, 1: 1, 2: 2 / 3, 3: 2 / 3, 4: 2 / 3, 5: 2 / 3})
    net = matrix(company, "cohort_nrr", "2025-01")
    assert net == pytest.approx(
        {0: 1, 1: 1, 2: 300 / 350, 3: 300 / 350, 4: 220 / 350, 5: 220 / 350}
    )
    gross = matrix(company, "cohort_revenue_retention", "2025-01")
    assert gross == pytest.approx(
        {0: 1, 1: 1, 2: 300 / 350, 3: 300 / 350, 4: 100 / 350, 5: 100 / 350}
    )
    assert all(gross[k] <= net[k] + 1e-12 for k in net)


def test_cohort_matrices_of_february_and_a_pooled_quarter(company: Warehouse) -> None:
    assert matrix(company, "cohort_logo_retention", "2025-02") == pytest.approx(
        {0: 1, 1: 1, 2: 0.5, 3: 0.5, 4: 1}
    )
    assert matrix(company, "cohort_nrr", "2025-02")[4] == pytest.approx(100 / 140)
    # issue 12: gross retention rose when F came back (60/140 -> 100/140)
    assert matrix(company, "cohort_revenue_retention", "2025-02") == pytest.approx(
        {0: 1, 1: 1, 2: 60 / 140, 3: 60 / 140, 4: 60 / 140}
    )
    q1 = matrix(company, "cohort_logo_retention", "2025-Q1")
    assert sorted(q1) == [0, 1, 2, 3]
    assert q1[3] == pytest.approx(3 / 5)
    assert matrix(company, "cohort_nrr", "2025-Q1")[3] == pytest.approx(360 / 490)


def test_every_cohort_by_segment(company: Warehouse) -> None:
    frame = compute("cohort_logo_retention", "month", "segment", warehouse=company, settings=JUNE)
    assert list(frame.columns) == ["period", "to_date", "segment", "months_since_start", "value"]
    # April's only new customer is D (smb), still paying two months later.
    april = frame[frame.period == "2025-04"]
    assert list(april.segment) == ["smb"] * 3
    assert list(april.value) == [1.0, 1.0, 1.0]


def test_ltv_with_the_gross_margin_setting(company: Warehouse) -> None:
    frame = compute("ltv", "2025-Q2", warehouse=company, settings=JUNE)
    assert frame.value.iloc[0] == Decimal("428.57")


def _financial(month: str, revenue: str, profit: str | None, cost: str | None) -> dict[str, Any]:
    return {
        "financial_id": month,
        "month": month,
        "revenue": revenue,
        "gross_profit": profit,
        "cost_of_revenue": cost,
        "currency": "USD",
    }


def test_ltv_with_gross_margin_from_financials() -> None:
    months = [f"2025-0{m}-01" for m in range(1, 6)]
    financials = [_financial(m, "1000", "800", None) for m in months]
    financials += [
        _financial("2025-06-01", "1000", None, "300"),
        _financial("2024-12-01", "1000", "0", None),
    ]
    with Warehouse.create(":memory:") as wh:
        load(wh, {**COMPANY, "financials": financials})
        frame = compute("ltv", "2025-Q2", warehouse=wh, settings=JUNE)
    assert frame.value.iloc[0] == Decimal("447.62")


def _sub(sid: str, start: str, end: str | None, amount: str, **extra: Any) -> dict[str, Any]:
    row = {
        "subscription_id": sid,
        "account_id": "T",
        "quantity": 1,
        "unit_amount": amount,
        "currency": "USD",
        "start_at": start,
        "end_at": end,
    }
    return {**row, **extra}


def test_tcv_from_committed_terms() -> None:
    # t1 100/month for 2025-01-15 .. 2026-01-15: 12 months -> 1,200 (January).
    # t2 1,200/year, open-ended: MRR 100 x one yearly cycle of 12 months -> 1,200 (January).
    # t3 50/month for 2025-01-10 .. 2025-04-05: 2 whole months (04-10 would be 3) -> 100.
    #    It counts in January (running at the month-end snapshot).
    # t4 300/quarter, open-ended from 2025-02-01: MRR 100 x 3 months -> 300 (February).
    # January 1,200 + 1,200 + 100 = 2,500; February 300; Q1 2,800.
    subs = [
        _sub("t1", "2025-01-15", "2026-01-15", "100"),
        _sub("t2", "2025-01-01", None, "1200", billing_interval="year"),
        _sub("t3", "2025-01-10", "2025-04-05", "50"),
        _sub("t4", "2025-02-01", None, "300", billing_interval="quarter"),
    ]
    settings = MetricSettings(as_of=date(2025, 3, 31))
    with Warehouse.create(":memory:") as wh:
        load(wh, {"accounts": [{"account_id": "T", "name": "T"}], "subscriptions": subs})
        months = compute("tcv", "month", warehouse=wh, settings=settings)
        quarter = compute("tcv", "2025-Q1", warehouse=wh, settings=settings)
    assert list(months.value) == [Decimal("2500.00"), Decimal("300.00"), Decimal("0.00")]
    assert quarter.value.iloc[0] == Decimal("2800.00")


def test_ltv_from_the_sbg_model(company: Warehouse) -> None:
    # Lifetimes at the end of Q2 (June), months from the first paying month:
    #   churned: E (Jan -> Mar) 2, F (Feb -> Apr) 2, B (Jan -> May) 4;
    #   still active: A (Jan) 5, C (Feb) 4, D (Apr) 2 (E and F came back: ignored, contractual).
    # ltv_sbg = ARPA 80 x margin 0.75 x sum_{t<60} S(t) with the sBG fitted to those counts.
    with build_model(company.ibis, JUNE) as model:
        frame = build_frame(model, "2025-Q2", None)
        counts = company.ibis.execute(lifetimes(frame))
    got = {(r.status, int(r.t)): int(r.customers) for r in counts.itertuples()}
    assert got == {
        ("churned", 2): 2,
        ("churned", 4): 1,
        ("alive", 5): 1,
        ("alive", 4): 1,
        ("alive", 2): 1,
    }
    fitted = ShiftedBetaGeometric().fit_counts({2: 2, 4: 1}, {5: 1, 4: 1, 2: 1})
    expected = Decimal(f"{80 * 0.75 * fitted.expected_lifetime(horizon=60):.2f}")
    value = compute("ltv_sbg", "2025-Q2", warehouse=company, settings=JUNE).value.iloc[0]
    assert value == expected
    # A shorter horizon counts fewer months.
    short = MetricSettings(as_of=date(2025, 6, 30), ltv_horizon_months=12)
    assert compute("ltv_sbg", "2025-Q2", warehouse=company, settings=short).value.iloc[0] < value
