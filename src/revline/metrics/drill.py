"""Drill-down: the customer-month rows behind every figure of the MRR metrics.

:func:`rows` returns, for one metric, period and (optionally) breakdown value, the rows the
figure is computed from, with one shape for every metric: ``period``, the unit keys
(``account_id``, and ``plan_id`` by plan), the breakdown column, ``month``, ``movement``,
``start_mrr``, ``end_mrr``, ``amount`` and ``delinquent``. How the figure follows from them:

- balances (``mrr``, ``arr``, ``customers``, ``arpa``): the paying customer-months of the
  period's last month; ``mrr`` = sum of ``end_mrr``, ``customers`` = number of accounts;
- movements (``new_mrr`` ... ``churned_mrr``, ``delinquent_churned_mrr``): that movement's
  rows in the period's months, the figure = sum of ``amount``; ``net_new_mrr`` and
  ``quick_ratio``: every movement row;
- retention (``nrr``, ``grr``, ``logo_retention``, the churn rates and the ``_t12m``
  variants): one row per cohort member, ``start_mrr`` at the cohort month and ``end_mrr`` at
  the period's last month (``movement`` is the net change: expansion, contraction, churn or
  unchanged); ``nrr`` = sum(end) / sum(start);
- ``joined_and_left``: the customer-months of those customers inside the period;
- ``mrr_growth``: the paying customer-months at the period start and end.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import ibis
import ibis.expr.types as ir
import pandas as pd

from revline.errors import ConfigError
from revline.metrics.core import Frame
from revline.metrics.frame import build_frame, in_period
from revline.metrics.retention import joined_and_left_units
from revline.model.money import CENTS, union_all
from revline.model.mrr import build_model
from revline.model.periods import month_start
from revline.settings import MetricSettings
from revline.warehouse import Warehouse

ROW_COLUMNS = ("month_idx", "movement", "start_mrr", "end_mrr", "amount", "delinquent")
Rows = Callable[[Frame], ir.Table]


def _shape(frame: Frame, table: ir.Table) -> ir.Table:
    return table.select("period", *frame.keys, *frame.by_cols, *ROW_COLUMNS)


def _balances(frame: Frame) -> ir.Table:
    bounds = frame.period_bounds
    moves = frame.movements.filter(frame.movements.end_mrr > 0)
    return _shape(frame, moves.inner_join(bounds, moves.month_idx == bounds.last_idx))


def _movement(name: str | None) -> Rows:
    def rows(frame: Frame) -> ir.Table:
        moved = in_period(frame)
        if name is None:
            return _shape(frame, moved.filter(moved.movement != "unchanged"))
        return _shape(frame, moved.filter(moved.movement == name))

    return rows


def _delinquent_rows(frame: Frame) -> ir.Table:
    moved = in_period(frame)
    return _shape(frame, moved.filter((moved.movement == "churn") & moved.delinquent))


def _cohort(trailing: bool) -> Rows:
    def rows(frame: Frame) -> ir.Table:
        cm = frame.customer_months
        bounds = frame.period_bounds
        start_idx = bounds.last_idx - 12 if trailing else bounds.first_idx - 1
        start = cm.inner_join(bounds, cm.month_idx == start_idx).select(
            "period", *frame.keys, *frame.by_cols, "last_idx", start_mrr=cm.mrr
        )
        end = cm.select(*(cm[k].name(f"e_{k}") for k in frame.keys), e_idx=cm.month_idx, e=cm.mrr)
        joined = start.left_join(
            end,
            [*(start[k] == end[f"e_{k}"] for k in frame.keys), start.last_idx == end.e_idx],
        )
        zero = ibis.literal(0).cast(CENTS)
        end_mrr = joined.e.coalesce(zero)
        change = end_mrr - joined.start_mrr
        movement = ibis.cases(
            (end_mrr == 0, "churn"),
            (change > 0, "expansion"),
            (change < 0, "contraction"),
            else_="unchanged",
        )
        shaped = joined.select(
            "period",
            *frame.keys,
            *frame.by_cols,
            month_idx=joined.last_idx,
            movement=movement,
            start_mrr=joined.start_mrr,
            end_mrr=end_mrr.cast(CENTS),
            amount=ibis.ifelse(change >= 0, change, -change).cast(CENTS),
        )
        late = frame.movements.select(
            *(frame.movements[k].name(f"l_{k}") for k in frame.keys),
            l_idx=frame.movements.month_idx,
            delinquent=frame.movements.delinquent,
        )
        flagged = shaped.left_join(
            late,
            [*(shaped[k] == late[f"l_{k}"] for k in frame.keys), shaped.month_idx == late.l_idx],
        )
        return _shape(frame, flagged.mutate(delinquent=flagged.delinquent.coalesce(False)))

    return rows


def _joined_and_left(frame: Frame) -> ir.Table:
    units = joined_and_left_units(frame).select("period", *frame.keys)
    moved = in_period(frame)
    return _shape(frame, moved.semi_join(units, ["period", *frame.keys]))


def _growth(frame: Frame) -> ir.Table:
    bounds = frame.period_bounds
    moves = frame.movements.filter(frame.movements.end_mrr > 0)
    at_end = moves.inner_join(bounds, moves.month_idx == bounds.last_idx)
    at_start = moves.inner_join(bounds, moves.month_idx == bounds.first_idx - 1)
    return union_all(_shape(frame, at_start), _shape(frame, at_end))


ROWS: dict[str, Rows] = {
    **dict.fromkeys(("mrr", "arr", "customers", "arpa"), _balances),
    "new_mrr": _movement("new"),
    "reactivation_mrr": _movement("reactivation"),
    "expansion_mrr": _movement("expansion"),
    "contraction_mrr": _movement("contraction"),
    "churned_mrr": _movement("churn"),
    "delinquent_churned_mrr": _delinquent_rows,
    "net_new_mrr": _movement(None),
    "quick_ratio": _movement(None),
    **dict.fromkeys(
        ("nrr", "grr", "logo_retention", "customer_churn_rate", "net_mrr_churn_rate"),
        _cohort(False),
    ),
    **dict.fromkeys(("nrr_t12m", "grr_t12m"), _cohort(True)),
    "joined_and_left": _joined_and_left,
    "mrr_growth": _growth,
}


def rows(
    name: str,
    period: str,
    by: str | None = None,
    by_value: str | None = None,
    *,
    warehouse: Warehouse | str | Path | None = None,
    settings: MetricSettings | None = None,
) -> pd.DataFrame:
    """The customer-month rows behind metric ``name`` in ``period`` (one period or a grain).

    With ``by`` and ``by_value`` only the rows of that breakdown value (e.g. ``by="segment",
    by_value="smb"``). ``month`` is the first day of the row's month; money is exact.
    """
    from revline.metrics.api import get_metric

    metric = get_metric(name)
    if metric.name not in ROWS:
        raise ConfigError(
            f"Metric {metric.name!r} has no customer-month drill-down.",
            hint=f"Drill down one of: {', '.join(ROWS)}.",
        )
    if by_value is not None and by is None:
        raise ConfigError(
            f"by_value {by_value!r} was given without a breakdown.",
            hint="Pass by= too, e.g. by='segment', by_value='smb'.",
        )
    settings = settings or MetricSettings()
    if isinstance(warehouse, Warehouse):
        return _rows(metric.name, warehouse, period, by, by_value, settings)
    path = warehouse or os.environ.get("REVLINE_WAREHOUSE", "revline.duckdb")
    with Warehouse.open(path, read_only=True) as wh:
        return _rows(metric.name, wh, period, by, by_value, settings)


def _rows(
    name: str,
    wh: Warehouse,
    period: str,
    by: str | None,
    by_value: str | None,
    settings: MetricSettings,
) -> pd.DataFrame:
    with build_model(wh.ibis, settings) as model:
        frame = build_frame(model, period, by)
        table = ROWS[name](frame)
        if by and by_value is not None:
            table = table.filter(table[by] == by_value)
        result: pd.DataFrame = wh.ibis.execute(table.order_by(["period", *frame.keys, "month_idx"]))
    result["month_idx"] = [month_start(int(i)) for i in result["month_idx"]]
    return result.rename(columns={"month_idx": "month"}).reset_index(drop=True)
