"""The catalogue: every metric family's declarations, and the check of the whole catalogue.

:func:`validate_catalogue` reports every problem at once (../shared/STYLE.md point 3), each
naming the metric and how to fix it, so one run of ``revline metrics validate`` lists them all:
the declaration's fields, inputs that exist and form no cycle, units that follow from kinds,
breakdowns its frame (and its inputs) support, a well-formed benchmark, an owner from the
function category map, and a value test for every metric (:mod:`revline.metrics.oracles`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from revline.errors import closest
from revline.metrics import (
    acquisition,
    cohorts,
    contracts,
    conversion,
    efficiency,
    lifetime,
    lifetime_sbg,
    movement,
    retention,
    revenue,
    sales_catalogue,
)
from revline.metrics.core import FRAMES, GRAINS, KINDS, MRR_BREAKDOWNS, UNITS, Metric, register
from revline.metrics.gtm_frame import GTM_BREAKDOWNS
from revline.metrics.kinds import (
    AGGREGATIONS,
    DIRECTIONS,
    RATIO_UNITS,
    SIMPLE_UNITS,
    Benchmark,
    Conversion,
    Cumulative,
    Derived,
    Measure,
    Ratio,
    Simple,
)
from revline.metrics.oracles import ORACLES, missing_oracles
from revline.org import OrgMap, load_org
from revline.schema import TABLES

#: Every metric, in catalogue order. A family adds its declarations here.
ALL_METRICS: tuple[Metric, ...] = (
    *revenue.METRICS,
    *movement.METRICS,
    *retention.METRICS,
    *cohorts.METRICS,
    *lifetime.METRICS,
    *lifetime_sbg.METRICS,
    *contracts.METRICS,
    *efficiency.METRICS,
    *sales_catalogue.METRICS,
    *acquisition.METRICS,
    *conversion.METRICS,
)
register(ALL_METRICS)
#: The breakdowns each frame can compute.
FRAME_BREAKDOWNS: dict[str, tuple[str, ...]] = {"mrr": MRR_BREAKDOWNS, "gtm": GTM_BREAKDOWNS}


@dataclass(frozen=True)
class Problem:
    """One problem with one metric's declaration, and the fix."""

    metric: str
    problem: str
    fix: str

    def __str__(self) -> str:
        return f"{self.metric}: {self.problem} Fix: {self.fix}"


def _suggest(value: str, choices: Iterable[str]) -> str:
    match = closest(value, choices)
    return f" (did you mean {match!r}?)" if match else ""


def _unit_of(operand: str | Measure, by_name: Mapping[str, Metric]) -> str | None:
    if isinstance(operand, Measure):
        return operand.unit
    found = by_name.get(operand)
    return found.unit if found else None


def _check_kind(metric: Metric, by_name: Mapping[str, Metric]) -> list[tuple[str, str]]:
    """Problems of the kind: its parameters, its inputs and the unit it implies."""
    kind, unit = metric.kind, metric.unit
    out: list[tuple[str, str]] = []
    if not isinstance(kind, (Simple, Ratio, Derived, Cumulative, Conversion)):
        text = str(kind)
        out.append(
            (
                f"kind {text!r} is not one of {', '.join(KINDS)}{_suggest(text, KINDS)}.",
                "Declare the kind with its parameters, e.g. Ratio(numerator, denominator).",
            )
        )
        return out
    for name in metric.inputs:
        if name not in by_name:
            out.append(
                (
                    f"reads input {name!r}, which is not in the registry{_suggest(name, by_name)}.",
                    "Name a declared metric, or declare the input first.",
                )
            )
        elif metric.frame == "mrr" and by_name[name].frame != "mrr":
            out.append(
                (
                    f"computes over the MRR frame but reads {name!r} (a {by_name[name].frame} "
                    "metric).",
                    "Declare the metric over the gtm frame.",
                )
            )
    measures = [
        o
        for o in (
            *(getattr(kind, "operands", ())),
            getattr(kind, "numerator", None),
            getattr(kind, "denominator", None),
            getattr(kind, "measure", None),
        )
        if isinstance(o, Measure)
    ]
    for measure in measures:
        if measure.unit not in UNITS:
            out.append((f"measure {measure.name!r} has unknown unit {measure.unit!r}.", ""))
    if isinstance(kind, Simple):
        if kind.agg not in AGGREGATIONS:
            out.append((f"aggregation {kind.agg!r} is unknown.", f"Use {AGGREGATIONS}."))
        if unit in UNITS and unit not in SIMPLE_UNITS:
            out.append(
                (
                    f"is simple (a sum, count or statistic of one measure) but its unit is "
                    f"{unit!r}.",
                    f"A simple metric is in {', '.join(SIMPLE_UNITS)}; a rate is a ratio.",
                )
            )
    elif isinstance(kind, Ratio):
        top, bottom = _unit_of(kind.numerator, by_name), _unit_of(kind.denominator, by_name)
        if top is not None and bottom is not None and unit.strip():
            allowed = RATIO_UNITS.get((top, bottom), ())
            if unit not in allowed:
                implied = " or ".join(allowed) or "no unit revline knows"
                out.append(
                    (
                        f"unit {unit!r} does not follow from its kind: a ratio of {top} to "
                        f"{bottom} is {implied}.",
                        "Correct the unit, or the numerator and denominator.",
                    )
                )
    elif isinstance(kind, Derived):
        if not kind.operands or not kind.expr.strip():
            out.append(("is derived without operands or an expression.", "Give both."))
    elif isinstance(kind, Cumulative):
        if unit in UNITS and kind.measure.unit != unit:
            out.append(
                (
                    f"unit {unit!r} does not follow from its kind: it accumulates a measure "
                    f"in {kind.measure.unit!r}.",
                    "Use the measure's unit.",
                )
            )
    elif unit != "ratio":
        out.append((f"is a conversion but its unit is {unit!r}.", "A conversion is a ratio."))
    return [(p, f or "Use a known unit.") for p, f in out]


