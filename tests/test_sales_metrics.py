"""Sales metrics on the hand-built company of tests/fixtures/gtm/company.py (2025-Q2).

Deals closed in Q2 (renewal o7 excluded): o1 won 10,000 (created 03-02, closed 04-01: 30 days),
o2 won 20,000 (04-01 to 05-11: 40 days, partner-sourced), o3 lost 5,000, o4 lost 8,000.
Open at the end of June: o5 (30,000, due 06-20) and o6 (12,000, due 08-15).
Amounts are in USD after conversion: o2 is 16,000 EUR, o8 4,800 GBP and e6's Q2 quota
16,000 EUR (the rates are in the fixture's docstring).
"""

from __future__ import annotations

import pandas as pd
import pytest

from fixtures.gtm.company import AS_OF, build, tables
from fixtures.mrr.rows import load
from revline.errors import ConfigError, RevlineError
from revline.metrics import compute_many
from revline.metrics.gtm_frame import GtmSettings
from revline.warehouse import Warehouse

Q2 = "2025-Q2"
COMPANY = [
    "win_rate",
    "sales_cycle_days",
    "sales_cycle_p25_days",
    "sales_cycle_p75_days",
    "sales_cycle_p90_days",
    "avg_deal_size",
    "bookings",
    "deals_per_rep",
    "quota_attainment",
    "reps_at_quota_share",
    "pipeline_velocity",
    "pipeline_coverage",
    "pipeline_created",
    "pipeline_per_marketing_dollar",
    "pipeline_per_sdr",
]


