"""The pipeline as of a date, on a hand-built history (every expected value worked out below).

o1 (new, enterprise, e1/west): created 2025-01-10 in prospecting at 1,000 due 02-15;
    02-01 discovery; 02-20 due date slips to 03-31; 03-15 00:00 proposal at 1,200 (due 03-31);
    04-05 closed won at 1,200.
o2 (new, smb): created 2025-03-01 00:00 exactly, so absent on 03-01 (known means strictly before).
o3 (expansion, smb): no history (a CRM export); created 01-05, closed won 02-10 at 500.
o4 (new, smb): no history; created 01-20, closed lost 05-01; its export amount (0) and
    stage are final values, unknown while it was open.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pandas as pd
import pytest

from fixtures.mrr.rows import load
from revline.model.pipeline import UNKNOWN_STAGE, pipeline_as_of, pipelines
from revline.warehouse import Warehouse


def _hist(i: int, at: str, stage: str, amount: str, due: str, **flags: bool) -> dict[str, object]:
    return {
        "history_id": f"h{i}",
        "opportunity_id": "o1",
        "changed_at": pd.Timestamp(at, tz="UTC").to_pydatetime(),
        "stage": stage,
        "amount": amount,
        "currency": "USD",
        "close_date": due,
        "is_closed": flags.get("closed", False),
        "is_won": flags.get("won", False),
    }


def _opp(oid: str, account: str, created: str, **kw: object) -> dict[str, object]:
    row: dict[str, object] = {
        "opportunity_id": oid,
        "account_id": account,
        "opportunity_type": kw.pop("kind", "new"),
        "owner_id": "e1",
        "created_at": pd.Timestamp(created, tz="UTC").to_pydatetime(),
        "currency": "USD",
        "is_closed": False,
        "is_won": False,
        "stage": "prospecting",
    }
    row.update(kw)
    return row


@pytest.fixture(scope="module")
def company(tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    wh = Warehouse.create(tmp_path_factory.mktemp("asof") / "asof.duckdb")
    load(
        wh,
        {
            "employees": [
                {"employee_id": "e1", "name": "Ann", "function": "sales", "team": "west"}
            ],
            "accounts": [
                {"account_id": "a1", "name": "Big", "segment": "enterprise"},
                {"account_id": "a2", "name": "Small", "segment": "smb"},
            ],
            "opportunities": [
                _opp(
                    "o1",
                    "a1",
                    "2025-01-10 09:00",
                    stage="closed_won",
                    amount="1200",
                    is_closed=True,
                    is_won=True,
                    closed_at=date(2025, 4, 5),
                    close_date="2025-04-05",
                ),
                _opp("o2", "a2", "2025-03-01 00:00", amount="300"),
                _opp(
                    "o3",
                    "a2",
                    "2025-01-05",
                    kind="expansion",
                    stage="Won",
                    amount="500",
                    is_closed=True,
                    is_won=True,
                    closed_at=date(2025, 2, 10),
                    close_date="2025-02-10",
                ),
                _opp(
                    "o4",
                    "a2",
                    "2025-01-20",
                    stage="Lost",
                    amount="0",
                    is_closed=True,
                    closed_at=date(2025, 5, 1),
                    close_date="2025-05-01",
                ),
            ],
            "opportunity_history": [
                _hist(1, "2025-01-10 09:00", "prospecting", "1000", "2025-02-15"),
                _hist(2, "2025-02-01 10:00", "discovery", "1000", "2025-02-15"),
                _hist(3, "2025-02-20 10:00", "discovery", "1000", "2025-03-31"),
                _hist(4, "2025-03-15 00:00", "proposal", "1200", "2025-03-31"),
                _hist(
                    5, "2025-04-05 12:00", "closed_won", "1200", "2025-04-05", closed=True, won=True
                ),
            ],
        },
    )
    return wh


def _rows(wh: Warehouse, day: date) -> dict[str, dict[str, object]]:
    frame = pipeline_as_of(wh, day)
    return {str(r["opportunity_id"]): r for r in frame.to_dict("records")}


def test_open_deal_as_it_stood(company: Warehouse) -> None:
    o1 = _rows(company, date(2025, 3, 1))["o1"]
    assert o1["stage"] == "discovery"
    assert o1["amount"] == Decimal("1000")
    assert pd.Timestamp(o1["close_date"]).date() == date(2025, 3, 31)
    assert o1["slips"] == 1  # 02-15 -> 03-31
    assert pd.Timestamp(o1["stage_since"]) == pd.Timestamp("2025-02-01 10:00", tz="UTC")
    assert not o1["is_closed"] and pd.isna(o1["closed_at"])
    assert (o1["segment"], o1["team"], o1["has_history"]) == ("enterprise", "west", True)


def test_a_change_at_the_cutoff_instant_is_not_yet_known(company: Warehouse) -> None:
    assert _rows(company, date(2025, 3, 15))["o1"]["stage"] == "discovery"
    after = _rows(company, date(2025, 3, 16))["o1"]
    assert (after["stage"], after["amount"]) == ("proposal", Decimal("1200"))


def test_created_later_is_absent_and_closed_deals_show_their_outcome(company: Warehouse) -> None:
    rows = _rows(company, date(2025, 3, 1))
    assert set(rows) == {"o1", "o3", "o4"}  # o2 is created at 03-01 00:00: not before
    assert set(_rows(company, date(2025, 1, 7))) == {"o3"}
    o1 = _rows(company, date(2025, 4, 10))["o1"]
    assert (o1["stage"], o1["is_closed"], o1["is_won"]) == ("closed_won", True, True)
    assert pd.Timestamp(o1["closed_at"]) == pd.Timestamp("2025-04-05 12:00", tz="UTC")


def test_deals_without_history_hide_their_final_values_while_open(company: Warehouse) -> None:
    rows = _rows(company, date(2025, 3, 1))
    o3, o4 = rows["o3"], rows["o4"]
    assert (o3["stage"], o3["is_won"], o3["amount"]) == ("closed_won", True, Decimal("500"))
    assert o4["stage"] == UNKNOWN_STAGE and not o4["is_closed"]
    assert pd.isna(o4["amount"]) and pd.isna(o4["close_date"])
    assert _rows(company, date(2025, 5, 2))["o4"]["stage"] == "closed_lost"


def test_many_snapshots_at_once_match_one_at_a_time(company: Warehouse) -> None:
    days = [date(2025, 2, 1), date(2025, 3, 1), date(2025, 4, 10)]
    many = pipelines(company, days)
    for day in days:
        one = pipeline_as_of(company, day)
        same = many[many["snapshot"] == day].drop(columns="snapshot").reset_index(drop=True)
        pd.testing.assert_frame_equal(one, same)


def test_no_snapshot_days_give_an_empty_pipeline(company: Warehouse) -> None:
    # An empty list of days once built a float "snapshot" column that Arrow refused to cast.
    none = pipelines(company, [])
    assert none.empty and "snapshot" in none.columns
