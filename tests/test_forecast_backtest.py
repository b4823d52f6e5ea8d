"""The backtest and its CLI on a small synthetic company, with errors recomputed by hand.

Actuals are the registry's ``bookings`` (tests/test_bookings_one_metric.py) and are checked
here against an independent pandas sum over the opportunities table (won new and expansion
deals closed in the quarter, each converted at the last rate dated before the first day of the
month after its close, rounded half up to the cent); APE, bias and coverage are recomputed from
the per-quarter rows.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from conftest import CliRunnerFn
from revline.analyses.forecast.backtest import Backtest, backtest
from revline.analyses.forecast.scoring import log_loss, summarise_errors
from revline.synth import generate
from revline.warehouse import Warehouse

START = date(2025, 7, 1)


@pytest.fixture(scope="module")
def company(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("backtest") / "company.duckdb"
    with Warehouse.create(path) as wh:
        generate(wh, 2000, 36, seed=9)
    yield path


@pytest.fixture(scope="module")
def result(company: Path) -> Backtest:
    with Warehouse.open(company, read_only=True) as wh:
        return backtest(wh, rng=np.random.default_rng(0), start=START)


def _actual(company: Path, quarter: date) -> Decimal:
    """Independent oracle: pandas over the raw tables, each deal at its close month's rate."""
    with Warehouse.open(company, read_only=True) as wh:
        opps = wh.con.execute(
            "SELECT amount, currency, closed_at, opportunity_type FROM opportunities WHERE is_won"
        ).df()
        fx = wh.con.execute(
            "SELECT rate_date, base_currency, rate FROM fx_rates WHERE quote_currency = 'USD'"
        ).df()
    fx["rate_date"] = pd.to_datetime(fx["rate_date"]).dt.date
    fx = fx.sort_values("rate_date")
    lo = datetime(quarter.year, quarter.month, 1, tzinfo=UTC)
    hi = datetime(quarter.year + (quarter.month == 10), (quarter.month + 2) % 12 + 1, 1, tzinfo=UTC)
    inside = (opps["closed_at"] >= lo) & (opps["closed_at"] < hi)
    rows = opps[inside & opps["opportunity_type"].isin(["new", "expansion"])]
    total = Decimal(0)
    for amount, currency, closed in zip(
        rows["amount"], rows["currency"], rows["closed_at"], strict=True
    ):
        if currency == "USD":
            total += Decimal(str(amount))
            continue
        month_after = date(closed.year + (closed.month == 12), closed.month % 12 + 1, 1)
        known = fx[(fx["base_currency"] == currency) & (fx["rate_date"] < month_after)]
        rate = Decimal(str(known["rate"].iloc[-1]))
        total += (Decimal(str(amount)) * rate).quantize(Decimal("0.01"), ROUND_HALF_UP)
    return total.quantize(Decimal("0.01"), ROUND_HALF_UP)


def test_replays_each_quarter_with_every_method(result: Backtest) -> None:
    f = result.forecasts
    assert result.start == START and result.end == date(2026, 1, 1)
    assert set(f["as_of"]) == {date(2025, 7, 1), date(2025, 10, 1)}
    ran = set(f["method"]) | set(result.skipped["method"])
    assert ran == {"revline", "weighted_pipeline", "run_rate", "auto_ets"}
    revline = f[f["method"] == "revline"]
    # 2025-07: this quarter and the next; 2025-10: only its own (2026-Q1 is beyond the data).
    assert sorted(zip(revline["as_of"], revline["horizon"], strict=True)) == [
        (date(2025, 7, 1), 1),
        (date(2025, 7, 1), 2),
        (date(2025, 10, 1), 1),
    ]


def test_actuals_match_an_independent_sum(company: Path, result: Backtest) -> None:
    for row in result.forecasts.drop_duplicates(["as_of", "quarter"]).itertuples():
        expected = _actual(company, row.quarter)
        assert Decimal(str(row.actual)) == expected


