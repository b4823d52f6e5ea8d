"""The lifecycle model: one row per journey, one column per stage reached, built lazily in ibis.

A **journey** is one lead and what became of it (its new-business opportunity, the account's
onboarding, renewal, expansion or churn), or one new-business opportunity that no lead led to
(outbound, partner or AE-sourced deals: their journey starts at ``opportunity``). Journeys are
built from the canonical tables only: ``leads``, ``opportunities``, ``accounts``, ``onboarding``
and ``churn_events``; nothing is materialised, so the same expressions run on any ibis backend.

Stage times (UTC):

- ``lead_at`` created, ``mql_at``, ``sal_at``, ``sql_at`` from the lead;
- ``opportunity_at``: the lead's ``converted_at``, else the opportunity's ``created_at``;
- ``closed_won_at`` / ``closed_lost_at``: the new-business opportunity's ``closed_at``;
- ``onboarded_at``: go-live of the onboarding started by the won deal (else the account's first
  onboarding), with ``handoff_at`` and ``kickoff_at`` beside it;
- ``renewed_at`` / ``expanded_at``: the account's first won renewal / expansion opportunity;
- ``churned_at``: the account's first churn event that is not part of a reactivation.

Account stages are attached only to journeys whose deal was won, so a lost deal of an account
won through another journey is not credited with that account's onboarding.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Protocol

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir

from revline.model.stages import RANK, STAGES, column
from revline.warehouse import Warehouse

_TS = dt.Timestamp(timezone="UTC")


class Tables(Protocol):
    """Where journeys read the canonical tables from: a :class:`Warehouse`, or a metric frame."""

    def table(self, name: str) -> ir.Table: ...


def _first(table: ir.Table, key: str, order: list[str]) -> ir.Table:
    """The first row of ``table`` per non-null ``key``, ordered by the ``order`` columns."""
    rows = table.filter(table[key].notnull())
    window = ibis.window(group_by=rows[key], order_by=[rows[c] for c in order])
    ranked = rows.mutate(_rn=ibis.row_number().over(window))
    return ranked.filter(ranked._rn == 0).drop("_rn")


def _seal(table: ir.Table) -> ir.Table:
    """End an ibis join chain, so that the next join starts a new one instead of extending it.

    ibis folds a join of a join into one chain and then refuses predicates on the first join's
    projected columns; a no-op filter makes the result a plain relation.
    """
    return table.filter(ibis.literal(True))


def _nullable(table: ir.Table) -> ir.Table:
    """The same columns, every one nullable, so that two sides of a union agree on types."""
    schema = table.schema()
    return table.cast({name: schema[name].copy(nullable=True) for name in schema.names})


def _opportunity_side(wh: Tables) -> ir.Table:
    opps = wh.table("opportunities")
    new = opps.filter(opps.opportunity_type == "new")
    won = new.is_closed & new.is_won
    return new.select(
        o_id=new.opportunity_id,
        o_lead=new.lead_id,
        o_account=new.account_id,
        o_created=new.created_at,
        closed_won_at=ibis.ifelse(won, new.closed_at, ibis.null(_TS)),
        closed_lost_at=ibis.ifelse(new.is_closed & ~new.is_won, new.closed_at, ibis.null(_TS)),
        loss_reason=new.loss_reason,
        opportunity_owner_id=new.owner_id,
        amount=new.amount,
        currency=new.currency,
        opportunity_attributes=new.attributes,
    )


def _lead_side(wh: Tables, opp: ir.Table) -> ir.Table:
    leads = wh.table("leads")
    link = _first(opp, "o_lead", ["o_created", "o_id"]).select(
        link_lead=ibis._.o_lead, link_opp=ibis._.o_id
    )
    joined = leads.left_join(link, [("lead_id", "link_lead")])
    return joined.select(
        journey_id=joined.lead_id,
        lead_id=joined.lead_id,
        lead_account=joined.account_id,
        segment=joined.segment,
        region=joined.region,
        channel=joined.channel,
        lead_owner_id=joined.owner_id,
        lead_attributes=joined.attributes,
        lead_at=joined.created_at,
        mql_at=joined.mql_at,
        first_response_at=joined.first_response_at,
        sal_at=joined.sal_at,
        sql_at=joined.sql_at,
        converted_at=joined.converted_at,
        disqualified_at=joined.disqualified_at,
        disqualification_reason=joined.disqualification_reason,
        opp_key=joined.opportunity_id.coalesce(joined.link_opp),
    ).pipe(_seal)


def _deals(wh: Tables) -> ir.Table:
    """Lead journeys joined to their deal, plus deals no lead led to."""
    opp = _opportunity_side(wh)
    lead = _lead_side(wh, opp)
    deal = opp.view()
    with_lead = lead.left_join(deal, [("opp_key", "o_id")])
    linked = lead.filter(lead.opp_key.notnull()).select(k=lead.opp_key)
    orphan = opp.filter(~opp.o_id.isin(linked.k))
    null = {
        name: ibis.null(lead.schema()[name])
        for name in lead.schema().names
        if name not in ("journey_id", "opp_key")
    }
    orphan_rows = orphan.mutate(journey_id=orphan.o_id, opp_key=orphan.o_id, **null)
    names = with_lead.schema().names
    return _nullable(with_lead.select(*names)).union(_nullable(orphan_rows.select(*names)))


def journeys(wh: Tables) -> ir.Table:
    """One row per journey: ids, breakdown dimensions, deal value and every stage time.

    Columns: ``journey_id``, ``lead_id``, ``account_id``, ``opportunity_id``, ``segment``,
    ``region``, ``channel``, ``lead_owner_id``, ``opportunity_owner_id``, ``csm_owner_id``,
    ``lead_attributes``, ``opportunity_attributes``, ``amount`` (ARR of the new-business deal),
    ``currency``, ``first_response_at``, ``converted_at``, ``disqualified_at``,
    ``disqualification_reason``, ``closed_lost_at``, ``loss_reason``, ``handoff_at``,
    ``kickoff_at``, ``churn_reason`` and ``<stage>_at`` for every stage in
    :data:`revline.model.stages.STAGES`.
    """
    d = _deals(wh)
    accounts = wh.table("accounts").select(
        a_id=ibis._.account_id, a_segment=ibis._.segment, a_region=ibis._.region
    )
    d = d.mutate(account_id=d.o_account.coalesce(d.lead_account))
    d = d.left_join(accounts, [("account_id", "a_id")])

    ob = wh.table("onboarding")
    ob = ob.select(
        "onboarding_id",
        "account_id",
        "opportunity_id",
        "handoff_at",
        "kickoff_at",
        onboarded_at=ob.go_live_at,
        csm_owner_id=ob.owner_id,
    )
    ob_cols = ("handoff_at", "kickoff_at", "onboarded_at", "csm_owner_id")
    by_opp = _first(ob, "opportunity_id", ["handoff_at", "onboarding_id"])
    by_opp = by_opp.select(ob_opp=by_opp.opportunity_id, **{f"p_{k}": by_opp[k] for k in ob_cols})
    by_acc = _first(ob.view(), "account_id", ["handoff_at", "onboarding_id"])
    by_acc = by_acc.select(ob_acc=by_acc.account_id, **{f"q_{k}": by_acc[k] for k in ob_cols})
    d = _seal(d.left_join(by_opp, [("o_id", "ob_opp")]))
    d = _seal(d.left_join(by_acc, [("account_id", "ob_acc")]))

    outcomes = _account_outcomes(wh)
    d = d.left_join(outcomes, [("account_id", "out_account")])
    won = d.closed_won_at.notnull()

    def after_win(value: ir.Value) -> ir.Value:
        return ibis.ifelse(won, value, ibis.null(value.type()))

    stage_times = {
        "lead_at": d.lead_at,
        "mql_at": d.mql_at,
        "sal_at": d.sal_at,
        "sql_at": d.sql_at,
        "opportunity_at": d.converted_at.coalesce(d.o_created),
        "closed_won_at": d.closed_won_at,
        "onboarded_at": after_win(d.p_onboarded_at.coalesce(d.q_onboarded_at)),
        "renewed_at": after_win(d.renewed_at),
        "expanded_at": after_win(d.expanded_at),
        "churned_at": after_win(d.churned_at),
    }
    return d.select(
        journey_id=d.journey_id,
        lead_id=d.lead_id,
        account_id=d.account_id,
        opportunity_id=d.o_id,
        segment=d.segment.coalesce(d.a_segment),
        region=d.region.coalesce(d.a_region),
        channel=d.channel,
        lead_owner_id=d.lead_owner_id,
        opportunity_owner_id=d.opportunity_owner_id,
        csm_owner_id=after_win(d.p_csm_owner_id.coalesce(d.q_csm_owner_id)),
        lead_attributes=d.lead_attributes,
        opportunity_attributes=d.opportunity_attributes,
        amount=d.amount,
        currency=d.currency,
        first_response_at=d.first_response_at,
        converted_at=d.converted_at,
        disqualified_at=d.disqualified_at,
        disqualification_reason=d.disqualification_reason,
        closed_lost_at=d.closed_lost_at,
        loss_reason=d.loss_reason,
        handoff_at=after_win(d.p_handoff_at.coalesce(d.q_handoff_at)),
        kickoff_at=after_win(d.p_kickoff_at.coalesce(d.q_kickoff_at)),
        churn_reason=after_win(d.churn_reason),
        **stage_times,
    )


def _account_outcomes(wh: Tables) -> ir.Table:
    """Per account: first won renewal, first won expansion, first churn (and its reason)."""
    opps = wh.table("opportunities")
    won = opps.filter(opps.is_won & opps.is_closed & opps.account_id.notnull())
    firsts = won.group_by(out_account=won.account_id).aggregate(
        renewed_at=won.closed_at.min(where=won.opportunity_type == "renewal"),
        expanded_at=won.closed_at.min(where=won.opportunity_type == "expansion"),
    )
    ch = wh.table("churn_events")
    ch = ch.filter(ch.is_reactivation.isnull() | ~ch.is_reactivation)
    first_churn = _first(ch, "account_id", ["churned_at", "churn_event_id"]).select(
        c_account=ibis._.account_id, churned_at=ibis._.churned_at, churn_reason=ibis._.reason
    )
    keys = _nullable(firsts.select(k=firsts.out_account)).union(
        _nullable(first_churn.select(k=first_churn.c_account))
    )
    out = _nullable(keys).distinct()
    out = out.left_join(firsts, [("k", "out_account")]).left_join(first_churn, [("k", "c_account")])
    return out.select(
        out_account=out.k,
        renewed_at=out.renewed_at,
        expanded_at=out.expanded_at,
        churned_at=out.churned_at,
        churn_reason=out.churn_reason,
    )


def events(wh: Warehouse, journey_table: ir.Table | None = None) -> ir.Table:
    """The journeys as one event per stage reached: the long form of :func:`journeys`.

    Columns: ``journey_id``, ``lead_id``, ``account_id``, ``stage``, ``rank`` (position in the
    lifecycle; renewed, expanded and churned share the last rank) and ``at``.
    ``journey_table`` reuses journeys the caller already built.
    """
    j = journeys(wh) if journey_table is None else journey_table
    cols = [column(s) for s in STAGES]
    long = j.select("journey_id", "lead_id", "account_id", *cols).pivot_longer(
        cols, names_to="stage_col", values_to="at"
    )
    long = long.filter(long.at.notnull())
    stage = ibis.cases(*[(long.stage_col == column(s), s) for s in STAGES])
    rank = ibis.cases(*[(long.stage_col == column(s), RANK[s]) for s in STAGES])
    return long.select("journey_id", "lead_id", "account_id", stage=stage, rank=rank, at=long.at)


#: Reason columns that are only known once the time beside them has passed.
_REASONS = {
    "disqualification_reason": "disqualified_at",
    "loss_reason": "closed_lost_at",
    "churn_reason": "churned_at",
}


def as_of_view(j: ir.Table, when: datetime) -> ir.Table:
    """The journeys as they stood at ``when``: later times (and their reasons) become empty.

    Journeys that had not entered by then (no stage at or before ``when``) are left out.
    """
    cutoff = ibis.literal(when)
    times = [n for n in j.schema().names if n.endswith("_at")]
    masked = {n: ibis.ifelse(j[n] > cutoff, ibis.null(j[n].type()), j[n]) for n in times}
    reasons = {
        r: ibis.ifelse(j[t] > cutoff, ibis.null(j[r].type()), j[r]) for r, t in _REASONS.items()
    }
    view = j.mutate(**masked, **reasons)
    entered = ibis.literal(False)
    for s in STAGES:
        entered = entered | view[column(s)].notnull()
    return view.filter(entered)


def instant(value: date | datetime | None) -> datetime | None:
    """An ``as_of`` as a UTC instant: a date means the start of that day (UTC)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime(value.year, value.month, value.day, tzinfo=UTC)
