"""The catalogue: every metric family's declarations, and the check of the whole catalogue.

:func:`validate_catalogue` reports every problem at once (../shared/STYLE.md point 3), each
naming the metric and how to fix it, so one run of ``revline metrics validate`` lists them all.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from revline.errors import closest
from revline.metrics import (
    acquisition,
    cohorts,
    contracts,
    efficiency,
    lifetime,
    lifetime_sbg,
    movement,
    retention,
    revenue,
    sales_catalogue,
)
from revline.metrics.core import FRAMES, GRAINS, KINDS, UNITS, Metric
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
)


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


def _check(metric: Metric, org: OrgMap) -> list[Problem]:
    out: list[Problem] = []
    name = metric.name or "(unnamed)"

    def add(problem: str, fix: str) -> None:
        out.append(Problem(name, problem, fix))

    if not metric.name or not metric.name.isidentifier() or metric.name != metric.name.lower():
        add(f"name {metric.name!r} is not a lower-case identifier.", "Use snake_case, e.g. nrr.")
    for attr in ("description", "formula", "unit", "grain"):
        if not str(getattr(metric, attr)).strip():
            add(f"has no {attr}.", f"Write its {attr} in the declaration.")
    if metric.kind not in KINDS:
        add(
            f"kind {metric.kind!r} is not one of {', '.join(KINDS)}{_suggest(metric.kind, KINDS)}.",
            "Use one of the closed set of kinds.",
        )
    if metric.unit.strip() and metric.unit not in UNITS:
        add(
            f"unit {metric.unit!r} is unknown{_suggest(metric.unit, UNITS)}.",
            f"Use one of {', '.join(UNITS)}.",
        )
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
    if metric.benchmark is not None and not (
        metric.benchmark.band.strip() and metric.benchmark.source.strip()
    ):
        add("has a benchmark without a band or a source.", "Give both, or no benchmark.")
    if not callable(metric.compute):
        add("has no compute function.", "Give the callable that builds its Ibis expression.")
    if metric.frame not in FRAMES:
        add(f"frame {metric.frame!r} is unknown.", f"Use one of {', '.join(FRAMES)}.")
    return out


def validate_catalogue(
    metrics: Iterable[Metric] = ALL_METRICS, org: OrgMap | None = None
) -> list[Problem]:
    """Every problem in ``metrics`` at once; an empty list means the catalogue is sound.

    Owners are checked against the function category map ``org`` (default: :func:`load_org`),
    so every metric has an owner from the map, and the map names no metric that does not exist.
    """
    metrics = list(metrics)
    org = org or load_org()
    problems = [p for m in metrics for p in _check(m, org)]
    names = {m.name for m in metrics}
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
    return problems


def build_registry(metrics: Iterable[Metric] = ALL_METRICS) -> dict[str, Metric]:
    """Name -> metric. Later duplicates are reported by :func:`validate_catalogue`."""
    registry: dict[str, Metric] = {}
    for metric in metrics:
        registry.setdefault(metric.name, metric)
    return registry
