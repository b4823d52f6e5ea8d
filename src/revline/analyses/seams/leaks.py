"""Leaking seams: groups (a segment, region, channel, ...) converting far below their seam.

For each hand-off of the map and each breakdown, a group **leaks** when, among its journeys
whose outcome is decided (converted, lost or stalled past the threshold; still-open ones are
left out so recent volume does not look like a leak), the conversion is below ``ratio`` times
the conversion of the rest of the seam. What it leaks is measured on the data:

- ``lost_volume`` = decided × (baseline − group conversion): conversions the group would have
  made at the rest of the seam's rate;
- ``value_per_conversion`` = won ARR per converted journey of the whole seam;
- ``revenue_at_stake`` = lost volume × value per conversion (ARR).

The owner is the hand-off's owner from the function category map.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal

import ibis.expr.types as ir

from revline.analyses.seams import dims
from revline.analyses.seams.flows import default_as_of, flow_rows
from revline.analyses.seams.funnel import FlowStats, cached_journeys, seams
from revline.model.lifecycle import instant
from revline.org import OrgMap, Owner, load_org
from revline.warehouse import Warehouse


@dataclass(frozen=True)
class Leak:
    """One group converting far below the rest of its seam, with what it costs."""

    seam: str
    from_stage: str
    to_stage: str
    owner: Owner
    dimension: str
    value: str
    entered: int
    converted: int
    conversion: float
    baseline: float
    lost_volume: float
    value_per_conversion: Decimal
    revenue_at_stake: Decimal
    how_measured: str
    examples: tuple[str, ...]

    def describe(self) -> str:
        return (
            f"{self.seam} ({self.owner}): {self.dimension} {self.value} converts "
            f"{self.conversion:.0%} against {self.baseline:.0%} for the rest; "
            f"{self.lost_volume:.1f} conversions and {self.revenue_at_stake:,.2f} ARR at stake"
        )


def _decided_rate(f: FlowStats) -> float | None:
    return f.converted / f.decided if f.decided else None


def leaking_seams(
    wh: Warehouse,
    *,
    by: tuple[str, ...] | list[str] = ("segment", "region", "channel"),
    as_of: date | datetime | None = None,
    org: OrgMap | None = None,
    min_entered: int = 20,
    ratio: float = 0.75,
    examples: int = 5,
) -> list[Leak]:
    """Every leaking group of every hand-off, largest revenue at stake first."""
    org = org or load_org()
    dims.check(by)
    found: list[Leak] = []
    with cached_journeys(wh, instant(as_of)) as j:
        when = instant(as_of) or default_as_of(wh, j)
        for dim in by:
            groups = seams(wh, by=[dim], as_of=when, org=org, journey_table=j, detail=False)
            totals = _totals(groups)
            for f in groups:
                leak = _leak(f, totals[f.name], dim, min_entered, ratio)
                if leak is not None:
                    ids = _examples(wh, j, leak, when, examples)
                    found.append(_with_examples(leak, ids))
    return sorted(found, key=lambda x: (-x.revenue_at_stake, x.seam, x.dimension, x.value))


def _totals(groups: list[FlowStats]) -> dict[str, FlowStats]:
    """Each seam's whole figures, summed over the groups of one breakdown."""
    out: dict[str, FlowStats] = {}
    for f in groups:
        t = out.get(f.name)
        out[f.name] = (
            replace(f, group={})
            if t is None
            else replace(
                t,
                entered=t.entered + f.entered,
                converted=t.converted + f.converted,
                lost=t.lost + f.lost,
                stalled=t.stalled + f.stalled,
                open=t.open + f.open,
                won_amount=t.won_amount + f.won_amount,
            )
        )
    return out


def _leak(f: FlowStats, whole: FlowStats, dim: str, min_entered: int, ratio: float) -> Leak | None:
    if f.owner is None or f.decided < min_entered:
        return None
    rate = _decided_rate(f)
    rest_decided = whole.decided - f.decided
    if rate is None or rest_decided <= 0:
        return None
    baseline = (whole.converted - f.converted) / rest_decided
    if baseline <= 0 or rate >= ratio * baseline:
        return None
    per = whole.value_per_conversion or Decimal(0)
    lost = f.decided * (baseline - rate)
    at_stake = (Decimal(str(round(lost, 6))) * per).quantize(Decimal("0.01"))
    label = dims.label(dim)
    how = (
        f"{f.decided} decided journeys of {label} {f.group[label]} at {f.name} converted "
        f"{f.converted} ({rate:.1%}); the rest of the seam converted {baseline:.1%}. "
        f"Lost volume = {f.decided} x ({baseline:.1%} - {rate:.1%}) = {lost:.1f}; each "
        f"conversion is worth {per:,.2f} ARR (won ARR per converted journey of the seam)."
    )
    return Leak(
        seam=f.name,
        from_stage=f.from_stage,
        to_stage=f.to_stage,
        owner=f.owner,
        dimension=label,
        value=f.group[label],
        entered=f.entered,
        converted=f.converted,
        conversion=rate,
        baseline=baseline,
        lost_volume=lost,
        value_per_conversion=per,
        revenue_at_stake=at_stake,
        how_measured=how,
        examples=(),
    )


def _examples(
    wh: Warehouse, j: ir.Table, leak: Leak, when: datetime, limit: int
) -> tuple[str, ...]:
    dim = leak.dimension if leak.dimension in dims.PLAIN or leak.dimension == "owner" else None
    name = dim or f"{dims.ATTR}{leak.dimension}"
    rows = flow_rows(wh, leak.from_stage, leak.to_stage, by=[name], as_of=when, journey_table=j)
    rows = rows.filter(
        (rows[leak.dimension] == leak.value) & rows.outcome.isin(["lost", "stalled"])
    )
    ids = rows.order_by("journey_id").limit(limit).journey_id.to_pyarrow().to_pylist()
    return tuple(str(x) for x in ids)


def _with_examples(leak: Leak, ids: tuple[str, ...]) -> Leak:
    return replace(leak, examples=ids)
