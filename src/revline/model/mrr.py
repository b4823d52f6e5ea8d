"""MRR per subscription-month and per customer-month, in the reporting currency.

The month is a **month-end snapshot**: a subscription counts in month M when it is running at
the last instant of M (it started before the first instant of M + 1 and its effective end is on
or after it). A subscription that starts and ends inside one month never counts; one that starts
on the last day counts for that whole month. This matches how a balance is reported (MRR is the
value on the last day) and makes back-to-back periods (one ends when the next starts) continuous.

Trials and free plans count 0: a subscription is in trial while the snapshot is before
``trial_end_at`` (or forever if ``is_trial`` with no end), so a trial converts in the month the
trial ends. Taxes and one-time charges never enter MRR. The usage component is the invoiced
``usage_amount`` (invoices not draft or void) in the month the invoice was issued; it is kept in
its own column and added to ``mrr`` only when ``include_usage`` is set. A subscription whose
invoice is unpaid past the dunning window counts 0 and is flagged ``delinquent``
(:mod:`revline.model.dunning`).

Nothing is computed per month until the end. A subscription's months are a range, valued once
per exchange-rate run (:mod:`revline.model.segments`); a customer's MRR changes only where one
of those ranges starts or ends, so one window over the changes gives its MRR from each change
to the next (:mod:`revline.model.pieces`). Customer-months and movements expand the pieces to
months only at the end; the bridge needs no expansion at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from uuid import uuid4

import ibis
import ibis.expr.types as ir
import pandas as pd

from revline.model.data_end import data_end, in_window
from revline.model.dunning import delinquent_months
from revline.model.engine import check_engine, drop, store
from revline.model.money import cents, check_rates, rates, times, union_all
from revline.model.periods import month_index, month_index_of, months_table
from revline.model.pieces import in_money, unit_pieces
from revline.model.segments import (
    corrected,
    draft_segments,
    exact_cents,
    expand,
    late_values,
    subscription_months,
)
from revline.model.terms import subscription_terms
from revline.settings import MetricSettings

#: The money columns of a customer-month (the MRR basis, plus usage when included, is ``mrr``).
MONEY = ("contract_mrr", "billed_mrr", "usage_mrr", "mrr")

#: Invoice statuses whose usage charges count (a draft is not billed; a void invoice is undone).
BILLED_STATUSES = ("open", "paid", "uncollectible")


@dataclass(frozen=True)
class MrrModel:
    """The MRR facts of one computation: subscription segments, usage, and the month range.

    The facts are temporary tables on the connection (:mod:`revline.model.segments` explains
    segments). ``has_late`` and ``has_usage`` say whether any subscription-month is delinquent
    and whether any usage is billed (when not, their steps are left out of later plans).
    Customer pieces (:mod:`revline.model.pieces`) are stored the first time a set of keys asks
    for them and reused by every later metric. Use the model as a context manager (or call
    :meth:`release`) to drop them all when done.
    """

    settings: MetricSettings
    first_idx: int
    last_idx: int
    months: ir.Table
    segments: ir.Table
    late: ir.Table
    usage_months: ir.Table
    accounts: ir.Table
    backend: ibis.BaseBackend
    has_late: bool = True
    has_usage: bool = True
    temp_tables: list[str] = field(default_factory=list, compare=False)
    _pieces: dict[tuple[str, ...], ir.Table] = field(default_factory=dict, compare=False)
    _customer_months: dict[tuple[str, ...], ir.Table] = field(default_factory=dict, compare=False)

    def release(self) -> None:
        """Drop the temporary fact tables now (they also go when the connection closes).

        Newest first: on Spark a stored fact is a view over the ones stored before it.
        """
        for name in reversed(self.temp_tables):
            drop(self.backend, name)
        self.temp_tables.clear()
        self._pieces.clear()
        self._customer_months.clear()

    def __enter__(self) -> MrrModel:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()

    @property
    def subscription_months(self) -> ir.Table:
        """MRR per subscription-month (segments expanded; delinquent months 0 and flagged).

        Columns: ``subscription_id, account_id, plan_id, month_idx, currency, rate_mul,
        contract_mrr, billed_mrr, delinquent``.
        """
        return subscription_months(self.segments, self.late)

    def pieces(self, keys: tuple[str, ...] = ("account_id",)) -> ir.Table:
        """The units' MRR pieces in whole cents (see :mod:`revline.model.pieces`), stored once
        per ``keys``."""
        if keys not in self._pieces:
            name = _temp_name("pieces")
            expr = unit_pieces(
                keys,
                self.segments,
                self.late if self.has_late else None,
                self.usage_months if self.has_usage else None,
                self.last_idx,
                self.settings.mrr_basis,
                self.settings.include_usage,
            )
            self._pieces[keys] = _store(self.backend, name, expr)
            self.temp_tables.append(name)
        return self._pieces[keys]

    def customer_months(self, keys: tuple[str, ...] = ("account_id",)) -> ir.Table:
        """MRR per customer-month, for customers with MRR > 0 that month.

        ``keys`` is ``("account_id",)`` for customers, or ``("account_id", "plan_id")`` to treat
        each account's business on each plan as its own unit (for breakdowns by plan). Columns:
        the keys, ``month_idx``, ``contract_mrr``, ``billed_mrr``, ``usage_mrr`` and ``mrr``.
        Expanded from the pieces (converted to ``DECIMAL`` once per piece, not per month) and
        stored the first time ``keys`` ask, so metrics that read them several times (cohort
        matrices) do not expand them again.
        """
        if keys not in self._customer_months:
            pieces = self.pieces(keys)
            paying = pieces.filter(pieces.mrr_cents > 0)
            valued = paying.select(*keys, "first_idx", "last_idx", **in_money(paying, *MONEY))
            months = expand(valued).select(*keys, "month_idx", *MONEY)
            name = _temp_name("cm")
            self._customer_months[keys] = _store(self.backend, name, months)
            self.temp_tables.append(name)
        return self._customer_months[keys]

    def delinquent(self, keys: tuple[str, ...] = ("account_id",)) -> ir.Table:
        """The ``keys`` and ``month_idx`` of units with a delinquent subscription that month.

        See :mod:`revline.model.dunning`; the subscription's MRR already counts 0 there.
        """
        return self.late.select(*keys, "month_idx").distinct()


def _first_index(backend: ibis.BaseBackend, fallback: int) -> int:
    """The month of the earliest subscription start or usage invoice (``fallback`` if none),
    ignoring dates outside the date window (a start in year 1 would make 24,000 months)."""
    subs = backend.table("subscriptions")
    invoices = backend.table("invoices")
    usage = invoices.filter(invoices.usage_amount > 0)
    starts = union_all(subs.select(at=subs.start_at), usage.select(at=usage.issued_at))
    first = backend.execute(starts.filter(in_window(starts.at)).at.min())
    if first is None or pd.isna(first):
        return fallback
    return month_index(pd.Timestamp(first).date())


def build_model(backend: ibis.BaseBackend, settings: MetricSettings) -> MrrModel:
    """Build the MRR facts from the canonical tables on ``backend``.

    Subscription terms, exchange factors, subscription segments, delinquent subscription-months
    and usage are computed once and kept as temporary tables on the backend; customer-months,
    movements and metrics are expressions over them (and over the customer pieces, stored on
    first use). Release them with :meth:`MrrModel.release` or ``with``.
    """
    check_engine(backend)
    if settings.as_of is None:  # the default as-of date is the data's end
        settings = replace(settings, as_of=data_end(backend))
    assert settings.as_of is not None
    last = month_index(settings.as_of)
    first = min(_first_index(backend, last), last)
    months = months_table(first, last)
    subscriptions = backend.table("subscriptions")
    invoices = backend.table("invoices")
    currencies = union_all(subscriptions.select("currency"), invoices.select("currency")).distinct()
    names: list[str] = []

    def keep(kind: str, expr: ir.Table) -> ir.Table:
        name = _temp_name(kind)
        names.append(name)
        return _store(backend, name, expr)

    try:
        factors = keep(
            "fx", rates(backend.table("fx_rates"), months, currencies, settings.reporting_currency)
        )
        # Segments are valued from float estimates; the few near a half cent are recomputed
        # exactly, from the terms of just those subscriptions (see segments.draft_segments).
        plans = backend.table("plans")
        terms = subscription_terms(subscriptions, plans, settings)
        draft = keep("mrr", draft_segments(backend.name, terms, factors, first, last))
        near = draft.filter(draft.near_half).select(n_sub=draft.subscription_id).distinct()
        near_subs = subscriptions.semi_join(near, subscriptions.subscription_id == near.n_sub)
        fixes = keep("fix", exact_cents(draft, subscription_terms(near_subs, plans, settings)))
        segments = corrected(draft, fixes)
        subs = subscriptions.select("subscription_id", "account_id")
        late = delinquent_months(invoices, subs, months, settings.dunning_days)
        late_rows = keep("late", late_values(segments, late))
        usage = keep("usage", _usage_months(invoices, subscriptions, factors))
        unrated = expand(draft.filter(draft.rate_mul.isnull()))
        check_rates(settings.reporting_currency, unrated, usage)
    except BaseException:
        for name in reversed(names):
            drop(backend, name)
        raise
    return MrrModel(
        settings,
        first,
        last,
        months,
        segments,
        late_rows,
        usage,
        backend.table("accounts"),
        backend,
        bool(backend.execute(late_rows.count())),
        bool(backend.execute(usage.count())),
        names,
    )


def _temp_name(kind: str) -> str:
    return f"_revline_{kind}_{uuid4().hex[:16]}"


def _store(backend: ibis.BaseBackend, name: str, expr: ir.Table) -> ir.Table:
    """Materialise ``expr`` for this computation, the engine's way (see :mod:`.engine`)."""
    return store(backend, name, expr)


def _usage_months(invoices: ir.Table, subscriptions: ir.Table, factors: ir.Table) -> ir.Table:
    """Usage charges per invoice, in the month issued, in the reporting currency."""
    billed = invoices.filter(
        invoices.status.isin(BILLED_STATUSES)
        & invoices.usage_amount.notnull()
        & (invoices.usage_amount > 0)
    )
    billed = billed.mutate(month_idx=month_index_of(billed.issued_at))
    plan_of = subscriptions.select(sub_id=subscriptions.subscription_id, plan_id="plan_id")
    with_plan = billed.left_join(plan_of, billed.subscription_id == plan_of.sub_id)
    converted = with_plan.inner_join(
        factors,
        [with_plan.currency == factors.currency, with_plan.month_idx == factors.month_idx],
    )
    return converted.select(
        "account_id",
        "plan_id",
        "month_idx",
        "currency",
        "rate_mul",
        usage_mrr=cents(
            times(converted.usage_amount, converted.rate_mul, 4, 4),
            converted.rate_div,
            converted.usage_amount.cast("float64")
            * converted.rate_mul.cast("float64")
            / converted.rate_div.cast("float64"),
        ),
    )
