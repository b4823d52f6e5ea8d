"""Building blocks of a page's data dict: figures, tables and charts from the metric registry.

Every value comes from :func:`revline.metrics.api.compute_many`; the breakdown filter of a
request (segment, region, plan or channel) is applied one way for every page: compute the
metric ``by`` that dimension and keep the rows of the chosen value. Values go through
:mod:`revline.serialize`, the one serializer of every output (money an exact decimal string,
other numbers JSON numbers, missing ``null``), next to a ``display`` string formatted by
:func:`revline.metrics.core.display`, the one formatter every interface uses.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import urlencode

import pandas as pd

from revline.metrics.api import compute_many, get_metric, supports
from revline.metrics.core import display
from revline.metrics.drill import ROWS
from revline.serialize import plain
from revline.serialize import records as serial_records
from revline.web.registry import PageContext


def compute(
    ctx: PageContext, names: Sequence[str], period: str | None = None
) -> dict[str, pd.DataFrame]:
    """Metrics ``names`` over ``period`` (default the page's period; a grain gives a trend),
    filtered to the request's breakdown value (the breakdown column is dropped).

    With a breakdown filter, metrics the metric layer cannot split that way are left out of the
    result (:func:`figures` shows them as not available for the filter).
    """
    chosen = ctx.filters.breakdown
    if chosen is None:
        return compute_many(
            list(names), period or ctx.period, warehouse=ctx.warehouse, settings=ctx.settings
        )
    dim, value = chosen
    able = [name for name in names if supports(name, dim)]  # the declared breakdowns
    if not able:
        return {}
    frames = compute_many(
        able, period or ctx.period, dim, warehouse=ctx.warehouse, settings=ctx.settings
    )
    return {
        name: frame[frame[dim].astype(str) == value].drop(columns=[dim]).reset_index(drop=True)
        for name, frame in frames.items()
    }


def drill_url(ctx: PageContext, metric: str, period: str, **extra: str | None) -> str | None:
    """The drill-down URL of a figure (``None`` when the metric has no row-level drill-down)."""
    if metric not in ROWS:
        return None
    chosen = ctx.filters.breakdown
    query: dict[str, str] = {"period": period}
    if chosen:
        query["by"], query["value"] = chosen
    query.update({k: v for k, v in extra.items() if v})
    return f"/rows/{metric}?{urlencode(query)}"


ACRONYMS = frozenset({"mrr", "arr", "nrr", "grr", "cac", "ltv", "arpa", "tcv", "sm", "sdr", "t12m"})


#: Labels that the words of a metric's name do not spell.
LABELS = {"ltv_cac": "LTV:CAC", "sm_spend": "S&M spend"}


def label_of(metric: str) -> str:
    """A readable label for a metric name: ``new_mrr`` -> ``New MRR``."""
    if metric in LABELS:
        return LABELS[metric]
    words = [w.upper() if w in ACRONYMS else w for w in metric.split("_")]
    words[0] = words[0][:1].upper() + words[0][1:]
    return " ".join(words)


def figure(
    ctx: PageContext, metric: str, value: Any, period: str, label: str = ""
) -> dict[str, Any]:
    """One headline figure: the metric's value in ``period`` with unit, owner and drill link."""
    m = get_metric(metric)
    owner = ctx.org.metric_owner(m.name, m.owner)
    return {
        "id": metric,
        "metric": metric,
        "label": label or label_of(metric),
        "period": period,
        "unit": m.unit,
        "value": plain(value, m.unit),
        "display": display(value, m.unit),
        "owner": owner.function,
        "owner_label": str(owner),
        "drill": drill_url(ctx, metric, period),
    }


def pick(frame: pd.DataFrame, period: str) -> Any:
    """The value of ``period`` in a computed frame (``None`` when the period has no row)."""
    rows = frame[frame["period"] == period]
    return rows["value"].iloc[0] if len(rows) else None


def grain_of(period: str) -> str:
    """The grain of a period label: ``2025-07`` month, ``2025-Q3`` quarter, ``2025`` year."""
    return "quarter" if "Q" in period.upper() else "month" if "-" in period else "year"


def compute_grain(ctx: PageContext, names: Sequence[str]) -> dict[str, pd.DataFrame]:
    """Metrics ``names`` over every period of the page period's grain: the page's figures and
    trends from one computation (the metric layer costs the same for one period or all)."""
    return compute(ctx, names, grain_of(ctx.period))


def figures(
    ctx: PageContext,
    names: Sequence[str],
    labels: dict[str, str] | None = None,
    frames: dict[str, pd.DataFrame] | None = None,
) -> list[dict[str, Any]]:
    """Headline figures of ``names`` in the page's period (from ``frames`` when given, else
    computed together). A metric the breakdown filter cannot split has no value and a
    ``note`` saying so."""
    frames = compute(ctx, names) if frames is None else frames
    labels = labels or {}
    out = []
    for name in names:
        frame = frames.get(name)
        value = None if frame is None else pick(frame, ctx.period)
        item = figure(ctx, name, value, ctx.period, labels.get(name, ""))
        if frame is None:
            dim = (ctx.filters.breakdown or ("",))[0]
            item["drill"] = None
            item["note"] = f"not available by {dim}"
        out.append(item)
    return out


def column(
    key: str, label: str, unit: str = "text", metric: str | None = None, rowlevel: bool = False
) -> dict[str, Any]:
    """A table column: ``unit`` is a metric unit (values shown through ``display``) or text;
    ``metric`` names the metric whose values the column shows, ``rowlevel`` marks cells that
    are row ids (both read by :func:`revline.web.redact.redact`)."""
    out: dict[str, Any] = {"key": key, "label": label, "unit": unit}
    if metric is not None:
        out["metric"] = metric
    if rowlevel:
        out["rowlevel"] = True
    return out


def cell(value: Any, unit: str) -> dict[str, Any]:
    """A table cell: its value (money an exact string, other numbers JSON numbers) and its
    display string."""
    if unit == "text":
        text = (
            "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)
        )
        return {"value": text, "display": text}
    return {"value": plain(value, unit), "display": display(value, unit)}


#: Row keys naming what a table row shows: one metric's figure, or one function's (a finding).
ROW_MARKS = ("_metric", "_owner")


def table(
    table_id: str,
    title: str,
    columns: list[dict[str, Any]],
    rows: Iterable[dict[str, Any]],
    links: dict[str, str] | None = None,
    metrics: Sequence[str] = (),
    rows_label: str = "",
    limit: int | None = None,
    follows: tuple[str, str] | None = None,
) -> dict[str, Any]:
    """A table: ``rows`` map column keys to raw values; ``links`` maps a column key to the
    row key holding that cell's drill-down URL. What the table shows, for
    :func:`revline.web.redact.redact`: ``metrics`` (the whole table is these metrics'
    figures), a column's ``metric``, a row's ``_metric`` or ``_owner`` (kept in ``marks``,
    one dict per row, so every row maps column keys to cells only);
    ``rows_label`` names a row in the withheld note (e.g. ``finding``); ``limit`` shows the
    first rows a user may see; ``follows=(table id, column)`` keeps the rows whose column value
    is in a row that table kept (a finding's evidence)."""
    out_rows = []
    marks = []
    for row in rows:
        out = {c["key"]: cell(row.get(c["key"]), c["unit"]) for c in columns}
        for key, link_key in (links or {}).items():
            if row.get(link_key):
                out[key]["link"] = row[link_key]
        marks.append({k: row[k] for k in ROW_MARKS if row.get(k)})
        out_rows.append(out)
    made: dict[str, Any] = {"id": table_id, "title": title, "columns": columns, "rows": out_rows}
    if any(marks):
        made["marks"] = marks
    if metrics:
        made["metrics"] = list(metrics)
    if rows_label:
        made["rows_label"] = rows_label
    if limit is not None:
        made["limit"] = limit
    if follows is not None:
        made["follows"] = {"table": follows[0], "key": follows[1]}
    return made


def chart(
    chart_id: str,
    title: str,
    kind: str,
    rows: list[dict[str, Any]],
    *,
    metrics: Sequence[str] = (),
    owners: Sequence[str] = (),
    **options: Any,
) -> dict[str, Any]:
    """A chart: ``kind`` names a :mod:`revline.charts` function (e.g. ``arr_trend``), ``rows``
    its data (JSON-able records). The HTML view renders it to SVG; the JSON twin has the data.
    ``metrics`` (and ``owners``, functions) say whose figures it draws: a user who may not see
    one of them does not get the chart (:func:`revline.web.redact.redact`)."""
    out = {"id": chart_id, "title": title, "kind": kind, "rows": rows, "options": options}
    if metrics:
        out["metrics"] = list(metrics)
    if owners:
        out["owners"] = sorted(set(owners))
    return out


def records(frame: pd.DataFrame, money: Sequence[str] = ()) -> list[dict[str, Any]]:
    """A frame as JSON-ready records (:func:`revline.serialize.records`): ``Decimal`` money and
    the columns named in ``money`` as exact strings, other numbers as numbers."""
    return serial_records(frame, money)


def by_dimension(
    ctx: PageContext, names: Sequence[str], by: str
) -> tuple[list[str], dict[str, dict[str, Any]]]:
    """Metrics ``names`` in the page's period broken down ``by`` a dimension (unfiltered by the
    breakdown filter, which is the same kind of slice): group values and name -> group -> value."""
    frames = compute_many(
        list(names), ctx.period, by, warehouse=ctx.warehouse, settings=ctx.settings
    )
    groups: list[str] = []
    values: dict[str, dict[str, Any]] = {}
    for name, frame in frames.items():
        rows = frame[frame["period"] == ctx.period]
        values[name] = {str(g): v for g, v in zip(rows[by], rows["value"], strict=True)}
        groups.extend(str(g) for g in rows[by])
    return sorted(dict.fromkeys(groups)), values
