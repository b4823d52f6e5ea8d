"""LTV from the shifted-beta-geometric retention model (``ltv_sbg``).

For each period (and group), every customer that first paid before the period's last month L is
one observation of a contractual lifetime measured in months from its first paying month f:
churned at ``t = c - f`` when its first churn month c is on or before L, otherwise still active
after ``L - f`` months (censored). Reactivations are ignored: the model is contractual, a churn
ends the lifetime. The pooled counts are aggregated on the engine and the sBG model
(:mod:`revline.model.sbg`, Fader & Hardie 2007) is fitted in Python. Then

    ltv_sbg = ARPA x gross margin x sum_{t=0}^{H-1} S(t)

with ``S`` the fitted survival, H the ``ltv_horizon_months`` setting (the sum has no finite
limit when alpha <= 1), and ARPA and gross margin as for ``ltv``. Empty when nobody churned.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir
import pandas as pd

from revline.metrics.core import MRR_TABLES, Derived, Frame, Measure, Metric
from revline.metrics.frame import at_period_end, fill_periods
from revline.metrics.lifetime import gross_margin
from revline.model.money import CENTS
from revline.model.sbg import ShiftedBetaGeometric


def lifetimes(frame: Frame) -> ir.Table:
    """Per period, group, ``status`` (``churned``/``alive``) and ``t``: the ``customers``."""
    units = [*frame.keys, *frame.by_cols]
    cm = frame.customer_months
    firsts = cm.group_by(units).agg(first=cm.month_idx.min())
    moves = frame.movements
    churns = moves.filter(moves.movement == "churn")
    bounds = frame.period_bounds.select(p_period="period", p_last="last_idx")
    seen = firsts.inner_join(bounds, firsts.first < bounds.p_last)
    lost = churns.select(*(churns[k].name(f"c_{k}") for k in frame.keys), c_idx=churns.month_idx)
    joined = seen.left_join(
        lost,
        [*(seen[k] == lost[f"c_{k}"] for k in frame.keys), lost.c_idx <= seen.p_last],
    )
    ended = joined.group_by([*units, "p_period", "p_last", "first"]).agg(
        churn_at=joined.c_idx.min()
    )
    churned = ended.churn_at.notnull()
    rows = ended.mutate(period=ended.p_period).select(
        "period",
        *frame.by_cols,
        status=ibis.ifelse(churned, "churned", "alive"),
        t=ibis.ifelse(churned, ended.churn_at - ended.first, ended.p_last - ended.first),
    )
    return rows.group_by(["period", *frame.by_cols, "status", "t"]).agg(customers=rows.count())


def _ltv_sbg(frame: Frame) -> ir.Table:
    backend = frame.model.backend
    keys = ["period", *frame.by_cols]
    counts: pd.DataFrame = backend.execute(lifetimes(frame))
    end = at_period_end(frame)
    arpa_expr = end.group_by(keys).agg(
        arpa=end.mrr.sum().cast("float64") / end.account_id.nunique().cast("float64")
    )
    arpa: pd.DataFrame = backend.execute(arpa_expr)
    margins: pd.DataFrame = backend.execute(gross_margin(frame))
    margin = dict(zip(margins.period, margins.margin, strict=True))
    horizon = frame.model.settings.ltv_horizon_months
    out = []
    for row in arpa.itertuples(index=False):
        group = row[: len(keys)]
        mine = counts
        for name, wanted in zip(keys, group, strict=True):
            mine = mine[mine[name] == wanted]
        lost = mine[mine.status == "churned"]
        alive = mine[mine.status == "alive"]
        text: str | None = None
        if int(lost.customers.sum()) > 0:
            model = ShiftedBetaGeometric().fit_counts(
                dict(zip(lost.t.astype(int), lost.customers.astype(float), strict=True)),
                dict(zip(alive.t.astype(int), alive.customers.astype(float), strict=True)),
            )
            months = model.expected_lifetime(horizon=horizon)
            ltv = row.arpa * margin[row.period] * months
            text = f"{ltv:.2f}"
        out.append((*group, text))
    frame_out = pd.DataFrame(out, columns=[*keys, "value"])
    # Decimal text keeps the value exact on its way into the engine (empty values stay null).
    schema = {**{k: "string" for k in keys}, "value": "string"}
    values = ibis.memtable(frame_out, schema=schema)
    values = values.mutate(value=values.value.cast(CENTS))
    return fill_periods(frame, values, None)


METRICS = (
    Metric(
        name="ltv_sbg",
        kind=Derived(
            (
                "mrr",
                "customers",
                Measure("gross margin over the trailing 6 months (or the setting)", "ratio"),
                Measure("expected months paid, sBG fit, within the horizon", "months"),
            ),
            "mrr / customers x gross margin x expected months paid, sBG fit, within the horizon",
        ),
        description="Customer lifetime value from the shifted-beta-geometric retention model "
        "(Fader & Hardie 2007) fitted to every customer's lifetime so far: ARPA x gross margin "
        "x the expected months paid within the ltv_horizon_months setting. Empty when nobody "
        "churned.",
        formula="arpa x gross margin x sum_{t=0}^{H-1} S(t), S the sBG survival fitted by "
        "maximum likelihood to churned and still-active lifetimes (months from first payment)",
        unit="currency",
        grain="period",
        owner="revops",
        tables=(*MRR_TABLES, "financials"),
        compute=_ltv_sbg,
    ),
)
