"""The rows behind a flow between two stages: each journey that entered, and what became of it.

A journey **enters** a flow ``A → B`` when it reached ``A`` (its ``A`` time is its entry
time, and the month of it its cohort). Its **outcome** is:

- ``converted``: it reached ``B`` or any later stage (a skip past ``B`` still passed it): the
  definition of the conversion metrics (:mod:`revline.metrics.conversion`), whose functions
  ``entered`` and ``converted`` classify the rows here;
- ``lost``: otherwise, when it was disqualified (a lead stage), closed lost (a deal) or churned
  (after the win) on the way; ``lost_to`` gives the reason (``disqualified: not_a_fit``,
  ``closed_lost: price``, ``churned: pricing``, ``... no reason recorded``), or ``recycled``
  when the disqualified lead's account came back with a newer lead;
- ``stalled``: still open and waiting longer than the stage's stall threshold at ``as_of``;
- ``open``: still open within the threshold (recent cohorts: not yet lost, not yet converted).

``days`` is the time from ``A`` to ``B`` itself, when both were recorded (negative when the
data has ``B`` before ``A``: see :mod:`revline.analyses.seams.anomalies`).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir

from revline.analyses.seams import dims
from revline.metrics import conversion
from revline.metrics.kinds import Conversion
from revline.model.lifecycle import as_of_view, instant, journeys
from revline.model.stages import (
    RANK,
    STAGES,
    STALL_DAYS,
    check_stage,
    column,
    days_between,
)
from revline.warehouse import Warehouse


def default_as_of(wh: Warehouse, journey_table: ir.Table | None = None) -> datetime:
    """The latest stage time in the data: flows are judged as of then, not as of today."""
    j = journeys(wh) if journey_table is None else journey_table
    latest = ibis.greatest(*[j[column(s)].max() for s in STAGES])
    value = j.aggregate(latest=latest).to_pyarrow().column("latest")[0].as_py()
    if value is None:
        return datetime(1970, 1, 1, tzinfo=UTC)
    assert isinstance(value, datetime)
    return value


def _stall_days(stage: str, stall_days: dict[str, float] | None) -> float:
    overrides = stall_days or {}
    return float(overrides.get(stage, STALL_DAYS.get(stage, 30)))


def _lost(j: ir.Table, from_stage: str, to_stage: str) -> tuple[ir.BooleanValue, ir.StringValue]:
    """Whether a journey was lost between the two stages, and the reason it was lost to."""
    lo, hi = RANK[from_stage], RANK[to_stage]
    markers: list[tuple[ir.BooleanValue, ir.StringValue]] = []
    if lo <= RANK["sql"]:
        reason = j.disqualification_reason.fill_null("no reason recorded")
        markers.append((j.disqualified_at.notnull(), "disqualified: " + reason))
    if lo <= RANK["opportunity"] and hi >= RANK["closed_won"]:
        reason = j.loss_reason.fill_null("no reason recorded")
        markers.append((j.closed_lost_at.notnull(), "closed_lost: " + reason))
    if hi >= RANK["onboarded"]:
        reason = j.churn_reason.fill_null("no reason recorded")
        markers.append((j.churned_at.notnull(), "churned: " + reason))
    if not markers:
        return ibis.literal(False), ibis.null(dt.string)
    lost = markers[0][0]
    for flag, _ in markers[1:]:
        lost = lost | flag
    why = ibis.cases(*markers, else_=ibis.null(dt.string))
    return lost, why


def flow_rows(
    wh: Warehouse,
    from_stage: str,
    to_stage: str,
    *,
    by: tuple[str, ...] | list[str] = (),
    as_of: date | datetime | None = None,
    stall_days: dict[str, float] | None = None,
    journey_table: ir.Table | None = None,
) -> ir.Table:
    """One row per journey that entered ``from_stage``, with its outcome towards ``to_stage``.

    ``journey_table`` reuses journeys already built (and cached) by the caller.

    Columns: ``journey_id``, ``lead_id``, ``account_id``, ``entered_at``, ``entry_month``
    (date), ``reached_at``, ``days``, ``outcome``, ``lost_to``, ``amount`` (ARR of the deal,
    if won), ``first_response_at``, then one column per breakdown in ``by``.
    """
    check_stage(from_stage)
    check_stage(to_stage)
    by = dims.check(by)
    if RANK[to_stage] <= RANK[from_stage]:
        from revline.errors import ConfigError

        raise ConfigError(
            f"A flow goes forward: {to_stage!r} does not come after {from_stage!r}.",
            hint=f"Stages in order: {', '.join(STAGES)}.",
        )
    cutoff = instant(as_of)
    if journey_table is not None:
        j = journey_table
    else:
        j = journeys(wh) if cutoff is None else as_of_view(journeys(wh), cutoff)
    when = cutoff or default_as_of(wh, j)
    latest_lead = _latest_lead(j.view())
    kind = Conversion(from_stage, to_stage)  # what the conversion metrics count
    j = j.filter(conversion.entered(j, kind).notnull())
    j = j.left_join(latest_lead, [("account_id", "ll_account")]).filter(ibis.literal(True))
    entered = conversion.entered(j, kind)
    passed = conversion.converted(j, kind)
    lost, why = _lost(j, from_stage, to_stage)
    recycled = j.disqualified_at.notnull() & (j.ll_latest > j.disqualified_at)
    age = days_between(ibis.literal(when), entered)
    outcome = ibis.cases(
        (passed, "converted"),
        (lost, "lost"),
        (age > _stall_days(from_stage, stall_days), "stalled"),
        else_="open",
    )
    lost_to = ibis.cases(
        (passed, ibis.null(dt.string)),
        (lost & why.startswith("disqualified") & recycled, "recycled"),
        (lost, why),
        (outcome == "stalled", f"stalled over {_stall_days(from_stage, stall_days):g} days"),
        else_=ibis.null(dt.string),
    )
    reached = j[column(to_stage)]
    days = days_between(reached, entered)
    return j.select(
        "journey_id",
        "lead_id",
        "account_id",
        entered_at=entered,
        entry_month=entered.truncate("M").date(),
        reached_at=reached,
        days=days,
        outcome=outcome,
        lost_to=lost_to,
        amount=ibis.ifelse(j.closed_won_at.notnull(), j.amount, ibis.null(j.amount.type())),
        first_response_at=j.first_response_at,
        **{dims.label(b): dims.value(j, b, from_stage) for b in by},
    )


def _latest_lead(j: ir.Table) -> ir.Table:
    """Per account, when its newest lead was created (journeys already cut at ``as_of``)."""
    leads = j.filter(j.account_id.notnull() & j.lead_at.notnull())
    return leads.group_by(ll_account=leads.account_id).aggregate(ll_latest=leads.lead_at.max())
