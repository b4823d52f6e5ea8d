"""Customer success: tickets, onboarding, health notes and churn events."""

from __future__ import annotations

from decimal import Decimal

from revline.schema.core import (
    OrderCheck,
    choice,
    currency,
    flag,
    ident,
    moment,
    money,
    number,
    ref,
    table,
    text,
)
from revline.schema.enums import TICKET_PRIORITIES

TICKETS = table(
    "tickets",
    "success",
    "Support tickets.",
    [
        ident("ticket_id", "Canonical ticket id."),
        ref("account_id", "accounts.account_id", "Account that raised it.", True),
        moment("opened_at", "When it was opened (UTC).", required=True),
        moment("first_response_at", "First response by support."),
        moment("closed_at", "When it was closed."),
        choice("priority", TICKET_PRIORITIES, "low, medium, high or urgent."),
        text("category", "Topic (billing, bug, how-to, ...)."),
        number("satisfaction_score", "Customer satisfaction, 1 to 5.", maximum=Decimal(5)),
        flag("escalated", "Escalated beyond first line."),
    ],
    (OrderCheck("opened_at", "closed_at"), OrderCheck("opened_at", "first_response_at")),
)

ONBOARDING = table(
    "onboarding",
    "success",
    "Onboarding of a won customer: hand-off from sales, kickoff and go-live.",
    [
        ident("onboarding_id", "Canonical onboarding id."),
        ref("account_id", "accounts.account_id", "Account onboarded.", True),
        ref("opportunity_id", "opportunities.opportunity_id", "Won deal that started it."),
        ref("owner_id", "employees.employee_id", "Customer success manager."),
        moment("handoff_at", "When sales handed the customer to success (UTC)."),
        moment("kickoff_at", "Kickoff meeting."),
        moment("go_live_at", "When the customer went live."),
        choice("status", ("not_started", "in_progress", "live", "stalled"), "Onboarding status."),
    ],
    (OrderCheck("handoff_at", "kickoff_at", "warning"), OrderCheck("kickoff_at", "go_live_at")),
)

HEALTH_NOTES = table(
    "health_notes",
    "success",
    "Customer success managers' notes and health scores.",
    [
        ident("note_id", "Canonical note id."),
        ref("account_id", "accounts.account_id", "Account the note is about.", True),
        moment("noted_at", "When the note was written (UTC).", required=True),
        ref("author_id", "employees.employee_id", "Who wrote it."),
        choice("sentiment", ("positive", "neutral", "negative"), "Overall sentiment."),
        number("score", "Health score, 0 to 100.", maximum=Decimal(100)),
        text("body", "Note text."),
    ],
)

CHURN_EVENTS = table(
    "churn_events",
    "success",
    "Churn events as recorded by success or billing, with reasons.",
    [
        ident("churn_event_id", "Canonical churn event id."),
        ref("account_id", "accounts.account_id", "Account that churned.", True),
        ref("subscription_id", "subscriptions.subscription_id", "Subscription that ended."),
        moment("churned_at", "When the churn took effect (UTC).", required=True),
        text("reason", "Reason code (pricing, support, competitor, ...)."),
        text("feedback", "Customer's words."),
        money("refund_amount", "Amount refunded."),
        currency(required=False),
        flag("is_reactivation", "The source marks the event as part of a reactivation."),
    ],
)

TABLES = (TICKETS, ONBOARDING, HEALTH_NOTES, CHURN_EVENTS)
