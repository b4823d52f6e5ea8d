"""Property test (Hypothesis): a fixed cohort's gross revenue retention never rises with age.

Issue 12: on the synthetic company, EMEA's 2024-Q1 cohort read 75% -> 77% -> 79% over months
17-20. A cohort's members are fixed (its first paying month), so what can raise it is a member
paying more again after paying less: a reactivation, an expansion after a contraction, or an
exchange rate (an EUR customer's MRR in USD moves with the rate). Gross retention keeps each
member's lowest MRR so far (docs/metrics.md, "Cohorts"); on random histories with all three,
in EUR and USD, every cohort of every grain and breakdown is non-increasing in age and at
most 100%, and never above the cohort's NRR.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from itertools import pairwise
from typing import Any

import hypothesis.strategies as st
import pandas as pd
from hypothesis import HealthCheck, given, settings

from fixtures.mrr.rows import load
from revline.metrics.cohorts import METRICS
from revline.metrics.frame import build_frame
from revline.model import build_model
from revline.schema.enums import REGIONS, SEGMENTS
from revline.settings import MetricSettings
from revline.warehouse import Warehouse

MONTHS = [date(2024 + m // 12, m % 12 + 1, 1) for m in range(13)] + [date(2025, 2, 1)]
SETTINGS = MetricSettings(as_of=date(2025, 1, 31))
COHORTS = {m.name: m for m in METRICS}
#: EUR -> USD moving every month, so a EUR customer's MRR in USD goes up and down.
FX = [
    {
        "fx_rate_id": f"r{i}",
        "rate_date": MONTHS[i],
        "base_currency": "EUR",
        "quote_currency": "USD",
        "rate": Decimal("1.10") + Decimal("0.05") * (i % 3),
    }
    for i in range(13)
]


@st.composite
def histories(draw: st.DrawFn) -> dict[str, list[dict[str, Any]]]:
    n = draw(st.integers(1, 5))
    accounts = [
        {
            "account_id": f"a{i}",
            "name": f"A{i}",
            "segment": draw(st.sampled_from(SEGMENTS)),
            "region": draw(st.none() | st.sampled_from(REGIONS[:2])),
        }
        for i in range(n)
    ]
    subscriptions = []
    for i, account in enumerate(accounts):
        month = draw(st.integers(0, 8))
        currency = draw(st.sampled_from(["USD", "EUR"]))
        # back-to-back or with a gap (a reactivation), each at its own price
        for j in range(draw(st.integers(1, 3))):
            end = min(month + draw(st.integers(1, 4)), 13)
            subscriptions.append(
                {
                    "subscription_id": f"s{i}_{j}",
                    "account_id": account["account_id"],
                    "plan_id": draw(st.sampled_from(["p1", "p2"])),
                    "quantity": 1,
                    "unit_amount": Decimal(draw(st.integers(1, 12)) * 25),
                    "currency": currency,
                    "billing_interval": "month",
                    "interval_count": 1,
                    "start_at": MONTHS[month],
                    "end_at": MONTHS[end],
                }
            )
            month = end + draw(st.integers(0, 2))
            if month >= 12:
                break
    return {"accounts": accounts, "subscriptions": subscriptions, "fx_rates": FX}


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(histories())
def test_cohort_gross_retention_never_rises(company: dict[str, list[dict[str, Any]]]) -> None:
    wh = Warehouse.create(":memory:")
    try:
        load(wh, company)
        with build_model(wh.ibis, SETTINGS) as model:
            for grain in ("month", "quarter"):
                for by in (None, "segment", "region", "plan"):
                    frame = build_frame(model, grain, by)
                    gross = wh.ibis.execute(COHORTS["cohort_revenue_retention"].compute(frame))
                    net = wh.ibis.execute(COHORTS["cohort_nrr"].compute(frame))
                    _check(gross, net, ["period", *([by] if by else [])])
    finally:
        wh.close()


def _check(gross: pd.DataFrame, net: pd.DataFrame, cohort: list[str]) -> None:
    keys = [*cohort, "months_since_start"]
    both = gross.merge(net, on=keys, suffixes=("", "_net"), validate="one_to_one")
    assert (both["value"] <= 1 + 1e-12).all()
    assert (both["value"] <= both["value_net"] + 1e-12).all()
    for key, rows in both.sort_values(keys).groupby(cohort):
        values = rows["value"].tolist()
        rises = [(a, b) for a, b in pairwise(values) if b > a + 1e-12]
        assert not rises, (key, values)
