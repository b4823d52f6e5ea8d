"""Subscription segments: runs of months in which a subscription's MRR stays the same.

A subscription counts in month ``m`` when it is running at the month-end snapshot (the first
instant of ``m + 1``): it started before that instant and its effective end is on or after it.
With ``month_index(t) = year * 12 + month - 1`` that is exactly the months
``month_index(start_at) <= m <= month_index(effective_end_at) - 1``, so each subscription's
months are one range computed from its own row, without pairing it with every month. A trial
is not billable while the snapshot is on or before ``trial_end_at``, that is before month
``month_index(trial_end_at)``; free plans and open trials are never billable.

Within its range a subscription's value changes only where it becomes billable or where the
exchange rate into the reporting currency changes. Rates are compressed into **rate runs**
(consecutive months of one currency with the same factors), and a **segment** is the overlap of
a subscription's range with a rate run: its MRR, rounded to the cent once, is the MRR of every
billable month it covers, exactly as if each month were computed on its own. At the
issue's scale (1M customers, 3.2M subscriptions) that is one row per subscription in one
currency instead of ~16M subscription-months.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from revline.model.engine import month_of
from revline.model.money import cent_count, estimate_cents, from_cents, times

#: A month index later than any month computed (for "never billable").
NEVER = 10**6


def rate_runs(factors: ir.Table) -> ir.Table:
    """Runs of consecutive months with the same conversion factors, per currency.

    ``factors`` has ``currency, month_idx, rate_mul, rate_div`` (null factors where no rate is
    known: those months form runs of their own, so the missing rate is still reported). Returns
    ``currency, run_first, run_last, rate_mul, rate_div`` and ``rate_f`` (``rate_mul /
    rate_div`` as a float, for estimates).
    """
    sentinel = ibis.literal(-1).cast(factors.rate_mul.type())
    mul = factors.rate_mul.coalesce(sentinel)
    div = factors.rate_div.coalesce(sentinel)
    window = ibis.window(group_by=factors.currency, order_by=factors.month_idx)
    marked = factors.mutate(
        changed=ibis.ifelse((mul.lag().over(window) == mul) & (div.lag().over(window) == div), 0, 1)
    )
    cumulative = ibis.cumulative_window(group_by=marked.currency, order_by=marked.month_idx)
    numbered = marked.mutate(run=marked.changed.sum().over(cumulative))
    runs = numbered.group_by(["currency", "run"]).agg(
        run_first=numbered.month_idx.min(),
        run_last=numbered.month_idx.max(),
        rate_mul=numbered.rate_mul.max(),
        rate_div=numbered.rate_div.max(),
    )
    # The float factor for estimates, once per run: casting a wide DECIMAL to DOUBLE on every
    # subscription row is slow (see revline.model.money).
    return runs.mutate(rate_f=runs.rate_mul.cast("float64") / runs.rate_div.cast("float64"))


def _ranges(engine: str, terms: ir.Table, first: int, last: int) -> ir.Table:
    """Each subscription's months within ``[first, last]`` and the first billable one."""
    lo = ibis.greatest(month_of(engine, terms.start_at), ibis.literal(first))
    end = month_of(engine, terms.effective_end_at) - 1
    hi = ibis.least(end.coalesce(last), ibis.literal(last))
    never = terms.is_free | terms.open_trial
    billable_from = ibis.cases(
        (never, ibis.literal(NEVER)),
        (terms.trial_end_at.isnull(), lo),
        else_=ibis.greatest(month_of(engine, terms.trial_end_at), lo),
    )
    ranged = terms.mutate(p_first=lo, p_last=hi, billable_from=billable_from.cast("int64"))
    return ranged.filter(ranged.p_first <= ranged.p_last)


