"""The Python API of the metric layer: compute a metric, explain it, look it up."""

from __future__ import annotations

import functools
import inspect
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from revline.errors import ConfigError, closest, unknown
from revline.metrics.catalogue import build_registry
from revline.metrics.core import Metric, evaluate
from revline.metrics.frame import build_frame
from revline.metrics.oracles import ORACLES
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


def supports(metric: str | Metric, by: str | None) -> bool:
    """Whether ``metric`` can be broken down (or filtered) by ``by`` (``None``: always)."""
    declared = metric if isinstance(metric, Metric) else get_metric(metric)
    return by is None or by in declared.breakdowns


def check_breakdown(metric: Metric, by: str | None) -> None:
    """Refuse a breakdown ``metric`` does not declare, naming the ones it does."""
    if supports(metric, by):
        return
    assert by is not None
    declared = metric.breakdowns
    match = closest(by, declared)
    suggestion = f" Did you mean {match!r}?" if match else ""
    listed = ", ".join(declared) if declared else "none (the whole company only)"
    raise ConfigError(
        f"Metric {metric.name!r} cannot be broken down by {by!r}.{suggestion} "
        f"Its breakdowns: {listed}.",
        hint=f"See them with: revline metrics explain {metric.name}",
    )


def check_filters(metric: Metric, filters: Mapping[str, str] | None) -> None:
    """Refuse a filter on a dimension ``metric`` does not declare, naming the ones it does."""
    for dim, value in (filters or {}).items():
        if dim in metric.filterable and isinstance(value, str):
            continue
        if dim in metric.filterable:
            raise ConfigError(
                f"Filter {dim}={value!r} is not a text value.", hint=f"Write it as {dim}=VALUE."
            )
        match = closest(dim, metric.filterable)
        suggestion = f" Did you mean {match!r}?" if match else ""
        listed = ", ".join(metric.filterable) or "none"
        raise ConfigError(
            f"Metric {metric.name!r} cannot be filtered by {dim!r}.{suggestion} "
            f"Its filters: {listed}.",
            hint=f"See them with: revline metrics explain {metric.name}",
        )


