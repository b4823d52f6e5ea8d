"""Metric settings: the choices a company makes about how MRR is recognised.

Every metric computation takes one :class:`MetricSettings`. The defaults are documented here and
in docs/metrics.md; a company changes them by passing its own instance (or, on the command line,
through options). Settings are data, validated when built, so a typo fails at once with the valid
choices instead of silently computing something else.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal, get_args

from revline.errors import ConfigError, unknown
from revline.schema.enums import CURRENCIES

ChurnRecognition = Literal["cancellation", "paid_period_end", "scheduled_end"]
MrrBasis = Literal["billed", "contract"]

CHURN_RECOGNITIONS: tuple[str, ...] = get_args(ChurnRecognition)
MRR_BASES: tuple[str, ...] = get_args(MrrBasis)


@dataclass(frozen=True)
class MetricSettings:
    """How revline turns subscriptions into MRR.

    ``reporting_currency`` (default ``"USD"``): every amount is converted into it with the
    ``fx_rates`` row in force at each month-end snapshot (the latest ``rate_date`` on or before
    the month's last day).

    ``churn_recognition`` (default ``"scheduled_end"``): when a cancelled subscription stops
    counting. ``"cancellation"``: at ``canceled_at``. ``"paid_period_end"``: at the end of the
    billing cycle in which it was cancelled (cycles counted from ``start_at``).
    ``"scheduled_end"``: at ``end_at`` as recorded (or the end of the paid period when a cancelled
    subscription has no ``end_at``). Without ``canceled_at`` every setting uses ``end_at``.

    ``mrr_basis`` (default ``"billed"``): movements and metrics use billed MRR (net of
    discounts) or contract MRR (list price x quantity). Both are always computed.

    ``include_usage`` (default ``False``): add the usage component (metered charges invoiced in
    the month) to MRR. It is always computed and reported separately.

    ``dunning_days`` (default ``30``): how long after an invoice's ``due_at`` a subscription
    with that invoice unpaid stays active. After the window it is delinquent: its MRR counts 0
    (delinquent churn when it was the customer's last one) until the invoice is paid. ``None``
    turns past-due handling off.

    ``gross_margin`` (default ``0.75``): the gross margin LTV uses when ``financials`` has no
    revenue for the trailing months (otherwise gross profit / revenue is used).

    ``ltv_horizon_months`` (default ``60``): the months of expected lifetime ``ltv_sbg``
    counts (the sBG model's expected lifetime is unbounded when its alpha is at most 1).

    ``as_of`` (default ``None``, meaning the data's end: the last day with a recorded fact, at
    most yesterday, see :mod:`revline.model.data_end`): the last day computed, and its month the
    last month. Subscriptions still running count up to this month; churn after it has not
    happened yet. A period ending after it is reported to date (:mod:`revline.model.periods`).
    """

    reporting_currency: str = "USD"
    churn_recognition: ChurnRecognition = "scheduled_end"
    mrr_basis: MrrBasis = "billed"
    include_usage: bool = False
    dunning_days: int | None = 30
    gross_margin: float = 0.75
    ltv_horizon_months: int = 60
    as_of: date | None = None

    def __post_init__(self) -> None:
        if self.reporting_currency not in CURRENCIES:
            raise ConfigError(
                unknown("reporting currency", self.reporting_currency, CURRENCIES),
                hint="Use an ISO 4217 code such as USD or EUR.",
            )
        if self.churn_recognition not in CHURN_RECOGNITIONS:
            raise ConfigError(
                unknown("churn recognition", self.churn_recognition, CHURN_RECOGNITIONS),
                hint="Choose when a cancelled subscription stops counting as MRR.",
            )
        if self.mrr_basis not in MRR_BASES:
            raise ConfigError(
                unknown("MRR basis", self.mrr_basis, MRR_BASES),
                hint="billed is net of discounts; contract is list price x quantity.",
            )
        if self.dunning_days is not None and not 0 <= self.dunning_days <= 3650:
            raise ConfigError(
                f"dunning_days {self.dunning_days!r} is not between 0 and 3650.",
                hint="Give the days after the due date an unpaid subscription stays active, "
                "or None to turn past-due handling off.",
            )
        if not 0 < self.gross_margin <= 1:
            raise ConfigError(
                f"gross_margin {self.gross_margin!r} is not in (0, 1].",
                hint="Give the gross margin as a fraction, e.g. 0.75 for 75%.",
            )
        if not 1 <= self.ltv_horizon_months <= 1200:
            raise ConfigError(
                f"ltv_horizon_months {self.ltv_horizon_months!r} is not between 1 and 1200.",
                hint="Give the months of customer lifetime LTV may count, e.g. 60.",
            )


@dataclass(frozen=True)
class DateWindow:
    """The dates the importer accepts: a date or timestamp outside it is quarantined.

    ``earliest`` (default 1900-01-01) and ``latest`` (default 2199-12-31), both inclusive. A
    value outside them is a typo, a placeholder (``9999-12-31`` for "never") or a parser's
    default, and would stretch or overflow every time series built on it. The same window is
    what :mod:`revline.model.data_end` trusts when dating a warehouse and what ``revline check``
    reports on (values written before the rule, or by hand). docs/mappings.md.
    """

    earliest: date = date(1900, 1, 1)
    latest: date = date(2199, 12, 31)

    def __post_init__(self) -> None:
        if not self.earliest <= self.latest:
            raise ConfigError(
                f"date window: earliest {self.earliest} is after latest {self.latest}.",
                hint="Give an earliest date on or before the latest one.",
            )


#: The default window (docs/mappings.md, "Dates and times").
DATE_WINDOW = DateWindow()
