"""The vocabulary of the metric registry: a metric declaration and what it computes over.

A metric is data (../shared/STYLE.md point 2): a closed set of kinds, a plain-language
description, a formula, a unit, a grain, the owning function from the function category map,
an optional benchmark with its source, the canonical tables it reads, and one callable that
builds its Ibis expression. Nothing else computes a metric; the CLI, API and reports read these.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import ibis.expr.types as ir

from revline.model.mrr import MrrModel

MetricKind = Literal["simple", "ratio", "cumulative", "derived", "conversion"]
KINDS: tuple[str, ...] = ("simple", "ratio", "cumulative", "derived", "conversion")
#: ``ratio`` is a share or rate shown as a percentage (NRR 0.97 = 97%); ``multiple`` is a
#: times-figure (CAC ratio 2.2x, LTV:CAC 4.2x, pipeline coverage 3x).
UNITS: tuple[str, ...] = ("currency", "count", "ratio", "multiple", "months", "days")
GRAINS: tuple[str, ...] = ("month", "period")
#: What a metric computes over (:attr:`Metric.frame`): the MRR frame or the go-to-market one.
FRAMES: tuple[str, ...] = ("mrr", "gtm")
#: Tables every MRR-based metric reads.
MRR_TABLES: tuple[str, ...] = ("subscriptions", "plans", "invoices", "fx_rates", "accounts")


@dataclass(frozen=True)
class Benchmark:
    """A reference band for a metric and where it comes from."""

    band: str
    source: str


@dataclass(frozen=True)
class Frame:
    """What a metric computes over: the MRR facts, the periods asked for and the breakdown.

    ``customer_months`` and ``movements`` carry a column named after ``by`` when a breakdown
    is asked for. ``periods`` has one row per (period, month) with the period's first and last
    month; ``period_bounds`` one row per period.
    """

    model: MrrModel
    periods: ir.Table
    by: str | None
    keys: tuple[str, ...]
    customer_months: ir.Table
    movements: ir.Table

    @property
    def by_cols(self) -> list[str]:
        return [self.by] if self.by else []

    @property
    def period_bounds(self) -> ir.Table:
        return self.periods.select("period", "first_idx", "last_idx").distinct()


Compute = Callable[[Frame], ir.Table]


@dataclass(frozen=True)
class Metric:
    """One metric, declared once.

    ``compute`` returns an Ibis table with columns ``period``, the breakdown column (if any)
    and ``value``. ``frame`` names what ``compute`` is given: ``"mrr"`` a :class:`Frame`,
    ``"gtm"`` a :class:`revline.metrics.gtm_frame.GtmFrame` (go-to-market tables, breakdowns
    such as owner or channel, and the MRR frame inside it).
    """

    name: str
    kind: MetricKind
    description: str
    formula: str
    unit: str
    grain: str
    owner: str
    tables: tuple[str, ...]
    compute: Callable[[Any], ir.Table]
    benchmark: Benchmark | None = None
    frame: str = "mrr"


def display(value: object, unit: str, money_places: int = 2) -> str:
    """A metric value as a person reads it, by unit: money with separators, ratios as
    percentages, multiples with an x. Every interface shows values through this one function."""
    if value is None or (isinstance(value, float) and value != value):  # None or NaN
        return "-"
    number = float(str(value))
    if unit == "currency":
        return f"{number:,.{money_places}f}"
    if unit == "ratio":
        return f"{number:.1%}"
    if unit == "multiple":
        return f"{number:.2f}x"
    if unit == "count":
        return f"{number:,.0f}"
    return f"{number:,.1f}"
