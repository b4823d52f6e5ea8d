"""The revenue charts of the board pack and dashboard: ARR trend, MRR bridge waterfall,
NRR/GRR trend and the cohort heat map.

Inputs are the frames the metric layer returns (``period``/``value`` columns, or the cohort
metrics' ``period``/``months_since_start``/``value``); no chart computes a metric itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import altair as alt
import pandas as pd

from revline.charts.base import (
    HEIGHT,
    NEGATIVE,
    POSITIVE,
    TOTAL,
    WIDTH,
    ChartError,
    number_format,
    order,
    prepare,
    themed,
)
from revline.charts.generic import line_chart
from revline.model.movements import BRIDGE_STEPS

#: The waterfall's bars in drawing order, with their sign (0: a balance drawn from zero): the
#: starting MRR, the bridge's steps in their one order
#: (:data:`revline.model.movements.BRIDGE_STEPS`) and the ending MRR.
WATERFALL_STEPS: tuple[tuple[str, int], ...] = (
    ("start", 0),
    *((step.name, step.sign) for step in BRIDGE_STEPS),
    ("end", 0),
)


def arr_trend(
    frame: pd.DataFrame, *, x: str = "period", y: str = "value", title: str | None = "ARR"
) -> Any:
    """ARR (or any balance) over time as a line: ``frame`` holds ``period`` and ``value``."""
    return line_chart(frame, x, y, unit="currency", title=title, y_title="ARR")


def bridge_waterfall(
    steps: Mapping[str, Decimal | float | int], *, title: str | None = "MRR bridge"
) -> Any:
    """The MRR bridge as a waterfall: start, the bridge's steps in their order, end.

    ``steps`` maps each step name to its amount (movements as positive sizes, as the metric
    layer reports them). The bars float from the running total, so the chart itself shows the
    reconciliation: end = start + new + reactivation + expansion - contraction - churn.
    """
    missing = [name for name, _ in WATERFALL_STEPS if name not in steps]
    if missing:
        raise ChartError(
            f"The bridge waterfall needs amounts for {[n for n, _ in WATERFALL_STEPS]}; "
            f"missing {missing}.",
            hint="Compute mrr, new_mrr, expansion_mrr, reactivation_mrr, contraction_mrr and "
            "churned_mrr for the period.",
        )
    rows = []
    running = 0.0
    for name, sign in WATERFALL_STEPS:
        amount = float(steps[name])
        if sign == 0:
            low, high, kind, running = 0.0, amount, "balance", amount
        else:
            after = running + sign * amount
            low, high, kind = (
                min(running, after),
                max(running, after),
                ("gain" if sign > 0 else "loss"),
            )
            running = after
        label = amount if sign >= 0 else -amount
        rows.append({"step": name, "low": low, "high": high, "kind": kind, "amount": label})
    data = pd.DataFrame(rows)
    fmt = number_format("currency")
    base = alt.Chart(data).encode(
        x=alt.X(
            "step:N", sort=[n for n, _ in WATERFALL_STEPS], title=None, axis=alt.Axis(labelAngle=0)
        ),
    )
    bars = base.mark_bar(size=46).encode(
        y=alt.Y("low:Q", title="MRR", axis=alt.Axis(format=fmt)),
        y2="high:Q",
        color=alt.Color(
            "kind:N",
            scale=alt.Scale(domain=["balance", "gain", "loss"], range=[TOTAL, POSITIVE, NEGATIVE]),
            legend=None,
        ),
        tooltip=[alt.Tooltip("step:N"), alt.Tooltip("amount:Q", format=",.2f")],
    )
    text = base.mark_text(dy=-7, fontSize=11, color="#333333")
    totals = text.transform_filter(alt.datum.kind == "balance").encode(
        y="high:Q", text=alt.Text("amount:Q", format=fmt)
    )
    moves = text.transform_filter(alt.datum.kind != "balance").encode(
        y="high:Q", text=alt.Text("amount:Q", format="+" + fmt)
    )
    chart = alt.layer(bars, totals, moves).properties(width=WIDTH, height=HEIGHT)
    return themed(chart, title)


def retention_trend(
    frame: pd.DataFrame,
    *,
    x: str = "period",
    metric: str = "metric",
    y: str = "value",
    title: str | None = "Net and gross revenue retention",
) -> Any:
    """NRR and GRR (or any ratios) over time, one line per ``metric`` value, with a 100% rule."""
    data = prepare(frame, [x, metric, y], "retention trend")
    layer = (
        alt.Chart(data)
        .mark_line(point=True, strokeWidth=2.5)
        .encode(
            x=alt.X(f"{x}:O", sort=order(data[x]), title=None, axis=alt.Axis(labelAngle=0)),
            y=alt.Y(f"{y}:Q", title=None, axis=alt.Axis(format=".0%"), scale=alt.Scale(zero=False)),
            color=alt.Color(f"{metric}:N", sort=order(data[metric]), title=None),
            tooltip=[
                alt.Tooltip(f"{x}:N"),
                alt.Tooltip(f"{metric}:N"),
                alt.Tooltip(f"{y}:Q", format=".1%"),
            ],
        )
    )
    rule = (
        alt.Chart(pd.DataFrame({"level": [1.0]}))
        .mark_rule(strokeDash=[4, 4], color="#9aa5b1")
        .encode(y="level:Q")
    )
    chart = alt.layer(rule, layer).properties(width=WIDTH, height=HEIGHT)
    return themed(chart, title)


def cohort_heatmap(
    frame: pd.DataFrame,
    *,
    cohort: str = "period",
    age: str = "months_since_start",
    value: str = "value",
    unit: str = "ratio",
    title: str | None = "Cohort retention",
) -> Any:
    """A heat map of a cohort metric: cohorts down, months since start across, cells coloured
    (and labelled) by ``value``: the frame ``cohort_*`` metrics return."""
    data = prepare(frame, [cohort, age, value], "cohort heat map")
    if data[value].isna().all():
        raise ChartError("The cohort heat map got no values.", hint="Pick a period with cohorts.")
    ages = sorted(int(a) for a in data[age].dropna().unique())
    fmt = number_format(unit)
    base = alt.Chart(data).encode(
        x=alt.X(
            f"{age}:O", sort=ages, title="months since first payment", axis=alt.Axis(labelAngle=0)
        ),
        y=alt.Y(
            f"{cohort}:O", sort=order(data[cohort]), title="cohort", axis=alt.Axis(labelLimit=0)
        ),
    )
    cells = base.mark_rect().encode(
        color=alt.Color(
            f"{value}:Q",
            scale=alt.Scale(scheme="blues"),
            legend=alt.Legend(format=fmt, title=None, orient="right"),
        ),
        tooltip=[
            alt.Tooltip(f"{cohort}:N"),
            alt.Tooltip(f"{age}:O"),
            alt.Tooltip(f"{value}:Q", format=fmt),
        ],
    )
    middle = float(data[value].min() + (data[value].max() - data[value].min()) / 2)
    size = 9 if len(ages) > 12 else 11
    labels = base.mark_text(fontSize=size).encode(
        text=alt.Text(f"{value}:Q", format=fmt),
        color=alt.condition(alt.datum[value] > middle, alt.value("white"), alt.value("#222222")),
    )
    rows = max(1, len(order(data[cohort])))
    chart = alt.layer(cells, labels).properties(
        width=WIDTH, height=min(HEIGHT * 2, max(120, 22 * rows))
    )
    return themed(chart, title)
