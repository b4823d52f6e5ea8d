"""The revenue forecast on a small synthetic company: contract shape, reproducibility, the
bridge identity, scenario directions, no leakage, the backtest and the CLI."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from revline.analyses.forecast.contract import output_columns
from revline.analyses.forecast.revenue import REVENUE_SERIES, RevenueForecaster, forecast_revenue
from revline.analyses.forecast.revenue_backtest import backtest_revenue, summarise_backtest
from revline.metrics.api import bridge_frame
from revline.settings import MetricSettings
from revline.synth import generate
from revline.warehouse import Warehouse

pytestmark = pytest.mark.slow  # builds a synthetic company and fits about ten forecasts

AS_OF = date(2025, 7, 1)
SIMS = 120


@pytest.fixture(scope="module")
def company(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A synthetic company of 6,000 accounts over 24 months (history ends 2025-12-31)."""
    path = tmp_path_factory.mktemp("revenue") / "company.duckdb"
    with Warehouse.create(path) as wh:
        generate(wh, 6000, 24, seed=11)
    return path


@pytest.fixture(scope="module")
def result(company: Path) -> object:
    with Warehouse.open(company, read_only=True) as wh:
        return forecast_revenue(
            wh,
            AS_OF,
            6,
            ["churn-2", "price+5", "win-rate+5"],
            rng=np.random.default_rng(3),
            n_sims=SIMS,
        )


@pytest.fixture(scope="module")
def baseline(company: Path) -> pd.DataFrame:
    """The 6-month forecast every data-change test compares with (seed 1, 40 simulations)."""
    with Warehouse.open(company, read_only=True) as wh:
        return RevenueForecaster(np.random.default_rng(1), 40, new_business="history").forecast(
            wh, AS_OF, 6
        )


def test_base_mrr_is_the_mrr_model_at_the_base_month(company: Path, result: object) -> None:
    with Warehouse.open(company, read_only=True) as wh:
        bridge = bridge_frame(wh, MetricSettings(as_of=date(2025, 12, 1)))
    june = bridge[pd.to_datetime(bridge["month"]) == pd.Timestamp(2025, 6, 1)]
    assert result.base_month == date(2025, 6, 1)  # type: ignore[attr-defined]
    assert result.base_mrr == Decimal(str(june["end"].iloc[0]))  # type: ignore[attr-defined]
    assert result.customers == int(june["customers"].iloc[0])  # type: ignore[attr-defined]


def test_auto_takes_new_business_from_the_pipeline(result: object) -> None:
    fitted = result.fitted  # type: ignore[attr-defined]
    assert fitted.new_business == "pipeline"
    scale = fitted.inputs.streams[0].factor(6)
    assert not np.allclose(scale, 1.0)  # the bookings forecast moved the new-customer rate


def test_frame_follows_the_contract(result: object) -> None:
    base = result.base  # type: ignore[attr-defined]
    assert list(base.columns) == output_columns((80, 90))
    assert list(base["unique_id"].unique()) == list(REVENUE_SERIES)
    assert sorted(base["ds"].unique()) == [date(2025, m, 1) for m in range(7, 13)]
    mrr = base[base["unique_id"] == "mrr"]
    assert (mrr["lo-90"] <= mrr["lo-80"]).all() and (mrr["lo-80"] <= mrr["median"]).all()
    assert (mrr["median"] <= mrr["hi-80"]).all() and (mrr["hi-80"] <= mrr["hi-90"]).all()
    arr = base[base["unique_id"] == "arr"]
    assert np.allclose(arr["median"].to_numpy(), 12 * mrr["median"].to_numpy())


def test_each_simulation_reconciles_like_the_bridge(company: Path) -> None:
    with Warehouse.open(company, read_only=True) as wh:
        model = RevenueForecaster(np.random.default_rng(5), 40, new_business="history")
        model.fit(wh, AS_OF)
    draws = model.draws(6)
    series = dict(zip(REVENUE_SERIES, draws, strict=True))
    start = np.concatenate(
        [np.full((1, 40), float(model.fitted_.base_mrr)), series["mrr"][:-1]]  # type: ignore[union-attr]
    )
    moved = (
        start
        + series["new"]
        + series["reactivation"]
        + series["expansion"]
        - series["contraction"]
        - series["churn"]
    )
    assert np.allclose(moved, series["mrr"], rtol=1e-9, atol=1e-6)


