"""The customer lifecycle, month by month, vectorised across the customers of a chunk.

Each customer carries latent state: usage health ``u`` (mean-reverting towards its fit, with
shocks and occasional slumps of a few months) and payment risk ``r``. Every month, in causal order:

1. billed customers pay on time, late, or fail (probabilities rise with ``r``);
2. the churn hazard is set from what happened *before and during* the month: late or failed
   payments in the last three months and the fall of usage health over them, plus segment and
   fit (enterprise churns less than SMB); annual contracts end mostly at renewal, with the
   twelve months' hazard compounded (mid-term terminations are a tenth of the monthly rate);
3. churn is drawn (it takes effect at the next month start); survivors may win an expansion
   (an expansion opportunity whose truth win probability rises with usage health) or downgrade;
4. churned customers may reactivate later.

The hazards, state and draws are kept so that the truth tables record exactly what was used.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from revline.synth.config import Calendar, SynthConfig
from revline.synth.sales import sigmoid

#: Logit of a paying customer's monthly chance of an expansion attempt (at typical usage).
EXPANSION_LOGIT = -2.1
#: An account grows to at most this many times the quantity it first bought (its size caps it;
#: without a cap, quantities compound over the opening book's years).
EXPANSION_CEILING = 5
# Payment outcomes of a month.
NONE, ON_TIME, LATE, FAILED_PAID, FAILED_LOST = 0, 1, 2, 3, 4


@dataclass(frozen=True)
class Customers:
    """Won customers of a chunk (index = customer number within the chunk)."""

    account: np.ndarray  # position in the chunk's Accounts
    segment: np.ndarray
    start: np.ndarray  # epoch seconds of the first subscription
    plan: np.ndarray
    quantity: np.ndarray
    annual: np.ndarray
    fit: np.ndarray
    health0: np.ndarray  # usage health at go-live (onboarding drives it)
    #: Churn-logit lift per customer from a planted problem (None: no plant, no change).
    churn_lift: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.account)


@dataclass(frozen=True)
class Lifecycle:
    """Customer x month matrices of the simulation."""

    active: np.ndarray
    quantity: np.ndarray
    health: np.ndarray
    risk: np.ndarray
    payment: np.ndarray  # payment outcome codes
    billed: np.ndarray
    events3: np.ndarray  # late or failed payments in this and the two months before
    decline: np.ndarray  # fall of usage health over the last three months
    hazard: np.ndarray
    churned: np.ndarray  # churn drawn this month, effective next month start
    started: np.ndarray  # first month of a (re)activation
    expansion: np.ndarray  # expansion attempted this month
    expansion_p: np.ndarray
    expansion_won: np.ndarray
    downgraded: np.ndarray
    renewal: np.ndarray  # an annual term ends this month

    def since(self, first: int) -> Lifecycle:
        """The same lives with nothing happening before month ``first`` (state kept).

        The opening book simulates its customers from their signing, years before the window;
        the tables written only for the window (usage, tickets, truth, ...) read this view.
        """
        if first <= 0:
            return self
        events = ("active", "billed", "churned", "started", "expansion", "expansion_won")
        masked = {}
        for name in (*events, "downgraded", "renewal"):
            matrix = getattr(self, name).copy()
            matrix[:, :first] = False
            masked[name] = matrix
        return replace(self, **masked)


def simulate(
    rng: np.random.Generator, config: SynthConfig, cal: Calendar, cust: Customers
) -> Lifecycle:
    n, months = len(cust), cal.months
    shape = (n, months)
    active = np.zeros(shape, bool)
    quantity = np.zeros(shape, np.int64)
    health = np.zeros(shape)
    risk = np.zeros(shape)
    payment = np.zeros(shape, np.int8)
    billed = np.zeros(shape, bool)
    events = np.zeros(shape, np.int64)
    events3 = np.zeros(shape, np.int64)
    decline = np.zeros(shape)
    hazard = np.zeros(shape)
    churned = np.zeros(shape, bool)
    started = np.zeros(shape, bool)
    expansion = np.zeros(shape, bool)
    expansion_p = np.zeros(shape)
    expansion_won = np.zeros(shape, bool)
    downgraded = np.zeros(shape, bool)
    renewal = np.zeros(shape, bool)

    first = cal.month_of(cust.start)
    on = np.zeros(n, bool)
    q = cust.quantity.copy()
    u = cust.health0.copy()
    rho = rng.normal(-0.4, 0.7, n) + np.asarray([-0.5, -0.2, 0.3])[cust.segment] - 0.2 * cust.fit
    r = rho + rng.normal(0, 0.5, n)
    term = first.copy()
    since = first.copy()
    last_churn = np.full(n, -10)
    slump = np.zeros(n, bool)
    base = np.asarray(config.churn_logit)[cust.segment]
    ceiling = EXPANSION_CEILING * cust.quantity
    for m in range(months):
        react = ~on & (last_churn >= 0) & (m - last_churn >= 2)
        react &= rng.random(n) < config.reactivation_rate
        q = np.where(react, np.maximum(1, (q * rng.uniform(0.6, 1.0, n)).astype(np.int64)), q)
        u = np.where(react, cust.health0 + rng.normal(0, 0.3, n), u)
        begin = (first == m) | react
        term = np.where(begin, m, term)
        since = np.where(begin, m, since)
        on |= begin
        started[:, m] = begin
        active[:, m] = on
        quantity[:, m] = q
        health[:, m] = u
        risk[:, m] = r
        into = m - term
        bill = on & (~cust.annual | (into % 12 == 0))
        billed[:, m] = bill
        fail = bill & (rng.random(n) < sigmoid(-3.3 + r))
        lost = fail & (rng.random(n) < 0.35)
        late = bill & ~fail & (rng.random(n) < sigmoid(-2.4 + r))
        payment[:, m] = np.select(
            [lost, fail, late, bill], [FAILED_LOST, FAILED_PAID, LATE, ON_TIME], NONE
        )
        events[:, m] = late | fail
        ev3 = events[:, max(0, m - 2) : m + 1].sum(axis=1)
        back = np.maximum(m - 3, since)
        fall = np.maximum(0.0, health[np.arange(n), back] - u)
        events3[:, m] = ev3
        decline[:, m] = fall
        logit = base + config.late_payment_effect * ev3 + config.usage_decline_effect * fall
        if cust.churn_lift is not None:
            logit = logit + cust.churn_lift
        monthly = sigmoid(logit - 0.35 * cust.fit)
        at_renewal = cust.annual & (into % 12 == 11)
        mid_term = monthly * 0.1  # early termination of an annual contract is rare
        h = np.where(cust.annual, np.where(at_renewal, 1 - (1 - monthly) ** 12, mid_term), monthly)
        h = np.where(on, h, 0.0)
        hazard[:, m] = h
        renewal[:, m] = on & at_renewal
        can_change = on & (m < months - 1)
        churn = can_change & (rng.random(n) < h)
        churned[:, m] = churn
        may_move = can_change & ~churn & (~cust.annual | at_renewal)
        room = q < ceiling
        attempt = may_move & room & (rng.random(n) < sigmoid(EXPANSION_LOGIT + 0.7 * u))
        p_win = sigmoid(0.2 + 0.8 * u + 0.4 * cust.fit)
        win = attempt & (rng.random(n) < p_win)
        expansion[:, m] = attempt
        expansion_p[:, m] = np.where(attempt, p_win, 0.0)
        expansion_won[:, m] = win
        down = may_move & ~win & (rng.random(n) < sigmoid(-4.2 - 0.8 * u))
        downgraded[:, m] = down
        grow = np.maximum(q + 1, np.ceil(q * rng.uniform(1.15, 1.6, n)).astype(np.int64))
        grow = np.minimum(grow, np.maximum(ceiling, q + 1))
        shrink = np.maximum(1, (q * rng.uniform(0.5, 0.85, n)).astype(np.int64))
        new_q = np.where(win, grow, np.where(down, shrink, q))
        term = np.where(new_q != q, m + 1, term)
        q = new_q
        on &= ~churn
        last_churn = np.where(churn, m, last_churn)
        # Slumps (a champion leaves, a project ends) pull usage down for a few months.
        slump = np.where(slump, rng.random(n) > 0.3, rng.random(n) < 0.03)
        u = 0.85 * u + 0.15 * (0.5 * cust.fit) - 0.3 * slump + rng.normal(0, 0.3, n)
        r = 0.7 * r + 0.3 * rho + rng.normal(0, 0.5, n)
    return Lifecycle(
        active,
        quantity,
        health,
        risk,
        payment,
        billed,
        events3,
        decline,
        hazard,
        churned,
        started,
        expansion,
        expansion_p,
        expansion_won,
        downgraded,
        renewal,
    )
