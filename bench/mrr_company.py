"""A bench-only company at the issue's scale: ~1M paying accounts, ~3.3M subscription rows.

``revline.synth.generate`` builds a whole company (funnel, deals, invoices, ...), in which only
a few percent of the accounts become customers. The MRR benchmark's reference point is 1M
customers, 3.3M subscription rows and 15.7M customer-month rows, so this module writes just what
the movements need: accounts, plans and subscriptions, USD only, no invoices (the benchmark runs
with past-due handling off).

Every account pays at some point. Its history is a chain of subscription rows built round by
round, vectorised over all accounts (numpy, seeded):

- the first row starts on a random day of the account's first month (40% of the accounts
  are already customers in the first month, the rest arrive evenly);
- a row lasts 1-12 months on a monthly plan, 12 on an annual one; when it ends the account
  renews back to back (the next row starts at the same instant, sometimes with more seats,
  sometimes fewer), churns and comes back 1-5 months later (reactivation), or leaves for good;
- about 40% of the accounts add a second subscription (an add-on) for part of their life:
  expansion when it starts, contraction when it ends while the main chain goes on.

Months are whole calendar months from January 2024; rows after the first start and end at a
month start, so the three implementations see the same months.

For the efficiency metrics that read the same model (CAC, CAC payback, CAC ratio, LTV:CAC),
the company also books sales and marketing expenses (sales, SDR and marketing salaries and
marketing programs) and monthly financials (revenue, cost of revenue, gross profit, EBITDA),
one row per month and function, scaled with the number of accounts.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa

from revline.synth import columns as c
from revline.warehouse import Warehouse

FIRST_YEAR = 2024
#: Plans: (product, tier, interval, USD cents per seat per interval).
PLANS = [
    ("core", "starter", "month", 2_900),
    ("core", "pro", "month", 9_900),
    ("core", "business", "month", 29_900),
    ("core", "starter", "year", 29_000),
    ("core", "pro", "year", 99_000),
    ("core", "business", "year", 299_000),
    ("addon", "analytics", "month", 4_900),
    ("addon", "analytics", "year", 49_000),
]
LOADED_AT = 1_767_225_600  # 2026-01-01T00:00:00Z


def month_start(idx: np.ndarray) -> np.ndarray:
    """Epoch seconds of the first instant of month ``idx`` (0 = January of FIRST_YEAR)."""
    years = FIRST_YEAR + idx // 12
    months = idx % 12 + 1
    days = (
        np.array([f"{y:04d}-{m:02d}" for y, m in zip(years, months, strict=True)], "datetime64[M]")
        .astype("datetime64[D]")
        .astype(np.int64)
    )
    return days * 86_400


def chains(rng: np.random.Generator, n: int, months: int) -> dict[str, np.ndarray]:
    """The main subscription rows of ``n`` accounts over ``months`` months."""
    first = np.where(rng.random(n) < 0.4, 0, rng.integers(1, months, n))
    annual = rng.random(n) < 0.2
    tier = rng.choice(3, n, p=[0.5, 0.35, 0.15])
    seats = rng.geometric(0.35, n)
    cols: dict[str, list[np.ndarray]] = {k: [] for k in ("acc", "plan", "qty", "first", "last")}
    acc = np.arange(n)
    at, alive = first, np.ones(n, bool)
    while alive.any():
        a, m, ann = acc[alive], at[alive], annual[alive]
        length = np.where(ann, 12, rng.integers(1, 13, len(a)))
        cols["acc"].append(a)
        cols["plan"].append(tier[a] + 3 * ann)
        cols["qty"].append(seats[a].copy())
        cols["first"].append(m)
        cols["last"].append(m + length - 1)
        end = m + length
        fate = rng.random(len(a))
        churn = fate < 0.12
        back = churn & (rng.random(len(a)) < 0.35)  # reactivates after a gap
        gap = np.where(back, rng.integers(2, 7, len(a)), 0)
        step = rng.random(len(a))
        seats[a] = np.maximum(
            seats[a] + np.where(step < 0.2, rng.integers(1, 4, len(a)), 0) - (step > 0.92), 1
        )
        nxt = end + gap
        keep = (~churn | back) & (nxt < months)
        alive[:] = False
        alive[a[keep]] = True
        at = at.copy()
        at[a] = nxt
    return {k: np.concatenate(v) for k, v in cols.items()}


def addons(rng: np.random.Generator, main: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Second subscriptions: add-ons inside some of the main rows (~3 rows in 10 get one)."""
    pick = rng.random(len(main["acc"])) < 0.3
    lo, hi = main["first"][pick], main["last"][pick]
    start = lo + (rng.random(pick.sum()) * (hi - lo + 1)).astype(np.int64)
    annual = rng.random(pick.sum()) < 0.15
    length = np.where(annual, 12, rng.integers(1, 10, pick.sum()))
    return {
        "acc": main["acc"][pick],
        "plan": np.where(annual, 7, 6),
        "qty": rng.integers(1, 4, pick.sum()),
        "first": np.maximum(start, lo + 1),
        "last": np.maximum(start, lo + 1) + length - 1,
    }


