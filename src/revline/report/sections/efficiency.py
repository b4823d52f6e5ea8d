"""The go-to-market efficiency page: CAC, payback, CAC ratio, LTV:CAC and magic number, by
segment.

CAC is S&M spend over new customers, so the reading splits CAC's move into its two causes
(spend and new customers) and says which one moved it, then puts payback against its benchmark.
"""

from __future__ import annotations

import math

import pandas as pd

from revline.charts import grouped_bars, to_svg
from revline.metrics.api import get_metric
from revline.report.context import ReportContext
from revline.report.readings import change_to, from_to, moved, sentence, show
from revline.report.registry import Chart, Figure, SectionContent, TableBlock, section

HEADLINE: dict[str, tuple[str, str]] = {
    "cac": ("CAC (fully loaded)", "currency"),
    "cac_payback_months": ("CAC payback (months)", "months"),
    "cac_ratio": ("CAC ratio", "multiple"),
    "ltv_cac": ("LTV:CAC", "multiple"),
    "magic_number": ("Magic number", "multiple"),
    "sm_spend": ("S&M spend", "currency"),
    "new_customers": ("New customers", "count"),
}


def _log_change(now: float | None, before: float | None) -> float:
    """|log(now / before)|: a symmetric size of a move (0 when it cannot be said)."""
    if not now or not before or now <= 0 or before <= 0:
        return 0.0
    return abs(math.log(now / before))


def reading(now: dict[str, float | None], before: dict[str, float | None], grain: str) -> str:
    """CAC's move, the cause (spend or new customers) and payback against the benchmark."""
    cac, spend, new = now["cac"], now["sm_spend"], now["new_customers"]
    head = change_to("CAC", cac, before["cac"], "currency", grain)
    if None in (cac, before["cac"], spend, before["sm_spend"], new, before["new_customers"]):
        cause = ""
    elif _log_change(spend, before["sm_spend"]) >= _log_change(new, before["new_customers"]):
        cause = f"as S&M spend {moved(spend, before['sm_spend'])} " + from_to(
            spend, before["sm_spend"], "currency"
        )
    else:
        cause = f"as new customers {moved(new, before['new_customers'])} " + from_to(
            new, before["new_customers"], "count"
        )
    parts = [f"{head} {cause}".strip()]
    payback = now["cac_payback_months"]
    benchmark = get_metric("cac_payback_months").benchmark  # the registry's, as the scorecard
    if payback is not None and benchmark is not None and benchmark.green is not None:
        within = benchmark.status(payback) == "green"
        months = f"{benchmark.green:g}"
        parts.append(
            f"payback is {payback:.1f} months, {'within' if within else 'beyond'} the "
            f"{months}-month benchmark: "
            + (
                f"each new customer repays its cost inside {months} months"
                if within
                else f"growth consumes cash for longer than {months} months per customer"
            )
        )
    return sentence(*parts)


def _by_segment(ctx: ReportContext, metric: str) -> pd.DataFrame:
    """``metric`` by segment for the prior and the report period (long: segment, period, value)."""
    frame = ctx.metrics([metric], None, "segment")[metric]
    keep = frame[frame["period"].isin([ctx.prior, ctx.period.label])]
    return keep.dropna(subset=["value"]).reset_index(drop=True)


def build(ctx: ReportContext) -> SectionContent:
    """Efficiency figures, CAC and LTV:CAC by segment (prior vs report period) and a table."""
    ctx.metrics(list(HEADLINE))
    now = {n: ctx.value(n) for n in HEADLINE}
    before = {n: ctx.value(n, ctx.prior) for n in HEADLINE}
    tiles = tuple(
        Figure(label, now[n], unit, n, before[n]) for n, (label, unit) in HEADLINE.items()
    )
    charts = []
    for metric in ("cac", "ltv_cac"):
        frame = _by_segment(ctx, metric)
        if frame.empty:
            continue
        label, unit = HEADLINE[metric]
        chart = grouped_bars(frame, "segment", "period", unit=unit, title=None, y_title=label)
        charts.append(
            Chart(f"{label} by segment, {ctx.prior} and {ctx.period.label}", to_svg(chart))
        )
    rows, figures = [], []
    for seg in _by_segment(ctx, "cac_payback_months")["segment"].drop_duplicates():
        payback = ctx.value("cac_payback_months", None, seg, "segment")
        cac = ctx.value("cac", None, seg, "segment")
        rows.append((str(seg), show(cac, "currency"), show(payback, "months")))
        figures.append(
            Figure(f"CAC {seg}", cac, "currency", "cac", by="segment", by_value=str(seg))
        )
    table = TableBlock(
        f"CAC and payback by segment, {ctx.period.label}",
        ("segment", "CAC", "payback (months)"),
        tuple(rows),
        tuple(figures),
    )
    return SectionContent(reading(now, before, ctx.grain), tiles, tuple(charts), (table,))


section(
    "efficiency",
    "Go-to-market efficiency",
    order=40,
    description="CAC, payback, CAC ratio, LTV:CAC and magic number.",
    needs=(
        *((name, None) for name in HEADLINE),
        ("cac", "segment"),
        ("ltv_cac", "segment"),
        ("cac_payback_months", "segment"),
    ),
)(build)
