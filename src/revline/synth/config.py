"""The knobs of the synthetic company and its fixed profile (vocabularies, price list, calendar).

:class:`SynthConfig` is frozen so that a configuration is a value: later switches that plant known
problems (slow lead response in one region, poor onboarding in one segment, a junk-lead channel)
are new fields with neutral defaults, and a run is reproduced from ``(config, seed)`` alone.

The company's history ends at a fixed month-end (``as_of``, exclusive, midnight UTC): every
timestamp and ``loaded_at`` derive from it, never from the wall clock.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np

#: Default end of history: the company's books close on 2025-12-31; ``as_of`` is exclusive.
AS_OF = date(2026, 1, 1)
DAY = 86_400  # seconds


@dataclass(frozen=True)
class SynthConfig:
    """Size and behaviour of the synthetic company.

    Rates are monthly unless named otherwise. Effects are on the logit scale of the probability
    they change, so they compose without leaving (0, 1). The company is a function of the whole
    configuration and the seed (``chunk_size`` included: draws are made chunk by chunk).
    """

    #: Prospect accounts that arrive during the generated window (the funnel's market).
    accounts: int = 1_000
    months: int = 24
    #: Years the company traded before the window: its opening book (0: it starts from zero).
    opening_years: int = 8
    as_of: date = AS_OF
    chunk_size: int = 50_000
    #: Share of accounts per segment: enterprise, mid_market, smb.
    segment_mix: tuple[float, float, float] = (0.08, 0.25, 0.67)
    #: Share of accounts per region: north_america, latin_america, emea, apac.
    region_mix: tuple[float, float, float, float] = (0.50, 0.08, 0.28, 0.14)
    partner_share: float = 0.12
    extra_leads_per_account: float = 0.35
    #: Median hours to the first sales response, per region (same order as region_mix).
    response_median_hours: tuple[float, float, float, float] = (4.0, 10.0, 6.0, 8.0)
    #: Monthly churn hazard baseline (logit scale) per segment.
    churn_logit: tuple[float, float, float] = (-5.8, -5.1, -4.4)
    late_payment_effect: float = 0.55  # per late or failed payment in the last 3 months
    usage_decline_effect: float = 1.6  # per unit fall of usage health over the last 3 months
    partner_win_effect: float = 0.7
    size_win_effect: float = -0.45  # per standard deviation of log deal size
    size_cycle_effect: float = 0.35  # per standard deviation of log deal size, on log days
    reactivation_rate: float = 0.02
    #: Days of onboarding per segment (median kickoff to go-live).
    onboarding_days: tuple[float, float, float] = (60.0, 30.0, 10.0)
    growth_per_year: float = 0.25  # account arrivals grow this much per year (before and in it)
    # Planted problems (revline.synth.plants): all off by default, and then the generator makes
    # exactly the draws it makes without them. The strengths only matter when a plant is on.
    slow_response_region: str | None = None
    slow_response_factor: float = 8.0  # the region's response hours are multiplied by this
    poor_onboarding_segment: str | None = None
    poor_onboarding_factor: float = 3.0  # the segment's onboarding days are multiplied by this
    poor_onboarding_stall: float = 0.35  # stall probability in the segment (else 0.06)
    poor_onboarding_churn: float = 1.3  # churn-logit lift of its slow or stalled customers
    junk_lead_channel: str | None = None
    junk_lead_volume: float = 3.0  # the channel's share of leads is multiplied by this
    junk_lead_penalty: float = 2.0  # off the logits of SAL and SQL for the channel's leads

    def __post_init__(self) -> None:
        if self.accounts < 1 or self.months < 1 or self.chunk_size < 1 or self.opening_years < 0:
            from revline.errors import ConfigError

            raise ConfigError(
                f"synth needs at least 1 account, 1 month, a chunk size of 1 and no negative "
                f"opening years; got accounts={self.accounts}, months={self.months}, "
                f"chunk_size={self.chunk_size}, opening_years={self.opening_years}."
            )
        if self.as_of.day != 1:
            from revline.errors import ConfigError

            raise ConfigError(
                f"synth as_of must be the first day of a month (history ends the day before); "
                f"got {self.as_of}."
            )
        from revline.synth.plants import check_plants

        check_plants(self)


@dataclass(frozen=True)
class Calendar:
    """The months of history in epoch seconds: ``starts[m]`` opens month m; the last is as_of."""

    months: int
    as_of: date
    starts: np.ndarray = field(repr=False)

    @classmethod
    def of(cls, config: SynthConfig) -> Calendar:
        """The generated window: ``config.months`` months up to ``as_of``."""
        return cls.spanning(config.as_of, config.months)

    @classmethod
    def history(cls, config: SynthConfig) -> Calendar:
        """The whole life of the company: the opening years, then the window."""
        return cls.spanning(config.as_of, config.months + 12 * config.opening_years)

    @classmethod
    def spanning(cls, as_of: date, months: int) -> Calendar:
        end = np.datetime64(as_of.isoformat(), "M")
        steps = end - np.arange(months, -1, -1).astype("timedelta64[M]")
        starts = steps.astype("datetime64[s]").astype(np.int64)
        return cls(months, as_of, starts)

    @property
    def start(self) -> int:
        return int(self.starts[0])

    @property
    def end(self) -> int:
        return int(self.starts[-1])

    def month_of(self, seconds: np.ndarray) -> np.ndarray:
        """Month index (0-based, clipped to the window) of each instant."""
        idx = np.searchsorted(self.starts, seconds, side="right") - 1
        return np.clip(idx, 0, self.months - 1)

    def month_days(self) -> np.ndarray:
        return np.diff(self.starts) // DAY


SEGMENTS = ("enterprise", "mid_market", "smb")
REGIONS = ("north_america", "latin_america", "emea", "apac")
COUNTRIES: dict[str, tuple[tuple[str, str, float], ...]] = {
    # country, currency, share within the region
    "north_america": (("US", "USD", 0.85), ("CA", "CAD", 0.15)),
    "latin_america": (("BR", "USD", 0.5), ("MX", "USD", 0.3), ("AR", "USD", 0.2)),
    "emea": (("GB", "GBP", 0.35), ("DE", "EUR", 0.3), ("FR", "EUR", 0.2), ("NL", "EUR", 0.15)),
    "apac": (("AU", "AUD", 0.4), ("SG", "USD", 0.3), ("JP", "USD", 0.3)),
}
CURRENCIES = ("USD", "EUR", "GBP", "CAD", "AUD")
#: Starting USD price of one unit of each currency (a random walk moves it month by month).
FX_START = (1.0, 1.08, 1.27, 0.74, 0.66)
INDUSTRIES = (
    "software",
    "financial_services",
    "healthcare",
    "retail",
    "manufacturing",
    "education",
    "media",
    "logistics",
)
#: Lead channels with their share of leads, MQL rate and cost per lead (USD).
LEAD_CHANNELS = (
    ("paid_search", 0.20, 0.55, 180.0),
    ("paid_social", 0.14, 0.40, 120.0),
    ("organic_search", 0.16, 0.55, 0.0),
    ("content", 0.10, 0.50, 60.0),
    ("events", 0.06, 0.65, 400.0),
    ("webinar", 0.08, 0.60, 90.0),
    ("referral", 0.06, 0.75, 0.0),
    ("outbound", 0.14, 0.60, 0.0),
    ("email", 0.06, 0.45, 20.0),
    ("partner", 0.0, 0.70, 0.0),  # only partner-sourced accounts
)
SEGMENT_NAMES = {"enterprise": "Enterprise", "mid_market": "Mid-Market", "smb": "SMB"}
STAGES = ("prospecting", "discovery", "solution", "proposal", "negotiation")
STAGE_PROBABILITY = (0.1, 0.2, 0.4, 0.6, 0.8)
STAGE_FORECAST = ("pipeline", "pipeline", "best_case", "best_case", "commit")
COMPETITORS = ("Acme Revenue", "Pipeforce", "Quotient", "Funnelly")
LOSS_REASONS = ("price", "competitor", "no_decision", "timing", "missing_features")
DISQUALIFICATION_REASONS = ("no_budget", "not_a_fit", "unresponsive", "student", "duplicate")
CHURN_REASONS = ("pricing", "competitor", "support", "budget_cuts", "product_gaps")
TICKET_CATEGORIES = ("how_to", "bug", "billing", "integration", "feature_request")
PARTNER_TYPES = ("reseller", "referral", "technology", "agency")

PRODUCTS = ("Revline Core", "Revline API")
#: The price list: product, tier, pricing model, interval, months per cycle, USD cents per unit
#: per cycle, usage cents per unit, included units, meter; and which segment buys it.
PLANS = (
    ("Revline Core", "starter", "flat", "month", 1, 9_900, 0, 0, "active_users", 2),
    ("Revline Core", "starter", "flat", "year", 1, 99_000, 0, 0, "active_users", 2),
    ("Revline Core", "pro", "per_seat", "month", 1, 4_900, 0, 0, "active_users", 1),
    ("Revline Core", "pro", "per_seat", "year", 1, 49_000, 0, 0, "active_users", 1),
    ("Revline API", "growth", "usage", "month", 1, 0, 2, 0, "api_calls", 2),
    ("Revline API", "scale", "hybrid", "month", 1, 150_000, 1, 100_000, "api_calls", 1),
    ("Revline Core", "enterprise", "per_seat", "year", 1, 72_000, 0, 0, "active_users", 0),
    ("Revline API", "enterprise", "hybrid", "year", 1, 2_400_000, 1, 1_500_000, "api_calls", 0),
)
