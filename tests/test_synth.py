"""The synthetic company: determinism, replacement, ground truth and coverage of every table.

The causal links are tested in test_synth_causal.py, measured from the canonical tables.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

import revline.commands  # noqa: F401  (registers the CLI commands)
from revline.cli import app
from revline.errors import ConfigError
from revline.schema import TABLES
from revline.synth import AS_OF, TRUTH_TABLES, SynthConfig, columns, generate
from revline.warehouse import Warehouse


@pytest.fixture(scope="module")
def company(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Warehouse]:
    """A company big enough that every table, including churn and reactivation, has rows."""
    path = tmp_path_factory.mktemp("synth") / "company.duckdb"
    with Warehouse.create(path) as wh:
        generate(wh, accounts=3000, months=24, seed=11)
        yield wh


def _fingerprints(wh: Warehouse) -> dict[str, str]:
    prints = wh.fingerprints()
    prints.update({name: wh.fingerprint(name) for name in TRUTH_TABLES})
    return prints


@pytest.mark.slow
def test_same_seed_gives_byte_identical_tables(tmp_path: Path) -> None:
    prints = []
    for name in ("a", "b"):
        with Warehouse.create(tmp_path / f"{name}.duckdb") as wh:
            result = generate(wh, accounts=1000, months=24, seed=7)
            prints.append(_fingerprints(wh))
    assert set(prints[0]) >= {*TABLES, *TRUTH_TABLES}
    assert prints[0] == prints[1]
    assert result.as_of == AS_OF
    assert result.rows["accounts"] == 1000 + result.opening_accounts
    assert result.opening_accounts > 0 and result.subscribed > 0


def test_another_seed_gives_another_company() -> None:
    prints = []
    for seed in (7, 8):
        with Warehouse.create(":memory:") as wh:
            generate(wh, accounts=300, months=12, seed=seed)
            prints.append([wh.fingerprint(name) for name in ("accounts", "invoices")])
    assert prints[0][0] != prints[1][0]
    assert prints[0][1] != prints[1][1]


def test_rerun_replaces_instead_of_duplicating(wh: Warehouse) -> None:
    generate(wh, accounts=300, months=8, seed=1)
    result = generate(wh, accounts=200, months=8, seed=2)
    with Warehouse.create(":memory:") as once:
        generate(once, accounts=200, months=8, seed=2)
        assert _fingerprints(wh) == _fingerprints(once)
    for name in TABLES:
        assert wh.count(name) == result.rows[name], name


def test_rerun_keeps_rows_of_other_sources(wh: Warehouse) -> None:
    wh.con.execute(
        "INSERT INTO plans (plan_id, product, pricing_model, billing_interval, interval_count,"
        " currency, source, source_id, loaded_at) VALUES"
        " ('crm_plan', 'Other', 'flat', 'month', 1, 'USD', 'stripe', 'crm_plan', now())"
    )
    generate(wh, accounts=200, months=6, seed=3)
    sources = wh.con.execute("SELECT source, count(*) FROM plans GROUP BY 1 ORDER BY 1").fetchall()
    assert sources == [("stripe", 1), ("synth", 8)]


def test_every_canonical_table_is_filled(company: Warehouse) -> None:
    empty = [name for name in TABLES if company.count(name) == 0]
    assert empty == []
    lineage = company.con.execute(
        "SELECT count(*) FROM accounts WHERE source <> 'synth' OR source_id <> account_id"
    ).fetchone()
    assert lineage == (0,)


def test_one_truth_row_per_opportunity(company: Warehouse) -> None:
    missing, extra = company.con.execute(
        "SELECT count(*) FILTER (WHERE t.opportunity_id IS NULL),"
        " count(*) FILTER (WHERE o.opportunity_id IS NULL)"
        " FROM opportunities o FULL JOIN truth_opportunity t USING (opportunity_id)"
    ).fetchone()
    assert (missing, extra) == (0, 0)
    bounds = company.con.execute(
        "SELECT min(win_probability), max(win_probability), min(true_cycle_days)"
        " FROM truth_opportunity"
    ).fetchone()
    assert bounds[0] > 0 and bounds[1] < 1 and bounds[2] > 0


def test_churn_hazard_is_a_probability_for_every_paying_month(company: Warehouse) -> None:
    low, high, n = company.con.execute(
        "SELECT min(churn_hazard), max(churn_hazard), count(*) FROM truth_account_month"
    ).fetchone()
    assert n > 0 and low > 0 and high < 1
    # Every churn event is a drawn churn in the truth, in the month before it takes effect.
    unmatched = company.con.execute(
        "SELECT count(*) FROM churn_events c LEFT JOIN truth_account_month t"
        " ON t.account_id = c.account_id AND t.churned"
        " AND t.month = CAST(c.churned_at AS DATE) - INTERVAL 1 MONTH WHERE t.account_id IS NULL"
    ).fetchone()
    assert unmatched == (0,)


def test_history_matches_the_opportunity(company: Warehouse) -> None:
    # The last history row of a closed deal is its close, with the deal's outcome.
    mismatched = company.con.execute(
        "SELECT count(*) FROM opportunities o JOIN ("
        "  SELECT opportunity_id, arg_max(is_won, changed_at) AS won,"
        "         arg_max(stage, changed_at) AS stage FROM opportunity_history"
        "  GROUP BY 1) h USING (opportunity_id)"
        " WHERE o.is_closed AND (h.won <> o.is_won OR h.stage <> o.stage)"
    ).fetchone()
    assert mismatched == (0,)
    slipped = company.con.execute(
        "SELECT count(DISTINCT opportunity_id) FROM opportunity_history h"
        " WHERE close_date > (SELECT min(close_date) FROM opportunity_history f"
        "                      WHERE f.opportunity_id = h.opportunity_id)"
    ).fetchone()
    assert slipped[0] > 0


def test_most_customers_pay_in_usd(company: Warehouse) -> None:
    rows = dict(
        company.con.execute("SELECT currency, count(*) FROM invoices GROUP BY 1").fetchall()
    )
    assert rows["USD"] > sum(rows.values()) / 2
    assert len(rows) > 2


def test_config_rejects_an_empty_company() -> None:
    with pytest.raises(ConfigError, match="accounts=0"):
        SynthConfig(accounts=0)


def test_cli_writes_and_rewrites_the_company(tmp_path: Path) -> None:
    target = tmp_path / "new" / "wh.duckdb"
    target.parent.mkdir()
    runner = CliRunner()
    args = ["synth", "--accounts", "150", "--months", "6", "--seed", "4", "-w", str(target)]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    assert "accounts" in first.output and "truth_opportunity" in first.output
    second = runner.invoke(app, args)
    assert second.exit_code == 0, second.output
    with Warehouse.open(target) as wh:
        window = wh.con.execute(
            "SELECT count(*) FROM accounts WHERE created_at >= TIMESTAMPTZ '2025-07-01'"
        ).fetchone()
        assert window == (150,)


def test_money_columns_are_exact_from_integer_cents() -> None:
    cents = np.array([-1, 0, 5, 123_456_789_012, -987_654_321_098_765], np.int64)
    values = columns.money(cents, mask=np.array([False, True, False, False, False])).to_pylist()
    assert values == [
        Decimal("-0.01"),
        None,
        Decimal("0.05"),
        Decimal("1234567890.12"),
        Decimal("-9876543210987.65"),
    ]


def test_a_failed_rerun_leaves_the_earlier_company(
    wh: Warehouse, monkeypatch: pytest.MonkeyPatch
) -> None:
    generate(wh, accounts=200, months=6, seed=3)
    before = _fingerprints(wh)

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr("revline.synth.success.tickets", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        generate(wh, accounts=300, months=6, seed=4)
    assert _fingerprints(wh) == before
