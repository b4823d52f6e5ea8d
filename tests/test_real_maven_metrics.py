"""Sales metrics on Maven CRM sales opportunities, loaded through mappings/maven, against an
independent pandas computation on the raw files.

Every Maven deal closes in 2017 (March to December), so the period ``2017`` holds them all. The
oracle reads sales_pipeline.csv and sales_teams.csv with pandas only: a closed deal is Won or
Lost, the cycle is close_date - engage_date in days over won deals, the deal size is the mean
close_value of won deals, and the product name GTXPro is spelt GTX Pro as the mapping does.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pandas as pd
import pytest

from conftest import REPO, shared_dataset
from revline.ingest import import_file
from revline.metrics import compute_many
from revline.metrics.gtm_frame import GtmSettings
from revline.warehouse import Warehouse

pytestmark = pytest.mark.realdata

DATASET = "maven-crm-sales-opportunities"
FILES = {"accounts": "accounts.csv", "employees": "sales_teams.csv"}
FILES["opportunities"] = "sales_pipeline.csv"
NAMES = ["win_rate", "sales_cycle_days", "avg_deal_size"]
#: revline breakdown -> the pandas column giving it.
SPLITS = {"owner": "sales_agent", "manager": "manager", "team": "regional_office"}
SPLITS["product"] = "product"


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Warehouse]:
    folder = shared_dataset(DATASET)
    wh = Warehouse.create(tmp_path_factory.mktemp("maven_metrics") / "maven.duckdb")
    for table, name in FILES.items():
        import_file(wh, table, folder / name, REPO / "mappings" / "maven" / f"{table}.yaml")
    yield wh
    wh.close()


def oracle(split: str) -> pd.DataFrame:
    """Win rate, median cycle and mean won deal size per group, by pandas alone."""
    folder = shared_dataset(DATASET)
    deals = pd.read_csv(folder / "sales_pipeline.csv", keep_default_na=False, dtype=str)
    teams = pd.read_csv(folder / "sales_teams.csv", keep_default_na=False, dtype=str)
    deals = deals.merge(teams, on="sales_agent", how="left")
    deals["product"] = deals["product"].replace({"GTXPro": "GTX Pro"})
    closed = deals[deals["deal_stage"].isin(["Won", "Lost"])].copy()
    closed["won"] = closed["deal_stage"] == "Won"
    won = closed[closed["won"]].copy()
    won["days"] = (pd.to_datetime(won["close_date"]) - pd.to_datetime(won["engage_date"])).dt.days
    won["value"] = won["close_value"].astype(float)
    return pd.DataFrame(
        {
            "win_rate": closed.groupby(split)["won"].mean(),
            "sales_cycle_days": won.groupby(split)["days"].median(),
            "avg_deal_size": won.groupby(split)["value"].mean().round(2),
        }
    )


@pytest.mark.parametrize("by", list(SPLITS))
def test_sales_metrics_match_pandas(warehouse: Warehouse, by: str) -> None:
    settings = GtmSettings(as_of=date(2017, 12, 31))
    got = compute_many(NAMES, "2017", by, warehouse=warehouse, settings=settings)
    expected = oracle(SPLITS[by])
    assert len(expected) >= 3
    for name in NAMES:
        frame = got[name]
        values = dict(zip(frame[by], frame["value"].astype(float), strict=True))
        assert values == pytest.approx(expected[name].to_dict()), name


def test_whole_company_matches_pandas(warehouse: Warehouse) -> None:
    settings = GtmSettings(as_of=date(2017, 12, 31))
    got = compute_many(NAMES, "2017", warehouse=warehouse, settings=settings)
    folder = shared_dataset(DATASET)
    deals = pd.read_csv(folder / "sales_pipeline.csv", keep_default_na=False, dtype=str)
    closed = deals[deals["deal_stage"].isin(["Won", "Lost"])]
    won = closed[closed["deal_stage"] == "Won"]
    days = (pd.to_datetime(won["close_date"]) - pd.to_datetime(won["engage_date"])).dt.days
    assert float(got["win_rate"]["value"].iloc[0]) == pytest.approx(len(won) / len(closed))
    assert float(got["sales_cycle_days"]["value"].iloc[0]) == days.median()
    mean = won["close_value"].astype(float).mean()
    assert float(got["avg_deal_size"]["value"].iloc[0]) == pytest.approx(mean, abs=0.005)
