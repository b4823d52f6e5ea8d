"""Subscription terms: the price, billing cycle and effective end of each subscription.

A subscription's own price fields override its plan's: unit amount, billing interval and
interval count (defaults when neither says: interval ``month``, count 1, amount 0). The monthly
value of a billing cycle is kept as an exact fraction ``numerator / denominator`` so that the
division, the only inexact step, happens once, after currency conversion (see
:func:`revline.model.money.cents`).

Normalisation to a month: ``month`` x 1, ``quarter`` / 3, ``year`` / 12, ``week`` x 52 / 12,
``day`` x 365 / 12, and the interval count divides (a 6-month cycle is ``month`` with count 6).
Contract MRR is list price x quantity; billed MRR is net of ``discount_percent`` and of
``discount_amount`` (a fixed amount per billing cycle, so spread over the cycle), floored at 0.
"""

from __future__ import annotations

from decimal import Decimal

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir

from revline.model.money import D4, D8, WIDE, times
from revline.settings import MetricSettings

#: Monthly factor of one interval unit, as (numerator, denominator).
MONTH_FACTORS: dict[str, tuple[int, int]] = {
    "day": (365, 12),
    "week": (52, 12),
    "month": (1, 1),
    "quarter": (1, 3),
    "year": (1, 12),
}
_CYCLE_MONTHS = {"month": 1, "quarter": 3, "year": 12}
_CYCLE_DAYS = {"day": 1, "week": 7}


def _zero() -> ir.DecimalValue:
    return ibis.literal(Decimal(0), type=dt.Decimal(22, 4))


def paid_period_end(
    start: ir.TimestampValue,
    cancel: ir.TimestampValue,
    interval: ir.StringValue,
    count: ir.IntegerValue,
) -> ir.TimestampValue:
    """The end of the billing cycle in which ``cancel`` falls, cycles counted from ``start``.

    A cancellation before the start ends the subscription at its start (it never runs).
    """
    cycle_months = interval.cases(*_CYCLE_MONTHS.items(), else_=0) * count
    cycle_days = interval.cases(*_CYCLE_DAYS.items(), else_=0) * count
    months = (cancel.year() - start.year()) * 12 + cancel.month() - start.month()
    months = ibis.ifelse(start + months.as_interval("M") > cancel, months - 1, months)
    safe_months = ibis.ifelse(cycle_months > 0, cycle_months, 1)
    by_month = start + ((months // safe_months + 1) * cycle_months).as_interval("M")
    seconds = cancel.epoch_seconds() - start.epoch_seconds()
    days = (seconds / 86400).floor().cast("int64")
    safe_days = ibis.ifelse(cycle_days > 0, cycle_days, 1)
    by_day = start + ((days // safe_days + 1) * cycle_days).as_interval("D")
    return ibis.cases((cancel < start, start), (cycle_months > 0, by_month), else_=by_day)


def subscription_terms(
    subscriptions: ir.Table, plans: ir.Table, settings: MetricSettings
) -> ir.Table:
    """One row per subscription with its exact monthly value and its effective dates.

    Columns: ``subscription_id, account_id, plan_id, currency, start_at, effective_end_at,
    trial_end_at, open_trial, is_free, contract_num, billed_num, denominator``, and float copies
    ``contract_num_f, billed_num_f, denominator_f`` (for estimates, see
    :func:`revline.model.money.cent_count`). Monthly contract MRR is
    ``contract_num / denominator`` and billed MRR ``billed_num / denominator``, both in
    ``currency``.
    """
    p = plans.select(
        plan_id=plans.plan_id,
        plan_unit_amount=plans.unit_amount,
        plan_interval=plans.billing_interval,
        plan_count=plans.interval_count,
        plan_is_free=plans.is_free,
    )
    s = subscriptions.left_join(p, subscriptions.plan_id == p.plan_id)
    interval = s.billing_interval.coalesce(s.plan_interval, ibis.literal("month"))
    count = s.interval_count.coalesce(s.plan_count, ibis.literal(1)).cast("int64")
    unit = s.unit_amount.coalesce(s.plan_unit_amount, _zero())
    numerator = interval.cases(*((k, v[0]) for k, v in MONTH_FACTORS.items()), else_=1)
    denominator = interval.cases(*((k, v[1]) for k, v in MONTH_FACTORS.items()), else_=1)
    listed = (unit.cast(D4) * s.quantity).cast(D4)
    percent = s.discount_percent.coalesce(_zero()).cast(D4)
    fixed = s.discount_amount.coalesce(_zero()).cast(D4)
    net = times(listed, (100 - percent).cast(D4), 4, 4) - (fixed * 100).cast(D8)
    net = ibis.ifelse(net > 0, net, _zero().cast(D8)).cast(D8)
    # Float copies for the cents estimates, from the (narrow) stored amounts: computing them
    # from the wide exact values would cost the wide arithmetic on every row.
    unit_f = unit.cast("float64") * s.quantity.cast("float64")
    percent_f = s.discount_percent.coalesce(_zero()).cast("float64")
    fixed_f = s.discount_amount.coalesce(_zero()).cast("float64")
    net_f = ibis.greatest(unit_f * (100 - percent_f) - fixed_f * 100, 0.0)

    cancel = s.canceled_at
    paid_end = paid_period_end(s.start_at, cancel, interval, count)
    cut = {
        "cancellation": cancel,
        "paid_period_end": paid_end,
        "scheduled_end": s.end_at.coalesce(paid_end),
    }[settings.churn_recognition]
    effective_end = ibis.cases(
        (cancel.isnull(), s.end_at),
        (s.end_at.isnull(), cut),
        else_=ibis.least(s.end_at, cut),
    )
    return s.select(
        subscription_id=s.subscription_id,
        account_id=s.account_id,
        plan_id=s.plan_id,
        currency=s.currency,
        start_at=s.start_at,
        effective_end_at=effective_end,
        trial_end_at=s.trial_end_at,
        open_trial=s.is_trial.coalesce(False) & s.trial_end_at.isnull(),
        is_free=s.plan_is_free.coalesce(False),
        contract_num=(listed * 100 * numerator).cast(D8),
        billed_num=(net * numerator).cast(D8),
        denominator=(denominator * count * 100).cast(WIDE),
        contract_num_f=unit_f * 100 * numerator.cast("float64"),
        billed_num_f=net_f * numerator.cast("float64"),
        denominator_f=(denominator * count * 100).cast("float64"),
    )
