"""``revline diagnose``, the Python API's drill-down, the dashboard page and the data-quality
detector, on one small synthetic company with a junk-lead channel planted."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from conftest import CliRunnerFn
from revline.analyses.diagnose import diagnose, rows
from revline.analyses.diagnose.context import Context
from revline.analyses.diagnose.data_quality import quality_findings
from revline.org import load_org
from revline.synth import generate
from revline.synth.plants import planted_config
from revline.warehouse import Warehouse


@pytest.fixture(scope="module")
def company(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("diagnose") / "company.duckdb"
    with Warehouse.create(path) as wh:
        generate(wh, 1200, 24, seed=4, config=planted_config(["junk_leads:paid_search"]))
    yield path


@pytest.mark.slow
def test_json_lists_ranked_findings_with_owner_stake_and_rows(
    revline_cli: CliRunnerFn, company: Path
) -> None:
    # The full set of detectors runs in test_diagnose_planted.py; here the JSON shape.
    chosen = ["--detector", "lead_quality", "--detector", "poor_onboarding"]
    chosen += ["--detector", "data_quality", "--detector", "trends"]
    result = revline_cli("diagnose", "-w", str(company), "--format", "json", "--top", "5", *chosen)
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["period"] == "2025-Q4" and doc["as_of"] == "2025-12-31"
    found = doc["findings"]
    assert 1 <= len(found) <= 5 and [f["rank"] for f in found] == list(range(1, len(found) + 1))
    functions = set(load_org().functions)
    for f in found:
        assert f["owner"] in functions
        assert f["problem"].endswith(".") and f["method"] and f["drill"]["query"]
        assert f["at_stake"] is None or float(f["at_stake"]) >= 0
    junk = [f for f in found if f["subject"] == {"channel": "paid_search"}]
    assert junk and junk[0]["owner"] == "marketing"


def test_table_shows_evidence_and_rows_for_chosen_detectors(
    revline_cli: CliRunnerFn, company: Path
) -> None:
    args = ["diagnose", "-w", str(company), "--detector", "lead_quality"]
    table = revline_cli(*args)
    assert table.exit_code == 0, table.output
    text = " ".join(table.stdout.split())
    assert "Diagnosis 2025-Q4" in text and "top 1 of 1 findings" in text
    assert "owner: Marketing (CRO)" in text
    assert "rows: leads where channel = 'paid_search'" in text
    bad = revline_cli(*args[:-1], "lead_qualty")
    assert bad.exit_code == 2 and "Did you mean 'lead_quality'" in bad.stderr


def test_bad_period_and_format_are_refused_without_a_trace(
    revline_cli: CliRunnerFn, company: Path
) -> None:
    bad = revline_cli("diagnose", "-w", str(company), "--period", "2025-Q7")
    assert bad.exit_code == 2 and "2025-Q7" in bad.stderr and "Traceback" not in bad.output
    fmt = revline_cli("diagnose", "-w", str(company), "--format", "jsn")
    assert fmt.exit_code == 2 and "Did you mean 'json'" in fmt.stderr


def test_rows_behind_a_finding_and_the_dashboard_page(
    company: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import revline.analyses.diagnose
    from revline.metrics.gtm_frame import GtmSettings
    from revline.web.pages.diagnosis import diagnosis
    from revline.web.registry import Filters, PageContext

    with Warehouse.open(company, read_only=True) as wh:
        result = diagnose(wh, only=["lead_quality", "poor_onboarding"])
        junk = next(f for f in result.findings if f.subject == {"channel": "paid_search"})
        frame = rows(wh, junk)
        assert len(frame) > 0 and set(frame["channel"]) == {"paid_search"}
        # The page lays out what diagnose returns and computes nothing itself.
        monkeypatch.setattr(revline.analyses.diagnose, "diagnose", lambda *a, **k: result)
        ctx = PageContext(
            wh, Filters(), "2025-Q4", GtmSettings(as_of=date(2025, 12, 31)), load_org()
        )
        page = diagnosis(ctx)
    findings = page["tables"][0]
    assert findings["id"] == "findings"
    problems = [r["problem"]["value"] for r in findings["rows"]]
    assert problems == [f.problem for f in result.top(10)]
    stakes = [r["at_stake"]["value"] for r in findings["rows"]]
    assert stakes == [None if f.at_stake is None else str(f.at_stake) for f in result.top(10)]


def test_data_quality_gap_names_the_metrics_it_undermines(tmp_path: Path) -> None:
    with Warehouse.create(tmp_path / "q.duckdb") as wh:
        generate(wh, 200, 8, seed=2)
        wh.con.execute(
            "UPDATE opportunities SET account_id = 'acc_missing' WHERE opportunity_id IN "
            "(SELECT opportunity_id FROM opportunities ORDER BY 1 LIMIT 2)"
        )
        found = quality_findings(Context.build(wh, "2025-Q4"))
    orphans = [f for f in found if "opportunities" in f.subject.get("table", "") + f.problem]
    assert orphans, [f.problem for f in found]
    f = orphans[0]
    assert f.owner == "revops" and f.at_stake is None
    metrics = dict(f.evidence)["metrics reading the rows"].split(", ")
    assert {"win_rate", "bookings", "pipeline_coverage"} <= set(metrics)
    assert "mrr" not in metrics  # reads accounts, not the broken opportunities
