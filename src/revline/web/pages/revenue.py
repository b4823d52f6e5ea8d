"""The revenue page: ARR and MRR figures, the ARR trend and the MRR bridge of the period."""

from __future__ import annotations

from typing import Any

from revline.model.movements import BRIDGE_STEPS
from revline.model.periods import parse_period, prior_period
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


def revenue(ctx: PageContext) -> dict[str, Any]:
    """Headline revenue figures, the monthly ARR trend and the period's MRR bridge."""
    names = [*HEADLINE, *(step.metric for step in BRIDGE_STEPS)]
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
            "_metric": "mrr",
        }
    ]
    for step in BRIDGE_STEPS:  # the bridge's steps in their one order (revline.model.movements)
        value = pick(frames[step.metric], ctx.period) if step.metric in frames else None
        sizes.append((step.name, value))
        amount = None if value is None else value * step.sign
        drill = drill_url(ctx, step.metric, ctx.period)
        steps.append({"step": step.label, "amount": amount, "drill": drill, "_metric": step.metric})
    sizes.append(("end", end))
    end_drill = drill_url(ctx, "mrr", ctx.period)
    steps.append({"step": "Ending MRR", "amount": end, "drill": end_drill, "_metric": "mrr"})
    bridge = table(
        "mrr_bridge",
        f"MRR bridge, {ctx.period}",
        [column("step", "Step"), column("amount", "MRR", "currency")],
        steps,
        links={"amount": "drill"},
        rows_label="bridge step",
    )
    return {
        "figures": figures(ctx, HEADLINE, frames=frames),
        "charts": [
            chart("arr_trend", "ARR by month", "arr_trend", records(trend), metrics=["arr"]),
            chart(
                "mrr_bridge_chart",
                f"MRR bridge, {ctx.period}",
                "bridge_waterfall",
                [{"step": name, "amount": money(value)} for name, value in sizes],
                metrics=["mrr", *(step.metric for step in BRIDGE_STEPS)],
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
