"""A period that ends after the as-of date reads to date (QTD, YTD), never zeros.

On the hand-computed company of tests/fixtures/mrr/company.py as of 2025-05-15, 2025-Q2 to date
is April and May: MRR at the end of May is A 150 + C 60 + D 80 + E 70 = 360 (4 customers).
The Q2 cohort (paying at the end of March) is A 100, B 200, C 100, F 40 = 440; at the end of May
A 150, B 0, C 60, F 0 (F comes back on 2025-06-15, after the as-of date): NRR 210 / 440,
GRR (100 + 60) / 440 = 160 / 440, logo retention 2 / 4, customer churn rate 2 / 4. Movements
over April and May: new D 80, reactivation E 70, churn F 40 + B 200 = 240.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import CliRunnerFn
from fixtures.gtm.company import build as build_gtm
from fixtures.mrr.company import TABLES
from fixtures.mrr.rows import load
from revline.errors import ConfigError
from revline.metrics import compute
from revline.model.data_end import data_end
from revline.model.periods import expand_periods, month_index, parse_period, to_date
from revline.settings import MetricSettings
from revline.warehouse import Warehouse

MID_MAY = MetricSettings(as_of=date(2025, 5, 15))


@pytest.fixture(scope="module")
def company() -> Iterator[Warehouse]:
    with Warehouse.create(":memory:") as wh:
        load(wh, TABLES)
        yield wh


def one(wh: Warehouse, name: str, period: str, settings: MetricSettings = MID_MAY) -> object:
    frame = compute(name, period, warehouse=wh, settings=settings)
    assert list(frame.columns) == ["period", "to_date", "value"]
    assert len(frame) == 1
    return frame.value.iloc[0]


def test_periods_are_cut_at_the_as_of_month() -> None:
    may = month_index(date(2025, 5, 15))
    quarter = to_date(parse_period("2025-Q2"), may, date(2025, 5, 15))
    assert (quarter.first, quarter.last, quarter.to_date) == (may - 1, may, True)
    assert quarter.title == "2025-Q2 QTD"
    assert to_date(parse_period("2025"), may).title == "2025 YTD"
    assert to_date(parse_period("2025-05"), may, date(2025, 5, 15)).title == "2025-05 MTD"
    assert not to_date(parse_period("2025-05"), may, date(2025, 5, 31)).to_date
    assert not to_date(parse_period("2025-Q1"), may, date(2025, 5, 15)).to_date
    grain = expand_periods("quarter", may - 16, may, date(2025, 5, 15))
    assert [p.title for p in grain][-2:] == ["2025-Q1", "2025-Q2 QTD"]
    assert grain[-1].last == may
    with pytest.raises(ConfigError, match="starts after the as-of month"):
        expand_periods("2025-Q3", may - 16, may)


def test_quarter_to_date_balances_at_the_as_of_month(company: Warehouse) -> None:
    assert one(company, "mrr", "2025-Q2") == Decimal("360.00")
    assert one(company, "arr", "2025-Q2") == Decimal("4320.00")
    assert one(company, "customers", "2025-Q2") == 4


def test_quarter_to_date_retention_and_flows(company: Warehouse) -> None:
    assert one(company, "customer_churn_rate", "2025-Q2") == pytest.approx(0.5)  # was 1.0
    assert one(company, "logo_retention", "2025-Q2") == pytest.approx(0.5)
    assert one(company, "nrr", "2025-Q2") == pytest.approx(210 / 440)
    assert one(company, "grr", "2025-Q2") == pytest.approx(160 / 440)
    assert one(company, "new_mrr", "2025-Q2") == Decimal("80.00")
    assert one(company, "reactivation_mrr", "2025-Q2") == Decimal("70.00")
    assert one(company, "churned_mrr", "2025-Q2") == Decimal("240.00")
    frame = compute("mrr", "quarter", warehouse=company, settings=MID_MAY)
    assert frame[["period", "to_date"]].values.tolist() == [["2025-Q1", False], ["2025-Q2", True]]


def test_the_default_as_of_is_the_data_end_not_today(company: Warehouse) -> None:
    # the last fact is a subscription starting on 2025-06-15: MRR is not carried flat to today
    assert data_end(company.ibis) == date(2025, 6, 15)
    frame = compute("mrr", "month", warehouse=company, settings=MetricSettings())
    assert frame["period"].iloc[-1] == "2025-06"
    assert frame["to_date"].tolist()[-2:] == [False, True]
    assert one(company, "mrr", "2025-Q2", MetricSettings()) == Decimal("400.00")


def test_scorecard_quarter_to_date(tmp_path: Path, revline_cli: CliRunnerFn) -> None:
    path = tmp_path / "gtm.duckdb"
    with Warehouse.create(path) as wh:
        build_gtm(wh)
    args = ("scorecard", "-w", str(path), "--period", "2025-Q2", "--as-of", "2025-05-15")
    result = revline_cli(*args, "--format", "json")
    assert result.exit_code == 0, result.output
    card = json.loads(result.stdout)
    assert card["to_date"] is True and card["title"] == "2025-Q2 QTD"
    lines = {line["label"]: line for line in card["lines"]}
    # MRR at the end of May: a0 100 + a1 200 + a2 1000 (a4 ended on 2025-05-01) = 1,300
    assert Decimal(lines["ARR"]["value"]) == Decimal("15600.00")  # money: an exact string
    # Q2 cohort a0 100 + a4 100 = 200; at the end of May a0 100: NRR 50%
    assert lines["NRR"]["value"] == pytest.approx(0.5)
    table = revline_cli(*args)
    assert "Scorecard 2025-Q2 QTD" in table.stdout


def test_metrics_compute_cli_labels_to_date(tmp_path: Path, revline_cli: CliRunnerFn) -> None:
    path = tmp_path / "mrr.duckdb"
    with Warehouse.create(path) as wh:
        load(wh, TABLES)
    args = ("metrics", "compute", "customer_churn_rate", "-w", str(path), "--period", "2025-Q2")
    result = revline_cli(*args, "--as-of", "2025-05-15", "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == [{"period": "2025-Q2", "to_date": True, "value": 0.5}]
