"""The retention page: NRR and GRR over time, retention by segment and the cohort heat map.

The reading says how NRR moved and whether losses (GRR: churn and contraction) or expansion
moved it, and names the segment whose gross retention is weakest.
"""

from __future__ import annotations

import pandas as pd

from revline.charts import cohort_heatmap, retention_trend, to_svg
from revline.report.context import TREND_PERIODS, ReportContext
from revline.report.readings import change_to, points, sentence, show
from revline.report.registry import Chart, Figure, SectionContent, TableBlock, section

HEADLINE = ("nrr", "grr", "logo_retention", "customer_churn_rate")
LABELS = {
    "nrr": "NRR",
    "grr": "GRR",
    "logo_retention": "Logo retention",
    "customer_churn_rate": "Customer churn rate",
}
COHORT_METRIC = "cohort_revenue_retention"
COHORT_MONTHS = 12  # offsets shown in the heat map


def reading(
    now: dict[str, float | None],
    before: dict[str, float | None],
    weakest: tuple[str, float | None, float | None] | None,
    grain: str,
) -> str:
    """NRR's move, what moved it (losses or expansion) and the weakest segment."""
    nrr, grr = now["nrr"], now["grr"]
    parts = [change_to("NRR", nrr, before["nrr"], "ratio", grain)]
    if None not in (nrr, grr, before["nrr"], before["grr"]):
        d_nrr = (nrr or 0.0) - (before["nrr"] or 0.0)
        d_grr = (grr or 0.0) - (before["grr"] or 0.0)
        d_exp = d_nrr - d_grr  # expansion's share of the move
        if abs(d_grr) >= abs(d_exp):
            what = "churn and contraction" if d_grr < 0 else "fewer losses"
            parts[0] += f" as GRR {points(grr, before['grr'])} to {show(grr, 'ratio')}: {what}"
            parts[0] += ", not expansion, moved it"
        else:
            what = "weaker expansion" if d_exp < 0 else "stronger expansion"
            parts[0] += f" while GRR held at {show(grr, 'ratio')}: {what} moved it"
    if nrr is not None:
        parts.append(
            "below 100% the customer base shrinks before any new sale"
            if nrr < 1
            else "above 100% the customer base grows before any new sale"
        )
    if weakest is not None:
        name, value, prior = weakest
        moved = "" if prior is None else f" ({points(value, prior)})"
        parts.append(f"weakest segment {name}: GRR {show(value, 'ratio')}{moved}")
    return sentence(*parts)


def _weakest(
    frame: pd.DataFrame, period: str, prior: str
) -> tuple[str, float | None, float | None] | None:
    rows = frame[frame["period"] == period].dropna(subset=["value"])
    if rows.empty:
        return None
    low = rows.loc[rows["value"].astype(float).idxmin()]
    before = frame[(frame["period"] == prior) & (frame["segment"] == low["segment"])]
    prior_value = float(before["value"].iloc[0]) if len(before) else None
    return str(low["segment"]), float(low["value"]), prior_value


def _cohorts(ctx: ReportContext) -> pd.DataFrame:
    """The last cohorts up to the report period, first :data:`COHORT_MONTHS` offsets."""
    frame = ctx.metrics([COHORT_METRIC])[COHORT_METRIC]
    labels = [p for p in dict.fromkeys(frame["period"]) if p <= ctx.period.label]
    keep = set(labels[-TREND_PERIODS:])
    frame = frame[frame["period"].isin(keep) & (frame["months_since_start"] < COHORT_MONTHS)]
    return frame.reset_index(drop=True)


def build(ctx: ReportContext) -> SectionContent:
    """Retention figures, the NRR/GRR trend, GRR and NRR by segment, and the cohort heat map."""
    ctx.metrics(HEADLINE)
    now = {n: ctx.value(n) for n in HEADLINE}
    before = {n: ctx.value(n, ctx.prior) for n in HEADLINE}
    by_segment = ctx.metrics(["grr", "nrr"], None, "segment")
    grr_seg = by_segment["grr"]
    rows, figures = [], []
    segments = grr_seg[grr_seg["period"] == ctx.period.label]["segment"].tolist()
    for seg in segments:
        g = ctx.value("grr", None, seg, "segment")
        n = ctx.value("nrr", None, seg, "segment")
        rows.append((str(seg), show(n, "ratio"), show(g, "ratio")))
        figures.append(Figure(f"GRR {seg}", g, "ratio", "grr", by="segment", by_value=str(seg)))
    table = TableBlock(
        f"Retention by segment, {ctx.period.label}",
        ("segment", "NRR", "GRR"),
        tuple(rows),
        tuple(figures),
    )
    trend = pd.concat(
        [ctx.trend(n).assign(metric=LABELS[n]) for n in ("nrr", "grr")], ignore_index=True
    )
    charts = [Chart("NRR and GRR by period", to_svg(retention_trend(trend, title=None)))]
    cohorts = _cohorts(ctx)
    if not cohorts.empty and cohorts["value"].notna().any():
        charts.append(
            Chart(
                "Revenue retention by cohort (first paying period) and months since",
                to_svg(cohort_heatmap(cohorts, title=None)),
            )
        )
    tiles = tuple(Figure(LABELS[n], now[n], "ratio", n, before[n]) for n in HEADLINE)
    weakest = _weakest(grr_seg, ctx.period.label, ctx.prior)
    return SectionContent(reading(now, before, weakest, ctx.grain), tiles, tuple(charts), (table,))


section(
    "retention",
    "Retention",
    order=30,
    description="NRR, GRR, segments and cohorts.",
    needs=(
        *((name, None) for name in HEADLINE),
        (COHORT_METRIC, None),
        ("grr", "segment"),
        ("nrr", "segment"),
    ),
)(build)
