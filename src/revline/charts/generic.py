"""Generic charts: a line over time, bars, and grouped bars, in the revline theme.

Each function takes a pandas frame (as the metric layer returns it) and names the columns to
draw; it returns an altair chart, which :func:`revline.charts.to_svg` renders.
"""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd

from revline.charts.base import HEIGHT, PALETTE, WIDTH, number_format, order, prepare, themed


def line_chart(
    frame: pd.DataFrame,
    x: str = "period",
    y: str = "value",
    *,
    series: str | None = None,
    unit: str = "currency",
    title: str | None = None,
    y_title: str | None = None,
    points: bool = True,
) -> Any:
    """A line of ``y`` over ``x`` (periods in frame order), one line per ``series`` value.

    ``unit`` picks the axis format (``currency``, ``ratio``, ``count``, ``multiple``, ...).
    """
    cols = [x, y] + ([series] if series else [])
    data = prepare(frame, cols, "line")
    encoding: dict[str, Any] = {
        "x": alt.X(f"{x}:O", sort=order(data[x]), title=None, axis=alt.Axis(labelAngle=0)),
        "y": alt.Y(f"{y}:Q", title=y_title, axis=alt.Axis(format=number_format(unit))),
        "tooltip": [alt.Tooltip(f"{c}:N") for c in cols],
    }
    if series:
        encoding["color"] = alt.Color(f"{series}:N", sort=order(data[series]), title=None)
    else:
        encoding["color"] = alt.value(PALETTE[0])
    chart = (
        alt.Chart(data)
        .mark_line(point=points, strokeWidth=2.5)
        .encode(**encoding)
        .properties(width=WIDTH, height=HEIGHT)
    )
    return themed(chart, title)


def bar_chart(
    frame: pd.DataFrame,
    x: str = "period",
    y: str = "value",
    *,
    unit: str = "currency",
    title: str | None = None,
    y_title: str | None = None,
    labels: bool = True,
) -> Any:
    """Vertical bars of ``y`` per ``x`` (in frame order), optionally labelled with their values."""
    data = prepare(frame, [x, y], "bar")
    fmt = number_format(unit)
    base = alt.Chart(data).encode(
        x=alt.X(f"{x}:N", sort=order(data[x]), title=None, axis=alt.Axis(labelAngle=0)),
        y=alt.Y(f"{y}:Q", title=y_title, axis=alt.Axis(format=fmt)),
    )
    layers = [base.mark_bar(color=PALETTE[0])]
    if labels:
        layers.append(
            base.mark_text(dy=-6, fontSize=11, color="#333333").encode(
                text=alt.Text(f"{y}:Q", format=fmt)
            )
        )
    chart = alt.layer(*layers).properties(width=WIDTH, height=HEIGHT)
    return themed(chart, title)


def grouped_bars(
    frame: pd.DataFrame,
    category: str,
    group: str,
    value: str = "value",
    *,
    unit: str = "currency",
    title: str | None = None,
    y_title: str | None = None,
) -> Any:
    """Bars of ``value`` per ``category``, side by side per ``group`` (e.g. CAC by channel per
    quarter, or LTV:CAC by segment per period). Categories and groups keep frame order."""
    data = prepare(frame, [category, group, value], "grouped bar")
    groups = order(data[group])
    chart = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X(
                f"{category}:N", sort=order(data[category]), title=None, axis=alt.Axis(labelAngle=0)
            ),
            xOffset=alt.XOffset(f"{group}:N", sort=groups),
            y=alt.Y(f"{value}:Q", title=y_title, axis=alt.Axis(format=number_format(unit))),
            color=alt.Color(f"{group}:N", sort=groups, title=None),
            tooltip=[
                alt.Tooltip(f"{category}:N"),
                alt.Tooltip(f"{group}:N"),
                alt.Tooltip(f"{value}:Q", format=number_format(unit)),
            ],
        )
        .properties(width=WIDTH, height=HEIGHT)
    )
    return themed(chart, title)