def compute(
    name: str,
    period: str | None = None,
    by: str | None = None,
    *,
    warehouse: Warehouse | str | Path | None = None,
    settings: MetricSettings | None = None,
    filters: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Compute metric ``name`` as a DataFrame with ``period``, the ``by`` column and ``value``.

    ``period`` is one period (``2025-07``, ``2025-Q3``, ``2025``), a grain (``month``,
    ``quarter``, ``year``: every such period in the data's range) or ``None`` (every month).
    ``by`` is one of the metric's declared breakdowns (:func:`supports`); ``filters`` restricts
    the figure to dimension values, several at once (``{"segment": "smb", "region": "emea"}``),
    each a dimension the metric declares (:attr:`Metric.filterable`); an undeclared breakdown or
    filter is refused before the warehouse is opened. ``warehouse`` defaults to
    ``$REVLINE_WAREHOUSE`` or ``revline.duckdb``. Money values are exact ``Decimal``s.
    ``to_date`` (after ``period``) is true for a period that ends after the as-of date (the
    settings', by default the data's end): it reads balances at the as-of month and flows over
    the elapsed months (:mod:`revline.model.periods`).
    """
    return compute_many(
        [name], period, by, warehouse=warehouse, settings=settings, filters=filters
    )[name]


def compute_many(
    names: Sequence[str],
    period: str | None = None,
    by: str | None = None,
    *,
    warehouse: Warehouse | str | Path | None = None,
    settings: MetricSettings | None = None,
    filters: Mapping[str, str] | None = None,
) -> dict[str, pd.DataFrame]:
    """Several metrics over one build of the MRR model: name -> the frame :func:`compute` gives."""
    metrics = [get_metric(name) for name in names]
    for metric in metrics:  # refused before the warehouse is opened or a query runs
        check_breakdown(metric, by)
        check_filters(metric, filters)
    settings = settings or MetricSettings()
    where = tuple((filters or {}).items())
    if isinstance(warehouse, Warehouse):
        return _compute(metrics, names, warehouse, period, by, settings, where)
    path = warehouse or os.environ.get("REVLINE_WAREHOUSE", "revline.duckdb")
    with Warehouse.open(path, read_only=True) as wh:
        return _compute(metrics, names, wh, period, by, settings, where)


def _compute(
    metrics: list[Metric],
    names: Sequence[str],
    wh: Warehouse,
    period: str | None,
    by: str | None,
    settings: MetricSettings,
    filters: tuple[tuple[str, str], ...] = (),
) -> dict[str, pd.DataFrame]:
    with build_model(wh.ibis, settings) as model:
        return _over_model(metrics, names, model, period, by, filters)


def compute_on_model(
    names: Sequence[str],
    model: MrrModel,
    period: str | None = None,
    by: str | None = None,
    *,
    filters: Mapping[str, str] | None = None,
) -> dict[str, pd.DataFrame]:
    """:func:`compute_many` over an MRR model the caller built (on any backend, e.g. one that
    shows the warehouse as known at a past date), as of the model's as-of date."""
    metrics = [get_metric(name) for name in names]
    for metric in metrics:
        check_breakdown(metric, by)
        check_filters(metric, filters)
    return _over_model(metrics, names, model, period, by, tuple((filters or {}).items()))


def _over_model(
    metrics: list[Metric],
    names: Sequence[str],
    model: MrrModel,
    period: str | None,
    by: str | None,
    filters: tuple[tuple[str, str], ...],
) -> dict[str, pd.DataFrame]:
    out: dict[str, pd.DataFrame] = {}
    frames: dict[str, object] = {}  # built once per frame kind a metric asks for
    spans = expand_periods(period, model.first_idx, model.last_idx, model.settings.as_of)
    flags = {p.label: p.to_date for p in spans}
    for name, metric in zip(names, metrics, strict=True):
        if metric.frame not in frames:
            frames[metric.frame] = _build(metric.frame, model, period, by, filters)
        expr = evaluate(metric, frames[metric.frame], REGISTRY)
        result: pd.DataFrame = model.backend.execute(expr)
        result = result.reset_index(drop=True)
        flag = [bool(flags.get(str(label), False)) for label in result["period"]]
        result.insert(1, "to_date", pd.Series(flag, dtype=bool))
        out[name] = result
    return out


def _build(
    kind: str,
    model: MrrModel,
    period: str | None,
    by: str | None,
    filters: tuple[tuple[str, str], ...] = (),
) -> object:
    """The frame of ``kind`` a metric computes over (see :attr:`Metric.frame`)."""
    if kind == "gtm":
        from revline.metrics.gtm_frame import build_gtm_frame

        return build_gtm_frame(model, period, by, filters)
    return build_frame(model, period, by, filters)


def _kind_text(metric: Metric) -> str:
    """``ratio(numerator=bookings, denominator=deals_won)``: the kind with its parameters."""

    def show(value: object) -> str:
        if isinstance(value, dict) and "metric" in value:
            return str(value["metric"])
        if isinstance(value, dict):
            return f"[{value['measure']}, {value['unit']}]"
        if isinstance(value, list):
            return "(" + ", ".join(show(v) for v in value) + ")"
        return repr(value)

    inner = ", ".join(f"{k}={show(v)}" for k, v in metric.kind.params().items())
    return f"{metric.kind_name}({inner})"


def explain(name: str) -> str:
    """The declaration of a metric as text: kind, definition, formula, owner, breakdowns,
    benchmark, tables."""
    m = get_metric(name)
    lines = [
        f"{m.name} ({m.kind_name}, {m.unit}, by {m.grain})",
        f"  {m.description}",
        f"  Formula: {m.formula}",
        f"  Kind: {_kind_text(m)}",
        f"  Inputs: {', '.join(m.inputs) or 'none (computed from the tables)'}",
        f"  Owner: {load_org().metric_owner(m.name, m.owner)}",
        f"  Breakdowns: {', '.join(m.breakdowns) or 'none (the whole company only)'}",
        f"  Filters: {', '.join(m.filterable) or 'none'}",
        f"  Reads: {', '.join(m.tables)}",
    ]
    if m.benchmark:
        b = m.benchmark
        lines.append(f"  Benchmark: {b.band} (source: {b.source}, {b.year})")
        if b.green is not None:
            ceiling = f", ceiling {b.ceiling:g}" if b.ceiling is not None else ""
            lines.append(
                f"    {b.direction} is better: green {b.green:g}, amber {b.amber:g}{ceiling}"
            )
        for segment, green, amber in b.segments:
            lines.append(f"    {segment}: green {green:g}, amber {amber:g}")
    return "\n".join(lines)


def declaration(name: str) -> dict[str, Any]:
    """The whole declaration of a metric as data (``revline metrics explain --format json``):
    kind with its parameters, inputs, formula, unit, grain, breakdowns, owner from the org map,
    structured benchmark, tables, the source file and line of its code, and its value test."""
    m = get_metric(name)
    owner = load_org().metric_owner(m.name, m.owner)
    code = inspect.unwrap(m.compute)
    while isinstance(code, functools.partial):  # a family's shared builder with its argument
        code = code.func
    try:
        file = inspect.getsourcefile(code) or ""
        line = inspect.getsourcelines(code)[1]
    except (OSError, TypeError):  # pragma: no cover - compiled or built-in code
        file, line = "", 0
    package = Path(__file__).resolve().parents[1]
    try:
        where = str(Path("src/revline") / Path(file).resolve().relative_to(package))
    except ValueError:
        where = file
    return {
        "name": m.name,
        "kind": {"name": m.kind_name, **m.kind.params()},
        "inputs": list(m.inputs),
        "description": m.description,
        "formula": m.formula,
        "unit": m.unit,
        "grain": m.grain,
        "frame": m.frame,
        "breakdowns": list(m.breakdowns),
        "filters": list(m.filterable),
        "owner": {
            "function": owner.function,
            "label": owner.label,
            "executive": owner.executive,
        },
        "benchmark": m.benchmark.to_dict() if m.benchmark else None,
        "tables": list(m.tables),
        "code": {"file": where, "line": line, "function": code.__qualname__},
        "test": ORACLES.get(m.name),
    }


def bridge_frame(warehouse: Warehouse, settings: MetricSettings | None = None) -> pd.DataFrame:
    """The monthly MRR bridge (start, movements, end, customers) as a DataFrame."""
    from revline.model.movements import bridge

    with build_model(warehouse.ibis, settings or MetricSettings()) as model:
        frame: pd.DataFrame = warehouse.ibis.execute(bridge(model))
    frame["month"] = [d if hasattr(d, "year") else month_start(int(d)) for d in frame["month"]]
    return frame
