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

from dataclasses import dataclass

import ibis
import ibis.expr.types as ir

from revline.model.money import CENTS, from_cents, union_all
from revline.model.mrr import MrrModel
from revline.model.pieces import in_money
from revline.model.segments import expand


@dataclass(frozen=True)
class BridgeStep:
    """One movement of the MRR bridge: the movement ``name``, its display ``label``, the
    ``metric`` that sums it over a period and its ``sign`` in the bridge."""

    name: str
    label: str
    metric: str
    sign: int


#: The MRR bridge's steps in their one order, between the starting and the ending MRR:
#: end = start + new + reactivation + expansion - contraction - churn. The metric layer, the
#: charts, the report and the dashboard all read this tuple.
BRIDGE_STEPS: tuple[BridgeStep, ...] = (
    BridgeStep("new", "New", "new_mrr", 1),
    BridgeStep("reactivation", "Reactivation", "reactivation_mrr", 1),
    BridgeStep("expansion", "Expansion", "expansion_mrr", 1),
    BridgeStep("contraction", "Contraction", "contraction_mrr", -1),
    BridgeStep("churn", "Churn", "churned_mrr", -1),
)
#: Movement sign in the bridge, by movement, in the bridge's order.
SIGNS = {step.name: step.sign for step in BRIDGE_STEPS}
#: Every movement a customer-month can have: the bridge's, and none.
MOVEMENTS = (*SIGNS, "unchanged")


def _late_flags(model: MrrModel, rows: ir.Table, keys: tuple[str, ...]) -> ir.Table:
    """``rows`` with ``delinquent``: the unit has a delinquent subscription that month."""
    if not model.has_late:
        return rows.mutate(delinquent=ibis.literal(False))
    flags = model.delinquent(keys)
    late = flags.select(**{f"late_{k}": flags[k] for k in keys}, late_idx=flags.month_idx)
    joined = rows.left_join(
        late,
        [*(rows[k] == late[f"late_{k}"] for k in keys), rows.month_idx == late.late_idx],
    )
    return joined.select(*rows.columns, delinquent=joined.late_idx.notnull())


def _churned(pieces: ir.Table, keys: tuple[str, ...]) -> ir.Table:
    """Churn rows: the first month of a non-paying piece that follows a paying one."""
    ends = pieces.filter(pieces.movement == "churn")
    money = in_money(ends, "prev_mrr", "mrr", "amount")
    return ends.select(
        *keys,
        month_idx=ends.first_idx,
        movement="movement",
        start_mrr=money["prev_mrr"],
        end_mrr=money["mrr"],
        amount=money["amount"],
    )


def movements(model: MrrModel, keys: tuple[str, ...] = ("account_id",)) -> ir.Table:
    """One row per customer-month with a movement (or ``unchanged``).

    Columns: the keys, ``month_idx``, ``movement``, ``start_mrr`` (MRR the month before, 0 if
    none), ``end_mrr``, ``amount`` (the size of the movement, never negative) and
    ``delinquent`` (the unit has a subscription delinquent that month: a churn or contraction
    flagged so is delinquent churn, see :mod:`revline.model.dunning`). Built from the unit's
    pieces: only a piece's first month can move; its other months are ``unchanged``. Amounts
    are converted from cents to ``DECIMAL`` once per piece, before the expansion to months.
    """
    pieces = model.pieces(keys)
    paying = pieces.filter(pieces.mrr_cents > 0)
    valued = paying.select(
        *keys,
        "first_idx",
        "last_idx",
        "movement",
        **in_money(paying, "prev_mrr", "mrr", "amount"),
    )
    months = expand(valued)
    first = months.month_idx == months.first_idx
    rows = months.select(
        *keys,
        "month_idx",
        movement=ibis.ifelse(first, months.movement, ibis.literal("unchanged")),
        start_mrr=ibis.ifelse(first, months.prev_mrr, months.mrr),
        end_mrr=months.mrr,
        amount=ibis.ifelse(first, months.amount, ibis.literal(0).cast(CENTS)),
    )
    return _late_flags(model, union_all(rows, _churned(pieces, keys)), keys)


def changes(model: MrrModel, keys: tuple[str, ...] = ("account_id",)) -> ir.Table:
    """The rows of :func:`movements` that are not ``unchanged``, without expanding to months.

    The same columns; a paying piece moves only in its first month, so the changes are the
    pieces' first months and the churn rows.
    """
    pieces = model.pieces(keys)
    moved = pieces.filter(pieces.movement.isin(SIGNS))
    money = in_money(moved, "prev_mrr", "mrr", "amount")
    rows = moved.select(
        *keys,
        month_idx=moved.first_idx,
        movement="movement",
        start_mrr=money["prev_mrr"],
        end_mrr=money["mrr"],
        amount=money["amount"],
    )
    return _late_flags(model, rows, keys)


def bridge(model: MrrModel) -> ir.Table:
    """The MRR bridge: one row per month with start, each movement, end and customer counts.

    ``start`` is the previous month's ``end`` (0 before the first month), so
    ``end = start + new + reactivation + expansion - contraction - churn`` holds exactly. The
    flows come from the movement rows; the month-end totals accumulate each paying piece's MRR
    and customer from its first month to its last, so nothing is expanded to customer-months.
    """
    moves = changes(model)
    zero = ibis.literal(0).cast(CENTS)
    flows = moves.group_by("month_idx").agg(
        **{
            name: ibis.ifelse(moves.movement == name, moves.amount, zero).sum().cast(CENTS)
            for name in SIGNS
        }
    )
    pieces = model.pieces()
    paying = pieces.filter(pieces.mrr_cents > 0)
    gone = paying.filter(paying.last_idx < model.last_idx)
    steps = union_all(
        paying.select(month_idx=paying.first_idx, d_end=paying.mrr_cents, d_count=ibis.literal(1)),
        gone.select(month_idx=gone.last_idx + 1, d_end=-gone.mrr_cents, d_count=ibis.literal(-1)),
    )
    deltas = steps.group_by("month_idx").agg(
        d_end=from_cents(steps.d_end.sum().cast("int64")), d_count=steps.d_count.sum()
    )
    months = model.months.select("month_idx", "month")
    joined = months.left_join(flows, "month_idx").left_join(deltas, "month_idx")
    running = ibis.cumulative_window(order_by=joined.month_idx)
    filled = joined.select(
        "month_idx",
        "month",
        **{name: joined[name].coalesce(zero) for name in SIGNS},
        end=joined.d_end.coalesce(zero).sum().over(running).cast(CENTS),
        customers=joined.d_count.coalesce(0).sum().over(running).cast("int64"),
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
