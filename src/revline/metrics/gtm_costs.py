"""Sales and marketing cost, revenue, margin and headcount per period, for efficiency metrics.

**Fully loaded S&M cost** is every ``expenses`` row of the acquisition functions
(:data:`SM_FUNCTIONS`: salaries, commissions, tools, programs and the overhead booked to them)
plus ``marketing_spend`` **only in months where ``expenses`` books no marketing programs**.
Marketing programs in ``expenses`` are the ledger view of the same money as ``marketing_spend``
(the synthetic company books its spend there), so adding both would count it twice; a source
with spend but no ledger (an ad-platform export) still gets its spend counted.

**Allocation to a breakdown.** ``marketing_spend`` is direct to its channel (by channel only).
Everything else is shared, and is allocated by the first of these keys that is positive in the
period (:data:`ALLOCATION_KEYS`):

1. ``opportunity_months``: selling effort. Each non-renewal opportunity counts one for every
   month of the period it is open in (from its creation month to its close month, or to the
   as-of month while open), in the group of its account (``(none)`` without one). Effort, not
   its result: allocating by new MRR would make CAC payback and the CAC ratio the company's
   value in every group.
2. ``paying_customers``: customers paying at the period end, for a period without any selling
   recorded (a billing-only source).
3. ``(none)``: with neither, the shared cost is reported in the ``(none)`` group.

So the groups always add up to the total, in every period.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from revline.metrics.channel import account_channels
from revline.metrics.frame import NONE_LABEL, at_period_end
from revline.metrics.gtm_frame import GtmFrame, label, new_customer_moves
from revline.model.money import union_all
from revline.model.periods import month_index_of

#: Functions whose cost is customer acquisition (customer success and renewals serve the base).
SM_FUNCTIONS = (
    "marketing",
    "sales_development",
    "sales",
    "sales_engineering",
    "partnerships",
    "revops",
)

#: The keys shared S&M cost is allocated to a breakdown by, in order of preference.
ALLOCATION_KEYS = ("opportunity_months", "paying_customers", NONE_LABEL)


def monthly_cost(frame: GtmFrame, functions: tuple[str, ...] = SM_FUNCTIONS) -> ir.Table:
    """``month_idx``, ``channel`` (null unless direct spend) and ``amount`` of S&M cost rows."""
    exp = frame.table("expenses")
    exp = exp.filter(exp.function.isin(functions))
    booked = exp.select(
        month_idx=month_index_of(exp.month), channel=ibis.null("string"), amount="amount"
    )
    programs = exp.filter((exp.function == "marketing") & (exp.category == "programs"))
    ledger_months = programs.select(ledger_idx=month_index_of(programs.month)).distinct()
    spend = monthly_spend(frame)
    if "marketing" not in functions:
        return booked.limit(0)
    unbooked = spend.anti_join(ledger_months, spend.month_idx == ledger_months.ledger_idx)
    return union_all(booked.cast({"amount": "float64"}), unbooked.cast({"amount": "float64"}))


def monthly_spend(frame: GtmFrame) -> ir.Table:
    """``month_idx``, ``channel`` and ``amount`` of every ``marketing_spend`` row."""
    spend = frame.table("marketing_spend")
    return spend.select(
        month_idx=month_index_of(spend.spend_date), channel="channel", amount="amount"
    )


def in_periods(frame: GtmFrame, monthly: ir.Table, shift: str | int = 0) -> ir.Table:
    """``monthly`` rows (with ``month_idx``) joined to each period, optionally shifted back.

    ``shift`` is a number of months, or ``"period"`` for the period just before (same length).
    """
    b = frame.period_bounds
    back = (b.last_idx - b.first_idx + 1) if shift == "period" else ibis.literal(shift)
    return monthly.inner_join(
        b, [monthly.month_idx >= b.first_idx - back, monthly.month_idx <= b.last_idx - back]
    )


def period_cost(frame: GtmFrame, shift: str | int = 0) -> ir.Table:
    """``period`` and ``cost`` (float): total fully loaded S&M cost."""
    rows = in_periods(frame, monthly_cost(frame), shift)
    return rows.group_by("period").agg(cost=rows.amount.sum())


def new_business(frame: GtmFrame, allowed: tuple[str, ...]) -> ir.Table:
    """``period``, group, ``customers`` (new, from the MRR model) and ``new_mrr`` (float)."""
    moves = new_customer_moves(frame, allowed)
    return moves.group_by(["period", *frame.by_cols]).agg(
        customers=moves.account_id.nunique(), new_mrr=moves.amount.sum().cast("float64")
    )


def _account_groups(frame: GtmFrame, by: str) -> ir.Table:
    """``acc_id`` and ``group``: each account's value of ``by``, as the MRR frame has it."""
    if by == "channel":
        return account_channels(frame.backend)
    accounts = frame.table("accounts")
    return accounts.select(acc_id=accounts.account_id, group=accounts[by].cast("string"))


