"""Per-flow and per-seam figures: volume in and out, conversion, time taken, losses, cohorts.

Every figure is aggregated in the engine (ibis) from :func:`revline.analyses.seams.flows.flow_rows`;
only the aggregated frames come back to Python. Conversion is given two ways: ``conversion``
(converted / entered) and ``closed_conversion`` (converted / (converted + lost)), because a
recent cohort has many journeys still open whose outcome is unknown; the cohorts say how many.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

import ibis.expr.types as ir

from revline.analyses.seams import dims
from revline.analyses.seams.detail import details, grouped
from revline.analyses.seams.flows import default_as_of, flow_rows
from revline.model.lifecycle import as_of_view, instant, journeys
from revline.model.stages import BUCKETS, LAST_BUCKET, NEGATIVE_BUCKET, RANK
from revline.org import OrgMap, Owner, load_org
from revline.warehouse import Warehouse


@dataclass(frozen=True)
class TimeTaken:
    """Days from the first stage to the second, over journeys that recorded both."""

    count: int
    median_days: float | None
    p75_days: float | None
    p90_days: float | None
    buckets: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class CohortRow:
    """The journeys that entered in one month, and where they are now."""

    month: date
    entered: int
    converted: int
    lost: int
    stalled: int
    open: int

    @property
    def conversion(self) -> float | None:
        return _rate(self.converted, self.entered)

    @property
    def closed_conversion(self) -> float | None:
        return _rate(self.converted, self.converted + self.lost)


@dataclass(frozen=True)
class FlowStats:
    """One flow (a seam, or any two stages), overall or for one group of a breakdown."""

    name: str
    from_stage: str
    to_stage: str
    owner: Owner | None
    group: dict[str, str]
    entered: int
    converted: int
    lost: int
    stalled: int
    open: int
    time: TimeTaken
    lost_to: dict[str, int]
    cohorts: tuple[CohortRow, ...]
    as_of: datetime
    won_amount: Decimal = Decimal(0)  # ARR of the won deals among the converted journeys

    @property
    def decided(self) -> int:
        """Journeys whose outcome is known or overdue: converted, lost or stalled."""
        return self.converted + self.lost + self.stalled

    @property
    def value_per_conversion(self) -> Decimal | None:
        """Won ARR per converted journey: what one more conversion here is worth, measured."""
        if not self.converted:
            return None
        return (self.won_amount / self.converted).quantize(Decimal("0.01"))

    @property
    def conversion(self) -> float | None:
        return _rate(self.converted, self.entered)

    @property
    def closed_conversion(self) -> float | None:
        return _rate(self.converted, self.converted + self.lost)


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _handoff(org: OrgMap, from_stage: str, to_stage: str) -> tuple[str, Owner | None]:
    for h in org.handoffs.values():
        if h.from_stage == from_stage and h.to_stage == to_stage:
            return h.name, org.handoff_owner(h.name)
    return f"{from_stage}_to_{to_stage}", None


def flow(
    wh: Warehouse,
    from_stage: str,
    to_stage: str,
    *,
    by: tuple[str, ...] | list[str] = (),
    as_of: date | datetime | None = None,
    stall_days: dict[str, float] | None = None,
    org: OrgMap | None = None,
    journey_table: ir.Table | None = None,
    detail: bool = True,
) -> list[FlowStats]:
    """The flow from ``from_stage`` to ``to_stage``: one :class:`FlowStats` per group of ``by``.

    The owner is the owner of the map's hand-off between the two stages (``None`` when the map
    has no such hand-off, e.g. ``mql`` → ``closed_won``). ``journey_table`` reuses journeys
    the caller built once (see :func:`cached_journeys`). ``detail=False`` leaves out the
    time buckets, the reasons for losses and the cohorts (one query instead of four).
    """
    if journey_table is None:
        with cached_journeys(wh, instant(as_of)) as j:
            return flow(
                wh,
                from_stage,
                to_stage,
                by=by,
                as_of=as_of,
                stall_days=stall_days,
                org=org,
                journey_table=j,
                detail=detail,
            )
    org = org or load_org()
    when = instant(as_of) or default_as_of(wh, journey_table)
    rows = flow_rows(
        wh,
        from_stage,
        to_stage,
        by=by,
        as_of=when,
        stall_days=stall_days,
        journey_table=journey_table,
    )
    keys = [dims.label(b) for b in by]
    o = rows.outcome
    main = grouped(
        rows,
        keys,
        entered=rows.count(),
        converted=o.count(where=o == "converted"),
        lost=o.count(where=o == "lost"),
        stalled=o.count(where=o == "stalled"),
        open=o.count(where=o == "open"),
        timed=rows.days.count(),
        median=rows.days.median(),
        p75=rows.days.quantile(0.75),
        p90=rows.days.quantile(0.9),
        won_amount=rows.amount.sum(where=o == "converted"),
    )
    if detail:
        buckets, lost_to, cohorts = details(rows, keys)
    else:
        buckets, lost_to, cohorts = {}, {}, {}
    name, owner = _handoff(org, from_stage, to_stage)
    order = [name for name, _ in BUCKETS] + [LAST_BUCKET]
    out = []
    for r in sorted(main, key=lambda r: tuple(r[k] for k in keys)):
        key = tuple(r[k] for k in keys)
        found = buckets.get(key, {})
        ordered = {b: found[b] for b in [NEGATIVE_BUCKET, *order] if b in found}
        out.append(
            FlowStats(
                name=name,
                from_stage=from_stage,
                to_stage=to_stage,
                owner=owner,
                group=dict(zip(keys, key, strict=True)),
                entered=r["entered"],
                converted=r["converted"],
                lost=r["lost"],
                stalled=r["stalled"],
                open=r["open"],
                time=TimeTaken(r["timed"], r["median"], r["p75"], r["p90"], ordered),
                lost_to=dict(sorted(lost_to.get(key, {}).items(), key=lambda kv: (-kv[1], kv[0]))),
                cohorts=tuple(sorted(cohorts.get(key, []), key=lambda c: c.month)),
                as_of=when,
                won_amount=Decimal(r["won_amount"] or 0),
            )
        )
    return out


def seams(
    wh: Warehouse,
    *,
    by: tuple[str, ...] | list[str] = (),
    as_of: date | datetime | None = None,
    stall_days: dict[str, float] | None = None,
    org: OrgMap | None = None,
    journey_table: ir.Table | None = None,
    detail: bool = True,
) -> list[FlowStats]:
    """Every hand-off of the function category map, in lifecycle order, each with its owner."""
    if journey_table is None:
        with cached_journeys(wh, instant(as_of)) as j:
            return seams(
                wh,
                by=by,
                as_of=as_of,
                stall_days=stall_days,
                org=org,
                journey_table=j,
                detail=detail,
            )
    org = org or load_org()
    handoffs = sorted(
        org.handoffs.values(), key=lambda h: (RANK[h.from_stage], RANK[h.to_stage], h.name)
    )
    out: list[FlowStats] = []
    when = instant(as_of) or default_as_of(wh, journey_table)
    for h in handoffs:
        if RANK[h.to_stage] <= RANK[h.from_stage]:
            continue
        out += flow(
            wh,
            h.from_stage,
            h.to_stage,
            by=by,
            as_of=when,
            stall_days=stall_days,
            org=org,
            journey_table=journey_table,
            detail=detail,
        )
    return out


@contextmanager
def cached_journeys(wh: Warehouse, as_of: datetime | None = None) -> Iterator[ir.Table]:
    """The journeys (as they stood at ``as_of``, if given) computed once into a temporary
    table of the engine, dropped on exit.

    Every figure of a call reads them several times; building them once keeps a call at one
    evaluation of the joins instead of one per query.
    """
    j = journeys(wh)
    if as_of is not None:
        j = as_of_view(j, as_of)
    with j.cache() as cached:
        yield cached
