"""Monte Carlo over deals: a fitted :class:`BookingsModel` to P10/P50/P90 per group.

Each draw decides every open deal's fate with one uniform ``u``: won in the current quarter when
``u < p_current``, in the next when ``u < p_current + p_next``, else neither; both
probabilities are scaled by a lognormal factor shared by all deals of the draw, whose spread
is the model's own out-of-sample error on recent snapshots
(:func:`revline.analyses.forecast.conversion.holdout_spread`); deals not yet
created are drawn per type and quarter (:meth:`NewPipeline.draw`). Deals already won in the
current quarter add their value to every draw. Summing draws by group gives each group's
distribution; quantiles come from :func:`revline.analyses.forecast.contract.summarise`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from revline.analyses.forecast.bookings import BookingsForecast, BookingsModel
from revline.analyses.forecast.contract import summarise

#: Group label of deals that do not exist yet (no owner or team).
NOT_CREATED = "(not yet created)"
GROUPS = {"type": "opportunity_type", "segment": "segment", "owner": "owner_id", "team": "team"}


class _Parts:
    """Every simulated contribution as (group labels, quarter, draw, value) arrays."""

    def __init__(self) -> None:
        self.labels: dict[str, list[np.ndarray]] = {g: [] for g in GROUPS}
        self.quarter: list[np.ndarray] = []
        self.draw: list[np.ndarray] = []
        self.value: list[np.ndarray] = []

    def add(
        self,
        labels: dict[str, np.ndarray],
        quarter: np.ndarray,
        draw: np.ndarray,
        value: np.ndarray,
    ) -> None:
        for g in GROUPS:
            self.labels[g].append(np.asarray(labels[g], dtype=object))
        self.quarter.append(quarter)
        self.draw.append(draw)
        self.value.append(value)

    def sums(self, group: str | None, n_q: int, n_draws: int) -> tuple[list[str], np.ndarray]:
        """Group names and draws of shape ``(groups, quarters, draws)``."""
        quarter = np.concatenate(self.quarter)
        draw = np.concatenate(self.draw)
        value = np.concatenate(self.value)
        if group is None:
            codes, names = np.zeros(len(value), np.int64), ["total"]
        else:
            raw = pd.Series(np.concatenate(self.labels[group])).fillna("unknown").astype(str)
            codes_arr, uniq = pd.factorize(raw, sort=True)
            codes, names = np.asarray(codes_arr, np.int64), [str(u) for u in uniq]
        flat = (codes * n_q + quarter) * n_draws + draw
        size = len(names) * n_q * n_draws
        out = np.bincount(flat, weights=value, minlength=size)
        return names, out.reshape(len(names), n_q, n_draws)


def _labels(frame: pd.DataFrame) -> dict[str, np.ndarray]:
    return {g: frame[col].to_numpy(dtype=object) for g, col in GROUPS.items()}


def _open_deals(model: BookingsModel, rng: np.random.Generator, parts: _Parts, n: int) -> None:
    deals = model.open_deals
    if deals.empty:
        return
    u = rng.random((len(deals), n))
    # A factor shared by every deal of a draw (a good or a bad quarter), mean 1.
    s = model.shared_cv
    shared = rng.lognormal(-(s**2) / 2, s, n)[None, :] if s > 0 else np.ones((1, n))
    p1 = np.minimum(deals["p_current"].to_numpy()[:, None] * shared, 1.0)
    p2 = np.minimum(p1 + deals["p_next"].to_numpy()[:, None] * shared, 1.0)
    quarter = np.where(u < p1, 0, np.where(u < p2, 1, -1))
    row, draw = np.nonzero(quarter >= 0)
    labels = {g: v[row] for g, v in _labels(deals).items()}
    parts.add(labels, quarter[row, draw], draw, deals["value"].to_numpy(dtype=float)[row])


def _booked(model: BookingsModel, parts: _Parts, n: int) -> None:
    done = model.booked
    if done.empty:
        return
    amounts = done["value"].to_numpy(dtype=float)
    row = np.repeat(np.arange(len(done)), n)
    draw = np.tile(np.arange(n), len(done))
    labels = {g: v[row] for g, v in _labels(done).items()}
    parts.add(labels, np.zeros(len(row), np.int64), draw, amounts[row])


def _not_created(model: BookingsModel, rng: np.random.Generator, parts: _Parts, n: int) -> None:
    for piece in model.new_pipeline:
        draw, pick = piece.draw(rng, n)
        if len(draw) == 0:
            continue
        none = np.full(len(draw), NOT_CREATED, dtype=object)
        labels = {
            "type": np.full(len(draw), piece.opportunity_type, dtype=object),
            "segment": piece.segments[pick].astype(object),
            "owner": none,
            "team": none,
        }
        parts.add(labels, np.full(len(draw), piece.window), draw, piece.values[pick])


def top_deals(model: BookingsModel) -> pd.DataFrame:
    """The open deals with the largest expected bookings over both quarters."""
    d = model.open_deals.copy()
    d["expected"] = d["value"] * (d["p_current"] + d["p_next"])
    cols = [
        "opportunity_id",
        "opportunity_type",
        "segment",
        "owner_id",
        "team",
        "stage",
        "amount",
        "currency",
        "value",
        "close_date",
        "p_current",
        "p_next",
        "p_win",
        "expected",
    ]
    d = d.sort_values(["expected", "opportunity_id"], ascending=[False, True])
    return d[cols].head(model.settings.top_deals).reset_index(drop=True)


def simulate(
    model: BookingsModel, rng: np.random.Generator, level: Sequence[int]
) -> BookingsForecast:
    """Run the Monte Carlo of ``model`` with draws from ``rng`` only."""
    n = model.settings.draws
    n_q = len(model.quarters)
    parts = _Parts()
    _booked(model, parts, n)
    _open_deals(model, rng, parts, n)
    _not_created(model, rng, parts, n)
    if not parts.value:
        parts.add(
            {g: np.zeros(0, object) for g in GROUPS}, *(np.zeros(0, np.int64),) * 2, np.zeros(0)
        )
    _, total = parts.sums(None, n_q, n)
    types, by_type = parts.sums("type", n_q, n)
    wanted = list(model.settings.types)
    typed = np.zeros((len(wanted), n_q, n))
    for i, t in enumerate(wanted):
        if t in types:
            typed[i] = by_type[types.index(t)]
    frames = {}
    for key in ("segment", "owner", "team"):
        names, draws = parts.sums(key, n_q, n)
        frames[key] = summarise(names, model.quarters, draws, level)
    totals = summarise(["total", *wanted], model.quarters, np.concatenate([total, typed]), level)
    return BookingsForecast(
        as_of=model.as_of,
        currency=model.settings.currency,
        totals=totals,
        by_segment=frames["segment"],
        by_owner=frames["owner"],
        by_team=frames["team"],
        deals=top_deals(model),
        booked=model.booked,
        draws=total[0],
    )
