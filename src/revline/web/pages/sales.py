"""The sales page: win rate, sales cycle, attainment; by segment and by rep."""

from __future__ import annotations

from typing import Any

from revline.web.content import chart, compute, compute_grain, figures, grain_of, records
from revline.web.pages._breakdown import breakdown_table
from revline.web.registry import Page, PageContext, register

HEADLINE = (
    "win_rate",
    "sales_cycle_days",
    "quota_attainment",
    "reps_at_quota_share",
    "avg_deal_size",
    "bookings",
    "pipeline_coverage",
    "pipeline_velocity",
)


def sales(ctx: PageContext) -> dict[str, Any]:
    """Headline sales figures, the win-rate trend, and tables by segment and by rep."""
    frames = compute_grain(ctx, HEADLINE)
    quarterly = (
        frames if grain_of(ctx.period) == "quarter" else compute(ctx, ["win_rate"], "quarter")
    )
    trend = quarterly.get("win_rate")
    notes = []
    charts = []
    if trend is None:  # the breakdown filter cannot split the win rate (e.g. by plan)
        dim = (ctx.filters.breakdown or ("",))[0]
        notes.append(f"The win-rate trend is not available by {dim}: deals are not split by it.")
    else:
        charts.append(
            chart(
                "win_rate_trend",
                "Win rate by quarter",
                "line_chart",
                records(trend),
                metrics=["win_rate"],
                unit="ratio",
            )
        )
    return {
        "figures": figures(ctx, HEADLINE, frames=frames),
        "charts": charts,
        "tables": [
            breakdown_table(
                ctx, ("win_rate", "sales_cycle_days", "avg_deal_size", "bookings"), "segment"
            ),
            breakdown_table(ctx, ("quota_attainment", "bookings"), "owner"),
        ],
        "notes": [
            *notes,
            "The tables by segment and by rep are company-wide (one breakdown at a time).",
            "Bookings: ARR of the new and expansion deals won in the period, each at its close "
            "month's exchange rate; the Forecast accuracy page scores forecasts against this "
            "same figure.",
        ],
    }


register(
    Page(
        name="sales",
        title="Sales",
        functions=("sales", "sales_development", "sales_engineering", "revops"),
        data=sales,
        description="Win rate, sales cycle, quota attainment, pipeline coverage and velocity.",
        order=50,
    )
)
