"""Run every detector and rank the findings: :func:`diagnose`.

The detectors are a :class:`~revline.registry.Registry` (:data:`DETECTORS`): each is a function
of a :class:`~revline.analyses.diagnose.context.Context` returning findings; adding one is one
function and one ``DETECTORS.register(name, function)`` call (the built-ins below use the same
call). A detector that finds no data to judge returns nothing rather than failing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from revline.analyses.diagnose import (
    benchmarks,
    data_quality,
    leads,
    onboarding,
    seam_findings,
    trends,
)
from revline.analyses.diagnose.context import Context
from revline.analyses.diagnose.findings import Finding, rank
from revline.org import OrgMap
from revline.registry import Registry
from revline.warehouse import Warehouse

Detector = Callable[[Context], list[Finding]]

#: Every detector, by name, in the order they run.
DETECTORS: Registry[Detector] = Registry("detector", hint="Omit it to run every detector.")
DETECTORS.register("slow_response", leads.slow_response)
DETECTORS.register("lead_quality", leads.lead_quality)
DETECTORS.register("poor_onboarding", onboarding.poor_onboarding)
DETECTORS.register("leaking_seams", seam_findings.leak_findings)
DETECTORS.register("sla_breaches", seam_findings.sla_findings)
DETECTORS.register("trends", trends.trend_findings)
DETECTORS.register("below_benchmark", benchmarks.benchmark_findings)
DETECTORS.register("data_quality", data_quality.quality_findings)


@dataclass(frozen=True)
class Diagnosis:
    """Ranked findings of one run, with the period and windows they were measured over."""

    period: str
    as_of: str
    lead_window: tuple[str, str]
    onboarding_window: tuple[str, str]
    findings: tuple[Finding, ...]

    def top(self, n: int) -> tuple[Finding, ...]:
        return self.findings[:n]

    def to_dict(self, top: int | None = None) -> dict[str, Any]:
        chosen = self.findings if top is None else self.findings[:top]
        return {
            "period": self.period,
            "as_of": self.as_of,
            "lead_window": list(self.lead_window),
            "onboarding_window": list(self.onboarding_window),
            "total_findings": len(self.findings),
            "findings": [{"rank": i + 1, **f.to_dict()} for i, f in enumerate(chosen)],
        }


def diagnose(
    wh: Warehouse,
    period: str | None = None,
    *,
    org: OrgMap | None = None,
    only: Sequence[str] | None = None,
) -> Diagnosis:
    """Run the detectors on ``wh`` for ``period`` (default: the last full quarter of the data)
    and return every finding, ranked by revenue at stake weighted by confidence.

    ``only`` names the detectors to run (default: all of :data:`DETECTORS`); an unknown name
    raises :class:`ConfigError` with the closest match.
    """
    DETECTORS.check(only)
    ctx = Context.build(wh, period, org)
    found: list[Finding] = []
    for name, detector in DETECTORS.items():
        if not only or name in only:
            found.extend(detector(ctx))
    lead, onb = ctx.lead_window, ctx.onboarding_window
    return Diagnosis(
        period=ctx.period.label,
        as_of=ctx.as_of.isoformat(),
        lead_window=(lead[0].date().isoformat(), lead[1].date().isoformat()),
        onboarding_window=(onb[0].date().isoformat(), onb[1].date().isoformat()),
        findings=tuple(rank(seam_findings.fold(found))),
    )
