"""RavenStack (synthetic SaaS, ../shared/data/ravenstack-saas): import all five files with the
mappings in mappings/ravenstack, then check that nothing is lost and that `revline check` finds
the dataset's known contradictions with the counts pandas computes independently here."""

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

DATASET = "ravenstack-saas"
MAPPINGS = REPO / "mappings" / "ravenstack"
FILES = {
    "accounts": "ravenstack_accounts.csv",
    "subscriptions": "ravenstack_subscriptions.csv",
    "usage": "ravenstack_feature_usage.csv",
    "tickets": "ravenstack_support_tickets.csv",
    "churn_events": "ravenstack_churn_events.csv",
}


def import_all(wh: Warehouse, folder: Path) -> dict[str, ImportResult]:
    return {t: import_file(wh, t, folder / f, MAPPINGS / f"{t}.yaml") for t, f in FILES.items()}


class Loaded:
    """The warehouse after one import, the import results, and the raw files read by pandas."""

    def __init__(self, tmp: Path) -> None:
        self.folder = shared_dataset(DATASET)
        self.wh = Warehouse.create(tmp / "ravenstack.duckdb")
        self.results = import_all(self.wh, self.folder)
        self.report: CheckReport = run_checks(self.wh)
        self.frames = {t: pd.read_csv(self.folder / f, dtype=str) for t, f in FILES.items()}


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Loaded]:
    state = Loaded(tmp_path_factory.mktemp("ravenstack"))
    yield state
    state.wh.close()


def data_rows(path: Path) -> int:
    """Data rows in a CSV file, counted with the csv module (header excluded)."""
    with path.open(newline="", encoding="utf-8") as handle:
        return sum(1 for _ in csv.reader(handle)) - 1


def only_finding(report: CheckReport, check: str, table: str | None = None) -> tuple[int, tuple]:
    found = report.by_check(check, table)
    assert len(found) <= 1, found
    return (found[0].count, found[0].examples) if found else (0, ())


def test_every_row_is_loaded_or_quarantined(loaded: Loaded) -> None:
    for table, file in FILES.items():
        result = loaded.results[table]
        assert result.rows_read == data_rows(loaded.folder / file), table
        assert result.inserted + result.quarantined == result.rows_read, table
        assert (result.updated, result.unchanged) == (0, 0), table
        assert loaded.wh.count(table) == result.inserted, table
    # the only quarantined rows are the repeated usage ids; the first copy of each is loaded
    usage = loaded.frames["usage"]
    repeated = usage.index[usage.usage_id.duplicated(keep="first")]
    assert len(repeated) == 21
    q = loaded.wh.table("quarantine").execute()
    assert set(q.rule) == {"duplicate_key"} and set(q.table_name) == {"usage"}
    assert sorted(q.row_number) == sorted(int(i) + 1 for i in repeated)


def _loaded_usage(loaded: Loaded) -> pd.DataFrame:
    usage = loaded.frames["usage"]
    return usage[~usage.usage_id.duplicated(keep="first")]


def test_duplicate_usage_ids_are_reported(loaded: Loaded) -> None:
    usage = loaded.frames["usage"]
    extra = usage[usage.usage_id.duplicated(keep="first")]
    count, examples = only_finding(loaded.report, "quarantined_duplicates", "usage")
    assert count == len(extra) == 21
    assert examples == tuple(sorted(extra.usage_id)[:5])
    assert only_finding(loaded.report, "quarantine", "usage")[0] == 21


def test_likely_duplicate_usage_rows(loaded: Loaded) -> None:
    usage = _loaded_usage(loaded)
    same = usage[usage.duplicated(["subscription_id", "feature_name", "usage_date"], keep=False)]
    assert only_finding(loaded.report, "likely_duplicates", "usage") == (
        len(same),
        tuple(sorted(same.usage_id)[:5]),
    )
    names = (
        loaded.frames["accounts"]
        .account_name.str.lower()
        .str.replace(r"[^a-z0-9]+", "", regex=True)
    )
    assert only_finding(loaded.report, "likely_duplicates", "accounts")[0] == int(
        names.duplicated(keep=False).sum()
    )


def _subscriptions(loaded: Loaded) -> pd.DataFrame:
    subs = loaded.frames["subscriptions"].copy()
    subs["start"] = pd.to_datetime(subs.start_date)
    subs["end"] = pd.to_datetime(subs.end_date)
    return subs


def test_overlapping_subscriptions(loaded: Loaded) -> None:
    subs = _subscriptions(loaded)
    overlapping = set()
    for account, group in subs.sort_values("start").groupby("account_id"):
        # a subscription overlaps an earlier one when it starts before the latest end so far
        ends = group.end.fillna(pd.Timestamp.max)
        if (group.start < ends.cummax().shift()).any():
            overlapping.add(account)
    count, examples = only_finding(loaded.report, "overlapping_subscriptions")
    assert count == len(overlapping)
    assert examples == tuple(sorted(overlapping)[:5])


def test_usage_outside_subscription_dates(loaded: Loaded) -> None:
    usage = _loaded_usage(loaded).merge(_subscriptions(loaded), on="subscription_id")
    day = pd.to_datetime(usage.usage_date)
    outside = usage[(day < usage.start) | (usage.end.notna() & (day >= usage.end))]
    count, examples = only_finding(loaded.report, "usage_outside_subscription")
    assert count == len(outside)
    assert examples == tuple(sorted(outside.usage_id)[:5])


def test_churn_events_with_a_subscription_still_running(loaded: Loaded) -> None:
    churn = loaded.frames["churn_events"].merge(_subscriptions(loaded), on="account_id")
    when = pd.to_datetime(churn.churn_date)
    running = churn[(churn.start <= when) & (churn.end.isna() | (churn.end > when))]
    events = sorted(set(running.churn_event_id))
    count, examples = only_finding(loaded.report, "churn_with_running_subscription")
    assert count == len(events)
    assert examples == tuple(events[:5])
    finding = loaded.report.by_check("churn_with_running_subscription")[0]
    assert f"(on {running.account_id.nunique()} accounts)" in finding.message


def test_the_source_churn_flag_is_kept_in_attributes(loaded: Loaded) -> None:
    accounts = loaded.wh.table("accounts")
    flags = accounts.select("account_id", flag=accounts.attributes["churn_flag"].str).execute()
    expected = loaded.frames["accounts"][["account_id", "churn_flag"]]
    merged = flags.merge(expected, on="account_id")
    assert len(merged) == 500 and (merged.flag == merged.churn_flag).all()


def test_foreign_keys_resolve_and_no_other_problem(loaded: Loaded) -> None:
    subs, accounts = loaded.frames["subscriptions"], loaded.frames["accounts"]
    assert subs.account_id.isin(accounts.account_id).all()
    assert loaded.report.by_check("orphans") == ()
    assert {f.check for f in loaded.report.findings} == {
        "quarantined_duplicates",
        "likely_duplicates",
        "overlapping_subscriptions",
        "usage_outside_subscription",
        "churn_with_running_subscription",
        "quarantine",
    }


def test_a_second_import_changes_no_row_counts(loaded: Loaded) -> None:
    before = loaded.wh.counts()
    again = import_all(loaded.wh, loaded.folder)
    after = loaded.wh.counts()
    for table, result in again.items():
        assert (result.inserted, result.updated) == (0, 0), table
        assert result.unchanged + result.quarantined == result.rows_read, table
    assert after == before  # quarantine and the loads log included
