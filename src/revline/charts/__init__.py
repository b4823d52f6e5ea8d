"""Charts for the board report and the dashboard: altair charts from pandas frames, rendered
offline to SVG.

Build a chart with one of the functions below (each takes the frame the metric layer returns),
then call :func:`to_svg` to get an SVG string to inline in HTML or a PDF. One palette
(:data:`PALETTE`), one theme, deterministic output.
"""

from __future__ import annotations

from revline.charts.base import (
    FORMATS,
    NEGATIVE,
    PALETTE,
    POSITIVE,
    TOTAL,
    ChartError,
    number_format,
    to_svg,
)
from revline.charts.finance import (
    WATERFALL_STEPS,
    arr_trend,
    bridge_waterfall,
    cohort_heatmap,
    retention_trend,
)
from revline.charts.generic import bar_chart, grouped_bars, line_chart

__all__ = [
    "FORMATS",
    "NEGATIVE",
    "PALETTE",
    "POSITIVE",
    "TOTAL",
    "WATERFALL_STEPS",
    "ChartError",
    "arr_trend",
    "bar_chart",
    "bridge_waterfall",
    "cohort_heatmap",
    "grouped_bars",
    "line_chart",
    "number_format",
    "retention_trend",
    "to_svg",
]
