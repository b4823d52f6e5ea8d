"""The pipeline as it was known on any past date, rebuilt from ``opportunity_history``.

``pipeline_as_of(wh, as_of)`` returns one row per opportunity created strictly before ``as_of``
(midnight UTC of that date) with its stage, amount, expected close date and forecast category as
the last history row before ``as_of`` left them, whether it was already closed (and won) then,
how long it had been in that stage and how often its close date had slipped. Nothing recorded
at or after ``as_of`` is read: later history rows, outcomes, amounts and opportunities created
later are invisible, which is what makes every backtest honest (tests/test_forecast_leakage.py).

Static attributes (type, source, account segment, owner and team) come from ``opportunities``,
``accounts`` and ``employees``; they describe the deal, not its outcome. An opportunity without
any history row (a CRM export such as Maven's) is open until its ``closed_at``; while open, its
stage is ``unknown`` and its amount and close date are unknown too, since the export holds only
their final values.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime

import ibis
import ibis.expr.types as ir
import pandas as pd
import pyarrow as pa

from revline.warehouse import Warehouse

#: Stage name of an open opportunity whose stage on the as-of date is not recorded.
UNKNOWN_STAGE = "unknown"
#: Columns of :func:`pipeline_as_of`.
COLUMNS = (
    "opportunity_id",
    "account_id",
    "opportunity_type",
    "lead_source",
    "product",
    "owner_id",
    "team",
    "segment",
    "created_at",
    "stage",
    "stage_since",
    "amount",
    "currency",
    "close_date",
    "forecast_category",
    "slips",
    "is_closed",
    "is_won",
    "closed_at",
    "has_history",
)


def instant(day: date) -> datetime:
    """Midnight UTC at the start of ``day``: the exclusive end of what is known on it."""
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def _history_state(history: ir.Table, cutoffs: ir.Table) -> ir.Table:
    """Per snapshot and opportunity: the last history row before the cutoff, stage start, slips."""
    pairs = history.join(cutoffs, history.changed_at < cutoffs.cutoff)
    key = [pairs.snapshot, pairs.opportunity_id]
    w = ibis.window(group_by=key, order_by=[pairs.changed_at, pairs.history_id])
    steps = pairs.mutate(
        prev_close=pairs.close_date.lag().over(w),
        prev_stage=pairs.stage.lag().over(w),
        rank=ibis.row_number().over(
            group_by=key, order_by=[pairs.changed_at.desc(), pairs.history_id.desc()]
        ),
    )
    steps = steps.mutate(
        slip=(steps.close_date > steps.prev_close).fill_null(False).cast("int64"),
        entered=ibis.ifelse(
            steps.prev_stage.isnull() | (steps.prev_stage != steps.stage), steps.changed_at, None
        ),
    )
    keys = ["snapshot", "opportunity_id"]
    per_opp = steps.group_by(keys).agg(slips=steps.slip.sum(), first_seen=steps.changed_at.min())
    last = steps.filter(steps.rank == 0)
    # The stage was entered at the latest change that moved into the current stage.
    entries = steps.join(last.select(*keys, cur=last.stage), keys)
    entries = entries.filter(entries.stage == entries.cur)
    since = entries.group_by(keys).agg(stage_since=entries.entered.max())
    state = last.select(
        *keys,
        "stage",
        "amount",
        "currency",
        "close_date",
        "forecast_category",
        h_closed=last.is_closed.fill_null(False),
        h_won=last.is_won.fill_null(False),
        h_changed=last.changed_at,
    )
    return state.join(per_opp, keys).join(since, keys)


def pipeline_expr(wh: Warehouse, days: Sequence[date]) -> ir.Table:
    """The pipeline on each of ``days`` (column ``snapshot``), as one Ibis expression.

    Runs on any Ibis backend; one query serves every snapshot a model learns from.
    """
    # Arrow arrays keep their types when ``days`` is empty (a pandas column would be float).
    cutoffs = ibis.memtable(
        pa.table(
            {
                "snapshot": pa.array(list(days), pa.date32()),
                "cutoff": pa.array([instant(d) for d in days], pa.timestamp("us", tz="UTC")),
            }
        )
    )
    opps = wh.table("opportunities").cross_join(cutoffs)
    state = _history_state(wh.table("opportunity_history"), cutoffs)
    acc = wh.table("accounts").select("account_id", "segment")
    emp = wh.table("employees").select(owner_id="employee_id", team="team")
    j = opps.left_join(
        state,
        [opps.opportunity_id == state.opportunity_id, opps.snapshot == state.snapshot],
    )
    cutoff = j.cutoff
    has = j.h_changed.notnull()
    created = ibis.coalesce(j.created_at, j.first_seen)
    closed_plain = j.closed_at.notnull() & (j.closed_at < cutoff) & j.is_closed
    is_closed = ibis.ifelse(has, j.h_closed, closed_plain)
    plain_stage = ibis.ifelse(
        closed_plain, ibis.ifelse(j.is_won, "closed_won", "closed_lost"), UNKNOWN_STAGE
    )
    out = j.select(
        snapshot=j.snapshot,
        opportunity_id=j.opportunity_id,
        account_id=j.account_id,
        opportunity_type=j.opportunity_type,
        lead_source=j.lead_source,
        product=j.product,
        owner_id=j.owner_id,
        created_at=created,
        stage=ibis.ifelse(has, j.stage_right, plain_stage),
        stage_since=ibis.ifelse(
            has, j.stage_since, ibis.ifelse(closed_plain, j.closed_at, created)
        ),
        amount=ibis.ifelse(has, j.amount_right, ibis.ifelse(closed_plain, j.amount, None)),
        currency=ibis.ifelse(has, j.currency_right, j.currency),
        close_date=ibis.ifelse(
            has, j.close_date_right, ibis.ifelse(closed_plain, j.close_date, None)
        ),
        forecast_category=ibis.ifelse(
            has,
            j.forecast_category_right,
            ibis.ifelse(closed_plain, j.forecast_category, None),
        ),
        slips=j.slips.fill_null(0),
        is_closed=is_closed,
        is_won=ibis.ifelse(has, j.h_won, closed_plain & j.is_won),
        closed_at=ibis.ifelse(
            has,
            ibis.ifelse(j.h_closed, j.h_changed, None),
            ibis.ifelse(closed_plain, j.closed_at, None),
        ),
        has_history=has,
        cutoff=cutoff,
    )
    out = out.filter(out.created_at.notnull() & (out.created_at < out.cutoff)).drop("cutoff")
    out = out.left_join(acc, "account_id").drop("account_id_right")
    out = out.left_join(emp, "owner_id").drop("owner_id_right")
    return out.select("snapshot", *COLUMNS)


def pipeline_as_of(wh: Warehouse, as_of: date) -> pd.DataFrame:
    """Every opportunity created before ``as_of``, in the state it was in then (:data:`COLUMNS`).

    ``amount`` is in the opportunity's own currency (exact Decimal); ``closed_at`` is set only
    for opportunities already closed before ``as_of``.
    """
    return pipelines(wh, [as_of]).drop(columns="snapshot")


def pipelines(wh: Warehouse, days: Sequence[date]) -> pd.DataFrame:
    """:func:`pipeline_as_of` for each of ``days`` at once, with a ``snapshot`` column."""
    expr = pipeline_expr(wh, days)
    frame: pd.DataFrame = expr.order_by(["snapshot", "opportunity_id"]).to_pandas()
    for col in ("created_at", "stage_since", "closed_at"):
        frame[col] = pd.to_datetime(frame[col], utc=True)
    frame["snapshot"] = pd.to_datetime(frame["snapshot"]).dt.date
    out: pd.DataFrame = frame.reset_index(drop=True)
    return out
