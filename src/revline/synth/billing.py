"""Billing: the price list, plan choice per deal, and subscriptions and invoices from the lifecycle.

A subscription row is one stretch of a customer at one plan and quantity: an upgrade, downgrade
or reactivation ends one row and starts the next, churn ends it. Prices are set in the account's
currency at signing (USD list price over that month's FX rate) and held. Monthly plans bill each
month (the first month prorated), annual plans at each term start; usage beyond the included
units is billed in arrears on the next monthly invoice.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from revline.synth import columns as c
from revline.synth.config import CURRENCIES, DAY, PLANS, PRODUCTS, Calendar
from revline.synth.lifecycle import Customers, Lifecycle

PLAN_USD = np.array([p[5] for p in PLANS], np.int64)  # cents per unit per cycle
PLAN_YEARLY = np.array([p[3] == "year" for p in PLANS])
PLAN_USAGE_PRICE = np.array([p[6] for p in PLANS], np.int64)  # 1/10,000 USD per unit
PLAN_INCLUDED = np.array([p[7] for p in PLANS], np.int64)
PLAN_METER = tuple(p[8] for p in PLANS)
PLAN_PRODUCT = np.array([PRODUCTS.index(p[0]) for p in PLANS], np.int64)
#: Plan mix per segment (enterprise, mid_market, smb) over PLANS.
PLAN_MIX = (
    (0.0, 0.0, 0.0, 0.2, 0.0, 0.1, 0.5, 0.2),
    (0.0, 0.05, 0.3, 0.35, 0.0, 0.2, 0.1, 0.0),
    (0.4, 0.15, 0.25, 0.05, 0.1, 0.05, 0.0, 0.0),
)
SEATS = (200.0, 25.0, 5.0)
#: Daily metered volume per unit of health (api calls), per segment.
API_LEVEL = (120_000.0, 20_000.0, 3_000.0)


@dataclass(frozen=True)
class Prices:
    """Each deal's plan, quantity, discount and local price per unit per cycle (cents)."""

    plan: np.ndarray
    quantity: np.ndarray
    discount: np.ndarray  # whole percent
    unit_local: np.ndarray
    arr_local: np.ndarray  # annual recurring value in local cents (estimated usage for usage plans)

    def take(self, rows: np.ndarray) -> Prices:
        """The prices of the deals at ``rows``."""
        return Prices(*(getattr(self, name)[rows] for name in self.__dataclass_fields__))


def choose(
    rng: np.random.Generator,
    segment: np.ndarray,
    fit: np.ndarray,
    fx_usd: np.ndarray,
) -> Prices:
    """Plan, seats and discount for deals; ``fx_usd`` is USD per unit of each deal's currency."""
    n = len(segment)
    plan = np.empty(n, np.int64)
    for s in range(3):
        rows = np.flatnonzero(segment == s)
        plan[rows] = rng.choice(len(PLANS), len(rows), p=np.asarray(PLAN_MIX[s]))
    model = np.array([p[2] for p in PLANS])[plan]
    seats = np.asarray(SEATS)[segment] * np.exp(0.3 * fit) * rng.lognormal(0, 0.6, n)
    quantity = np.where(model == "per_seat", np.maximum(1, np.round(seats)), 1).astype(np.int64)
    quantity = np.where(
        model == "hybrid", 1 + rng.poisson(np.where(segment == 0, 1.0, 0.2)), quantity
    )
    discount = np.where(segment == 0, rng.integers(10, 26, n), np.where(rng.random(n) < 0.3, 10, 0))
    unit_local = np.round(PLAN_USD[plan] / fx_usd).astype(np.int64)
    cycle = unit_local * quantity * (100 - discount) // 100
    arr = np.where(PLAN_YEARLY[plan], cycle, cycle * 12)
    usage_arr = np.asarray(API_LEVEL)[segment] * 22 * 12 * PLAN_USAGE_PRICE[plan] / 100 / fx_usd
    arr = np.where(model == "usage", np.round(usage_arr).astype(np.int64), arr)
    return Prices(plan, quantity, discount.astype(np.int64), unit_local, np.maximum(arr, 10_000))