def opportunity_months(frame: GtmFrame, by: str) -> ir.Table:
    """``period``, group and ``weight``: months of the period each non-renewal deal is open."""
    o = frame.table("opportunities")
    o = o.filter(o.opportunity_type.isnull() | (o.opportunity_type != "renewal"))
    closed_on = o.closed_at.cast("date").coalesce(o.close_date)
    closed = o.is_closed.fill_null(False) | o.closed_at.notnull()
    end = ibis.ifelse(closed, month_index_of(closed_on), ibis.literal(frame.as_of_idx))
    start = month_index_of(o.created_at).coalesce(end)
    deals = o.select("account_id", start=start, end=end.coalesce(start))
    groups = _account_groups(frame, by)
    deals = deals.left_join(groups, deals.account_id == groups.acc_id)
    deals = deals.select("start", "end", grp=label(deals.group))
    b = frame.period_bounds
    rows = deals.inner_join(b, [deals.start <= b.last_idx, deals.end >= b.first_idx])
    first = ibis.greatest(rows.start, rows.first_idx)
    last = ibis.least(rows.end, rows.last_idx)
    rows = rows.mutate(months=(last - first + 1).cast("float64"))
    return rows.group_by(["period", rows.grp.name(by)]).agg(weight=rows.months.sum())


def paying_customers(frame: GtmFrame, by: str) -> ir.Table:
    """``period``, group and ``weight``: customers paying in the period's last month."""
    cm = at_period_end(frame.mrr)  # the MRR frame carries the same breakdown
    return cm.group_by(["period", by]).agg(weight=cm.account_id.nunique().cast("float64"))


def allocation_shares(frame: GtmFrame) -> ir.Table:
    """``period``, group, ``share`` and ``key``: each group's share of the shared cost.

    The key is the first of :data:`ALLOCATION_KEYS` with a positive total in the period; a
    period with neither gets one row, ``(none)`` with share 1.
    """
    by = frame.by
    assert by is not None
    keyed = [opportunity_months(frame, by).mutate(level=ibis.literal(0))]
    if frame.mrr.by == by:
        keyed.append(paying_customers(frame, by).mutate(level=ibis.literal(1)))
    weights = union_all(*keyed)
    totals = weights.group_by(["period", "level"]).agg(total=weights.weight.sum())
    totals = totals.filter(totals.total > 0)
    chosen = totals.group_by("period").agg(level=totals.level.min())
    chosen = chosen.inner_join(totals, ["period", "level"]).select("period", "level", "total")
    w = weights.inner_join(chosen, ["period", "level"])
    keys = ibis.cases(*((w.level == i, k) for i, k in enumerate(ALLOCATION_KEYS[:2])))
    shares = w.select("period", by, share=w.weight / w.total, key=keys)
    b = frame.period_bounds.select("period")
    rest = b.anti_join(chosen, "period").select(
        "period",
        **{by: ibis.literal(NONE_LABEL)},
        share=ibis.literal(1.0),
        key=ibis.literal(NONE_LABEL),
    )
    return union_all(shares, rest)


