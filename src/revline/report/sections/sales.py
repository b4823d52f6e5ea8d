"""The sales page: bookings, win rate, deal size, cycle, attainment and coverage.

Bookings are deals won times their average size, so the reading splits the bookings move into
those two causes and names the larger; then it sets pipeline coverage against its 3x benchmark,
which says whether the next period is at risk.
"""

from __future__ import annotations

import math

from revline.charts import bar_chart, line_chart, to_svg
from revline.metrics.api import get_metric
from revline.report.context import ReportContext
from revline.report.readings import change_phrase, change_to, moved, points, sentence, show
from revline.report.registry import Chart, Figure, SectionContent, TableBlock, section

HEADLINE: dict[str, tuple[str, str]] = {
    "bookings": ("Bookings", "currency"),
    "win_rate": ("Win rate", "ratio"),
    "avg_deal_size": ("Average deal size", "currency"),
    "sales_cycle_days": ("Sales cycle (days, median)", "days"),
    "quota_attainment": ("Quota attainment", "ratio"),
    "pipeline_coverage": ("Pipeline coverage", "multiple"),
}


#: Read by the reading but not shown as a tile: the declared count of deals won.
READ = ("deals_won",)


def reading(now: dict[str, float | None], before: dict[str, float | None], grain: str) -> str:
    """Bookings' move, split into deal count and deal size, then coverage against 3x."""
    head = change_to("bookings", now["bookings"], before["bookings"], "currency", grain)
    deals_now, deals_before = now["deals_won"], before["deals_won"]
    size_now, size_before = now["avg_deal_size"], before["avg_deal_size"]
    parts = [head]
    if deals_now and deals_before and size_now and size_before:
        by_count = abs(math.log(deals_now / deals_before))
        by_size = abs(math.log(size_now / size_before))
        if by_count >= by_size:
            parts[0] += (
                f" on {deals_now:.0f} deals won against {deals_before:.0f} (win rate "
                f"{points(now['win_rate'], before['win_rate'])} to "
                f"{show(now['win_rate'], 'ratio')}): volume, not deal size, moved it"
            )
        else:
            parts[0] += (
                f" as average deal size {moved(size_now, size_before)} to "
                f"{show(size_now, 'currency')}: deal size, not volume, moved it"
            )
    coverage = now["pipeline_coverage"]
    benchmark = get_metric("pipeline_coverage").benchmark  # the registry's, as the scorecard
    if coverage is not None and benchmark is not None and benchmark.green is not None:
        side = "at or above" if benchmark.status(coverage) == "green" else "below"
        risk = "next period's number is at risk" if side == "below" else "it supports the plan"
        parts.append(
            f"pipeline coverage of {show(coverage, 'multiple')} is {side} the "
            f"{benchmark.green:g}x benchmark: {risk}"
        )
    return sentence(*parts)


def build(ctx: ReportContext) -> SectionContent:
    """Sales figures, bookings and win-rate trends, and win rate by segment."""
    ctx.metrics([*HEADLINE, *READ])
    now = {n: ctx.value(n) for n in (*HEADLINE, *READ)}
    before = {n: ctx.value(n, ctx.prior) for n in (*HEADLINE, *READ)}
    tiles = tuple(
        Figure(label, now[n], unit, n, before[n]) for n, (label, unit) in HEADLINE.items()
    )
    charts = (
        Chart("Bookings by period", to_svg(bar_chart(ctx.trend("bookings"), title=None))),
        Chart(
            "Win rate by period",
            to_svg(line_chart(ctx.trend("win_rate"), unit="ratio", title=None)),
        ),
    )
    seg = ctx.metrics(["win_rate"], None, "segment")["win_rate"]
    rows, figures = [], []
    for name in seg[seg["period"] == ctx.period.label]["segment"]:
        value = ctx.value("win_rate", None, str(name), "segment")
        prior = ctx.value("win_rate", ctx.prior, str(name), "segment")
        rows.append(
            (
                str(name),
                show(value, "ratio"),
                show(prior, "ratio"),
                change_phrase(value, prior, "ratio"),
            )
        )
        figures.append(
            Figure(
                f"Win rate {name}",
                value,
                "ratio",
                "win_rate",
                prior,
                by="segment",
                by_value=str(name),
            )
        )
    table = TableBlock(
        f"Win rate by segment, {ctx.period.label} vs {ctx.prior}",
        ("segment", ctx.period.label, ctx.prior, "change"),
        tuple(rows),
        tuple(figures),
    )
    return SectionContent(reading(now, before, ctx.grain), tiles, charts, (table,))


section(
    "sales",
    "Sales",
    order=50,
    description="Bookings, win rate, deal size, cycle, attainment and coverage.",
    needs=(*((name, None) for name in (*HEADLINE, *READ)), ("win_rate", "segment")),
)(build)
