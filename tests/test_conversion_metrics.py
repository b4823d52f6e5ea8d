"""Conversion-kind metrics (funnel conversions) on a hand-built funnel, as of 2025-03-31.

The rows (all 2025; ``lead -> mql -> sal -> sql -> opportunity -> closed_won -> onboarded``):

- L1 (smb): lead 01-05, mql 01-06, sal 01-07, sql 01-10, converted 01-15 into O1 (new, won
  02-20, account A1); A1 live 03-10 (onboarding B1); A1's renewal O7 won 03-25.
- L2 (smb): lead 01-08, mql 01-09, sal 01-12, sql 01-20, converted 01-25 into O2 (lost 03-01).
- L3 (enterprise): lead 01-10, mql 01-11, disqualified 01-20 (never accepted).
- L4 (enterprise): lead 01-20, disqualified 01-22 (never an MQL).
- L5 (enterprise): lead 02-02, mql 02-03, sql 02-05 (skips sal); its deal O3 (created 02-10, no
  conversion time) won 03-15 (account A3, never live).
- L6 (smb): lead 02-10, mql 02-12, sal 02-14, sql 04-05: after the as-of date, not reached.
- O4: a new deal no lead led to (account A4, enterprise), created 02-01, won 02-28; A4 live
  03-20 (onboarding B4); A4's expansion O8 won 03-25.

Hand count over 2025-Q1 (entered = reached the first stage in Q1; converted = reached the second
stage or a later one by 2025-03-31):

- lead_to_mql: entered L1-L6 (6; O4 has no lead); converted L1, L2, L3, L5, L6 -> 5/6.
  January L1-L4 -> 3/4; February L5, L6 -> 2/2.
- mql_to_sal: entered L1, L2, L3, L5, L6; converted L1, L2, L6 and L5 (its sql is later) -> 4/5.
  By segment: smb L1, L2, L6 -> 3/3; enterprise L3 no, L5 yes -> 1/2.
- sal_to_sql: entered L1, L2, L6 (L5 skipped sal); L6's sql is after the as-of date -> 2/3.
- sql_to_opportunity: entered L1, L2, L5 (L6's sql is after the as-of date) -> 3/3.
- opportunity_to_closed_won: entered L1 (01-15), L2 (01-25), L5 (02-10), O4 (02-01); won L1,
  L5, O4 -> 3/4; January 1/2, February 2/2; enterprise (L5, O4) 2/2, smb (L1, L2) 1/2.
- closed_won_to_onboarded: entered L1 (02-20), O4 (02-28), L5 (03-15); live L1, O4 -> 2/3;
  February 2/2, March 0/1.
- onboarded_to_renewed: entered L1, O4 (March); renewed L1 -> 1/2.
- onboarded_to_expanded: entered L1, O4; expanded O4 -> 1/2.
- sal_to_closed_won: entered L1, L2, L6; won L1 -> 1/3.
- sql_to_closed_won: entered L1, L2, L5; won L1, L5 -> 2/3.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from fixtures.gtm.funnel import TABLES
from fixtures.mrr.rows import load
from revline.analyses.seams import flow
from revline.analyses.seams.funnel import cached_journeys
from revline.metrics import REGISTRY, compute_many
from revline.metrics.conversion import METRICS, end_of
from revline.metrics.gtm_frame import GtmSettings
from revline.metrics.kinds import Conversion
from revline.org import load_org
from revline.warehouse import Warehouse

AS_OF = date(2025, 3, 31)
SETTINGS = GtmSettings(as_of=AS_OF)


Q1 = {
    "lead_to_mql_rate": 5 / 6,
    "mql_to_sal_rate": 4 / 5,
    "sal_to_sql_rate": 2 / 3,
    "sql_to_opportunity_rate": 3 / 3,
    "opportunity_to_closed_won_rate": 3 / 4,
    "closed_won_to_onboarded_rate": 2 / 3,
    "onboarded_to_renewed_rate": 1 / 2,
    "onboarded_to_expanded_rate": 1 / 2,
    "sal_to_closed_won_rate": 1 / 3,
    "sql_to_closed_won_rate": 2 / 3,
}


@pytest.fixture(scope="module")
def funnel(tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    wh = Warehouse.create(tmp_path_factory.mktemp("conversion") / "funnel.duckdb")
    load(wh, TABLES)
    return wh


def _values(frame: pd.DataFrame, key: str = "period") -> dict[str, float | None]:
    return {
        str(k): None if pd.isna(v) else float(v)
        for k, v in zip(frame[key], frame["value"], strict=True)
    }


def test_funnel_conversions_of_the_quarter(funnel: Warehouse) -> None:
    got = compute_many(list(Q1), "2025-Q1", warehouse=funnel, settings=SETTINGS)
    assert {name: _values(frame)["2025-Q1"] for name, frame in got.items()} == pytest.approx(Q1)


def test_conversions_by_month_segment_and_filter(funnel: Warehouse) -> None:
    names = ["lead_to_mql_rate", "opportunity_to_closed_won_rate", "closed_won_to_onboarded_rate"]
    months = compute_many(names, "month", warehouse=funnel, settings=SETTINGS)
    assert _values(months["lead_to_mql_rate"]) == {
        "2025-01": 3 / 4,
        "2025-02": 2 / 2,
        "2025-03": None,
    }
    assert _values(months["opportunity_to_closed_won_rate"])["2025-01"] == 1 / 2
    assert _values(months["opportunity_to_closed_won_rate"])["2025-02"] == 2 / 2
    assert _values(months["closed_won_to_onboarded_rate"]) == {
        "2025-01": None,
        "2025-02": 2 / 2,
        "2025-03": 0 / 1,
    }
    seg = compute_many(
        ["mql_to_sal_rate"], "2025-Q1", "segment", warehouse=funnel, settings=SETTINGS
    )
    assert _values(seg["mql_to_sal_rate"], "segment") == {"enterprise": 1 / 2, "smb": 3 / 3}
    for segment, want in (("enterprise", 2 / 2), ("smb", 1 / 2)):
        one = compute_many(
            ["opportunity_to_closed_won_rate"],
            "2025-Q1",
            warehouse=funnel,
            settings=SETTINGS,
            filters={"segment": segment},
        )
        assert _values(one["opportunity_to_closed_won_rate"])["2025-Q1"] == want


def test_stages_after_the_as_of_date_do_not_count(funnel: Warehouse) -> None:
    """As of 2025-04-30, L6's sql (04-05) has happened: sal_to_sql becomes 3/3."""
    later = GtmSettings(as_of=date(2025, 4, 30))
    got = compute_many(["sal_to_sql_rate"], "2025-Q1", warehouse=funnel, settings=later)
    assert _values(got["sal_to_sql_rate"])["2025-Q1"] == 3 / 3


