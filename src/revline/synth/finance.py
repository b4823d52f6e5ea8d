"""Finance: FX rates, expenses by function and category, monthly financials and targets.

Everything here is derived from the company's own activity, summed over all chunks in
:class:`Totals`: salaries from the staff in post each month, commissions from bookings, programs
from marketing spend, revenue from recognised MRR plus metered usage. Targets are the plan a
finance team would set: last quarter's actual grown at the company's growth rate.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from revline.schema.enums import EXPENSE_CATEGORIES, FUNCTIONS
from revline.synth import columns as c
from revline.synth.config import CURRENCIES, DAY, FX_START, LEAD_CHANNELS, Calendar, SynthConfig
from revline.synth.people import Staff

TOOLS_PER_HEAD = 20_000  # cents a month
OVERHEAD_PER_HEAD = 90_000
HOSTING = 3_000_000
#: Commission rates on bookings per function: (new ARR rate, expansion ARR rate), in percent.
COMMISSION = {
    "sales": (10, 5),
    "sales_development": (2, 0),
    "customer_success": (0, 4),
    "renewals": (0, 2),
    "partnerships": (1, 0),
}


@dataclass
class Totals:
    """Monthly sums over all chunks (USD cents, counts)."""

    months: int
    leads: np.ndarray = field(init=False)  # channel x month
    mqls: np.ndarray = field(init=False)
    sqls: np.ndarray = field(init=False)
    new_arr: np.ndarray = field(init=False)
    expansion_arr: np.ndarray = field(init=False)
    revenue: np.ndarray = field(init=False)
    customers: np.ndarray = field(init=False)
    churned: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        m = self.months
        self.leads = np.zeros((len(LEAD_CHANNELS), m), np.int64)
        for name in ("mqls", "sqls", "new_arr", "expansion_arr", "revenue", "customers", "churned"):
            setattr(self, name, np.zeros(m, np.int64))


def fx_matrix(rng: np.random.Generator, cal: Calendar) -> np.ndarray:
    """USD per unit of each currency (rows as CURRENCIES), per month: a gentle random walk."""
    steps = rng.normal(0, 0.015, (len(CURRENCIES), cal.months))
    steps[0] = 0.0
    walk = np.exp(np.cumsum(steps, axis=1) - steps[:, :1])
    rates = np.asarray(FX_START)[:, None] * walk
    return np.round(rates, 4)


def fx_frame(cal: Calendar, fx: np.ndarray, loaded_at: int) -> pa.Table:
    cur, m = np.nonzero(np.ones((len(CURRENCIES) - 1, cal.months), bool))
    cur = cur + 1
    return c.frame(
        "fx_rates",
        loaded_at,
        {
            "fx_rate_id": c.ids("fxr_", np.arange(len(cur))),
            "rate_date": c.day(cal.starts[m]),
            "base_currency": c.pick(CURRENCIES, cur),
            "quote_currency": c.const("USD", len(cur)),
            "rate": c.scaled(np.round(fx[cur, m] * 10_000).astype(np.int64), 10_000),
        },
    )


def expenses(
    cal: Calendar, staff: Staff, totals: Totals, spend: np.ndarray, loaded_at: int
) -> tuple[pa.Table, np.ndarray]:
    """Expense rows per month, function and category (zero amounts left out), and the monthly
    total of all expenses (cents), which the financials take as operating expenses."""
    months = cal.months
    in_post = (staff.start[:, None] < cal.starts[None, 1:]) & (
        (staff.end[:, None] < 0) | (staff.end[:, None] >= cal.starts[None, :-1])
    )
    nf = len(FUNCTIONS)
    heads = np.zeros((nf, months), np.int64)
    pay = np.zeros((nf, months), np.int64)
    for function in range(nf):
        rows = staff.function == function
        heads[function] = in_post[rows].sum(axis=0)
        pay[function] = (staff.salary[rows, None] * in_post[rows]).sum(axis=0)
    amounts = np.zeros((nf, len(EXPENSE_CATEGORIES), months), np.int64)
    amounts[:, 0] = pay
    for name, (new_rate, exp_rate) in COMMISSION.items():
        row = FUNCTIONS.index(name)
        amounts[row, 1] = (totals.new_arr * new_rate + totals.expansion_arr * exp_rate) // 100
    amounts[:, 2] = heads * TOOLS_PER_HEAD
    amounts[FUNCTIONS.index("marketing"), 3] = spend
    amounts[:, 4] = heads * OVERHEAD_PER_HEAD
    f, k, m = np.nonzero(amounts > 0)
    return c.frame(
        "expenses",
        loaded_at,
        {
            "expense_id": c.ids("exp_", np.arange(len(f))),
            "month": c.day(cal.starts[m]),
            "function": c.pick(FUNCTIONS, f),
            "category": c.pick(EXPENSE_CATEGORIES, k),
            "amount": c.money(amounts[f, k, m]),
            "currency": c.const("USD", len(f)),
        },
    ), amounts.sum(axis=(0, 1))


def financials(cal: Calendar, totals: Totals, opex: np.ndarray, loaded_at: int) -> pa.Table:
    revenue = totals.revenue
    cost = revenue * 18 // 100 + HOSTING
    gross = revenue - cost
    operating = gross - opex
    n = cal.months
    return c.frame(
        "financials",
        loaded_at,
        {
            "financial_id": c.ids("fin_", np.arange(n)),
            "month": c.day(cal.starts[:-1]),
            "revenue": c.money(revenue),
            "cost_of_revenue": c.money(cost),
            "gross_profit": c.money(gross),
            "operating_profit": c.money(operating),
            "ebitda": c.money(operating + revenue * 2 // 100),
            "currency": c.const("USD", n),
        },
    )


def quarterly(values: np.ndarray, months: int) -> np.ndarray:
    q = np.arange(months) // 3
    return np.bincount(q, weights=values, minlength=int(q.max()) + 1)


def targets(
    config: SynthConfig, cal: Calendar, totals: Totals, loaded_at: int
) -> tuple[pa.Table, np.ndarray]:
    """Quarterly targets per function; also returns the new-ARR target per quarter (cents)."""
    grow = 1 + config.growth_per_year / 4
    plan: list[tuple[str, str, np.ndarray]] = [
        ("sales", "new_arr", quarterly(totals.new_arr, cal.months) / 100),
        ("marketing", "mqls", quarterly(totals.mqls, cal.months)),
        ("sales_development", "sqls", quarterly(totals.sqls, cal.months)),
        ("customer_success", "expansion_arr", quarterly(totals.expansion_arr, cal.months) / 100),
    ]
    nq = len(plan[0][2])
    rows_f, rows_m, rows_q, values = [], [], [], []
    new_arr_target = np.zeros(nq)
    for function, metric, actual in plan:
        target = np.concatenate([[max(actual[0], 1.0)], actual[:-1] * grow])
        if metric == "new_arr":
            new_arr_target = target
        for q in range(nq):
            rows_f.append(FUNCTIONS.index(function))
            rows_m.append(metric)
            rows_q.append(q)
            values.append(round(target[q] * 10_000))
    for q in range(nq):  # a retention target: monthly logo churn at most 2%
        rows_f.append(FUNCTIONS.index("customer_success"))
        rows_m.append("logo_churn_rate")
        rows_q.append(q)
        values.append(200)
    qs = np.asarray(rows_q)
    start = cal.starts[qs * 3]
    end = cal.starts[np.minimum(qs * 3 + 3, cal.months)] - DAY
    table = c.frame(
        "targets",
        loaded_at,
        {
            "target_id": c.ids("tgt_", np.arange(len(qs))),
            "period_start": c.day(start),
            "period_end": c.day(end),
            "function": c.pick(FUNCTIONS, np.asarray(rows_f)),
            "metric": pa.array(rows_m, pa.string()),
            "value": c.scaled(np.asarray(values, np.int64), 10_000),
        },
    )
    return table, np.round(new_arr_target * 100).astype(np.int64)
