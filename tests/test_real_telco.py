"""IBM "Telco Customer Churn" (../shared/data/ibm-telco-customer-churn, see its PROVENANCE.md):
one period of MRR and churned MRR, checked against an independent pandas computation.

The file is one snapshot: each subscriber's tenure (months), MonthlyCharges and whether it left
in the last period. It is loaded as one monthly subscription per subscriber, priced at
MonthlyCharges, starting ``tenure`` months before the reporting month M (June 2025, an arbitrary
anchor: the file has no dates). Subscribers who left end at the first day of M, so their last
paying month is M - 1 and they churn in M; the others run on. Then, for month M:

- MRR = the MonthlyCharges of the subscribers who stayed;
- churned MRR = the MonthlyCharges of those who left;
- new MRR = the charges of tenure-0 subscribers (they start in M);
- customer churn rate = leavers / subscribers paying at M - 1 (every subscriber with tenure >= 1).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pandas as pd
import pytest

from conftest import shared_dataset
from fixtures.mrr.rows import arrow_rows
from revline.metrics import compute_many
from revline.settings import MetricSettings
from revline.warehouse import Warehouse

pytestmark = pytest.mark.realdata

FILE = "WA_Fn-UseC_-Telco-Customer-Churn.csv"
MONTH = 2025 * 12 + 5  # June 2025
SETTINGS = MetricSettings(as_of=date(2025, 6, 30))


def _month(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}-01"


@pytest.fixture(scope="module")
def telco() -> pd.DataFrame:
    path = shared_dataset("ibm-telco-customer-churn") / FILE
    return pd.read_csv(path, dtype={"MonthlyCharges": str, "TotalCharges": str})


@pytest.fixture(scope="module")
def warehouse(telco: pd.DataFrame) -> Iterator[Warehouse]:
    accounts = [{"account_id": c, "name": c} for c in telco.customerID]
    subscriptions = [
        {
            "subscription_id": f"sub-{customer}",
            "account_id": customer,
            "quantity": 1,
            "unit_amount": charge,
            "currency": "USD",
            "start_at": _month(MONTH - int(tenure)),
            "end_at": _month(MONTH) if churn == "Yes" else None,
        }
        for customer, charge, tenure, churn in zip(
            telco.customerID, telco.MonthlyCharges, telco.tenure, telco.Churn, strict=True
        )
    ]
    with Warehouse.create(":memory:") as wh:
        with wh.transaction():
            wh.append("accounts", arrow_rows("accounts", accounts))
            wh.append("subscriptions", arrow_rows("subscriptions", subscriptions))
        yield wh


def test_one_period_mrr_and_churned_mrr_match_pandas(
    telco: pd.DataFrame, warehouse: Warehouse
) -> None:
    # The independent computation: plain pandas over the file, money as Decimal.
    charges = telco.MonthlyCharges.map(Decimal)
    stayed = telco.Churn == "No"
    left = telco.Churn == "Yes"
    expected_mrr = charges[stayed].sum()
    expected_churned = charges[left].sum()
    expected_new = charges[telco.tenure == 0].sum()
    paying_before = int((telco.tenure >= 1).sum())
    assert int(left.sum()) == 1869 and int(stayed.sum()) == 5174  # as PROVENANCE.md says

    got = compute_many(
        ["mrr", "churned_mrr", "new_mrr", "customers", "customer_churn_rate"],
        "2025-06",
        warehouse=warehouse,
        settings=SETTINGS,
    )
    assert got["mrr"].value.iloc[0] == expected_mrr
    assert got["churned_mrr"].value.iloc[0] == expected_churned
    assert got["new_mrr"].value.iloc[0] == expected_new
    assert got["customers"].value.iloc[0] == int(stayed.sum())
    assert got["customer_churn_rate"].value.iloc[0] == pytest.approx(
        int(left.sum()) / paying_before
    )
