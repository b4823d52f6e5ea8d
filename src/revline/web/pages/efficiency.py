"""The go-to-market efficiency page: CAC, payback, LTV:CAC, by channel and by segment, and
marketing's own efficiency figures (paid-media CAC, pipeline per marketing dollar)."""

from __future__ import annotations

from typing import Any

from revline.web.content import figures
from revline.web.pages._breakdown import bars, breakdown_table
from revline.web.registry import Page, PageContext, register

HEADLINE = (
    "cac",
    "cac_payback_months",
    "ltv_cac",
    "cac_ratio",
    "magic_number",
    "rule_of_40",
    "sm_spend",
    "new_customers",
    "new_arr",
    "spend_cac",
    "pipeline_per_marketing_dollar",
)
LABELS = {
    "ltv_cac": "LTV:CAC",
    "sm_spend": "S&M spend",
    "spend_cac": "Paid-media CAC",
    "pipeline_per_marketing_dollar": "Pipeline per marketing dollar",
}
BY = ("cac", "cac_payback_months", "ltv_cac")


def efficiency(ctx: PageContext) -> dict[str, Any]:
    """Headline efficiency figures (filtered) and the by-channel and by-segment tables."""
    by_channel = breakdown_table(ctx, BY, "channel")
    by_segment = breakdown_table(ctx, BY, "segment")
    return {
        "figures": figures(ctx, HEADLINE, LABELS),
        "tables": [by_channel, by_segment],
        "charts": [bars(ctx, "cac", "channel", by_channel)],
        "notes": [
            "The by-channel and by-segment tables are company-wide: the metric layer breaks a "
            "figure down by one dimension at a time, so a filter applies to the headline only."
        ],
    }


register(
    Page(
        name="efficiency",
        title="GTM efficiency",
        functions=("marketing", "sales", "revops"),
        data=efficiency,
        description="Customer acquisition cost, payback and LTV:CAC by channel and segment.",
        order=40,
    )
)
