"""`revline check` on small hand-made warehouses: every check's count and example ids are written
out below, next to the rows that cause them."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import ibis
import pyarrow as pa
import pytest
from typer.testing import CliRunner

import revline.commands  # noqa: F401  (registers `revline check`)
from revline.cli import app, main
from revline.quality import CHECKS, CheckReport, Finding, run_checks
from revline.schema import TABLES, Kind, OrderCheck, Table
from revline.warehouse import SYSTEM_TABLES, Warehouse

LOADED = datetime(2025, 1, 1, tzinfo=UTC)


def ts(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def insert(wh: Warehouse, name: str, rows: list[dict[str, Any]]) -> None:
    """Append rows to a table; lineage columns and the rest default (source 'test')."""
    table = TABLES.get(name) or SYSTEM_TABLES[name]
    defaults: dict[str, Any] = {c: None for c in table.column_names}
    if name == "quarantine":
        defaults.update(load_id="L-1", quarantined_at=LOADED, raw="{}", message="bad value")
    else:
        defaults.update(source="test", loaded_at=LOADED)
    full = []
    for i, row in enumerate(rows):
        record = {**defaults, **row}
        record.setdefault("source_id", None)
        if name == "quarantine":
            record["quarantine_id"] = record["quarantine_id"] or f"Q-{i}"
        elif record["source_id"] is None:
            record["source_id"] = record[table.primary_key]
        full.append(record)
    schema = ibis.schema(table.ibis_schema()).to_pyarrow()
    with wh.transaction():
        wh.append(name, pa.Table.from_pylist(full, schema=schema))


def only(report: CheckReport, check: str, table: str | None = None) -> Finding:
    found = report.by_check(check, table)
    assert len(found) == 1, f"expected one {check} finding for {table}, got {found}"
    return found[0]


def sub(sid: str, account: str, start: str, end: str | None, **extra: Any) -> dict[str, Any]:
    row = {
        "subscription_id": sid,
        "account_id": account,
        "quantity": 1,
        "currency": "USD",
        "start_at": ts(start),
        "end_at": ts(end) if end else None,
        "unit_amount": Decimal(10),
    }
    return {**row, **extra}


def use(
    uid: str, day: str, sub_id: str | None = None, account: str | None = None
) -> dict[str, Any]:
    return {
        "usage_id": uid,
        "subscription_id": sub_id,
        "account_id": account,
        "meter": "api_calls",
        "usage_date": date.fromisoformat(day),
        "quantity": Decimal(1),
    }


@pytest.fixture(scope="module")
def company(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Warehouse]:
    """A small company with one or two instances of every problem `check` looks for."""
    wh = Warehouse.create(tmp_path_factory.mktemp("quality") / "company.duckdb")
    insert(
        wh,
        "accounts",
        [
            {"account_id": "A-1", "name": "Acme Inc."},
            {"account_id": "A-2", "name": " ACME, inc"},  # same normalised name as A-1
            {"account_id": "A-3", "name": "Beta", "parent_account_id": "A-99"},  # orphan parent
            {"account_id": "A-4", "name": "Acme Inc", "source": "crm"},  # other source: fine
            {"account_id": "A-5", "name": "Gamma", "owner_id": "E-1"},
        ],
    )
    insert(
        wh,
        "employees",
        [
            {"employee_id": "E-1", "name": "Ann", "function": "sales", "manager_id": "E-404"},
            # a long tenure: before 1990 is allowed for a start date
            {
                "employee_id": "E-2",
                "name": "Bob",
                "function": "sales",
                "start_date": date(1985, 1, 1),
            },
        ],
    )
    insert(
        wh,
        "subscriptions",
        [
            sub("S-1", "A-1", "2024-01-01", None),
            sub("S-2", "A-1", "2024-03-01", "2024-06-01", unit_amount=None, source_mrr=Decimal(5)),
            sub("S-3", "A-2", "2024-01-01", "2024-02-01"),
            sub("S-4", "A-2", "2024-02-01", None, unit_amount=None),  # adjacent; no price
            sub("S-5", "A-3", "2024-01-01", "2024-12-31"),
            sub("S-6", "A-3", "2024-06-01", "2024-07-01"),  # inside S-5
            sub("S-40", "A-3", "2023-01-01", "2023-02-01"),  # before them both
            sub("S-90", "A-3", "2023-01-15", "2023-03-01"),  # overlaps S-40 only
            sub("S-7", "A-9", "2024-01-01", "2030-01-01"),  # orphan account; planned end is fine
        ],
    )
    insert(
        wh,
        "usage",
        [
            use("U-1", "2024-01-01", "S-1"),
            use("U-2", "2024-02-28", "S-2"),  # before S-2 starts
            use("U-3", "2024-06-01", "S-2"),  # on S-2's (exclusive) end day
            use("U-4", "2024-05-31", "S-2"),
            use("U-5", "2024-01-15", account="A-2"),  # covered by S-3
            use("U-6", "2024-12-31", account="A-3"),  # after every subscription of A-3
            use("U-7", "2024-01-01", "S-1"),  # same subscription, meter and day as U-1
            use("U-8", "2024-01-01", "S-404"),  # orphan subscription, not "outside"
        ],
    )
    insert(
        wh,
        "churn_events",
        [
            {"churn_event_id": "C-1", "account_id": "A-1", "churned_at": ts("2024-04-01")},
            {"churn_event_id": "C-2", "account_id": "A-2", "churned_at": ts("2024-01-15")},
            {"churn_event_id": "C-3", "account_id": "A-3", "churned_at": ts("2024-12-31")},
            {"churn_event_id": "C-4", "account_id": "A-5", "churned_at": ts("2024-01-01")},
        ],
    )
    opp = {"opportunity_type": "new", "stage": "x", "currency": "USD", "account_id": "A-1"}
    won = {**opp, "is_closed": True, "is_won": True, "amount": Decimal(100)}
    lost = {**opp, "is_closed": True, "is_won": False, "amount": Decimal(0)}
    open_ = {**opp, "is_closed": False, "is_won": False}
    insert(
        wh,
        "opportunities",
        [
            {**won, "opportunity_id": "O-1", "amount": None, "close_date": date(2024, 3, 1)},
            {**lost, "opportunity_id": "O-2", "account_id": None},  # no close date, no account
            {**open_, "opportunity_id": "O-3", "account_id": None},
            {**open_, "opportunity_id": "O-4", "account_id": None},
            {**won, "opportunity_id": "O-5", "close_date": date(2024, 3, 1)},
            {**won, "opportunity_id": "O-6", "account_id": "A-404", "close_date": date(2024, 3, 1)},
            {**open_, "opportunity_id": "O-7", "close_date": date(2031, 1, 1)},  # planned: fine
        ],
    )
    insert(
        wh,
        "tickets",
        [
            {"ticket_id": "T-1", "account_id": "A-1", "opened_at": ts("2030-01-01")},  # future
            {"ticket_id": "T-2", "account_id": "A-1", "opened_at": ts("1900-01-01")},  # ancient
            {"ticket_id": "T-3", "account_id": "A-1", "opened_at": ts("2024-12-31 23:59:59")},
        ],
    )
    insert(
        wh,
        "invoices",
        [
            {
                "invoice_id": "I-1",
                "account_id": "A-1",
                "issued_at": ts("2024-02-01"),
                "paid_at": ts("2024-01-20"),  # paid before issue: a warning-level order rule
                "amount": Decimal(10),
                "currency": "USD",
                "status": "paid",
            }
        ],
    )
    q = {"table_name": "subscriptions", "file": "subs.csv"}
    insert(
        wh,
        "quarantine",
        [
            {**q, "row_number": 3, "source_id": "S-10", "rule": "duplicate_key"},
            {**q, "row_number": 9, "source_id": "S-11", "rule": "duplicate_key"},
            {**q, "row_number": 7, "source_id": "S-12", "rule": "type", "column_name": "start_at"},
            {**q, "row_number": 7, "source_id": "S-12", "rule": "required"},  # same row again
            {"table_name": "accounts", "file": "/in/acc.csv", "row_number": 2, "rule": "enum"},
        ],
    )
    yield wh
    wh.close()


@pytest.fixture(scope="module")
def report(company: Warehouse) -> CheckReport:
    return run_checks(company)


def test_orphans_name_rows_and_missing_targets(report: CheckReport) -> None:
    found = {(f.tables[0], f.columns[0]): f for f in report.by_check("orphans")}
    assert set(found) == {
        ("accounts", "parent_account_id"),
        ("employees", "manager_id"),
        ("subscriptions", "account_id"),
        ("usage", "subscription_id"),
        ("opportunities", "account_id"),
    }
    subs = found[("subscriptions", "account_id")]
    assert (subs.count, subs.examples, subs.severity) == (1, ("S-7",), "error")
    assert subs.details == ("missing accounts.account_id: A-9",)
    assert subs.message.startswith(
        "1 subscription has an account_id not found in accounts.account_id: S-7 "
        "(1 missing value: A-9)"
    )
    assert found[("opportunities", "account_id")].examples == ("O-6",)
    assert found[("employees", "manager_id")].details == ("missing employees.employee_id: E-404",)


def test_duplicates_from_quarantine_and_from_the_data(report: CheckReport) -> None:
    dup = only(report, "quarantined_duplicates", "subscriptions")
    assert (dup.count, dup.examples) == (2, ("S-10", "S-11"))
    accounts = only(report, "likely_duplicates", "accounts")
    assert (accounts.count, accounts.examples) == (2, ("A-1", "A-2"))
    usage = only(report, "likely_duplicates", "usage")
    assert (usage.count, usage.examples) == (2, ("U-1", "U-7"))


def test_impossible_dates(report: CheckReport) -> None:
    order = only(report, "date_order", "invoices")
    assert (order.count, order.examples, order.columns) == (1, ("I-1",), ("issued_at", "paid_at"))
    assert len(report.by_check("date_order")) == 1
    future = report.by_check("future_dates")
    assert [(f.tables, f.columns, f.examples) for f in future] == [
        (("tickets",), ("opened_at",), ("T-1",))
    ]
    ancient = report.by_check("dates_before_1990")
    assert [(f.tables, f.columns, f.examples) for f in ancient] == [
        (("tickets",), ("opened_at",), ("T-2",))
    ]


def test_billing_consistency(report: CheckReport) -> None:
    overlap = only(report, "overlapping_subscriptions")
    assert (overlap.count, overlap.examples) == (2, ("A-1", "A-3"))
    assert overlap.details == (
        "A-1: S-1 overlaps S-2",
        "A-3: S-40 overlaps S-90 (and 1 more overlapping pairs)",
    )
    assert overlap.message.startswith("2 accounts have overlapping subscriptions (6 subscriptions")
    assert "Account MRR may be double counted".lower() in overlap.message.lower()
    outside = only(report, "usage_outside_subscription")
    assert (outside.count, outside.examples) == (3, ("U-2", "U-3", "U-6"))
    churn = only(report, "churn_with_running_subscription")
    assert (churn.count, churn.examples) == (2, ("C-1", "C-2"))
    assert "(on 2 accounts)" in churn.message
    price = only(report, "subscription_without_price")
    assert (price.count, price.examples, price.severity) == (1, ("S-4",), "error")


def test_sales_consistency(report: CheckReport) -> None:
    assert only(report, "won_without_amount").examples == ("O-1",)
    assert only(report, "closed_without_close_date").examples == ("O-2",)
    open_ = only(report, "open_opportunity_without_account")
    assert (open_.count, open_.examples, open_.severity) == (2, ("O-3", "O-4"), "info")
    closed = only(report, "closed_opportunity_without_account")
    assert (closed.count, closed.examples, closed.severity) == (1, ("O-2",), "warning")


def test_quarantine_summary_counts_rows_not_problems(report: CheckReport) -> None:
    rows = {
        (f.tables[0], f.details[0]): (f.count, f.examples) for f in report.by_check("quarantine")
    }
    assert rows == {
        ("accounts", "enum"): (1, ("acc.csv:2",)),
        ("subscriptions", "duplicate_key"): (2, ("S-10", "S-11")),
        ("subscriptions", "required"): (1, ("S-12",)),
        ("subscriptions", "type"): (1, ("S-12",)),
    }


def test_report_is_sorted_worst_first_and_serialisable(report: CheckReport) -> None:
    severities = [f.severity for f in report.findings]
    assert severities == sorted(severities, key=("error", "warning", "info").index)
    assert report.has_at_least("error") and report.has_at_least("info")
    data = json.loads(json.dumps(report.to_dict()))
    assert data["summary"]["error"] == len(report.with_severity("error"))
    assert data["checks_run"] == list(CHECKS.names())


def test_a_clean_warehouse_has_no_findings(wh: Warehouse) -> None:
    insert(wh, "accounts", [{"account_id": "A-1", "name": "Acme"}])
    insert(wh, "subscriptions", [sub("S-1", "A-1", "2024-01-01", None)])
    insert(wh, "usage", [use("U-1", "2024-01-02", "S-1")])
    report = run_checks(wh)
    assert report.ok, report.findings
    assert not report.has_at_least("info")


def test_examples_are_capped_at_five(wh: Warehouse) -> None:
    insert(wh, "accounts", [{"account_id": "A-1", "name": "Acme"}])
    insert(wh, "subscriptions", [sub(f"S-{i}", "A-1", "2024-01-01", None) for i in range(7)])
    overlap = only(run_checks(wh), "overlapping_subscriptions")
    assert (overlap.count, overlap.examples) == (1, ("A-1",))
    assert overlap.details == ("A-1: S-0 overlaps S-1 (and 20 more overlapping pairs)",)
    insert(wh, "usage", [use(f"U-{i}", "2023-01-01", "S-1") for i in range(7)])
    outside = only(run_checks(wh), "usage_outside_subscription")
    assert (outside.count, outside.examples) == (7, ("U-0", "U-1", "U-2", "U-3", "U-4"))
    assert "U-4, ...;" in outside.message


# -- the checks are driven by the schema declarations ----------------------------------------


def _generic_row(table: Table, overrides: dict[str, Any]) -> dict[str, Any]:
    """A row satisfying every declared column rule, with ``overrides`` applied."""
    values: dict[Kind, Any] = {
        Kind.STRING: "x",
        Kind.INT: 1,
        Kind.DECIMAL: Decimal(1),
        Kind.MONEY: Decimal(1),
        Kind.BOOL: False,
        Kind.DATE: date(2024, 1, 1),
        Kind.TIMESTAMP: ts("2024-01-01"),
    }
    row: dict[str, Any] = {}
    for col in table.own_columns:
        if col.required or col.references:
            value = values.get(col.kind)
            if col.enum:
                value = col.enum[0]
            elif col.currency:
                value = "USD"
            row[col.name] = value
    return {**row, table.primary_key: f"{table.name}-1", **overrides}


def test_every_declared_foreign_key_is_checked(wh: Warehouse) -> None:
    declared = set()
    for table in TABLES.values():
        fks = {column: f"missing-{column}" for column, _, _ in table.foreign_keys}
        if fks:
            insert(wh, table.name, [_generic_row(table, fks)])
            declared |= {(table.name, column) for column in fks}
    found = {(f.tables[0], f.columns[0]) for f in run_checks(wh).by_check("orphans")}
    assert found == declared


def test_every_warning_order_rule_is_checked(wh: Warehouse) -> None:
    declared = []
    for table in TABLES.values():
        for i, rule in enumerate(table.checks):
            if isinstance(rule, OrderCheck) and rule.severity == "warning":
                kind = table.column(rule.later).kind
                early = ts("2024-01-01") if kind is Kind.TIMESTAMP else date(2024, 1, 1)
                late = ts("2024-02-01") if kind is Kind.TIMESTAMP else date(2024, 2, 1)
                row_id = f"{table.name}-{i}"
                row = {table.primary_key: row_id, rule.earlier: late, rule.later: early}
                insert(wh, table.name, [_generic_row(table, row)])
                declared.append((table.name, (rule.earlier, rule.later), (row_id,)))
    assert len(declared) >= 8  # invoices, onboarding and the six lead stages
    found = [(f.tables[0], f.columns, f.examples) for f in run_checks(wh).by_check("date_order")]
    assert sorted(found) == sorted(declared)


# -- the command line ------------------------------------------------------------------------


def test_cli_table_json_and_fail_on(
    wh: Warehouse, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    insert(wh, "accounts", [{"account_id": "A-1", "name": "Acme"}])
    insert(
        wh,
        "subscriptions",
        [sub("S-1", "A-1", "2024-01-01", None), sub("S-2", "A-9", "2024-01-01", None)],
    )
    path = wh.path
    wh.close()
    runner = CliRunner()
    table = runner.invoke(app, ["check", "-w", path])
    assert table.exit_code == 0, table.output
    assert "orphans" in table.output and "1 findings: 1 errors" in table.output
    as_json = runner.invoke(app, ["check", "-w", path, "--format", "json"])
    assert as_json.exit_code == 0
    data = json.loads(as_json.output)
    assert [(f["check"], f["examples"]) for f in data["findings"]] == [("orphans", ["S-2"])]
    # the console script's exit status, not only the app's
    monkeypatch.setattr(sys, "argv", ["revline", "check", "-w", path, "--fail-on", "error"])
    with pytest.raises(SystemExit) as exited:
        main()
    assert exited.value.code == 1
    clean = Warehouse.create(tmp_path / "clean.duckdb")
    clean.close()
    ok = runner.invoke(app, ["check", "-w", str(tmp_path / "clean.duckdb"), "--fail-on", "info"])
    assert ok.exit_code == 0 and "No problems found" in ok.output
