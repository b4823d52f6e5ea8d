"""The opening book: the customers the company won in the years before the generated window.

The company did not start on the window's first day. Accounts arrived for ``opening_years``
before it, on the same curve as in the window (growing ``growth_per_year``, continuous at the
window start), and a share of them (:data:`DEAL_SHARE`, what the window's funnel produces) opened a
new-business deal, won or lost by the same win model (:func:`revline.synth.sales.
new_business_outcome`). Each deal won before the window start became a customer on its signing
day, with the plan, seats, discount and contract (monthly or annual) that segment buys, priced
at that month's exchange rate, and has lived month by month since (the same
:func:`revline.synth.lifecycle.simulate`): some churned, came back, expanded or shrank before the
window; the survivors are the installed base at its start, of every tenure and signing cohort,
with annual renewals spread over the year.

What is written for them (see docs/synth.md): their accounts; their subscriptions over their
whole life (real start dates, years back, and the churned ones too, so MRR before the window is
that of a real company rather than of survivors only); invoices and payments from twelve months
before the window (each running annual term has its invoice; usage is billed in arrears); and, in
the window only, usage, tickets, health notes, churn events, expansion and renewal deals and
their truth rows, as for every customer. Before the window nothing else exists: no leads, no
new-business opportunities, no onboarding, no marketing spend or expenses, so funnel and sales
figures start at the window. Planted problems act in the window only.
"""

from __future__ import annotations

import numpy as np

from revline.synth.config import DAY, Calendar, SynthConfig

#: New-business deals per arriving account (the window's funnel at the default profile makes
#: about 0.21: 4,138 new deals for 20,000 accounts, seed 7).
DEAL_SHARE = 0.26
#: Mean days from an account's arrival to its deal (the funnel's median is about 11).
LEAD_DAYS = 12.0
#: Invoices are written from this many months before the window.
INVOICE_MONTHS = 12
#: Paying customers at the window's end per window account, at the default profile (measured
#: over seeds 1-3 at 20,000 accounts; see docs/synth.md): what ``--customers`` divides by.
CUSTOMERS_PER_ACCOUNT = 0.104
#: The same without an opening book (the window's customers only).
WINDOW_CUSTOMERS_PER_ACCOUNT = 0.05


def _rate(config: SynthConfig) -> float:
    """Log growth of the arrival density, per second."""
    return float(np.log1p(config.growth_per_year) / (365 * DAY))


def candidates(config: SynthConfig, window: Calendar, history: Calendar) -> int:
    """New-business deals opened before the window: arrivals on the window's curve, extended.

    The window's ``accounts`` arrive with density ``N g e^(g t) / (e^(g S) - 1)`` over its span
    ``S``; the same density over the opening years holds ``N (1 - e^(-g Y)) / (e^(g S) - 1)``.
    """
    g = _rate(config)
    span = window.end - window.start
    before = window.start - history.start
    if before <= 0:
        return 0
    if g <= 0:
        arrived = config.accounts * before / span
    else:
        arrived = config.accounts * -np.expm1(-g * before) / np.expm1(g * span)
    return round(DEAL_SHARE * arrived)


def arrivals(
    rng: np.random.Generator, config: SynthConfig, window: Calendar, history: Calendar, n: int
) -> np.ndarray:
    """Sorted arrival instants of ``n`` accounts before the window (inverse CDF of the curve)."""
    g = _rate(config)
    before = window.start - history.start
    u = rng.random(n)
    back = -np.log1p(u * np.expm1(-g * before)) / g if g > 0 else u * before
    out: np.ndarray = np.sort(window.start - 1 - np.minimum(back, before - 1).astype(np.int64))
    return out


def deal_lag(rng: np.random.Generator, n: int) -> np.ndarray:
    """Seconds from an account's arrival to its deal's creation."""
    out: np.ndarray = (rng.exponential(LEAD_DAYS, n) * DAY).astype(np.int64)
    return out


def served(config: SynthConfig) -> float:
    """Paying customers the company expects to serve at the window's end (sizes its staff)."""
    scale = CUSTOMERS_PER_ACCOUNT if config.opening_years else WINDOW_CUSTOMERS_PER_ACCOUNT
    return config.accounts * scale


def accounts_for(customers: int) -> int:
    """Window accounts for a company with about ``customers`` paying at the end (default
    profile)."""
    return max(1, round(customers / CUSTOMERS_PER_ACCOUNT))
