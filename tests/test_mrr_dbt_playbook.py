"""revline's monthly movements on dbt Labs' MRR playbook data (../shared/data/dbt-mrr-playbook).

The file has 121 subscription periods of 55 customers with a flat monthly amount; end dates are
exclusive and always the first of a month (PROVENANCE.md). The oracle here is written
independently from revline: it expands each period to its months (start <= M < end) in plain
Python and classifies each customer-month by the playbook's categories. Three customers are also
checked by hand against the rows of the file.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import shared_dataset
from fixtures.mrr.rows import load
from revline.model import bridge, build_model, movements
from revline.model.periods import month_index, month_start
from revline.settings import MetricSettings
from revline.warehouse import Warehouse

pytestmark = pytest.mark.realdata
AS_OF = date(2020, 3, 31)


def _periods(folder: Path) -> list[dict[str, str]]:
    with (folder / "subscription_periods.csv").open(newline="") as handle:
        return list(csv.DictReader(handle))


def _oracle(periods: list[dict[str, str]]) -> set[tuple[str, str, str, Decimal]]:
    """(customer, YYYY-MM, movement, amount) for every movement other than unchanged."""
    mrr: dict[str, dict[int, Decimal]] = defaultdict(dict)
    for p in periods:
        first = month_index(date.fromisoformat(p["start_date"]))
        end = month_index(date.fromisoformat(p["end_date"]))  # exclusive
        for idx in range(first, end):
            mrr[p["customer_id"]][idx] = Decimal(p["monthly_amount"])
    out = set()
    for customer, months in mrr.items():
        seen = False
        for idx in range(min(months), month_index(AS_OF) + 1):
            now, before = months.get(idx, Decimal(0)), months.get(idx - 1, Decimal(0))
            label = f"{month_start(idx):%Y-%m}"
            if now and not before:
                out.add((customer, label, "reactivation" if seen else "new", now))
            elif before and not now:
                out.add((customer, label, "churn", before))
            elif now > before:
                out.add((customer, label, "expansion", now - before))
            elif now < before:
                out.add((customer, label, "contraction", before - now))
            seen = seen or bool(now)
    return out


def test_dbt_playbook_movements_match_an_independent_computation() -> None:
    periods = _periods(shared_dataset("dbt-mrr-playbook"))
    assert len(periods) == 121
    rows = [
        {
            "subscription_id": p["subscription_id"],
            "account_id": p["customer_id"],
            "quantity": 1,
            "unit_amount": p["monthly_amount"],
            "billing_interval": "month",
            "currency": "USD",
            "start_at": p["start_date"],
            "end_at": p["end_date"],
            "source": "dbt-mrr-playbook",
        }
        for p in periods
    ]
    with Warehouse.create(":memory:") as wh:
        load(wh, {"subscriptions": rows})
        with build_model(wh.ibis, MetricSettings(as_of=AS_OF)) as model:
            moves = wh.ibis.execute(movements(model))
            monthly = wh.ibis.execute(bridge(model))

    got = {
        (r.account_id, f"{month_start(int(r.month_idx)):%Y-%m}", r.movement, r.amount)
        for r in moves.itertuples()
        if r.movement != "unchanged"
    }
    assert got == _oracle(periods)

    # By hand, from the file's rows:
    # customer 1: 50 from 2018-11 to 2019-02 (exclusive), 50 from 2019-04, 75 from 2019-06 to
    # 2019-08 -> new Nov 2018, churn Feb 2019, reactivation Apr 2019, expansion +25 Jun 2019,
    # churn 75 Aug 2019.
    assert {m for m in got if m[0] == "1"} == {
        ("1", "2018-11", "new", Decimal(50)),
        ("1", "2019-02", "churn", Decimal(50)),
        ("1", "2019-04", "reactivation", Decimal(50)),
        ("1", "2019-06", "expansion", Decimal(25)),
        ("1", "2019-08", "churn", Decimal(75)),
    }
    # customer 5: 50, 25 (Dec 2018 - Feb 2019), gap, 50, 25, 50, 25 (Oct-Nov), 40 (Dec 2019).
    assert {m for m in got if m[0] == "5"} == {
        ("5", "2018-11", "new", Decimal(50)),
        ("5", "2018-12", "contraction", Decimal(25)),
        ("5", "2019-03", "churn", Decimal(25)),
        ("5", "2019-07", "reactivation", Decimal(50)),
        ("5", "2019-08", "contraction", Decimal(25)),
        ("5", "2019-09", "expansion", Decimal(25)),
        ("5", "2019-10", "contraction", Decimal(25)),
        ("5", "2019-12", "expansion", Decimal(15)),
        ("5", "2020-01", "churn", Decimal(40)),
    }
    # customer 8: 65 from 2019-04, renewed back-to-back at 65 on 2019-05-01 -> no movement.
    assert {m for m in got if m[0] == "8"} == {
        ("8", "2019-04", "new", Decimal(65)),
        ("8", "2019-12", "churn", Decimal(65)),
    }
    # Reactivations happen, and only for the three customers with a real gap.
    assert len({m[0] for m in got if m[2] == "reactivation"}) == 3

    for row in monthly.itertuples():
        flows = row.new + row.reactivation + row.expansion - row.contraction - row.churn
        assert row.start + flows == row.end
    assert monthly.iloc[-1].end == Decimal(0)  # every period has ended by March 2020
