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
from revline.registry import Registry

Draw = Callable[[list[dict[str, Any]], dict[str, Any]], Any]
#: Chart kinds a page may name: ``draw(rows, options)`` returns a chart of revline.charts.
KINDS: Registry[Draw] = Registry("chart kind")


def _frame_kind(name: str, chart: Callable[..., Any]) -> None:
    def draw(rows: list[dict[str, Any]], options: dict[str, Any]) -> Any:
        return chart(frame_of(rows), title=None, **options)

    KINDS.register(name, draw)


@KINDS.register("bridge_waterfall")
def _bridge(rows: list[dict[str, Any]], options: dict[str, Any]) -> Any:
    steps = {r["step"]: Decimal(r["amount"] or 0) for r in rows}
    return charts.bridge_waterfall(steps, title=None)


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
        if kind not in KINDS:
            return None, f"unknown chart kind {kind!r} (known: {', '.join(KINDS.names())})"
        drawn = KINDS.get(kind)(rows, chart.get("options", {}))
        return charts.to_svg(drawn), None
    except RevlineError as err:
        return None, err.message


for _name in ("arr_trend", "retention_trend", "cohort_heatmap", "line_chart", "bar_chart"):
    _frame_kind(_name, getattr(charts, _name))
_frame_kind("grouped_bars", charts.grouped_bars)


def render_all(data: dict[str, Any]) -> dict[str, dict[str, str | None]]:
    """Chart id -> ``{"svg": ..., "reason": ...}`` for every chart of a page's data."""
    out: dict[str, dict[str, str | None]] = {}
    for chart in data.get("charts", []):
        drawn, reason = svg(chart)
        out[str(chart.get("id"))] = {"svg": drawn, "reason": reason}
    return out