def test_summary_recomputes_from_the_rows(result: Backtest) -> None:
    f = result.forecasts
    for row in result.summary.itertuples():
        rows = f[(f["method"] == row.method) & (f["horizon"] == row.horizon)]
        err = (rows["forecast"] - rows["actual"]) / rows["actual"]
        assert row.quarters == len(rows)
        assert row.mape == pytest.approx(err.abs().mean())
        assert row.bias == pytest.approx(err.mean())
        inside = (rows["lo_80"] <= rows["actual"]) & (rows["actual"] <= rows["hi_80"])
        assert row.coverage_80 == pytest.approx(inside.mean())


def test_log_loss_table(result: Backtest) -> None:
    table = result.log_loss.set_index("model")
    assert set(table.index) == {"revline", "truth", "base_rate"}
    deals = result.deals
    assert table.loc["revline", "deals"] == len(deals) > 0
    y = deals["won"].to_numpy(dtype=float)
    assert table.loc["truth", "log_loss"] == pytest.approx(log_loss(deals["truth"].to_numpy(), y))


def test_scoring_by_hand() -> None:
    assert log_loss(np.array([0.5, 0.5]), np.array([1.0, 0.0])) == pytest.approx(np.log(2))
    # By hand: -(log 0.8 + log 0.6) / 2; a certainty that fails costs -log(1e-6) (the clip).
    hand = -(np.log(0.8) + np.log(0.6)) / 2
    assert log_loss(np.array([0.8, 0.4]), np.array([1.0, 0.0])) == pytest.approx(hand)
    assert log_loss(np.array([0.0]), np.array([1.0])) == pytest.approx(-np.log(1e-6))
    rows = pd.DataFrame(
        {
            "method": ["m", "m"],
            "horizon": [1, 1],
            "error": [0.1, -0.3],
            "covered": [True, False],
        }
    )
    out = summarise_errors(rows).iloc[0]
    assert (out["quarters"], out["mape"], out["bias"], out["coverage_80"]) == (
        2,
        pytest.approx(0.2),
        pytest.approx(-0.1),
        0.5,
    )


def test_cli_bookings_and_backtest(company: Path, revline_cli: CliRunnerFn) -> None:
    out = revline_cli("forecast", "bookings", "-w", str(company), "--as-of", "2025-10-01")
    assert out.exit_code == 0, out.output
    assert "Bookings forecast as of 2025-10-01" in out.stdout and "enterprise" in out.stdout

    def bookings_json(*extra: str) -> dict[str, Any]:
        run = revline_cli(
            "forecast",
            "bookings",
            "-w",
            str(company),
            "--as-of",
            "2025-10-01",
            "-f",
            "json",
            *extra,
        )
        assert run.exit_code == 0, run.output
        loaded: dict[str, Any] = json.loads(run.stdout)
        return loaded

    payload = bookings_json("--by", "team")
    assert payload["totals"][0]["ds"] == "2025-10-01"
    assert {r["unique_id"] for r in payload["totals"]} == {"total", "new", "expansion"}
    assert "by_team" in payload and payload["deals"]
    mixed = bookings_json("--model", "blend")
    assert mixed["totals"][0]["ds"] == "2025-10-01"
    # The blend changes the open deals' probabilities, so the key deals list differs.
    assert [d["p_current"] for d in mixed["deals"]] != [d["p_current"] for d in payload["deals"]]
    bt = revline_cli(
        "forecast",
        "backtest",
        "-w",
        str(company),
        "--start",
        "2025-10-01",
        "--method",
        "run_rate",
    )
    assert bt.exit_code == 0, bt.output
    assert "run_rate" in bt.stdout and "revline" not in bt.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["bookings", "--as-of", "2025-13-01"], "is not a date"),
        (["bookings", "--by", "teem"], "Did you mean 'team'"),
        (["bookings", "--as-of", "2020-01-01"], "No opportunities were created before"),
        (["backtest", "--method", "runrate"], "Did you mean 'run_rate'"),
        (["bookings", "--model", "blnd"], "Did you mean 'blend'"),
        (["backtest", "--start", "2030-01-01"], "No quarter to replay"),
    ],
)
def test_cli_errors_without_trace(
    company: Path, revline_cli: CliRunnerFn, args: list[str], message: str
) -> None:
    out = revline_cli("forecast", *args, "-w", str(company))
    assert out.exit_code == 2
    assert message in out.output and "Traceback" not in out.output