def test_same_seed_same_forecast_other_seed_differs(company: Path) -> None:
    with Warehouse.open(company, read_only=True) as wh:
        model = RevenueForecaster(np.random.default_rng(9), 30, new_business="history")
        model.fit(wh, AS_OF)
    first = model.predict(3)
    model.rng = np.random.default_rng(9)  # the same injected generator again
    pd.testing.assert_frame_equal(first, model.predict(3))
    model.rng = np.random.default_rng(10)
    assert not first["median"].equals(model.predict(3)["median"])


def test_scenarios_move_mrr_the_expected_way(result: object) -> None:
    deltas = result.deltas  # type: ignore[attr-defined]
    last = deltas[(deltas["unique_id"] == "mrr") & (deltas["ds"] == date(2025, 12, 1))]
    by = last.set_index("scenario")
    assert by.loc["churn-2", "median"] > 0 and by.loc["churn-2", "lo-80"] >= 0
    assert by.loc["win-rate+5", "median"] > 0 and by.loc["win-rate+5", "lo-80"] >= 0
    base = result.base  # type: ignore[attr-defined]
    assert by.loc["price+5", "median"] > 0
    scenario = result.scenarios["price+5"]  # type: ignore[attr-defined]
    first = scenario[(scenario["unique_id"] == "mrr")]["median"].iloc[0]
    assert first > base[base["unique_id"] == "mrr"]["median"].iloc[0]


def _mutate_after(path: Path, cut: datetime) -> None:
    """Change everything recorded at or after ``cut``: later starts, ends, cancellations,
    invoices, payments, usage, rates, deals and outcomes."""
    day = cut.date()
    statements = [
        "UPDATE subscriptions SET quantity = quantity * 3 + 1 WHERE start_at >= ?",
        "UPDATE subscriptions SET end_at = end_at + INTERVAL 45 DAY "
        "WHERE end_at >= ? AND (canceled_at IS NULL OR canceled_at >= ?)",
        "UPDATE subscriptions SET canceled_at = ? + INTERVAL 3 DAY, end_at = ? + INTERVAL 40 DAY "
        "WHERE end_at IS NULL AND start_at < ?",
        "UPDATE invoices SET usage_amount = usage_amount * 2, status = 'void' WHERE issued_at >= ?",
        "UPDATE invoices SET paid_at = paid_at + INTERVAL 200 DAY WHERE paid_at >= ?",
        "UPDATE usage SET quantity = quantity * 5 WHERE usage_date >= ?",
        "UPDATE fx_rates SET rate = rate * 1.5 WHERE rate_date >= ?",
        "UPDATE opportunities SET is_won = NOT is_won WHERE is_closed AND closed_at >= ?",
        "UPDATE opportunities SET amount = amount * 4 WHERE created_at >= ?",
    ]
    with Warehouse.open(path) as wh:
        for sql in statements:
            args = [day if "usage_date" in sql or "rate_date" in sql else cut] * sql.count("?")
            wh.con.execute(sql, args)


def test_no_leakage_changing_the_future_leaves_the_forecast(
    company: Path, baseline: pd.DataFrame, tmp_path: Path
) -> None:
    cut = datetime(AS_OF.year, AS_OF.month, AS_OF.day, tzinfo=UTC)
    changed = tmp_path / "changed.duckdb"
    shutil.copy(company, changed)
    _mutate_after(changed, cut)
    bridges = []
    for path in (company, changed):
        with Warehouse.open(path, read_only=True) as wh:
            bridges.append(bridge_frame(wh, MetricSettings(as_of=date(2025, 12, 1))))
    with Warehouse.open(changed, read_only=True) as wh:
        after = RevenueForecaster(np.random.default_rng(1), 40, new_business="history").forecast(
            wh, AS_OF, 6
        )
    pd.testing.assert_frame_equal(baseline, after)
    # The changes were real: the full-history MRR after the cut differs.
    assert not bridges[0]["end"].equals(bridges[1]["end"])


