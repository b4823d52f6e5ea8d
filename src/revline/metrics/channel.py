"""The source channel of each account, for breaking metrics down by channel.

Rule: an account's channel is the ``channel`` of its **earliest lead** (by ``created_at``, then
``lead_id``), where a lead belongs to the account when ``leads.account_id`` names it or when it
converted into an opportunity of the account (``opportunities.lead_id``). Accounts without any
lead show as ``(none)``. The first touch that brought the account in is what marketing is
credited for, so the earliest lead is taken rather than the latest.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from revline.model.money import union_all


def account_channels(backend: ibis.BaseBackend) -> ir.Table:
    """One row per account with a lead: ``acc_id`` and ``group`` (its source channel)."""
    leads = backend.table("leads")
    opportunities = backend.table("opportunities")
    direct = leads.filter(leads.account_id.notnull()).select(
        acc_id=leads.account_id,
        created_at=leads.created_at,
        lead_id=leads.lead_id,
        channel=leads.channel,
    )
    deals = opportunities.filter(
        opportunities.account_id.notnull() & opportunities.lead_id.notnull()
    ).select(o_account=opportunities.account_id, o_lead=opportunities.lead_id)
    via = deals.inner_join(leads, deals.o_lead == leads.lead_id).select(
        acc_id="o_account", created_at="created_at", lead_id="lead_id", channel="channel"
    )
    both = union_all(direct, via)
    order = [both.created_at, both.lead_id]
    ranked = both.mutate(rank=ibis.row_number().over(group_by=both.acc_id, order_by=order))
    first = ranked.filter(ranked.rank == 0)
    return first.select("acc_id", group=first.channel)
