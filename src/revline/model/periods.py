"""Months and reporting periods.

A month is identified by an integer index, ``year * 12 + month - 1``, so that "the month before"
is ``index - 1`` on every engine. A reporting period (``2025-07``, ``2025-Q3``, ``2025``) is a
run of consecutive months; grains (``month``, ``quarter``, ``year``) expand to every period of
that grain in the data's range.

**Periods to date.** A period that ends after the as-of month (the quarter in progress, the
year so far) is cut at the as-of month and flagged :attr:`Period.to_date`: balances (MRR,
customers) are read at the as-of month and flows (new MRR, churn, bookings, cost) are summed
over the elapsed months. Such a period keeps its label (``2025-Q4``) and is shown as
"2025-Q4 QTD" (:attr:`Period.title`). A period that is cut by the as-of day inside its last
month (as of 2025-12-15 for 2025-Q4) is to date as well. A named period that starts after the
as-of month has no elapsed month and is refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir
import pandas as pd

from revline.errors import ConfigError

GRAINS = ("month", "quarter", "year")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$", re.IGNORECASE)
_YEAR = re.compile(r"^(\d{4})$")


def month_index(day: date) -> int:
    """The month index of a date: ``year * 12 + month - 1`` (the one Python form)."""
    return day.year * 12 + day.month - 1


def month_index_of(value: ir.Value) -> ir.IntegerValue:
    """The month index of a date or UTC instant expression, on any engine (the one Ibis form).

    :func:`revline.model.engine.month_of` reads an instant faster on DuckDB through this.
    """
    index: ir.IntegerValue = (value.year() * 12 + value.month() - 1).cast("int64")
    return index


def month_start(index: int) -> date:
    """The first day of the month with this index."""
    return date(index // 12, index % 12 + 1, 1)


#: The short name of a period to date, by the number of months in the full period.
TO_DATE = {1: "MTD", 3: "QTD", 12: "YTD"}


@dataclass(frozen=True)
class Period:
    """A reporting period: a label and its first and last month (inclusive).

    ``to_date`` is true when the period is cut at the as-of date (see the module docstring);
    ``last`` is then the as-of month and ``months`` the length of the full period.
    """

    label: str
    first: int
    last: int
    to_date: bool = False
    months: int = 0

    @property
    def title(self) -> str:
        """The label as people read it: ``2025-Q4``, or ``2025-Q4 QTD`` for a period to date."""
        if not self.to_date:
            return self.label
        return f"{self.label} {TO_DATE.get(self.months or self.last - self.first + 1, 'to date')}"


def period_label(index: int, grain: str) -> str:
    """The label of the ``grain`` period starting at month ``index``: 2025-07, 2025-Q3, 2025."""
    start = month_start(index)
    if grain == "month":
        return f"{start.year:04d}-{start.month:02d}"
    if grain == "quarter":
        return f"{start.year:04d}-Q{(start.month - 1) // 3 + 1}"
    return f"{start.year:04d}"


def prior_period(period: Period) -> str:
    """The period of the same length just before ``period`` (the whole one, for one to date)."""
    months = period.months or period.last - period.first + 1
    first = period.first - months
    grain = {3: "quarter", 12: "year"}.get(months, "month")
    if grain != "month" and first % months:
        grain = "month"  # not aligned on a calendar quarter or year: named by its first month
    return period_label(first, grain)


def quarter_start(day: date) -> date:
    """The first day of the quarter that contains ``day``."""
    return month_start(month_index(day) - month_index(day) % 3)


def add_quarters(start: date, n: int) -> date:
    """The first day of the quarter ``n`` quarters after the one containing ``start``."""
    return month_start(month_index(quarter_start(start)) + 3 * n)


def quarter_label(start: date) -> str:
    """``2025-Q3`` for the quarter containing ``start``."""
    return period_label(month_index(start), "quarter")


def quarters(as_of: date, h: int) -> list[date]:
    """The starts of the ``h`` quarters from the one containing ``as_of``."""
    first = quarter_start(as_of)
    return [add_quarters(first, i) for i in range(h)]


def last_full_quarter(last_day: date) -> str:
    """The last calendar quarter that is over on ``last_day`` (inclusive), e.g. ``2025-Q4`` for
    2025-12-31 and for 2026-02-15. ``last_day`` is the last day with data
    (:func:`revline.model.data_end.data_end`); every default period reads this."""
    return quarter_label(add_quarters(last_day + timedelta(days=1), -1))


def last_full_year(last_day: date) -> str:
    """The last calendar year that is over on ``last_day`` (inclusive), e.g. ``2025`` for
    2025-12-31 and for 2026-02-15."""
    return str((last_day + timedelta(days=1)).year - 1)


def parse_period(text: str) -> Period:
    """Parse ``YYYY-MM``, ``YYYY-Qn`` or ``YYYY`` into a :class:`Period`."""
    value = text.strip()
    if m := _MONTH.match(value):
        year, month = int(m[1]), int(m[2])
        if 1 <= month <= 12:
            index = month_index(date(year, month, 1))
            return Period(period_label(index, "month"), index, index)
    elif m := _QUARTER.match(value):
        first = int(m[1]) * 12 + (int(m[2]) - 1) * 3
        return Period(period_label(first, "quarter"), first, first + 2)
    elif m := _YEAR.match(value):
        first = int(m[1]) * 12
        return Period(value, first, first + 11)
    raise ConfigError(
        f"Cannot read period {text!r}.",
        hint="Write a month (2025-07), a quarter (2025-Q3), a year (2025) or a grain "
        f"({', '.join(GRAINS)}).",
    )


def to_date(period: Period, last: int, as_of: date | None = None) -> Period:
    """``period`` cut at the as-of month ``last`` (and flagged to date when it is cut).

    With ``as_of`` (a day in month ``last``), a period whose last month is ``last`` is to date
    unless ``as_of`` is that month's last day. A period starting after ``last`` is refused.
    """
    months = period.last - period.first + 1
    if period.first > last:
        raise ConfigError(
            f"Period {period.label!r} starts after the as-of month "
            f"{period_label(last, 'month')}: nothing of it has happened yet.",
            hint="Pick a period that starts by the as-of date, or a later --as-of.",
        )
    cut = period.last > last
    if not cut and as_of is not None and period.last == last:
        cut = month_index(as_of + timedelta(days=1)) == last  # the as-of day is not month-end
    return Period(period.label, period.first, min(period.last, last), cut, months)


def expand_periods(
    spec: str | None, first: int, last: int, as_of: date | None = None
) -> list[Period]:
    """The periods a computation reports: one named period, or every period of a grain.

    ``None`` means every month from ``first`` to ``last`` (the data's range, ``last`` being the
    as-of month). Every period is cut at ``last`` (:func:`to_date`), so the period in progress
    reads to date instead of reading months that were never computed.
    """
    grain = "month" if spec is None else spec.strip().lower()
    if grain not in GRAINS:
        return [to_date(parse_period(spec or ""), last, as_of)]
    periods: dict[str, Period] = {}
    for index in range(first, last + 1):
        label = period_label(index, grain)
        known = periods.get(label)
        periods[label] = Period(label, known.first if known else _grain_start(index, grain), index)
    full = [Period(p.label, p.first, _grain_end(p.first, grain)) for p in periods.values()]
    return [to_date(p, last, as_of) for p in full]


def _grain_start(index: int, grain: str) -> int:
    size = {"month": 1, "quarter": 3, "year": 12}[grain]
    return index - index % size


def _grain_end(first: int, grain: str) -> int:
    return first + {"month": 1, "quarter": 3, "year": 12}[grain] - 1


def months_table(first: int, last: int) -> ibis.Table:
    """One row per month: index, first day, and the month-end snapshot (as a day and an instant).

    The snapshot is the first instant of the next month: a subscription counts in a month when
    it is running just before that instant (start before it, end on or after it). Built as an
    expression (a range), so that no data is shipped from Python.
    """
    spine = ibis.range(first, last + 1).unnest().name("month_idx").as_table()
    index = spine.month_idx.cast("int64")
    month = ibis.date((index // 12).cast("int32"), (index % 12 + 1).cast("int32"), 1)
    snapshot_day = (month + ibis.interval(months=1)).cast("date")
    return spine.select(
        month_idx=index,
        month=month,
        snapshot_day=snapshot_day,
        snapshot_at=snapshot_day.cast(dt.Timestamp(timezone="UTC")),
    )


def periods_table(periods: list[Period]) -> ibis.Table:
    """One row per (period, month in it), with the period's first and last month."""
    rows = [(p.label, i, p.first, p.last) for p in periods for i in range(p.first, p.last + 1)]
    frame = pd.DataFrame(rows, columns=["period", "month_idx", "first_idx", "last_idx"])
    return ibis.memtable(frame.astype({"month_idx": "int64", "first_idx": "int64"}))
