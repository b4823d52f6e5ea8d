"""The CRO scorecard: each headline metric with its trend, target, benchmark, status and owner.

:func:`scorecard` returns the scorecard as data; ``revline scorecard`` only renders it.

**Status rule** (red / amber / green). Each line gets a benchmark status from its band
(:data:`HEADLINES`: green at or beyond the green threshold, amber at or beyond the amber one,
red otherwise; LTV:CAC above 5 is amber for under-investment) and, when the ``targets`` table
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
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import ibis
import pandas as pd

from revline.metrics.api import compute_many, get_metric
from revline.metrics.gtm_frame import GtmSettings
from revline.model.data_end import data_end
from revline.model.periods import Period, month_index, month_start, parse_period, to_date
from revline.org import load_org
from revline.settings import MetricSettings
from revline.warehouse import Warehouse

STATUSES = ("green", "amber", "red", "n/a")


@dataclass(frozen=True)
class Headline:
    """A headline metric and its benchmark band: thresholds in the metric's unit."""

    metric: str
    label: str
    higher_is_better: bool = True
    green: float | None = None
    amber: float | None = None
    ceiling: float | None = None  # above it, amber (LTV:CAC > 5: under-investment)
    band: str = ""
    source: str = ""
    segment: str | None = None


BVP = "Bessemer Venture Partners, State of the Cloud"
KEYBANC = "KeyBanc Capital Markets SaaS Survey"
HEADLINES: tuple[Headline, ...] = (
    Headline("arr", "ARR"),
    Headline("new_arr", "New ARR"),
    Headline("nrr", "NRR", True, 1.20, 1.00, None, "> 120% top tier; < 100% red", KEYBANC),
    Headline("grr", "GRR", True, 0.90, 0.85, None, ">= 90% green; >= 85% amber", KEYBANC),
    *(
        Headline(
            "grr",
            f"GRR {seg}",
            True,
            green,
            green - 0.05,
            None,
            f">= {green:.0%} ({seg})",
            KEYBANC,
            seg,
        )
        for seg, green in (("enterprise", 0.95), ("mid_market", 0.90), ("smb", 0.85))
    ),
    Headline("cac", "CAC (fully loaded)", False),
    Headline("cac_payback_months", "CAC payback", False, 12, 24, None, "< 12 months", BVP),
    Headline(
        "cac_ratio", "CAC ratio", True, 1.0, 0.5, None, "> 1.0 healthy; < 0.5 inefficient", BVP
    ),
    Headline(
        "ltv_cac",
        "LTV:CAC",
        True,
        3.0,
        2.0,
        5.0,
        ">= 3; > 5 under-investment",
        "David Skok, SaaS Metrics 2.0",
    ),
    Headline(
        "magic_number",
        "Magic number",
        True,
        0.75,
        0.5,
        None,
        "> 0.75 invest; < 0.5 fix",
        "Scale Venture Partners",
    ),
    Headline("rule_of_40", "Rule of 40", True, 0.40, 0.30, None, ">= 40%", "Brad Feld; " + BVP),
    Headline("win_rate", "Win rate", True, 0.25, 0.20, None, ">= 25%", "The Bridge Group"),
    Headline(
        "pipeline_coverage",
        "Pipeline coverage",
        True,
        3.0,
        2.0,
        None,
        ">= 3x",
        "common SaaS practice",
    ),
    Headline("quota_attainment", "Quota attainment", True, 1.0, 0.9, None, ">= 100%", "plan"),
)


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


def _label(first: int, months: int) -> str:
    start = month_start(first)
    if months == 12 and start.month == 1:
        return f"{start.year}"
    if months == 3 and start.month % 3 == 1:
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    return f"{start.year:04d}-{start.month:02d}"


def prior_period(period: Period) -> str:
    """The period of the same length just before ``period`` (the whole one, for one to date)."""
    months = period.months or period.last - period.first + 1
    return _label(period.first - months, months)


def data_as_of(wh: Warehouse) -> date:
    """The last day with data, at most yesterday (:func:`revline.model.data_end.data_end`)."""
    return data_end(wh.ibis)


def last_full_quarter(day: date) -> str:
    """The last calendar quarter ending on or before ``day``."""
    end = day + timedelta(days=1)
    quarter = (end.month - 1) // 3
    year = end.year if quarter else end.year - 1
    return f"{year}-Q{quarter if quarter else 4}"


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


def _bench_status(h: Headline, value: Decimal | float) -> str:
    value = float(value)
    if h.green is None or h.amber is None:
        return "n/a"
    if h.ceiling is not None and value > h.ceiling:
        return "amber"
    if h.higher_is_better:
        return "green" if value >= h.green else "amber" if value >= h.amber else "red"
    return "green" if value < h.green else "amber" if value <= h.amber else "red"


def _target_status(attainment: float) -> str:
    return "green" if attainment >= 1 else "amber" if attainment >= 0.9 else "red"


def _status(
    h: Headline, value: Decimal | float | None, attainment: float | None
) -> tuple[str, str]:
    if value is None:
        return "n/a", "no value for the period"
    found = [("benchmark", _bench_status(h, value))]
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
    as_of = (settings.as_of if settings and settings.as_of else None) or data_as_of(warehouse)
    settings = settings or GtmSettings(as_of=as_of)
    if settings.as_of is None:
        settings = GtmSettings(**{**asdict(settings), "as_of": as_of})
    current = to_date(parse_period(period or last_full_quarter(as_of)), month_index(as_of), as_of)
    prior = prior_period(current)
    months = current.months
    grain = {1: "month", 3: "quarter", 12: "year"}.get(months)
    spec = grain if grain and current.label == _label(current.first, months) else current.label
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
                benchmark=h.band or (metric.benchmark.band if metric.benchmark else ""),
                source=h.source or (metric.benchmark.source if metric.benchmark else ""),
                status=status,
                reason=reason,
                owner=str(org.metric_owner(h.metric, metric.owner)),
            )
        )
    basis = str(getattr(settings, "profit_margin_basis", "ebitda"))
    title = current.title
    return Scorecard(current.label, prior, str(as_of), basis, tuple(lines), current.to_date, title)
