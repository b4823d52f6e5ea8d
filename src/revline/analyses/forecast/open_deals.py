"""Open-deal models: how the bookings forecast estimates an open deal's probabilities.

Every model is a function ``(train, full, deals, as_of, cells) -> (p_current, p_both, p_ever)``
registered in :data:`OPEN_DEAL_MODELS` (``BookingsSettings.model`` names one). ``cells`` are the
shrunk per-cell rates of :mod:`revline.analyses.forecast.conversion`, which every model is given
(and falls back to for an event it cannot learn); ``train`` holds the training snapshots with
the window events, ``full`` those whose second quarter is fully observed, ``deals`` the open
deals on ``as_of`` with their features. Adding a model is one ``OPEN_DEAL_MODELS.register``.

- ``cells``: the cells' rates as they are (the default; bench/forecast_results.md);
- ``classifier``: gradient boosting (:mod:`revline.analyses.forecast.classifier`);
- ``blend``: the mean of the two.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import numpy as np
import pandas as pd

from revline.analyses.forecast.contract import ForecastError
from revline.registry import Registry

Probabilities = tuple[np.ndarray, np.ndarray, np.ndarray]
OpenDealModel = Callable[
    [pd.DataFrame, pd.DataFrame, pd.DataFrame, date, Probabilities], Probabilities
]

#: Every open-deal model, by name.
OPEN_DEAL_MODELS: Registry[OpenDealModel] = Registry(
    "model", hint="Use cells, classifier or blend.", error=ForecastError
)


@OPEN_DEAL_MODELS.register("cells")
def cells(
    train: pd.DataFrame, full: pd.DataFrame, deals: pd.DataFrame, as_of: date, cell: Probabilities
) -> Probabilities:
    """The cells' shrunk rates, unchanged."""
    return cell


@OPEN_DEAL_MODELS.register("classifier")
def classifier(
    train: pd.DataFrame, full: pd.DataFrame, deals: pd.DataFrame, as_of: date, cell: Probabilities
) -> Probabilities:
    """The classifier's probabilities; an event it could not learn keeps the cells' rate."""
    return _with_classifier(False, train, full, deals, as_of, cell)


@OPEN_DEAL_MODELS.register("blend")
def blend(
    train: pd.DataFrame, full: pd.DataFrame, deals: pd.DataFrame, as_of: date, cell: Probabilities
) -> Probabilities:
    """The mean of the classifier's and the cells' probabilities."""
    return _with_classifier(True, train, full, deals, as_of, cell)


def _with_classifier(
    mean: bool,
    train: pd.DataFrame,
    full: pd.DataFrame,
    deals: pd.DataFrame,
    as_of: date,
    cell: Probabilities,
) -> Probabilities:
    """The three probabilities from the classifier, or (``mean``) blended with the cells'.

    The raw snapshot value is the classifier's size feature (``deals.value`` has been scaled by
    the close ratio, which the training rows were not)."""
    from revline.analyses.forecast.classifier import fit_classifier

    events = {
        "win_current": train["win_current"],
        "win_both": full["win_both"],
        "win_ever": full["win_ever"],
    }
    clf = fit_classifier(train, events)
    raw = deals.assign(value=deals["raw_value"])
    out = []
    for event, rates in zip(events, cell, strict=True):
        p = clf.predict(raw, as_of, event)
        if p is None:
            out.append(rates)
        else:
            out.append((p + rates) / 2 if mean else p)
    return out[0], out[1], out[2]
