"""The scorecard: status rules, targets and owners on the hand-built company (2025-Q2), and
`revline scorecard` on a synthetic company (sane numbers, table and JSON)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import CliRunnerFn
from fixtures.gtm.company import AS_OF, build
from revline.metrics.gtm_frame import GtmSettings
from revline.model.periods import parse_period
from revline.scorecard import HEADLINES, Headline, _status, last_full_quarter, prior_period
from revline.synth import generate
from revline.warehouse import Warehouse


@pytest.fixture(scope="module")
def company(tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    return build(Warehouse.create(tmp_path_factory.mktemp("card") / "card.duckdb"))


def test_status_rules() -> None:
    payback = next(h for h in HEADLINES if h.metric == "cac_payback_months")
    assert _status(payback, 10, None)[0] == "green"  # < 12 months
    assert _status(payback, 18, None)[0] == "amber"
    assert _status(payback, 30, None)[0] == "red"
    ltv = next(h for h in HEADLINES if h.metric == "ltv_cac")
    assert [_status(ltv, v, None)[0] for v in (4, 6, 2.5, 1)] == ["green", "amber", "amber", "red"]
    ratio = next(h for h in HEADLINES if h.metric == "cac_ratio")
    assert [_status(ratio, v, None)[0] for v in (1.2, 0.7, 0.4)] == ["green", "amber", "red"]
    # the worse of benchmark and target: a green benchmark with 85% attainment is red
    assert _status(ratio, 1.2, 0.85) == ("red", "target red (of 2 checks)")
    assert _status(Headline("arr", "ARR"), 5.0, 0.95) == ("amber", "target amber")
    assert _status(Headline("arr", "ARR"), 5.0, None)[0] == "n/a"
    assert _status(ratio, None, None)[0] == "n/a"


def test_periods() -> None:
    assert prior_period(parse_period("2025-Q1")) == "2024-Q4"
    assert prior_period(parse_period("2025-07")) == "2025-06"
    assert prior_period(parse_period("2025")) == "2024"
    assert last_full_quarter(AS_OF) == "2025-Q2"
    assert last_full_quarter(AS_OF.replace(day=29)) == "2025-Q1"


def test_scorecard_on_the_hand_built_company(company: Warehouse) -> None:
    from revline.scorecard import scorecard

    card = scorecard(company, "2025-Q2", GtmSettings(as_of=AS_OF))
    lines = {(line.metric, line.label): line for line in card.lines}
    assert card.prior_period == "2025-Q1" and card.profit_margin_basis == "ebitda"
    new_arr = lines[("new_arr", "New ARR")]
    # new ARR 18,000 against the 50,000 target of tests/fixtures/gtm/company.py
    assert new_arr.value == 18_000 and new_arr.target == 50_000
    assert new_arr.attainment == pytest.approx(0.36)
    assert new_arr.status == "red" and new_arr.owner == "Sales (CRO)"
    # CAC: lower is better, so attainment is target / value = 10,000 / 11,333.33
    cac = lines[("cac", "CAC (fully loaded)")]
    assert cac.attainment == pytest.approx(10_000 / 11_333.33)
    payback = lines[("cac_payback_months", "CAC payback")]
    assert payback.value == pytest.approx(28.333, abs=0.001) and payback.status == "red"
    assert payback.benchmark == "< 12 months" and payback.source
    win = lines[("win_rate", "Win rate")]
    assert win.value == 0.5 and win.status == "green" and win.prior == 1.0  # o8 won in Q1
    assert win.change == -0.5


def test_owners_follow_the_org_map(
    company: Warehouse, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from revline.org import default_org_path
    from revline.scorecard import scorecard

    text = default_org_path().read_text().replace("metrics: {}", "metrics: {win_rate: revops}")
    text = text.replace("org_model: full_cro", "org_model: cmo_beside_cro")
    org = tmp_path / "org.yaml"
    org.write_text(text)
    monkeypatch.setenv("REVLINE_ORG", str(org))
    card = scorecard(company, "2025-Q2", GtmSettings(as_of=AS_OF))
    owners = {line.metric: line.owner for line in card.lines}
    assert owners["win_rate"] == "RevOps (CRO)"
    assert owners["new_arr"] == "Sales (CRO)"


@pytest.mark.slow
def test_cli_on_a_synthetic_company(tmp_path: Path, revline_cli: CliRunnerFn) -> None:
    path = tmp_path / "synth.duckdb"
    with Warehouse.create(path) as wh:
        generate(wh, accounts=3000, months=24, seed=3)
    result = revline_cli("scorecard", "-w", str(path), "--format", "json")
    assert result.exit_code == 0, result.output
    card = json.loads(result.stdout)
    assert card["period"] == "2025-Q4" and card["prior_period"] == "2025-Q3"
    lines = {(line["metric"], line["label"]): line for line in card["lines"]}
    # sane ranges for a growing B2B SaaS company
    assert 0.5 < lines[("nrr", "NRR")]["value"] < 1.5
    assert 0.5 < lines[("grr", "GRR")]["value"] <= 1.0
    assert 0 < lines[("win_rate", "Win rate")]["value"] < 1
    assert 0 < lines[("cac_payback_months", "CAC payback")]["value"] < 120
    assert Decimal(lines[("new_arr", "New ARR")]["target"]) > 0  # money: an exact string
    assert all(line["status"] in ("green", "amber", "red", "n/a") for line in card["lines"])
    assert all(line["owner"] for line in card["lines"])
    table = revline_cli("scorecard", "-w", str(path), "--period", "2025-Q3")
    assert table.exit_code == 0, table.output
    assert (
        "Scorecard 2025-Q3 (vs 2025-Q2" in table.stdout
        and "Rule of 40 margin: ebitda" in table.stdout
    )
    bad = revline_cli("scorecard", "-w", str(path), "--format", "yaml")
    assert bad.exit_code == 2 and "format" in bad.stderr
