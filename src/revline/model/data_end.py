"""The data's end: the last day the warehouse has facts for, the default as-of date.

Every computation that is not given an as-of date (``MetricSettings.as_of``) uses this one, so
that ``revline metrics compute``, the scorecard, the dashboard and the report agree. It is the
latest day with a recorded fact (a month of ``financials`` or ``expenses`` counts to its last
day; a closed deal, an issued invoice or a subscription start count on their day), and at most
yesterday (UTC): today is not over. A warehouse with none of these facts ends today.

Using the data's end instead of today matters on stale data: computed to today, every running
subscription would be carried flat for the months past the data, with no churn recorded.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import ibis
import pandas as pd

#: Monthly facts (a row stands for its whole month) and dated facts (a row stands for its day).
_MONTHLY = (("financials", "month"), ("expenses", "month"))
_DATED = (("opportunities", "closed_at"), ("invoices", "issued_at"), ("subscriptions", "start_at"))


def data_end(backend: ibis.BaseBackend, today: date | None = None) -> date:
    """The last day with data on ``backend``, at most the day before ``today`` (UTC)."""
    present = set(backend.list_tables())
    after: list[date] = []  # the day after each source's last fact
    for table, column in (*_MONTHLY, *_DATED):
        if table not in present:
            continue
        value = backend.execute(backend.table(table)[column].max())
        if value is None or pd.isna(value):
            continue
        day = pd.Timestamp(value).date()
        if (table, column) in _MONTHLY:
            after.append((day.replace(day=28) + timedelta(days=4)).replace(day=1))
        else:
            after.append(day + timedelta(days=1))
    today = today or datetime.now(UTC).date()
    if not after:
        return today
    return min(max(after), today) - timedelta(days=1)
