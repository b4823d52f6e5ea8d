"""``--format table|csv|json`` on every command that prints results, through one output helper.

Each format is checked for what a tool needs: CSV parses with a header and the same rows as
JSON; JSON keeps money exact (Decimal as text); a bad format is refused with a did-you-mean and
no stack trace; progress lines go to stderr, never into CSV or JSON on stdout.
"""

from __future__ import annotations

import io
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from conftest import CliRunnerFn
from fixtures.mrr.company import TABLES
from fixtures.mrr.rows import load
from revline.errors import ConfigError
from revline.metrics import compute
from revline.output import check_format
from revline.serialize import dumps, plain, to_csv
from revline.settings import MetricSettings
from revline.warehouse import Warehouse

AS_OF = ["--as-of", "2025-06-30"]


@pytest.fixture(scope="module")
def company(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("formats") / "company.duckdb"
    with Warehouse.create(path) as wh:
        load(wh, TABLES)
    return str(path)


def test_output_helper_keeps_money_exact() -> None:
    rows = [{"id": "a", "amount": Decimal("0.10"), "share": float("nan"), "n": 3}]
    assert json.loads(dumps(rows)) == [{"id": "a", "amount": "0.10", "share": None, "n": 3}]
    assert to_csv(rows).splitlines() == ["id,amount,share,n", "a,0.10,,3"]
    assert to_csv([], ["id", "amount"]).strip() == "id,amount"
    assert plain(pd.Timestamp("2025-07-01", tz="UTC")) == "2025-07-01T00:00:00+00:00"
    assert check_format(" JSON ") == "json"
    with pytest.raises(ConfigError, match="Did you mean 'csv'"):
        check_format("cvs")


def both(revline_cli: CliRunnerFn, *args: str) -> tuple[pd.DataFrame, list[dict[str, object]]]:
    """The command's CSV (parsed) and JSON outputs; both must succeed with a clean stdout."""
    as_csv = revline_cli(*args, "--format", "csv")
    assert as_csv.exit_code == 0, as_csv.output
    as_json = revline_cli(*args, "--format", "json")
    assert as_json.exit_code == 0, as_json.output
    return pd.read_csv(io.StringIO(as_csv.stdout), dtype=str), json.loads(as_json.stdout)


def test_metrics_list(revline_cli: CliRunnerFn) -> None:
    frame, rows = both(revline_cli, "metrics", "list")
    assert list(frame.columns) == ["name", "kind", "unit", "grain", "owner", "description"]
    assert list(frame["name"]) == [r["name"] for r in rows]
    assert {"mrr", "nrr", "cac"} <= set(frame["name"])
    table = revline_cli("metrics", "list")
    assert table.exit_code == 0 and "nrr" in table.stdout and "┃" in table.stdout


def test_metrics_compute_matches_the_api(revline_cli: CliRunnerFn, company: str) -> None:
    args = ("metrics", "compute", "mrr", "-w", company, "-p", "quarter", "--by", "segment", *AS_OF)
    frame, rows = both(revline_cli, *args)
    settings = MetricSettings(as_of=date(2025, 6, 30))
    expected = compute("mrr", "quarter", "segment", warehouse=company, settings=settings)
    assert len(frame) == len(rows) == len(expected)
    for got_csv, got_json, (_, want) in zip(
        frame.to_dict("records"), rows, expected.iterrows(), strict=True
    ):
        assert got_csv["period"] == got_json["period"] == want["period"]
        assert Decimal(got_csv["value"]) == Decimal(str(got_json["value"])) == want["value"]
    table = revline_cli(*args)
    assert table.exit_code == 0 and "2025-Q2" in table.stdout


def test_metrics_rows_json(revline_cli: CliRunnerFn, company: str) -> None:
    args = ("metrics", "rows", "churned_mrr", "-w", company, "-p", "2025-Q2", *AS_OF)
    frame, rows = both(revline_cli, *args)
    assert set(frame["movement"]) == {"churn"} and len(rows) == len(frame)
    assert sum(Decimal(str(r["amount"])) for r in rows) == Decimal("240.00")


def test_scorecard_csv_and_json(revline_cli: CliRunnerFn, company: str) -> None:
    frame, card = both(revline_cli, "scorecard", "-w", company, "-p", "2025-Q2", *AS_OF)
    assert isinstance(card, dict)
    assert list(frame["label"]) == [line["label"] for line in card["lines"]]
    assert set(frame["period"]) == {"2025-Q2"}


def test_check_csv(revline_cli: CliRunnerFn, company: str) -> None:
    frame, report = both(revline_cli, "check", "-w", company)
    assert isinstance(report, dict)
    assert list(frame.columns)[:3] == ["severity", "check", "tables"]
    assert len(frame) == len(report["findings"])


def test_org_show(revline_cli: CliRunnerFn) -> None:
    frame, doc = both(revline_cli, "org", "show", "--model", "cmo_beside_cro")
    assert isinstance(doc, dict) and doc["org_model"] == "cmo_beside_cro"
    assert set(frame["kind"]) >= {"function", "stage", "handoff"}
    assert frame.fillna("").to_dict("records") == doc["ownership"]
    marketing = frame[(frame["kind"] == "function") & (frame["name"] == "marketing")]
    assert marketing["reports_to"].iloc[0] == "CMO"


def test_schema(revline_cli: CliRunnerFn) -> None:
    frame, rows = both(revline_cli, "schema")
    assert "subscriptions" in set(frame["table"]) and len(rows) == len(frame)
    columns, described = both(revline_cli, "schema", "plans")
    assert "plan_id" in set(columns["column"]) and described[0]["column"] == "plan_id"


def test_synth_json_and_progress_on_stderr(revline_cli: CliRunnerFn, tmp_path: Path) -> None:
    path = str(tmp_path / "s.duckdb")
    done = revline_cli(
        "synth", "-w", path, "--accounts", "120", "--months", "6", "--format", "json"
    )
    assert done.exit_code == 0, done.output
    summary = json.loads(done.stdout)  # nothing but JSON on stdout
    assert summary["accounts"] == 120 and summary["seed"] == 7
    assert {r["table"] for r in summary["rows"]} >= {"accounts", "subscriptions"}
    assert "Generating the synthetic company" in done.stderr


def test_import_json(revline_cli: CliRunnerFn, tmp_path: Path) -> None:
    path = tmp_path / "w.duckdb"
    Warehouse.create(path).close()
    source = tmp_path / "accounts.csv"
    source.write_text("account_id,name\nA-1,Acme\nA-2,Globex\n")
    done = revline_cli("import", "accounts", str(source), "-w", str(path), "--format", "json")
    assert done.exit_code == 0, done.output
    result = json.loads(done.stdout)
    assert result["rows_read"] == 2 and result["inserted"] == 2 and result["examples"] == []


@pytest.mark.parametrize(
    "args",
    [
        ("metrics", "list"),
        ("schema",),
        ("org", "show"),
        ("scorecard", "-w", "nowhere.duckdb"),
        ("metrics", "rows", "churned_mrr", "-p", "2025-Q2", "-w", "nowhere.duckdb"),
    ],
)
def test_a_bad_format_is_refused(revline_cli: CliRunnerFn, args: tuple[str, ...]) -> None:
    bad = revline_cli(*args, "--format", "yaml")
    assert bad.exit_code == 2, bad.output
    assert "Unknown format 'yaml'" in bad.stderr and "Traceback" not in bad.output
