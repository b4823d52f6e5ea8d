"""Each diagnosis detector on hand-built data, with the expected figures computed by hand.

The rows are written straight into an empty warehouse; the shared figures a detector prices
with (new ARR per new customer, the share of SALs and SQLs won) are fixed on the context, so
every revenue at stake below is a hand calculation from the counts in the test.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pandas as pd
import pyarrow as pa
import pytest

from revline.analyses.diagnose import DETECTORS, leads, onboarding, trends
from revline.analyses.diagnose.context import Context
from revline.analyses.diagnose.findings import Drill, Finding, rank
from revline.analyses.diagnose.stats import compare_groups
from revline.metrics.gtm_frame import GtmSettings
from revline.model.periods import parse_period
from revline.org import load_org
from revline.schema import TABLES
from revline.warehouse import Warehouse

ARR = Decimal(10_000)
CREATED = datetime(2025, 6, 2, tzinfo=UTC)


def insert(wh: Warehouse, name: str, rows: list[dict[str, Any]]) -> None:
    """Rows into a canonical table; unnamed columns are null, lineage filled in."""
    table = TABLES[name]
    data: dict[str, list[Any]] = {c: [r.get(c) for r in rows] for c in table.column_names}
    data["source"] = ["test"] * len(rows)
    data["source_id"] = [r[table.primary_key] for r in rows]
    data["loaded_at"] = [CREATED] * len(rows)
    wh.append(name, pa.table({k: pa.array(v) for k, v in data.items()}))


@pytest.fixture
def ctx(wh: Warehouse) -> Iterator[Context]:
    """A context for 2025-Q4 with fixed prices: 10,000 per new customer, 20% of SALs and 25%
    of SQLs won."""
    c = Context(
        wh,
        parse_period("2025-Q4"),
        date(2025, 12, 31),
        load_org(),
        GtmSettings(as_of=date(2025, 12, 31)),
    )
    c._arr.update({key: {"": ARR} for key in ("", "region", "segment", "channel")})
    c.__dict__["lead_to_customer"] = {"sal": 0.2, "sql": 0.25}
    yield c


def _lead(i: int, region: str, late: bool, sal: bool, **extra: Any) -> dict[str, Any]:
    mql = CREATED + timedelta(hours=1)
    return {
        "lead_id": f"led_{i}",
        "channel": extra.get("channel", "paid_search"),
        "segment": "smb",
        "region": region,
        "created_at": CREATED,
        "mql_at": mql,
        "first_response_at": mql + timedelta(hours=48 if late else 1),
        "sal_at": mql + timedelta(days=3) if sal else None,
        "sql_at": extra.get("sql_at"),
    }


def _response_leads(emea_late: int) -> list[dict[str, Any]]:
    """80 MQLs per region. Late leads: 30% SAL; on-time leads: 70% SAL."""
    rows = []
    for region, late_n in (
        ("emea", emea_late),
        ("north_america", 10),
        ("apac", 10),
        ("latin_america", 10),
    ):
        on_n = 80 - late_n
        sal_late = {60: 18, 10: 3}[late_n]
        sal_on = {20: 14, 70: 49}[on_n]
        for k in range(80):
            late = k < late_n
            sal = k < sal_late if late else (k - late_n) < sal_on
            rows.append(_lead(len(rows), region, late, sal))
    return rows


def test_slow_response_names_the_region_its_owner_and_the_revenue(
    wh: Warehouse, ctx: Context
) -> None:
    insert(wh, "leads", _response_leads(emea_late=60))
    found = leads.slow_response(ctx)
    assert [f.subject for f in found] == [{"region": "emea"}]
    f = found[0]
    assert f.owner == "sales_development"
    # Late share 60/80 vs 30/240 elsewhere: 50 excess late leads. SAL: 27/90 late vs 161/230
    # on time: a 40-point drop. 50 x 0.40 x 20% won x 10,000 = 40,000.
    assert f.at_stake == Decimal("40000.00")
    assert f.confidence > 0.99
    assert len(f.drill.rows(wh)) == 80


def test_slow_response_is_quiet_when_regions_answer_alike(wh: Warehouse, ctx: Context) -> None:
    insert(wh, "leads", _response_leads(emea_late=10))
    assert leads.slow_response(ctx) == []


def test_lead_quality_flags_only_the_channel_far_below_and_significant(
    wh: Warehouse, ctx: Context
) -> None:
    rows = []
    for channel, n, sqls in (
        ("paid_search", 100, 30),
        ("organic_search", 100, 28),
        ("webinar", 100, 2),
        ("events", 10, 0),  # 0 of 10 is not significant
        ("email", 100, 20),  # below average, but not far below
    ):
        for k in range(n):
            sql_at = CREATED + timedelta(days=9) if k < sqls else None
            rows.append(_lead(len(rows), "emea", False, True, channel=channel, sql_at=sql_at))
    insert(wh, "leads", rows)
    found = leads.lead_quality(ctx)
    assert [f.subject for f in found] == [{"channel": "webinar"}]
    assert found[0].owner == "marketing"
    # Other channels: 78 SQLs of 310 leads. Lost: (78/310 - 2/100) x 100, x 25% x 10,000.
    lost = (Decimal(78) / 310 - Decimal("0.02")) * 100
    expected = (Decimal(str(round(float(lost) * 0.25, 6))) * ARR).quantize(Decimal("0.01"))
    assert found[0].at_stake == expected


def test_poor_onboarding_flags_the_segment_with_many_stalls(wh: Warehouse, ctx: Context) -> None:
    accounts, onb = [], []
    handoff = datetime(2025, 3, 1, tzinfo=UTC)
    for segment, n, stalled in (("smb", 60, 3), ("mid_market", 30, 15), ("enterprise", 6, 1)):
        for k in range(n):
            i = len(accounts)
            accounts.append(
                {"account_id": f"acc_{i}", "name": f"A{i}", "segment": segment, "region": "emea"}
            )
            live = k >= stalled
            onb.append(
                {
                    "onboarding_id": f"onb_{i}",
                    "account_id": f"acc_{i}",
                    "handoff_at": handoff,
                    "kickoff_at": handoff + timedelta(days=4),
                    "go_live_at": handoff + timedelta(days=30) if live else None,
                    "status": "live" if live else "stalled",
                }
            )
    insert(wh, "accounts", accounts)
    insert(wh, "onboarding", onb)
    found = onboarding.poor_onboarding(ctx)
    assert [f.subject for f in found] == [{"segment": "mid_market"}]
    assert found[0].owner == "customer_success"
    # 15/30 failed vs 4/66 elsewhere: (0.5 - 4/66) x 30 excess failures x 10,000.
    excess = (0.5 - 4 / 66) * 30
    assert found[0].at_stake == (Decimal(str(round(excess, 6))) * ARR).quantize(Decimal("0.01"))
    assert len(found[0].drill.rows(wh)) == 30


def _months(**columns: list[float]) -> pd.DataFrame:
    index = [f"{2024 + i // 12}-{i % 12 + 1:02d}" for i in range(24)]
    return pd.DataFrame(columns, index=index)


def _alternate(a: float, b: float, spread: float = 1.0) -> list[float]:
    return [a + (spread if i % 2 else -spread) for i in range(12)] + [
        b + (spread if i % 2 else -spread) for i in range(12)
    ]


def test_bookings_plateau_while_spend_rises(ctx: Context) -> None:
    flat = _months(sm_spend=_alternate(100, 130), new_arr=_alternate(50, 50))
    f = trends._plateau(ctx, flat)
    assert f is not None and f.owner == "revops"
    # Spend 1,560 in the last 12 months vs 1,200 before; bookings flat: 360 bought nothing.
    assert f.at_stake == Decimal("360.00")
    growing = _months(sm_spend=_alternate(100, 130), new_arr=_alternate(50, 70))
    assert trends._plateau(ctx, growing) is None


def test_high_churn_despite_strong_bookings(ctx: Context) -> None:
    t = _months(
        new_arr=_alternate(100, 130),
        grr_t12m=[float("nan")] * 12 + [0.80] * 11 + [0.75],
        mrr=[1000.0] * 24,
    )
    f = trends._churn(ctx, t)
    assert f is not None and f.owner == "customer_success"
    assert f.at_stake == Decimal("1800.00")  # (90% - 75%) x 12,000 ARR a year ago
    healthy = t.assign(grr_t12m=[float("nan")] * 12 + [0.92] * 12)
    assert trends._churn(ctx, healthy) is None


def test_new_business_up_while_retention_falls(ctx: Context) -> None:
    grr = [0.98 + (0.002 if i % 2 else -0.002) for i in range(18)]
    grr += [0.94 + (0.002 if i % 2 else -0.002) for i in range(6)]
    new = [10.0 + (0.5 if i % 2 else -0.5) for i in range(18)] + [14.0, 15, 14, 15, 14, 15]
    t = _months(new_mrr=new, grr=grr, mrr=[1000.0] * 24)
    f = trends._retention(ctx, t)
    assert f is not None and f.owner == "customer_success"
    assert f.at_stake == Decimal("480.00")  # 4-point fall x 1,000 MRR x 12
    steady = t.assign(grr=[0.98 + (0.002 if i % 2 else -0.002) for i in range(24)])
    assert trends._retention(ctx, steady) is None


def test_fisher_matches_the_hand_computed_hypergeometric() -> None:
    # 5 of 5 in group a, 0 of 5 elsewhere: one-sided p = 1 / C(10, 5) = 1/252, two groups
    # tested (Bonferroni x 2).
    frame = pd.DataFrame({"g": ["a"] * 5 + ["b"] * 5, "hit": [True] * 5 + [False] * 5})
    tests = {t.group: t for t in compare_groups(frame, "g", "hit", "greater")}
    assert tests["a"].p_value == pytest.approx(2 / 252)
    assert tests["b"].p_value == pytest.approx(1.0)


def _finding(stake: str | None, confidence: float, name: str) -> Finding:
    return Finding(
        name,
        name,
        "revops",
        "RevOps",
        None if stake is None else Decimal(stake),
        "",
        "",
        confidence,
        (),
        Drill("leads"),
    )


def test_rank_weighs_revenue_by_confidence_and_puts_unpriced_last() -> None:
    found = [
        _finding(None, 0.9, "unpriced"),
        _finding("100", 0.5, "rule"),
        _finding("80", 1.0, "tested"),
        _finding("10", 1.0, "small"),
    ]
    assert [f.detector for f in rank(found)] == ["tested", "rule", "small", "unpriced"]


def test_drill_describes_and_runs_its_filter(wh: Warehouse) -> None:
    insert(wh, "leads", [_lead(0, "emea", False, True), _lead(1, "apac", True, False)])
    drill = Drill("leads", (("region", "=", "emea"), ("sal_at", "not_null", None)))
    assert drill.describe() == "leads where region = 'emea' and sal_at not null"
    assert list(drill.rows(wh)["lead_id"]) == ["led_0"]


def test_a_warehouse_without_finance_or_deals_is_dated_by_its_activity(wh: Warehouse) -> None:
    from revline.model.data_end import data_end, latest_activity

    assert latest_activity(wh.ibis) is None
    insert(wh, "leads", [_lead(0, "emea", False, True)])
    assert latest_activity(wh.ibis) == CREATED.date()
    assert data_end(wh.ibis) == CREATED.date()  # the one default as-of, dated by activity
    assert Context.build(wh).period.label == "2025-Q1"  # the last quarter ended by 2025-06-02


def test_every_activity_column_is_a_canonical_column() -> None:
    """A misspelt column would silently leave its table out of dating the warehouse."""
    from revline.model.data_end import ACTIVITY
    from revline.schema import get_table

    for table, column in ACTIVITY:
        assert column in [c.name for c in get_table(table).columns], (table, column)


@pytest.mark.parametrize("name", DETECTORS.names())
def test_every_registered_detector_is_quiet_on_an_empty_warehouse(name: str, ctx: Context) -> None:
    """The detector contract, over the registry: a detector with no data to judge returns no
    findings (a list) rather than failing; a detector registered later is checked here too."""
    found = DETECTORS.get(name)(ctx)
    assert isinstance(found, list)
    assert all(isinstance(f, Finding) for f in found)
    assert [f for f in found if f.at_stake] == []
