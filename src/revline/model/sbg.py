"""The shifted-beta-geometric (sBG) model of contractual retention.

Fader, P. S. and Hardie, B. G. S. (2007), "How to project customer retention", *Journal of
Interactive Marketing* 21(1), 76-90. Each customer renews each period with a fixed probability
``1 - theta``; ``theta`` varies across customers as ``Beta(alpha, beta)``. Then

    P(T = 1) = alpha / (alpha + beta)
    P(T = t) = P(T = t - 1) * (beta + t - 2) / (alpha + beta + t - 1)       (t >= 2)
    S(t)     = S(t - 1) - P(T = t),  S(0) = 1

where ``T`` is the period in which a customer churns and ``S(t)`` the share still active after
``t`` periods. The retention rate ``S(t) / S(t - 1) = (beta + t - 1) / (alpha + beta + t - 1)``
rises with ``t``: the cohort sorts itself, as real cohorts do, which a constant churn rate misses.

The parameters are fitted by maximum likelihood on one cohort's survivor counts (equation 7 of
the paper): churners of period ``t`` contribute ``ln P(T = t)``, the customers still active at
the end ``ln S(T)``. The fit is a Nelder-Mead search over ``(ln alpha, ln beta)``, written out
here because revline does not depend on scipy.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from revline.errors import RevlineError


def churn_probabilities(alpha: float, beta: float, periods: int) -> list[float]:
    """``P(T = t)`` for ``t = 1 .. periods``."""
    out: list[float] = []
    p = alpha / (alpha + beta)
    for t in range(1, periods + 1):
        if t > 1:
            p *= (beta + t - 2) / (alpha + beta + t - 1)
        out.append(p)
    return out


def survival(alpha: float, beta: float, periods: int) -> list[float]:
    """``S(t)`` for ``t = 0 .. periods`` (``S(0) = 1``)."""
    out = [1.0]
    for p in churn_probabilities(alpha, beta, periods):
        out.append(out[-1] - p)
    return out


def log_likelihood(alpha: float, beta: float, survivors: Sequence[float]) -> float:
    """The sBG log-likelihood of a cohort's survivor counts ``n_0, n_1, ..., n_T``."""
    return counts_log_likelihood(alpha, beta, *_counts(survivors))


def counts_log_likelihood(
    alpha: float, beta: float, churned: Mapping[int, float], alive: Mapping[int, float]
) -> float:
    """Log-likelihood of ``churned[t]`` customers lost in period ``t`` and ``alive[t]`` still
    active after ``t`` periods (censored): several cohorts observed for different lengths."""
    periods = max([*churned, *alive, 1])
    probs = churn_probabilities(alpha, beta, periods)
    still = survival(alpha, beta, periods)
    total = sum(n * math.log(probs[t - 1]) for t, n in churned.items() if n)
    return total + sum(n * math.log(still[t]) for t, n in alive.items() if n)


def _counts(survivors: Sequence[float]) -> tuple[dict[int, float], dict[int, float]]:
    lost = {t: survivors[t - 1] - survivors[t] for t in range(1, len(survivors))}
    return lost, {len(survivors) - 1: survivors[-1]}


def _nelder_mead(
    f: Callable[[list[float]], float], start: list[float], steps: int = 2000
) -> list[float]:
    """Minimise ``f`` from ``start`` (the standard Nelder-Mead simplex, 2 dimensions or more)."""
    simplex = [list(start)] + [
        [x + (0.5 if i == j else 0.0) for j, x in enumerate(start)] for i in range(len(start))
    ]
    values = [f(p) for p in simplex]
    for _ in range(steps):
        order = sorted(range(len(simplex)), key=values.__getitem__)
        simplex = [simplex[i] for i in order]
        values = [values[i] for i in order]
        if (
            abs(values[-1] - values[0]) < 1e-12
            and max(abs(a - b) for p in simplex[1:] for a, b in zip(p, simplex[0], strict=True))
            < 1e-10
        ):
            break
        centre = [sum(c) / (len(simplex) - 1) for c in zip(*simplex[:-1], strict=True)]
        worst = simplex[-1]

        def towards(scale: float, w: list[float] = worst, c: list[float] = centre) -> list[float]:
            return [ci + scale * (ci - wi) for ci, wi in zip(c, w, strict=True)]

        reflected = towards(1.0)
        fr = f(reflected)
        if fr < values[0]:
            expanded = towards(2.0)
            fe = f(expanded)
            simplex[-1], values[-1] = (expanded, fe) if fe < fr else (reflected, fr)
        elif fr < values[-2]:
            simplex[-1], values[-1] = reflected, fr
        else:
            contracted = towards(0.5) if fr < values[-1] else towards(-0.5)
            fc = f(contracted)
            if fc < min(fr, values[-1]):
                simplex[-1], values[-1] = contracted, fc
            else:
                best = simplex[0]
                simplex = [best] + [
                    [b + 0.5 * (x - b) for x, b in zip(p, best, strict=True)] for p in simplex[1:]
                ]
                values = [values[0]] + [f(p) for p in simplex[1:]]
    return simplex[min(range(len(simplex)), key=values.__getitem__)]


