"""The warehouse as it was known at an as-of instant, for the revenue forecast.

A forecast made "as of" a date may only use what was known before it; a backtest replays past
dates the same way. :class:`AsOfBackend` wraps an Ibis backend and, for the tables the revenue
forecast reads, returns them as they stood at the cutoff ``T`` (midnight UTC that starts the
as-of day; everything strictly before ``T`` is known):

- ``subscriptions``: only those started before ``T``; an ``end_at`` is kept when it is before
  ``T`` or when the cancellation that scheduled it was requested before ``T`` (a known future
  end); otherwise the subscription is still running as far as ``T`` knows. A ``canceled_at`` on
  or after ``T`` is dropped.
- ``invoices``: issued before ``T``; a payment on or after ``T`` has not happened yet (the
  invoice is ``open``, so dunning sees it as unpaid).
- ``usage`` and ``fx_rates``: days before ``T``.
- ``opportunities``: created before ``T`` (or with no creation time); an outcome (won or lost)
  closed on or after ``T`` is unknown, so such a deal is open.

Every other table (and the model's temporary tables) is passed through untouched. The MRR
model (:func:`revline.model.mrr.build_model`) runs unchanged on the wrapped backend: this is how
the forecast reuses the one MRR definition without leaking the future.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, cast

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir

from revline.model.periods import month_index, month_start

_UTC = dt.Timestamp(timezone="UTC")


def cutoff(as_of: date) -> datetime:
    """The first instant not known at ``as_of``: midnight UTC at the start of that day."""
    return datetime(as_of.year, as_of.month, as_of.day, tzinfo=UTC)


def base_month(as_of: date) -> int:
    """The last month whose month-end snapshot is known at ``as_of`` (its month index).

    The snapshot of month M is the first instant of M + 1, so for ``2026-01-01`` (and any day
    of January 2026) the base month is December 2025.
    """
    return month_index(as_of) - 1


def base_month_date(as_of: date) -> date:
    """The first day of :func:`base_month`."""
    return month_start(base_month(as_of))


class AsOfBackend:
    """An Ibis backend seen as of a cutoff instant (see the module docstring).

    It forwards every attribute to the wrapped backend except :meth:`table`, so code written
    for a backend (the MRR model) runs on it unchanged.
    """

    def __init__(self, backend: ibis.BaseBackend, as_of: date) -> None:
        self._backend = backend
        self.as_of = as_of
        self.cutoff = cutoff(as_of)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._backend, name)

    @property
    def backend(self) -> ibis.BaseBackend:
        """The wrapped backend (for code that needs the real one)."""
        return self._backend

    def as_backend(self) -> ibis.BaseBackend:
        """This object typed as a backend, to pass to functions that take one."""
        return cast(ibis.BaseBackend, self)

    def table(self, name: str, **kwargs: Any) -> ir.Table:
        """``name`` as known at the cutoff (unchanged when the forecast does not filter it)."""
        table = self._backend.table(name, **kwargs)
        shape = _FILTERS.get(name)
        return shape(table, self._instant()) if shape else table

    def _instant(self) -> ir.TimestampValue:
        return ibis.literal(self.cutoff, type=_UTC)


def _subscriptions(t: ir.Table, at: ir.TimestampValue) -> ir.Table:
    started = t.filter(t.start_at < at)
    known_cancel = started.canceled_at.notnull() & (started.canceled_at < at)
    end_known = started.end_at.notnull() & ((started.end_at < at) | known_cancel)
    none = ibis.null(_UTC)
    return started.mutate(
        end_at=ibis.ifelse(end_known, started.end_at, none),
        canceled_at=ibis.ifelse(known_cancel, started.canceled_at, none),
    )


def _invoices(t: ir.Table, at: ir.TimestampValue) -> ir.Table:
    issued = t.filter(t.issued_at < at)
    paid_later = issued.paid_at.notnull() & (issued.paid_at >= at)
    return issued.mutate(
        paid_at=ibis.ifelse(paid_later, ibis.null(_UTC), issued.paid_at),
        status=ibis.ifelse(paid_later & (issued.status == "paid"), "open", issued.status),
    )


def _usage(t: ir.Table, at: ir.TimestampValue) -> ir.Table:
    return t.filter(t.usage_date < at.date())


def _fx_rates(t: ir.Table, at: ir.TimestampValue) -> ir.Table:
    return t.filter(t.rate_date < at.date())


def _opportunities(t: ir.Table, at: ir.TimestampValue) -> ir.Table:
    known = t.filter(t.created_at.isnull() | (t.created_at < at))
    decided = known.is_closed & known.closed_at.notnull() & (known.closed_at < at)
    return known.mutate(
        is_closed=decided,
        is_won=decided & known.is_won,
        closed_at=ibis.ifelse(decided, known.closed_at, ibis.null(_UTC)),
    )


_FILTERS = {
    "subscriptions": _subscriptions,
    "invoices": _invoices,
    "usage": _usage,
    "fx_rates": _fx_rates,
    "opportunities": _opportunities,
}