def _check_benchmark(metric: Metric) -> list[tuple[str, str]]:
    b = metric.benchmark
    out: list[tuple[str, str]] = []
    if b is None:
        return out
    if not isinstance(b, Benchmark) or not (b.band.strip() and b.source.strip()):
        return [("has a benchmark without a band or a source.", "Give both, or no benchmark.")]
    if not isinstance(b.year, int) or not 1990 <= b.year <= 2100:
        out.append((f"benchmark year {b.year!r} is not a year.", "Give the source's year."))
    if b.direction not in DIRECTIONS:
        out.append((f"benchmark direction {b.direction!r} is unknown.", "higher or lower."))
    pairs = [("company", b.green, b.amber), *((s, g, a) for s, g, a in b.segments)]
    for who, green, amber in pairs:
        if (green is None) != (amber is None):
            out.append((f"benchmark ({who}) has one of green and amber.", "Give both or none."))
        elif green is not None and amber is not None:
            ordered = green >= amber if b.direction == "higher" else green <= amber
            if not ordered:
                out.append(
                    (
                        f"benchmark ({who}): green {green} is not beyond amber {amber} for "
                        f"{b.direction} is better.",
                        "Swap them, or change the direction.",
                    )
                )
    if b.ceiling is not None and (b.green is None or b.ceiling <= b.green):
        out.append(("benchmark ceiling is not above green.", "Raise it, or drop it."))
    if b.segments and "segment" not in metric.breakdowns:
        out.append(("benchmark has segment overrides but no segment breakdown.", "Declare it."))
    return out