def allocated_cost(frame: GtmFrame, allowed: tuple[str, ...]) -> ir.Table:
    """``period``, group, ``cost``, ``customers`` and ``new_mrr``: cost allocated to groups.

    The groups' costs add up to the period's total (see the module docstring).
    """
    news = new_business(frame, allowed)
    total = period_cost(frame)
    if not frame.by:
        joined = total.outer_join(news, "period")
        period = joined.period.coalesce(joined.period_right)
        return joined.select(
            period=period,
            cost=joined.cost.coalesce(0.0),
            customers=joined.customers.coalesce(0),
            new_mrr=joined.new_mrr.coalesce(0.0),
        )
    by = frame.by
    rows = in_periods(frame, monthly_spend(frame))  # all spend, booked as programs or not
    direct_rows = rows if by == "channel" else rows.limit(0)
    direct = direct_rows.group_by(["period", "channel"]).agg(direct=direct_rows.amount.sum())
    direct = direct.rename({by: "channel"}) if by != "channel" else direct
    direct_total = direct.group_by("period").agg(direct_sum=direct.direct.sum())
    shares = allocation_shares(frame)
    # only periods with some cost or new business
    active = union_all(total.select("period"), news.select("period")).distinct()
    shares = shares.semi_join(active, "period")
    groups = union_all(
        news.select("period", by), direct.select("period", by), shares.select("period", by)
    ).distinct()
    g = groups.left_join(news, ["period", by]).drop("period_right", f"{by}_right")
    g = g.left_join(direct, ["period", by]).drop("period_right", f"{by}_right")
    g = g.left_join(shares, ["period", by]).drop("period_right", f"{by}_right")
    g = g.left_join(total, "period").drop("period_right")
    g = g.left_join(direct_total, "period").drop("period_right")
    shared = g.cost.coalesce(0.0) - g.direct_sum.coalesce(0.0)
    return g.select(
        "period",
        by,
        cost=g.direct.coalesce(0.0) + shared * g.share.coalesce(0.0),
        customers=g.customers.coalesce(0),
        new_mrr=g.new_mrr.coalesce(0.0),
    )


def monthly_financials(frame: GtmFrame) -> ir.Table:
    """``month_idx``, ``revenue``, ``gross`` and ``profit`` (the Rule of 40 basis), floats."""
    fin = frame.table("financials")
    gross = fin.gross_profit.coalesce(fin.revenue - fin.cost_of_revenue)
    profit = fin.ebitda if frame.profit_basis == "ebitda" else fin.operating_profit
    return fin.select(
        month_idx=month_index_of(fin.month),
        revenue=fin.revenue.cast("float64"),
        gross=gross.cast("float64"),
        profit=profit.cast("float64"),
    )


def period_financials(frame: GtmFrame, shift: str | int = 0) -> ir.Table:
    """``period``, ``revenue``, ``gross``, ``profit`` and ``months`` (months with a row)."""
    rows = in_periods(frame, monthly_financials(frame), shift)
    return rows.group_by("period").agg(
        revenue=rows.revenue.sum(),
        gross=rows.gross.sum(),
        profit=rows.profit.sum(),
        months=rows.month_idx.nunique(),
    )


def gross_margin(frame: GtmFrame) -> ir.Table:
    """``period`` and ``margin``: gross profit / revenue, else the settings' default margin."""
    fallback = float(getattr(frame.mrr.model.settings, "gross_margin", 0.75))
    fin = period_financials(frame)
    b = frame.period_bounds.select("period")
    j = b.left_join(fin, "period")
    margin = ibis.ifelse(j.revenue > 0, j.gross / j.revenue, ibis.null("float64"))
    return j.select(period=j.period, margin=margin.coalesce(fallback))


def headcount(frame: GtmFrame, function: str | None = None) -> ir.Table:
    """``period`` and ``heads``: employees in post at the period end.

    In post: started (or no start date) by the period's last month, and no end date or one in a
    later month (someone leaving during the last month is not counted).
    """
    emp = frame.table("employees")
    if function is not None:
        emp = emp.filter(emp.function == function)
    b = frame.period_bounds
    start_idx = month_index_of(emp.start_date)
    end_idx = month_index_of(emp.end_date)
    on = [
        emp.start_date.isnull() | (start_idx <= b.last_idx),
        emp.end_date.isnull() | (end_idx > b.last_idx),
    ]
    rows = emp.inner_join(b, on)
    return rows.group_by("period").agg(heads=rows.employee_id.nunique())
