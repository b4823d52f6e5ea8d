"""Finance: expenses by function and category, monthly financials, targets and FX rates."""

from __future__ import annotations

from revline.schema.core import (
    Column,
    Kind,
    OrderCheck,
    choice,
    currency,
    day,
    ident,
    money,
    number,
    table,
    text,
)
from revline.schema.enums import EXPENSE_CATEGORIES, FUNCTIONS

EXPENSES = table(
    "expenses",
    "finance",
    "Expenses per month, function and category: the input of fully loaded CAC.",
    [
        ident("expense_id", "Canonical expense id."),
        day("month", "First day of the month booked.", required=True),
        choice("function", FUNCTIONS, "Function that spent it.", required=True),
        choice(
            "category",
            EXPENSE_CATEGORIES,
            "salaries, commissions, tools, programs, overhead.",
            True,
        ),
        money("amount", "Amount spent.", required=True),
        currency(),
    ],
)

FINANCIALS = table(
    "financials",
    "finance",
    "Monthly financials from the general ledger.",
    [
        ident("financial_id", "Canonical row id."),
        day("month", "First day of the month.", required=True),
        money("revenue", "Recognised revenue.", required=True),
        money("cost_of_revenue", "Cost of revenue (COGS)."),
        money("gross_profit", "Revenue minus cost of revenue.", signed=True),
        money("operating_profit", "Operating profit (EBIT).", signed=True),
        money("ebitda", "EBITDA.", signed=True),
        currency(),
    ],
)

TARGETS = table(
    "targets",
    "finance",
    "Targets per period, function and metric (new logos, expansion, churn, efficiency).",
    [
        ident("target_id", "Canonical target id."),
        day("period_start", "First day of the period.", required=True),
        day("period_end", "Last day of the period.", required=True),
        choice("function", FUNCTIONS, "Function that owns the target.", required=True),
        text("metric", "Metric name from the metric registry.", required=True),
        number("value", "Target value in the metric's unit.", required=True, minimum=None),
    ],
    (OrderCheck("period_start", "period_end"),),
)

FX_RATES = table(
    "fx_rates",
    "finance",
    "Dated exchange rates: one unit of base currency costs `rate` units of quote currency.",
    [
        ident("fx_rate_id", "Canonical rate id."),
        day("rate_date", "Day the rate applies from.", required=True),
        Column("base_currency", Kind.STRING, "Currency converted from.", True, currency=True),
        Column("quote_currency", Kind.STRING, "Currency converted to.", True, currency=True),
        number("rate", "Units of quote currency per unit of base currency.", required=True),
    ],
)

TABLES = (EXPENSES, FINANCIALS, TARGETS, FX_RATES)
