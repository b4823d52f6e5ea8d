"""Leads and their lifecycle timestamps: created, MQL, SAL, SQL, converted, disqualified."""

from __future__ import annotations

from revline.schema.core import OrderCheck, choice, ident, moment, ref, table, text
from revline.schema.enums import CHANNELS, REGIONS, SEGMENTS

LEADS = table(
    "leads",
    "leads",
    "Leads with their lifecycle timestamps. A stage reached without the one before is a skip.",
    [
        ident("lead_id", "Canonical lead id."),
        ref("account_id", "accounts.account_id", "Account the lead belongs to, once matched."),
        text("company", "Company name as given on the lead."),
        choice("segment", SEGMENTS, "Segment of the lead's company."),
        choice("region", REGIONS, "Region of the lead."),
        text("country", "ISO 3166 alpha-2 country code."),
        choice("channel", CHANNELS, "Source channel of the lead.", required=True),
        ref("campaign_id", "campaigns.campaign_id", "Campaign that created the lead."),
        ref("owner_id", "employees.employee_id", "Sales development rep or AE who owns the lead."),
        moment("created_at", "When the lead was created (UTC).", required=True),
        moment("mql_at", "When it became a marketing-qualified lead."),
        moment("first_response_at", "First sales response (call, email) to the lead."),
        moment("sal_at", "When sales accepted the lead."),
        moment("sql_at", "When it became a sales-qualified lead."),
        moment("converted_at", "When it was converted to an opportunity."),
        ref("opportunity_id", "opportunities.opportunity_id", "Opportunity it converted to."),
        moment("disqualified_at", "When it was disqualified."),
        text("disqualification_reason", "Why it was disqualified."),
    ],
    (
        OrderCheck("created_at", "mql_at", "warning"),
        OrderCheck("created_at", "first_response_at", "warning"),
        OrderCheck("created_at", "sal_at", "warning"),
        OrderCheck("created_at", "sql_at", "warning"),
        OrderCheck("created_at", "converted_at", "warning"),
        OrderCheck("created_at", "disqualified_at", "warning"),
    ),
)

TABLES = (LEADS,)
