"""Customer success: onboarding of won deals, support tickets, health notes and churn events.

Onboarding length is causal: a slow or stalled go-live starts the customer at lower usage health,
which raises its later churn hazard. Tickets come more often from struggling customers, and the
success managers' scores track usage health and payment trouble with noise.

A planted poor-onboarding segment (:mod:`revline.synth.plants`) onboards slower, stalls more
and churns for it.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from revline.synth import columns as c
from revline.synth.config import (
    CHURN_REASONS,
    DAY,
    SEGMENTS,
    TICKET_CATEGORIES,
    Calendar,
    SynthConfig,
)
from revline.synth.lifecycle import Customers, Lifecycle
from revline.synth.sales import sigmoid

#: Expected tickets per active month, per segment.
TICKET_RATE = (1.5, 0.6, 0.2)
NOTE_BODIES = (
    "Strong adoption; exploring more seats.",
    "Steady use; quarterly review done.",
    "Usage dropping; champion left.",
    "Payment issues raised by finance.",
)
CHURN_FEEDBACK = (
    "Too expensive for us now.",
    "Moved to a competitor.",
    "Support was slow.",
    "Budget cut this year.",
    "Missing features we need.",
    "Card kept failing.",
    "We stopped using it.",
)


def onboarding(
    rng: np.random.Generator,
    config: SynthConfig,
    cal: Calendar,
    segment: np.ndarray,
    fit: np.ndarray,
    won_at: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray | None]:
    """Handoff, kickoff and go-live instants (-1 not yet), and the usage health they leave.

    The fifth value is the churn-logit lift of each customer under the planted
    ``poor_onboarding_segment`` (``None`` when that plant is off: the draws are then exactly
    those made without it).
    """
    n = len(segment)
    handoff = np.minimum(won_at + rng.integers(0, 2 * DAY, n), cal.end - 1)
    kickoff = handoff + (rng.exponential(4, n) * DAY).astype(np.int64) + DAY
    typical = np.asarray(config.onboarding_days)[segment]
    days = typical * np.exp(-0.3 * fit) * rng.lognormal(0, 0.5, n)
    draw = rng.random(n)
    stalled = draw < 0.06
    lift = None
    if config.poor_onboarding_segment is not None:  # planted: one segment onboards badly
        poor = segment == SEGMENTS.index(config.poor_onboarding_segment)
        days = np.where(poor, days * config.poor_onboarding_factor, days)
        stalled = draw < np.where(poor, config.poor_onboarding_stall, 0.06)
        failed = poor & (stalled | (days > 2 * typical))
        lift = config.poor_onboarding_churn * failed
    live = kickoff + (days * DAY).astype(np.int64)
    live = np.where(stalled, -1, live)
    health0 = 0.5 * fit - 0.5 * np.log(days / typical) - 1.2 * stalled + rng.normal(0, 0.3, n)
    return handoff, kickoff, live, health0, lift


def onboarding_frame(
    cal: Calendar,
    first: int,
    account_ids: pa.Array,
    opportunity_ids: pa.Array,
    owner: np.ndarray,
    handoff: np.ndarray,
    kickoff: np.ndarray,
    live: np.ndarray,
    loaded_at: int,
) -> pa.Table:
    n = len(handoff)
    kicked = kickoff < cal.end
    went_live = (live >= 0) & (live < cal.end)
    stalled = live < 0
    status = np.where(went_live, 2, np.where(~kicked, 0, np.where(stalled & kicked, 3, 1)))
    return c.frame(
        "onboarding",
        loaded_at,
        {
            "onboarding_id": c.ids("onb_", first + np.arange(n)),
            "account_id": account_ids,
            "opportunity_id": opportunity_ids,
            "owner_id": c.ids("emp_", owner),
            "handoff_at": c.instant(handoff),
            "kickoff_at": c.instant(kickoff, ~kicked),
            "go_live_at": c.instant(np.maximum(live, 0), ~went_live),
            "status": c.pick(("not_started", "in_progress", "live", "stalled"), status),
        },
    )


def tickets(
    rng: np.random.Generator,
    cal: Calendar,
    cust: Customers,
    acc_index: np.ndarray,
    life: Lifecycle,
    first: int,
    loaded_at: int,
) -> pa.Table:
    cu, m = np.nonzero(life.active)
    h = life.health[cu, m]
    lam = np.asarray(TICKET_RATE)[cust.segment[cu]] * np.exp(-0.5 * h)
    k = rng.poisson(lam)
    row = np.repeat(np.arange(len(cu)), k)
    n = len(row)
    h = h[row]
    month = m[row]
    opened = cal.starts[month] + (
        rng.random(n) * (cal.starts[month + 1] - cal.starts[month])
    ).astype(np.int64)
    priority = np.clip(rng.poisson(0.8, n) + (h < -1), 0, 3)
    response = opened + (rng.lognormal(np.log(4), 1.0, n) * 3600).astype(np.int64)
    closed = response + (rng.exponential(2, n) * DAY).astype(np.int64)
    billing_trouble = life.events3[cu[row], month] > 0
    category = np.where(
        billing_trouble & (rng.random(n) < 0.5), 2, rng.integers(0, len(TICKET_CATEGORIES), n)
    )
    csat = np.clip(np.round(3.8 + 0.6 * h + rng.normal(0, 0.8, n)), 1, 5).astype(np.int64)
    rated = rng.random(n) < 0.4
    return c.frame(
        "tickets",
        loaded_at,
        {
            "ticket_id": c.ids("tkt_", first + np.arange(n)),
            "account_id": c.ids("acc_", acc_index[cust.account[cu[row]]]),
            "opened_at": c.instant(opened),
            "first_response_at": c.instant(response, response >= cal.end),
            "closed_at": c.instant(closed, closed >= cal.end),
            "priority": c.pick(("low", "medium", "high", "urgent"), priority),
            "category": c.pick(TICKET_CATEGORIES, category),
            "satisfaction_score": c.scaled(csat, 1, ~rated | (closed >= cal.end)),
            "escalated": pa.array(rng.random(n) < sigmoid(-2.5 - 0.5 * h)),
        },
    )


def health_notes(
    rng: np.random.Generator,
    cal: Calendar,
    cust: Customers,
    acc_index: np.ndarray,
    csm: np.ndarray,
    life: Lifecycle,
    first: int,
    loaded_at: int,
) -> pa.Table:
    """A quarterly note per enterprise and mid-market customer from its success manager."""
    covered = (cust.segment <= 1)[:, None] & life.active
    quarter_month = (np.arange(cal.months) % 3 == 1)[None, :]
    cu, m = np.nonzero(covered & quarter_month)
    n = len(cu)
    h = life.health[cu, m]
    score = np.clip(np.round(65 + 15 * h - 8 * life.events3[cu, m] + rng.normal(0, 8, n)), 0, 100)
    sentiment = np.where(score >= 70, 0, np.where(score >= 45, 1, 2))
    body = np.where(life.events3[cu, m] > 0, 3, np.where(sentiment == 2, 2, sentiment))
    noted = cal.starts[m] + rng.integers(0, 25 * DAY, n)
    return c.frame(
        "health_notes",
        loaded_at,
        {
            "note_id": c.ids("hln_", first + np.arange(n)),
            "account_id": c.ids("acc_", acc_index[cust.account[cu]]),
            "noted_at": c.instant(noted),
            "author_id": c.ids("emp_", csm[cust.account[cu]]),
            "sentiment": c.pick(("positive", "neutral", "negative"), sentiment),
            "score": c.scaled(score.astype(np.int64), 1),
            "body": c.pick(NOTE_BODIES, body),
        },
    )


def churn_events(
    rng: np.random.Generator,
    cal: Calendar,
    cust: Customers,
    acc_index: np.ndarray,
    life: Lifecycle,
    cell: np.ndarray,
    first_sub: int,
    first: int,
    loaded_at: int,
) -> pa.Table:
    """One event per churn, its reason following the driver (payments, usage, or the market)."""
    cu, m = np.nonzero(life.churned)
    n = len(cu)
    market = rng.integers(0, len(CHURN_REASONS), n)
    paid_badly = (life.events3[cu, m] > 0) & (rng.random(n) < 0.6)
    unused = (life.decline[cu, m] > 0.4) & (rng.random(n) < 0.6)
    reasons = (*CHURN_REASONS, "non_payment", "low_usage")
    reason = np.where(
        paid_badly, len(CHURN_REASONS), np.where(unused, len(CHURN_REASONS) + 1, market)
    )
    return c.frame(
        "churn_events",
        loaded_at,
        {
            "churn_event_id": c.ids("chn_", first + np.arange(n)),
            "account_id": c.ids("acc_", acc_index[cust.account[cu]]),
            "subscription_id": c.ids("sub_", first_sub + cell[cu, m]),
            "churned_at": c.instant(cal.starts[m + 1]),
            "reason": c.pick(reasons, reason),
            "feedback": c.pick(CHURN_FEEDBACK, reason, rng.random(n) < 0.5),
            "is_reactivation": pa.array(np.zeros(n, bool)),
        },
    )
