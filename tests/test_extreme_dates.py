"""Issue 13 §4: extreme dates already in a warehouse (written by hand or by an older version)
crash no analysis, and ``revline check`` reports them with counts and example ids."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from conftest import CliRunnerFn
from revline.model.data_end import data_end
from revline.synth import generate
from revline.warehouse import Warehouse
from revline.web import create_app
from revline.web.users import UserStore, users_path


@pytest.fixture(scope="module")
def extreme(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small company whose first two closed deals closed on 9999-12-31 and at infinity, whose
    first invoice was issued at -infinity and whose first subscription started in year 1."""
    path = tmp_path_factory.mktemp("extreme") / "company.duckdb"
    with Warehouse.create(path) as wh:
        generate(wh, accounts=200, months=12, seed=7)
        closed = wh.con.execute(
            "SELECT opportunity_id FROM opportunities WHERE is_closed ORDER BY 1 LIMIT 2"
        ).fetchall()
        wh.con.execute(
            "UPDATE opportunities SET closed_at = '9999-12-31' WHERE opportunity_id = ?",
            [closed[0][0]],
        )
        wh.con.execute(
            "UPDATE opportunities SET closed_at = 'infinity' WHERE opportunity_id = ?",
            [closed[1][0]],
        )
        wh.con.execute(
            "UPDATE invoices SET issued_at = '-infinity' WHERE invoice_id = "
            "(SELECT min(invoice_id) FROM invoices)"
        )
        wh.con.execute(
            "UPDATE subscriptions SET start_at = '0001-01-01' WHERE subscription_id = "
            "(SELECT min(subscription_id) FROM subscriptions)"
        )
    return path


def test_data_end_ignores_dates_outside_the_window(extreme: Path) -> None:
    with Warehouse.open(extreme, read_only=True) as wh:
        end = data_end(wh.ibis, today=date(2100, 1, 1))
    assert date(2000, 1, 1) < end < date(2100, 1, 1)


@pytest.mark.parametrize(
    "command",
    [("scorecard",), ("diagnose",), ("report", "--period", "{quarter}", "--output", "{out}")],
)
def test_analyses_survive_extreme_dates(
    extreme: Path, tmp_path: Path, revline_cli: CliRunnerFn, command: tuple[str, ...]
) -> None:
    with Warehouse.open(extreme, read_only=True) as wh:
        end = data_end(wh.ibis)
    quarter = f"{end.year}-Q{(end.month - 1) // 3 + 1}"
    args = [a.format(quarter=quarter, out=tmp_path / "r.html") for a in command]
    result = revline_cli(*args, "-w", str(extreme))
    assert result.exit_code == 0, result.output
    assert "OverflowError" not in result.output and "Internal error" not in result.output


def test_serve_starts_and_pages_answer_on_extreme_dates(extreme: Path) -> None:
    store = UserStore(users_path(extreme))
    store.add("boss", "a long password 123", "admin", ())
    token = store.create_token("boss", "tests")
    app = create_app(extreme)
    with TestClient(app) as client:
        assert client.get("/login").status_code == 200
        for page in ("/revenue", "/retention", "/sales"):  # 500 when months began in year 1
            answer = client.get(page, headers={"Authorization": f"Bearer {token}"})
            assert answer.status_code == 200, page
    app.state.web.close()


def test_check_reports_dates_outside_the_window(extreme: Path, revline_cli: CliRunnerFn) -> None:
    result = revline_cli("check", "-w", str(extreme), "--format", "json")
    found = {
        (f["tables"][0], f["columns"][0]): (f["count"], f["examples"], f["severity"])
        for f in json.loads(result.stdout)["findings"]
        if f["check"] == "dates_outside_window"
    }
    assert found[("opportunities", "closed_at")][:1] == (2,)
    assert len(found[("opportunities", "closed_at")][1]) == 2
    assert found[("invoices", "issued_at")][0] == 1
    assert found[("invoices", "issued_at")][2] == "error"