def test_oracle_told_the_outcomes_is_left_with_timing_only(company: Path, result: Backtest) -> None:
    """With each deal's true probability set to its drawn outcome, only the timing of wins is
    uncertain (a win's cycle is known once a second stage or a slip pins it, else drawn from
    the generator's cycle distribution): the quarter's won deals, valued at the rates the oracle
    uses (those in force on its as-of date), lie inside its 80% interval.

    The backtest's actual is the registry's ``bookings``, which converts each deal at its close
    month's rate, so the actual is revalued here at the oracle's rates before the comparison.
    An earlier form of this test asked the P50 to land within 3% of the actual; that held by
    chance: with 35-60 wins a quarter, a few enterprise deals closing either side of a quarter
    end move it by 3-5% on 2,000-4,000-account companies (seed 9), inside the interval."""
    from revline.analyses.forecast.deal_values import booked, fx_factors, to_reporting
    from revline.analyses.forecast.oracle import Oracle
    from revline.model.periods import add_quarters
    from revline.model.pipeline import pipeline_as_of

    types = ("new", "expansion")
    with Warehouse.open(company, read_only=True) as wh:
        known_end = pipeline_as_of(wh, result.end)
        oracle = Oracle.load(wh, known_end, "USD", types)
        oracle.deals["win_probability"] = oracle.deals["is_won"].astype(float)
        rows = result.forecasts[result.forecasts["method"] == "revline"]
        checked = 0
        for day, grp in rows.groupby("as_of"):
            as_of = pd.Timestamp(str(day)).date()
            quarters = list(grp["quarter"])
            fc = oracle.forecast(as_of, quarters, np.random.default_rng(1), 200)
            factors = fx_factors(wh, as_of, "USD")
            for (_, f), quarter in zip(fc.iterrows(), quarters, strict=True):
                start = pd.Timestamp(str(quarter)).date()
                won = booked(known_end, start, add_quarters(start, 1), types)
                actual = float(np.nansum(to_reporting(won, factors, "USD")))
                slack = 1e-9 * actual
                assert f["lo_80"] - slack <= actual <= f["hi_80"] + slack, (as_of, quarter, f)
                checked += 1
    assert checked == len(rows) >= 3


def test_oracle_backtest_rows_and_probabilities(company: Path, result: Backtest) -> None:
    from revline.analyses.forecast.oracle import Oracle, oracle_backtest
    from revline.model.pipeline import pipeline_as_of

    with Warehouse.open(company, read_only=True) as wh:
        known_end = pipeline_as_of(wh, result.end)
        revline = result.forecasts[result.forecasts["method"] == "revline"]
        rows, loss = oracle_backtest(wh, known_end, revline, result.deals, np.random.default_rng(0))
        oracle = Oracle.load(wh, known_end, "USD", ("new", "expansion"))
        p = oracle.probabilities(START)
    assert len(rows) == len(revline)
    assert set(rows["method"]) == {"oracle"}
    assert (rows["lo_80"] <= rows["forecast"]).all() and (rows["forecast"] <= rows["hi_80"]).all()
    assert rows.sort_values(["as_of", "horizon"])["actual"].tolist() == pytest.approx(
        revline.sort_values(["as_of", "horizon"])["actual"].tolist()
    )
    assert 0 < loss < 1
    assert ((p["p_true"] >= 0) & (p["p_true"] <= 1)).all()
    # A posterior of 0 is a certainty: the path ruled a win out (an expansion deal past half its
    # span still in its first stage, a deal whose stages cannot fit a won cycle).
    assert not p.loc[p["p_true"] == 0, "is_won"].astype(bool).any()
    assert (p["p_true"] == 0).any()
    # The floor: every model of the backtest scores at or above the oracle on the same deals.
    models = result.log_loss.set_index("model")["log_loss"]
    assert loss <= models.min()


def test_oracle_needs_truth(company: Path, tmp_path: Path) -> None:
    from revline.analyses.forecast.contract import ForecastError
    from revline.analyses.forecast.oracle import Oracle

    with (
        Warehouse.create(tmp_path / "empty.duckdb") as wh,
        pytest.raises(ForecastError, match="truth_opportunity"),
    ):
        Oracle.load(wh, pd.DataFrame(), "USD", ("new",))
