"""The Monte Carlo of the revenue forecast: every customer, month by month, many times.

Each simulation starts from the customers paying at the base month. Each month, every paying
customer churns with its cell's hazard (segment, plan, usage trend, and tenure band at that
month), else expands or contracts with its cell's probabilities; an expansion or contraction
changes its MRR by an exponential draw around the cell's mean relative size (a contraction
keeps at least 5% of the MRR). Then arrivals join: new customers and reactivations, a Poisson
number per month whose rate follows a log-linear trend with its coefficients drawn per
simulation (their estimation uncertainty) plus month-to-month noise beyond Poisson (see
:func:`revline.analyses.forecast.revenue_fit._trend`); each arrival's first MRR and cell are drawn
from
the arrivals actually seen (a bootstrap). Won deals not yet paying go live at their go-live month.
Arrivals are simulated as customers too, so they churn and expand by tenure like everyone else.

Assumptions (stated, not hidden): customers are independent given their cells; a customer's
usage trend stays as it was at the base month; rates hold for the horizon except for the
recency weighting already in them; reactivations and new customers share the same curves.
Randomness comes only from the injected generator's seeds (:class:`Draws`), so a run is
reproducible and scenarios reuse the same draws (common random numbers).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from scipy import stats

from revline.analyses.forecast.scenarios import Levers
from revline.model.movements import SIGNS

#: The series one simulation records per month.
SERIES = ("mrr", *SIGNS)
#: Cells of simulated units per batch (simulations x customers), to bound memory.
BATCH_CELLS = 4_000_000


@dataclass(frozen=True)
class Stream:
    """An arrival stream: a log-linear trend of monthly arrivals with its uncertainty.

    ``log(arrivals in forecast month t) ~ coef[0] + coef[1] * t``, the coefficients drawn per
    simulation from a normal with covariance ``cov``; ``noise`` is the month-to-month standard
    deviation on the log scale beyond Poisson. ``cells``/``mrr`` are the arrivals seen (the
    bootstrap sample of each arrival's first MRR and cell).
    """

    kind: str
    coef: np.ndarray
    cov: np.ndarray
    noise: float
    cells: np.ndarray
    mrr: np.ndarray
    scale: np.ndarray | None = None

    def factor(self, h: int) -> np.ndarray:
        """The per-month multiplier of the trend (``scale``, else ones), for ``h`` months."""
        out = np.ones(h)
        if self.scale is not None:
            n = min(h, len(self.scale))
            out[:n] = self.scale[:n]
        return out

    def expected(self, h: int) -> np.ndarray:
        """The arrivals per month at the central coefficients, before ``scale``."""
        if len(self.mrr) == 0:
            return np.zeros(h)
        t = np.arange(1, h + 1)
        out: np.ndarray = np.exp(self.coef[0] + self.coef[1] * t + self.noise**2 / 2)
        return out


@dataclass(frozen=True)
class SimInputs:
    """Everything the simulation needs, as arrays.

    Rate arrays are ``[cell, tenure band]``; ``band_of_tenure`` maps a tenure in months (up to
    its length, capped) to a band index. Existing customers: ``cells``, ``tenure``, ``mrr``.
    ``pending_month``/``pending_mrr``/``pending_cells``: won deals going live in that forecast
    month (1-based). ``lag``: median go-live lag in months; ``win_rate``: trailing win rate.
    """

    churn: np.ndarray
    expansion: np.ndarray
    contraction: np.ndarray
    expansion_size: np.ndarray
    contraction_size: np.ndarray
    band_of_tenure: np.ndarray
    cells: np.ndarray
    tenure: np.ndarray
    mrr: np.ndarray
    streams: tuple[Stream, ...]
    pending_month: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    pending_mrr: np.ndarray = field(default_factory=lambda: np.zeros(0))
    pending_cells: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    lag: int = 0
    win_rate: float | None = None


@dataclass(frozen=True)
class Draws:
    """Seeds of the three independent generators one run uses (from the injected one)."""

    existing: int
    counts: int
    arrivals: int

    @classmethod
    def from_rng(cls, rng: np.random.Generator) -> Draws:
        a, b, c = (int(x) for x in rng.integers(0, 2**63 - 1, size=3))
        return cls(a, b, c)


def simulate(inputs: SimInputs, h: int, n_sims: int, draws: Draws, levers: Levers) -> np.ndarray:
    """Simulated monthly values: shape ``(len(SERIES), h, n_sims)``.

    Simulations run in batches whose size depends only on the inputs and ``h`` (not on the
    levers), and every random number is keyed by (batch, month, block, unit), so two runs with
    the same seeds and different levers see the same draws wherever their units coincide.
    """
    counts = _arrival_counts(inputs, h, n_sims, draws, levers)
    out = np.zeros((len(SERIES), h, n_sims))
    expected = sum(float((s.expected(h) * s.factor(h)).sum()) for s in inputs.streams)
    units = max(1.0, len(inputs.mrr) + len(inputs.pending_mrr) + 2.0 * expected)
    per_batch = max(1, int(BATCH_CELLS // units))
    for first in range(0, n_sims, per_batch):
        size = min(per_batch, n_sims - first)
        part = counts[:, :, first : first + size]
        blocks = _blocks(inputs, h, part, levers, draws, first)
        out[:, :, first : first + size] = _run(inputs, h, blocks, levers)
    # A price move re-prices every existing customer in the first month: book it as expansion
    # (or contraction) so that end = start + new + reactivation + expansion - contraction - churn.
    uplift = float(inputs.mrr.sum()) * (levers.price_factor - 1.0)
    out[SERIES.index("expansion" if uplift >= 0 else "contraction"), 0] += abs(uplift)
    return out


def _arrival_counts(
    inputs: SimInputs, h: int, n_sims: int, draws: Draws, levers: Levers
) -> np.ndarray:
    """Arrivals per stream, month and simulation: ``(streams, h, n_sims)`` integers.

    Counts are Poisson quantiles of shared uniforms, so a lever that raises the rate raises
    each simulation's count (never lowers it): scenario deltas are not noise.
    """
    gen = np.random.default_rng(draws.counts)
    now, later = levers.arrival_factor(inputs.win_rate)
    months = np.arange(1, h + 1)
    factor = np.where(months > inputs.lag, now * later, now)
    out = np.zeros((len(inputs.streams), h, n_sims), dtype=np.int64)
    for i, stream in enumerate(inputs.streams):
        coef = gen.multivariate_normal(stream.coef, stream.cov, size=n_sims, method="cholesky")
        month_noise = gen.standard_normal((h, n_sims)) * stream.noise
        u = gen.random((h, n_sims))
        if len(stream.mrr) == 0:
            continue
        log_lam = coef[None, :, 0] + coef[None, :, 1] * months[:, None] + month_noise
        lam = np.exp(log_lam + stream.noise**2 / 2) * (factor * stream.factor(h))[:, None]
        out[i] = stats.poisson.ppf(u, np.maximum(lam, 1e-12)).astype(np.int64)
    return out


@dataclass
class _Block:
    """Units simulated together: ``start`` month (0 = paying at base), cells, MRR and tenure at
    start per (simulation, unit); ``kind`` 0 new, 1 reactivation, -1 existing; ``draw(t)`` gives
    the (3, sims, units) uniforms and sizes of month ``t``."""

    start: np.ndarray
    cells: np.ndarray
    mrr: np.ndarray
    tenure0: np.ndarray
    kind: int
    draw: Callable[[int], np.ndarray]
    alive: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        self.alive = self.start == 0


def _keyed(seed: int, *key: int) -> np.random.Generator:
    return np.random.default_rng([seed, *key])


def _blocks(
    inputs: SimInputs, h: int, counts: np.ndarray, levers: Levers, draws: Draws, first: int
) -> list[_Block]:
    """The existing customers, the pending deals and one block per arrival stream and month."""
    n_sims = counts.shape[2]
    price = levers.price_factor

    def fixed(n: int, tag: int) -> Callable[[int], np.ndarray]:
        return lambda t: _keyed(draws.existing, tag, first, t).random((3, n_sims, n))

    n, p = len(inputs.mrr), len(inputs.pending_mrr)
    blocks = [
        _Block(
            np.zeros((n_sims, n), np.int64),
            np.broadcast_to(inputs.cells, (n_sims, n)),
            np.broadcast_to(inputs.mrr * price, (n_sims, n)).copy(),
            np.broadcast_to(inputs.tenure, (n_sims, n)),
            -1,
            fixed(n, 0),
        ),
        _Block(
            np.broadcast_to(inputs.pending_month, (n_sims, p)),
            np.broadcast_to(inputs.pending_cells, (n_sims, p)),
            np.broadcast_to(inputs.pending_mrr * price, (n_sims, p)).copy(),
            np.zeros((n_sims, p), np.int64),
            0,
            fixed(p, 1),
        ),
    ]
    for i, stream in enumerate(inputs.streams):
        if len(stream.mrr) == 0:
            continue
        for t in range(1, h + 1):
            k = int(counts[i, t - 1].max(initial=0))
            if k == 0:
                continue
            # Unit-major draws: unit j's numbers do not depend on how many units follow it.
            r = _keyed(draws.arrivals, i, t, first).random((k, h + 1, 3, n_sims))
            size = len(stream.mrr)
            pick = np.minimum((r[:, 0, 0, :] * size).astype(np.int64), size - 1).T
            present = np.arange(k)[None, :] < counts[i, t - 1][:, None]
            blocks.append(
                _Block(
                    np.where(present, t, h + 1),
                    stream.cells[pick],
                    stream.mrr[pick] * price,
                    np.zeros((n_sims, k), np.int64),
                    0 if stream.kind == "new" else 1,
                    _month_draws(r),
                )
            )
    return blocks


def _month_draws(r: np.ndarray) -> Callable[[int], np.ndarray]:
    """Month ``m``'s draws of a block from its unit-major array ``(units, months, 3, sims)``."""

    def draw(m: int) -> np.ndarray:
        return np.transpose(r[:, m], (1, 2, 0))

    return draw


def _run(inputs: SimInputs, h: int, blocks: list[_Block], levers: Levers) -> np.ndarray:
    """Step every block month by month; the series of :data:`SERIES` per month and simulation."""
    n_sims = blocks[0].start.shape[0]
    top = len(inputs.band_of_tenure) - 1
    churn = levers.churn(inputs.churn)
    expansion = levers.expansion(inputs.expansion)
    out = np.zeros((len(SERIES), h, n_sims))
    for t in range(1, h + 1):
        for b in blocks:
            if b.start.shape[1] == 0:
                continue
            band = inputs.band_of_tenure[np.clip(b.tenure0 + (t - 1 - b.start), 0, top)]
            u, v, size = b.draw(t)
            size = -np.log1p(-size)  # exponential with mean 1, from a uniform
            gone = b.alive & (u < churn[b.cells, band])
            p_exp = expansion[b.cells, band]
            grow = b.alive & ~gone & (v < p_exp)
            shrink = b.alive & ~gone & ~grow & (v < p_exp + inputs.contraction[b.cells, band])
            up = np.where(grow, b.mrr * size * inputs.expansion_size[b.cells, band], 0.0)
            cut = b.mrr * size * inputs.contraction_size[b.cells, band]
            down = np.where(shrink, np.minimum(cut, 0.95 * b.mrr), 0.0)
            out[SERIES.index("churn"), t - 1] += np.where(gone, b.mrr, 0.0).sum(axis=1)
            out[SERIES.index("expansion"), t - 1] += up.sum(axis=1)
            out[SERIES.index("contraction"), t - 1] += down.sum(axis=1)
            b.mrr = b.mrr + up - down
            b.alive = b.alive & ~gone
            joining = b.start == t
            if b.kind >= 0:
                name = "new" if b.kind == 0 else "reactivation"
                out[SERIES.index(name), t - 1] += np.where(joining, b.mrr, 0.0).sum(axis=1)
            b.alive = b.alive | joining
            out[0, t - 1] += np.where(b.alive, b.mrr, 0.0).sum(axis=1)
    return out
