"""``revline demo``: a synthetic company and its summary, read back from the warehouse."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import CliRunnerFn
from revline.demo import build_demo
from revline.warehouse import Warehouse
from revline.web.users import UserStore, users_path


def test_demo_builds_a_company_and_summarises_it(tmp_path: Path) -> None:
    summary = build_demo(tmp_path / "demo", accounts=800, months=12, seed=3)
    # 800 accounts arrive in the window; the opening book's customers come on top.
    assert summary.table_rows["accounts"] > 800
    assert sum(summary.accounts_by_segment.values()) == summary.table_rows["accounts"]
    assert set(summary.accounts_by_segment) <= {"enterprise", "mid_market", "smb"}
    with Warehouse.open(summary.warehouse) as wh:
        assert sum(summary.opportunities_by_outcome.values()) == wh.count("opportunities")
        assert sum(summary.leads_by_stage.values()) == wh.count("leads")
    assert 0 < summary.subscriptions_running <= summary.table_rows["subscriptions"]


def test_demo_headline_comes_from_the_metric_registry(tmp_path: Path) -> None:
    from datetime import date

    from revline.metrics import compute
    from revline.settings import MetricSettings

    summary = build_demo(tmp_path, accounts=1500, months=12, seed=5)
    assert summary.quarter == "2025-Q4"  # the synthetic history ends on 2025-12-31
    settings = MetricSettings(as_of=date(2025, 12, 31))
    for name in ("mrr", "nrr", "customers"):
        expected = compute(name, "2025-Q4", warehouse=summary.warehouse, settings=settings)
        assert summary.headline[name] == expected["value"].iloc[0]
    assert sum(summary.mrr_by_segment.values()) == summary.headline["mrr"]
    assert summary.headline["arr"] == summary.headline["mrr"] * 12
    assert 0 < summary.headline["grr"] <= 1  # type: ignore[operator]


def test_demo_rebuilds_instead_of_adding(tmp_path: Path) -> None:
    first = build_demo(tmp_path, accounts=300, months=6, seed=1)
    second = build_demo(tmp_path, accounts=300, months=6, seed=1)
    assert first.table_rows == second.table_rows


def test_demo_command(tmp_path: Path, revline_cli: CliRunnerFn) -> None:
    result = revline_cli("demo", "--dir", str(tmp_path), "--accounts", "500", "--months", "6")
    assert result.exit_code == 0, result.output
    assert "Synthetic company" in result.stdout and "accounts: smb" in result.stdout
    assert (tmp_path / "revline.duckdb").exists()
    # The demo ends with the board report, a working sign-in and how to open the dashboard.
    reports = list((tmp_path / "report").glob("board-*.html"))
    assert len(reports) == 1 and "<svg" in reports[0].read_text(encoding="utf-8")
    match = re.search(r"user (\w+), password (\S+)", result.stdout)
    assert match, result.stdout
    store = UserStore(users_path(tmp_path / "revline.duckdb"))
    assert store.authenticate(match[1], match[2]) is not None
    assert store.authenticate(match[1], "not-the-password") is None
    assert "revline serve -w" in result.stdout
    refused = revline_cli("demo", "--dir", str(tmp_path), "--months", "0")
    assert refused.exit_code == 2 and "Traceback" not in refused.output
