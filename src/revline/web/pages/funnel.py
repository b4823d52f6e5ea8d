"""The funnel and hand-offs page: every seam of the lifecycle with its owner, and the SLAs.

It asks :mod:`revline.analyses.seams` (the same figures as ``revline funnel`` and ``revline sla``),
as
the data stood at the end of the requested period, and lays them out; it computes nothing
itself. A segment, region or channel filter keeps that group's journeys.
"""

from __future__ import annotations

from typing import Any

from revline.web.content import chart, column, table
from revline.web.registry import Page, PageContext, register


def funnel(ctx: PageContext) -> dict[str, Any]:
    from revline.analyses.seams import evaluate_slas, seams
    from revline.model.periods import month_start, parse_period

    end = month_start(parse_period(ctx.period).last + 1)
    chosen = ctx.filters.breakdown
    by = [chosen[0]] if chosen else []
    stats = seams(ctx.warehouse, by=by, as_of=end, org=ctx.org)
    if chosen:
        stats = [f for f in stats if f.group.get(chosen[0]) == chosen[1]]
    handoffs = [
        {
            "seam": f.name,
            "owner": str(f.owner) if f.owner else "",
            "entered": f.entered,
            "converted": f.converted,
            "conversion": f.conversion,
            "closed_conversion": f.closed_conversion,
            "median_days": f.time.median_days,
            "p90_days": f.time.p90_days,
            "open": f.open,
            "stalled": f.stalled,
            "lost_to": next(iter(f.lost_to), ""),
            "_owner": f.owner.function if f.owner else "",
        }
        for f in stats
    ]
    report = evaluate_slas(ctx.warehouse, org=ctx.org, as_of=end)
    slas = [
        {
            "sla": r.name,
            "owner": str(r.owner),
            "measured": r.measured,
            "breaches": r.breaches,
            "breach_rate": r.breach_rate,
            "at_stake": r.revenue_at_stake,
            "commitment": r.description,
            "_owner": r.owner.function,
        }
        for r in report.results
    ]
    conversion = [{"seam": h["seam"], "value": h["conversion"] or 0.0} for h in handoffs]
    return {
        "tables": [
            table(
                "handoffs",
                f"Hand-offs as of {end.isoformat()}",
                [
                    column("seam", "Hand-off"),
                    column("owner", "Owner"),
                    column("entered", "Entered", "count"),
                    column("converted", "Converted", "count"),
                    column("conversion", "Conversion", "ratio"),
                    column("closed_conversion", "Of decided", "ratio"),
                    column("median_days", "Median days", "days"),
                    column("p90_days", "p90 days", "days"),
                    column("open", "Still open", "count"),
                    column("stalled", "Stalled", "count"),
                    column("lost_to", "Most lost to"),
                ],
                handoffs,
                rows_label="hand-off",
            ),
            table(
                "slas",
                "SLAs",
                [
                    column("sla", "SLA"),
                    column("owner", "Owner"),
                    column("measured", "Judged", "count"),
                    column("breaches", "Breaches", "count"),
                    column("breach_rate", "Breach rate", "ratio"),
                    column("at_stake", "ARR at stake", "currency"),
                    column("commitment", "Commitment"),
                ],
                slas,
                rows_label="SLA",
            ),
        ],
        "charts": [
            chart(
                "conversion",
                "Conversion at each hand-off",
                "bar_chart",
                conversion,
                owners=[f.owner.function for f in stats if f.owner],
                x="seam",
                unit="ratio",
            ),
        ],
        "notes": [
            "Conversion counts journeys that reached the next stage or any later one; "
            "'of decided' leaves out journeys still open, so recent volume is not read as lost.",
            "Owners come from the function category map (org.yaml). Rows behind each figure: "
            "revline funnel --by ..., revline sla --by rep.",
        ],
    }


register(
    Page(
        name="funnel",
        title="Funnel and hand-offs",
        functions=(),
        data=funnel,
        description="Each hand-off: volume, conversion, time, losses, its owner, and the SLAs.",
        filters=("period", "segment", "region", "channel"),
        precompute=False,
        order=65,
    )
)
