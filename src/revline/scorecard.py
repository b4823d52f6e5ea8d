"""The CRO scorecard: each headline metric with its trend, target, benchmark, status and owner.

:func:`scorecard` returns the scorecard as data; ``revline scorecard`` only renders it.

**Status rule** (red / amber / green). Each line gets a benchmark status from its metric's
benchmark in the registry (:meth:`revline.metrics.core.Benchmark.status`: green at or beyond
the green threshold, amber at or beyond the amber one, red otherwise; LTV:CAC above 5 is amber
for under-investment; GRR by segment reads the segment's thresholds) and, when the ``targets`` table
has a target for the metric and period, a target status from attainment (green at 100% or more,
amber from 90%, red below). The line's status is the worse of the two; a line with neither, or
without a value, is ``n/a``.

**Targets.** A target row applies when its ``metric`` is the line's metric and its dates match
the period exactly; otherwise rows inside the period are combined (summed for currency and
count metrics, averaged for ratios). Attainment is value / target, or target / value for
metrics where lower is better (CAC, payback).

**Money is exact.** A currency line's value, prior, change and target are ``Decimal``s (the
change is exact decimal arithmetic, never a float subtraction); other units are floats.

**A period to date.** A period that ends after the as-of date (by default the data's end) is
reported to date (``to_date`` true, ``title`` such as ``2025-Q4 QTD``): balances at the as-of
month, flows over the months elapsed. Its target and the prior period are the whole ones.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

import ibis
import pandas as pd

from revline.metrics.api import compute_many, get_metric
from revline.metrics.core import Benchmark, display
from revline.metrics.gtm_frame import GtmSettings
from revline.model.data_end import data_end
from revline.model.periods import (
    Period,
    last_full_quarter,
    month_index,
    month_start,
    parse_period,
    period_label,
    prior_period,
    to_date,
)
from revline.org import load_org
from revline.settings import MetricSettings
from revline.warehouse import Warehouse

STATUSES = ("green", "amber", "red", "n/a")


@dataclass(frozen=True)
class Headline:
    """A headline line: the metric, its label, and the segment for a per-segment line. Its
    benchmark (direction and thresholds) is the metric's, from the registry."""

    metric: str
    label: str
    segment: str | None = None

    @property
    def benchmark(self) -> Benchmark | None:
        return get_metric(self.metric).benchmark

    @property
    def higher_is_better(self) -> bool:
        return self.benchmark is None or self.benchmark.direction == "higher"


HEADLINES: tuple[Headline, ...] = (
    Headline("arr", "ARR"),
    Headline("new_arr", "New ARR"),
    Headline("nrr", "NRR"),
    Headline("grr", "GRR"),
    *(Headline("grr", f"GRR {seg}", seg) for seg in ("enterprise", "mid_market", "smb")),
    Headline("cac", "CAC (fully loaded)"),
    Headline("cac_payback_months", "CAC payback"),
    Headline("cac_ratio", "CAC ratio"),
    Headline("ltv_cac", "LTV:CAC"),
    Headline("magic_number", "Magic number"),
    Headline("rule_of_40", "Rule of 40"),
    Headline("win_rate", "Win rate"),
    Headline("pipeline_coverage", "Pipeline coverage"),
    Headline("quota_attainment", "Quota attainment"),
)


def _amount(value: float, unit: str) -> str:
    return f"{value:g} {unit}" if unit in ("months", "days") else display(value, unit)


def band_text(benchmark: Benchmark | None, unit: str, segment: str | None = None) -> str:
    """The thresholds a line is rated by, short (``green >= 110.0%, amber >= 100.0%``), or the
    band in words when the benchmark has no thresholds; empty without a benchmark."""
    if benchmark is None:
        return ""
    green, amber = benchmark.thresholds(segment)
    if green is None or amber is None:
        return benchmark.band
    sign = ">=" if benchmark.direction == "higher" else "<="
    text = f"green {sign} {_amount(green, unit)}, amber {sign} {_amount(amber, unit)}"
    if benchmark.ceiling is not None:
        text += f", amber above {_amount(benchmark.ceiling, unit)}"
    return text + (f" ({segment})" if segment else "")


@dataclass(frozen=True)
class Line:
    """One scorecard line (see the module docstring for status and target rules)."""

    metric: str
    label: str
    unit: str
    value: Decimal | float | None  # money (unit "currency") exact as Decimal, else float
    prior: Decimal | float | None
    change: Decimal | float | None  # value - prior, exact for money
    target: Decimal | float | None
    attainment: float | None
    benchmark: str
    source: str
    status: str
    reason: str
    owner: str


