"""Writing the synthetic company to a file (``revline.synth.build``) and its scopes.

``build`` commits chunk by chunk into a partial file renamed over the target at the end (memory
bounded with the company's size): it must write exactly what one transaction writes, and a run
that stops must leave the target as it was. The ``revenue`` scope leaves out the high-volume
behavioural tables; what it keeps must equal the full company's, so its MRR is the full MRR.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

import revline
from conftest import CliRunnerFn
from revline.errors import ConfigError
from revline.metrics.api import compute
from revline.schema import TABLES
from revline.synth import SCOPES, TRUTH_TABLES, SynthConfig, build, generate, success
from revline.warehouse import Warehouse

#: Small chunks, so that a run of 600 accounts commits several times.
CHUNKED = SynthConfig(chunk_size=150)
BILLING = ("accounts", "plans", "subscriptions", "invoices", "fx_rates")


def _prints(path: Path) -> dict[str, str]:
    with Warehouse.open(path, read_only=True) as wh:
        prints = wh.fingerprints()
        prints.update({name: wh.fingerprint(name) for name in TRUTH_TABLES})
        return prints


def test_build_writes_what_one_transaction_writes(tmp_path: Path) -> None:
    with Warehouse.create(tmp_path / "once.duckdb") as wh:
        once = generate(wh, accounts=600, months=12, seed=5, config=CHUNKED)
    result = build(tmp_path / "built.duckdb", accounts=600, months=12, seed=5, config=CHUNKED)
    assert result.rows == once.rows
    assert _prints(tmp_path / "built.duckdb") == _prints(tmp_path / "once.duckdb")
    assert not (tmp_path / "built.duckdb.partial").exists()


def test_a_failed_build_leaves_the_earlier_company(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "wh.duckdb"
    build(target, accounts=200, months=6, seed=3)
    before = _prints(target)
    calls: list[int] = []
    real = success.tickets

    def tickets(*args: Any, **kwargs: Any) -> pa.Table:
        calls.append(1)
        if len(calls) > 2:  # after the first chunks were committed to the partial file
            raise RuntimeError("killed")
        return real(*args, **kwargs)

    monkeypatch.setattr("revline.synth.success.tickets", tickets)
    with pytest.raises(RuntimeError, match="killed"):
        build(target, accounts=600, months=6, seed=4, config=CHUNKED)
    assert len(calls) > 2
    assert _prints(target) == before
    assert not (tmp_path / "wh.duckdb.partial").exists()


def test_a_failed_first_build_leaves_no_warehouse(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("killed")

    monkeypatch.setattr("revline.synth.marketing.spend", broken)  # after every chunk
    with pytest.raises(RuntimeError, match="killed"):
        build(tmp_path / "wh.duckdb", accounts=400, months=6, seed=4, config=CHUNKED)
    assert list(tmp_path.iterdir()) == []


def test_build_keeps_rows_of_other_sources(tmp_path: Path) -> None:
    target = tmp_path / "wh.duckdb"
    with Warehouse.create(target) as wh:
        wh.con.execute(
            "INSERT INTO plans (plan_id, product, pricing_model, billing_interval, "
            "interval_count, currency, source, source_id, loaded_at) VALUES ('crm_plan', "
            "'Other', 'flat', 'month', 1, 'USD', 'stripe', 'crm_plan', now())"
        )
    build(target, accounts=200, months=6, seed=3)
    build(target, accounts=200, months=6, seed=3)
    with Warehouse.open(target) as wh:
        sources = wh.con.execute(
            "SELECT source, count(*) FROM plans GROUP BY 1 ORDER BY 1"
        ).fetchall()
    assert sources == [("stripe", 1), ("synth", 8)]


def test_an_unknown_scope_is_refused_with_the_valid_ones(
    tmp_path: Path, revline_cli: CliRunnerFn
) -> None:
    with pytest.raises(ConfigError, match=r"Unknown synth scope 'revenu'.*'revenue'.*full"):
        build(tmp_path / "wh.duckdb", accounts=100, months=6, seed=1, scope="revenu")
    assert list(tmp_path.iterdir()) == []
    out = revline_cli("synth", "--accounts", "50", "--scope", "billing", "-w", str(tmp_path / "x"))
    assert out.exit_code == 2 and "Traceback" not in out.output
    assert "Unknown synth scope 'billing'" in out.stderr and "revenue" in out.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow
def test_the_revenue_scope_keeps_the_full_companys_billing_and_mrr(tmp_path: Path) -> None:
    full, revenue = tmp_path / "full.duckdb", tmp_path / "revenue.duckdb"
    build(full, accounts=1500, months=12, seed=9)
    result = build(revenue, accounts=1500, months=12, seed=9, scope="revenue")
    left_out = SCOPES["revenue"]
    assert {"usage", "touches", "tickets"} <= left_out and not left_out & set(BILLING)
    prints_full, prints_revenue = _prints(full), _prints(revenue)
    for name in [*TABLES, *TRUTH_TABLES]:
        if name in left_out:
            assert result.rows[name] == 0, name
        else:
            assert prints_revenue[name] == prints_full[name], name
    with Warehouse.open(revenue) as wh:
        assert all(wh.count(name) > 0 for name in BILLING)
        assert wh.count("usage") == 0
    mrr_full = compute("mrr", "month", warehouse=full)
    mrr_revenue = compute("mrr", "month", warehouse=revenue)
    assert mrr_full["value"].sum() > 0
    assert mrr_full.to_dict("records") == mrr_revenue.to_dict("records")


@pytest.mark.slow
def test_a_killed_synth_run_leaves_the_earlier_company(tmp_path: Path) -> None:
    target = tmp_path / "wh.duckdb"
    build(target, accounts=200, months=6, seed=3)
    before = _prints(target)
    partial = tmp_path / "wh.duckdb.partial"
    env = {**os.environ, "PYTHONPATH": str(Path(revline.__file__).parents[1])}
    args = ["synth", "--accounts", "200000", "--months", "6", "-w", str(target)]
    proc = subprocess.Popen([sys.executable, "-m", "revline", *args], env=env)
    try:
        deadline = time.monotonic() + 120
        while not (partial.exists() and partial.stat().st_size > 20_000_000):
            assert proc.poll() is None and time.monotonic() < deadline, "no partial file grew"
            time.sleep(0.2)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    assert partial.exists()  # what a killed run leaves: never the target
    assert _prints(target) == before
    build(target, accounts=150, months=6, seed=4)  # the next run starts afresh
    assert not partial.exists()
    with Warehouse.open(target, read_only=True) as wh:
        assert wh.count("accounts") > 150
