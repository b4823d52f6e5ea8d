"""8fit marketing spend and paid subscriptions (../shared/data/8fit-marketing-spend-subscriptions),
loaded through mappings/8fit, against pandas on the raw files.

Spend CAC per month and numbered channel (kept as campaigns ``8fit-ch-N``) is spend / acquired
subscribers. pandas reads every cell as text with NA detection off, because the country code
``NA`` is Namibia. Two importer limits keep some rows out today, each counted here:

- 17,114 spend rows are written as floats with more than 4 decimals (``32.75999993272126``); the
  importer refuses to round money silently, and the mapping format has no opt-in rounding yet.
- subscription rows have no id: the id is every column, so 510 exact repeats are quarantined as
  duplicates and rows with an empty channel, country or platform (organic sign-ups, mostly) as
  having no id.

So CAC is compared with pandas on the rows revline loaded (selected by source id), and the
comparison on every row is an expected failure until the importer can load them all.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pandas as pd
import pytest

from conftest import REPO, shared_dataset
from revline.ingest import ImportResult, import_file
from revline.metrics import compute_many
from revline.metrics.gtm_frame import GtmSettings
from revline.warehouse import Warehouse

pytestmark = pytest.mark.realdata

DATASET = "8fit-marketing-spend-subscriptions"
SPEND_ID = ["report_date", "country_code", "platform", "marketing_channel_id"]
SUB_ID = ["subscription_date", "signup_country_code", "marketing_channel_id", "signup_platform"]
SUB_ID += ["gender", "is_paid_channel", "net_revenue", "subscription_count"]


class Loaded:
    def __init__(self, wh: Warehouse) -> None:
        folder = shared_dataset(DATASET)
        maps = REPO / "mappings" / "8fit"
        self.wh = wh
        self.spend_result: ImportResult = import_file(
            wh, "marketing_spend", folder / "spendings.csv", maps / "marketing_spend.yaml"
        )
        self.subs_result: ImportResult = import_file(
            wh, "acquisitions", folder / "subscriptions.csv", maps / "acquisitions.yaml"
        )
        read = {"dtype": str, "keep_default_na": False}
        self.spend = pd.read_csv(folder / "spendings.csv", **read)
        self.subs = pd.read_csv(folder / "subscriptions.csv", **read)


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Loaded]:
    wh = Warehouse.create(tmp_path_factory.mktemp("8fit") / "8fit.duckdb")
    yield Loaded(wh)
    wh.close()


def test_every_row_is_loaded_or_quarantined(loaded: Loaded) -> None:
    for result, frame in ((loaded.spend_result, loaded.spend), (loaded.subs_result, loaded.subs)):
        assert result.rows_read == len(frame)
        assert result.inserted + result.quarantined == result.rows_read
    assert loaded.spend_result.quarantined == 17_114
    # the subscriptions with an empty id part, plus the later copies of exact repeats
    empty = (loaded.subs[SUB_ID] == "").any(axis=1)
    repeats = loaded.subs[~empty].duplicated(keep="first").sum()
    assert loaded.subs_result.quarantined == empty.sum() + repeats


def test_na_is_namibia_not_missing(loaded: Loaded) -> None:
    con = loaded.wh.con
    spend_na = con.sql("SELECT count(*) FROM marketing_spend WHERE country = 'NA'").fetchone()
    quarantined_na = con.sql(
        "SELECT count(DISTINCT row_number) FROM quarantine "
        "WHERE file LIKE '%spendings.csv' AND json_extract_string(raw, '$.country_code') = 'NA'"
    ).fetchone()
    assert spend_na and quarantined_na
    assert spend_na[0] + quarantined_na[0] == (loaded.spend["country_code"] == "NA").sum() == 111
    assert con.sql("SELECT count(*) FROM marketing_spend WHERE country IS NULL").fetchone() == (0,)
    subs_na = con.sql("SELECT count(*) FROM acquisitions WHERE country = 'NA'").fetchone()
    usable = loaded.subs[~(loaded.subs[SUB_ID] == "").any(axis=1)].drop_duplicates()
    assert subs_na == ((usable["signup_country_code"] == "NA").sum(),)
    assert subs_na[0] > 0


def _pandas_cac(spend: pd.DataFrame, subs: pd.DataFrame) -> dict[tuple[str, str], float | None]:
    s = spend.assign(
        period=spend["report_date"].str[:7],
        campaign="8fit-ch-" + spend["marketing_channel_id"],
        amount=spend["spendings"].astype(float),
    )
    a = subs.assign(
        period=subs["subscription_date"].str[:7],
        campaign=("8fit-ch-" + subs["marketing_channel_id"]).where(
            subs["marketing_channel_id"] != "", "(none)"
        ),
        count=subs["subscription_count"].astype(int),
    )
    cost = s.groupby(["period", "campaign"])["amount"].sum()
    won = a.groupby(["period", "campaign"])["count"].sum()
    both = pd.concat([cost, won], axis=1).fillna({"amount": 0.0})
    return {
        key: (row["amount"] / row["count"] if row["count"] > 0 else None)
        for key, row in both.iterrows()
    }


def _revline_cac(wh: Warehouse) -> dict[tuple[str, str], float | None]:
    settings = GtmSettings(as_of=date(2017, 1, 31))
    frame = compute_many(["spend_cac"], "month", "campaign", warehouse=wh, settings=settings)
    got = frame["spend_cac"]
    return {
        (p, c): (None if pd.isna(v) else float(v))
        for p, c, v in zip(got["period"], got["campaign"], got["value"], strict=True)
    }


Cac = dict[tuple[str, str], float | None]


def _compare(got: Cac, want: Cac) -> None:
    assert set(got) == set(want)
    assert {k for k, v in got.items() if v is None} == {k for k, v in want.items() if v is None}
    values = {k: v for k, v in got.items() if v is not None}
    assert values == pytest.approx({k: v for k, v in want.items() if v is not None}, rel=1e-9)


def test_spend_cac_by_channel_matches_pandas_on_loaded_rows(loaded: Loaded) -> None:
    con = loaded.wh.con
    spend_ids = {r[0] for r in con.sql("SELECT source_id FROM marketing_spend").fetchall()}
    sub_ids = {r[0] for r in con.sql("SELECT source_id FROM acquisitions").fetchall()}
    spend = loaded.spend[loaded.spend[SPEND_ID].agg(":".join, axis=1).isin(spend_ids)]
    subs = loaded.subs[loaded.subs[SUB_ID].agg(":".join, axis=1).isin(sub_ids)]
    subs = subs.drop_duplicates()  # an exact repeat shares its id: only the first is loaded
    assert len(spend) == loaded.spend_result.inserted and len(subs) == loaded.subs_result.inserted
    _compare(_revline_cac(loaded.wh), _pandas_cac(spend, subs))


@pytest.mark.xfail(
    strict=True,
    reason="the importer cannot load money with more than 4 decimals (no opt-in rounding) nor "
    "rows without an id; see the module docstring",
)
def test_spend_cac_by_channel_matches_pandas_on_every_row(loaded: Loaded) -> None:
    _compare(_revline_cac(loaded.wh), _pandas_cac(loaded.spend, loaded.subs))
