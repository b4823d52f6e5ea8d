"""Spend-based CAC for sources that report acquisition as counts (the ``acquisitions`` table).

Consumer and self-serve businesses (app stores, ad platforms) often report new paying customers
per day and channel rather than per account, so the MRR model has no accounts to count. For
them, ``spend_cac`` divides ``marketing_spend`` by the ``acquisitions`` counts of the same
period and group: paid-media cost per acquired customer. It is not fully loaded (salaries and
tools are not in it); :data:`revline.metrics.efficiency` ``cac`` is, and is the one to use when
accounts and subscriptions are loaded.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from revline.metrics.core import Measure, Metric, Ratio
from revline.metrics.gtm_costs import in_periods
from revline.metrics.gtm_frame import GtmFrame, label, unsupported
from revline.model.periods import month_index_of

#: Breakdowns of spend CAC: columns both tables have.
SPLITS = ("channel", "campaign", "country")


def _dim(t: ir.Table, dim: str) -> ir.StringValue:
    return label(t[f"{dim}_id" if dim == "campaign" else dim])


def _rows(frame: GtmFrame, table: str, day: str, amount: str) -> ir.Table:
    t = frame.table(table)
    for dim, value in frame.filters:
        t = t.filter(_dim(t, dim) == value)
    by = frame.by
    groups = {by: _dim(t, by)} if by else {}
    return t.select(month_idx=month_index_of(t[day]), value=t[amount].cast("float64"), **groups)


def _spend_cac(frame: GtmFrame) -> ir.Table:
    if frame.by is not None and frame.by not in SPLITS:
        raise unsupported(frame, "spend_cac", SPLITS)
    keys = ["period", *frame.by_cols]
    spend = in_periods(frame, _rows(frame, "marketing_spend", "spend_date", "amount"))
    spend = spend.group_by(keys).agg(spend=spend.value.sum())
    got = in_periods(frame, _rows(frame, "acquisitions", "acquired_on", "customers"))
    got = got.group_by(keys).agg(customers=got.value.sum())
    j = spend.outer_join(got, keys)
    out = j.select(
        **{k: j[k].coalesce(j[f"{k}_right"]) for k in keys},
        value=ibis.ifelse(
            j.customers > 0, j.spend.coalesce(0.0) / j.customers, ibis.null("float64")
        ),
    )
    if frame.by:
        return out.order_by(keys)
    joined = frame.period_bounds.select("period").left_join(out, "period")
    return joined.select("period", "value").order_by("period")


METRICS = (
    Metric(
        name="spend_cac",
        kind=Ratio(
            Measure("marketing_spend amount", "currency"),
            Measure("customers counted by the acquisitions table", "count"),
        ),
        description="Paid-media cost per acquired customer: marketing spend over the customers "
        "the acquisitions table counts in the same period and channel, campaign or country. Not "
        "fully loaded; for aggregate (consumer, self-serve) acquisition data. Compare it with a "
        "customer's first-year gross profit (no universal band).",
        formula="sum(marketing_spend.amount) / sum(acquisitions.customers)",
        unit="currency",
        grain="period",
        owner="marketing",
        tables=("marketing_spend", "acquisitions"),
        compute=_spend_cac,
        frame="gtm",
        breakdowns=SPLITS,
    ),
)
