"""Sales metrics: win rate, cycle, deal size, reps and quota, pipeline velocity and coverage.

A deal counts in the period its close month falls in (win rate, cycle, deal size, bookings) or
its creation month falls in (pipeline created). See :mod:`revline.metrics.gtm_deals` for what a
deal is; partner-sourced against direct is the ``partner`` breakdown of any of these.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import ibis
import ibis.expr.types as ir

from revline.metrics.core import read_input
from revline.metrics.gtm_costs import headcount, in_periods, monthly_cost
from revline.metrics.gtm_deals import by_period, deals
from revline.metrics.gtm_frame import GtmFrame, unsupported
from revline.model.money import CENTS
from revline.model.periods import month_index_of

DEAL_TABLES = ("opportunities", "accounts", "employees", "leads")


def _out(frame: GtmFrame, values: ir.Table) -> ir.Table:
    if frame.by:
        return values.order_by(["period", frame.by])
    joined = frame.period_bounds.select("period").left_join(values, "period")
    return joined.select("period", "value").order_by("period")


def _ratio(top: ir.NumericValue, bottom: ir.NumericValue) -> ir.FloatingValue:
    return ibis.ifelse(bottom > 0, top.cast("float64") / bottom.cast("float64"), None)


def _closed(frame: GtmFrame) -> ir.Table:
    d = deals(frame)
    return by_period(frame, d.filter(d.is_closed), "closed_idx")


def _keys(frame: GtmFrame) -> list[str]:
    return ["period", *frame.by_cols]


def _win_rate(frame: GtmFrame) -> ir.Table:
    c = _closed(frame)
    g = c.group_by(_keys(frame)).agg(won=c.is_won.sum(), closed=c.count())
    return _out(frame, g.select(*_keys(frame), value=_ratio(g.won, g.closed)))


def _count(frame: GtmFrame, rows: ir.Table) -> ir.Table:
    counts = rows.group_by(_keys(frame)).agg(value=rows.count())
    out = _out(frame, counts)
    return out if frame.by else out.mutate(value=out.value.coalesce(0))


def _deals_won(frame: GtmFrame) -> ir.Table:
    return _count(frame, _won(frame))


def _deals_closed(frame: GtmFrame) -> ir.Table:
    return _count(frame, _closed(frame))


def _won(frame: GtmFrame) -> ir.Table:
    c = _closed(frame)
    return c.filter(c.is_won)


def _cycle(q: float) -> Callable[[GtmFrame], ir.Table]:
    def compute(frame: GtmFrame) -> ir.Table:
        w = _won(frame)
        w = w.filter(w.created_at.notnull())
        days = w.closed_on.delta(w.created_at.cast("date"), unit="day").cast("float64")
        w = w.mutate(days=days)
        stat = w.days.median() if q == 0.5 else w.days.quantile(q)
        return _out(frame, w.group_by(_keys(frame)).agg(value=stat))

    return compute


def _avg_deal(frame: GtmFrame) -> ir.Table:
    w = _won(frame)
    g = w.group_by(_keys(frame)).agg(value=w.amount.mean().round(2).cast(CENTS))
    return _out(frame, g)


def _bookings(frame: GtmFrame) -> ir.Table:
    w = _won(frame)
    return _out(frame, w.group_by(_keys(frame)).agg(value=w.amount.sum().round(2).cast(CENTS)))


def _company(frame: GtmFrame, name: str) -> None:
    if frame.by:
        raise unsupported(frame, name, ())


def _deals_per_rep(frame: GtmFrame) -> ir.Table:
    _company(frame, "deals_per_rep")
    w = _won(frame)
    g = w.group_by("period").agg(won=w.count()).inner_join(headcount(frame, "sales"), "period")
    return _out(frame, g.select("period", value=_ratio(g.won, g.heads)))


def _attainment(frame: GtmFrame) -> ir.Table:
    """Per rep and period: ``quota`` and ``won`` (ARR won while the quota ran).

    A period's quota is the sum of the rep's quota rows that lie inside it (a year sums its
    quarters or months), and ``won`` sums, for each of those rows, the deals the rep won while
    it ran, so a year's bookings are measured against the year's quotas, never one quarter's.
    """
    if frame.by not in (None, "owner"):
        raise unsupported(frame, "quota attainment", ("owner",))
    q = frame.table("quotas")
    for dim, value in frame.filters:  # owner is the one filter quota metrics declare
        if dim == "owner":
            q = q.filter(q.employee_id.cast("string") == value)
    b = frame.period_bounds
    q = q.inner_join(
        b,
        [month_index_of(q.period_start) >= b.first_idx, month_index_of(q.period_end) <= b.last_idx],
    )
    row_keys = ["period", "employee_id", "period_start", "period_end"]
    quotas = q.group_by(row_keys).agg(quota=q.amount.sum().cast("float64"))
    d = deals(replace(frame, by=None))
    d = d.filter(d.is_won)
    j = quotas.left_join(
        d,
        [
            quotas.employee_id == d.owner_id,
            d.closed_on >= quotas.period_start,
            d.closed_on <= quotas.period_end,
        ],
    )
    per_row = j.group_by(row_keys).agg(quota=j.quota.max(), won=j.amount.sum().coalesce(0.0))
    rows = per_row.group_by(["period", "employee_id"]).agg(
        quota=per_row.quota.sum(), won=per_row.won.sum()
    )
    return rows.rename(owner="employee_id")


def _quota_attainment(frame: GtmFrame) -> ir.Table:
    a = _attainment(frame)
    g = a.group_by(_keys(frame)).agg(won=a.won.sum(), quota=a.quota.sum())
    return _out(frame, g.select(*_keys(frame), value=_ratio(g.won, g.quota)))


def _at_quota_share(frame: GtmFrame) -> ir.Table:
    _company(frame, "reps_at_quota_share")
    a = _attainment(frame)
    g = a.group_by("period").agg(at=(a.won >= a.quota).sum(), reps=a.count())
    return _out(frame, g.select("period", value=_ratio(g.at, g.reps)))


def _velocity(frame: GtmFrame) -> ir.Table:
    d = deals(frame)
    b = frame.period_bounds
    open_at_end = d.inner_join(
        b,
        [
            d.created_idx.isnull() | (d.created_idx <= b.last_idx),
            ~d.is_closed | (d.closed_idx > b.last_idx),
        ],
    )
    opened = open_at_end.group_by(_keys(frame)).agg(open=open_at_end.count())
    keys = _keys(frame)
    win = read_input(frame, "win_rate").rename(win="value")
    size = read_input(frame, "avg_deal_size").rename(size="value")
    cycle = read_input(frame, "sales_cycle_days").rename(cycle="value")
    j = opened.inner_join(win, keys).inner_join(size, keys).inner_join(cycle, keys)
    value = _ratio(j.open * j.win * j.size.cast("float64"), j.cycle)
    return _out(frame, j.select(*keys, value=value.round(2).cast(CENTS)))


def _coverage(frame: GtmFrame) -> ir.Table:
    """Open pipeline due in the period / the new-ARR target still to win, as of a month.

    The month is the as-of month when it falls inside the period, else the period's first.
    """
    _company(frame, "pipeline_coverage")
    b = frame.period_bounds
    asof = ibis.ifelse(
        (b.first_idx <= frame.as_of_idx) & (b.last_idx >= frame.as_of_idx),
        frame.as_of_idx,
        b.first_idx,
    )
    b = b.mutate(asof=asof)
    d = deals(frame)
    due = d.inner_join(
        b,
        [
            d.created_idx.isnull() | (d.created_idx <= b.asof),
            ~d.is_closed | (d.closed_idx >= b.asof),
            d.due_idx >= b.asof,
            d.due_idx <= b.last_idx,
        ],
    )
    pipe = due.group_by("period").agg(pipeline=due.amount.sum())
    won = d.filter(d.is_won).inner_join(b, [d.closed_idx >= b.first_idx, d.closed_idx < b.asof])
    done = won.group_by("period").agg(done=won.amount.sum())
    t = frame.table("targets")
    t = t.filter(t.metric == "new_arr").inner_join(
        b,
        [month_index_of(t.period_start) >= b.first_idx, month_index_of(t.period_end) <= b.last_idx],
    )
    target = t.group_by("period").agg(target=t.value.sum().cast("float64"))
    j = target.left_join(pipe, "period").left_join(done, "period")
    remaining = j.target - j.done.coalesce(0.0)
    return _out(frame, j.select("period", value=_ratio(j.pipeline.coalesce(0.0), remaining)))


def _created(frame: GtmFrame, source: str | None) -> ir.Table:
    d = deals(frame)
    if source is not None:
        d = d.filter(d.lead_source == source)
    c = by_period(frame, d, "created_idx")
    return c.group_by(_keys(frame)).agg(created=c.amount.sum())


def _pipeline_created(frame: GtmFrame) -> ir.Table:
    c = _created(frame, None)
    return _out(frame, c.select(*_keys(frame), value=c.created.round(2).cast(CENTS)))


def _per_marketing_dollar(frame: GtmFrame) -> ir.Table:
    _company(frame, "pipeline_per_marketing_dollar")
    c = _created(frame, "marketing")
    rows = in_periods(frame, monthly_cost(frame, ("marketing",)))
    cost = rows.group_by("period").agg(cost=rows.amount.sum())
    j = c.inner_join(cost, "period")
    return _out(frame, j.select("period", value=_ratio(j.created, j.cost)))


def _per_sdr(frame: GtmFrame) -> ir.Table:
    _company(frame, "pipeline_per_sdr")
    c = _created(frame, "sdr")
    j = c.inner_join(headcount(frame, "sales_development"), "period")
    return _out(frame, j.select("period", value=_ratio(j.created, j.heads).round(2).cast(CENTS)))