def draft_segments(
    engine: str, terms: ir.Table, factors: ir.Table, first: int, last: int
) -> ir.Table:
    """One row per (subscription, rate run) with its MRR per billable month, from floats.

    ``terms`` is :func:`revline.model.terms.subscription_terms`; only its float copies are
    read, so the wide exact arithmetic is left out of this (every-row) step. ``near_half``
    marks the segments whose estimate lies near a half cent: :func:`exact_cents` recomputes
    those exactly and :func:`corrected` puts them in.
    Columns: ``subscription_id, account_id, plan_id, currency, rate_mul, first_idx, last_idx,
    billable_from, contract_cents, billed_cents``: the months the segment covers, the first of
    them that is billable (:data:`NEVER` for free plans and open trials; earlier months count
    0), and the MRR of each billable month as a whole number of cents (integer arithmetic is
    several times faster than wide decimals in the steps that follow), null when no rate is
    known.
    ``engine`` is the backend's name (see :func:`revline.model.engine.month_of`).
    """
    parts = _ranges(engine, terms, first, last)
    runs = rate_runs(factors)
    joined = parts.inner_join(
        runs,
        [
            parts.currency == runs.currency,
            runs.run_first <= parts.p_last,
            runs.run_last >= parts.p_first,
        ],
    )
    scale_f = joined.rate_f / joined.denominator_f
    contract, near_contract = estimate_cents(joined.contract_num_f * scale_f)
    billed, near_billed = estimate_cents(joined.billed_num_f * scale_f)
    return joined.select(
        "subscription_id",
        "account_id",
        "plan_id",
        "currency",
        "rate_mul",
        "rate_div",
        first_idx=ibis.greatest(joined.p_first, joined.run_first),
        last_idx=ibis.least(joined.p_last, joined.run_last),
        billable_from=joined.billable_from,
        contract_cents=contract,
        billed_cents=billed,
        near_half=near_contract | near_billed,
    )


def exact_cents(draft: ir.Table, terms: ir.Table) -> ir.Table:
    """Exact cents for the segments whose float estimate lies near a half cent.

    ``draft`` is :func:`draft_segments`; ``terms`` the exact terms of (at least) the
    subscriptions of its ``near_half`` rows. Returns ``x_sub, x_first, x_contract, x_billed``.
    """
    near = draft.filter(draft.near_half)
    exact = terms.select("subscription_id", "contract_num", "billed_num", "denominator")
    joined = near.inner_join(exact, "subscription_id")
    denom = times(joined.denominator, joined.rate_div, 0, 4)

    def value(num: str) -> ir.IntegerValue:
        return cent_count(times(joined[num], joined.rate_mul, 8, 4), denom)

    return joined.select(
        x_sub=joined.subscription_id,
        x_first=joined.first_idx,
        x_contract=value("contract_num"),
        x_billed=value("billed_num"),
    )


def corrected(draft: ir.Table, fixes: ir.Table) -> ir.Table:
    """The segments: ``draft`` with the exact cents of ``fixes`` where it has them."""
    joined = draft.left_join(
        fixes, [draft.subscription_id == fixes.x_sub, draft.first_idx == fixes.x_first]
    )
    return joined.select(
        *(c for c in draft.columns if c not in ("contract_cents", "billed_cents", "near_half")),
        contract_cents=joined.x_contract.coalesce(joined.contract_cents),
        billed_cents=joined.x_billed.coalesce(joined.billed_cents),
    )


def late_values(segments: ir.Table, late: ir.Table) -> ir.Table:
    """The billable subscription-months that are delinquent, with the MRR they lose.

    ``late`` is :func:`revline.model.dunning.delinquent_months` (``d_sub``, ``d_idx``).
    Columns: ``subscription_id, account_id, plan_id, month_idx, contract_cents, billed_cents``.
    """
    hit = segments.inner_join(
        late,
        [
            segments.subscription_id == late.d_sub,
            ibis.greatest(segments.first_idx, segments.billable_from) <= late.d_idx,
            segments.last_idx >= late.d_idx,
        ],
    )
    return hit.select(
        "subscription_id",
        "account_id",
        "plan_id",
        month_idx=hit.d_idx,
        contract_cents=hit.contract_cents,
        billed_cents=hit.billed_cents,
    )


def expand(table: ir.Table, first: str = "first_idx", last: str = "last_idx") -> ir.Table:
    """One row per month of each row's ``[first, last]`` range, as ``month_idx``."""
    return table.mutate(month_idx=ibis.range(table[first], table[last] + 1).unnest().cast("int64"))


def subscription_months(segments: ir.Table, late: ir.Table) -> ir.Table:
    """Segments expanded to subscription-months, delinquent months valued 0 and flagged.

    Columns: ``subscription_id, account_id, plan_id, month_idx, currency, rate_mul,
    contract_mrr, billed_mrr, delinquent``.
    """
    months = expand(segments)
    flags = late.select(l_sub=late.subscription_id, l_idx=late.month_idx)
    joined = months.left_join(
        flags, [months.subscription_id == flags.l_sub, months.month_idx == flags.l_idx]
    )
    delinquent = joined.l_sub.notnull()
    counts = ~delinquent & (joined.month_idx >= joined.billable_from)
    return joined.select(
        "subscription_id",
        "account_id",
        "plan_id",
        "month_idx",
        "currency",
        "rate_mul",
        contract_mrr=from_cents(ibis.ifelse(counts, joined.contract_cents, 0)),
        billed_mrr=from_cents(ibis.ifelse(counts, joined.billed_cents, 0)),
        delinquent=delinquent,
    )
