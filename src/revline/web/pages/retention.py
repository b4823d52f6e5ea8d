"""The retention page: NRR, GRR and logo retention, their quarterly trend and cohort matrix."""

from __future__ import annotations

from typing import Any

import pandas as pd

from revline.web.content import chart, compute, compute_grain, figures, grain_of, records
from revline.web.registry import Page, PageContext, register

HEADLINE = ("nrr", "grr", "logo_retention", "customer_churn_rate", "nrr_t12m", "grr_t12m")


def retention(ctx: PageContext) -> dict[str, Any]:
    """Headline retention figures, the NRR/GRR trend by quarter and the cohort heat map."""
    quarterly_page = grain_of(ctx.period) == "quarter"
    names = ["nrr", "grr", "cohort_revenue_retention", *(HEADLINE if quarterly_page else ())]
    trend = compute(ctx, list(dict.fromkeys(names)), "quarter")  # one computation when it can
    frames = trend if quarterly_page else compute_grain(ctx, HEADLINE)
    long = pd.concat(
        [trend[name].assign(metric=name) for name in ("nrr", "grr") if name in trend],
        ignore_index=True,
    )
    cohorts = trend.get("cohort_revenue_retention")
    return {
        "figures": figures(ctx, HEADLINE, frames=frames),
        "charts": [
            chart(
                "retention_trend",
                "NRR and GRR by quarter",
                "retention_trend",
                records(long),
                metrics=["nrr", "grr"],
            ),
            chart(
                "cohort_heatmap",
                "Revenue retention by first-paid quarter (gross)",
                "cohort_heatmap",
                [] if cohorts is None else records(cohorts),
                metrics=["cohort_revenue_retention"],
            ),
        ],
    }


register(
    Page(
        name="retention",
        title="Retention",
        functions=("customer_success", "renewals", "revops"),
        data=retention,
        description="Net and gross revenue retention, logo retention and cohorts.",
        order=30,
    )
)
