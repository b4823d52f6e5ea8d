"""Daily usage, invoices and payment attempts, from the lifecycle matrices.

Usage is written for active days only (one meter per account: seats' active users or API calls),
at most one row per account and day: weekdays are busy, weekends quiet, and an account's chance
of being active on a day follows its usage health, so falling health shows as fewer and smaller
rows before churn. Payment outcomes were drawn in the lifecycle (they drive the hazard); here
they become attempts: on time, late (paid after the due date), failed then recovered, or failed
twice and written off.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from revline.synth import columns as c
from revline.synth.billing import (
    API_LEVEL,
    PLAN_INCLUDED,
    PLAN_METER,
    PLAN_USAGE_PRICE,
    PLAN_YEARLY,
    Prices,
    Segments,
)
from revline.synth.config import CURRENCIES, DAY, Calendar
from revline.synth.lifecycle import FAILED_LOST, FAILED_PAID, LATE, ON_TIME, Customers, Lifecycle
from revline.synth.sales import sigmoid


def usage(
    rng: np.random.Generator,
    cal: Calendar,
    cust: Customers,
    acc_index: np.ndarray,
    prices: Prices,
    seg: Segments,
    life: Lifecycle,
    first_usage: int,
    first_sub: int,
    loaded_at: int,
    rows: bool = True,
) -> tuple[pa.Table | None, np.ndarray]:
    """Daily usage rows and the customer x month total of units used.

    ``rows=False`` makes the same draws and returns the totals only (no table).
    """
    cu, m = np.nonzero(life.active)
    cell = seg.cell[cu, m]
    d0 = np.maximum(cal.starts[m], seg.start[cell]) // DAY
    d1 = cal.starts[m + 1] // DAY
    span = np.maximum(d1 - d0, 0)
    row = np.repeat(np.arange(len(cu)), span)
    dayno = d0[row] + np.arange(len(row)) - np.repeat(np.cumsum(span) - span, span)
    weekend = (dayno + 3) % 7 >= 5
    h = life.health[cu, m][row]
    p = sigmoid(0.8 + 1.5 * h) * np.where(weekend, 0.15, 1.0)
    on = rng.random(len(row)) < p
    row, dayno, h = row[on], dayno[on], h[on]
    r_cu = cu[row]
    plan = prices.plan[r_cu]
    api = np.array([x == "api_calls" for x in PLAN_METER])[plan]
    seats = life.quantity[r_cu, m[row]]
    lam_users = np.maximum(seats * 0.6 * sigmoid(1.5 * h + 0.5), 0.5)
    lam_api = np.asarray(API_LEVEL)[cust.segment[r_cu]] * np.exp(0.8 * h) * np.maximum(seats, 1)
    qty = np.where(api, rng.poisson(lam_api), rng.poisson(lam_users) + 1)
    totals = np.zeros(life.active.shape, np.int64)
    np.add.at(totals, (r_cu, m[row]), qty)
    if not rows:
        return None, totals
    table = c.frame(
        "usage",
        loaded_at,
        {
            "usage_id": c.ids("use_", first_usage + np.arange(len(row))),
            "account_id": c.ids("acc_", acc_index[cust.account[r_cu]]),
            "subscription_id": c.ids("sub_", first_sub + cell[row]),
            "meter": c.pick(PLAN_METER, plan),
            "usage_date": c.day(dayno * DAY),
            "quantity": c.scaled(qty, 1),
        },
    )
    return table, totals


def usage_before(
    rng: np.random.Generator,
    cal: Calendar,
    cust: Customers,
    prices: Prices,
    seg: Segments,
    life: Lifecycle,
    until: int,
) -> np.ndarray:
    """Units used per customer and month before month ``until``, with no daily rows.

    The opening book writes daily usage only for the window; the months before it still bill
    usage in arrears on the invoices written before the window (see :func:`invoices`). One
    Poisson draw per customer-month, at the expected total of :func:`usage`'s daily draws.
    """
    totals = np.zeros(life.active.shape, np.int64)
    active = life.active.copy()
    active[:, until:] = False
    cu, m = np.nonzero(active)
    if not len(cu):
        return totals
    cell = seg.cell[cu, m]
    d0 = np.maximum(cal.starts[m], seg.start[cell]) // DAY
    days = np.maximum(cal.starts[m + 1] // DAY - d0, 0)
    h = life.health[cu, m]
    busy = days * (5 + 2 * 0.15) / 7 * sigmoid(0.8 + 1.5 * h)
    api = np.array([x == "api_calls" for x in PLAN_METER])[prices.plan[cu]]
    seats = life.quantity[cu, m]
    lam_users = np.maximum(seats * 0.6 * sigmoid(1.5 * h + 0.5), 0.5) + 1
    lam_api = np.asarray(API_LEVEL)[cust.segment[cu]] * np.exp(0.8 * h) * np.maximum(seats, 1)
    totals[cu, m] = rng.poisson(busy * np.where(api, lam_api, lam_users))
    return totals


def invoices(
    rng: np.random.Generator,
    cal: Calendar,
    cust: Customers,
    acc_index: np.ndarray,
    prices: Prices,
    currency: np.ndarray,
    fx_usd: np.ndarray,
    seg: Segments,
    life: Lifecycle,
    used: np.ndarray,
    first_invoice: int,
    first_payment: int,
    first_sub: int,
    loaded_at: int,
) -> tuple[pa.Table, pa.Table, np.ndarray]:
    """Invoices and payments; also returns the metered usage billed, in USD cents by month."""
    cu, m = np.nonzero(life.billed)
    n = len(cu)
    cell = seg.cell[cu, m]
    plan = prices.plan[cu]
    yearly = PLAN_YEARLY[plan]
    issued = np.maximum(cal.starts[m], seg.start[cell])
    month_len = cal.starts[m + 1] - cal.starts[m]
    cycle = prices.unit_local[cu] * life.quantity[cu, m] * (100 - prices.discount[cu]) // 100
    prorate = np.where(yearly, month_len, cal.starts[m + 1] - issued)
    recurring = cycle * prorate // month_len
    prev = np.where(m > 0, used[cu, np.maximum(m - 1, 0)], 0)
    over = np.maximum(prev - PLAN_INCLUDED[plan], 0)
    metered = np.round(over * PLAN_USAGE_PRICE[plan] / 100 / fx_usd[cu]).astype(np.int64)
    metered = np.where(yearly, 0, metered)
    amount = recurring + metered
    net = np.where(cust.segment[cu] == 2, 7, 30) * DAY
    due = issued + net
    period_end = np.where(yearly, issued + 364 * DAY, cal.starts[m + 1] - DAY)
    outcome = life.payment[cu, m]
    first_try = issued + rng.integers(0, DAY, n)
    on_time = issued + (rng.random(n) * net).astype(np.int64)
    late = due + rng.integers(3, 46, n) * DAY
    retry = first_try + rng.integers(3, 9, n) * DAY
    second_fail = first_try + 5 * DAY
    success = np.select(
        [outcome == ON_TIME, outcome == LATE, outcome == FAILED_PAID], [on_time, late, retry], -1
    )
    success = np.where(success >= cal.end, -1, success)
    written_off = (outcome == FAILED_LOST) & (second_fail + 30 * DAY < cal.end)
    status = np.where(success >= 0, 2, np.where(written_off, 4, 1))  # paid, uncollectible, open
    inv_ids = c.ids("inv_", first_invoice + np.arange(n))
    cur = c.pick(CURRENCIES, currency[cu])
    invoice_table = c.frame(
        "invoices",
        loaded_at,
        {
            "invoice_id": inv_ids,
            "account_id": c.ids("acc_", acc_index[cust.account[cu]]),
            "subscription_id": c.ids("sub_", first_sub + cell),
            "issued_at": c.instant(issued),
            "due_at": c.instant(due),
            "period_start": c.day(issued),
            "period_end": c.day(period_end),
            "amount": c.money(amount),
            "recurring_amount": c.money(recurring),
            "usage_amount": c.money(metered),
            "one_time_amount": c.money(np.zeros(n, np.int64)),
            "tax_amount": c.money(np.zeros(n, np.int64)),
            "currency": cur,
            "status": c.pick(("draft", "open", "paid", "void", "uncollectible"), status),
            "paid_at": c.instant(np.maximum(success, 0), success < 0),
        },
    )
    failed_first = (outcome == FAILED_PAID) | (outcome == FAILED_LOST)
    second = (outcome == FAILED_LOST) & (second_fail < cal.end)
    parts = [
        (np.flatnonzero(failed_first & (first_try < cal.end)), first_try, False),
        (np.flatnonzero(second), second_fail, False),
        (np.flatnonzero(success >= 0), success, True),
    ]
    inv = np.concatenate([p[0] for p in parts])
    at = np.concatenate([p[1][p[0]] for p in parts])
    ok = np.concatenate([np.full(len(p[0]), p[2]) for p in parts])
    reason = rng.integers(0, 3, len(inv))
    payment_table = c.frame(
        "payments",
        loaded_at,
        {
            "payment_id": c.ids("pay_", first_payment + np.arange(len(inv))),
            "invoice_id": inv_ids.take(pa.array(inv)),
            "account_id": c.ids("acc_", acc_index[cust.account[cu[inv]]]),
            "attempted_at": c.instant(at),
            "paid_at": c.instant(at, ~ok),
            "amount": c.money(amount[inv]),
            "currency": cur.take(pa.array(inv)),
            "status": c.pick(("failed", "succeeded"), ok.astype(np.int64)),
            "failure_reason": c.pick(
                ("card_declined", "insufficient_funds", "expired_card"), reason, ok
            ),
        },
    )
    usd = np.zeros(life.active.shape[1], np.int64)
    np.add.at(usd, m, np.round(metered * fx_usd[cu]).astype(np.int64))
    return invoice_table, payment_table, usd
