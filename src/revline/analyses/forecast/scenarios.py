"""Scenario switches for the revenue forecast: what if churn, win rate, price or expansion moved.

A scenario is written ``<lever><sign><number>``, e.g. ``churn-2``, ``win-rate+5``, ``price+5``,
``expansion+10``, ``new+20``; several combine (``--scenario churn-2 --scenario price+5``). Each
is applied to the fitted base forecast and simulated with the same random draws (common random
numbers), so its **delta vs base** shows the lever's effect, not simulation noise.

Levers (``x`` is the number given):

- ``churn``: annual logo churn moves by ``x`` percentage points. Each cell's monthly hazard
  ``h`` becomes ``1 - (1 - A')^(1/12)`` with ``A' = clip(1 - (1 - h)^12 + x / 100, 0, 1)``.
- ``win-rate``: the win rate of new business moves by ``x`` points: new-business arrivals scale
  by ``(w + x/100) / w``, ``w`` the trailing-year win rate, from one go-live lag after the as-of
  date on (deals won from today go live after the lag).
- ``price``: every customer's MRR (existing from the first forecast month, and new arrivals)
  moves by ``x`` percent, and churn answers with an assumed elasticity: each hazard is
  multiplied by ``1 + elasticity * x / 100`` (default elasticity 1.0, so +5% price means 5% more
  churn hazard; set it with ``price+5@2.0``). The elasticity is an assumption, not a fit.
- ``expansion``: expansion probability moves by ``x`` percent (relative).
- ``new``: new-business arrivals move by ``x`` percent (relative), from the first month.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from revline.errors import ConfigError, unknown

LEVERS = ("churn", "win-rate", "price", "expansion", "new")
_PATTERN = re.compile(r"^([a-z-]+?)([+-]\d+(?:\.\d+)?)(?:@(\d+(?:\.\d+)?))?$")
DEFAULT_ELASTICITY = 1.0


@dataclass(frozen=True)
class Scenario:
    """One parsed switch: ``lever``, signed ``value`` and (for price) the churn ``elasticity``."""

    lever: str
    value: float
    elasticity: float = DEFAULT_ELASTICITY

    @property
    def label(self) -> str:
        """The switch as written (``churn-2``)."""
        number = f"{self.value:+g}"
        extra = f"@{self.elasticity:g}" if self.lever == "price" and self.elasticity != 1 else ""
        return f"{self.lever}{number}{extra}"


def parse_scenario(text: str) -> Scenario:
    """Parse one switch; an unknown lever suggests the closest."""
    value = text.strip().lower().replace("_", "-")
    m = _PATTERN.match(value)
    if not m:
        raise ConfigError(
            f"Cannot read scenario {text!r}.",
            hint="Write <lever><+|-><number>, e.g. churn-2, win-rate+5, price+5 (levers: "
            f"{', '.join(LEVERS)}).",
        )
    lever, number, elasticity = m[1], float(m[2]), m[3]
    if lever not in LEVERS:
        raise ConfigError(
            unknown("scenario lever", lever, LEVERS), hint="For example: churn-2 or price+5."
        )
    if elasticity is not None and lever != "price":
        raise ConfigError(
            f"Scenario {text!r}: only price takes an @elasticity.", hint="Write e.g. price+5@1.5."
        )
    return Scenario(lever, number, float(elasticity) if elasticity else DEFAULT_ELASTICITY)


@dataclass(frozen=True)
class Levers:
    """The combined effect of a set of scenarios, as the simulation applies it."""

    churn_points: float = 0.0
    win_rate_points: float = 0.0
    price_pct: float = 0.0
    elasticity: float = DEFAULT_ELASTICITY
    expansion_pct: float = 0.0
    new_pct: float = 0.0

    def churn(self, hazard: np.ndarray) -> np.ndarray:
        """Monthly hazards after the churn and price levers."""
        out = hazard
        if self.churn_points:
            annual = 1.0 - (1.0 - out) ** 12 + self.churn_points / 100.0
            out = 1.0 - (1.0 - np.clip(annual, 0.0, 1.0)) ** (1.0 / 12.0)
        if self.price_pct:
            out = out * max(0.0, 1.0 + self.elasticity * self.price_pct / 100.0)
        clipped: np.ndarray = np.clip(out, 0.0, 1.0)
        return clipped

    def expansion(self, probability: np.ndarray) -> np.ndarray:
        """Monthly expansion probabilities after the expansion lever."""
        return np.clip(probability * (1.0 + self.expansion_pct / 100.0), 0.0, 1.0)

    @property
    def price_factor(self) -> float:
        """What every MRR amount is multiplied by."""
        return 1.0 + self.price_pct / 100.0

    def arrival_factor(self, win_rate: float | None) -> tuple[float, float]:
        """(factor from the first month, extra factor from one go-live lag on)."""
        now = 1.0 + self.new_pct / 100.0
        if not self.win_rate_points:
            return now, 1.0
        if not win_rate:
            raise ConfigError(
                "The win-rate scenario needs closed new deals in the year before the as-of date; "
                "there are none.",
                hint="Load opportunities (with outcomes), or use the new+N scenario instead.",
            )
        moved = max(0.0, win_rate + self.win_rate_points / 100.0)
        return now, moved / win_rate


def combine(scenarios: list[Scenario]) -> Levers:
    """The levers of several switches (the same lever twice adds up)."""
    total = {lever: 0.0 for lever in LEVERS}
    elasticity = DEFAULT_ELASTICITY
    for s in scenarios:
        total[s.lever] += s.value
        if s.lever == "price":
            elasticity = s.elasticity
    return Levers(
        churn_points=total["churn"],
        win_rate_points=total["win-rate"],
        price_pct=total["price"],
        elasticity=elasticity,
        expansion_pct=total["expansion"],
        new_pct=total["new"],
    )