@dataclass(frozen=True)
class Scorecard:
    """The scorecard of ``period``; ``to_date`` when the period ends after ``as_of`` (then
    ``title`` reads ``2025-Q4 QTD``: balances at the as-of month, flows over the elapsed months,
    while ``prior_period`` is the whole period before)."""

    period: str
    prior_period: str
    as_of: str
    profit_margin_basis: str
    lines: tuple[Line, ...]
    to_date: bool = False
    title: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _number(value: Any, unit: str) -> Decimal | float | None:
    """A metric value for a line: money stays an exact ``Decimal``, other units are floats."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or pd.isna(value):
        return None
    if unit == "currency":
        return value if isinstance(value, Decimal) else Decimal(str(value))
    return float(value)


def _change(value: Decimal | float | None, before: Decimal | float | None) -> Any:
    """``value - before``: exact for money (both ``Decimal``), ``None`` when either is missing."""
    if value is None or before is None:
        return None
    if isinstance(value, Decimal) and isinstance(before, Decimal):
        return value - before
    return float(value) - float(before)


def _target(wh: Warehouse, metric: str, unit: str, period: Period) -> Decimal | float | None:
    t = wh.ibis.table("targets")
    end = period.first + (period.months or period.last - period.first + 1)  # the whole period
    first, last = month_start(period.first), month_start(end) - timedelta(days=1)
    rows = wh.ibis.execute(
        t.filter(
            (t.metric == metric)
            & (t.period_start >= ibis.literal(first))
            & (t.period_end <= ibis.literal(last))
        ).select("period_start", "period_end", "value")
    )
    if rows.empty:
        return None
    exact = rows[(rows.period_start == first) & (rows.period_end == last)]
    if not exact.empty:
        rows = exact
    if unit == "currency":
        return sum((Decimal(str(v)) for v in rows["value"]), Decimal(0))
    values = [float(v) for v in rows["value"]]
    return sum(values) if unit == "count" else sum(values) / len(values)


def _target_status(attainment: float) -> str:
    return "green" if attainment >= 1 else "amber" if attainment >= 0.9 else "red"


def _status(
    h: Headline, value: Decimal | float | None, attainment: float | None
) -> tuple[str, str]:
    if value is None:
        return "n/a", "no value for the period"
    bench = h.benchmark
    rated = "n/a" if bench is None else bench.status(float(value), h.segment)
    found = [("benchmark", rated)]
    if attainment is not None:
        found.append(("target", _target_status(attainment)))
    found = [(why, s) for why, s in found if s != "n/a"]
    if not found:
        return "n/a", "no benchmark band or target"
    why, worst = max(found, key=lambda item: STATUSES.index(item[1]))
    return worst, f"{why} {worst}" + ("" if len(found) == 1 else f" (of {len(found)} checks)")


def _pick(frame: pd.DataFrame, period: str, segment: str | None, unit: str) -> Any:
    rows = frame[frame["period"] == period]
    if segment is not None:
        rows = rows[rows["segment"] == segment]
    return _number(rows["value"].iloc[0], unit) if len(rows) else None


def scorecard(
    warehouse: Warehouse,
    period: str | None = None,
    settings: MetricSettings | None = None,
) -> Scorecard:
    """The scorecard of ``period`` (default: the last full quarter of the data) as data."""
    as_of = (settings.as_of if settings and settings.as_of else None) or data_end(warehouse.ibis)
    settings = settings or GtmSettings(as_of=as_of)
    if settings.as_of is None:
        settings = GtmSettings(**{**asdict(settings), "as_of": as_of})
    current = to_date(parse_period(period or last_full_quarter(as_of)), month_index(as_of), as_of)
    prior = prior_period(current)
    months = current.months
    grain = {1: "month", 3: "quarter", 12: "year"}.get(months)
    spec = grain if grain and current.label == period_label(current.first, grain) else current.label
    names = list(dict.fromkeys(h.metric for h in HEADLINES if h.segment is None))
    frames = compute_many(names, spec, warehouse=warehouse, settings=settings)
    frames["grr@segment"] = compute_many(
        ["grr"], spec, "segment", warehouse=warehouse, settings=settings
    )["grr"]
    org = load_org()
    lines = []
    for h in HEADLINES:
        metric = get_metric(h.metric)
        frame = frames["grr@segment" if h.segment else h.metric]
        value = _pick(frame, current.label, h.segment, metric.unit)
        before = _pick(frame, prior, h.segment, metric.unit)
        target = None if h.segment else _target(warehouse, h.metric, metric.unit, current)
        attainment = None
        if target is not None and value is not None:
            top, bottom = (value, target) if h.higher_is_better else (target, value)
            attainment = float(top) / float(bottom) if bottom else None
        status, reason = _status(h, value, attainment)
        lines.append(
            Line(
                metric=h.metric,
                label=h.label,
                unit=metric.unit,
                value=value,
                prior=before,
                change=_change(value, before),
                target=target,
                attainment=attainment,
                benchmark=band_text(metric.benchmark, metric.unit, h.segment),
                source=(
                    f"{metric.benchmark.source} ({metric.benchmark.year})"
                    if metric.benchmark
                    else ""
                ),
                status=status,
                reason=reason,
                owner=str(org.metric_owner(h.metric, metric.owner)),
            )
        )
    basis = str(getattr(settings, "profit_margin_basis", "ebitda"))
    title = current.title
    return Scorecard(current.label, prior, str(as_of), basis, tuple(lines), current.to_date, title)
