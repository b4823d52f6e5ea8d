"""Olist marketing funnel (../shared/data/olist-marketing-funnel): 8,000 MQLs and 842 won deals
loaded through mappings/olist; conversion and time-to-close by origin, landing page, business
segment, SDR and SR equal an independent pandas computation; the known defects (a deal won
before its first contact, empty and ``unknown`` origins) are reported by revline, not hidden."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from conftest import REPO, shared_dataset
from revline.analyses.seams import FlowStats, flow, gaps, lifecycle_report
from revline.analyses.seams.funnel import cached_journeys
from revline.ingest import ImportResult, import_file
from revline.warehouse import Warehouse

pytestmark = pytest.mark.realdata

DATASET = "olist-marketing-funnel"
MQLS = "olist_marketing_qualified_leads_dataset.csv"
DEALS = "olist_closed_deals_dataset.csv"
#: revline breakdown -> the column of the joined files pandas groups by.
BREAKDOWNS = {
    "attr:origin": "origin",
    "attr:landing_page_id": "landing_page_id",
    "attr:business_segment": "business_segment",
    "attr:sdr_id": "sdr_id",
    "attr:sr_id": "sr_id",
}
NONE = "(none)"


class Loaded:
    def __init__(self, tmp: Path) -> None:
        folder = shared_dataset(DATASET)
        self.wh = Warehouse.create(tmp / "olist.duckdb")
        maps = REPO / "mappings" / "olist"
        self.results: dict[str, ImportResult] = {
            "leads": import_file(self.wh, "leads", folder / MQLS, maps / "leads.yaml"),
            "opportunities": import_file(
                self.wh, "opportunities", folder / DEALS, maps / "opportunities.yaml"
            ),
        }
        with cached_journeys(self.wh) as journeys:
            self.flows: dict[str, list[FlowStats]] = {
                by: flow(self.wh, "mql", "closed_won", by=[by], journey_table=journeys)
                for by in BREAKDOWNS
            }
        self.mqls = pd.read_csv(folder / MQLS, dtype=str, keep_default_na=False)
        self.deals = pd.read_csv(folder / DEALS, dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Loaded]:
    state = Loaded(tmp_path_factory.mktemp("olist"))
    yield state
    state.wh.close()


def pandas_funnel(mqls: pd.DataFrame, deals: pd.DataFrame, column: str) -> dict[str, Any]:
    """Per group: MQLs, won deals, conversion and days to close (median, p75, p90), in pandas.

    Written from the raw files, independently of revline: an MQL's time to close is the won
    date minus its first-contact date (midnight), in days; an empty value is its own group.
    """
    joined = mqls.merge(deals, on="mql_id", how="left", indicator=True)
    joined["won"] = joined["_merge"] == "both"
    group = joined[column].fillna("").replace("", NONE)
    first = pd.to_datetime(joined["first_contact_date"], format="%Y-%m-%d")
    won_at = pd.to_datetime(joined["won_date"], format="%Y-%m-%d %H:%M:%S")
    joined["days"] = (won_at - first).dt.total_seconds() / 86400
    out = {}
    for key, g in joined.groupby(group):
        days = g.loc[g.won, "days"]
        out[str(key)] = {
            "entered": len(g),
            "converted": int(g.won.sum()),
            "conversion": g.won.sum() / len(g),
            "median": days.median() if len(days) else None,
            "p75": days.quantile(0.75) if len(days) else None,
            "p90": days.quantile(0.9) if len(days) else None,
        }
    return out


def test_every_row_is_loaded(loaded: Loaded) -> None:
    leads, deals = loaded.results["leads"], loaded.results["opportunities"]
    assert (leads.rows_read, leads.inserted, leads.quarantined) == (8000, 8000, 0)
    assert (deals.rows_read, deals.inserted, deals.quarantined) == (842, 842, 0)


@pytest.mark.parametrize("by", list(BREAKDOWNS))
def test_conversion_and_time_to_close_match_pandas(loaded: Loaded, by: str) -> None:
    column = BREAKDOWNS[by]
    want = pandas_funnel(loaded.mqls, loaded.deals, column)
    got = {f.group[column]: f for f in loaded.flows[by]}
    assert set(got) == set(want)
    for key, w in want.items():
        f = got[key]
        assert (f.entered, f.converted) == (w["entered"], w["converted"]), key
        assert f.conversion == pytest.approx(w["conversion"], rel=1e-12), key
        times = {"median": f.time.median_days, "p75": f.time.p75_days, "p90": f.time.p90_days}
        for name, value in times.items():
            if w[name] is None:  # no won deal in the group: no time to close
                assert value is None, f"{key} {name}"
            else:
                assert value == pytest.approx(w[name], rel=1e-9, abs=1e-9), f"{key} {name}"


def test_headline_conversion(loaded: Loaded) -> None:
    flows = loaded.flows["attr:origin"]
    assert sum(f.entered for f in flows) == 8000
    assert sum(f.converted for f in flows) == 842


def test_deal_won_before_first_contact_is_reported(loaded: Loaded) -> None:
    joined = loaded.mqls.merge(loaded.deals, on="mql_id")
    early = joined[
        pd.to_datetime(joined.won_date) < pd.to_datetime(joined.first_contact_date)
    ].mql_id
    assert list(early) == ["b91cf8812365f50ff4bda4bcd6206b05"]
    report = lifecycle_report(loaded.wh, examples=10)
    (found,) = [a for a in report.out_of_order if a.stage == "closed_won"]
    assert found.previous_stage == "mql"
    assert found.count == len(early)
    assert found.examples == tuple(f"olist-{x}" for x in early)
    # Olist records no stage between the MQL and the won deal: every deal skips them, reported.
    (skip,) = [a for a in report.skips if a.stage == "closed_won"]
    assert (skip.previous_stage, skip.missing, skip.count) == ("mql", "sal..opportunity", 842)


def test_empty_and_unknown_origins_are_reported_apart(loaded: Loaded) -> None:
    origin = loaded.mqls.origin
    found = {g.value: g.journeys for g in gaps(loaded.wh, ["attr:origin"])}
    assert found[NONE] == int((origin == "").sum()) == 60
    assert found["unknown"] == int((origin == "unknown").sum()) == 1099


def test_first_response_sla_is_not_measurable_without_response_times(loaded: Loaded) -> None:
    """Olist records no first response: the SLA says so instead of counting every lead late."""
    from revline.analyses.seams.sla import evaluate_slas

    report = evaluate_slas(loaded.wh)
    first = next(r for r in report.results if r.kind == "first_response")
    assert first.measured == 0 and first.breaches == 0
    assert first.revenue_at_stake is None and first.breach_rate is None
    assert first.how_measured.startswith("Not measurable")
    assert not (report.rows["sla"] == first.name).any()
    # What the export does record (the monthly MQL volume) is still judged.
    assert any(r.measured > 0 for r in report.results if r.kind != "first_response")
