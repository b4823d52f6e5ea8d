"""The shifted-beta-geometric model against Fader & Hardie (2007), "How to project customer
retention", Journal of Interactive Marketing 21(1), 76-90.

The paper's Table 1 gives the survivors of two cohorts of 1,000 customers per year; the model is
calibrated on years 0-7 (eight counts, seven churn periods) and the paper reports
"regular": alpha = 0.704, beta = 1.182 (LL = -1680.3);
"high end": alpha = 0.668, beta = 3.806 (LL = -1611.2).
"""

from __future__ import annotations

import numpy as np
import pytest

from revline.errors import RevlineError
from revline.model.sbg import ShiftedBetaGeometric, survival

REGULAR = [1000, 631, 468, 382, 326, 289, 262, 241]
HIGH_END = [1000, 869, 743, 653, 593, 551, 517, 491]


def test_fader_hardie_2007_regular_cohort() -> None:
    model = ShiftedBetaGeometric().fit(REGULAR)
    assert model.alpha_ == pytest.approx(0.704, abs=5e-4)
    assert model.beta_ == pytest.approx(1.182, abs=5e-4)
    assert model.log_likelihood_ == pytest.approx(-1680.3, abs=0.05)


def test_fader_hardie_2007_high_end_cohort() -> None:
    model = ShiftedBetaGeometric().fit(HIGH_END)
    assert model.alpha_ == pytest.approx(0.668, abs=5e-4)
    assert model.beta_ == pytest.approx(3.806, abs=5e-4)
    assert model.log_likelihood_ == pytest.approx(-1611.2, abs=0.05)


def test_projection_of_the_regular_cohort_beyond_the_calibration_years() -> None:
    # The paper's Table 1 holds out years 8-12 (223, 207, 194, 183, 173 survivors); the fitted
    # model projects them within a few customers (its Figure 3).
    projected = [1000 * s for s in ShiftedBetaGeometric().fit(REGULAR).survival(12)][8:]
    actual = [223, 207, 194, 183, 173]
    assert all(abs(p - a) < 12 for p, a in zip(projected, actual, strict=True)), projected


def test_fit_recovers_parameters_of_a_simulated_cohort() -> None:
    rng = np.random.default_rng(2007)
    alpha, beta, size, periods = 1.5, 4.0, 200_000, 10
    theta = rng.beta(alpha, beta, size)
    churn_at = rng.geometric(theta)  # the period in which each customer churns (1, 2, ...)
    survivors = [int((churn_at > t).sum()) for t in range(periods + 1)]
    model = ShiftedBetaGeometric().fit(survivors)
    assert model.alpha_ == pytest.approx(alpha, rel=0.1)
    assert model.beta_ == pytest.approx(beta, rel=0.1)


def test_retention_rates_rise_and_lifetime_is_the_sum_of_survival() -> None:
    model = ShiftedBetaGeometric().fit(REGULAR)
    rates = model.retention_rates(6)
    assert rates == sorted(rates)
    s = survival(model.alpha_, model.beta_, 4)
    assert model.expected_lifetime(horizon=5) == pytest.approx(sum(s))
    assert model.expected_lifetime(horizon=5, discount=0.1) < sum(s)


@pytest.mark.parametrize("counts", [[1000], [1000, 1000, 1000], [1000, 1100, 900], [0, 0, 0]])
def test_unfittable_cohorts_are_refused(counts: list[int]) -> None:
    with pytest.raises(RevlineError):
        ShiftedBetaGeometric().fit(counts)


def test_unfitted_model_says_so() -> None:
    with pytest.raises(RevlineError, match="not fitted"):
        ShiftedBetaGeometric().survival(3)
