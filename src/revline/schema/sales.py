"""Sales: accounts, partners, opportunities with their stage history, and quotas."""

from __future__ import annotations

from decimal import Decimal

from revline.schema.core import (
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
    FORECAST_CATEGORIES,
    OPPORTUNITY_SOURCES,
    OPPORTUNITY_TYPES,
    REGIONS,
    SEGMENTS,
)

PARTNERS = table(
    "partners",
    "sales",
    "Channel, referral and technology partners who source or influence deals.",
    [
        ident("partner_id", "Canonical partner id."),
        text("name", "Partner name.", required=True),
        text("partner_type", "reseller, referral, technology, agency, ..."),
        ref("owner_id", "employees.employee_id", "Partner manager."),
    ],
)

ACCOUNTS = table(
    "accounts",
    "sales",
    "Customer and prospect companies.",
    [
        ident("account_id", "Canonical account id."),
        text("name", "Company name.", required=True),
        choice("segment", SEGMENTS, "Segment by company size."),
        text("industry", "Industry (free text, normalised by the mapping)."),
        choice("region", REGIONS, "Sales region."),
        text("country", "ISO 3166 alpha-2 country code."),
        integer("employees", "Number of employees."),
        money("annual_revenue", "Company's annual revenue, in the account's currency."),
        currency(required=False),
        ref("partner_id", "partners.partner_id", "Partner that sourced the account."),
        ref("owner_id", "employees.employee_id", "Account owner."),
        ref("parent_account_id", "accounts.account_id", "Parent company, for subsidiaries."),
        moment("created_at", "When the account was created (UTC)."),
    ],
)

OPPORTUNITIES = table(
    "opportunities",
    "sales",
    "Deals: new business, expansion and renewal. The amount is ARR.",
    [
        ident("opportunity_id", "Canonical opportunity id."),
        ref("account_id", "accounts.account_id", "Account of the deal (may be empty early on)."),
        text("name", "Deal name."),
        choice("opportunity_type", OPPORTUNITY_TYPES, "new, expansion or renewal.", True),
        choice("lead_source", OPPORTUNITY_SOURCES, "Who sourced it: marketing, sdr, ae, partner."),
        ref("partner_id", "partners.partner_id", "Partner that sourced or co-sold it."),
        text("competitor", "Main competitor in the deal."),
        text("product", "Product or product line sold."),
        text("stage", "Current stage name.", required=True),
        money("amount", "Deal value as annual recurring revenue."),
        currency(),
        choice("forecast_category", FORECAST_CATEGORIES, "Rep's forecast category."),
        number("probability", "Rep's stage probability, 0 to 1.", maximum=Decimal(1)),
        moment(
            "created_at", "When the opportunity was created or engaged (UTC); empty if unknown."
        ),
        day("close_date", "Expected close date while open; actual close date once closed."),
        moment("closed_at", "When it was closed (won or lost)."),
        flag("is_closed", "Closed (won or lost).", required=True),
        flag("is_won", "Closed and won.", required=True),
        text("loss_reason", "Why it was lost."),
        ref("owner_id", "employees.employee_id", "Opportunity owner (AE)."),
        ref("lead_id", "leads.lead_id", "Lead it was converted from."),
    ],
    (OrderCheck("created_at", "closed_at"),),
)

OPPORTUNITY_HISTORY = table(
    "opportunity_history",
    "sales",
    "Every change of an opportunity's stage, amount, close date or forecast category.",
    [
        ident("history_id", "Canonical history row id."),
        ref("opportunity_id", "opportunities.opportunity_id", "Opportunity changed.", True),
        moment("changed_at", "When the change was made (UTC).", required=True),
        text("stage", "Stage after the change.", required=True),
        money("amount", "Amount (ARR) after the change."),
        currency(),
        day("close_date", "Expected close date after the change."),
        choice("forecast_category", FORECAST_CATEGORIES, "Forecast category after the change."),
        flag("is_closed", "Closed after the change."),
        flag("is_won", "Won after the change."),
    ],
)

QUOTAS = table(
    "quotas",
    "sales",
    "Quota per employee and period, as bookings (ARR).",
    [
        ident("quota_id", "Canonical quota id."),
        ref("employee_id", "employees.employee_id", "Employee carrying the quota.", True),
        day("period_start", "First day of the quota period.", required=True),
        day("period_end", "Last day of the quota period.", required=True),
        money("amount", "Quota amount (ARR booked).", required=True),
        currency(),
    ],
    (OrderCheck("period_start", "period_end"),),
)

TABLES = (PARTNERS, ACCOUNTS, OPPORTUNITIES, OPPORTUNITY_HISTORY, QUOTAS)
