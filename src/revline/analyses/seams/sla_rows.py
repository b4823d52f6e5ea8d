"""The rows an SLA is judged on: one per record (a lead, a won deal) or one per month.

Record SLAs (first response, rejection feedback, hand-off, go-live) have a start, a due time
(start + the allowed delay) and a done time. A record is **measured** once it is done or its due
time has passed at ``as_of`` (a lead answered late and a lead not answered by its deadline are
both breaches; a lead still within its deadline is not judged yet). Month SLAs (lead volume,
quality, velocity) are judged on complete calendar months only.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir
import pandas as pd

from revline.analyses.seams.flows import flow_rows
from revline.analyses.seams.sla_config import SlaSpec
from revline.warehouse import Warehouse

COLUMNS = [
    "record_id",
    "rep",
    "period",
    "segment",
    "region",
    "channel",
    "due_at",
    "done_at",
    "breached",
    "won",
    "churned",
    "amount",
    "value",
    "target",
    "volume",
]
TEAM = "(team)"


def _record_base(j: ir.Table, spec: SlaSpec) -> tuple[ir.Table, ir.Value, ir.Value, str]:
    """The records of a record SLA: (filtered journeys, start, done, rep column)."""
    if spec.kind == "first_response":
        t = j.filter(j.mql_at.notnull())
        return t, t.mql_at, t.first_response_at, "lead_owner_id"
    if spec.kind == "rejection_feedback":
        t = j.filter(j.disqualified_at.notnull())
        given = t.disqualification_reason.strip().length() > 0
        done = ibis.ifelse(given.fill_null(False), t.disqualified_at, ibis.null(t.mql_at.type()))
        return t, t.disqualified_at, done, "lead_owner_id"
    t = j.filter(j.closed_won_at.notnull())
    if spec.kind == "handoff":
        return t, t.closed_won_at, t.handoff_at, "opportunity_owner_id"
    return t, t.handoff_at.coalesce(t.closed_won_at), t.onboarded_at, "csm_owner_id"


#: What each record SLA waits for, as a reader would name it.
AWAITED = {
    "first_response": "a first response to a lead",
    "rejection_feedback": "a disqualification reason",
    "handoff": "a hand-off to customer success",
    "go_live": "an onboarding completion",
}


def recorded(j: ir.Table, spec: SlaSpec) -> bool:
    """Whether the data records what a record SLA waits for at all.

    A source without the column (Olist has no response times) leaves it empty on every record:
    counting each as a breach would blame the team for a gap in the export. True when there
    are no records (nothing to judge either way).
    """
    t, _, done, _ = _record_base(j, spec)
    row = t.aggregate(records=t.count(), done=done.count()).to_pandas().iloc[0]
    return int(row["records"]) == 0 or int(row["done"]) > 0


def record_rows(j: ir.Table, spec: SlaSpec, as_of: datetime) -> pd.DataFrame:
    """One row per measured record of a record SLA, in :data:`COLUMNS`."""
    t, start, done, rep = _record_base(j, spec)
    if spec.kind == "rejection_feedback":
        due = start
        measured = ibis.literal(True)
        breached = done.isnull()
    else:
        seconds = spec.param("within_hours", 0) * 3600 + spec.param("within_days", 0) * 86400
        due = start + ibis.interval(seconds=round(seconds))
        late = done.notnull() & (done > due)
        missing = done.isnull() & (due < ibis.literal(as_of))
        measured = done.notnull() | (due < ibis.literal(as_of))
        breached = late | missing
    t = t.mutate(_start=start, _due=due, _done=done, _measured=measured, _breached=breached)
    t = t.filter(t._start.notnull() & t._measured)
    won = t.closed_won_at.notnull()
    out = t.select(
        record_id=t.journey_id,
        rep=t[rep].fill_null(TEAM),
        period=t._start.truncate("M").date(),
        segment=t.segment,
        region=t.region,
        channel=t.channel,
        due_at=t._due,
        done_at=t._done,
        breached=t._breached,
        won=won,
        churned=t.churned_at.notnull(),
        amount=ibis.ifelse(won, t.amount, ibis.null(t.amount.type())),
        value=ibis.null(dt.float64),
        target=ibis.null(dt.float64),
        volume=ibis.literal(1),
    )
    frame: pd.DataFrame = out.order_by("record_id").to_pyarrow().to_pandas()  # dates stay dates
    return frame.loc[:, COLUMNS]


def _last_complete_month(as_of: datetime) -> date:
    first = as_of.date().replace(day=1)
    if (as_of.date() + timedelta(days=1)).month != as_of.month:
        return first
    return (first - timedelta(days=1)).replace(day=1)


def _months(first: date, last: date) -> list[date]:
    out, m = [], first
    while m <= last:
        out.append(m)
        m = (m + timedelta(days=32)).replace(day=1)
    return out


def monthly_mqls(j: ir.Table, as_of: datetime) -> pd.Series:
    """MQLs created per complete calendar month, months with none included as 0."""
    t = j.filter(j.mql_at.notnull())
    g = t.group_by(period=t.mql_at.truncate("M").date()).aggregate(n=t.count())
    counts = {r["period"]: r["n"] for r in g.to_pyarrow().to_pylist()}
    if not counts:
        return pd.Series(dtype="int64")
    months = _months(min(counts), _last_complete_month(as_of))
    return pd.Series([int(counts.get(m, 0)) for m in months], index=months, dtype="int64")


def _period_frame(
    periods: list[date], values: list[float], target: float, volumes: list[int]
) -> pd.DataFrame:
    """Month rows; ``volume`` is what the value is a share or growth of (MQLs, decided MQLs)."""
    breached = [v < target for v in values]
    return pd.DataFrame(
        {
            "record_id": [p.isoformat()[:7] for p in periods],
            "rep": TEAM,
            "period": periods,
            "segment": None,
            "region": None,
            "channel": None,
            "due_at": None,
            "done_at": None,
            "breached": breached,
            "won": None,
            "churned": None,
            "amount": None,
            "value": values,
            "target": target,
            "volume": volumes,
        },
        columns=COLUMNS,
    )


def period_rows(wh: Warehouse, j: ir.Table, spec: SlaSpec, as_of: datetime) -> pd.DataFrame:
    """One row per complete month of a month SLA: ``value`` against ``target``."""
    mqls = monthly_mqls(j, as_of)
    if spec.kind == "lead_volume":
        target = spec.param("min_per_month")
        months = list(mqls.index)
        values = [float(v) for v in mqls]
        return _period_frame(months, values, target, [int(v) for v in mqls])
    if spec.kind == "lead_velocity":
        target = spec.param("min_growth")
        months, values, volumes = [], [], []
        for prev, (month, n) in zip(mqls.iloc[:-1], mqls.iloc[1:].items(), strict=True):
            if prev > 0:
                months.append(month)
                values.append((n - prev) / prev)
                volumes.append(int(prev))
        return _period_frame(months, values, target, volumes)
    target = spec.param("min_rate")
    floor = spec.param("min_mqls", 10)
    rows = flow_rows(wh, "mql", "sql", as_of=as_of, journey_table=j)
    o = rows.outcome
    g = rows.group_by("entry_month").aggregate(
        decided=o.count(where=o != "open"), converted=o.count(where=o == "converted")
    )
    frame = g.order_by("entry_month").to_pyarrow().to_pandas()
    last = _last_complete_month(as_of)
    frame = frame[(frame.decided >= floor) & (frame.entry_month <= last)]
    months = list(frame.entry_month)
    values = [c / d for c, d in zip(frame.converted, frame.decided, strict=True)]
    return _period_frame(months, values, target, [int(d) for d in frame.decided])
