"""Build the :class:`~revline.metrics.core.Frame` a metric computes over.

Breakdowns: ``segment``, ``region`` and ``industry`` come from the account; ``plan`` treats each
account's business on each plan as its own unit (so moving from one plan to another is churn on
the first plan and new on the second, while the account-level total is unchanged); ``channel``
is the source channel of the account's earliest lead (:mod:`revline.metrics.channel`).
"""

from __future__ import annotations

import ibis.expr.types as ir

from revline.errors import ConfigError, unknown
from revline.metrics.channel import account_channels
from revline.metrics.core import MRR_BREAKDOWNS, Frame
from revline.model.movements import movements
from revline.model.mrr import MrrModel
from revline.model.periods import expand_periods, periods_table

BREAKDOWNS = MRR_BREAKDOWNS
#: (dimension, value) pairs a frame's facts are restricted to.
Filters = tuple[tuple[str, str], ...]
#: Label for customers whose breakdown value is empty.
NONE_LABEL = "(none)"


def _with_group(table: ir.Table, model: MrrModel, by: str | None) -> ir.Table:
    if by is None:
        return table
    if by == "plan":
        return table.mutate(plan=table.plan_id.coalesce(NONE_LABEL))
    if by == "channel":
        accounts = account_channels(model.backend)
    else:
        accounts = model.accounts.select(acc_id=model.accounts.account_id, group=model.accounts[by])
    joined = table.left_join(accounts, table.account_id == accounts.acc_id)
    return joined.mutate(**{by: joined.group.cast("string").coalesce(NONE_LABEL)}).drop(
        "acc_id", "group"
    )


def _filtered(table: ir.Table, model: MrrModel, filters: Filters) -> ir.Table:
    """``table`` restricted to the rows whose dimensions have the values of ``filters``."""
    for dim, value in filters:
        grouped = _with_group(table, model, dim)
        table = grouped.filter(grouped[dim] == value).drop(dim)
    return table


def build_frame(
    model: MrrModel, period: str | None, by: str | None, filters: Filters = ()
) -> Frame:
    """The frame for ``period`` (a period, a grain or ``None`` for every month) and ``by``,
    over the units whose dimensions match ``filters`` ((dimension, value) pairs)."""
    for dim in (by, *(d for d, _ in filters)):
        if dim is not None and dim not in BREAKDOWNS:
            raise ConfigError(
                unknown("breakdown", dim, BREAKDOWNS), hint="Break a metric down by one of these."
            )
    plans = by == "plan" or any(d == "plan" for d, _ in filters)
    keys = ("account_id", "plan_id") if plans else ("account_id",)
    periods = expand_periods(period, model.first_idx, model.last_idx, model.settings.as_of)
    cm = _with_group(_filtered(model.customer_months(keys), model, filters), model, by)
    moves = _with_group(_filtered(movements(model, keys), model, filters), model, by)
    return Frame(model, periods_table(periods), by, keys, cm, moves, filters=tuple(filters))


def at_period_end(frame: Frame) -> ir.Table:
    """Customer-months in the last month of each period (the balance), with ``period``."""
    bounds = frame.period_bounds
    cm = frame.customer_months
    return cm.inner_join(bounds, cm.month_idx == bounds.last_idx)


def in_period(frame: Frame) -> ir.Table:
    """Movements in any month of each period, with ``period``."""
    moves = frame.movements
    periods = frame.periods.select("period", p_idx=frame.periods.month_idx)
    return moves.inner_join(periods, moves.month_idx == periods.p_idx)


def fill_periods(frame: Frame, values: ir.Table, default: ir.Value | None) -> ir.Table:
    """Every period asked for, with ``default`` (or null) where ``values`` has no row.

    With a breakdown, only (period, group) pairs that have rows are returned.
    """
    if frame.by:
        return values.order_by(["period", *frame.by_cols])
    bounds = frame.period_bounds.select("period")
    joined = bounds.left_join(values, "period")
    value = joined.value if default is None else joined.value.coalesce(default)
    return joined.select("period", value=value).order_by("period")
