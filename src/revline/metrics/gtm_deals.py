"""Opportunities with their breakdown column and months, for the sales metrics.

Renewals are left out: win rate, cycle and deal size describe winning business (new and
expansion), and a renewal is a different motion owned by renewals. A deal's close month is the
month of ``closed_at`` (``close_date`` when only that is known); its creation month is the month
of ``created_at``. Amounts are ARR in the reporting currency; an empty amount counts as 0.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from revline.metrics.frame import NONE_LABEL
from revline.metrics.gtm_frame import (
    DEAL_SIZE_BANDS,
    OPPORTUNITY_BREAKDOWNS,
    GtmFrame,
    label,
    unsupported,
)
from revline.model.periods import month_index_of

#: Breakdowns of the sales metrics.
DEAL_SPLITS = ("segment", "region", "industry", "channel", *OPPORTUNITY_BREAKDOWNS)


def _band(amount: ir.NumericValue) -> ir.StringValue:
    cases = [(amount >= low, name) for low, name in reversed(DEAL_SIZE_BANDS)]
    return ibis.cases(*cases, else_=NONE_LABEL)


def _group(by: str, opps: ir.Table) -> ir.Value:
    """The breakdown value of a deal, for breakdowns read from the opportunity itself."""
    if by == "owner":
        return label(opps.owner_id)
    if by == "competitor":
        return label(opps.competitor)
    if by == "product":
        return label(opps.product)
    if by == "source":
        return label(opps.lead_source)
    if by == "deal_size":
        return _band(opps.amount.coalesce(0))
    if by == "deal_type":
        return label(opps.opportunity_type)
    if by == "partner":
        partnered = (opps.lead_source == "partner") | opps.partner_id.notnull()
        return ibis.ifelse(partnered.fill_null(False), "partner", "direct")
    raise AssertionError(by)


def deals(frame: GtmFrame) -> ir.Table:
    """Non-renewal opportunities: ids, flags, ``amount`` (float), times and the group column.

    Columns: ``opportunity_id``, ``owner_id``, ``lead_source``, ``is_closed``, ``is_won``,
    ``amount``, ``created_at``, ``closed_at``, ``close_date``, ``created_idx``, ``closed_idx``,
    ``due_idx`` and the breakdown column when one is asked for.
    """
    by = frame.by
    for dim in (by, *(d for d, _ in frame.filters)):
        if dim is not None and dim not in DEAL_SPLITS:
            raise unsupported(frame, "sales metrics", DEAL_SPLITS)
    o = frame.table("opportunities")
    o = o.filter(o.opportunity_type.isnull() | (o.opportunity_type != "renewal"))
    closed_on = o.closed_at.cast("date").coalesce(o.close_date)
    base = o.mutate(
        amount=o.amount.cast("float64").coalesce(0.0),
        created_idx=month_index_of(o.created_at),
        closed_idx=month_index_of(closed_on),
        due_idx=month_index_of(o.close_date),
        closed_on=closed_on,
    )
    cols = [
        "opportunity_id",
        "owner_id",
        "lead_source",
        "is_closed",
        "is_won",
        "amount",
        "created_at",
        "closed_at",
        "closed_on",
        "close_date",
        "created_idx",
        "closed_idx",
        "due_idx",
    ]
    for dim, value in frame.filters:  # restricted to the deals of the filters' values
        base = with_group(frame, base, dim)
        base = base.filter(base[dim] == value).drop(dim)
    if by is None:
        return base.select(*cols)
    return with_group(frame, base, by).select(*cols, by)


def with_group(frame: GtmFrame, base: ir.Table, by: str) -> ir.Table:
    """``base`` (opportunities) with a column ``by``: the deal's value of that dimension."""
    if by in ("segment", "region", "industry"):
        acc = frame.table("accounts").select(acc_id="account_id", grp=by)
        j = base.left_join(acc, base.account_id == acc.acc_id)
        return j.mutate(**{by: label(j.grp)}).drop("acc_id", "grp")
    if by in ("manager", "team"):
        emp = frame.table("employees")
        emp = emp.select(
            emp_id=emp.employee_id, grp=emp.manager_id if by == "manager" else emp.team
        )
        j = base.left_join(emp, base.owner_id == emp.emp_id)
        return j.mutate(**{by: label(j.grp)}).drop("emp_id", "grp")
    if by == "channel":
        leads = frame.table("leads").select(l_id="lead_id", grp="channel")
        j = base.left_join(leads, base.lead_id == leads.l_id)
        return j.mutate(channel=label(j.grp)).drop("l_id", "grp")
    return base.mutate(**{by: _group(by, base)})


def by_period(frame: GtmFrame, rows: ir.Table, month: str) -> ir.Table:
    """``rows`` in each period whose months contain the row's ``month`` column."""
    p = frame.periods.select("period", p_idx=frame.periods.month_idx)
    return rows.inner_join(p, rows[month] == p.p_idx)
