"""The kinds of metric with their type parameters, and the structured benchmark.

A metric's kind is one of a closed set (../shared/STYLE.md point 2; MetricFlow's metric types):
:class:`Simple` (a measure and how it aggregates over a period: balance or flow),
:class:`Ratio` (numerator and denominator), :class:`Derived` (an expression over named
operands), :class:`Cumulative` (a measure over a window) and :class:`Conversion` (from one
lifecycle stage to another within a window). The operands that are metrics of the registry are
the metric's inputs, so the dependency graph is data. Units follow from kinds
(:data:`RATIO_UNITS`, :data:`SIMPLE_UNITS`), checked by ``revline metrics validate``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Literal

KINDS: tuple[str, ...] = ("simple", "ratio", "cumulative", "derived", "conversion")
#: ``ratio`` is a share or rate shown as a percentage (NRR 0.97 = 97%); ``multiple`` is a
#: times-figure (CAC ratio 2.2x, LTV:CAC 4.2x, pipeline coverage 3x).
UNITS: tuple[str, ...] = ("currency", "count", "ratio", "multiple", "months", "days")
GRAINS: tuple[str, ...] = ("month", "period")
#: How a simple metric's measure aggregates over the months of a period: a balance is read at
#: the period's last month (MRR, customers), a flow is taken over all its months (movements).
AGGREGATIONS: tuple[str, ...] = ("balance", "flow")
Aggregation = Literal["balance", "flow"]
#: The units a ratio of two quantities may have, by (numerator unit, denominator unit): a
#: share of one currency amount in another (NRR) is a ratio, two different amounts (new ARR
#: per S&M dollar) a multiple; a ratio of counts is a ratio; money per thing is money.
RATIO_UNITS: dict[tuple[str, str], tuple[str, ...]] = {
    ("currency", "currency"): ("ratio", "multiple"),
    ("count", "count"): ("ratio",),
    ("currency", "count"): ("currency",),
}
#: The units a simple metric (a sum, count or statistic of one measure) may have.
SIMPLE_UNITS: tuple[str, ...] = ("currency", "count", "days", "months")


@dataclass(frozen=True)
class Measure:
    """A quantity over rows that is not itself a metric (a cohort's starting MRR), with its
    unit: a kind's parameter when no declared metric is that quantity."""

    name: str
    unit: str


#: A kind's operand: a metric of the registry (by name; an input) or a :class:`Measure`.
Operand = str | Measure


def _names(operands: tuple[Operand, ...]) -> tuple[str, ...]:
    return tuple(o for o in operands if isinstance(o, str))


@dataclass(frozen=True)
class Simple:
    """One measure aggregated: ``statistic`` over the rows (sum, count, median, ...), and
    ``agg`` over the months of a period (a balance at its last month, or a flow over all)."""

    measure: str
    agg: Aggregation
    statistic: str = "sum"
    name: ClassVar[str] = "simple"

    @property
    def inputs(self) -> tuple[str, ...]:
        return ()

    def params(self) -> dict[str, Any]:
        return {"measure": self.measure, "agg": self.agg, "statistic": self.statistic}


@dataclass(frozen=True)
class Ratio:
    """``numerator / denominator``: each a metric of the registry (an input) or a measure."""

    numerator: Operand
    denominator: Operand
    name: ClassVar[str] = "ratio"

    @property
    def inputs(self) -> tuple[str, ...]:
        return _names((self.numerator, self.denominator))

    def params(self) -> dict[str, Any]:
        return {"numerator": _operand(self.numerator), "denominator": _operand(self.denominator)}


@dataclass(frozen=True)
class Derived:
    """An expression over named operands (metrics of the registry, or measures)."""

    operands: tuple[Operand, ...]
    expr: str
    name: ClassVar[str] = "derived"

    @property
    def inputs(self) -> tuple[str, ...]:
        return _names(self.operands)

    def params(self) -> dict[str, Any]:
        return {"operands": [_operand(o) for o in self.operands], "expr": self.expr}


@dataclass(frozen=True)
class Cumulative:
    """A measure accumulated over a window of months (``None``: since a cohort's start)."""

    measure: Measure
    window_months: int | None
    name: ClassVar[str] = "cumulative"

    @property
    def inputs(self) -> tuple[str, ...]:
        return ()

    def params(self) -> dict[str, Any]:
        return {"measure": _operand(self.measure), "window_months": self.window_months}


@dataclass(frozen=True)
class Conversion:
    """The share of units reaching ``from_stage`` that reach ``to_stage`` within the window."""

    from_stage: str
    to_stage: str
    window_days: int | None = None
    name: ClassVar[str] = "conversion"

    @property
    def inputs(self) -> tuple[str, ...]:
        return ()

    def params(self) -> dict[str, Any]:
        return {
            "from_stage": self.from_stage,
            "to_stage": self.to_stage,
            "window_days": self.window_days,
        }


Kind = Simple | Ratio | Derived | Cumulative | Conversion


def _operand(value: Operand) -> dict[str, str]:
    if isinstance(value, Measure):
        return {"measure": value.name, "unit": value.unit}
    return {"metric": value}


Direction = Literal["higher", "lower"]
DIRECTIONS: tuple[str, ...] = ("higher", "lower")


@dataclass(frozen=True)
class Benchmark:
    """A metric's reference band: which way is better, the green and amber thresholds (in
    the metric's unit), an optional ``ceiling`` (above it, amber: LTV:CAC over 5 is
    under-investment), the band in words, and its source with year. ``segments`` overrides
    the thresholds for one segment: (segment, green, amber).

    Read by :meth:`status`: for ``higher``, green at or above ``green``, amber at or above
    ``amber``, red below; for ``lower``, green at or below ``green``, amber at or below
    ``amber``, red above. A benchmark without thresholds is a band in words only.
    """

    band: str
    source: str
    year: int
    direction: Direction = "higher"
    green: float | None = None
    amber: float | None = None
    ceiling: float | None = None
    segments: tuple[tuple[str, float, float], ...] = ()

    def thresholds(self, segment: str | None = None) -> tuple[float | None, float | None]:
        """(green, amber) for ``segment`` (its override) or the whole company."""
        for name, green, amber in self.segments:
            if name == segment:
                return green, amber
        return self.green, self.amber

    def status(self, value: float, segment: str | None = None) -> str:
        """``green``, ``amber`` or ``red`` for ``value``; ``n/a`` without thresholds."""
        green, amber = self.thresholds(segment)
        if green is None or amber is None:
            return "n/a"
        if self.ceiling is not None and value > self.ceiling:
            return "amber"
        if self.direction == "higher":
            return "green" if value >= green else "amber" if value >= amber else "red"
        return "green" if value <= green else "amber" if value <= amber else "red"

    def meets(self, value: float) -> bool:
        """Whether ``value`` is at or beyond the green threshold."""
        return self.status(value) == "green"

    def to_dict(self) -> dict[str, Any]:
        return {
            "direction": self.direction,
            "green": self.green,
            "amber": self.amber,
            "ceiling": self.ceiling,
            "band": self.band,
            "source": self.source,
            "year": self.year,
            "segments": [{"segment": s, "green": g, "amber": a} for s, g, a in self.segments],
        }
