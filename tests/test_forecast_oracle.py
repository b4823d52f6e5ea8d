"""The oracle's posterior against the generator's own deal process (revline.synth.sales).

Deals are drawn with the generator's functions, watched at as-of dates chosen independently of
their outcome, and scored with :func:`revline.analyses.forecast.oracle.posterior_new` from what an
honest model sees: the posterior must be calibrated (within each band of predicted probability
the win rate matches) and beat the creation-time truth, which ignores the path.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import integrate
from sklearn.metrics import log_loss

from revline.analyses.forecast.oracle import (
    lost_density,
    planned_likelihood,
    posterior_expansion,
    posterior_new,
    won_density,
)
from revline.synth.config import DAY, SynthConfig
from revline.synth.sales import (
    LOST_CYCLE_RATIO,
    median_cycle,
    new_business_outcome,
    planned_close,
    stages_reached,
)


def test_lost_density_is_the_convolution_it_claims() -> None:
    mu = np.log(40.0)
    lo, hi = LOST_CYCLE_RATIO
    for x in (np.log(10.0), np.log(30.0), np.log(55.0), np.log(90.0)):
        direct, _ = integrate.quad(
            lambda r, x=x: (
                float(won_density(np.asarray(x - np.log(r)), np.asarray(mu))) / (hi - lo)
            ),
            lo,
            hi,
        )
        # The same as a density over y = log r (whose density is e^y / (hi - lo)).
        by_log, _ = integrate.quad(
            lambda y, x=x: (
                float(won_density(np.asarray(x - y), np.asarray(mu))) * np.exp(y) / (hi - lo)
            ),
            np.log(lo),
            np.log(hi),
        )
        closed_form = float(lost_density(np.asarray(x), np.asarray(mu)))
        assert closed_form == pytest.approx(direct, rel=1e-7)
        assert closed_form == pytest.approx(by_log, rel=1e-7)
    total, _ = integrate.quad(lambda x: float(lost_density(np.asarray(x), np.asarray(mu))), 0, 8)
    assert total == pytest.approx(1.0, rel=1e-6)


def test_planned_likelihood_by_hand() -> None:
    # The rep's date is uniform on [0.55 c, c] = [55, 100] for c = 100: one day has 1/45.
    assert planned_likelihood(np.asarray(70.0), np.asarray(100.0)) == pytest.approx(1 / 45)
    assert planned_likelihood(np.asarray(54.5), np.asarray(100.0)) == pytest.approx(0.5 / 45)
    assert planned_likelihood(np.asarray(100.0), np.asarray(100.0)) == 0.0


def test_expansion_posterior_by_hand() -> None:
    p = np.full(3, 0.5)
    age = np.asarray([10.0, 40.0, 40.0])
    step = np.asarray([np.nan, np.nan, 30.0])
    cycle = np.full(3, 60.0)
    # Before half the span nothing is known; after it, no second stage means a loss (a won
    # deal enters its second stage at half the span); a second stage leaves 1 : 0.7.
    assert posterior_expansion(p, age, step, cycle) == pytest.approx([0.5, 0.0, 1 / 1.7])


def _simulate(n: int, seed: int) -> tuple[np.ndarray, ...]:
    """New deals from the generator, each watched once at a random midnight while open."""
    rng = np.random.default_rng(seed)
    cfg = SynthConfig()
    segment = rng.integers(0, 3, n)
    amount = np.exp(rng.normal(np.log(1_500_000.0), 1.3, n))
    fit = rng.normal(0, 1, n)
    competitor = np.where(rng.random(n) < 0.6, rng.integers(0, 4, n), -1)
    partnered = rng.random(n) < 0.2
    p, won, cycle = new_business_outcome(
        rng,
        fit,
        amount,
        partnered,
        competitor,
        segment,
        cfg.partner_win_effect,
        cfg.size_win_effect,
        cfg.size_cycle_effect,
    )
    created = rng.integers(0, DAY, n)  # seconds after the creation day's midnight
    end = created + (cycle * DAY).astype(np.int64)
    k = stages_reached(rng, won, np.zeros(n, np.int64))
    planned = planned_close(rng, created, cycle)
    cut = rng.integers(1, 240, n) * DAY  # midnight n days later, independent of the outcome
    open_ = end >= cut
    span = np.maximum(end - created, 1)
    second = np.where(k >= 2, created + span // np.maximum(k, 1), np.iinfo(np.int64).max)
    step = np.where(second < cut, (second - created) / DAY, np.nan)
    planned_lo = (planned // DAY * DAY - created) / DAY
    slipped = planned < cut
    seen_cycle = np.where(slipped, cycle, np.nan)
    age = (cut - created) / DAY
    mu = np.log(median_cycle(segment, amount, cfg.size_cycle_effect))
    keep = open_
    return tuple(v[keep] for v in (p, won, mu, age, step, planned_lo, seen_cycle))


def test_posterior_is_calibrated_on_the_generators_process() -> None:
    p, won, mu, age, step, planned_lo, seen = _simulate(60_000, seed=5)
    post, _grid, weights = posterior_new(p, mu, age, step, planned_lo, seen)
    y = won.astype(float)
    assert np.allclose(weights.sum(axis=1)[post > 0], 1.0)
    edges = np.linspace(0, 1, 11)
    band = np.clip(np.digitize(post, edges) - 1, 0, 9)
    checked = 0
    for b in range(10):
        m = band == b
        if m.sum() < 300:
            continue
        rate, mean = y[m].mean(), post[m].mean()
        se = np.sqrt(max(mean * (1 - mean), 1e-4) / m.sum())
        assert abs(rate - mean) < 4 * se + 0.01, (b, int(m.sum()), rate, mean)
        checked += 1
    assert checked >= 5
    # A posterior of 0 is a certainty: no deal it rules out was won.
    assert not won[post == 0].any()
    # Seeing the path beats the creation-time truth by a wide margin.
    assert log_loss(y, post, labels=[0, 1]) < log_loss(y, p, labels=[0, 1]) - 0.05


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_oracle_log_loss_is_the_floor_on_small_companies(seed: int) -> None:
    """On a small company per seed, the oracle's deal-level log loss is at or below revline's
    and the creation-time truth's on the same open deals."""
    from datetime import date

    from revline.analyses.forecast.backtest import backtest
    from revline.analyses.forecast.oracle import Oracle, oracle_log_loss
    from revline.model.pipeline import pipeline_as_of
    from revline.synth import generate
    from revline.warehouse import Warehouse

    with Warehouse.create(":memory:") as wh:
        generate(wh, 1000, 24, seed=seed)
        result = backtest(wh, rng=np.random.default_rng(seed), start=date(2025, 4, 1))
        oracle = Oracle.load(wh, pipeline_as_of(wh, result.end), "USD", ("new", "expansion"))
        loss = oracle_log_loss(oracle, result.deals)
    models = result.log_loss.set_index("model")["log_loss"]
    assert len(result.deals) > 20
    assert loss <= models["revline"] and loss <= models["truth"]
