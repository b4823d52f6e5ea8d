"""Revenue balances: MRR, ARR, paying customers and ARPA, at the end of each period.

MRR and ARR are balances (../shared/STYLE.md point 2): they sum across customers and take the
period's last month over time, never a sum over months.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from revline.metrics.core import (
    MRR_TABLES,
    Derived,
    Frame,
    Metric,
    Ratio,
    Simple,
    read_input,
)
from revline.metrics.frame import at_period_end, fill_periods
from revline.model.money import CENTS, cents


def _mrr(frame: Frame) -> ir.Table:
    rows = at_period_end(frame)
    values = rows.group_by(["period", *frame.by_cols]).agg(value=rows.mrr.sum().cast(CENTS))
    return fill_periods(frame, values, ibis.literal(0).cast(CENTS))


def _arr(frame: Frame) -> ir.Table:
    mrr = read_input(frame, "mrr")
    return mrr.mutate(value=(mrr.value * 12).cast(CENTS))


def _customers(frame: Frame) -> ir.Table:
    rows = at_period_end(frame)
    values = rows.group_by(["period", *frame.by_cols]).agg(value=rows.account_id.nunique())
    return fill_periods(frame, values, ibis.literal(0).cast("int64"))


def _arpa(frame: Frame) -> ir.Table:
    rows = at_period_end(frame)
    sums = rows.group_by(["period", *frame.by_cols]).agg(
        mrr=rows.mrr.sum().cast(CENTS), customers=rows.account_id.nunique()
    )
    values = sums.select("period", *frame.by_cols, value=cents(sums.mrr, sums.customers))
    return fill_periods(frame, values, None)


def _growth(frame: Frame) -> ir.Table:
    cm = frame.customer_months
    bounds = frame.period_bounds
    at_end = cm.inner_join(bounds, cm.month_idx == bounds.last_idx)
    at_start = cm.inner_join(bounds, cm.month_idx == bounds.first_idx - 1)
    keys = ["period", *frame.by_cols]
    ends = at_end.group_by(keys).agg(end=at_end.mrr.sum().cast("float64"))
    starts = at_start.group_by(keys).agg(start=at_start.mrr.sum().cast("float64"))
    joined = starts.inner_join(ends, keys)
    values = joined.select(*keys, value=joined.end / joined.start - 1)
    return fill_periods(frame, values, None)


METRICS = (
    Metric(
        name="mrr",
        kind=Simple("MRR of each paying customer-month", "balance"),
        description="Monthly recurring revenue at the end of the period: every paying "
        "subscription's price normalised to one month, net of discounts (billed basis), in the "
        "reporting currency. Trials, free plans, taxes and one-time charges are excluded.",
        formula="sum over customers of MRR in the period's last month",
        unit="currency",
        grain="month",
        owner="revops",
        tables=MRR_TABLES,
        compute=_mrr,
    ),
    Metric(
        name="arr",
        kind=Derived(("mrr",), "mrr x 12"),
        description="Annual recurring revenue: the period-end MRR run rate over a year.",
        formula="mrr x 12",
        unit="currency",
        grain="month",
        owner="revops",
        tables=MRR_TABLES,
        compute=_arr,
    ),
    Metric(
        name="customers",
        kind=Simple("paying accounts", "balance", "count distinct"),
        description="Paying customers (accounts with MRR above zero) at the end of the period.",
        formula="count of accounts with MRR > 0 in the period's last month",
        unit="count",
        grain="month",
        owner="revops",
        tables=MRR_TABLES,
        compute=_customers,
    ),
    Metric(
        name="arpa",
        kind=Ratio("mrr", "customers"),
        description="Average revenue per account: period-end MRR per paying customer. There is "
        "no universal band: compare it against your own segments and price points.",
        formula="mrr / customers (rounded half-up to the cent)",
        unit="currency",
        grain="month",
        owner="sales",
        tables=MRR_TABLES,
        compute=_arpa,
    ),
    Metric(
        name="mrr_growth",
        kind=Derived(("mrr",), "mrr / mrr at the end of the previous period - 1"),
        description="Growth of MRR over the period: month on month for a month, quarter on "
        "quarter for a quarter, year on year for a year (empty when MRR was 0 at the start).",
        formula="mrr at the period's end / mrr at the end of the previous period - 1",
        unit="ratio",
        grain="period",
        owner="revops",
        tables=MRR_TABLES,
        compute=_growth,
    ),
)
