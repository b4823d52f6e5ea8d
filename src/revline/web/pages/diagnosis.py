"""The diagnosis page: where the revenue engine leaks, who owns each leak, what it costs.

It asks :func:`revline.analyses.diagnose.diagnose` (the same ranked findings as ``revline
diagnose``)
and lays them out as one table plus a table of evidence; it computes nothing itself.
"""

from __future__ import annotations

from typing import Any

from revline.web.content import column, table
from revline.web.registry import Page, PageContext, register

TOP = 10


def diagnosis(ctx: PageContext) -> dict[str, Any]:
    from revline.analyses.diagnose import diagnose

    result = diagnose(ctx.warehouse, ctx.period, org=ctx.org)
    top = result.findings  # all ranked; each user sees the top TOP of those they may see
    findings = [
        {
            "rank": i,
            "problem": f.problem,
            "owner": f.owner_label,
            "at_stake": f.at_stake,
            "confidence": f.confidence,
            "method": f.method,
            "rows": f.drill.describe(),
            "_owner": f.owner,
        }
        for i, f in enumerate(top, start=1)
    ]
    evidence = [
        {
            "rank": i,
            "figure": name,
            "value": value,
            "at_stake_method": f.at_stake_method,
            "_owner": f.owner,
        }
        for i, f in enumerate(top, start=1)
        for name, value in f.evidence
    ]
    return {
        "tables": [
            table(
                "findings",
                f"Top findings, {result.period}",
                [
                    column("rank", "#"),
                    column("problem", "Problem"),
                    column("owner", "Owner"),
                    column("at_stake", "ARR at stake", "currency"),
                    column("confidence", "Confidence", "ratio"),
                    column("method", "How it was measured"),
                    column("rows", "Rows behind it", rowlevel=True),
                ],
                findings,
                rows_label="finding",
                limit=TOP,
            ),
            table(
                "evidence",
                "Evidence",
                [
                    column("rank", "#"),
                    column("figure", "Figure"),
                    column("value", "Value"),
                    column("at_stake_method", "How the revenue at stake was measured"),
                ],
                evidence,
                rows_label="evidence row",
                follows=("findings", "rank"),
            ),
        ],
        "notes": [
            f"{len(result.findings)} findings in all; shown: the top {TOP} your role covers, "
            "ranked by revenue at stake weighted by confidence (findings without a money figure "
            "come last).",
            f"Lead comparisons use leads created {result.lead_window[0]} to "
            f"{result.lead_window[1]}; onboardings handed over {result.onboarding_window[0]} to "
            f"{result.onboarding_window[1]}.",
        ],
    }


register(
    Page(
        name="diagnosis",
        title="Diagnosis",
        functions=(),
        data=diagnosis,
        description="Where revenue leaks, who owns each leak and what it puts at stake.",
        filters=("period",),
        precompute=False,
        order=85,
    )
)