@dataclass
class ShiftedBetaGeometric:
    """The sBG model: ``fit`` a cohort's survivor counts, then project its retention.

    Fitted attributes end in ``_``: ``alpha_``, ``beta_`` and ``log_likelihood_``.
    """

    alpha_: float = field(default=math.nan, init=False)
    beta_: float = field(default=math.nan, init=False)
    log_likelihood_: float = field(default=math.nan, init=False)

    def fit(self, survivors: Sequence[float]) -> ShiftedBetaGeometric:
        """Fit by maximum likelihood to survivor counts ``n_0 >= n_1 >= ... >= n_T``."""
        counts = [float(n) for n in survivors]
        if len(counts) < 3 or counts[0] <= 0:
            raise RevlineError(
                f"Cannot fit the sBG model to {len(counts)} survivor counts starting at "
                f"{counts[0] if counts else 'nothing'}.",
                hint="Give a cohort's size and at least two later counts of survivors.",
            )
        if any(b > a or b < 0 for a, b in itertools.pairwise(counts)):
            raise RevlineError(
                f"Survivor counts must not rise or go negative: {counts}.",
                hint="Give the number of the cohort's customers still active after each period.",
            )
        return self.fit_counts(*_counts(counts))

    def fit_counts(
        self, churned: Mapping[int, float], alive: Mapping[int, float]
    ) -> ShiftedBetaGeometric:
        """Fit by maximum likelihood to pooled cohorts: ``churned[t]`` customers lost in period
        ``t >= 1``, ``alive[t]`` customers observed active after ``t`` periods and no longer."""
        if any(t < 1 for t in churned) or any(t < 0 for t in alive):
            raise RevlineError(
                f"Periods must count from 1 for churn and 0 for survivors: {dict(churned)}, "
                f"{dict(alive)}.",
                hint="Count a customer lost in its first period as churned at t = 1.",
            )
        if not any(n > 0 for n in churned.values()):
            raise RevlineError(
                "Nobody in the cohort churned: the sBG model cannot be fitted.",
                hint="Fit a cohort with at least one churned customer.",
            )

        def loss(p: list[float]) -> float:
            a, b = math.exp(p[0]), math.exp(p[1])
            return -counts_log_likelihood(a, b, churned, alive)

        best = _nelder_mead(loss, [0.0, 0.0])
        self.alpha_, self.beta_ = math.exp(best[0]), math.exp(best[1])
        self.log_likelihood_ = -loss(best)
        return self

    def _fitted(self) -> tuple[float, float]:
        if math.isnan(self.alpha_):
            raise RevlineError("The sBG model is not fitted.", hint="Call fit(survivors) first.")
        return self.alpha_, self.beta_

    def survival(self, periods: int) -> list[float]:
        """Projected share of the cohort still active after ``0 .. periods`` periods."""
        return survival(*self._fitted(), periods)

    def retention_rates(self, periods: int) -> list[float]:
        """Projected retention rate of periods ``1 .. periods``: ``S(t) / S(t - 1)``."""
        a, b = self._fitted()
        return [(b + t - 1) / (a + b + t - 1) for t in range(1, periods + 1)]

    def expected_lifetime(self, horizon: int = 600, discount: float = 0.0) -> float:
        """Expected (discounted) number of periods paid, from the start, up to ``horizon``.

        ``sum_{t=0}^{horizon-1} S(t) / (1 + discount)^t``: a customer pays at the start of each
        period it is active in (period 0 included).
        """
        alive = self.survival(horizon - 1)
        return sum(s / (1 + discount) ** t for t, s in enumerate(alive))
