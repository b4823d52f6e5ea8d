"""The board report's "What to fix" section: the top findings of
:func:`revline.analyses.diagnose.diagnose`.

It lays out the same ranked findings as ``revline diagnose`` for the report's period; it
computes nothing itself. Registered by one import line in ``revline.report.sections``.
"""

from __future__ import annotations

from revline.analyses.diagnose.run import diagnose
from revline.metrics.core import display
from revline.report.context import ReportContext
from revline.report.registry import SectionContent, TableBlock, section

TOP = 5


@section(
    "what_to_fix",
    "What to fix",
    order=70,
    description="The largest problems of the revenue engine, each with its owner and its cost.",
)
def build(ctx: ReportContext) -> SectionContent:
    result = diagnose(ctx.wh, ctx.period.label)
    top = result.top(TOP)
    if not top:
        return SectionContent(reading=f"Diagnosis found no problem in {result.period}.")
    first = top[0]
    stake = "" if first.at_stake is None else f", {display(first.at_stake, 'currency', 0)} ARR"
    reading = (
        f"{len(result.findings)} findings in {result.period}; first: {first.problem.rstrip('.')} "
        f"(owner {first.owner_label}{stake} at stake)."
    )
    rows = tuple(
        (
            str(i),
            f.problem,
            f.owner_label,
            "-" if f.at_stake is None else display(f.at_stake, "currency", 0),
            f.at_stake_method or "-",
        )
        for i, f in enumerate(top, start=1)
    )
    return SectionContent(
        reading=reading,
        tables=(
            TableBlock(
                f"Top {len(top)} findings, ranked by ARR at stake x confidence",
                ("#", "problem", "owner", "ARR at stake", "how the cost was measured"),
                rows,
            ),
        ),
        notes=(
            "Each finding's test, evidence and rows: `revline diagnose --period "
            f"{result.period}` (docs/diagnose.md).",
        ),
    )
