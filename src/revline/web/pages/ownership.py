"""The ownership map: each function, its executive, and the stages, hand-offs and metrics
it owns."""

from __future__ import annotations

from typing import Any

from revline.metrics.api import REGISTRY
from revline.web.content import column, table
from revline.web.registry import Page, PageContext, register


def ownership(ctx: PageContext) -> dict[str, Any]:
    """The function category map under its org model, one row per function."""
    org = ctx.org
    metric_owner = {name: org.metric_owner(name, m.owner).function for name, m in REGISTRY.items()}
    rows = []
    for name, fn in org.functions.items():
        rows.append(
            {
                "function": fn.label,
                "executive": org.executives[name],
                "description": fn.description,
                "stages": ", ".join(s for s, f in org.stages.items() if f == name),
                "handoffs": ", ".join(h for h, spec in org.handoffs.items() if spec.owner == name),
                "metrics": ", ".join(m for m, f in metric_owner.items() if f == name),
            }
        )
    handoffs = [
        {"handoff": h.name, "from": h.from_stage, "to": h.to_stage, "owner": h.owner}
        for h in org.handoffs.values()
    ]
    return {
        "tables": [
            table(
                "functions",
                f"Functions ({org.org_model}: {org.model_description})",
                [
                    column("function", "Function"),
                    column("executive", "Reports to"),
                    column("description", "What it does"),
                    column("stages", "Stages owned"),
                    column("handoffs", "Hand-offs owned"),
                    column("metrics", "Metrics owned"),
                ],
                rows,
            ),
            table(
                "handoffs",
                "Hand-offs",
                [
                    column("handoff", "Hand-off"),
                    column("from", "From stage"),
                    column("to", "To stage"),
                    column("owner", "Owner"),
                ],
                handoffs,
            ),
        ]
    }


register(
    Page(
        name="ownership",
        title="Ownership map",
        functions=(),
        data=ownership,
        description="Who owns each lifecycle stage, hand-off and metric (the org map).",
        filters=(),
        order=80,
    )
)
