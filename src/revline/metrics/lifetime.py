"""Customer lifetime value: the simple formula, and the shifted-beta-geometric projection.

``ltv`` = ARPA x gross margin / average monthly customer churn, per period:

- ARPA at the period's last month (:mod:`revline.metrics.revenue`);
- monthly customer churn of each of the six months ending with the period's last month
  (customers churned that month / customers paying the month before), averaged over the months
  that had paying customers to lose;
- gross margin = sum(gross profit) / sum(revenue) of ``financials`` over those six months
  (gross profit, or revenue minus cost of revenue when it is empty), else the
  ``gross_margin`` setting when ``financials`` has no revenue for them.

Empty when nothing churned in the six months (the formula has no finite answer).
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from revline.metrics.core import MRR_TABLES, Benchmark, Frame, Metric
from revline.metrics.frame import at_months, at_period_end, fill_periods, frame_changes
from revline.model.money import CENTS

TRAILING_MONTHS = 6


def _trailing(table: ir.Table, frame: Frame, month: ir.IntegerValue) -> ir.Table:
    """``table`` joined to each period whose trailing six months contain ``month``."""
    bounds = frame.period_bounds.select(p_period="period", p_last="last_idx")
    joined = table.inner_join(
        bounds, [month <= bounds.p_last, month > bounds.p_last - TRAILING_MONTHS]
    )
    return joined.mutate(period=joined.p_period)


def average_churn(frame: Frame) -> ir.Table:
    """``period``, the breakdown and ``churn``: trailing six-month mean monthly logo churn."""
    # the units paying in the month before each of the trailing months (read from the pieces
    # that cover those months, not from expanded customer-months)
    bounds = frame.period_bounds.select("period", p_last="last_idx")
    back = ibis.range(0, TRAILING_MONTHS).unnest().name("back").as_table()
    months = bounds.cross_join(back)
    months = months.select("period", m_idx=months.p_last - months.back)
    before = at_months(frame, months.mutate(b_idx=months.m_idx - 1), "b_idx")
    keys = ["period", *frame.by_cols, "m_idx"]
    paying = before.group_by(keys).agg(paying=before.count())
    moves = frame_changes(frame)
    moves = moves.filter(moves.movement == "churn")
    lost = _trailing(moves, frame, moves.month_idx)
    lost = lost.mutate(m_idx=lost.month_idx)
    churned = lost.group_by(keys).agg(churned=lost.count())
    rates = paying.left_join(churned, keys)
    rate = rates.churned.coalesce(0).cast("float64") / rates.paying.cast("float64")
    monthly = rates.select("period", *frame.by_cols, rate=rate)
    return monthly.group_by(["period", *frame.by_cols]).agg(churn=monthly.rate.mean())


def gross_margin(frame: Frame) -> ir.Table:
    """``period`` and ``margin``: the trailing six months' gross margin (or the setting)."""
    fin = frame.model.backend.table("financials")
    profit = fin.gross_profit.coalesce(fin.revenue - fin.cost_of_revenue)
    rows = fin.select(
        f_idx=(fin.month.year() * 12 + fin.month.month() - 1).cast("int64"),
        revenue=fin.revenue.cast("float64"),
        profit=profit.cast("float64"),
    )
    joined = _trailing(rows, frame, rows.f_idx)
    sums = joined.group_by("period").agg(revenue=joined.revenue.sum(), profit=joined.profit.sum())
    known = sums.filter((sums.revenue > 0) & sums.profit.notnull())
    margins = known.select(g_period="period", margin=known.profit / known.revenue)
    bounds = frame.period_bounds.select("period")
    out = bounds.left_join(margins, bounds.period == margins.g_period)
    setting = ibis.literal(frame.model.settings.gross_margin, type="float64")
    return out.select("period", margin=out.margin.coalesce(setting))


def _ltv(frame: Frame) -> ir.Table:
    rows = at_period_end(frame)
    keys = ["period", *frame.by_cols]
    arpa = rows.group_by(keys).agg(
        arpa=rows.mrr.sum().cast("float64") / rows.account_id.nunique().cast("float64")
    )
    churn = average_churn(frame)
    margin = gross_margin(frame)
    joined = arpa.inner_join(churn, keys).inner_join(margin, "period")
    value = ibis.ifelse(
        joined.churn > 0,
        (joined.arpa * joined.margin / joined.churn).round(2).cast(CENTS),
        ibis.null(CENTS),
    )
    return fill_periods(frame, joined.select(*keys, value=value), None)


METRICS = (
    Metric(
        name="ltv",
        kind="derived",
        description="Customer lifetime value: the gross profit an average customer brings "
        "before churning, at today's ARPA and the trailing six months' churn. Empty when "
        "nobody churned in those months.",
        formula="arpa x gross margin / mean monthly customer churn over the trailing 6 months "
        "(gross margin from financials: gross_profit / revenue, else the gross_margin setting)",
        unit="currency",
        grain="period",
        owner="revops",
        tables=(*MRR_TABLES, "financials"),
        compute=_ltv,
        benchmark=Benchmark(
            band="LTV:CAC of at least 3; above 5 suggests under-investment in growth",
            source="David Skok, 'SaaS Metrics 2.0' (For Entrepreneurs)",
        ),
    ),
)