def _check(metric: Metric, org: OrgMap, by_name: Mapping[str, Metric]) -> list[Problem]:
    out: list[Problem] = []
    name = metric.name or "(unnamed)"

    def add(problem: str, fix: str) -> None:
        out.append(Problem(name, problem, fix))

    if not metric.name or not metric.name.isidentifier() or metric.name != metric.name.lower():
        add(f"name {metric.name!r} is not a lower-case identifier.", "Use snake_case, e.g. nrr.")
    for attr in ("description", "formula", "unit", "grain"):
        if not str(getattr(metric, attr)).strip():
            add(f"has no {attr}.", f"Write its {attr} in the declaration.")
    if metric.unit.strip() and metric.unit not in UNITS:
        add(
            f"unit {metric.unit!r} is unknown{_suggest(metric.unit, UNITS)}.",
            f"Use one of {', '.join(UNITS)}.",
        )
    for problem, fix in _check_kind(metric, by_name):
        add(problem, fix)
    if metric.grain.strip() and metric.grain not in GRAINS:
        add(f"grain {metric.grain!r} is unknown.", f"Use one of {', '.join(GRAINS)}.")
    owner = org.metric_owners.get(metric.name, metric.owner)
    if owner not in org.functions:
        add(
            f"owner {owner!r} is not a function of the org map{_suggest(owner, org.functions)}.",
            f"Name a function declared in {org.path}: {', '.join(org.functions)}.",
        )
    if not metric.tables:
        add("reads no tables.", "List the canonical tables it reads.")
    for table in metric.tables:
        if table not in TABLES:
            add(
                f"reads unknown table {table!r}{_suggest(table, TABLES)}.",
                "Name canonical tables from revline.schema.TABLES.",
            )
    for problem, fix in _check_benchmark(metric):
        add(problem, fix)
    if not callable(metric.compute):
        add("has no compute function.", "Give the callable that builds its Ibis expression.")
    if metric.frame not in FRAMES:
        add(f"frame {metric.frame!r} is unknown.", f"Use one of {', '.join(FRAMES)}.")
    supported = FRAME_BREAKDOWNS.get(metric.frame, ())
    for by in metric.breakdowns if metric.frame in FRAMES else ():
        if by not in supported:
            add(
                f"breakdown {by!r} is not one its {metric.frame} frame computes"
                f"{_suggest(by, supported)}.",
                f"Declare breakdowns from: {', '.join(supported)}.",
            )
    for dim in metric.filterable:
        if dim not in metric.breakdowns:
            add(f"filter {dim!r} is not one of its breakdowns.", "Declare it as a breakdown.")
    for input_name in metric.inputs:
        source = by_name.get(input_name)
        if source is None or not source.breakdowns:  # a company-level input applies to all
            continue
        extra = [b for b in metric.breakdowns if b not in source.breakdowns]
        if extra:
            add(
                f"declares breakdowns {', '.join(extra)} that its input {input_name!r} does "
                "not support.",
                f"Drop them, or declare them on {input_name}.",
            )
        unfiltered = [f for f in metric.filterable if f not in source.filterable]
        if unfiltered:
            add(
                f"declares filters {', '.join(unfiltered)} that its input {input_name!r} does "
                "not support.",
                f"Drop them, or declare them on {input_name}.",
            )
    return out


def _cycles(by_name: Mapping[str, Metric]) -> list[Problem]:
    """One problem per metric on a dependency cycle."""
    state: dict[str, int] = {}  # 1 visiting, 2 done
    problems: list[Problem] = []

    def visit(name: str, path: list[str]) -> None:
        if state.get(name) == 2 or name not in by_name:
            return
        if state.get(name) == 1:
            loop = [*path[path.index(name) :], name]
            problems.append(
                Problem(
                    name,
                    f"is on a dependency cycle: {' -> '.join(loop)}.",
                    "A metric cannot depend on itself; break the cycle.",
                )
            )
            return
        state[name] = 1
        for child in by_name[name].inputs:
            visit(child, [*path, name])
        state[name] = 2

    for name in by_name:
        visit(name, [])
    return problems


def validate_catalogue(
    metrics: Iterable[Metric] = ALL_METRICS,
    org: OrgMap | None = None,
    oracles: Mapping[str, str] | None = None,
) -> list[Problem]:
    """Every problem in ``metrics`` at once; an empty list means the catalogue is sound.

    Owners are checked against the function category map ``org`` (default: :func:`load_org`),
    so every metric has an owner from the map, and the map names no metric that does not
    exist. ``oracles`` maps each metric to the test that checks its value (default
    :data:`revline.metrics.oracles.ORACLES`); a metric without one is a problem.
    """
    metrics = list(metrics)
    org = org or load_org()
    by_name = {m.name: m for m in metrics}
    problems = [p for m in metrics for p in _check(m, org, by_name)]
    problems.extend(_cycles(by_name))
    names = set(by_name)
    for metric in sorted(set(org.metric_owners) - names):
        problems.append(
            Problem(
                metric,
                f"is given an owner in {org.path} but is not in the registry.",
                f"Remove it from the metrics section of {org.path}{_suggest(metric, names)}.",
            )
        )
    for name, count in sorted(Counter(m.name for m in metrics).items()):
        if count > 1:
            problems.append(
                Problem(name, f"is declared {count} times.", "Declare each metric once.")
            )
    for name, why in missing_oracles(list(by_name), ORACLES if oracles is None else oracles):
        problems.append(Problem(name, why, "Add a value test and name it in metrics/oracles.py."))
    return problems


def build_registry(metrics: Iterable[Metric] = ALL_METRICS) -> dict[str, Metric]:
    """Name -> metric. Later duplicates are reported by :func:`validate_catalogue`."""
    registry: dict[str, Metric] = {}
    for metric in metrics:
        registry.setdefault(metric.name, metric)
    return registry
