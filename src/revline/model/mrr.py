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
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import uuid4

import ibis
import ibis.expr.types as ir
import pandas as pd

from revline.model.dunning import delinquent_months
from revline.model.engine import check_engine, drop, store
from revline.model.money import CENTS, cents, check_rates, rates, times, union_all
from revline.model.periods import month_index, months_table
from revline.model.terms import subscription_terms
from revline.settings import MetricSettings

#: Invoice statuses whose usage charges count (a draft is not billed; a void invoice is undone).
BILLED_STATUSES = ("open", "paid", "uncollectible")


@dataclass(frozen=True)
class MrrModel:
    """The MRR facts of one computation: subscription-months, usage, and the month range.

    The facts are temporary tables on the connection; use the model as a context manager (or
    call :meth:`release`) to drop them when done.
    """

    settings: MetricSettings
    first_idx: int
    last_idx: int
    months: ir.Table
    subscription_months: ir.Table
    usage_months: ir.Table
    accounts: ir.Table
    backend: ibis.BaseBackend
    temp_tables: tuple[str, ...] = ()

    def release(self) -> None:
        """Drop the temporary fact tables now (they also go when the connection closes)."""
        for name in self.temp_tables:
            drop(self.backend, name)

    def __enter__(self) -> MrrModel:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()

    def customer_months(self, keys: tuple[str, ...] = ("account_id",)) -> ir.Table:
        """MRR per customer-month, for customers with MRR > 0 that month.

        ``keys`` is ``("account_id",)`` for customers, or ``("account_id", "plan_id")`` to treat
        each account's business on each plan as its own unit (for breakdowns by plan). Columns:
        the keys, ``month_idx``, ``contract_mrr``, ``billed_mrr``, ``usage_mrr`` and ``mrr``.
        """
        zero = ibis.literal(0).cast(CENTS)
        subs = self.subscription_months.select(
            *keys, "month_idx", "contract_mrr", "billed_mrr", usage_mrr=zero
        )
        usage = self.usage_months.select(
            *keys, "month_idx", contract_mrr=zero, billed_mrr=zero, usage_mrr="usage_mrr"
        )
        both = union_all(subs, usage)
        summed = both.group_by([*keys, "month_idx"]).agg(
            contract_mrr=both.contract_mrr.sum().cast(CENTS),
            billed_mrr=both.billed_mrr.sum().cast(CENTS),
            usage_mrr=both.usage_mrr.sum().cast(CENTS),
        )
        base = summed.billed_mrr if self.settings.mrr_basis == "billed" else summed.contract_mrr
        total = base + summed.usage_mrr if self.settings.include_usage else base
        result = summed.mutate(mrr=total.cast(CENTS))
        return result.filter(result.mrr > 0)

    def delinquent(self, keys: tuple[str, ...] = ("account_id",)) -> ir.Table:
        """The ``keys`` and ``month_idx`` of units with a delinquent subscription that month.

        See :mod:`revline.model.dunning`; the subscription's MRR already counts 0 there.
        """
        subs = self.subscription_months
        late = subs.filter(subs.delinquent)
        return late.select(*keys, "month_idx").distinct()


def _as_of_index(settings: MetricSettings) -> int:
    return month_index(settings.as_of or datetime.now(UTC).date())


def _first_index(backend: ibis.BaseBackend, fallback: int) -> int:
    """The month of the earliest subscription start or usage invoice (``fallback`` if none)."""
    subs = backend.table("subscriptions")
    invoices = backend.table("invoices")
    usage = invoices.filter(invoices.usage_amount > 0)
    starts = union_all(subs.select(at=subs.start_at), usage.select(at=usage.issued_at))
    first = backend.execute(starts.at.min())
    if first is None or pd.isna(first):
        return fallback
    return month_index(pd.Timestamp(first).date())


