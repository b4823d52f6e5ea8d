"""``revline demo``: a synthetic company and its summary, read back from the warehouse."""

from __future__ import annotations

from pathlib import Path

from conftest import CliRunnerFn
from revline.demo import build_demo
from revline.warehouse import Warehouse


def test_demo_builds_a_company_and_summarises_it(tmp_path: Path) -> None:
    summary = build_demo(tmp_path / "demo", accounts=800, months=12, seed=3)
    assert summary.table_rows["accounts"] == 800
    assert sum(summary.accounts_by_segment.values()) == 800
    assert set(summary.accounts_by_segment) <= {"enterprise", "mid_market", "smb"}
    with Warehouse.open(summary.warehouse) as wh:
        assert sum(summary.opportunities_by_outcome.values()) == wh.count("opportunities")
        assert sum(summary.leads_by_stage.values()) == wh.count("leads")
    assert 0 < summary.subscriptions_running <= summary.table_rows["subscriptions"]


def test_demo_rebuilds_instead_of_adding(tmp_path: Path) -> None:
    first = build_demo(tmp_path, accounts=300, months=6, seed=1)
    second = build_demo(tmp_path, accounts=300, months=6, seed=1)
    assert first.table_rows == second.table_rows


def test_demo_command(tmp_path: Path, revline_cli: CliRunnerFn) -> None:
    result = revline_cli("demo", "--dir", str(tmp_path), "--accounts", "500", "--months", "6")
    assert result.exit_code == 0, result.output
    assert "Synthetic company" in result.stdout and "accounts: smb" in result.stdout
    assert (tmp_path / "revline.duckdb").exists()
    refused = revline_cli("demo", "--dir", str(tmp_path), "--months", "0")
    assert refused.exit_code == 2 and "Traceback" not in refused.output
