"""Every page, every filter it declares, and the board pack work on companies of every size
(issue 13 §3): from 100 accounts over 6 months to the 2,000-account, 24-month web company.

A page that cannot compute something on a company says so in the page (a note, a figure
"not available by ..."), never a 500. Before the fix, ``/api/sales?plan=<any plan>`` answered
500 (``KeyError: 'win_rate'``: the win rate has no plan breakdown). The board pack is built with
every registered section (the forecasts' backtests included, which failed with
``KeyError: 'fitted'`` on a 500-account, 12-month company).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from web_helpers import PASSWORD, WebSetup

from revline.report import build_report, render_html
from revline.report.registry import selected
from revline.synth import generate
from revline.warehouse import Warehouse
from revline.web import create_app
from revline.web.registry import BREAKDOWN_FILTERS, pages
from revline.web.users import UserStore, users_path

pytestmark = pytest.mark.slow
#: (accounts, months) of the companies besides the session's web company (2,000 x 24).
SIZES = {"tiny": (100, 6), "small": (500, 12)}
#: Where each breakdown filter's values are found in the warehouse.
VALUES = {
    "segment": "SELECT DISTINCT segment FROM accounts WHERE segment IS NOT NULL",
    "region": "SELECT DISTINCT region FROM accounts WHERE region IS NOT NULL",
    "plan": "SELECT DISTINCT plan_id FROM subscriptions WHERE plan_id IS NOT NULL",
    "channel": "SELECT DISTINCT channel FROM acquisitions WHERE channel IS NOT NULL",
}


@pytest.fixture(scope="module", params=[*SIZES, "web"])
def company(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Path, FastAPI, str]]:
    if request.param == "web":
        web: WebSetup = request.getfixturevalue("web")
        yield web.warehouse, web.app, web.tokens["admin"]
        return
    accounts, months = SIZES[request.param]
    path = tmp_path_factory.mktemp(request.param) / "company.duckdb"
    with Warehouse.create(path) as wh:
        generate(wh, accounts=accounts, months=months, seed=7)
    store = UserStore(users_path(path))
    store.add("admin", PASSWORD, "admin")
    app = create_app(path)
    yield path, app, store.create_token("admin", "tests")
    app.state.web.close()


def filter_values(path: Path) -> dict[str, str]:
    """One value of each breakdown filter that occurs in the company (the smallest)."""
    out = {}
    with Warehouse.open(path, read_only=True) as wh:
        for name, query in VALUES.items():
            rows = sorted(str(r[0]) for r in wh.con.execute(query).fetchall())
            if rows:
                out[name] = rows[0]
    return out


def test_every_page_with_every_declared_filter(company: tuple[Path, FastAPI, str]) -> None:
    path, app, token = company
    values = filter_values(path)
    assert set(values) == set(BREAKDOWN_FILTERS)
    client = TestClient(app, raise_server_exceptions=False)
    headers = {"Authorization": f"Bearer {token}"}
    failures = []
    for page in pages():
        queries = [""] + [
            f"?{name}={values[name]}" for name in page.filters if name in BREAKDOWN_FILTERS
        ]
        for query in queries:
            for url in (page.api_path + query, page.path + query):
                answer = client.get(url, headers=headers)
                if answer.status_code != 200:
                    failures.append(f"{url}: {answer.status_code} {answer.text[:200]}")
    assert failures == []


@pytest.mark.parametrize("size", SIZES)
def test_board_pack_with_every_section(size: str, tmp_path: Path) -> None:
    """Every registered section (the web company's built-in report is tests/test_report.py)."""
    accounts, months = SIZES[size]
    path = tmp_path / "company.duckdb"
    with Warehouse.create(path) as wh:
        generate(wh, accounts=accounts, months=months, seed=7)
    with Warehouse.open(path, read_only=True) as wh:
        report = build_report(wh)
        html = render_html(report)
    assert [page.name for page in report.pages] == [section.name for section in selected(None)]
    assert "Internal error" not in html
