"""Cohort matrices: logo and revenue retention by first-paid month, and cohort NRR.

A customer's cohort is its **first paying month** (its first customer-month with MRR > 0, over
all of history). The period asked for selects cohorts: ``2025-03`` is the March 2025 cohort, a
quarter or a year pools the cohorts that first paid in it, a grain gives every cohort of that
grain. Each cohort is followed ``months_since_start`` = 0, 1, 2, ... months after each member's
own first month, as long as the whole cohort can be observed (its last first month plus the
offset is not after the last month computed). With ``n`` members and starting MRR ``s_i``:

- ``cohort_logo_retention``  = members paying at the offset / ``n``;
- ``cohort_revenue_retention`` = sum(g_i) / sum(s_i), where g_i is the lowest of the member's
  MRR at every offset so far, capped at s_i (gross: expansion left out, at most 100%, and never
  rising with age, issue 12);
- ``cohort_nrr`` = sum(MRR at the offset) / sum(s_i) (net of expansion, contraction and churn).

Gross retention keeps, of each member's starting MRR, what it has never stopped paying: revenue
lost to churn or contraction is not won back by a later reactivation, a re-expansion, or a rise
of the member's exchange rate (an EUR customer's MRR in USD moves with the rate each month), so
a fixed cohort's gross retention cannot rise. Those come back in ``cohort_nrr`` and logo
retention, where a member who churned and came back counts again from its reactivation. The
frames have ``period`` (the cohort), the breakdown column, ``months_since_start`` and ``value``.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from revline.metrics.core import MRR_TABLES, Benchmark, Compute, Cumulative, Frame, Measure, Metric
from revline.model.money import CENTS


def cohort_table(frame: Frame) -> ir.Table:
    """Per cohort (and group) and offset: ``members``, ``active``, ``start``, ``net``, ``gross``."""
    cm = frame.customer_months
    units = [*frame.keys, *frame.by_cols]
    firsts = cm.group_by(units).agg(first=cm.month_idx.min())
    periods = frame.periods
    members = firsts.inner_join(periods, firsts.first == periods.month_idx).select(
        "period", *units, "first", p_last=periods.last_idx
    )
    starts = cm.select(*(cm[k].name(f"s_{k}") for k in frame.keys), s_idx=cm.month_idx, s=cm.mrr)
    members = members.inner_join(
        starts,
        [*(members[k] == starts[f"s_{k}"] for k in frame.keys), members.first == starts.s_idx],
    ).select("period", *units, "first", "p_last", start="s")
    span = frame.model.last_idx - frame.model.first_idx
    spine = ibis.range(0, span + 1).unnest().name("months_since_start").as_table()
    grid = members.cross_join(spine)
    grid = grid.filter(grid.p_last + grid.months_since_start <= frame.model.last_idx)
    later = cm.view()
    later = later.select(
        *(later[k].name(f"l_{k}") for k in frame.keys), l_idx=later.month_idx, l_mrr=later.mrr
    )
    joined = grid.left_join(
        later,
        [
            *(grid[k] == later[f"l_{k}"] for k in frame.keys),
            grid.first + grid.months_since_start == later.l_idx,
        ],
    )
    zero = ibis.literal(0).cast(CENTS)
    mrr = joined.l_mrr.coalesce(zero)
    capped = ibis.ifelse(mrr < joined.start, mrr, joined.start)
    # gross: the lowest capped MRR at any offset so far (lost revenue is never won back)
    so_far = ibis.window(group_by=["period", *units], order_by="months_since_start", following=0)
    joined = joined.mutate(mrr=mrr, kept=capped.min().over(so_far))
    return joined.group_by(["period", *frame.by_cols, "months_since_start"]).agg(
        members=joined.count(),
        active=(joined.mrr > 0).sum(),
        start=joined.start.sum().cast("float64"),
        net=joined.mrr.sum().cast("float64"),
        gross=joined.kept.sum().cast("float64"),
    )


def _compute(which: str) -> Compute:
    def compute(frame: Frame) -> ir.Table:
        t = cohort_table(frame)
        value = {
            "cohort_logo_retention": t.active.cast("float64") / t.members.cast("float64"),
            "cohort_revenue_retention": t.gross / t.start,
            "cohort_nrr": t.net / t.start,
        }[which]
        out = t.select("period", *frame.by_cols, "months_since_start", value=value)
        return out.order_by(["period", *frame.by_cols, "months_since_start"])

    return compute


def _declare(name: str, description: str, formula: str) -> Metric:
    return Metric(
        name=name,
        kind=Cumulative(Measure(formula, "ratio"), None),
        description=description
        + " One row per cohort (first paying month, selected by the period) and months since "
        "start.",
        formula=formula,
        unit="ratio",
        grain="period",
        owner="customer_success",
        tables=MRR_TABLES,
        compute=_compute(name),
        benchmark=Benchmark(
            band="curves that flatten (a cohort that stops shrinking) are the goal; compare "
            "each cohort with the ones before it",
            source="common SaaS cohort analysis practice (e.g. a16z, '16 startup metrics')",
            year=2015,
        ),
    )


METRICS = (
    _declare(
        "cohort_logo_retention",
        "Share of a cohort's customers still paying each month after their first paying month.",
        "members paying at the offset / members",
    ),
    _declare(
        "cohort_revenue_retention",
        "Gross revenue retention of a cohort: its starting MRR still paid each month after, "
        "each customer at the lowest MRR it has paid since its start, capped at its starting "
        "MRR (at most 100%; churn and contraction are not won back by a reactivation, a "
        "re-expansion or an exchange rate, so it never rises with age).",
        "sum(min(starting MRR, lowest MRR at any offset so far)) / sum(starting MRR)",
    ),
    _declare(
        "cohort_nrr",
        "Net revenue retention of a cohort: its MRR each month after its first paying month "
        "over its starting MRR, with expansion.",
        "sum(MRR at the offset) / sum(starting MRR)",
    ),
)