def test_hand_off_metrics_are_owned_as_the_org_map_owns_the_seams() -> None:
    org = load_org()
    for metric in METRICS:
        assert isinstance(metric.kind, Conversion)
        handoff = f"{metric.kind.from_stage}_to_{metric.kind.to_stage}"
        assert metric.name == f"{handoff}_rate"
        if handoff in org.handoffs:
            owner = org.handoff_owner(handoff)
            assert owner is not None and metric.owner == owner.function, metric.name


def test_seams_conversion_equals_the_metrics(funnel: Warehouse) -> None:
    """Every hand-off the seams measure, overall and per entry-month cohort, is the registry's
    conversion metric (entered and converted summed over the months for the whole flow)."""
    org = load_org()
    names = [f"{h}_rate" for h in org.handoffs]
    months = compute_many(names, "month", warehouse=funnel, settings=SETTINGS)
    quarter = compute_many(names, "2025-Q1", warehouse=funnel, settings=SETTINGS)
    when = end_of(AS_OF)
    with cached_journeys(funnel, when) as journeys:
        for name in names:
            kind = REGISTRY[name].kind
            assert isinstance(kind, Conversion)
            (stats,) = flow(
                funnel, kind.from_stage, kind.to_stage, as_of=when, journey_table=journeys
            )
            by_month = _values(months[name])
            cohorts = {c.month.strftime("%Y-%m"): c.conversion for c in stats.cohorts}
            assert cohorts == {m: v for m, v in by_month.items() if v is not None}, name
            assert stats.conversion == pytest.approx(_values(quarter[name])["2025-Q1"]), name
