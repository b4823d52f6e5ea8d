"""Funnel conversions: the conversion-kind metrics, computed from the lifecycle's journeys.

A conversion metric (:class:`~revline.metrics.kinds.Conversion`) from stage ``A`` to stage
``B`` is a **cohort** figure. A period's cohort is the journeys (:func:`revline.model.lifecycle.
journeys`) that **entered** ``A`` in one of its months (their ``A`` time); of them, those that
**converted** reached ``B`` or any later stage (:func:`revline.model.stages.later_stages`: a
skip past ``B`` still passed it) by the as-of date, and within ``window_days`` of entering when
the kind has a window. The value is converted / entered; a period where none entered has no
value. A recent cohort is still converting: its figure rises as its journeys move on. Beside
``value`` a figure carries its ``entered`` and ``converted`` counts, so a window that is not one
period (diagnose's trailing months) sums them over its months.

The seams analysis (:mod:`revline.analyses.seams`) classifies every journey of a flow with
:func:`converted` and :func:`entered`, so that its conversion and these metrics are one
definition (a test holds them equal).

Breakdowns (:data:`BREAKDOWNS`): ``segment``, ``region`` and ``channel`` as the journey carries
them (the lead's, else the account's segment and region), and ``owner``: the rep who holds the
journey at ``A`` (:func:`revline.model.stages.owner_column`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, time

import ibis
import ibis.expr.types as ir

from revline.metrics.core import Metric
from revline.metrics.frame import NONE_LABEL
from revline.metrics.gtm_frame import GtmFrame, unsupported
from revline.metrics.kinds import Conversion
from revline.model.lifecycle import journeys
from revline.model.periods import month_index_of
from revline.model.stages import column, days_between, later_stages, owner_column

#: The canonical tables a journey is built from.
TABLES: tuple[str, ...] = ("leads", "opportunities", "accounts", "onboarding", "churn_events")
#: The breakdowns (and filters) of a conversion metric.
BREAKDOWNS: tuple[str, ...] = ("segment", "region", "channel", "owner")


def entered(j: ir.Table, kind: Conversion) -> ir.TimestampValue:
    """When each journey entered the conversion (its ``from_stage`` time; null: never)."""
    start: ir.TimestampValue = j[column(kind.from_stage)]
    return start


def converted(j: ir.Table, kind: Conversion, until: datetime | None = None) -> ir.BooleanValue:
    """Whether each journey reached ``to_stage`` or a later stage (at or before ``until``
    when given, within ``window_days`` of entering when the kind has a window)."""
    start = entered(j, kind)
    passed: ir.BooleanValue = ibis.literal(False)
    for stage in later_stages(kind.to_stage):
        at = j[column(stage)]
        hit = at.notnull()
        if until is not None:
            hit = hit & (at <= ibis.literal(until))
        if kind.window_days is not None:
            hit = hit & (days_between(at, start) <= kind.window_days)
        passed = passed | hit
    return passed


def cohorts(
    j: ir.Table,
    kind: Conversion,
    groups: Mapping[str, ir.Value] | None = None,
    until: datetime | None = None,
) -> ir.Table:
    """Per entry month (``entry_idx``, a month index) and group: ``entered`` and ``converted``.

    ``groups`` are named expressions over ``j`` (a breakdown); ``until`` leaves out the journeys
    that entered after it and the stages reached after it.
    """
    keyed = dict(groups or {})
    start = entered(j, kind)
    rows = j.select(
        start=start,
        entry_idx=month_index_of(start),
        hit=converted(j, kind, until).cast("int64"),
        **keyed,
    )
    rows = rows.filter(rows.start.notnull())
    if until is not None:
        rows = rows.filter(rows.start <= ibis.literal(until))
    return rows.group_by(["entry_idx", *keyed]).aggregate(
        entered=rows.count(), converted=rows.hit.sum()
    )


def dimension(j: ir.Table, name: str, kind: Conversion) -> ir.StringValue:
    """Breakdown ``name`` of each journey (:data:`BREAKDOWNS`), never null."""
    col = owner_column(kind.from_stage) if name == "owner" else name
    raw: ir.StringValue = j[col].cast("string")
    return ibis.ifelse(raw.isnull() | (raw == ""), NONE_LABEL, raw)


def end_of(day: date) -> datetime:
    """The last instant of ``day`` (UTC): a stage reached on the as-of date counts."""
    return datetime.combine(day, time.max, tzinfo=UTC)


def compute(kind: Conversion) -> Callable[[GtmFrame], ir.Table]:
    """The expression of a conversion metric: ``period``, the breakdown column, ``value``."""

    def conversion(frame: GtmFrame) -> ir.Table:
        for dim in (frame.by, *(d for d, _ in frame.filters)):
            if dim is not None and dim not in BREAKDOWNS:
                raise unsupported(frame, "conversion metrics", BREAKDOWNS)
        j = journeys(frame)
        for dim, value in frame.filters:
            j = j.filter(dimension(j, dim, kind) == value)
        groups = {frame.by: dimension(j, frame.by, kind)} if frame.by else {}
        as_of = frame.mrr.model.settings.as_of
        until = end_of(as_of) if as_of is not None else None
        c = cohorts(j, kind, groups, until)
        p = frame.periods.select("period", p_idx=frame.periods.month_idx)
        rows = c.inner_join(p, c.entry_idx == p.p_idx)
        keys = ["period", *frame.by_cols]
        g = rows.group_by(keys).aggregate(n=rows.entered.sum(), won=rows.converted.sum())
        value = ibis.ifelse(g.n > 0, g.won.cast("float64") / g.n.cast("float64"), None)
        values = g.select(*keys, value=value, entered=g.n, converted=g.won)
        if frame.by:
            return values.order_by(keys)
        joined = frame.period_bounds.select("period").left_join(values, "period")
        return joined.select(
            "period",
            "value",
            entered=joined.entered.coalesce(0),
            converted=joined.converted.coalesce(0),
        ).order_by("period")

    return conversion


#: (name, from stage, to stage, owner, what it measures): the hand-offs of the function
#: category map (org.yaml ``handoffs``, owned as there), then the yields of an accepted and of
#: a qualified lead (diagnose prices a lost lead with them).
CONVERSIONS: tuple[tuple[str, str, str, str, str], ...] = (
    ("lead_to_mql", "lead", "mql", "marketing", "leads that became marketing-qualified"),
    ("mql_to_sal", "mql", "sal", "sales_development", "MQLs that sales development accepted"),
    ("sal_to_sql", "sal", "sql", "sales_development", "accepted leads that became SQLs"),
    ("sql_to_opportunity", "sql", "opportunity", "sales", "SQLs that became opportunities"),
    (
        "opportunity_to_closed_won",
        "opportunity",
        "closed_won",
        "sales",
        "new-business opportunities that were won (by creation month; win_rate counts deals "
        "by close month)",
    ),
    (
        "closed_won_to_onboarded",
        "closed_won",
        "onboarded",
        "customer_success",
        "won customers that went live",
    ),
    ("onboarded_to_renewed", "onboarded", "renewed", "renewals", "live customers that renewed"),
    (
        "onboarded_to_expanded",
        "onboarded",
        "expanded",
        "customer_success",
        "live customers that expanded",
    ),
    ("sal_to_closed_won", "sal", "closed_won", "sales", "accepted leads whose deal was won"),
    ("sql_to_closed_won", "sql", "closed_won", "sales", "qualified leads whose deal was won"),
)


def _declare(name: str, from_stage: str, to_stage: str, owner: str, what: str) -> Metric:
    kind = Conversion(from_stage, to_stage)
    return Metric(
        name=f"{name}_rate",
        kind=kind,
        description=f"Share of the journeys that reached {from_stage} in the period that "
        f"reached {to_stage} (or a later stage) by the as-of date: {what}.",
        formula=f"journeys entering {from_stage} in the period that reached {to_stage} or "
        f"later by the as-of date / journeys entering {from_stage} in the period",
        unit="ratio",
        grain="period",
        owner=owner,
        tables=TABLES,
        compute=compute(kind),
        frame="gtm",
        breakdowns=BREAKDOWNS,
    )


METRICS: tuple[Metric, ...] = tuple(_declare(*row) for row in CONVERSIONS)
