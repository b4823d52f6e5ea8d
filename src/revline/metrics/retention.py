"""Period-based retention: NRR, GRR, logo retention and customer churn rate.

The cohort is the customers paying at the period start (MRR > 0 in the month before the
period's first month). Each is compared at the period's last month: MRR above its start is
expansion, below is contraction, none is churn. Customers who were not paying at the start (new
and reactivated ones, including those who joined and left inside the period) are excluded. A
cohort member who churned and came back inside the period counts at its end MRR.
GRR caps each customer at its starting MRR, so GRR <= 100% and GRR <= NRR always. The
trailing-twelve-month variants (``nrr_t12m``, ``grr_t12m``) take the cohort paying twelve months
before the period's last month. ``joined_and_left`` counts the customers excluded because they
joined and left inside the period.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from revline.metrics.core import MRR_TABLES, Benchmark, Frame, Metric
from revline.metrics.frame import at_months, fill_periods, paying_pieces
from revline.model.money import CENTS, from_cents


def _cohort(frame: Frame, trailing: bool = False) -> ir.Table:
    """Per period and cohort member: ``start`` MRR and ``end`` MRR (0 when churned).

    The cohort is paying in the month before the period (or, ``trailing``, twelve months
    before the period's last month) and is compared at the period's last month. Both balances
    are read from the pieces that cover those months (:func:`revline.metrics.frame.at_months`).
    """
    bounds = frame.period_bounds
    start_idx = bounds.last_idx - 12 if trailing else bounds.first_idx - 1
    starts = at_months(frame, bounds.mutate(s_idx=start_idx), "s_idx")
    start = starts.select("period", *frame.keys, *frame.by_cols, "last_idx", start=starts.mrr)
    p = paying_pieces(frame)
    end = p.select(
        **{f"e_{k}": p[k] for k in frame.keys},
        e_first=p.p_first,
        e_last=p.p_last,
        end=from_cents(p.mrr_cents),
    )
    joined = start.left_join(
        end,
        [
            *(start[k] == end[f"e_{k}"] for k in frame.keys),
            end.e_first <= start.last_idx,
            end.e_last >= start.last_idx,
        ],
    )
    zero = ibis.literal(0).cast(CENTS)
    return joined.select("period", *frame.by_cols, "start", end=joined.end.coalesce(zero))


def _ratio(frame: Frame, which: str) -> ir.Table:
    trailing = which.endswith("_t12m")
    which = which.removesuffix("_t12m")
    c = _cohort(frame, trailing)
    retained = ibis.ifelse(c.end < c.start, c.end, c.start)
    sums = c.group_by(["period", *frame.by_cols]).agg(
        start=c.start.sum().cast("float64"),
        net=c.end.sum().cast("float64"),
        gross=retained.sum().cast("float64"),
        members=c.count().cast("float64"),
        kept=(c.end > 0).sum().cast("float64"),
    )
    value = {
        "nrr": sums.net / sums.start,
        "grr": sums.gross / sums.start,
        "logo_retention": sums.kept / sums.members,
        "customer_churn_rate": (sums.members - sums.kept) / sums.members,
        "net_mrr_churn_rate": (sums.start - sums.net) / sums.start,
    }[which]
    return fill_periods(frame, sums.select("period", *frame.by_cols, value=value), None)


def _joined_and_left(frame: Frame) -> ir.Table:
    passing = joined_and_left_units(frame)
    values = passing.group_by(["period", *frame.by_cols]).agg(value=passing.count())
    return fill_periods(frame, values, ibis.literal(0).cast("int64"))


def joined_and_left_units(frame: Frame) -> ir.Table:
    """Units not paying at the period start that paid inside it and no longer pay at its end."""
    cm = frame.customer_months
    periods = frame.periods
    inside = cm.inner_join(periods, cm.month_idx == periods.month_idx)
    units = [*frame.keys, *frame.by_cols]
    seen = inside.select("period", *units, "first_idx", "last_idx").distinct()
    edges = cm.select(**{f"edge_{k}": cm[k] for k in frame.keys}, edge_idx=cm.month_idx)
    key_match = [seen[k] == edges[f"edge_{k}"] for k in frame.keys]
    left = seen.anti_join(edges, [*key_match, edges.edge_idx == seen.first_idx - 1])
    ends = edges.view()
    key_match = [left[k] == ends[f"edge_{k}"] for k in frame.keys]
    return left.anti_join(ends, [*key_match, ends.edge_idx == left.last_idx])


def _metric(name: str, description: str, formula: str, benchmark: Benchmark) -> Metric:
    return Metric(
        name=name,
        kind="ratio",
        description=description,
        formula=formula,
        unit="ratio",
        grain="period",
        owner="customer_success",
        tables=MRR_TABLES,
        compute=lambda frame: _ratio(frame, name),
        benchmark=benchmark,
    )


_T12M = (
    " Trailing twelve months: the cohort is the customers paying twelve months before the "
    "period's last month, compared at that last month."
)

METRICS = (
    _metric(
        "nrr",
        "Net revenue retention: the share of the MRR of customers paying at the period start "
        "that they still pay at its end, with expansion.",
        "(start + expansion - contraction - churn) / start, over customers paying at the "
        "period start",
        Benchmark(
            band="above 100% means the base grows on its own; 110-120%+ is best in class "
            "for mid-market and enterprise SaaS",
            source="KeyBanc Capital Markets SaaS Survey; Bessemer Venture Partners, State of "
            "the Cloud",
        ),
    ),
    _metric(
        "grr",
        "Gross revenue retention: like NRR but without expansion, so it cannot exceed 100%.",
        "sum(min(end, start)) / start, over customers paying at the period start",
        Benchmark(
            band="annual GRR of 90% or more is strong; 80-85% is typical for SMB",
            source="KeyBanc Capital Markets SaaS Survey",
        ),
    ),
    _metric(
        "logo_retention",
        "Share of the customers paying at the period start who still pay at its end.",
        "customers paying at start and end / customers paying at start",
        Benchmark(
            band="annual logo retention above 90% for enterprise, 70-80% for SMB",
            source="common SaaS practice (e.g. KeyBanc Capital Markets SaaS Survey)",
        ),
    ),
    _metric(
        "customer_churn_rate",
        "Share of the customers paying at the period start who no longer pay at its end "
        "(customers who joined and left inside the period are not counted).",
        "1 - logo_retention",
        Benchmark(
            band="monthly logo churn under 1% (enterprise) to 3-5% (SMB)",
            source="common SaaS practice (e.g. KeyBanc Capital Markets SaaS Survey)",
        ),
    ),
    _metric(
        "net_mrr_churn_rate",
        "MRR lost net of expansion from the customers paying at the period start, as a share "
        "of their starting MRR (negative when expansion outweighs churn and contraction).",
        "(churn + contraction - expansion) / start = 1 - nrr",
        Benchmark(
            band="below 0 (net negative churn) is best in class",
            source="common SaaS practice (e.g. Bessemer Venture Partners, State of the Cloud)",
        ),
    ),
    _metric(
        "nrr_t12m",
        "Net revenue retention over the trailing twelve months, with expansion." + _T12M,
        "sum(end) / sum(start) over customers paying 12 months before the period's last month",
        Benchmark(
            band="above 100% means the base grows on its own; 110-120%+ is best in class",
            source="KeyBanc Capital Markets SaaS Survey; Bessemer Venture Partners, State of "
            "the Cloud",
        ),
    ),
    _metric(
        "grr_t12m",
        "Gross revenue retention over the trailing twelve months (no expansion, at most 100%)."
        + _T12M,
        "sum(min(end, start)) / sum(start) over customers paying 12 months before the period's "
        "last month",
        Benchmark(
            band="annual GRR of 90% or more is strong; 80-85% is typical for SMB",
            source="KeyBanc Capital Markets SaaS Survey",
        ),
    ),
    Metric(
        name="joined_and_left",
        kind="simple",
        description="Customers who started paying inside the period and stopped before its "
        "end: excluded from the churn and retention rates (they were not paying at the period "
        "start) and counted here instead.",
        formula="count of customers not paying at the period start, paying in some month of "
        "the period, and not paying at its last month",
        unit="count",
        grain="period",
        owner="customer_success",
        tables=MRR_TABLES,
        compute=_joined_and_left,
    ),
)
