"""The vocabulary of the metric registry: a metric declaration and what it computes over.

A metric is data (../shared/STYLE.md point 2): one of a closed set of kinds, each with its type
parameters (:class:`Simple`, :class:`Ratio`, :class:`Derived`, :class:`Cumulative`,
:class:`Conversion`), a plain-language description, a formula, a unit, a grain, the owning
function from the function category map, the breakdowns it supports, an optional structured
:class:`Benchmark` with its source and year, the canonical tables it reads, and one callable
that builds its Ibis expression. The metrics a kind names (a ratio's numerator and denominator,
a derived metric's inputs) are its declared inputs: the dependency graph is data
(:attr:`Metric.inputs`), and a metric reaches another only through :func:`read_input`, never by
importing the registry. Nothing else computes a metric; the CLI, API and reports read these.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import ibis.expr.types as ir

from revline.errors import ConfigError
from revline.metrics.kinds import (
    AGGREGATIONS,
    DIRECTIONS,
    GRAINS,
    KINDS,
    RATIO_UNITS,
    SIMPLE_UNITS,
    UNITS,
    Benchmark,
    Conversion,
    Cumulative,
    Derived,
    Kind,
    Measure,
    Ratio,
    Simple,
)
from revline.model.mrr import MrrModel

__all__ = [
    "AGGREGATIONS",
    "DIRECTIONS",
    "FRAMES",
    "GRAINS",
    "KINDS",
    "MRR_BREAKDOWNS",
    "MRR_TABLES",
    "RATIO_UNITS",
    "SIMPLE_UNITS",
    "UNITS",
    "Benchmark",
    "Compute",
    "Conversion",
    "Cumulative",
    "Derived",
    "Frame",
    "Kind",
    "Measure",
    "Metric",
    "Ratio",
    "Scope",
    "Simple",
    "display",
    "evaluate",
    "read_input",
    "register",
]

#: What a metric computes over (:attr:`Metric.frame`): the MRR frame or the go-to-market one.
FRAMES: tuple[str, ...] = ("mrr", "gtm")
#: Tables every MRR-based metric reads.
MRR_TABLES: tuple[str, ...] = ("subscriptions", "plans", "invoices", "fx_rates", "accounts")


#: The breakdowns of the MRR frame (:mod:`revline.metrics.frame`): the default of a metric
#: computed over it. A family declares its own where its frame supports others.
MRR_BREAKDOWNS: tuple[str, ...] = ("segment", "region", "industry", "plan", "channel")


@dataclass(frozen=True)
class Scope:
    """The metric being computed, its declared inputs and the registry they come from."""

    metric: str
    inputs: tuple[str, ...]
    registry: Mapping[str, Metric]


@dataclass(frozen=True)
class Frame:
    """What a metric computes over: the MRR facts, the periods asked for and the breakdown.

    ``customer_months`` and ``movements`` carry a column named after ``by`` when a breakdown
    is asked for. ``periods`` has one row per (period, month) with the period's first and last
    month; ``period_bounds`` one row per period. ``scope`` is set while a metric computes:
    :func:`read_input` reads its declared inputs through it.
    """

    model: MrrModel
    periods: ir.Table
    by: str | None
    keys: tuple[str, ...]
    customer_months: ir.Table
    movements: ir.Table
    scope: Scope | None = field(default=None, compare=False)
    #: (dimension, value) pairs the facts are restricted to (``compute(..., filters=...)``).
    filters: tuple[tuple[str, str], ...] = ()

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

    ``kind`` carries the kind's parameters (:data:`Kind`); :attr:`inputs` are the metrics it
    names. ``compute`` returns an Ibis table with columns ``period``, the breakdown column (if
    any) and ``value``. ``frame`` names what ``compute`` is given: ``"mrr"`` a :class:`Frame`,
    ``"gtm"`` a :class:`revline.metrics.gtm_frame.GtmFrame` (go-to-market tables, breakdowns
    such as owner or channel, and the MRR frame inside it). ``breakdowns`` are the dimensions
    it can be broken down by, and ``filters`` (default: the same) those it can be filtered by;
    any other is refused before a query runs.
    """

    name: str
    kind: Kind
    description: str
    formula: str
    unit: str
    grain: str
    owner: str
    tables: tuple[str, ...]
    compute: Callable[[Any], ir.Table]
    benchmark: Benchmark | None = None
    frame: str = "mrr"
    breakdowns: tuple[str, ...] = MRR_BREAKDOWNS
    #: The dimensions it can be filtered by (``None``: its breakdowns).
    filters: tuple[str, ...] | None = None

    @property
    def filterable(self) -> tuple[str, ...]:
        """The dimensions a figure of this metric can be filtered by, several at once."""
        return self.breakdowns if self.filters is None else self.filters

    @property
    def inputs(self) -> tuple[str, ...]:
        """The metrics this one is computed from (named by its kind's parameters)."""
        inputs: tuple[str, ...] = getattr(self.kind, "inputs", ())
        return inputs

    @property
    def kind_name(self) -> str:
        """``simple``, ``ratio``, ``derived``, ``cumulative`` or ``conversion``."""
        return str(getattr(self.kind, "name", self.kind))


def evaluate(metric: Metric, frame: Any, registry: Mapping[str, Metric]) -> ir.Table:
    """``metric``'s expression over ``frame`` (a go-to-market frame gives an MRR metric its
    MRR frame), with its declared inputs readable through :func:`read_input`."""
    target = frame
    if metric.frame == "mrr" and not isinstance(frame, Frame):
        target = frame.mrr
    elif metric.frame != "mrr" and isinstance(frame, Frame):
        raise ConfigError(
            f"Metric {metric.name!r} computes over the {metric.frame} frame, not the MRR one.",
            hint="An MRR metric cannot read a go-to-market metric; declare it over gtm.",
        )
    bound = replace(target, scope=Scope(metric.name, metric.inputs, registry))
    return metric.compute(bound)


#: The catalogue's metrics by name, registered by :mod:`revline.metrics.catalogue` when it is
#: imported: what :func:`read_input` resolves a name against when a metric's expression is
#: built outside :func:`evaluate` (a test calling ``metric.compute(frame)`` directly).
CATALOGUE: dict[str, Metric] = {}


def register(metrics: Iterable[Metric]) -> None:
    """Make ``metrics`` the catalogue :func:`read_input` falls back to (first of a name wins)."""
    CATALOGUE.clear()
    for metric in metrics:
        CATALOGUE.setdefault(metric.name, metric)


def read_input(frame: Any, name: str) -> ir.Table:
    """Declared input ``name`` of the metric computing over ``frame``, as its own table
    (``period``, the breakdown column when it has one, ``value``).

    Within :func:`evaluate` the name must be one of the metric's declared inputs; a compute
    function called directly reads the registered catalogue (:data:`CATALOGUE`)."""
    scope: Scope | None = frame.scope
    if scope is None:
        if name not in CATALOGUE:
            raise ConfigError(f"No metric {name!r} is registered.", hint="Import revline.metrics.")
        return evaluate(CATALOGUE[name], frame, CATALOGUE)
    if name not in scope.inputs:
        raise ConfigError(
            f"Metric {scope.metric!r} reads {name!r}, which it does not declare as an input.",
            hint="Name it in the metric's kind (a ratio's numerator or denominator, or a "
            "derived metric's operands).",
        )
    return evaluate(scope.registry[name], frame, scope.registry)


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
