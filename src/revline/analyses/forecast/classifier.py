"""A gradient-boosted classifier of P(an open deal closes won within a window), from history.

It learns from the same fully observed pipeline snapshots as the cell rates
(:mod:`revline.analyses.forecast.conversion`), but reads the deal's state as numbers rather than
buckets:
days since creation, days in the current stage, days the earlier stages took, days to the rep's
expected close (negative when overdue), slips, the deal's value (log) and its stage's rank. From
the rank and the days the earlier stages took it derives the deal's *pace* (days per stage so
far) and a projected close: the days the remaining stages would take at that pace. Deals move at
their own speed; a deal that reached proposal quickly is likely to close soon, one that took
months is not, whatever the rep's date says. Categorical features (type, stage, segment, lead
source) are native categories of scikit-learn's ``HistGradientBoostingClassifier``.

Cells average many deals but cut ages and amounts into coarse buckets; the classifier sees the
numbers but can overfit a thin history. The bookings forecast uses the mean of the two
probabilities (``BookingsSettings.model = "blend"``); the benchmark measured the blend against
each alone (bench/forecast_results.md). The fit is deterministic (no early stopping, no
subsampling): a model is a function of its training rows, and the forecast's only randomness
stays the injected generator of the Monte Carlo.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from revline.model.pipeline import instant

#: Categorical features, read as pandas categories.
CATEGORICAL: tuple[str, ...] = ("opportunity_type", "stage", "segment", "lead_source")
#: Numeric features (see the module docstring).
NUMERIC: tuple[str, ...] = (
    "log_value",
    "age_days",
    "in_stage_days",
    "prior_days",
    "due_days",
    "slips",
    "stage_rank",
    "pace",
    "projected_days",
)
#: Fewer training rows (or positives) than this and the classifier is not fitted.
MIN_ROWS = 200
MIN_POSITIVES = 20


def stage_ranks(train: pd.DataFrame) -> dict[str, float]:
    """Each open stage's rank (1, 2, ...) by the median days from creation to entering it.

    Derived from the data rather than a configured order, so any CRM's stage names work: the
    stage deals reach later in their life ranks higher.
    """
    prior = (train["stage_since"] - train["created_at"]).dt.total_seconds() / 86_400
    order = prior.groupby(train["stage"].astype(str)).median().sort_values(kind="stable")
    return {str(s): float(i + 1) for i, s in enumerate(order.index)}


def features(frame: pd.DataFrame, at: date, ranks: dict[str, float]) -> pd.DataFrame:
    """The classifier's inputs for ``frame``, a pipeline snapshot taken on ``at``.

    ``frame`` needs the :func:`revline.model.pipeline.pipeline_as_of` columns and ``value``.
    """
    cut = pd.Timestamp(instant(at))
    out = pd.DataFrame(index=frame.index)
    for col in CATEGORICAL:
        out[col] = frame[col].fillna("unknown").astype(str)
    value = frame["value"].to_numpy(dtype=float)
    out["log_value"] = np.log1p(np.where(np.isfinite(value), np.maximum(value, 0.0), np.nan))
    age = (cut - frame["created_at"]).dt.total_seconds().to_numpy() / 86_400
    in_stage = (cut - frame["stage_since"]).dt.total_seconds().to_numpy() / 86_400
    out["age_days"] = age
    out["in_stage_days"] = in_stage
    prior = np.maximum(age - in_stage, 0.0)
    out["prior_days"] = prior
    close = pd.to_datetime(frame["close_date"]).dt.tz_localize(None)
    out["due_days"] = (close - cut.tz_localize(None)).dt.days.to_numpy(dtype=float)
    out["slips"] = frame["slips"].to_numpy(dtype=float)
    rank = frame["stage"].astype(str).map(ranks).to_numpy(dtype=float)
    out["stage_rank"] = rank
    remaining = float(max(ranks.values(), default=1.0)) + 1.0 - rank
    with np.errstate(invalid="ignore", divide="ignore"):
        pace = np.where(rank > 1, prior / (rank - 1), np.nan)
    out["pace"] = pace
    out["projected_days"] = pace * remaining - in_stage
    return out


@dataclass
class WindowClassifier:
    """Fitted classifiers of one or more window events, sharing features and categories."""

    ranks: dict[str, float]
    categories: dict[str, list[str]]
    models: dict[str, object]
    #: The numeric features the training rows had values for (a CRM export without stage
    #: history has no due dates or stage ranks: such columns are left out, not fitted as NaN).
    numeric: tuple[str, ...] = NUMERIC

    def predict(self, frame: pd.DataFrame, at: date, event: str) -> np.ndarray | None:
        """P(event) for each row of ``frame`` (a snapshot on ``at``), or None if not fitted."""
        model = self.models.get(event)
        if model is None or frame.empty:
            return None
        x = self._encode(features(frame, at, self.ranks))
        proba: np.ndarray = model.predict_proba(x)[:, 1]  # type: ignore[attr-defined]
        return proba

    def _encode(self, x: pd.DataFrame) -> pd.DataFrame:
        for col in CATEGORICAL:
            x[col] = pd.Categorical(x[col], categories=self.categories[col])
        return x[[*CATEGORICAL, *self.numeric]]


def fit_classifier(
    train: pd.DataFrame, events: dict[str, pd.Series], min_rows: int = MIN_ROWS
) -> WindowClassifier:
    """One classifier per event (a boolean Series aligned with ``train``'s rows).

    ``train`` holds pipeline snapshots (column ``snapshot``) with ``value``. An event whose
    rows are too few, or too one-sided, gets no model (``predict`` then returns None and the
    forecast keeps the cell rates).
    """
    from sklearn.ensemble import HistGradientBoostingClassifier

    ranks = stage_ranks(train) if len(train) else {}
    parts = [
        features(grp, pd.Timestamp(str(day)).date(), ranks)
        for day, grp in train.groupby("snapshot", sort=True)
    ]
    x = pd.concat(parts).loc[train.index] if parts else pd.DataFrame()
    categories = {col: sorted(set(x[col])) if len(x) else ["unknown"] for col in CATEGORICAL}
    if len(x) == 0:
        return WindowClassifier(ranks, categories, {})
    numeric = tuple(col for col in NUMERIC if x[col].notna().any())
    clf = WindowClassifier(ranks, categories, {}, numeric)
    encoded = clf._encode(x.copy())
    for name, event in events.items():
        rows = event.index
        y = event.to_numpy(dtype=bool)
        if len(y) < min_rows or y.sum() < MIN_POSITIVES or (~y).sum() < MIN_POSITIVES:
            continue
        model = HistGradientBoostingClassifier(
            learning_rate=0.05,
            max_iter=200,
            max_leaf_nodes=15,
            min_samples_leaf=40,
            l2_regularization=1.0,
            categorical_features="from_dtype",
            early_stopping=False,
            random_state=0,
        )
        model.fit(encoded.loc[rows], y)
        clf.models[name] = model
    return clf
