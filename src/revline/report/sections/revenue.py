"""The revenue bridge page: MRR from the start of the period to its end, and the ARR trend.

Start is ``mrr`` of the prior period (a balance: its last month), end is ``mrr`` of the report
period, and the movements are the registry's movement metrics summed over the period, so the
waterfall reconciles exactly: end = start + new + reactivation + expansion - contraction - churn
(the steps and their order are :data:`revline.model.movements.BRIDGE_STEPS`).
The reading finds the movement that changed net new MRR the most and says which function's work
(bookings or retention) drove it.
"""

from __future__ import annotations

from revline.charts import arr_trend, bridge_waterfall, to_svg
from revline.model.movements import BRIDGE_STEPS
from revline.report.context import ReportContext
from revline.report.readings import change_to, from_to, moved, sentence
from revline.report.registry import Chart, Figure, SectionContent, section

#: The work each bridge step reflects, for the reading.
WORK = {
    "new": "bookings",
    "expansion": "expansion",
    "reactivation": "win-backs",
    "contraction": "retention",
    "churn": "retention",
}
#: Bridge step -> (metric, sign in net new MRR, the work it reflects), in the bridge's order.
MOVES: dict[str, tuple[str, int, str]] = {
    step.name: (step.metric, step.sign, WORK[step.name]) for step in BRIDGE_STEPS
}
NAMES = ("mrr", "net_new_mrr", "arr", *(m for m, _, _ in MOVES.values()))
LABELS = {
    "new_mrr": "New MRR",
    "expansion_mrr": "Expansion MRR",
    "reactivation_mrr": "Reactivation MRR",
    "contraction_mrr": "Contraction MRR",
    "churned_mrr": "Churned MRR",
}


def reading(now: dict[str, float | None], before: dict[str, float | None], grain: str) -> str:
    """Net new MRR's move and the movement behind it (the largest swing in net new MRR)."""
    net_now, net_before = now["net_new_mrr"], before["net_new_mrr"]
    head = change_to("net new MRR", net_now, net_before, "currency", grain)
    swings = {
        step: sign * ((now[metric] or 0.0) - (before[metric] or 0.0))
        for step, (metric, sign, _) in MOVES.items()
    }
    if net_now is None or net_before is None:
        return sentence(head)
    up = net_now >= net_before
    driver = max(swings, key=lambda step: swings[step] if up else -swings[step])
    metric, sign, work = MOVES[driver]
    why = (
        f"as {LABELS[metric][0].lower()}{LABELS[metric][1:]} {moved(now[metric], before[metric])} "
        + from_to(now[metric], before[metric], "currency")
    )
    others = "bookings" if work != "bookings" else "retention"
    if up:
        verdict = f"{work}, not {others}, drove the gain"
    else:
        verdict = f"{work}, not {others}, drove the slowdown"
    if sign < 0 and up:
        verdict = f"better {work}, not {others}, drove the gain"
    return sentence(f"{head} {why}", verdict)


def build(ctx: ReportContext) -> SectionContent:
    """Bridge figures and waterfall for the report period, and the ARR trend."""
    names = NAMES
    ctx.metrics(names)
    now = {n: ctx.value(n) for n in names}
    before = {n: ctx.value(n, ctx.prior) for n in names}
    start = before["mrr"]
    steps = {"start": start or 0.0, "end": now["mrr"] or 0.0}
    steps.update({step: now[metric] or 0.0 for step, (metric, _, _) in MOVES.items()})
    figures = [
        Figure(f"MRR at the end of {ctx.prior}", start, "currency", "mrr", period=ctx.prior),
        *(
            Figure(LABELS[metric], now[metric], "currency", metric, before[metric])
            for metric, _, _ in MOVES.values()
        ),
        Figure(f"MRR at the end of {ctx.period.label}", now["mrr"], "currency", "mrr", start),
        Figure("Net new MRR", now["net_new_mrr"], "currency", "net_new_mrr", before["net_new_mrr"]),
        Figure("ARR", now["arr"], "currency", "arr", before["arr"]),
    ]
    charts = (
        Chart(f"MRR bridge, {ctx.period.label}", to_svg(bridge_waterfall(steps, title=None))),
        Chart("ARR by period", to_svg(arr_trend(ctx.trend("arr"), title=None))),
    )
    return SectionContent(reading(now, before, ctx.grain), tuple(figures), charts)


section(
    "revenue",
    "Revenue bridge",
    order=20,
    description="MRR bridge waterfall and the ARR trend.",
    needs=tuple((name, None) for name in NAMES),
)(build)
