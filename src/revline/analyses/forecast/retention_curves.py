"""Retention curves: monthly churn, contraction and expansion rates by segment, plan and tenure.

Fitted on the aggregated exposure cells of :mod:`revline.analyses.forecast.retention_curves_panel`.
Each rate is an empirical hazard (events / exposures, recency-weighted), estimated at four
nested levels and **shrunk** toward its parent so that thin cells borrow strength (empirical
Bayes credibility, as in Bühlmann's credibility formula; Klugman, Panjer & Willmot, *Loss
Models*, ch. 17):

    rate(level) = (events(level) + k * rate(parent)) / (exposures(level) + k)

over the chain all customers -> segment -> segment x tenure band -> segment x tenure band x
plan, with ``k`` = :attr:`CurveSettings.credibility` exposure-months. A cell never seen (a new
plan) takes its parent's rate. The size of an expansion or contraction (its amount over the
customer's MRR before it) is shrunk the same way, with event counts as the weight.

Usage enters as a relative risk per usage trend (rising, steady, falling, none): the events
observed in that trend over the events the cell rates expect there (indirect standardisation),
shrunk toward 1 with the same ``k``. This is how "customers whose usage falls churn more" moves
the forecast without splitting every cell four more ways.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from revline.analyses.forecast.retention_curves_panel import CELL_KEYS

#: The outcome kinds the curves estimate: (name, event count column).
KINDS = ("churn", "expansion", "contraction")
_EVENTS = {"churn": "churn", "expansion": "exp_n", "contraction": "con_n"}
_SIZES = {"expansion": ("exp_mrr", "exp_start"), "contraction": ("con_mrr", "con_start")}
Key = tuple[str, ...]


@dataclass(frozen=True)
class CurveSettings:
    """How the curves are fitted: ``window`` months of history, recency ``half_life`` in
    months, and ``credibility`` (``k``, in exposure-months) for shrinkage."""

    window: int = 24
    half_life: float = 12.0
    credibility: float = 30.0


@dataclass(frozen=True)
class RetentionCurves:
    """Fitted monthly rates. ``rates_[kind][key]`` for keys ``()``, ``(segment,)``,
    ``(segment, band)`` and ``(segment, band, plan)``; ``sizes_`` likewise for the mean
    relative size of an expansion or contraction; ``usage_risk_[kind][trend]``."""

    rates_: dict[str, dict[Key, float]]
    sizes_: dict[str, dict[Key, float]]
    usage_risk_: dict[str, dict[str, float]]
    exposures_: float
    settings: CurveSettings = field(default_factory=CurveSettings)

    def rate(self, kind: str, segment: str, band: str, plan: str, usage: str = "none") -> float:
        """Monthly probability of ``kind`` for a customer in this state (capped at 1)."""
        base = _lookup(self.rates_[kind], (segment, band, plan))
        return min(1.0, base * self.usage_risk_[kind].get(usage, 1.0))

    def size(self, kind: str, segment: str, band: str, plan: str) -> float:
        """Mean size of an expansion or contraction, as a fraction of the MRR before it."""
        return _lookup(self.sizes_[kind], (segment, band, plan))

    def table(self) -> pd.DataFrame:
        """The segment x tenure band x plan rates as a frame (for docs and the CLI)."""
        rows = []
        for key, churn in self.rates_["churn"].items():
            if len(key) == 3:
                row: dict[str, str | float] = dict(
                    zip(("segment", "tenure_band", "plan"), key, strict=True)
                )
                row["churn"] = churn
                row["expansion"] = _lookup(self.rates_["expansion"], key)
                row["contraction"] = _lookup(self.rates_["contraction"], key)
                rows.append(row)
        return pd.DataFrame(rows)


def _lookup(table: dict[Key, float], key: Key) -> float:
    """The rate of the deepest known level of ``key`` (falling back to its parents)."""
    for depth in range(len(key), -1, -1):
        found = table.get(key[:depth])
        if found is not None:
            return found
    return 0.0


def _levels(cells: pd.DataFrame) -> list[tuple[list[str], pd.DataFrame]]:
    """The cells summed at each level of the chain (keys, frame), shallowest first."""
    chain = [[], ["segment"], ["segment", "tenure_band"], ["segment", "tenure_band", "plan"]]
    numeric = [c for c in cells.columns if c not in CELL_KEYS]
    out = []
    for keys in chain:
        if keys:
            out.append((keys, cells.groupby(keys, as_index=False)[numeric].sum()))
        else:
            out.append((keys, cells[numeric].sum().to_frame().T))
    return out


def _key(row: pd.Series, keys: list[str]) -> Key:
    return tuple(str(row[k]) for k in keys)


def fit_curves(cells: pd.DataFrame, settings: CurveSettings | None = None) -> RetentionCurves:
    """Fit :class:`RetentionCurves` on exposure cells (see the module docstring)."""
    cfg = settings or CurveSettings()
    k = cfg.credibility
    rates: dict[str, dict[Key, float]] = {kind: {} for kind in KINDS}
    sizes: dict[str, dict[Key, float]] = {kind: {} for kind in _SIZES}
    for keys, level in _levels(cells):
        for _, row in level.iterrows():
            key = _key(row, keys)
            parent = key[:-1] if keys else None
            for kind in KINDS:
                prior = rates[kind][parent] if parent is not None else None
                rates[kind][key] = _shrink(float(row[_EVENTS[kind]]), float(row["n"]), prior, k)
            for kind, (amount, start) in _SIZES.items():
                events = float(row[_EVENTS[kind]])
                raw = float(row[amount]) / float(row[start]) if float(row[start]) > 0 else 0.0
                prior = sizes[kind][parent] if parent is not None else None
                sizes[kind][key] = _shrink(raw * events, events, prior, k)
    usage = _usage_risk(cells, rates, k)
    return RetentionCurves(rates, sizes, usage, float(cells["n"].sum()) if len(cells) else 0.0, cfg)


def _shrink(events: float, exposures: float, prior: float | None, k: float) -> float:
    """``(events + k * prior) / (exposures + k)``; the raw rate at the top of the chain."""
    if prior is None:
        return events / exposures if exposures > 0 else 0.0
    return (events + k * prior) / (exposures + k)


def _usage_risk(
    cells: pd.DataFrame, rates: dict[str, dict[Key, float]], k: float
) -> dict[str, dict[str, float]]:
    """Observed over expected events per usage trend, shrunk toward 1 (relative risk)."""
    risk: dict[str, dict[str, float]] = {kind: {} for kind in KINDS}
    if cells.empty:
        return risk
    for kind in KINDS:
        expected = cells.apply(
            lambda r, kind=kind: (
                float(r["n"])
                * _lookup(rates[kind], (str(r["segment"]), str(r["tenure_band"]), str(r["plan"])))
            ),
            axis=1,
        )
        frame = pd.DataFrame(
            {"usage": cells["usage"], "observed": cells[_EVENTS[kind]], "expected": expected}
        )
        pseudo = k * rates[kind].get((), 0.0)  # k exposure-months at the average rate
        for trend, group in frame.groupby("usage"):
            observed, wanted = float(group["observed"].sum()), float(group["expected"].sum())
            total = wanted + pseudo
            risk[kind][str(trend)] = (observed + pseudo) / total if total > 0 else 1.0
    return risk
