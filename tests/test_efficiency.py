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

from decimal import Decimal

import pandas as pd
import pytest

from fixtures.gtm.company import AS_OF, build
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
    frame = _q(wh, name, split)
    return {str(k): float(v) for k, v in zip(frame[split], frame["value"], strict=True)}


def test_sm_spend_new_customers_and_cac(company: Warehouse) -> None:
    assert value(company, "sm_spend") == 34_000
    assert value(company, "new_customers") == 3
    assert value(company, "new_arr") == 18_000  # 1,500 x 12
    # 34,000 / 3 = 11,333.33 (rounded to the cent)
    cac = _q(company, "cac")["value"].iloc[0]
    assert cac == Decimal("11333.33")


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


def test_cac_by_channel_allocates_direct_spend_and_shares_the_rest(company: Warehouse) -> None:
    # direct spend Q2: paid_search 2,000 + 1,500 = 3,500; events 500; shared 34,000 - 4,000 =
    # 30,000 by new MRR: paid_search (a1) 200/1,500, events (a2: first lead l2) 1,000/1,500,
    # (none) (a3, no lead) 300/1,500 -> 3,500 + 4,000 = 7,500; 500 + 20,000 = 20,500; 6,000
    assert by(company, "sm_spend", "channel") == {
        "(none)": 6_000,
        "events": 20_500,
        "paid_search": 7_500,
    }
    assert by(company, "cac", "channel") == {
        "(none)": 6_000,
        "events": 20_500,
        "paid_search": 7_500,
    }


def test_cac_by_segment(company: Warehouse) -> None:
    # shared 34,000 by new MRR: smb (a1 + a3) 500/1,500, enterprise (a2) 1,000/1,500
    # smb: 11,333.33 / 2 = 5,666.67; enterprise 22,666.67 / 1
    assert by(company, "cac", "segment") == {"enterprise": 22_666.67, "smb": 5_666.67}


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
    problems = validate_catalogue([bad])
    assert [str(p) for p in problems] == [
        "cac: frame 'ledger' is unknown. Fix: Use one of mrr, gtm."
    ]
