"""Leaking seams and SLA breaches, from the seams API (:mod:`revline.analyses.seams`,
docs/seams.md).

The seams part measures every hand-off per group and every SLA; this module only turns its
``Leak`` and ``SlaResult`` objects into findings. A leak in a group that a cause detector has
already explained (slow response in that region, junk leads from that channel, failed
onboarding in that segment) is folded into that finding by :func:`fold` instead of being
reported twice: the cause names the owner who can fix it, the leak is its symptom.

When the installed seams part does not offer a call yet, its detector returns nothing.
"""

from __future__ import annotations

import importlib
from decimal import Decimal
from typing import Any

from revline.analyses.diagnose.context import Context
from revline.analyses.diagnose.findings import Drill, Finding, money
from revline.analyses.diagnose.stats import ALPHA, binomial_below

#: Weight of a seams finding. The seams part flags a leak by a ratio and a minimum volume;
#: diagnosis keeps only leaks significant by an exact binomial test (Bonferroni over every
#: hand-off x group pair), and weighs them below cause findings of the same size: a leak says
#: where volume is lost, not why.
LEAK_CONFIDENCE = 0.6
SLA_CONFIDENCE = 0.7


def _seams_call(name: str) -> Any:
    try:
        module = importlib.import_module("revline.analyses.seams")
    except ImportError:
        return None
    return getattr(module, name, None)


def _family(ctx: Context) -> int:
    """How many (hand-off, group) pairs the seams part tests: the Bonferroni factor."""
    a, leads = ctx.wh.table("accounts"), ctx.wh.table("leads")
    groups = sum(
        int(ctx.wh.ibis.execute(col.nunique()) or 0) for col in (a.segment, a.region, leads.channel)
    )
    return max(1, len(ctx.org.handoffs) * groups)


def leak_findings(ctx: Context) -> list[Finding]:
    """The seams part's leaks that are also significant (see the module docstring)."""
    leaking = _seams_call("leaking_seams")
    if leaking is None:
        return []
    out = []
    family = _family(ctx)
    for leak in leaking(ctx.wh, as_of=ctx.end, org=ctx.org):
        gap = leak.baseline - leak.conversion
        decided = round(leak.lost_volume / gap) if gap > 0 else 0
        p = min(1.0, binomial_below(leak.converted, decided, leak.baseline) * family)
        if p >= ALPHA:
            continue
        out.append(
            Finding(
                detector="leaking_seam",
                problem=(
                    f"The {leak.seam} hand-off leaks in {leak.dimension} {leak.value}: "
                    f"{leak.conversion:.1%} convert against {leak.baseline:.1%} elsewhere."
                ),
                owner=leak.owner.function,
                owner_label=str(leak.owner),
                at_stake=money(Decimal(leak.revenue_at_stake)),
                at_stake_method=leak.how_measured,
                method=(
                    f"seams.leaking_seams: {leak.converted:,} of {decided:,} decided journeys "
                    f"converted; exact binomial test against the rest of the seam's rate, "
                    f"one-sided, Bonferroni over {family:,} hand-off x group pairs, p = {p:.2g}"
                ),
                confidence=LEAK_CONFIDENCE * (1 - p),
                evidence=(
                    ("entered", f"{leak.entered:,}"),
                    ("conversion", f"{leak.conversion:.1%} vs {leak.baseline:.1%}"),
                    ("lost volume", f"{leak.lost_volume:,.0f}"),
                    ("examples", ", ".join(str(x) for x in leak.examples)),
                ),
                drill=Drill(
                    "leads",
                    note=f"revline funnel --from {leak.from_stage} --to {leak.to_stage} "
                    f"--by {leak.dimension}",
                ),
                subject={str(leak.dimension): str(leak.value), "seam": str(leak.seam)},
            )
        )
    return out


def sla_findings(ctx: Context) -> list[Finding]:
    report = ctx.sla_report
    if report is None:
        return []
    out = []
    for r in report.results:
        if not r.breaches:
            continue
        stake = None if r.revenue_at_stake is None else money(Decimal(r.revenue_at_stake))
        out.append(
            Finding(
                detector="sla_breach",
                problem=(
                    f"SLA '{r.name}' is breached {r.breaches:,} times out of {r.measured:,} "
                    f"({r.breach_rate:.1%}): {r.description}"
                ),
                owner=r.owner.function,
                owner_label=str(r.owner),
                at_stake=stake,
                at_stake_method=r.how_measured if stake is not None else "not measured",
                method=f"seams.evaluate_slas ({r.kind})",
                confidence=SLA_CONFIDENCE,
                evidence=(
                    ("breaches", f"{r.breaches:,} of {r.measured:,}"),
                    ("examples", ", ".join(str(x) for x in r.examples)),
                ),
                drill=Drill("leads", note=f"revline sla --by rep (SLA {r.name})"),
                subject={"sla": str(r.name), "kind": str(r.kind)},
            )
        )
    return out


#: The cause detector that explains breaches of an SLA kind (seams' SLA kinds).
SLA_CAUSES = {
    "first_response": "slow_response",
    "go_live": "poor_onboarding",
    "lead_quality": "lead_quality",
}
SYMPTOMS = ("leaking_seam", "sla_breach")


def _cause_of(symptom: Finding, causes: list[Finding]) -> int | None:
    if symptom.detector == "sla_breach":
        detector = SLA_CAUSES.get(symptom.subject.get("kind", ""))
        return next((i for i, c in enumerate(causes) if c.detector == detector), None)
    group = {k: v for k, v in symptom.subject.items() if k != "seam"}
    return next(
        (i for i, c in enumerate(causes) if group and group.items() <= c.subject.items()), None
    )


def fold(findings: list[Finding]) -> list[Finding]:
    """Report each problem once, at its most specific: a leak in a group a cause finding names,
    or an SLA breached in a way a cause finding explains (slow response, failed onboarding,
    junk leads), becomes a line of that finding's evidence instead of a finding of its own."""
    out = [f for f in findings if f.detector not in SYMPTOMS]
    causes = list(out)
    for f in findings:
        if f.detector not in SYMPTOMS:
            continue
        match = _cause_of(f, causes)
        if match is None:
            out.append(f)
            continue
        at = out.index(causes[match])
        cause = out[at]
        extra = (("also seen as", f.problem),)
        out[at] = causes[match] = Finding(**{**cause.__dict__, "evidence": cause.evidence + extra})
    return out
