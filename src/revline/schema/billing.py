"""Billing: plans, subscriptions, invoices, payments and metered usage."""

from __future__ import annotations

from decimal import Decimal

from revline.schema.core import (
    AnyOfCheck,
    OrderCheck,
    choice,
    currency,
    day,
    flag,
    ident,
    integer,
    moment,
    money,
    number,
    ref,
    table,
    text,
)
from revline.schema.enums import (
    BILLING_INTERVALS,
    INVOICE_STATUSES,
    PAYMENT_STATUSES,
    PRICING_MODELS,
)

PLANS = table(
    "plans",
    "billing",
    "Price plans: product, tier, interval, price and pricing model.",
    [
        ident("plan_id", "Canonical plan id."),
        text("product", "Product the plan belongs to.", required=True),
        text("tier", "Tier (basic, pro, enterprise, ...)."),
        text("name", "Plan name."),
        choice("pricing_model", PRICING_MODELS, "flat, per_seat, usage or hybrid.", True),
        choice("billing_interval", BILLING_INTERVALS, "Billing interval unit.", True),
        integer("interval_count", "Number of interval units per billing cycle.", True, 1),
        money("unit_amount", "Recurring price per unit (seat, or flat) per billing cycle."),
        money("usage_unit_amount", "Price per metered unit, for usage and hybrid plans."),
        number("included_usage", "Metered units included before usage is charged."),
        text("meter", "Meter the usage price applies to."),
        currency(),
        flag("is_free", "A free plan (counts as a customer, not as revenue)."),
    ],
)

SUBSCRIPTIONS = table(
    "subscriptions",
    "billing",
    "Subscriptions of accounts to plans. Price fields override the plan's when set.",
    [
        ident("subscription_id", "Canonical subscription id."),
        ref("account_id", "accounts.account_id", "Subscribing account.", True),
        ref("plan_id", "plans.plan_id", "Plan subscribed to."),
        integer("quantity", "Seats or units subscribed.", True, 0),
        money("unit_amount", "Recurring price per unit per billing cycle (overrides the plan)."),
        currency(),
        choice(
            "billing_interval", BILLING_INTERVALS, "Billing interval unit (overrides the plan)."
        ),
        integer(
            "interval_count", "Interval units per billing cycle (overrides the plan).", False, 1
        ),
        number("discount_percent", "Percentage discount, 0 to 100.", maximum=Decimal(100)),
        money("discount_amount", "Fixed discount per billing cycle."),
        flag("is_trial", "A trial: not revenue until it converts."),
        moment("trial_end_at", "When the trial ends."),
        moment("start_at", "When the subscription starts (UTC).", required=True),
        moment("end_at", "When it ends (exclusive); empty while it runs."),
        moment("canceled_at", "When cancellation was requested."),
        flag("auto_renew", "Renews automatically at term end."),
        money("source_mrr", "MRR as the source system reported it, kept for reconciliation."),
    ],
    (OrderCheck("start_at", "end_at"), OrderCheck("start_at", "trial_end_at")),
)

INVOICES = table(
    "invoices",
    "billing",
    "Invoices issued to accounts. Amounts exclude tax; tax is its own column.",
    [
        ident("invoice_id", "Canonical invoice id."),
        ref("account_id", "accounts.account_id", "Invoiced account.", True),
        ref("subscription_id", "subscriptions.subscription_id", "Subscription billed."),
        moment("issued_at", "When the invoice was issued (UTC).", required=True),
        moment("due_at", "When payment is due."),
        day("period_start", "First day of the service period billed."),
        day("period_end", "Last day of the service period billed."),
        money("amount", "Invoice total before tax.", required=True),
        money("recurring_amount", "Part of the amount for recurring charges."),
        money("usage_amount", "Part of the amount for metered usage."),
        money("one_time_amount", "Part of the amount for one-time charges (setup, services)."),
        money("tax_amount", "Tax on the invoice."),
        currency(),
        choice("status", INVOICE_STATUSES, "draft, open, paid, void or uncollectible.", True),
        moment("paid_at", "When the invoice was paid in full."),
    ],
    (
        OrderCheck("issued_at", "due_at"),
        OrderCheck("period_start", "period_end"),
        OrderCheck("issued_at", "paid_at", "warning"),
    ),
)

PAYMENTS = table(
    "payments",
    "billing",
    "Payment attempts against invoices, succeeded or failed.",
    [
        ident("payment_id", "Canonical payment id."),
        ref("invoice_id", "invoices.invoice_id", "Invoice paid."),
        ref("account_id", "accounts.account_id", "Paying account.", True),
        moment("attempted_at", "When payment was attempted (UTC).", required=True),
        moment("paid_at", "When the money arrived, for succeeded payments."),
        money("amount", "Amount attempted.", required=True),
        currency(),
        choice("status", PAYMENT_STATUSES, "succeeded, failed, pending or refunded.", True),
        text("failure_reason", "Why it failed."),
    ],
    (OrderCheck("attempted_at", "paid_at"),),
)

USAGE = table(
    "usage",
    "billing",
    "Metered product usage per account (or subscription), meter and day.",
    [
        ident("usage_id", "Canonical usage row id."),
        ref("account_id", "accounts.account_id", "Account that used the product."),
        ref("subscription_id", "subscriptions.subscription_id", "Subscription it was used under."),
        text("meter", "What was measured (api_calls, active_users, feature name, ...).", True),
        day("usage_date", "Day of use (UTC).", required=True),
        number("quantity", "Units used that day.", required=True),
        number("duration_seconds", "Time spent, where the source measures it."),
        integer("error_count", "Errors seen, where the source measures them."),
    ],
    (AnyOfCheck(("account_id", "subscription_id")),),
)

TABLES = (PLANS, SUBSCRIPTIONS, INVOICES, PAYMENTS, USAGE)