def test_changing_the_past_changes_the_forecast(
    company: Path, baseline: pd.DataFrame, tmp_path: Path
) -> None:
    changed = tmp_path / "past.duckdb"
    shutil.copy(company, changed)
    with Warehouse.open(changed) as wh:
        wh.con.execute(
            "UPDATE subscriptions SET quantity = quantity + 5 WHERE start_at < ? "
            "AND (end_at IS NULL OR end_at > ?)",
            [datetime(2025, 3, 1, tzinfo=UTC), datetime(2025, 8, 1, tzinfo=UTC)],
        )
    with Warehouse.open(changed, read_only=True) as wh:
        after = RevenueForecaster(np.random.default_rng(1), 40, new_business="history").forecast(
            wh, AS_OF, 6
        )
    assert not baseline["median"].equals(after["median"])


def test_backtest_scores_each_horizon(company: Path) -> None:
    with Warehouse.open(company, read_only=True) as wh:
        rows = backtest_revenue(
            wh,
            [date(2025, 4, 1)],
            (3, 6, 12),
            rng=np.random.default_rng(2),
            n_sims=60,
            new_business="history",
        )
    assert list(rows["horizon"]) == [3, 6]  # 12 months after April 2025 is past the data
    assert (rows["actual"] > 0).all()
    assert np.allclose(rows["ape"], (rows["p50"] - rows["actual"]).abs() / rows["actual"])
    summary = summarise_backtest(rows)
    assert list(summary["horizon"]) == [3, 6] and list(summary["n"]) == [1, 1]
    assert summary["coverage80"].between(0, 1).all()


def test_cli_json_and_table(company: Path, revline_cli) -> None:  # type: ignore[no-untyped-def]
    args = ["forecast", "revenue", "-w", str(company), "--as-of", "2025-07-01", "--sims", "40"]
    done = revline_cli(*args, "--months", "3", "-s", "churn-2", "--format", "json")
    assert done.exit_code == 0, done.output
    payload = json.loads(done.stdout)
    assert payload["base_month"] == "2025-06-01"
    assert {r["unique_id"] for r in payload["forecast"]} == set(REVENUE_SERIES)
    assert {r["scenario"] for r in payload["deltas"]} == {"churn-2"}
    table = revline_cli(*args, "--months", "2", "-s", "price+5", "--new-business", "history")
    assert table.exit_code == 0, table.output
    assert "MRR forecast" in table.stdout and "price+5" in table.stdout
    assert "new business from the history" in table.stdout
    assert payload["new_business"] == "pipeline"  # auto: new deals were won in the last year


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["-s", "churns-2"], "Did you mean 'churn'"),
        (["--months", "40"], "out of range"),
        (["--format", "xml"], "format"),
        (["--as-of", "2025-13-01"], "not a date"),
    ],
)
def test_cli_errors_without_trace(company: Path, revline_cli, extra, message) -> None:  # type: ignore[no-untyped-def]
    done = revline_cli("forecast", "revenue", "-w", str(company), "--sims", "10", *extra)
    assert done.exit_code == 2
    assert message in done.output and "Traceback" not in done.output


def test_backtest_dates_start_a_year_after_the_first_won_new_deal(company: Path) -> None:
    """The opening book pays from years before the CRM records deals (docs/synth.md): the
    backtest's dates start 12 months after the first won new deal, not after the first paying
    month, so the pipeline mode (a year of won new deals) can forecast from every one of them.
    Before the fix the first date was 12 months after the opening book's first paying month
    and the pipeline mode failed there ("No new deals were won in the year before ...")."""
    from revline.analyses.forecast.revenue_backtest import as_of_dates, history_end
    from revline.model.periods import month_index

    with Warehouse.open(company, read_only=True) as wh:
        opps = wh.table("opportunities")
        won = opps.filter(opps.is_won & (opps.opportunity_type == "new"))
        first_won = pd.Timestamp(won.close_date.min().execute()).date()
        subs = wh.table("subscriptions")
        first_paid = pd.Timestamp(subs.start_at.min().execute()).date()
        dates = as_of_dates(wh, history_end(wh))
        assert month_index(first_paid) + 12 < month_index(first_won)  # the opening book
        start = month_index(first_won) + 12
        assert month_index(dates[0]) == start + (-start) % 3
        assert all(d.month in (1, 4, 7, 10) and d.day == 1 for d in dates)
        rows = backtest_revenue(
            wh, dates[:1], (3,), rng=np.random.default_rng(2), n_sims=30, new_business="pipeline"
        )
    assert len(rows) == 1 and rows["actual"].iloc[0] > 0
