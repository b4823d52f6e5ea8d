"""Marketing: campaigns, touches and spend."""

from __future__ import annotations

from revline.schema.core import (
    OrderCheck,
    choice,
    currency,
    day,
    ident,
    integer,
    moment,
    money,
    ref,
    table,
    text,
)
from revline.schema.enums import CHANNELS

CAMPAIGNS = table(
    "campaigns",
    "marketing",
    "Marketing campaigns and programs, each in one channel.",
    [
        ident("campaign_id", "Canonical campaign id."),
        text("name", "Campaign name.", required=True),
        choice("channel", CHANNELS, "Channel the campaign runs in.", required=True),
        text("campaign_type", "Free-form type (webinar series, paid program, ...)."),
        day("start_date", "First day the campaign ran."),
        day("end_date", "Last day the campaign ran."),
        money("budget", "Planned budget."),
        currency(required=False),
        ref("owner_id", "employees.employee_id", "Employee who owns the campaign."),
    ],
    (OrderCheck("start_date", "end_date"),),
)

TOUCHES = table(
    "touches",
    "marketing",
    "Marketing touches: one interaction of a lead or account with a channel or campaign.",
    [
        ident("touch_id", "Canonical touch id."),
        ref("lead_id", "leads.lead_id", "Lead touched."),
        ref("account_id", "accounts.account_id", "Account touched."),
        choice("channel", CHANNELS, "Channel of the touch.", required=True),
        ref("campaign_id", "campaigns.campaign_id", "Campaign of the touch."),
        moment("touched_at", "When the touch happened (UTC).", required=True),
        text("touch_type", "Kind of interaction (visit, form fill, event attended, ...)."),
    ],
)

MARKETING_SPEND = table(
    "marketing_spend",
    "marketing",
    "Marketing spend per month (or day) and channel, optionally per campaign and country.",
    [
        ident("spend_id", "Canonical spend row id."),
        day("spend_date", "Day the spend is booked on (first of month for monthly spend).", True),
        choice("channel", CHANNELS, "Channel the money was spent in.", required=True),
        ref("campaign_id", "campaigns.campaign_id", "Campaign the money was spent on."),
        text("country", "ISO 3166 alpha-2 country code ('NA' is Namibia)."),
        money("amount", "Amount spent.", required=True),
        currency(),
    ],
)

ACQUISITIONS = table(
    "acquisitions",
    "marketing",
    "Customers acquired per day (or month) and channel, as counts: for sources that report "
    "acquisition in aggregate (app stores, consumer subscriptions) rather than per account.",
    [
        ident("acquisition_id", "Canonical row id."),
        day("acquired_on", "Day the customers were acquired (first of month for monthly).", True),
        choice("channel", CHANNELS, "Channel that acquired them.", required=True),
        ref("campaign_id", "campaigns.campaign_id", "Campaign that acquired them."),
        text("country", "ISO 3166 alpha-2 country code ('NA' is Namibia)."),
        integer("customers", "Paying customers acquired.", required=True),
        money("revenue", "Their first revenue, net of refunds (may be negative).", signed=True),
        currency(required=False),
    ],
)

TABLES = (CAMPAIGNS, TOUCHES, MARKETING_SPEND, ACQUISITIONS)
