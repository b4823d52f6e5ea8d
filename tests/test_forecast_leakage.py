"""No leakage: changing anything recorded after an as-of date leaves that date's forecast unchanged.

A synthetic company is copied and its future rewritten: every history row at or after the
as-of date is deleted or altered, the outcomes, amounts and close dates of deals closed later
are flipped, and new opportunities (with history) are created after the date. Each
forecaster, fitted with the same seed on the original and on the rewritten company, must give
the same frame. A control checks that the rewrite did change what is known later, so the test
can fail.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from revline.analyses.forecast.baselines import (
    AutoETSBaseline,
    RunRate,
    WeightedPipeline,
    stage_probabilities,
)
from revline.analyses.forecast.bookings import BookingsSettings
from revline.analyses.forecast.contract import BaseForecaster
from revline.analyses.forecast.forecasters import BookingsForecaster
from revline.analyses.forecast.revenue_peers import AutoETSMrr, BaremetricsForecast, CommittedMrr
from revline.metrics.api import bridge_frame
from revline.model.pipeline import pipeline_as_of
from revline.settings import MetricSettings
from revline.synth import generate
from revline.warehouse import Warehouse

AS_OF = date(2025, 7, 1)
CUT = datetime(2025, 7, 1, tzinfo=UTC)


def _rewrite_future(wh: Warehouse) -> None:
    """Change everything recorded at or after CUT (values passed as parameters, not SQL text)."""
    con = wh.con
    with wh.transaction():
        # Later history: drop half of it, inflate the rest.
        con.execute(
            "DELETE FROM opportunity_history WHERE changed_at >= ? AND hash(history_id) % 2 = 0",
            [CUT],
        )
        con.execute(
            "UPDATE opportunity_history SET amount = amount * 3, is_won = NOT is_won "
            "WHERE changed_at >= ?",
            [CUT],
        )
        # Later outcomes: flip them, change amounts and close dates.
        con.execute(
            "UPDATE opportunities SET is_won = NOT is_won, amount = amount * 2 + 1, "
            "close_date = close_date + 5 WHERE closed_at >= ? OR NOT is_closed",
            [CUT],
        )
        # New opportunities created after the date, with history rows.
        con.execute(
            "INSERT INTO opportunities SELECT * REPLACE ("
            "'new_' || opportunity_id AS opportunity_id, 'new_' || source_id AS source_id, "
            "created_at + INTERVAL 400 DAY AS created_at, "
            "closed_at + INTERVAL 400 DAY AS closed_at) FROM opportunities "
            "WHERE created_at >= ? - INTERVAL 200 DAY AND created_at < ?",
            [CUT, CUT],
        )
        con.execute(
            "INSERT INTO opportunity_history SELECT * REPLACE ("
            "'new_' || history_id AS history_id, 'new_' || source_id AS source_id, "
            "'new_' || opportunity_id AS opportunity_id, "
            "changed_at + INTERVAL 400 DAY AS changed_at) FROM opportunity_history "
            "WHERE changed_at >= ? - INTERVAL 200 DAY AND changed_at < ?",
            [CUT, CUT],
        )


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Warehouse, Warehouse]]:
    folder: Path = tmp_path_factory.mktemp("leak")
    with Warehouse.create(folder / "a.duckdb") as wh:
        generate(wh, 1500, 30, seed=3)
    shutil.copy(folder / "a.duckdb", folder / "b.duckdb")
    changed = Warehouse.open(folder / "b.duckdb")
    _rewrite_future(changed)
    original = Warehouse.open(folder / "a.duckdb", read_only=True)
    yield original, changed
    original.close()
    changed.close()


def test_the_rewrite_changed_what_is_known_later(pair: tuple[Warehouse, Warehouse]) -> None:
    original, changed = pair
    later = date(2027, 1, 1)
    a, b = pipeline_as_of(original, later), pipeline_as_of(changed, later)
    assert len(b) > len(a)
    assert a["is_won"].sum() != b["is_won"].sum()


def _factories(original: Warehouse) -> dict[str, Callable[[], BaseForecaster]]:
    # The reps' stage table is a CRM setting read from the current opportunities: pin it, so
    # the weighted pipeline is compared on the same setting.
    probs = stage_probabilities(original)
    return {
        "revline": lambda: BookingsForecaster(np.random.default_rng(11)),
        "revline_blend": lambda: BookingsForecaster(
            np.random.default_rng(11), BookingsSettings(model="blend")
        ),
        "weighted_pipeline": lambda: WeightedPipeline(
            np.random.default_rng(11), stage_probability=probs
        ),
        "run_rate": lambda: RunRate(np.random.default_rng(11)),
        "auto_ets": lambda: AutoETSBaseline(np.random.default_rng(11)),
    }


@pytest.mark.parametrize(
    "name", ["revline", "revline_blend", "weighted_pipeline", "run_rate", "auto_ets"]
)
def test_forecast_ignores_the_future(name: str, pair: tuple[Warehouse, Warehouse]) -> None:
    original, changed = pair
    make = _factories(original)[name]
    before = make().forecast(original, AS_OF, 2)
    after = make().forecast(changed, AS_OF, 2)
    pd.testing.assert_frame_equal(before, after)


def test_the_blend_used_its_classifier(pair: tuple[Warehouse, Warehouse]) -> None:
    """So that the blend's leakage check above covers the classifier, not the cells alone."""
    original, _ = pair
    make = _factories(original)
    cells, blend = make["revline"](), make["revline_blend"]()
    assert isinstance(cells, BookingsForecaster) and isinstance(blend, BookingsForecaster)
    cells.fit(original, AS_OF)
    blend.fit(original, AS_OF)
    a, b = cells.deal_probabilities(), blend.deal_probabilities()
    assert len(a) > 0 and not np.allclose(a["p_current"], b["p_current"])


