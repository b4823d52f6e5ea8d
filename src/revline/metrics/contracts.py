"""Total contract value (TCV) of the subscriptions booked in each period.

The canonical ``opportunities`` table carries an amount (ARR) but no contract term, so TCV comes
from the subscriptions, whose dates are the contract:

- a subscription is **booked** in its first paying month (the first month its MRR is above 0, so
  a trial is booked when it converts);
- its value is its billed MRR in that month (reporting currency, net of discounts) times its
  **committed term** in months: from ``start_at`` to ``end_at`` in whole calendar months (at
  least 1) when ``end_at`` is set; otherwise one billing cycle (``month`` x count, ``quarter``
  3 x count, ``year`` 12 x count; ``week`` and ``day`` cycles commit 1 month), since an
  open-ended subscription commits only to the cycle it has paid for.

Renewals are new subscriptions and are booked again. Usage charges are not contracted.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from revline.metrics.core import MRR_TABLES, Frame, Metric, Simple
from revline.metrics.frame import fill_periods
from revline.model.money import CENTS, times

_CYCLE = {"month": 1, "quarter": 3, "year": 12}


def committed_months(subscriptions: ir.Table, plans: ir.Table) -> ir.Table:
    """``c_sub`` and ``term``: each subscription's committed term in whole months."""
    p = plans.select(
        p_plan=plans.plan_id, p_interval=plans.billing_interval, p_count=plans.interval_count
    )
    s = subscriptions.left_join(p, subscriptions.plan_id == p.p_plan)
    start, end = s.start_at, s.end_at
    months = (end.year() - start.year()) * 12 + end.month() - start.month()
    months = ibis.ifelse(start + months.as_interval("M") > end, months - 1, months)
    interval = s.billing_interval.coalesce(s.p_interval, ibis.literal("month"))
    count = s.interval_count.coalesce(s.p_count, ibis.literal(1)).cast("int64")
    cycle = interval.cases(*_CYCLE.items(), else_=1) * ibis.ifelse(
        interval.isin(tuple(_CYCLE)), count, 1
    )
    term = ibis.ifelse(end.isnull(), cycle, ibis.greatest(months, 1))
    return s.select(c_sub=s.subscription_id, term=term.cast("int64"))


def _tcv(frame: Frame) -> ir.Table:
    model = frame.model
    subs = model.subscription_months
    paying = subs.filter(subs.billed_mrr > 0)
    window = ibis.window(group_by=paying.subscription_id, order_by=paying.month_idx)
    ranked = paying.mutate(rank=ibis.row_number().over(window))
    first = ranked.filter(ranked.rank == 0)
    terms = committed_months(model.backend.table("subscriptions"), model.backend.table("plans"))
    valued = first.inner_join(terms, first.subscription_id == terms.c_sub)
    valued = valued.mutate(tcv=times(valued.billed_mrr, valued.term, 2, 0).cast(CENTS))
    if frame.by or frame.filters:  # the units of the (filtered) frame, with their group
        cm = frame.customer_months
        group = cm[frame.by] if frame.by else ibis.literal("")
        groups = cm.select(*(cm[k].name(f"g_{k}") for k in frame.keys), g_by=group).distinct()
        valued = valued.inner_join(groups, [valued[k] == groups[f"g_{k}"] for k in frame.keys])
        if frame.by:
            valued = valued.mutate(**{frame.by: ibis._.g_by})
    periods = frame.periods
    booked = valued.inner_join(periods, valued.month_idx == periods.month_idx)
    values = booked.group_by(["period", *frame.by_cols]).agg(value=booked.tcv.sum().cast(CENTS))
    return fill_periods(frame, values, ibis.literal(0).cast(CENTS))


METRICS = (
    Metric(
        name="tcv",
        kind=Simple("billed MRR x committed term of subscriptions first paying", "flow"),
        description="Total contract value booked in the period: each subscription's billed MRR "
        "in its first paying month times its committed term (start to end in whole months, or "
        "one billing cycle when open-ended).",
        formula="sum over subscriptions first paying in the period of billed MRR x committed "
        "term months",
        unit="currency",
        grain="month",
        owner="sales",
        tables=MRR_TABLES,
        compute=_tcv,
    ),
)