def build(path: Path, accounts: int, months: int, seed: int) -> None:
    """Write the company to a fresh warehouse at ``path`` (one transaction)."""
    rng = np.random.default_rng(seed)
    main = chains(rng, accounts, months)
    extra = addons(rng, main)
    keep = extra["first"] < months
    rows = {k: np.concatenate([main[k], extra[k][keep]]) for k in main}
    n = len(rows["acc"])
    order = np.lexsort((rows["first"], rows["acc"]))
    rows = {k: v[order] for k, v in rows.items()}
    # The first row of each account starts on a random day; later ones at a month start.
    is_first = np.r_[True, rows["acc"][1:] != rows["acc"][:-1]]
    starts = month_start(np.arange(months + 24))
    start = starts[rows["first"]] + np.where(is_first, rng.integers(0, 27 * 86_400, n), 0)
    end = starts[rows["last"] + 1]
    running = rows["last"] + 1 >= months  # still running at the end: no end date yet
    interval = np.array([p[2] for p in PLANS])[rows["plan"]]
    price = np.array([p[3] for p in PLANS], np.int64)[rows["plan"]]
    discount = np.where(rng.random(n) < 0.1, rng.choice([10, 20], n), 0)
    subs = c.frame(
        "subscriptions",
        LOADED_AT,
        {
            "subscription_id": c.ids("sub_", np.arange(n)),
            "account_id": c.ids("acc_", rows["acc"]),
            "plan_id": c.ids("pln_", rows["plan"]),
            "quantity": rows["qty"].astype(np.int64),
            "unit_amount": c.money(price),
            "currency": c.const("USD", n),
            "billing_interval": pa.array(interval),
            "interval_count": np.ones(n, np.int64),
            "discount_percent": c.scaled(discount, 1, discount == 0),
            "is_trial": np.zeros(n, bool),
            "start_at": c.instant(start),
            "end_at": c.instant(end, running),
            "auto_renew": np.ones(n, bool),
        },
    )
    segment = rng.choice(3, accounts, p=[0.7, 0.25, 0.05])
    acc = c.frame(
        "accounts",
        LOADED_AT,
        {
            "account_id": c.ids("acc_", np.arange(accounts)),
            "name": c.ids("Customer ", np.arange(accounts)),
            "segment": c.pick(["smb", "mid_market", "enterprise"], segment),
            "currency": c.const("USD", accounts),
            "created_at": c.instant(np.full(accounts, month_start(np.array([0]))[0])),
        },
    )
    plans = c.frame(
        "plans",
        LOADED_AT,
        {
            "plan_id": c.ids("pln_", np.arange(len(PLANS))),
            "product": pa.array([p[0] for p in PLANS]),
            "tier": pa.array([p[1] for p in PLANS]),
            "name": pa.array([f"{p[0]} {p[1]} ({p[2]}ly)" for p in PLANS]),
            "pricing_model": c.const("per_seat", len(PLANS)),
            "billing_interval": pa.array([p[2] for p in PLANS]),
            "interval_count": np.ones(len(PLANS), np.int64),
            "unit_amount": c.money(np.array([p[3] for p in PLANS], np.int64)),
            "currency": c.const("USD", len(PLANS)),
            "is_free": np.zeros(len(PLANS), bool),
        },
    )
    expenses, financials = finance(rng, accounts, months)
    with Warehouse.create(path) as wh, wh.transaction():
        wh.append("plans", plans)
        wh.append("accounts", acc)
        wh.append("subscriptions", subs)
        wh.append("expenses", expenses)
        wh.append("financials", financials)


#: Monthly S&M expenses per account (USD cents): (function, category, cents per account).
SPEND = (
    ("sales", "salaries", 800),
    ("sales_development", "salaries", 300),
    ("marketing", "salaries", 200),
    ("marketing", "programs", 400),
)


def finance(rng: np.random.Generator, accounts: int, months: int) -> tuple[pa.Table, pa.Table]:
    """S&M expenses (one row per month and function) and monthly financials, in USD."""
    starts = month_start(np.arange(months))
    month = np.repeat(starts, len(SPEND))
    per = np.tile(np.array([s[2] for s in SPEND], np.int64), months)
    wobble = rng.integers(90, 111, len(month))  # +-10% month to month
    amount = per * accounts * wobble // 100
    n = len(month)
    expenses = c.frame(
        "expenses",
        LOADED_AT,
        {
            "expense_id": c.ids("exp_", np.arange(n)),
            "month": c.day(month),
            "function": pa.array([s[0] for s in SPEND] * months),
            "category": pa.array([s[1] for s in SPEND] * months),
            "amount": c.money(amount),
            "currency": c.const("USD", n),
        },
    )
    revenue = accounts * (3_000 + 150 * np.arange(months)) * rng.integers(95, 106, months) // 100
    cost = revenue * rng.integers(18, 26, months) // 100
    financials = c.frame(
        "financials",
        LOADED_AT,
        {
            "financial_id": c.ids("fin_", np.arange(months)),
            "month": c.day(starts),
            "revenue": c.money(revenue),
            "cost_of_revenue": c.money(cost),
            "gross_profit": c.money(revenue - cost),
            "ebitda": c.money(revenue * 8 // 100),
            "currency": c.const("USD", months),
        },
    )
    return expenses, financials