def test_changing_the_past_does_change_the_forecast(
    pair: tuple[Warehouse, Warehouse], tmp_path: Path
) -> None:
    """The other direction: the same rewrite one quarter earlier moves the forecast."""
    original, _ = pair
    path = tmp_path / "c.duckdb"
    shutil.copy(original.path, path)
    with Warehouse.open(path) as wh:
        wh.con.execute("UPDATE opportunities SET is_won = NOT is_won WHERE closed_at < ?", [CUT])
        wh.con.execute(
            "UPDATE opportunity_history SET is_won = NOT is_won WHERE is_closed AND changed_at < ?",
            [CUT],
        )
        moved = BookingsForecaster(np.random.default_rng(11)).forecast(wh, AS_OF, 2)
    same = BookingsForecaster(np.random.default_rng(11)).forecast(original, AS_OF, 2)
    assert not np.allclose(moved["median"], same["median"])


# Billing: the revenue peers (revline.analyses.forecast.revenue_peers) read subscriptions, invoices,
# usage and rates through the as-of view; rewrite everything recorded at or after CUT there.
BILLING_REWRITE = [
    "UPDATE subscriptions SET quantity = quantity * 3 + 1 WHERE start_at >= ?",
    "UPDATE subscriptions SET end_at = end_at + INTERVAL 45 DAY "
    "WHERE end_at >= ? AND (canceled_at IS NULL OR canceled_at >= ?)",
    "UPDATE subscriptions SET canceled_at = ? + INTERVAL 3 DAY, end_at = ? + INTERVAL 40 DAY "
    "WHERE end_at IS NULL AND start_at < ?",
    "UPDATE invoices SET status = 'void' WHERE issued_at >= ?",
    "UPDATE invoices SET paid_at = paid_at + INTERVAL 200 DAY WHERE paid_at >= ?",
    "UPDATE usage SET quantity = quantity * 5 WHERE usage_date >= ?",
    "UPDATE fx_rates SET rate = rate * 1.5 WHERE rate_date >= ?",
]
PEERS: dict[str, Callable[[], BaseForecaster]] = {
    "baremetrics_linear": lambda: BaremetricsForecast(np.random.default_rng(11), growth="linear"),
    "baremetrics_exponential": lambda: BaremetricsForecast(
        np.random.default_rng(11), growth="exponential"
    ),
    "chartmogul_committed": lambda: CommittedMrr(np.random.default_rng(11)),
    "auto_ets_mrr": lambda: AutoETSMrr(np.random.default_rng(11)),
}


@pytest.fixture(scope="module")
def billing_pair(
    pair: tuple[Warehouse, Warehouse], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Warehouse, Warehouse]]:
    original, _ = pair
    path = tmp_path_factory.mktemp("leak_billing") / "billing.duckdb"
    shutil.copy(original.path, path)
    day = CUT.date()
    with Warehouse.open(path) as wh, wh.transaction():
        for sql in BILLING_REWRITE:
            args = [day if "usage_date" in sql or "rate_date" in sql else CUT] * sql.count("?")
            wh.con.execute(sql, args)
    changed = Warehouse.open(path, read_only=True)
    yield original, changed
    changed.close()


def test_the_billing_rewrite_changed_later_mrr(billing_pair: tuple[Warehouse, Warehouse]) -> None:
    original, changed = billing_pair
    settings = MetricSettings(as_of=date(2026, 5, 1))
    a, b = bridge_frame(original, settings), bridge_frame(changed, settings)
    assert not a["end"].equals(b["end"])


@pytest.mark.parametrize("name", sorted(PEERS))
def test_revenue_peers_ignore_the_future(
    name: str, billing_pair: tuple[Warehouse, Warehouse]
) -> None:
    original, changed = billing_pair
    before = PEERS[name]().forecast(original, AS_OF, 12)
    after = PEERS[name]().forecast(changed, AS_OF, 12)
    pd.testing.assert_frame_equal(before, after)
