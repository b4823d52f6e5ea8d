"""The overview page: the CRO scorecard (:func:`revline.scorecard.scorecard`), company-wide."""

from __future__ import annotations

from typing import Any

from revline.metrics.core import display
from revline.scorecard import scorecard
from revline.serialize import plain
from revline.web.content import drill_url
from revline.web.registry import Page, PageContext, register


def overview(ctx: PageContext) -> dict[str, Any]:
    """Each scorecard line as a figure with its status, trend, target, benchmark and owner."""
    card = scorecard(ctx.warehouse, ctx.period, ctx.settings)
    out = []
    for line in card.lines:
        segment = line.label.removeprefix("GRR ") if line.label.startswith("GRR ") else None
        link = drill_url(ctx, line.metric, card.period)
        if link and segment:
            link = f"{link}&by=segment&value={segment}"
        out.append(
            {
                "id": f"{line.metric}_{segment}" if segment else line.metric,
                "metric": line.metric,
                "label": line.label,
                "period": card.period,
                "unit": line.unit,
                "value": plain(line.value, line.unit),
                "display": display(line.value, line.unit),
                "prior": plain(line.prior, line.unit),
                "prior_display": display(line.prior, line.unit),
                "target": plain(line.target, line.unit),
                "status": line.status,
                "reason": line.reason,
                "benchmark": line.benchmark,
                "owner": line.owner,
                "drill": link,
            }
        )
    return {
        "figures": out,
        "notes": [
            f"Period {card.period} against {card.prior_period}; data as of {card.as_of}.",
            f"Rule of 40 profit basis: {card.profit_margin_basis}.",
        ],
    }


register(
    Page(
        name="overview",
        title="Overview",
        functions=("revops",),
        data=overview,
        description="The CRO scorecard: every headline metric with trend, target, status, owner.",
        filters=("period",),
        order=10,
    )
)
