"""The definitions page: the glossary, generated from the metric registry's declarations."""

from __future__ import annotations

from typing import Any

from revline.metrics.api import REGISTRY
from revline.web.content import column, table
from revline.web.registry import Page, PageContext, register


def definitions(ctx: PageContext) -> dict[str, Any]:
    """Every metric's declaration: kind, unit, definition, formula, owner and benchmark."""
    rows = [
        {
            "metric": m.name,
            "kind": m.kind_name,
            "unit": m.unit,
            "description": m.description,
            "formula": m.formula,
            "owner": ctx.org.metric_owner(m.name, m.owner).function,
            "breakdowns": ", ".join(m.breakdowns),
            "benchmark": f"{m.benchmark.band} ({m.benchmark.source}, {m.benchmark.year})"
            if m.benchmark
            else "",
        }
        for m in REGISTRY.values()
    ]
    keys = ("metric", "kind", "unit", "description", "formula", "owner", "breakdowns", "benchmark")
    return {
        "tables": [
            table(
                "metrics",
                f"{len(rows)} metrics",
                [column(k, k.capitalize()) for k in keys],
                rows,
            )
        ]
    }


register(
    Page(
        name="definitions",
        title="Definitions",
        functions=(),
        data=definitions,
        description="Every metric's definition, formula, unit, owner and benchmark.",
        filters=(),
        order=90,
    )
)
