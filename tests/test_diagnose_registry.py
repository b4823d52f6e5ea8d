"""Diagnose's shared figures are the registry's metrics (issue 12, section 1).

The average new ARR per new customer is the ratio ``new_arr_per_customer`` over the trailing 12
months (its inputs summed over the months), and the yield of an accepted or a qualified lead
is the conversion metric ``sal_to_closed_won_rate`` / ``sql_to_closed_won_rate`` over the lead
window's months. Each is checked against the metric computed for a period that is the same
months.
"""

from __future__ import annotations

from decimal import Decimal

from fixtures.gtm.company import build
from fixtures.gtm.funnel import TABLES
from fixtures.mrr.rows import load
from revline.analyses.diagnose.context import Context
from revline.metrics import compute_many
from revline.warehouse import Warehouse


def test_average_new_arr_is_the_registry_ratio() -> None:
    """Period 2025-Q4: the trailing 12 months are the year 2025 (to date: the company's data
    ends on 2025-06-30). New in 2025: a0, a4 (January, 100 a month each), a1 (April, 200), a2
    (May, 1,000), a3 (June, 300): (100 + 100 + 200 + 1,000 + 300) x 12 / 5 = 4,080."""
    with Warehouse.create(":memory:") as wh:
        build(wh)
        ctx = Context.build(wh, "2025-Q4")
        got = ctx.avg_new_arr(None)[""]
        year = compute_many(["new_arr_per_customer"], "2025", warehouse=wh, settings=ctx.settings)
        assert year["new_arr_per_customer"]["value"].iloc[0] == Decimal("4080.00")
        assert got.quantize(Decimal("0.01")) == Decimal("4080.00")
        by = ctx.avg_new_arr("segment")
        seg = compute_many(
            ["new_arr_per_customer"], "2025", "segment", warehouse=wh, settings=ctx.settings
        )["new_arr_per_customer"]
        for group, value in zip(seg["segment"], seg["value"], strict=True):
            if value is not None:
                assert by[str(group)].quantize(Decimal("0.01")) == value, group


def test_lead_yields_are_the_registry_conversions() -> None:
    """Period 2025-Q2: the lead window is 2024-06 to 2025-04, holding the funnel's Q1 (the
    docstring of tests/test_conversion_metrics.py): SAL -> won 1/3 (L1 of L1, L2, L6), SQL ->
    won 2/3 (L1, L5 of L1, L2, L5)."""
    with Warehouse.create(":memory:") as wh:
        load(wh, TABLES)
        ctx = Context.build(wh, "2025-Q2")
        names = ["sal_to_closed_won_rate", "sql_to_closed_won_rate"]
        q1 = compute_many(names, "2025-Q1", warehouse=wh, settings=ctx.settings)
        registry = {n: float(f["value"].iloc[0]) for n, f in q1.items()}
        assert registry == {"sal_to_closed_won_rate": 1 / 3, "sql_to_closed_won_rate": 2 / 3}
        assert ctx.lead_to_customer == {
            "sal": registry["sal_to_closed_won_rate"],
            "sql": registry["sql_to_closed_won_rate"],
        }
