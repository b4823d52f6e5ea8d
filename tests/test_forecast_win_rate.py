"""The revenue forecast's win rate is the registry's ``win_rate`` of new business (issue 12).

``deal_stats`` reads ``deals_won`` and ``deals_closed`` filtered to ``deal_type`` new through
the metric API, over the MRR model built on the warehouse as known at the as-of date, and sums
them over the 12 months before the as-of month. Checked two ways on a small synthetic company:
against a hand count of the raw opportunities (the figure the forecast computed by hand before,
so it is unchanged), and, for an as-of date that starts a year, against ``win_rate`` computed
for the year before it.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd
import pytest

from revline.analyses.forecast.retention_curves_panel import build_facts
from revline.analyses.forecast.revenue_asof import AsOfBackend, base_month
from revline.analyses.forecast.revenue_inputs import deal_stats
from revline.metrics import compute_many
from revline.model.mrr import build_model
from revline.model.periods import month_start
from revline.settings import MetricSettings
from revline.synth import generate
from revline.warehouse import Warehouse

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def company(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("winrate") / "company.duckdb"
    with Warehouse.create(path) as wh:
        generate(wh, 1500, 24, seed=3)
    return path


def _forecast_win_rate(wh: Warehouse, as_of: date) -> float | None:
    backend = AsOfBackend(wh.ibis, as_of).as_backend()
    settings = replace(MetricSettings(), as_of=month_start(base_month(as_of)))
    with build_model(backend, settings) as model, build_facts(model, backend) as facts:
        return deal_stats(facts, as_of).win_rate


def _hand_count(wh: Warehouse, as_of: date) -> float:
    """New deals closed from the first day of the month a year before ``as_of``'s month to the
    day before ``as_of``: won / closed, in pandas over the raw rows."""
    opps: pd.DataFrame = wh.ibis.table("opportunities").to_pandas()
    start = datetime(as_of.year - 1, as_of.month, 1, tzinfo=UTC)
    stop = datetime(as_of.year, as_of.month, as_of.day, tzinfo=UTC)
    at = pd.to_datetime(opps["closed_at"], utc=True)
    rows = opps[
        opps["is_closed"].astype(bool)
        & (opps["opportunity_type"] == "new")
        & (at >= start)
        & (at < stop)
    ]
    return float(rows["is_won"].astype(bool).sum()) / len(rows)


@pytest.mark.parametrize("as_of", [date(2025, 7, 1), date(2026, 1, 1)])
def test_win_rate_is_the_hand_count_of_new_deals(company: Path, as_of: date) -> None:
    with Warehouse.open(company, read_only=True) as wh:
        got = _forecast_win_rate(wh, as_of)
        assert got is not None
        assert got == pytest.approx(_hand_count(wh, as_of), abs=1e-12)


def test_win_rate_is_the_registry_metric(company: Path) -> None:
    """As of 2026-01-01 the window is the year 2025: the registry's win_rate of 2025, new
    business only, computed on the whole warehouse (nothing of 2025 is unknown then)."""
    with Warehouse.open(company, read_only=True) as wh:
        got = _forecast_win_rate(wh, date(2026, 1, 1))
        registry = compute_many(
            ["win_rate"],
            "2025",
            warehouse=wh,
            settings=MetricSettings(as_of=date(2025, 12, 31)),
            filters={"deal_type": "new"},
        )["win_rate"]
        assert got == pytest.approx(float(registry["value"].iloc[0]), abs=1e-12)
