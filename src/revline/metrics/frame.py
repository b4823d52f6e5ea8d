"""Build the :class:`~revline.metrics.core.Frame` a metric computes over.

Breakdowns: ``segment``, ``region`` and ``industry`` come from the account; ``plan`` treats each
account's business on each plan as its own unit (so moving from one plan to another is churn on
the first plan and new on the second, while the account-level total is unchanged); ``channel``
is the source channel of the account's earliest lead (:mod:`revline.metrics.channel`).

**Pieces, not stored customer-months.** The model stores each unit's MRR pieces (runs of
months at one MRR, :mod:`revline.model.pieces`) in whole cents. A frame's customer-months are
those pieces expanded to months, an expression that is not stored (15.6M rows at 1M customers):
metrics that read a balance at given months (:func:`at_months`, :func:`at_period_end`,
retention, cohorts) join the pieces that cover those months instead, which gives the same rows
without expanding or storing anything (:func:`paying_pieces`).
"""

from __future__ import annotations

import ibis.expr.types as ir

from revline.errors import ConfigError, unknown
from revline.metrics.channel import account_channels
from revline.metrics.core import Frame
from revline.model.money import from_cents
from revline.model.movements import changes, movements
from revline.model.mrr import MONEY, MrrModel
from revline.model.periods import expand_periods, periods_table
from revline.model.segments import expand

BREAKDOWNS = ("segment", "region", "industry", "plan", "channel")
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


def build_frame(model: MrrModel, period: str | None, by: str | None) -> Frame:
    """The frame for ``period`` (a period, a grain or ``None`` for every month) and ``by``."""
    if by is not None and by not in BREAKDOWNS:
        raise ConfigError(
            unknown("breakdown", by, BREAKDOWNS), hint="Break a metric down by one of these."
        )
    keys = ("account_id", "plan_id") if by == "plan" else ("account_id",)
    periods = expand_periods(period, model.first_idx, model.last_idx, model.settings.as_of)
    pieces = _paying(model, keys, by)
    valued = pieces.select(
        *keys,
        *([by] if by else []),
        first_idx="p_first",
        last_idx="p_last",
        **{name: from_cents(pieces[_CENTS[name]]) for name in MONEY},
    )
    cm = expand(valued).select(*keys, "month_idx", *MONEY, *([by] if by else []))
    moves = _with_group(movements(model, keys), model, by)
    return Frame(model, periods_table(periods), by, keys, cm, moves)


#: The pieces' cents column of each money column of a customer-month.
_CENTS = {name: f"{name.removesuffix('_mrr')}_cents" for name in MONEY}


def _paying(model: MrrModel, keys: tuple[str, ...], by: str | None) -> ir.Table:
    pieces = model.pieces(keys)
    paying = pieces.filter(pieces.mrr_cents > 0)
    cents = paying.select(
        *keys,
        p_first=paying.first_idx,
        p_last=paying.last_idx,
        **{c: paying[c] for c in _CENTS.values()},
    )
    return _with_group(cents, model, by)


def paying_pieces(frame: Frame) -> ir.Table:
    """The frame's customer-months as pieces: one row per run of months at one MRR > 0.

    Columns: the keys, ``p_first`` and ``p_last`` (the run's first and last month), the
    breakdown column, and ``contract_cents``, ``billed_cents``, ``usage_cents`` and ``mrr_cents``
    (whole cents, ``int64``). Expanded to its months, this is ``frame.customer_months``.
    """
    return _paying(frame.model, frame.keys, frame.by)


def frame_changes(frame: Frame) -> ir.Table:
    """``frame.movements`` without the ``unchanged`` rows, from the pieces' first months
    (:func:`revline.model.movements.changes`), so nothing is expanded to months."""
    return _with_group(changes(frame.model, frame.keys), frame.model, frame.by)


def at_months(frame: Frame, months: ir.Table, month: str) -> ir.Table:
    """The customer-months at the month in column ``month`` of each row of ``months``.

    One row per (row of ``months``, unit paying in that month): the columns of ``months``, the
    keys, the breakdown column and the money columns (``DECIMAL``, as in
    ``frame.customer_months``). The pieces that cover the month are joined, so nothing is
    expanded to months.
    """
    p = paying_pieces(frame)
    at = months[month]
    joined = p.inner_join(months, [p.p_first <= at, p.p_last >= at])
    return joined.select(
        *months.columns,
        *(c for c in [*frame.keys, *frame.by_cols] if c not in months.columns),
        **{name: from_cents(joined[_CENTS[name]]) for name in MONEY},
    )


def at_period_end(frame: Frame) -> ir.Table:
    """Customer-months in the last month of each period (the balance), with ``period``.

    The columns of ``frame.customer_months`` (``month_idx`` is the period's last month) and the
    period's ``period``, ``first_idx`` and ``last_idx``.
    """
    bounds = frame.period_bounds
    rows = at_months(frame, bounds.mutate(month_idx=bounds.last_idx), "month_idx")
    return rows.select(*frame.customer_months.columns, "period", "first_idx", "last_idx")


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
