"""MRR movements per customer-month, and the MRR bridge per month.

Customer-months are sparse (one row per customer per month with MRR > 0), so the full
customer x month grid is never built. Each row is compared with the same customer's previous
paying month (a window ``lag``):

- no earlier paying month: **new**;
- the previous paying month is not the month before (a gap): **reactivation**;
- otherwise MRR went up (**expansion**), down (**contraction**) or stayed (**unchanged**).

**Churn** is emitted for the month after a paying month that is not followed by one, unless that
month is after the last month computed. Because every customer's MRR is summed over all of its
subscriptions first, a second subscription is expansion, ending one of several is contraction,
churn happens only when the last one ends, and back-to-back periods with the same amount show
no movement. Every amount is already rounded to the cent, so the bridge reconciles exactly.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from revline.model.money import CENTS, union_all
from revline.model.mrr import MrrModel

MOVEMENTS = ("new", "reactivation", "expansion", "contraction", "churn", "unchanged")
#: Movement sign in the bridge: end = start + new + reactivation + expansion - contraction - churn.
SIGNS = {"new": 1, "reactivation": 1, "expansion": 1, "contraction": -1, "churn": -1}


def movements(model: MrrModel, keys: tuple[str, ...] = ("account_id",)) -> ir.Table:
    """One row per customer-month with a movement (or ``unchanged``).

    Columns: the keys, ``month_idx``, ``movement``, ``start_mrr`` (MRR the month before, 0 if
    none), ``end_mrr``, ``amount`` (the size of the movement, never negative) and
    ``delinquent`` (the unit has a subscription delinquent that month: a churn or contraction
    flagged so is delinquent churn, see :mod:`revline.model.dunning`).
    """
    cm = model.customer_months(keys)
    window = ibis.window(group_by=list(keys), order_by=cm.month_idx)
    seq = cm.mutate(
        prev_idx=cm.month_idx.lag().over(window),
        prev_mrr=cm.mrr.lag().over(window),
        next_idx=cm.month_idx.lead().over(window),
    )
    zero = ibis.literal(0).cast(CENTS)
    continuous = seq.prev_idx == seq.month_idx - 1
    start = ibis.ifelse(continuous, seq.prev_mrr, zero)
    change = seq.mrr - start
    kind = ibis.cases(
        (seq.prev_idx.isnull(), "new"),
        (~continuous, "reactivation"),
        (change > 0, "expansion"),
        (change < 0, "contraction"),
        else_="unchanged",
    )
    paying = seq.select(
        *keys,
        "month_idx",
        movement=kind,
        start_mrr=start.cast(CENTS),
        end_mrr=seq.mrr,
        amount=ibis.ifelse(change >= 0, change, -change).cast(CENTS),
    )
    ends = seq.filter(
        (seq.next_idx.isnull() | (seq.next_idx > seq.month_idx + 1))
        & (seq.month_idx < model.last_idx)
    )
    churned = ends.select(
        *keys,
        month_idx=ends.month_idx + 1,
        movement=ibis.literal("churn"),
        start_mrr=ends.mrr,
        end_mrr=zero,
        amount=ends.mrr,
    )
    rows = union_all(paying, churned)
    flags = model.delinquent(keys)
    late = flags.select(**{f"late_{k}": flags[k] for k in keys}, late_idx=flags.month_idx)
    joined = rows.left_join(
        late,
        [*(rows[k] == late[f"late_{k}"] for k in keys), rows.month_idx == late.late_idx],
    )
    return joined.select(*rows.columns, delinquent=joined.late_idx.notnull())


def bridge(model: MrrModel) -> ir.Table:
    """The MRR bridge: one row per month with start, each movement, end and customer counts.

    ``start`` is the previous month's ``end`` (0 before the first month), so
    ``end = start + new + reactivation + expansion - contraction - churn`` holds exactly.
    """
    cm = model.customer_months()
    moves = movements(model)
    zero = ibis.literal(0).cast(CENTS)
    flows = moves.group_by("month_idx").agg(
        **{
            name: ibis.ifelse(moves.movement == name, moves.amount, zero).sum().cast(CENTS)
            for name in SIGNS
        }
    )
    totals = cm.group_by("month_idx").agg(end=cm.mrr.sum().cast(CENTS), customers=cm.count())
    months = model.months.select("month_idx", "month")
    joined = months.left_join(flows, "month_idx").left_join(totals, "month_idx")
    filled = joined.select(
        "month_idx",
        "month",
        **{name: joined[name].coalesce(zero) for name in SIGNS},
        end=joined.end.coalesce(zero),
        customers=joined.customers.coalesce(0),
    )
    previous = filled.end.lag().over(ibis.window(order_by=filled.month_idx))
    result = filled.mutate(start=previous.coalesce(zero).cast(CENTS))
    return result.select(
        "month",
        "start",
        "new",
        "reactivation",
        "expansion",
        "contraction",
        "churn",
        "end",
        "customers",
    ).order_by("month")
