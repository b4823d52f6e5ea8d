"""Closed sets of values shared by several canonical tables."""

from __future__ import annotations

SEGMENTS = ("enterprise", "mid_market", "smb")
REGIONS = ("north_america", "latin_america", "emea", "apac")
#: The revenue functions of the function category map (DESIGN.md), plus the rest of the company.
FUNCTIONS = (
    "marketing",
    "sales_development",
    "sales",
    "sales_engineering",
    "customer_success",
    "renewals",
    "partnerships",
    "revops",
    "product",
    "engineering",
    "support",
    "finance",
    "general_admin",
)
CHANNELS = (
    "paid_search",
    "paid_social",
    "organic_search",
    "content",
    "email",
    "events",
    "webinar",
    "referral",
    "partner",
    "outbound",
    "direct",
    "display",
    "affiliate",
    "other",
)
OPPORTUNITY_TYPES = ("new", "expansion", "renewal")
OPPORTUNITY_SOURCES = ("marketing", "sdr", "ae", "partner")
FORECAST_CATEGORIES = ("pipeline", "best_case", "commit", "closed", "omitted")
BILLING_INTERVALS = ("day", "week", "month", "quarter", "year")
PRICING_MODELS = ("flat", "per_seat", "usage", "hybrid")
INVOICE_STATUSES = ("draft", "open", "paid", "void", "uncollectible")
PAYMENT_STATUSES = ("succeeded", "failed", "pending", "refunded")
TICKET_PRIORITIES = ("low", "medium", "high", "urgent")
EXPENSE_CATEGORIES = ("salaries", "commissions", "tools", "programs", "overhead")

#: ISO 4217 active codes (2024). Import rejects any other currency code.
CURRENCIES = frozenset(
    """AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN
    BWP BYN BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP
    GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS
    KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR
    MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF
    SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD
    TZS UAH UGX USD UYU UZS VES VND VUV WST XAF XCD XOF XPF YER ZAR ZMW ZWG""".split()
)
