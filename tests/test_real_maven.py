"""Maven CRM sales opportunities (../shared/data/maven-crm-sales-opportunities): import the four
files with mappings/maven, check nothing is lost silently, the normalisations hold (GTXPro,
technolgy), and `revline check` reports the deals without account and the managers who have no
employee row, with counts computed independently by pandas."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from conftest import REPO, shared_dataset
from revline.ingest import ImportResult, import_file
from revline.quality import CheckReport, run_checks
from revline.warehouse import Warehouse

pytestmark = pytest.mark.realdata

DATASET = "maven-crm-sales-opportunities"
MAPPINGS = REPO / "mappings" / "maven"
FILES = {
    "accounts": "accounts.csv",
    "employees": "sales_teams.csv",
    "plans": "products.csv",
    "opportunities": "sales_pipeline.csv",
}


class Loaded:
    """The warehouse after one import, the results, the raw files and the check report."""

    def __init__(self, tmp: Path) -> None:
        self.folder = shared_dataset(DATASET)
        self.wh = Warehouse.create(tmp / "maven.duckdb")
        self.results: dict[str, ImportResult] = {
            t: import_file(self.wh, t, self.folder / f, MAPPINGS / f"{t}.yaml")
            for t, f in FILES.items()
        }
        self.report: CheckReport = run_checks(self.wh)
        self.frames = {
            t: pd.read_csv(self.folder / f, dtype=str, keep_default_na=False)
            for t, f in FILES.items()
        }


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Loaded]:
    state = Loaded(tmp_path_factory.mktemp("maven"))
    yield state
    state.wh.close()


def data_rows(path: Path) -> int:
    with path.open(newline="", encoding="utf-8") as handle:
        return sum(1 for _ in csv.reader(handle)) - 1


def test_nothing_is_lost_silently(loaded: Loaded) -> None:
    quarantined = loaded.wh.table("quarantine").execute()
    for table, file in FILES.items():
        result = loaded.results[table]
        assert result.rows_read == data_rows(loaded.folder / file), table
        assert result.inserted + result.quarantined == result.rows_read, table
        assert loaded.wh.count(table) == result.inserted, table
        refused = quarantined[quarantined.table_name == table]
        assert refused.row_number.nunique() == result.quarantined, table
    # every source id in the files is in the warehouse
    pipeline = loaded.frames["opportunities"]
    ids = set(loaded.wh.table("opportunities").opportunity_id.execute())
    assert ids == set(pipeline.opportunity_id)


def test_products_are_normalised(loaded: Loaded) -> None:
    opportunities = loaded.wh.table("opportunities").execute()
    assert "GTXPro" not in set(opportunities["product"])
    pipeline = loaded.frames["opportunities"]
    expected = pipeline["product"].replace({"GTXPro": "GTX Pro"}).value_counts().to_dict()
    assert opportunities["product"].value_counts().to_dict() == expected
    plans = set(loaded.wh.table("plans").product.execute())
    assert set(expected) <= plans  # every product sold joins to a plan


def test_sector_typo_is_fixed(loaded: Loaded) -> None:
    industries = loaded.wh.table("accounts").industry.execute().value_counts().to_dict()
    source = loaded.frames["accounts"].sector.value_counts().to_dict()
    assert "technolgy" not in industries
    assert industries["technology"] == source["technolgy"] == 12


def test_stages_become_flags(loaded: Loaded) -> None:
    o = loaded.wh.table("opportunities").execute()
    stages = loaded.frames["opportunities"].deal_stage.value_counts().to_dict()
    assert int(o.is_won.sum()) == stages["Won"]
    assert int(o.is_closed.sum()) == stages["Won"] + stages["Lost"]
    assert o[o.is_closed].close_date.notna().all()


def test_check_reports_deals_without_account(loaded: Loaded) -> None:
    pipeline = loaded.frames["opportunities"]
    missing = pipeline[pipeline.account == ""]
    assert set(missing.deal_stage) <= {"Prospecting", "Engaging"}
    (open_,) = loaded.report.by_check("open_opportunity_without_account")
    assert open_.count == len(missing) == 1425
    assert open_.examples == tuple(sorted(missing.opportunity_id)[:5])
    assert loaded.report.by_check("closed_opportunity_without_account") == ()


def test_check_reports_managers_as_orphans(loaded: Loaded) -> None:
    teams = loaded.frames["employees"]
    managers = sorted(set(teams.manager) - set(teams.sales_agent))
    (orphans,) = loaded.report.by_check("orphans")
    assert orphans.tables == ("employees",) and orphans.columns == ("manager_id",)
    assert orphans.count == len(teams) == 35
    assert orphans.details == tuple(f"missing employees.employee_id: {m}" for m in managers[:5])
    assert f"({len(managers)} missing values" in orphans.message


def test_no_other_findings(loaded: Loaded) -> None:
    assert {f.check for f in loaded.report.findings} == {
        "orphans",
        "open_opportunity_without_account",
    }
