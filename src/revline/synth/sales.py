"""Opportunities and their full stage history, for new business, expansion and renewal deals.

New deals come from converted leads. Their true win probability is logistic in product fit,
deal size (bigger deals win less often), partner sourcing (partners win more) and competition;
their true cycle grows with deal size. Reps forecast a close date shorter than the truth, so
deals that run long slip: the history records the slip, stage by stage progress and the amount
revised at the proposal stage.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from revline.schema.enums import OPPORTUNITY_SOURCES, OPPORTUNITY_TYPES
from revline.synth import columns as c
from revline.synth.accounts import account_names
from revline.synth.config import (
    COMPETITORS,
    CURRENCIES,
    DAY,
    LOSS_REASONS,
    PRODUCTS,
    STAGE_FORECAST,
    STAGE_PROBABILITY,
    STAGES,
    Calendar,
)

PROPOSAL = STAGES.index("proposal")
#: Log-ARR centre and spread used to standardise deal size (USD cents).
LOG_SIZE_MEAN = np.log(1_500_000.0)
LOG_SIZE_SD = 1.3
#: Median true cycle days per segment.
CYCLE_DAYS = (120.0, 60.0, 30.0)
#: Spread (on log days) of a new deal's cycle around its median.
CYCLE_SD = 0.35
#: A lost new deal closes after this range of the cycle it would have had if won (uniform).
LOST_CYCLE_RATIO = (0.4, 1.2)
#: Stages a lost deal passes through (1..5), with these probabilities; won deals pass all.
LOST_STAGE_P = (0.3, 0.25, 0.2, 0.15, 0.1)
#: The rep's first expected close, as a share of the true cycle (uniform).
PLANNED_RATIO = (0.55, 1.0)
#: Shortest cycle, in days.
MIN_CYCLE_DAYS = 2.0


@dataclass(frozen=True)
class Deals:
    """Opportunities as arrays; ``end`` is the true close (at or after as_of: still open)."""

    index: np.ndarray
    account: np.ndarray  # global account number
    kind: np.ndarray  # index into OPPORTUNITY_TYPES
    source: np.ndarray  # index into OPPORTUNITY_SOURCES, -1 unknown
    partner: np.ndarray
    competitor: np.ndarray
    owner: np.ndarray
    lead: np.ndarray  # global lead number, -1 none
    created: np.ndarray
    end: np.ndarray
    won: np.ndarray
    first_stage: np.ndarray
    stages: np.ndarray  # stages passed through before closing (1..5)
    planned: np.ndarray  # the rep's first expected close instant
    amount0: np.ndarray  # first estimate, cents
    amount1: np.ndarray  # final amount, cents
    currency: np.ndarray
    loss_reason: np.ndarray  # -1 none
    win_probability: np.ndarray  # the truth used to draw ``won``
    product: np.ndarray  # index into PRODUCTS

    def __len__(self) -> int:
        return len(self.index)


def sigmoid(x: np.ndarray) -> np.ndarray:
    out: np.ndarray = 1.0 / (1.0 + np.exp(-x))
    return out


def size_score(amount_cents: np.ndarray) -> np.ndarray:
    """Deal size in standard deviations of log ARR."""
    out: np.ndarray = (np.log(np.maximum(amount_cents, 100)) - LOG_SIZE_MEAN) / LOG_SIZE_SD
    return out


def median_cycle(segment: np.ndarray, amount: np.ndarray, size_cycle: float) -> np.ndarray:
    """The median true cycle (days) of a won new deal, from its segment and USD size."""
    out: np.ndarray = np.asarray(CYCLE_DAYS)[segment] * np.exp(size_cycle * size_score(amount))
    return out


def new_business_outcome(
    rng: np.random.Generator,
    fit: np.ndarray,
    amount: np.ndarray,
    partnered: np.ndarray,
    competitor: np.ndarray,
    segment: np.ndarray,
    partner_effect: float,
    size_win: float,
    size_cycle: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """True win probability, drawn outcome and true cycle days of new deals."""
    z = size_score(amount)
    # Enterprise deals are worked by senior AEs with engineers: a higher base rate per segment.
    lift = np.asarray([1.0, 0.4, 0.0])[segment]
    logit = -1.7 + lift + 0.8 * fit + size_win * z + partner_effect * partnered
    logit -= 0.35 * (competitor >= 0)
    p = sigmoid(logit)
    won = rng.random(len(p)) < p
    noise = rng.normal(0, CYCLE_SD, len(p))
    cycle = np.asarray(CYCLE_DAYS)[segment] * np.exp(size_cycle * z + noise)
    cycle = np.where(won, cycle, cycle * rng.uniform(*LOST_CYCLE_RATIO, len(p)))
    return p, won, np.maximum(cycle, MIN_CYCLE_DAYS)


def _lost_stages(rng: np.random.Generator, n: int) -> np.ndarray:
    return rng.choice(np.arange(1, len(STAGES) + 1), n, p=list(LOST_STAGE_P))


def stages_reached(rng: np.random.Generator, won: np.ndarray, first: np.ndarray) -> np.ndarray:
    """How many stages a deal passes through before it closes (all of them when won)."""
    room = len(STAGES) - first
    return np.where(won, room, np.minimum(_lost_stages(rng, len(won)), room))


def write(
    deals: Deals, cal: Calendar, first_history: int, loaded_at: int
) -> tuple[pa.Table, pa.Table]:
    """The opportunities and opportunity_history frames of a batch of deals."""
    n = len(deals)
    closed = deals.end < cal.end
    span = np.maximum(deals.end - deals.created, 1)
    k = deals.stages
    # Stage rows: stage s of k at created + span * s / k, kept while before as_of.
    row = np.repeat(np.arange(n), k)
    s = np.arange(len(row)) - np.repeat(np.cumsum(k) - k, k)
    t = deals.created[row] + span[row] * s // k[row]
    keep = t < cal.end
    row, s, t = row[keep], s[keep], t[keep]
    stage = deals.first_stage[row] + s
    reached = np.zeros(n, np.int64)
    np.maximum.at(reached, row, stage)
    # The slip: when the rep's date passes before the deal closes, the date moves out.
    slipped = deals.planned < np.minimum(deals.end, cal.end)
    slip_rows = np.flatnonzero(slipped)
    slip_t = deals.planned[slip_rows]
    slip_s = deals.first_stage[slip_rows] + np.minimum(
        (slip_t - deals.created[slip_rows]) * k[slip_rows] // span[slip_rows], k[slip_rows] - 1
    )
    close_rows = np.flatnonzero(closed)
    h_row = np.concatenate([row, slip_rows, close_rows])
    h_stage = np.concatenate([stage, slip_s, np.full(len(close_rows), -1)])
    h_time = np.concatenate([t, slip_t, deals.end[close_rows]])
    h_is_slip = np.concatenate(
        [np.zeros(len(row), bool), np.ones(len(slip_rows), bool), np.zeros(len(close_rows), bool)]
    )
    is_closed = h_stage < 0
    won = deals.won[h_row] & is_closed
    amount = np.where((h_stage >= PROPOSAL) | is_closed, deals.amount1[h_row], deals.amount0[h_row])
    expected = np.where(
        h_is_slip | (h_time > deals.planned[h_row]), deals.end[h_row], deals.planned[h_row]
    )
    expected = np.where(is_closed, h_time, expected)
    names = (*STAGES, "closed_won", "closed_lost")
    name_idx = np.where(is_closed, np.where(won, len(STAGES), len(STAGES) + 1), h_stage)
    forecast = (*STAGE_FORECAST, "closed", "omitted")
    history = c.frame(
        "opportunity_history",
        loaded_at,
        {
            "history_id": c.ids("oph_", first_history + np.arange(len(h_row))),
            "opportunity_id": c.ids("opp_", deals.index[h_row]),
            "changed_at": c.instant(h_time),
            "stage": c.pick(names, name_idx),
            "amount": c.money(amount),
            "currency": c.pick(CURRENCIES, deals.currency[h_row]),
            "close_date": c.day(expected),
            "forecast_category": c.pick(forecast, name_idx),
            "is_closed": pa.array(is_closed),
            "is_won": pa.array(won),
        },
    )
    now = np.where(closed, np.where(deals.won, len(STAGES), len(STAGES) + 1), reached)
    amount_now = np.where(closed | (reached >= PROPOSAL), deals.amount1, deals.amount0)
    close_now = np.where(closed | slipped, deals.end, deals.planned)
    prob = np.asarray((*STAGE_PROBABILITY, 1.0, 0.0))[now]
    lost = closed & ~deals.won
    reason = np.where(lost, deals.loss_reason, -1)
    opportunities = c.frame(
        "opportunities",
        loaded_at,
        {
            "opportunity_id": c.ids("opp_", deals.index),
            "account_id": c.ids("acc_", deals.account),
            "name": pc.binary_join_element_wise(
                account_names(deals.account),
                c.pick(("new business", "expansion", "renewal"), deals.kind),
                " - ",
            ),
            "opportunity_type": c.pick(OPPORTUNITY_TYPES, deals.kind),
            "lead_source": c.pick(
                OPPORTUNITY_SOURCES, np.maximum(deals.source, 0), deals.source < 0
            ),
            "partner_id": c.ids("ptn_", np.maximum(deals.partner, 0), deals.partner < 0),
            "competitor": c.pick(
                COMPETITORS, np.maximum(deals.competitor, 0), deals.competitor < 0
            ),
            "product": c.pick(PRODUCTS, deals.product),
            "stage": c.pick(names, now),
            "amount": c.money(amount_now),
            "currency": c.pick(CURRENCIES, deals.currency),
            "forecast_category": c.pick(forecast, now),
            "probability": c.scaled(np.round(prob * 10_000).astype(np.int64), 10_000),
            "created_at": c.instant(deals.created),
            "close_date": c.day(close_now),
            "closed_at": c.instant(deals.end, ~closed),
            "is_closed": pa.array(closed),
            "is_won": pa.array(closed & deals.won),
            "loss_reason": c.pick(LOSS_REASONS, np.maximum(reason, 0), reason < 0),
            "owner_id": c.ids("emp_", deals.owner),
            "lead_id": c.ids("led_", np.maximum(deals.lead, 0), deals.lead < 0),
        },
    )
    return opportunities, history


def loss_reasons(rng: np.random.Generator, competitor: np.ndarray) -> np.ndarray:
    """Why lost deals were lost: competitors win a share of contested deals."""
    base = rng.choice(len(LOSS_REASONS), len(competitor), p=[0.3, 0.0, 0.35, 0.2, 0.15])
    to_rival = (competitor >= 0) & (rng.random(len(competitor)) < 0.5)
    return np.where(to_rival, LOSS_REASONS.index("competitor"), base)


def planned_close(
    rng: np.random.Generator, created: np.ndarray, cycle_days: np.ndarray
) -> np.ndarray:
    """The rep's first expected close: optimistic, 55-100% of the true cycle."""
    ratio = rng.uniform(*PLANNED_RATIO, len(created))
    return created + (cycle_days * ratio * DAY).astype(np.int64)
