"""8fit marketing spend and paid subscriptions (../shared/data/8fit-marketing-spend-subscriptions),
loaded through mappings/8fit, against pandas on the raw files.

Spend CAC per month and numbered channel (kept as campaigns ``8fit-ch-N``) is spend / acquired
subscribers. pandas reads every cell as text with NA detection off, because the country code
``NA`` is Namibia. The mappings round spend and revenue to 4 decimals (the files print floats in
full, e.g. ``32.75999993272126``), so the pandas side rounds each cell the same way, half away
from zero, with ``Decimal``. The subscriptions file has no id: rows are keyed by row number, so
its 510 exact repeats load as the real rows they are. Two spend rows are negative: they are
quarantined with rule ``minimum`` and left out of both sides.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd
import pytest

from conftest import REPO, shared_dataset
from revline.ingest import ImportResult, import_file
from revline.metrics import compute_many
from revline.metrics.gtm_frame import GtmSettings
from revline.warehouse import Warehouse

pytestmark = pytest.mark.realdata

DATASET = "8fit-marketing-spend-subscriptions"
FOUR_PLACES = Decimal("0.0001")


def rounded(text: str) -> Decimal:
    return Decimal(text).quantize(FOUR_PLACES, rounding=ROUND_HALF_UP)


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
    negative = loaded.spend["spendings"].astype(float) < 0
    assert loaded.spend_result.quarantined == negative.sum() == 2
    assert {p.rule for p in loaded.spend_result.examples} == {"minimum"}
    assert loaded.subs_result.quarantined == 0
    total = loaded.wh.con.sql("SELECT sum(customers), sum(revenue) FROM acquisitions").fetchone()
    assert total == (
        loaded.subs["subscription_count"].astype(int).sum(),
        sum(map(rounded, loaded.subs["net_revenue"])),
    )


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
    assert subs_na == ((loaded.subs["signup_country_code"] == "NA").sum(),)
    assert subs_na[0] > 0


def _pandas_cac(spend: pd.DataFrame, subs: pd.DataFrame) -> dict[tuple[str, str], float | None]:
    s = spend.assign(
        period=spend["report_date"].str[:7],
        campaign="8fit-ch-" + spend["marketing_channel_id"],
        amount=spend["spendings"].map(rounded),
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
    both = pd.concat([cost, won], axis=1).fillna({"amount": Decimal(0)})
    return {
        key: (float(row["amount"]) / row["count"] if row["count"] > 0 else None)
        for key, row in both.iterrows()
    }


def _revline_cac(wh: Warehouse) -> dict[tuple[str, str], float | None]:
    # 8fit's amounts are EUR (the mapping assumes it) and there are no rates: report in EUR
    settings = GtmSettings(as_of=date(2017, 1, 31), reporting_currency="EUR")
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


def test_spend_cac_by_channel_matches_pandas(loaded: Loaded) -> None:
    spend = loaded.spend[loaded.spend["spendings"].astype(float) >= 0]  # the quarantined two
    _compare(_revline_cac(loaded.wh), _pandas_cac(spend, loaded.subs))
