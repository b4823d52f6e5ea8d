"""Past-due handling: which subscription-months are delinquent.

An invoice is **outstanding** at an instant when it was issued (status ``open``, ``paid`` or
``uncollectible``; drafts and void invoices are not owed) and not yet paid: ``paid_at`` is empty
or not before the instant (an invoice marked ``paid`` without ``paid_at`` counts as paid on time).
Only invoices with a ``due_at`` can be past due.

A subscription stays active (its MRR counts) through the **dunning window**: the
``dunning_days`` after an invoice's ``due_at``. When a month-end snapshot falls after
``due_at + dunning_days`` and the invoice is still outstanding, the subscription is
**delinquent** that month: its MRR counts 0, so losing the last paying subscription this way is
churn (flagged ``delinquent`` in the customer-month rows) and ending one of several is
contraction. Once the invoice is paid, the next snapshot counts the subscription again: the
customer comes back (a reactivation if it had churned). An invoice without a
``subscription_id`` applies to every subscription of its account.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from revline.model.money import union_all

#: Invoice statuses that mean money is owed (until ``paid_at``).
OWED_STATUSES = ("open", "paid", "uncollectible")


def delinquent_months(
    invoices: ir.Table, terms: ir.Table, months: ir.Table, dunning_days: int | None
) -> ir.Table:
    """Distinct ``(d_sub, d_idx)``: subscription ``d_sub`` is delinquent in month ``d_idx``.

    ``terms`` has ``subscription_id`` and ``account_id``; ``months`` has ``month_idx`` and
    ``snapshot_at``. ``dunning_days=None`` turns past-due handling off (an empty result).
    """
    owed = invoices.filter(
        invoices.status.isin(OWED_STATUSES)
        & invoices.due_at.notnull()
        & ~((invoices.status == "paid") & invoices.paid_at.isnull())
    )
    if dunning_days is None:
        owed = owed.filter(ibis.literal(False))
    window = ibis.interval(days=dunning_days or 0)
    lapsed = owed.select(
        inv_sub=owed.subscription_id,
        inv_account=owed.account_id,
        lapsed_at=owed.due_at + window,
        paid_at=owed.paid_at,
    )
    # Only invoices still unpaid when the window closed can make a month delinquent; dropping
    # the others first keeps the range join below small (most invoices are paid in time).
    lapsed = lapsed.filter(lapsed.paid_at.isnull() | (lapsed.paid_at > lapsed.lapsed_at))
    subs = terms.select(t_sub=terms.subscription_id, t_account=terms.account_id)
    by_sub = lapsed.filter(lapsed.inv_sub.notnull())
    by_sub = by_sub.select(t_sub=by_sub.inv_sub, lapsed_at="lapsed_at", paid_at="paid_at")
    on_account = lapsed.filter(lapsed.inv_sub.isnull())
    by_account = on_account.inner_join(subs, on_account.inv_account == subs.t_account).select(
        "t_sub", "lapsed_at", "paid_at"
    )
    spans = union_all(by_sub, by_account)
    hit = spans.inner_join(
        months,
        [
            spans.lapsed_at < months.snapshot_at,
            spans.paid_at.isnull() | (spans.paid_at >= months.snapshot_at),
        ],
    )
    return hit.select(d_sub=hit.t_sub, d_idx=hit.month_idx).distinct()
