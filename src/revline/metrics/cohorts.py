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

from revline.metrics.core import MRR_TABLES, Benchmark, Compute, Frame, Metric
from revline.metrics.frame import paying_pieces
from revline.model.money import from_cents, union_all


def cohort_table(frame: Frame) -> ir.Table:
    """Per cohort (and group) and offset: ``members``, ``active``, ``start``, ``net``, ``gross``.

    Computed from the units' pieces (runs of months at one MRR, :func:`paying_pieces`), never
    from a members x offsets grid: a piece adds its MRR (and one active member) from the offset
    of its first month and takes it away after its last, so a running sum over the offsets of
    each cohort gives the MRR and the active members at every offset. Gross retention counts
    only the pieces before a member's first month without MRR, each at the lowest MRR (capped
    at the start) of the pieces so far. Only the members x offsets totals are a grid.
    """
    keys = list(frame.keys)
    last = frame.model.last_idx
    p = paying_pieces(frame)
    known = p.filter(ibis.and_(*(p[k].notnull() for k in keys)))
    ordered = ibis.window(group_by=keys, order_by=known.p_first)
    whole = ibis.window(group_by=keys)
    after_gap = (known.p_last.lag().over(ordered) + 1 == known.p_first).fill_null(False)
    a = known.mutate(gap=ibis.ifelse(after_gap, 0, 1), first=known.p_first.min().over(whole))
    ordered = ibis.window(group_by=keys, order_by=a.p_first)
    so_far = ibis.cumulative_window(group_by=keys, order_by=a.p_first)
    whole = ibis.window(group_by=keys)
    b = a.mutate(
        run=a.gap.sum().over(so_far),
        start=ibis.ifelse(a.p_first == a.first, a.mrr_cents, 0).max().over(whole),
    )
    so_far = ibis.cumulative_window(group_by=keys, order_by=b.p_first)
    # gross: the lowest MRR (capped at the start) so far, until the first month without MRR
    capped = ibis.least(b.mrr_cents, b.start)
    c = b.mutate(kept=ibis.ifelse(b.run == 1, capped.min().over(so_far), 0))
    periods = frame.periods.select(
        "period", c_first="month_idx", horizon=last - frame.periods.last_idx
    )
    rows = c.inner_join(periods, c.first == periods.c_first).filter(lambda t: t.horizon >= 0)
    groups = ["period", *frame.by_cols]
    members = rows.filter(rows.p_first == rows.first)
    totals = members.group_by([*groups, "horizon"]).agg(
        members=members.count(), start_cents=members.start.sum().cast("int64")
    )
    changes = union_all(
        rows.select(
            *groups,
            k=rows.p_first - rows.first,
            horizon="horizon",
            d_active=ibis.literal(1),
            d_net=rows.mrr_cents,
            d_gross=rows.kept,
        ),
        rows.select(
            *groups,
            k=rows.p_last + 1 - rows.first,
            horizon="horizon",
            d_active=ibis.literal(-1),
            d_net=-rows.mrr_cents,
            d_gross=-rows.kept,
        ),
    )
    changes = changes.filter(changes.k <= changes.horizon)
    steps = changes.group_by([*groups, "k"]).agg(
        d_active=changes.d_active.sum().cast("int64"),
        d_net=changes.d_net.sum().cast("int64"),
        d_gross=changes.d_gross.sum().cast("int64"),
    )
    span = frame.model.last_idx - frame.model.first_idx
    spine = ibis.range(0, span + 1).unnest().name("months_since_start").as_table()
    grid = totals.cross_join(spine)
    grid = grid.filter(grid.months_since_start <= grid.horizon)
    joined = grid.left_join(
        steps,
        [*(grid[g] == steps[g] for g in groups), grid.months_since_start == steps.k],
    )
    offsets = ibis.cumulative_window(group_by=groups, order_by=joined.months_since_start)

    def running(name: str) -> ir.IntegerValue:
        return joined[name].coalesce(0).sum().over(offsets).cast("int64")

    return joined.select(
        *groups,
        "months_since_start",
        members=joined.members,
        active=running("d_active"),
        start=from_cents(joined.start_cents).cast("float64"),
        net=from_cents(running("d_net")).cast("float64"),
        gross=from_cents(running("d_gross")).cast("float64"),
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
        kind="ratio",
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
