"""Efficiency metrics on the hand-built company of tests/fixtures/gtm/company.py (2025-Q2).

Fully loaded S&M cost in 2025-Q2 (April-June):
  sales salaries 3 x 10,000 = 30,000
  marketing programs booked in April = 2,000 (April's 2,000 paid_search spend is the same money)
  May spend, not booked as programs: paid_search 1,500 + events 500 = 2,000
  customer success and G&A are not acquisition cost
  total = 34,000.   2025-Q1: sales salaries 3 x 8,000 = 24,000.
New customers (MRR model, first paying month) in Q2: a1 (200), a2 (1,000), a3 (300): 3, new MRR
1,500. Gross margin Q2 = (800 + 960 + 1,120) / (1,000 + 1,200 + 1,400) = 2,880 / 3,600 = 0.8.
"""

from __future__ import annotations

import math
from datetime import date
from decimal import Decimal

import pandas as pd
import pytest

from fixtures.gtm.company import AS_OF, build
from fixtures.mrr.rows import load
from revline.errors import ConfigError
from revline.metrics import REGISTRY, compute, compute_many
from revline.metrics.gtm_frame import GtmSettings
from revline.warehouse import Warehouse

Q2 = "2025-Q2"


@pytest.fixture(scope="module")
def company(tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    wh = Warehouse.create(tmp_path_factory.mktemp("gtm") / "gtm.duckdb")
    return build(wh)


def _q(wh: Warehouse, name: str, by: str | None = None, **settings: object) -> pd.DataFrame:
    frame = compute(
        name, "quarter", by, warehouse=wh, settings=GtmSettings(as_of=AS_OF, **settings)
    )
    return frame[frame["period"] == Q2]


def value(wh: Warehouse, name: str, **settings: object) -> float:
    return float(_q(wh, name, **settings)["value"].iloc[0])


def by(wh: Warehouse, name: str, split: str) -> dict[str, float]:
    """Each group's value (NaN where it is undefined)."""
    frame = _q(wh, name, split)
    values = (math.nan if pd.isna(v) else float(v) for v in frame["value"])
    return {str(k): v for k, v in zip(frame[split], values, strict=True)}


def test_sm_spend_new_customers_and_cac(company: Warehouse) -> None:
    assert value(company, "sm_spend") == 34_000
    assert value(company, "new_customers") == 3
    assert value(company, "new_arr") == 18_000  # 1,500 x 12
    # 34,000 / 3 = 11,333.33 (rounded to the cent)
    cac = _q(company, "cac")["value"].iloc[0]
    assert cac == Decimal("11333.33")
    # new ARR per new customer: 18,000 / 3 = 6,000; by segment (module docstring): smb a1
    # 200 x 12 and a3 300 x 12 -> (2,400 + 3,600) / 2 = 3,000; enterprise a2 1,000 x 12 =
    # 12,000; the inputs' (none) group (cost no segment carries) has no new customer: no value
    per = _q(company, "new_arr_per_customer")["value"].iloc[0]
    assert per == Decimal("6000.00")
    frame = compute(
        "new_arr_per_customer",
        "2025-Q2",
        "segment",
        warehouse=company,
        settings=GtmSettings(as_of=AS_OF),
    )
    assert dict(zip(frame["segment"], frame["value"], strict=True)) == {
        "enterprise": Decimal("12000.00"),
        "smb": Decimal("3000.00"),
        "(none)": None,
    }


def test_gross_margin(company: Warehouse) -> None:
    # (800 + 960 + 1,120) / (1,000 + 1,200 + 1,400) = 2,880 / 3,600 (module docstring)
    assert value(company, "gross_margin") == pytest.approx(0.8)
    # a period without financials falls back to the gross_margin setting
    frame = compute("gross_margin", "2024-Q1", warehouse=company, settings=GtmSettings(as_of=AS_OF))
    assert frame["value"].tolist() == [pytest.approx(GtmSettings().gross_margin)]


def test_cac_payback_ratio_and_magic_number(company: Warehouse) -> None:
    # CAC / (new MRR per customer x margin) = 34,000 / (1,500 x 0.8) = 28.333 months
    assert value(company, "cac_payback_months") == pytest.approx(34_000 / 1_200)
    # new ARR / S&M = 18,000 / 34,000
    assert value(company, "cac_ratio") == pytest.approx(18_000 / 34_000)
    # revenue Q2 3,600, Q1 600 + 700 + 800 = 2,100: (1,500 x 4) / Q1 S&M 24,000 = 0.25
    assert value(company, "magic_number") == pytest.approx(0.25)


def test_rule_of_40_names_its_margin_basis(company: Warehouse) -> None:
    # growth: Q2 2025 3,600 vs Q2 2024 900 -> 3.0; EBITDA margin -30,000 / 3,600 = -8.3333
    frame = _q(company, "rule_of_40")
    assert float(frame["value"].iloc[0]) == pytest.approx(3.0 - 30_000 / 3_600)
    assert set(frame["margin_basis"]) == {"ebitda"}
    # operating profit: -33,000 / 3,600 = -9.1667
    frame = _q(company, "rule_of_40", profit_margin_basis="operating_profit")
    assert float(frame["value"].iloc[0]) == pytest.approx(3.0 - 33_000 / 3_600)
    assert set(frame["margin_basis"]) == {"operating_profit"}
    with pytest.raises(ConfigError, match="profit margin basis"):
        GtmSettings(profit_margin_basis="ebit")  # type: ignore[arg-type]


def test_revenue_per_employee(company: Warehouse) -> None:
    # annualised revenue 3,600 x 4 = 14,400; in post on 2025-06-30: e1, e2, e3, e6 (e4 left in
    # May, e5 starts in July) -> 14,400 / 4 = 3,600
    assert value(company, "revenue_per_employee") == 3_600


# Shared cost is allocated by opportunity-months (gtm_costs.ALLOCATION_KEYS). Non-renewal deals
# open in Q2 (April-June, as of June): o1 (a1) April = 1; o2 (a2) April, May = 2; no account:
# o3 April, May = 2, o4 May, June = 2, o5 (open) May, June = 2, o6 (open) June = 1; o7 is a
# renewal, o8 closed in Q1. Total 10: a1 1, a2 2, no account 7.


def test_cac_by_channel_allocates_direct_spend_and_shares_the_rest(company: Warehouse) -> None:
    # direct spend Q2: paid_search 2,000 + 1,500 = 3,500; events 500; shared 34,000 - 4,000 =
    # 30,000 by opportunity-months: paid_search (a1) 1/10 = 3,000; events (a2: first lead l2)
    # 2/10 = 6,000; (none) 7/10 = 21,000 -> 6,500; 6,500; 21,000 (sum 34,000)
    assert by(company, "sm_spend", "channel") == {
        "(none)": 21_000,
        "events": 6_500,
        "paid_search": 6_500,
    }
    # one new customer each: a1 paid_search, a2 events, a3 (none)
    assert by(company, "cac", "channel") == {
        "(none)": 21_000,
        "events": 6_500,
        "paid_search": 6_500,
    }


def test_cac_by_segment(company: Warehouse) -> None:
    # 34,000 by opportunity-months: smb (a1) 1/10 = 3,400, enterprise (a2) 2/10 = 6,800,
    # deals without an account 7/10 = 23,800 in (none)
    assert by(company, "sm_spend", "segment") == {
        "(none)": 23_800,
        "enterprise": 6_800,
        "smb": 3_400,
    }
    # smb: 3,400 / 2 (a1, a3) = 1,700; enterprise 6,800 / 1; (none) has no new customer
    cac = by(company, "cac", "segment")
    assert {k: v for k, v in cac.items() if k != "(none)"} == {"enterprise": 6_800, "smb": 1_700}
    assert math.isnan(cac["(none)"])


def test_cac_payback_and_ratio_per_group(company: Warehouse) -> None:
    # Issue 12: both were the company's value in every group (cost followed new MRR).
    # By region (margin 0.8): emea (a1) cost 1/10 x 34,000 = 3,400, new MRR 200; north_america
    # (a2, a3)
    # cost 6,800, new MRR 1,300; (none) 23,800, no new MRR.
    payback = by(company, "cac_payback_months", "region")
    assert payback["emea"] == pytest.approx(3_400 / (200 * 0.8))  # 21.25
    assert payback["north_america"] == pytest.approx(6_800 / (1_300 * 0.8))  # 6.54
    assert math.isnan(payback["(none)"])
    ratio = by(company, "cac_ratio", "region")
    assert ratio["emea"] == pytest.approx(200 * 12 / 3_400)  # 0.71
    assert ratio["north_america"] == pytest.approx(1_300 * 12 / 6_800)  # 2.29
    assert ratio["(none)"] == 0
    # by channel: paid_search 6,500 / (200 x 0.8); events 6,500 / (1,000 x 0.8);
    # (none) 21,000 / (300 x 0.8)
    assert by(company, "cac_payback_months", "channel") == pytest.approx(
        {"paid_search": 6_500 / 160, "events": 6_500 / 800, "(none)": 21_000 / 240}
    )
    assert by(company, "cac_ratio", "channel") == pytest.approx(
        {"paid_search": 2_400 / 6_500, "events": 12_000 / 6_500, "(none)": 3_600 / 21_000}
    )


def test_shared_cost_falls_back_when_a_period_has_no_selling(wh: Warehouse) -> None:
    # Issue 12: with 8,700 of S&M and no new MRR, --by segment gave no rows and --by channel
    # 700 (the shared 8,000 followed new MRR, of which there was none).
    # b1 (smb, lead on webinar) and b2 (enterprise) pay from 2024-01; no opportunity anywhere.
    # 2024-Q3: salaries 8,000 + webinar spend 700 (no programs booked): 8,700, no new MRR,
    # no selling -> by segment all 8,700 is shared, by channel 8,000 (the 700 is direct to
    # webinar), split by customers paying at the end of September, 1 each.
    # 2023-Q4: salaries 5,000, no customer and no deal -> all in (none).
    sub = {"quantity": 1, "currency": "USD", "billing_interval": "month", "interval_count": 1}
    load(
        wh,
        {
            "accounts": [
                {"account_id": "b1", "name": "B1", "segment": "smb"},
                {"account_id": "b2", "name": "B2", "segment": "enterprise"},
            ],
            "leads": [
                {
                    "lead_id": "l1",
                    "account_id": "b1",
                    "channel": "webinar",
                    "created_at": "2023-12-01",
                }
            ],
            "subscriptions": [
                {
                    **sub,
                    "subscription_id": "s1",
                    "account_id": "b1",
                    "unit_amount": "100",
                    "start_at": "2024-01-01",
                },
                {
                    **sub,
                    "subscription_id": "s2",
                    "account_id": "b2",
                    "unit_amount": "900",
                    "start_at": "2024-01-01",
                },
            ],
            "expenses": [
                {
                    "expense_id": "x1",
                    "month": "2024-08-01",
                    "function": "sales",
                    "category": "salaries",
                    "amount": "8000",
                    "currency": "USD",
                },
                {
                    "expense_id": "x2",
                    "month": "2023-11-01",
                    "function": "sales",
                    "category": "salaries",
                    "amount": "5000",
                    "currency": "USD",
                },
            ],
            "marketing_spend": [
                {
                    "spend_id": "m1",
                    "spend_date": "2024-07-15",
                    "channel": "webinar",
                    "amount": "700",
                    "currency": "USD",
                }
            ],
        },
    )
    settings = GtmSettings(as_of=date(2024, 12, 31))

    def split(period: str, name: str, on: str) -> dict[str, float]:
        frame = compute(name, period, on, warehouse=wh, settings=settings)
        return {str(k): float(v) for k, v in zip(frame[on], frame["value"], strict=True)}

    assert split("2024-Q3", "sm_spend", "segment") == {"enterprise": 4_350, "smb": 4_350}
    assert split("2024-Q3", "sm_spend", "channel") == {"(none)": 4_000, "webinar": 4_700}
    assert split("2023-Q4", "sm_spend", "segment") == {"(none)": 5_000}
    assert split("2023-Q4", "sm_spend", "region") == {"(none)": 5_000}


def test_ltv_cac(company: Warehouse) -> None:
    cac = 34_000 / 3
    if "ltv" in REGISTRY:  # the registry's LTV when one is declared
        ltv = float(_q(company, "ltv")["value"].iloc[0])
    else:
        # ARPA June = (100 + 200 + 1,000 + 300) / 4 = 400; Q2 churn: a0, a4 paying in March,
        # a4 gone in June -> 0.5 a quarter -> monthly 1 - 0.5^(1/3); LTV = 400 x 0.8 / monthly
        ltv = 400 * 0.8 / (1 - 0.5 ** (1 / 3))
    assert value(company, "ltv_cac") == pytest.approx(ltv / cac)


def test_unsupported_breakdown_is_a_clear_error(company: Warehouse) -> None:
    with pytest.raises(ConfigError, match="magic_number"):
        compute("magic_number", Q2, "segment", warehouse=company)
    with pytest.raises(ConfigError, match="breakdown"):
        compute("cac", Q2, "colour", warehouse=company)


def test_mrr_metrics_still_compute_beside_gtm_ones(company: Warehouse) -> None:
    out = compute_many(["mrr", "cac"], Q2, warehouse=company, settings=GtmSettings(as_of=AS_OF))
    assert out["mrr"]["value"].iloc[0] == Decimal("1600.00")  # 100 + 200 + 1,000 + 300


def test_the_catalogue_checks_the_frame_kind() -> None:
    from dataclasses import replace

    from revline.metrics import validate_catalogue

    bad = replace(REGISTRY["cac"], frame="ledger")
    # checked within the catalogue, where its inputs (sm_spend, new_customers) are declared
    problems = validate_catalogue([bad if m.name == "cac" else m for m in REGISTRY.values()])
    assert [str(p) for p in problems] == [
        "cac: frame 'ledger' is unknown. Fix: Use one of mrr, gtm."
    ]