def build_model(backend: ibis.BaseBackend, settings: MetricSettings) -> MrrModel:
    """Build the MRR facts from the canonical tables on ``backend``.

    The subscription-month and usage facts are computed once and kept as temporary tables on
    the backend (with the intermediate terms, rates and values); customer-months, movements and
    metrics are expressions over them. Release them with :meth:`MrrModel.release` or ``with``.
    """
    check_engine(backend)
    last = _as_of_index(settings)
    first = min(_first_index(backend, last), last)
    months = months_table(first, last)
    subscriptions = backend.table("subscriptions")
    terms = subscription_terms(subscriptions, backend.table("plans"), settings)
    invoices = backend.table("invoices")
    currencies = union_all(subscriptions.select("currency"), invoices.select("currency")).distinct()
    factor_name = _temp_name("fx")
    factors = _store(
        backend,
        factor_name,
        rates(backend.table("fx_rates"), months, currencies, settings.reporting_currency),
    )

    # The rounded value is computed per subscription-month from float estimates; the exact
    # wide-decimal check runs only for the rare values near a half cent (see money.cents).
    # Float copies of the exact amounts, made once per subscription, give the cents estimates.
    floats = {f"{c}_f": terms[c].cast("float64") for c in ("contract_num", "billed_num")}
    stored_terms = _store(
        backend,
        _temp_name("terms"),
        terms.mutate(**floats, denominator_f=terms.denominator.cast("float64")),
    )
    pairs = stored_terms.cross_join(months)
    running = pairs.filter(
        pairs.start_at < pairs.snapshot_at,
        pairs.effective_end_at.isnull() | (pairs.effective_end_at >= pairs.snapshot_at),
    )
    converted = running.inner_join(
        factors, [running.currency == factors.currency, running.month_idx == factors.month_idx]
    )
    denom = times(converted.denominator, converted.rate_div, 0, 4)
    scale_f = converted.rate_mul.cast("float64") / (
        converted.denominator_f * converted.rate_div.cast("float64")
    )
    valued = converted.mutate(
        v_contract=cents(
            times(converted.contract_num, converted.rate_mul, 8, 4),
            denom,
            converted.contract_num_f * scale_f,
        ),
        v_billed=cents(
            times(converted.billed_num, converted.rate_mul, 8, 4),
            denom,
            converted.billed_num_f * scale_f,
        ),
    )
    late = delinquent_months(invoices, stored_terms, months, settings.dunning_days)
    flagged = valued.left_join(
        late, [valued.subscription_id == late.d_sub, valued.month_idx == late.d_idx]
    )
    delinquent = flagged.d_sub.notnull()
    billable = ~(
        flagged.is_free
        | flagged.open_trial
        | (flagged.trial_end_at.notnull() & (flagged.trial_end_at >= flagged.snapshot_at))
    )
    paying = billable & ~delinquent
    zero = ibis.literal(0).cast(CENTS)
    sub_months = flagged.select(
        "subscription_id",
        "account_id",
        "plan_id",
        "month_idx",
        "currency",
        "rate_mul",
        contract_mrr=ibis.ifelse(paying, flagged.v_contract, zero),
        billed_mrr=ibis.ifelse(paying, flagged.v_billed, zero),
        delinquent=delinquent & billable,
    )
    names = (
        _temp_name("mrr"),
        _temp_name("usage"),
        stored_terms.get_name(),
        factor_name,
    )
    stored = (
        _store(backend, names[0], sub_months),
        _store(backend, names[1], _usage_months(invoices, subscriptions, factors)),
    )
    model = MrrModel(
        settings,
        first,
        last,
        months,
        stored[0],
        stored[1],
        backend.table("accounts"),
        backend,
        names,
    )
    try:
        check_rates(settings.reporting_currency, *stored)
    except BaseException:
        model.release()
        raise
    return model


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
    billed = billed.mutate(
        month_idx=(billed.issued_at.year() * 12 + billed.issued_at.month() - 1).cast("int64")
    )
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
