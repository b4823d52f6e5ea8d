"""The detail of a flow, aggregated in the engine: time buckets, loss reasons, cohorts."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir

from revline.model.stages import BUCKETS, LAST_BUCKET, NEGATIVE_BUCKET

Key = tuple[str, ...]


def grouped(rows: ir.Table, keys: list[str], **aggs: Any) -> list[dict[str, Any]]:
    agg = rows.group_by(keys).aggregate(**aggs) if keys else rows.aggregate(**aggs)
    result: list[dict[str, Any]] = agg.to_pyarrow().to_pylist()
    return result


def _bucket(days: ir.FloatingValue) -> ir.StringValue:
    cases: list[tuple[Any, str]] = [(days < 0, NEGATIVE_BUCKET)]
    cases += [(days < upper, name) for name, upper in BUCKETS]
    return ibis.cases(*cases, else_=LAST_BUCKET)


def details(
    rows: ir.Table, keys: list[str]
) -> tuple[dict[Key, dict[str, int]], dict[Key, dict[str, int]], dict[Key, list[Any]]]:
    """Per group of ``keys``: time-bucket counts, loss-reason counts and cohort rows.

    One query: counts per (group, entry month, outcome, loss reason, time bucket), summed here.
    """
    from revline.analyses.seams.funnel import CohortRow

    bucket = ibis.ifelse(rows.days.isnull(), ibis.null(dt.string), _bucket(rows.days))
    parts = grouped(
        rows.mutate(bucket=bucket),
        [*keys, "entry_month", "outcome", "lost_to", "bucket"],
        n=ibis._.count(),
    )
    buckets: dict[Key, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    lost_to: dict[Key, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    months: dict[Key, dict[Any, dict[str, int]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(int))
    )
    for r in parts:
        key = tuple(r[k] for k in keys)
        if r["bucket"] is not None:
            buckets[key][r["bucket"]] += r["n"]
        if r["lost_to"] is not None:
            lost_to[key][r["lost_to"]] += r["n"]
        months[key][r["entry_month"]][r["outcome"]] += r["n"]
    cohorts: dict[Key, list[Any]] = {
        key: [
            CohortRow(
                month,
                sum(c.values()),
                c["converted"],
                c["lost"],
                c["stalled"],
                c["open"],
            )
            for month, c in by_month.items()
        ]
        for key, by_month in months.items()
    }
    return (
        {k: dict(v) for k, v in buckets.items()},
        {k: dict(v) for k, v in lost_to.items()},
        cohorts,
    )