@pytest.fixture(scope="module")
def company(tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    return build(Warehouse.create(tmp_path_factory.mktemp("sales") / "sales.duckdb"))


@pytest.fixture(scope="module")
def q2(company: Warehouse) -> dict[str, float]:
    out = compute_many(COMPANY, Q2, warehouse=company, settings=GtmSettings(as_of=AS_OF))
    return {name: float(frame["value"].iloc[0]) for name, frame in out.items()}


def split(wh: Warehouse, name: str, by: str) -> dict[str, float]:
    frame: pd.DataFrame = compute_many(
        [name], Q2, by, warehouse=wh, settings=GtmSettings(as_of=AS_OF)
    )[name]
    return {str(k): float(v) for k, v in zip(frame[by], frame["value"], strict=True)}


def test_win_rate_cycle_and_deal_size(q2: dict[str, float]) -> None:
    assert q2["win_rate"] == 0.5  # 2 won / 4 closed
    assert q2["sales_cycle_days"] == 35  # median of 30 and 40
    assert q2["sales_cycle_p25_days"] == 32.5  # 30 + 0.25 x (40 - 30), linear interpolation
    assert q2["sales_cycle_p75_days"] == 37.5  # 30 + 0.75 x (40 - 30)
    assert q2["sales_cycle_p90_days"] == 39  # 30 + 0.90 x (40 - 30)
    assert q2["avg_deal_size"] == 15_000  # (10,000 + 20,000) / 2
    assert q2["bookings"] == 30_000


def test_deal_counts(company: Warehouse) -> None:
    got = compute_many(
        ["deals_won", "deals_closed"], Q2, warehouse=company, settings=GtmSettings(as_of=AS_OF)
    )
    assert got["deals_won"]["value"].tolist() == [2]  # o1, o2 (renewal o7 excluded)
    assert got["deals_closed"]["value"].tolist() == [4]  # o1, o2 won; o3, o4 lost
    # the win rate is their ratio, and the report's deals won (bookings / average deal size
    # before issue 12) is the same figure
    owners = split(company, "deals_won", "owner")
    assert sum(owners.values()) == 2
    q2 = compute_many(
        ["bookings", "avg_deal_size", "win_rate"],
        Q2,
        warehouse=company,
        settings=GtmSettings(as_of=AS_OF),
    )
    bookings, size = (float(q2[n]["value"].iloc[0]) for n in ("bookings", "avg_deal_size"))
    assert got["deals_won"]["value"].iloc[0] == round(bookings / size) == 2
    assert float(q2["win_rate"]["value"].iloc[0]) == 2 / 4
    # by deal type: every Q2 deal is new business (the renewal o7 is left out, not a type)
    assert split(company, "deals_closed", "deal_type") == {"new": 4.0}
    new = compute_many(
        ["win_rate", "deals_won"],
        Q2,
        warehouse=company,
        settings=GtmSettings(as_of=AS_OF),
        filters={"deal_type": "new"},
    )
    assert float(new["win_rate"]["value"].iloc[0]) == 2 / 4
    none = compute_many(
        ["deals_won"],
        Q2,
        warehouse=company,
        settings=GtmSettings(as_of=AS_OF),
        filters={"deal_type": "expansion"},
    )
    assert none["deals_won"]["value"].tolist() == [0]


def test_reps_and_quota(q2: dict[str, float]) -> None:
    # sales employees in post on 2025-06-30: e1, e6 (e4 left in May, e5 starts in July)
    assert q2["deals_per_rep"] == 1.0  # 2 won / 2 reps
    # e1 won 30,000 on a 25,000 quota (1.2), e6 won 0 on 20,000: 30,000 / 45,000
    assert q2["quota_attainment"] == pytest.approx(30_000 / 45_000)
    assert q2["reps_at_quota_share"] == 0.5


@pytest.mark.parametrize(
    ("period", "attainment", "at_quota"),
    [
        # February: e6's monthly quota 2,000 against o8 6,000 (e1 has no February quota)
        ("2025-02", 6_000 / 2_000, 1.0),
        # Q1: e6's three monthly quotas 6,000 against 6,000
        ("2025-Q1", 6_000 / 6_000, 1.0),
        # 2025 (to June): e6 quotas 2,000 x 3 + 20,000 = 26,000, won 6,000; e1 25,000, won
        # 30,000: 36,000 / 51,000 (not a year's bookings over one quarter's quota, 36,000 / 45,000)
        ("2025", 36_000 / 51_000, 0.5),
    ],
)
def test_quota_over_month_quarter_and_year(
    company: Warehouse, period: str, attainment: float, at_quota: float
) -> None:
    frames = compute_many(
        ["quota_attainment", "reps_at_quota_share"],
        period,
        warehouse=company,
        settings=GtmSettings(as_of=AS_OF),
    )
    assert frames["quota_attainment"].value.iloc[0] == pytest.approx(attainment)
    assert frames["reps_at_quota_share"].value.iloc[0] == pytest.approx(at_quota)


def test_pipeline_velocity_and_coverage(q2: dict[str, float]) -> None:
    # 2 open deals x 0.5 x 15,000 / 35 days
    assert q2["pipeline_velocity"] == pytest.approx(2 * 0.5 * 15_000 / 35, abs=0.005)
    # as of June (inside Q2): open at the start of June and due in June: o5 30,000 and o4
    # (closed lost on 06-01, still open when June began) 8,000 = 38,000; target 50,000 less
    # 30,000 won in April-May = 20,000 -> 1.9
    assert q2["pipeline_coverage"] == pytest.approx(1.9)


def test_pipeline_created_per_marketing_dollar_and_sdr(q2: dict[str, float]) -> None:
    # created in Q2, renewals excluded: o2 20,000 + o3 5,000 + o4 8,000 + o5 30,000 + o6 12,000
    assert q2["pipeline_created"] == 75_000
    # marketing-sourced o4 + o6 = 20,000 / marketing cost (programs 2,000 + May spend 2,000)
    assert q2["pipeline_per_marketing_dollar"] == 5.0
    # SDR-sourced o3 + o5 = 35,000 / 1 SDR (e2)
    assert q2["pipeline_per_sdr"] == 35_000


def test_breakdowns(company: Warehouse) -> None:
    assert split(company, "win_rate", "competitor") == {"(none)": 0.0, "X": 0.5, "Y": 1.0}
    assert split(company, "win_rate", "partner") == {"direct": 1 / 3, "partner": 1.0}
    assert split(company, "win_rate", "owner") == {"e1": 1.0, "e6": 0.0}
    assert split(company, "win_rate", "manager") == {"e9": 0.5}
    assert split(company, "win_rate", "team") == {"east": 0.0, "west": 1.0}
    # o1 (a1) and o2 (a2) have accounts; o3, o4 do not
    assert split(company, "win_rate", "segment") == {
        "(none)": 0.0,
        "enterprise": 1.0,
        "smb": 1.0,
    }
    # 5,000 to 24,999 is the 5k-25k band: all four closed deals (10,000, 20,000, 5,000, 8,000)
    assert split(company, "win_rate", "deal_size") == {"5k-25k": 0.5}
    assert split(company, "quota_attainment", "owner") == {"e1": 1.2, "e6": 0.0}
    assert split(company, "bookings", "partner") == {"direct": 10_000, "partner": 20_000}


def test_unsupported_breakdown(company: Warehouse) -> None:
    with pytest.raises(ConfigError, match="deals_per_rep"):
        compute_many(["deals_per_rep"], Q2, "owner", warehouse=company)


def test_other_currencies_convert_at_the_rate_of_their_month(company: Warehouse) -> None:
    # Issue 12: amounts in EUR and GBP were added unconverted. Bookings 2025-Q1: o8 4,800 GBP,
    # closed 2025-02-19, at USD -> GBP 0.80 (quoted the other way round) = 6,000 USD;
    # 2025-Q2: o1 10,000 USD + o2 16,000 EUR closed in May at 1.25 = 30,000.
    out = compute_many(
        ["bookings"], "quarter", warehouse=company, settings=GtmSettings(as_of=AS_OF)
    )
    bookings = dict(zip(out["bookings"]["period"], out["bookings"]["value"], strict=True))
    assert bookings["2025-Q1"] == 6_000
    assert bookings["2025-Q2"] == 30_000
    # e6's Q2 quota, 16,000 EUR from April (1.25) = 20,000 USD; e6 won nothing in Q2, e1 won
    # o1 + o2 = 30,000 against 25,000 USD
    assert split(company, "quota_attainment", "owner") == pytest.approx({"e1": 1.2, "e6": 0.0})


def test_an_amount_without_a_rate_is_refused_with_its_rows(wh: Warehouse) -> None:
    rows = tables()
    rows["opportunities"] += [
        {**rows["opportunities"][0], "opportunity_id": oid, "currency": "CHF"}
        for oid in ("c1", "c2")
    ]
    load(wh, rows)
    with pytest.raises(
        RevlineError, match=r"No exchange rate into USD .*2 opportunities rows in CHF \(c1, c2\)"
    ):
        compute_many(["bookings"], Q2, warehouse=wh, settings=GtmSettings(as_of=AS_OF))
    # a figure that does not read the deals is not held up by them
    spend = compute_many(["sm_spend"], Q2, warehouse=wh, settings=GtmSettings(as_of=AS_OF))
    assert spend["sm_spend"]["value"].tolist() == [34_000]
