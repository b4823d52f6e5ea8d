"""The board report's "Seams and hand-offs" section (docs/report.md "Adding a section").

It asks :mod:`revline.analyses.seams` for every hand-off and SLA as the data stood at the end of the
report period, and writes the reading from those figures: the weakest hand-off of the map and
its owner, and the SLA breaches that put the most revenue at stake.
"""

from __future__ import annotations

from decimal import Decimal

import pandas as pd

from revline.analyses.seams.funnel import FlowStats, seams
from revline.analyses.seams.sla import SlaResult, evaluate_slas
from revline.charts import bar_chart, to_svg
from revline.metrics.core import display
from revline.model.periods import month_start
from revline.report import Chart, ReportContext, SectionContent, TableBlock, section


def _weakest(flows: list[FlowStats]) -> FlowStats | None:
    decided = [f for f in flows if f.closed_conversion is not None and f.owner is not None]
    return min(decided, key=lambda f: f.closed_conversion or 0.0) if decided else None


def _reading(flows: list[FlowStats], slas: list[SlaResult]) -> str:
    parts = []
    weak = _weakest(flows)
    if weak is not None:
        parts.append(
            f"The weakest hand-off is {weak.name.replace('_', ' ')} ({weak.owner}): "
            f"{display(weak.closed_conversion, 'ratio')} of decided journeys convert, "
            f"{weak.open:,} still open"
        )
    costly = [r for r in slas if r.breaches and r.revenue_at_stake]
    if costly:
        top = max(costly, key=lambda r: r.revenue_at_stake or Decimal(0))
        parts.append(
            f"the costliest SLA breach is {top.name.replace('_', ' ')} ({top.owner}), "
            f"{top.breaches:,} of {top.measured:,} late, "
            f"{display(top.revenue_at_stake, 'currency')} ARR at stake"
        )
    if not parts:
        return "No hand-off has decided journeys in this period yet."
    return "; ".join(parts) + "."


@section(
    "seams",
    "Seams and hand-offs",
    order=60,
    description="Conversion, time and losses at each hand-off, with its owner, and the SLAs.",
)
def build(ctx: ReportContext) -> SectionContent:
    end = month_start(ctx.period.last + 1)
    flows = seams(ctx.wh, as_of=end)
    report = evaluate_slas(ctx.wh, as_of=end)
    slas = list(report.results)
    frame = pd.DataFrame(
        {"seam": [f.name for f in flows], "value": [f.conversion or 0.0 for f in flows]}
    )
    handoffs = tuple(
        (
            f.name.replace("_", " "),
            str(f.owner) if f.owner else "",
            f"{f.entered:,}",
            display(f.conversion, "ratio"),
            display(f.closed_conversion, "ratio"),
            display(f.time.median_days, "days"),
            f"{f.open:,}",
            next(iter(f.lost_to), ""),
        )
        for f in flows
    )
    sla_rows = tuple(
        (
            r.name.replace("_", " "),
            str(r.owner),
            f"{r.breaches:,} of {r.measured:,}",
            display(r.revenue_at_stake, "currency") if r.revenue_at_stake is not None else "n/a",
        )
        for r in slas
    )
    return SectionContent(
        reading=_reading(flows, slas),
        charts=(
            Chart(
                f"Conversion at each hand-off, as of {end.isoformat()}",
                to_svg(bar_chart(frame, x="seam", unit="ratio", title=None)),
            ),
        ),
        tables=(
            TableBlock(
                "Hand-offs",
                (
                    "hand-off",
                    "owner",
                    "entered",
                    "conversion",
                    "of decided",
                    "median days",
                    "still open",
                    "most lost to",
                ),
                handoffs,
            ),
            TableBlock("SLAs", ("SLA", "owner", "breaches", "ARR at stake"), sla_rows),
        ),
        notes=(
            "Conversion counts journeys that reached the next stage or any later one; "
            "'of decided' leaves out journeys still open. Owners come from the function "
            "category map. Rows behind every figure: revline funnel, revline sla.",
        ),
    )
