"""A table of several metrics broken down by one dimension, shared by the efficiency and
sales pages (a private helper module: it registers no page)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from revline.metrics.api import get_metric
from revline.web.content import by_dimension, chart, column, label_of, table
from revline.web.registry import PageContext


def breakdown_table(ctx: PageContext, names: Sequence[str], by: str) -> dict[str, Any]:
    """Metrics ``names`` in the page's period, one row per value of ``by``."""
    groups, values = by_dimension(ctx, names, by)
    columns = [column(by, by.replace("_", " ").capitalize())]
    columns += [column(name, label_of(name), get_metric(name).unit, metric=name) for name in names]
    rows = [{by: g, **{name: values[name].get(g) for name in names}} for g in groups]
    return table(f"by_{by}", f"By {by.replace('_', ' ')}, {ctx.period}", columns, rows)


def bars(ctx: PageContext, metric: str, by: str, source: dict[str, Any]) -> dict[str, Any]:
    """A bar chart of one metric column of a breakdown table."""
    rows = [{by: r[by]["value"], "value": r[metric]["value"]} for r in source["rows"]]
    unit = get_metric(metric).unit
    title = f"{label_of(metric)} by {by}"
    return chart(f"{metric}_by_{by}", title, "bar_chart", rows, metrics=[metric], x=by, unit=unit)