def plans_frame(loaded_at: int) -> pa.Table:
    n = len(PLANS)
    yearly = PLAN_YEARLY
    return c.frame(
        "plans",
        loaded_at,
        {
            "plan_id": c.ids("pln_", np.arange(n)),
            "product": pa.array([p[0] for p in PLANS]),
            "tier": pa.array([p[1] for p in PLANS]),
            "name": pa.array(
                [
                    f"{p[0]} {p[1]} ({'annual' if y else 'monthly'})"
                    for p, y in zip(PLANS, yearly, strict=True)
                ]
            ),
            "pricing_model": pa.array([p[2] for p in PLANS]),
            "billing_interval": pa.array([p[3] for p in PLANS]),
            "interval_count": pa.array([p[4] for p in PLANS], pa.int64()),
            "unit_amount": c.money(PLAN_USD),
            "usage_unit_amount": c.scaled(PLAN_USAGE_PRICE, 10_000, PLAN_USAGE_PRICE == 0),
            "included_usage": c.scaled(PLAN_INCLUDED, 1, PLAN_USAGE_PRICE == 0),
            "meter": pa.array(list(PLAN_METER)),
            "currency": c.const("USD", n),
            "is_free": pa.array(np.zeros(n, bool)),
        },
    )


@dataclass(frozen=True)
class Segments:
    """Subscription rows: customer, first and last month, instants, and each cell's row id."""

    customer: np.ndarray
    first_month: np.ndarray
    last_month: np.ndarray
    start: np.ndarray
    end: np.ndarray  # -1 while running
    churned: np.ndarray
    cell: np.ndarray  # customer x month -> segment number within the chunk, -1 inactive


def segments(cal: Calendar, cust: Customers, life: Lifecycle) -> Segments:
    active, q = life.active, life.quantity
    prev_active = np.zeros_like(active)
    prev_active[:, 1:] = active[:, :-1]
    prev_q = np.zeros_like(q)
    prev_q[:, 1:] = q[:, :-1]
    begins = active & (~prev_active | (q != prev_q) | life.started)
    cell = np.cumsum(begins.ravel()).reshape(active.shape) - 1
    cell = np.where(active, cell, -1)
    customer, first_month = np.nonzero(begins)
    k = len(customer)
    last = np.zeros(k, np.int64)
    rows, months = np.nonzero(active)
    np.maximum.at(last, cell[rows, months], months)
    # A customer's first row starts when the deal closed; later rows at a month start.
    initial = np.ones(k, bool)
    initial[1:] = customer[1:] != customer[:-1]
    start = np.where(
        initial, np.maximum(cust.start[customer], cal.starts[first_month]), cal.starts[first_month]
    )
    running = last == cal.months - 1
    nxt = np.minimum(last + 1, cal.months - 1)
    churned = ~running & ~active[customer, nxt]
    end = np.where(running, -1, cal.starts[last + 1])
    return Segments(customer, first_month, last, start, end, churned, cell)


def subscriptions_frame(
    rng: np.random.Generator,
    cust: Customers,
    acc_index: np.ndarray,
    prices: Prices,
    currency: np.ndarray,
    seg: Segments,
    life: Lifecycle,
    first_sub: int,
    loaded_at: int,
) -> pa.Table:
    cu = seg.customer
    plan = prices.plan[cu]
    qty = life.quantity[cu, seg.first_month]
    canceled = np.where(seg.churned, seg.end - rng.integers(3, 25, len(cu)) * DAY, -1)
    canceled = np.where(canceled >= 0, np.maximum(canceled, seg.start), -1)
    mrr = prices.unit_local[cu] * qty * (100 - prices.discount[cu]) // 100
    mrr = np.where(PLAN_YEARLY[plan], mrr // 12, mrr)
    return c.frame(
        "subscriptions",
        loaded_at,
        {
            "subscription_id": c.ids("sub_", first_sub + np.arange(len(cu))),
            "account_id": c.ids("acc_", acc_index[cust.account[cu]]),
            "plan_id": c.ids("pln_", plan),
            "quantity": pa.array(qty),
            "unit_amount": c.money(prices.unit_local[cu]),
            "currency": c.pick(CURRENCIES, currency[cu]),
            "billing_interval": c.pick(("month", "year"), PLAN_YEARLY[plan].astype(np.int64)),
            "interval_count": pa.array(np.ones(len(cu), np.int64)),
            "discount_percent": c.scaled(prices.discount[cu], 1, prices.discount[cu] == 0),
            "is_trial": pa.array(np.zeros(len(cu), bool)),
            "start_at": c.instant(seg.start),
            "end_at": c.instant(np.maximum(seg.end, 0), seg.end < 0),
            "canceled_at": c.instant(np.maximum(canceled, 0), canceled < 0),
            "auto_renew": pa.array(seg.end < 0),
            "source_mrr": c.money(mrr),
        },
    )
