"""Where the data ends: the one module that dates a warehouse.

One meaning is the default everywhere, and the two narrower ones have their own names:

- :func:`data_end`: **the last day with data** (inclusive), the default as-of date. Every
  computation that is not given an as-of date (``MetricSettings.as_of``) uses it, so that
  ``revline metrics compute``, the scorecard, the dashboard, the report and diagnose agree. It is
  the latest day with a recorded fact (a month of ``financials`` or ``expenses`` counts to its
  last day; a closed deal, an issued invoice or a subscription start count on their day), and at
  most yesterday (UTC): today is not over. A warehouse with none of these facts is dated by its
  activity (:data:`ACTIVITY`: leads, churn events, tickets, onboarding, usage), and one with no
  activity either ends today.
- :func:`billing_end`: **the first day of the month after the billing history** (exclusive): the
  month after the latest subscription start or invoice. The revenue forecast's backtest scores
  months of MRR up to it.
- :func:`sales_bounds`: **the first day with an opportunity and the day after the last sales
  event** (exclusive): created or closed deals and stage changes. The bookings backtest replays
  quarters inside it.

Using the data's end instead of today matters on stale data: computed to today, every running
subscription would be carried flat for the months past the data, with no churn recorded.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import ibis
import ibis.expr.types as ir
import pandas as pd

from revline.errors import RevlineError
from revline.model.periods import month_index, month_start
from revline.settings import DATE_WINDOW

#: Monthly facts (a row stands for its whole month) and dated facts (a row stands for its day).
_MONTHLY = (("financials", "month"), ("expenses", "month"))
_DATED = (("opportunities", "closed_at"), ("invoices", "issued_at"), ("subscriptions", "start_at"))
#: Activity columns that date a warehouse without financials, expenses, deals or billing.
ACTIVITY = (
    ("leads", "created_at"),
    ("subscriptions", "start_at"),
    ("churn_events", "churned_at"),
    ("tickets", "opened_at"),
    ("onboarding", "handoff_at"),
    ("usage", "usage_date"),
)
_BILLING = (("subscriptions", "start_at"), ("invoices", "issued_at"))
_SALES = (
    ("opportunities", "closed_at"),
    ("opportunities", "created_at"),
    ("opportunity_history", "changed_at"),
)


class NoDataError(RevlineError):
    """The warehouse has none of the facts a computation is dated by."""


def in_window(value: ir.Value) -> ir.BooleanValue:
    """True where a date or timestamp lies inside the :data:`~revline.settings.DATE_WINDOW`.

    The importer quarantines dates outside it, but a warehouse written by an older version or
    by hand may hold ``9999-12-31``, ``infinity`` or ``0001-01-01``: such a value must not date
    the data or start a month range (it would overflow every date computed from it, or span
    thousands of months); ``revline check`` reports it.
    """
    if value.type().is_timestamp():
        low: ir.Value = ibis.timestamp(f"{DATE_WINDOW.earliest.isoformat()} 00:00:00")
        high: ir.Value = ibis.timestamp(f"{DATE_WINDOW.latest.isoformat()} 23:59:59")
    else:
        low, high = ibis.date(DATE_WINDOW.earliest), ibis.date(DATE_WINDOW.latest)
    return (value >= low) & (value <= high)


def _in_window(backend: ibis.BaseBackend, table: str, column: str) -> ir.Column:
    """The column's values inside the date window (:func:`in_window`)."""
    rows = backend.table(table)
    return rows.filter(in_window(rows[column]))[column]


def _day(value: Any) -> date | None:
    if value is None or pd.isna(value):
        return None
    return pd.Timestamp(value).date()


def _latest(backend: ibis.BaseBackend, columns: tuple[tuple[str, str], ...]) -> dict[str, date]:
    """The latest day in the date window of each ``(table, column)`` that has one."""
    present = set(backend.list_tables())
    out: dict[str, date] = {}
    for table, column in columns:
        if table not in present:
            continue
        day = _day(backend.execute(_in_window(backend, table, column).max()))
        if day is not None:
            out[f"{table}.{column}"] = day
    return out


def data_end(backend: ibis.BaseBackend, today: date | None = None) -> date:
    """The last day with data on ``backend``, at most the day before ``today`` (UTC)."""
    today = today or datetime.now(UTC).date()
    latest = _latest(backend, (*_MONTHLY, *_DATED))
    after: list[date] = []  # the day after each source's last fact
    for key, day in latest.items():
        if tuple(key.split(".")) in _MONTHLY:
            after.append(month_start(month_index(day) + 1))
        else:
            after.append(day + timedelta(days=1))
    if not after:
        activity = latest_activity(backend)
        return min(activity, today - timedelta(days=1)) if activity else today
    return min(max(after), today) - timedelta(days=1)


def latest_activity(backend: ibis.BaseBackend) -> date | None:
    """The last day anything happened in the :data:`ACTIVITY` tables (``None``: all empty)."""
    days = _latest(backend, ACTIVITY)
    return max(days.values()) if days else None


def billing_end(backend: ibis.BaseBackend) -> date:
    """The first day of the month after the latest subscription start or invoice."""
    days = _latest(backend, _BILLING)
    if not days:
        raise NoDataError(
            "The warehouse has no subscriptions or invoices to backtest on.",
            hint="Load billing data (or run revline synth) first.",
        )
    return month_start(month_index(max(days.values())) + 1)


def sales_bounds(backend: ibis.BaseBackend) -> tuple[date, date]:
    """The first day with an opportunity, and the day after the last sales event."""
    present = set(backend.list_tables())
    first = None
    if "opportunities" in present:
        first = _day(backend.execute(_in_window(backend, "opportunities", "created_at").min()))
    if first is None:
        raise NoDataError(
            "The warehouse has no opportunities with a creation date to backtest on.",
            hint="Import opportunities (created_at) and their history first.",
        )
    last = max(_latest(backend, _SALES).values())
    return first, last + timedelta(days=1)
