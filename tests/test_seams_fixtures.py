"""Hand-computed seams fixtures: skipped stages, out-of-order timestamps, still-open cohorts, SLAs.

Each scenario in tests/fixtures/seams/*.yaml holds its rows, the moment it is judged at, the
expected figures, and a comment with the arithmetic. Skips and out-of-order stages are compared
as complete sets: every anomaly revline reports must be expected, and every expected one found.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from fixtures.mrr.rows import load
from revline.analyses.seams import evaluate_slas, flow, lifecycle_report, out_of_order, skips
from revline.analyses.seams.funnel import cached_journeys
from revline.analyses.seams.sla_config import parse_slas
from revline.warehouse import Warehouse

HERE = Path(__file__).parent / "fixtures" / "seams"
FLOW_FILES = ["01_skipped_stages.yaml", "02_out_of_order.yaml", "03_open_cohorts.yaml"]


def _scenario(name: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((HERE / name).read_text(encoding="utf-8"))
    return data


def _as_of(value: Any) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


@pytest.fixture
def memory_wh() -> Iterator[Warehouse]:
    wh = Warehouse.create(":memory:")
    yield wh
    wh.close()


@pytest.mark.parametrize("name", FLOW_FILES)
def test_anomalies_are_exactly_the_expected_ones(memory_wh: Warehouse, name: str) -> None:
    s = _scenario(name)
    load(memory_wh, s["tables"])
    with cached_journeys(memory_wh) as journeys:
        found = skips(memory_wh, journeys).to_pandas()
        early = out_of_order(memory_wh, journeys).to_pandas()
    got = {
        (r.journey_id, r.previous_stage, r.stage, r.first_missing, r.last_missing)
        for r in found.itertuples()
    }
    want = {
        (e["journey"], e["previous_stage"], e["stage"], e["first_missing"], e["last_missing"])
        for e in s["expect"]["skips"]
    }
    assert got == want
    got_early = {
        (r.journey_id, r.previous_stage, r.stage): r.days_early for r in early.itertuples()
    }
    want_early = {
        (e["journey"], e["previous_stage"], e["stage"]): e["days_early"]
        for e in s["expect"]["out_of_order"]
    }
    assert set(got_early) == set(want_early)
    for key, days in want_early.items():
        assert got_early[key] == pytest.approx(days, abs=1e-9)
    report = lifecycle_report(memory_wh)
    assert report.skipped == len(want)
    assert report.misordered == len(want_early)


@pytest.mark.parametrize("name", FLOW_FILES)
def test_flows_match_the_hand_computed_figures(memory_wh: Warehouse, name: str) -> None:
    s = _scenario(name)
    load(memory_wh, s["tables"])
    when = _as_of(s["as_of"])
    with cached_journeys(memory_wh, when) as journeys:
        stats = [
            flow(memory_wh, e["from"], e["to"], as_of=when, journey_table=journeys)
            for e in s["expect"]["flows"]
        ]
    for e, (f,) in zip(s["expect"]["flows"], stats, strict=True):
        where = f"{name} {e['from']}->{e['to']}"
        for key in ("entered", "converted", "lost", "stalled", "open"):
            assert getattr(f, key) == e[key], f"{where}: {key}"
        assert f.time.count == e["timed"], where
        assert f.time.median_days == pytest.approx(e["median_days"], abs=1e-9), where
        for key in ("p75_days", "p90_days"):
            if key in e:
                assert getattr(f.time, key) == pytest.approx(e[key], abs=1e-9), f"{where}: {key}"
        if "buckets" in e:
            assert f.time.buckets == e["buckets"], where
        if "lost_to" in e:
            assert f.lost_to == e["lost_to"], where
        if "cohorts" in e:
            got = [(c.month, c.entered, c.converted, c.lost, c.stalled, c.open) for c in f.cohorts]
            want = [
                (c["month"], c["entered"], c["converted"], c["lost"], c["stalled"], c["open"])
                for c in e["cohorts"]
            ]
            assert got == want, where


def test_recent_cohort_is_not_understated(memory_wh: Warehouse) -> None:
    """March converts 1 of 3 so far, but 1 of 1 decided: open journeys are not losses."""
    s = _scenario("03_open_cohorts.yaml")
    load(memory_wh, s["tables"])
    (f,) = flow(memory_wh, "mql", "sal", as_of=_as_of(s["as_of"]))
    march = f.cohorts[-1]
    assert march.month == date(2025, 3, 1)
    assert march.conversion == pytest.approx(1 / 3)
    assert march.closed_conversion == 1.0
    assert march.open == 2


def test_sla_breaches_and_revenue_at_stake(memory_wh: Warehouse) -> None:
    s = _scenario("04_slas.yaml")
    load(memory_wh, s["tables"])
    slas = parse_slas(s["slas"], "04_slas.yaml")
    report = evaluate_slas(memory_wh, slas, as_of=_as_of(s["as_of"]))
    results = {r.name: r for r in report.results}
    assert set(results) == set(s["expect"])
    for name, e in s["expect"].items():
        r = results[name]
        assert r.owner.function == e["owner"], name
        assert (r.measured, r.breaches) == (e["measured"], e["breaches"]), name
        want = None if e["at_stake"] is None else Decimal(e["at_stake"])
        assert r.revenue_at_stake == want, name
        assert list(r.examples) == e["examples"], name
        for rep, (measured, breaches, stake) in e.get("by_rep", {}).items():
            (count,) = [c for c in r.by_rep if c.key == rep]
            assert (count.measured, count.breaches) == (measured, breaches), f"{name} {rep}"
            assert count.revenue_at_stake == Decimal(stake), f"{name} {rep}"
    rows = report.rows
    assert set(rows[rows.breached.astype(bool)].record_id) == {"S3", "S4", "O2", "2025-03"}
