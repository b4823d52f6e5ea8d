"""Assembling :class:`Deals` for the three kinds of opportunity.

New business comes from converted leads; expansion and renewal deals come from the lifecycle
(an expansion attempt, an annual term ending), so their outcomes are the lifecycle's draws and
their truth probabilities the ones it used.
"""

from __future__ import annotations

import numpy as np

from revline.synth.accounts import Accounts
from revline.synth.billing import PLAN_PRODUCT, PLAN_YEARLY, Prices
from revline.synth.config import DAY, Calendar, SynthConfig
from revline.synth.funnel import OUTBOUND, Leads
from revline.synth.lifecycle import Customers, Lifecycle
from revline.synth.sales import (
    PROPOSAL,
    Deals,
    loss_reasons,
    median_cycle,
    new_business_outcome,
    planned_close,
    stages_reached,
)

NEW, EXPANSION, RENEWAL = 0, 1, 2
MARKETING, SDR, AE, PARTNER = 0, 1, 2, 3


def new_business(
    rng: np.random.Generator,
    config: SynthConfig,
    acc: Accounts,
    leads: Leads,
    conv: np.ndarray,
    prices: Prices,
    fx_usd: np.ndarray,
    first: int,
) -> tuple[Deals, np.ndarray, np.ndarray]:
    """Deals of the converted leads ``conv``; also their true cycle and median cycle days."""
    a = leads.account[conv]
    n = len(conv)
    created = leads.converted[conv]
    partnered = acc.partner[a] >= 0
    competitor = np.where(rng.random(n) < 0.6, rng.integers(0, 4, n), -1)
    usd = prices.arr_local * fx_usd
    p, won, cycle = new_business_outcome(
        rng,
        acc.fit[a],
        usd,
        partnered,
        competitor,
        acc.segment[a],
        config.partner_win_effect,
        config.size_win_effect,
        config.size_cycle_effect,
    )
    first_stage = np.zeros(n, np.int64)
    estimate = prices.arr_local * rng.lognormal(0, 0.25, n)
    amount0 = np.maximum(np.round(estimate / 10_000) * 10_000, 10_000).astype(np.int64)
    outbound = leads.channel[conv] == OUTBOUND
    source = np.where(
        partnered, PARTNER, np.where(outbound, np.where(rng.random(n) < 0.3, AE, SDR), MARKETING)
    )
    deals = Deals(
        index=first + np.arange(n),
        account=acc.index[a],
        kind=np.full(n, NEW),
        source=source,
        partner=acc.partner[a],
        competitor=competitor,
        owner=acc.owner[a],
        lead=leads.index[conv],
        created=created,
        end=created + (cycle * DAY).astype(np.int64),
        won=won,
        first_stage=first_stage,
        stages=stages_reached(rng, won, first_stage),
        planned=planned_close(rng, created, cycle),
        amount0=amount0,
        amount1=prices.arr_local,
        currency=acc.currency[a],
        loss_reason=loss_reasons(rng, competitor),
        win_probability=p,
        product=PLAN_PRODUCT[prices.plan],
    )
    median = median_cycle(acc.segment[a], usd, config.size_cycle_effect)
    return deals, cycle, median


def from_lifecycle(
    rng: np.random.Generator,
    cal: Calendar,
    acc: Accounts,
    cust: Customers,
    prices: Prices,
    life: Lifecycle,
    first: int,
) -> Deals:
    """Expansion deals for each expansion attempt, renewal deals for each annual term end."""
    ec, em = np.nonzero(life.expansion)
    rc, rm = np.nonzero(life.renewal)
    cu = np.concatenate([ec, rc])
    m = np.concatenate([em, rm])
    n = len(cu)
    kind = np.concatenate([np.full(len(ec), EXPANSION), np.full(len(rc), RENEWAL)])
    renewal = kind == RENEWAL
    plan = prices.plan[cu]
    per_cycle = prices.unit_local[cu] * (100 - prices.discount[cu]) // 100
    arr_unit = np.where(PLAN_YEARLY[plan], per_cycle, per_cycle * 12)
    q = life.quantity[cu, m]
    q_next = life.quantity[cu, np.minimum(m + 1, cal.months - 1)]
    proposed = np.maximum(np.ceil(q * 0.3), 1).astype(np.int64)
    delta = np.where(life.expansion_won[cu, m], q_next - q, proposed)
    amount = np.maximum(np.where(renewal, q, delta) * arr_unit, 10_000)
    open_renewal = renewal & (m == cal.months - 1)
    h = life.hazard[cu, m]
    p = np.where(renewal, 1 - h, life.expansion_p[cu, m])
    won = np.where(renewal, ~life.churned[cu, m], life.expansion_won[cu, m])
    won = np.where(open_renewal, rng.random(n) < p, won)
    term_end = cal.starts[m + 1]
    created = np.where(renewal, term_end - 60 * DAY, cal.starts[m] + rng.integers(0, 10 * DAY, n))
    end = np.where(renewal, term_end - DAY, term_end - rng.integers(1, 5, n) * DAY)
    end = np.where(open_renewal, cal.end + 30 * DAY, end)
    a = cust.account[cu]
    first_stage = np.full(n, PROPOSAL)
    return Deals(
        index=first + np.arange(n),
        account=acc.index[a],
        kind=kind,
        source=np.full(n, AE),
        partner=acc.partner[a],
        competitor=np.full(n, -1),
        owner=acc.owner[a],
        lead=np.full(n, -1),
        created=created,
        end=end,
        won=won,
        first_stage=first_stage,
        stages=stages_reached(rng, won, first_stage),
        planned=end,
        amount0=amount,
        amount1=amount,
        currency=acc.currency[a],
        loss_reason=rng.choice([0, 2, 4], n),
        win_probability=p,
        product=PLAN_PRODUCT[plan],
    )
