"""Shared chart plumbing: the palette, the board-pack theme, frame preparation and SVG output.

Every revline chart is an altair (Vega-Lite) chart built from a pandas frame and rendered offline
by vl-convert: no browser, no CDN, no network. The same data gives the same SVG byte for byte,
so reports and dashboards can be compared and cached. The theme is applied to each chart (never
registered process-wide), so importing this module changes no global state.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import altair as alt
import pandas as pd

from revline.errors import RevlineError

#: One palette for every chart: a categorical series order, then the meaning colours.
PALETTE: tuple[str, ...] = (
    "#1f4e79",  # deep blue: the primary series
    "#2e8b57",  # green
    "#d98c1f",  # amber
    "#7b4ea3",  # violet
    "#c0392b",  # red
    "#3a9fbf",  # teal
    "#8c6d46",  # brown
    "#5d6d7e",  # slate
)
POSITIVE = "#2e8b57"  # growth: new, expansion, reactivation
NEGATIVE = "#c0392b"  # loss: contraction, churn
TOTAL = "#1f4e79"  # balances: start and end of a bridge
NEUTRAL = "#5d6d7e"
FONT = "DejaVu Sans"
#: Board-pack size in CSS pixels: readable on an A4 landscape page and a laptop screen.
WIDTH = 640
HEIGHT = 300

#: d3-format strings by revline unit (see :mod:`revline.metrics.core`).
FORMATS: dict[str, str] = {
    "currency": ",.3~s",
    "count": ",.0f",
    "ratio": ".0%",
    "multiple": ".1f",
    "months": ".1f",
    "days": ".0f",
}


class ChartError(RevlineError):
    """A chart was asked for with data it cannot draw (a missing column, an empty frame)."""


def number_format(unit: str) -> str:
    """The d3 format string of ``unit`` (``currency``, ``ratio``, ...); plain numbers otherwise."""
    return FORMATS.get(unit, ",.4~g")


def _plain(value: Any) -> Any:
    """A JSON-friendly scalar: Decimal -> float, dates -> ISO text, NaN/NA -> None."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat() if value == value.normalize() else value.isoformat()
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, float) and math.isnan(value):
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


def prepare(frame: pd.DataFrame, required: Iterable[str], chart: str) -> pd.DataFrame:
    """A copy of ``frame`` with only plain values, checked to hold the ``required`` columns.

    Money arrives as exact ``Decimal``s from the metric layer; charts only draw, so they take
    floats. Raises :class:`ChartError` naming the chart and the missing columns.
    """
    need = list(required)
    missing = [c for c in need if c not in frame.columns]
    if missing:
        raise ChartError(
            f"The {chart} chart needs columns {need}; missing {missing} "
            f"(got {list(frame.columns)}).",
            hint="Pass the frame revline.metrics.compute returns, or rename the columns.",
        )
    if frame.empty:
        raise ChartError(
            f"The {chart} chart got no rows.", hint="Check the period and the filters asked for."
        )
    out = pd.DataFrame({c: [_plain(v) for v in frame[c]] for c in frame.columns})
    return out.reset_index(drop=True)


def order(values: Iterable[Any]) -> list[Any]:
    """Distinct values in first-seen order (the order a legend or axis should keep)."""
    return list(dict.fromkeys(v for v in values if v is not None))


def themed(chart: alt.TopLevelMixin, title: str | None = None) -> Any:
    """``chart`` with the revline theme: font, sizes, palette, quiet axes, no border."""
    props: dict[str, Any] = {"background": "white"}
    if title:
        props["title"] = alt.Title(title, anchor="start", fontSize=15, fontWeight="bold")
    return (
        chart.properties(**props)
        .configure(font=FONT, padding=8)
        .configure_view(strokeWidth=0)
        .configure_axis(
            labelFontSize=12,
            titleFontSize=12,
            titleFontWeight="normal",
            gridColor="#e5e8eb",
            domainColor="#9aa5b1",
            tickColor="#9aa5b1",
            labelColor="#333333",
            titleColor="#333333",
        )
        .configure_legend(labelFontSize=12, titleFontSize=12, orient="bottom")
        .configure_range(category=list(PALETTE))
    )


def to_svg(chart: Any) -> str:
    """Render an altair chart to an SVG document string, offline and deterministically.

    Uses vl-convert (a bundled Vega engine): no browser, CDN or network is touched. The XML
    prolog is dropped so the result can be inlined in HTML as is.
    """
    import vl_convert as vlc

    spec = chart.to_dict(validate=True)
    svg: str = vlc.vegalite_to_svg(spec)
    if svg.startswith("<?xml"):
        svg = svg[svg.index("?>") + 2 :].lstrip()
    return _stable_ids(svg, json.dumps(spec, sort_keys=True))


_ID = re.compile(r'\bid="([^"]+)"')


def _stable_ids(svg: str, spec: str) -> str:
    """Rename the SVG's element ids (Vega numbers gradients and clips with a process-wide
    counter) to ones derived from the spec: the same chart gets the same ids, and different
    charts inlined in one HTML page never share an id."""
    ids = list(dict.fromkeys(_ID.findall(svg)))
    if not ids:
        return svg
    prefix = "rl" + hashlib.sha256(spec.encode()).hexdigest()[:10]
    names = {old: f"{prefix}-{k}" for k, old in enumerate(ids)}
    pattern = re.compile(
        r'(id="|url\(#|href="#)(' + "|".join(re.escape(i) for i in ids) + r')(?=[")])'
    )
    return pattern.sub(lambda m: m.group(1) + names[m.group(2)], svg)
