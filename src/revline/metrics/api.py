"""The Python API of the metric layer: compute a metric, explain it, look it up."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from revline.errors import ConfigError, unknown
from revline.metrics.catalogue import build_registry
from revline.metrics.core import Metric
from revline.metrics.frame import build_frame
from revline.model.mrr import MrrModel, build_model
from revline.model.periods import expand_periods, month_start
from revline.org import load_org
from revline.settings import MetricSettings
from revline.warehouse import Warehouse

REGISTRY: dict[str, Metric] = build_registry()


def get_metric(name: str) -> Metric:
    """The metric called ``name``; an unknown name suggests the closest."""
    key = name.strip().lower()
    if key not in REGISTRY:
        raise ConfigError(
            unknown("metric", name, REGISTRY), hint="List the metrics with: revline metrics list"
        )
    return REGISTRY[key]


def compute(
    name: str,
    period: str | None = None,
    by: str | None = None,
    *,
    warehouse: Warehouse | str | Path | None = None,
    settings: MetricSettings | None = None,
) -> pd.DataFrame:
    """Compute metric ``name`` as a DataFrame with ``period``, the ``by`` column and ``value``.

    ``period`` is one period (``2025-07``, ``2025-Q3``, ``2025``), a grain (``month``,
    ``quarter``, ``year``: every such period in the data's range) or ``None`` (every month).
    ``by`` is ``segment``, ``region``, ``industry`` or ``plan``. ``warehouse`` defaults to
    ``$REVLINE_WAREHOUSE`` or ``revline.duckdb``. Money values are exact ``Decimal``s.
    ``to_date`` (after ``period``) is true for a period that ends after the as-of date (the
    settings', by default the data's end): it reads balances at the as-of month and flows over
    the elapsed months (:mod:`revline.model.periods`).
    """
    return compute_many([name], period, by, warehouse=warehouse, settings=settings)[name]


def compute_many(
    names: Sequence[str],
    period: str | None = None,
    by: str | None = None,
    *,
    warehouse: Warehouse | str | Path | None = None,
    settings: MetricSettings | None = None,
) -> dict[str, pd.DataFrame]:
    """Several metrics over one build of the MRR model: name -> the frame :func:`compute` gives."""
    metrics = [get_metric(name) for name in names]
    settings = settings or MetricSettings()
    if isinstance(warehouse, Warehouse):
        return _compute(metrics, names, warehouse, period, by, settings)
    path = warehouse or os.environ.get("REVLINE_WAREHOUSE", "revline.duckdb")
    with Warehouse.open(path, read_only=True) as wh:
        return _compute(metrics, names, wh, period, by, settings)


def _compute(
    metrics: list[Metric],
    names: Sequence[str],
    wh: Warehouse,
    period: str | None,
    by: str | None,
    settings: MetricSettings,
) -> dict[str, pd.DataFrame]:
    out: dict[str, pd.DataFrame] = {}
    with build_model(wh.ibis, settings) as model:
        frames: dict[str, object] = {}  # built once per frame kind a metric asks for
        as_of = model.settings.as_of
        spans = expand_periods(period, model.first_idx, model.last_idx, as_of)
        flags = {p.label: p.to_date for p in spans}
        for name, metric in zip(names, metrics, strict=True):
            if metric.frame not in frames:
                frames[metric.frame] = _build(metric.frame, model, period, by)
            result: pd.DataFrame = wh.ibis.execute(metric.compute(frames[metric.frame]))
            result = result.reset_index(drop=True)
            flag = [bool(flags.get(str(label), False)) for label in result["period"]]
            result.insert(1, "to_date", pd.Series(flag, dtype=bool))
            out[name] = result
    return out


def _build(kind: str, model: MrrModel, period: str | None, by: str | None) -> object:
    """The frame of ``kind`` a metric computes over (see :attr:`Metric.frame`)."""
    if kind == "gtm":
        from revline.metrics.gtm_frame import build_gtm_frame

        return build_gtm_frame(model, period, by)
    return build_frame(model, period, by)


def explain(name: str) -> str:
    """The declaration of a metric as text: definition, formula, owner, benchmark, tables."""
    m = get_metric(name)
    lines = [
        f"{m.name} ({m.kind}, {m.unit}, by {m.grain})",
        f"  {m.description}",
        f"  Formula: {m.formula}",
        f"  Owner: {load_org().metric_owner(m.name, m.owner)}",
        f"  Reads: {', '.join(m.tables)}",
    ]
    if m.benchmark:
        lines.append(f"  Benchmark: {m.benchmark.band} (source: {m.benchmark.source})")
    return "\n".join(lines)


def bridge_frame(warehouse: Warehouse, settings: MetricSettings | None = None) -> pd.DataFrame:
    """The monthly MRR bridge (start, movements, end, customers) as a DataFrame."""
    from revline.model.movements import bridge

    with build_model(warehouse.ibis, settings or MetricSettings()) as model:
        frame: pd.DataFrame = warehouse.ibis.execute(bridge(model))
    frame["month"] = [d if hasattr(d, "year") else month_start(int(d)) for d in frame["month"]]
    return frame
