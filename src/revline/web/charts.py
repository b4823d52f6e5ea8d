"""Draw a page's chart dicts as inline SVG with :mod:`revline.charts` (offline, no CDN).

A chart dict (see :func:`revline.web.content.chart`) names a :mod:`revline.charts` function in
``kind`` and carries its rows with exact values as strings; they are turned back into numbers
here, because charts only draw. A chart that cannot be drawn (no rows for the filter, say) is
returned as ``None`` with the reason, and the page shows its rows as a table instead.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

import pandas as pd

from revline import charts
from revline.errors import RevlineError

#: Chart kinds a page may name: the frame-taking functions of revline.charts.
KINDS: dict[str, Callable[..., Any]] = {
    "arr_trend": charts.arr_trend,
    "retention_trend": charts.retention_trend,
    "cohort_heatmap": charts.cohort_heatmap,
    "line_chart": charts.line_chart,
    "bar_chart": charts.bar_chart,
    "grouped_bars": charts.grouped_bars,
}
KNOWN = (*KINDS, "bridge_waterfall")


def _number(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return Decimal(value)
        except InvalidOperation:
            return value
    return value


def frame_of(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """Chart rows as a frame with numbers where the exact strings hold numbers."""
    frame = pd.DataFrame(rows)
    for col in frame.columns:
        converted = [_number(v) for v in frame[col]]
        if all(isinstance(v, Decimal) or v is None for v in converted):
            frame[col] = converted
    return frame


def svg(chart: dict[str, Any]) -> tuple[str | None, str | None]:
    """``(svg, None)``, or ``(None, reason)`` when the chart cannot be drawn."""
    kind = chart.get("kind", "")
    rows = chart.get("rows") or []
    if not rows:
        return None, "no data for this view"
    try:
        if kind == "bridge_waterfall":
            steps = {r["step"]: Decimal(r["amount"] or 0) for r in rows}
            drawn = charts.bridge_waterfall(steps, title=None)
        elif kind in KINDS:
            drawn = KINDS[kind](frame_of(rows), title=None, **chart.get("options", {}))
        else:
            return None, f"unknown chart kind {kind!r} (known: {', '.join(KNOWN)})"
        return charts.to_svg(drawn), None
    except RevlineError as err:
        return None, err.message


def render_all(data: dict[str, Any]) -> dict[str, dict[str, str | None]]:
    """Chart id -> ``{"svg": ..., "reason": ...}`` for every chart of a page's data."""
    out: dict[str, dict[str, str | None]] = {}
    for chart in data.get("charts", []):
        drawn, reason = svg(chart)
        out[str(chart.get("id"))] = {"svg": drawn, "reason": reason}
    return out
