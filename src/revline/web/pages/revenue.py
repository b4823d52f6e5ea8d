"""The revenue page: ARR and MRR figures, the ARR trend and the MRR bridge of the period."""

from __future__ import annotations

from typing import Any

from revline.model.periods import parse_period
from revline.scorecard import prior_period
from revline.serialize import money
from revline.web.content import (
    chart,
    column,
    compute,
    compute_grain,
    drill_url,
    figures,
    grain_of,
    pick,
    records,
    table,
)
from revline.web.registry import Page, PageContext, register

HEADLINE = ("arr", "mrr", "customers", "arpa", "net_new_mrr", "mrr_growth")
#: The bridge's steps: (label, chart step, metric, sign) between the starting and the ending MRR.
#: The step names are those of :data:`revline.charts.BRIDGE_STEPS`.
STEPS = (
    ("New", "new", "new_mrr", 1),
    ("Reactivation", "reactivation", "reactivation_mrr", 1),
    ("Expansion", "expansion", "expansion_mrr", 1),
    ("Contraction", "contraction", "contraction_mrr", -1),
    ("Churn", "churn", "churned_mrr", -1),
)


def revenue(ctx: PageContext) -> dict[str, Any]:
    """Headline revenue figures, the monthly ARR trend and the period's MRR bridge."""
    names = [*HEADLINE, *(m for _, _, m, _ in STEPS)]
    frames = compute_grain(ctx, names)
    grain = grain_of(ctx.period)
    trend = frames["arr"] if grain == "month" else compute(ctx, ["arr"], "month")["arr"]
    before = prior_period(parse_period(ctx.period))
    start = pick(frames["mrr"], before)
    end = pick(frames["mrr"], ctx.period)
    sizes = [("start", start)]
    steps: list[dict[str, Any]] = [
        {
            "step": f"Starting MRR ({before})",
            "amount": start,
            "drill": drill_url(ctx, "mrr", before),
        }
    ]
    for label, name, metric, sign in STEPS:
        value = pick(frames[metric], ctx.period) if metric in frames else None
        sizes.append((name, value))
        amount = None if value is None else value * sign
        steps.append({"step": label, "amount": amount, "drill": drill_url(ctx, metric, ctx.period)})
    sizes.append(("end", end))
    steps.append({"step": "Ending MRR", "amount": end, "drill": drill_url(ctx, "mrr", ctx.period)})
    bridge = table(
        "mrr_bridge",
        f"MRR bridge, {ctx.period}",
        [column("step", "Step"), column("amount", "MRR", "currency")],
        steps,
        links={"amount": "drill"},
    )
    return {
        "figures": figures(ctx, HEADLINE, frames=frames),
        "charts": [
            chart("arr_trend", "ARR by month", "arr_trend", records(trend)),
            chart(
                "mrr_bridge_chart",
                f"MRR bridge, {ctx.period}",
                "bridge_waterfall",
                [{"step": name, "amount": money(value)} for name, value in sizes],
            ),
        ],
        "tables": [bridge],
    }


register(
    Page(
        name="revenue",
        title="Revenue",
        functions=("revops", "sales", "customer_success"),
        data=revenue,
        description="ARR and MRR: the trend and the bridge from starting to ending MRR.",
        order=20,
    )
)
