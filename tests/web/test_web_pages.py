"""Pages and their JSON twins: every registered page, figures from the metric registry, the
drill-down behind a figure, the CSV, and the start-up precompute."""

from __future__ import annotations

import csv
import functools
import io
import re
from decimal import Decimal
from html import unescape

import pytest
from web_helpers import WebSetup, as_text

from revline.metrics.api import REGISTRY, compute
from revline.web.registry import pages
from revline.web.routes_pages import warm

pytestmark = pytest.mark.slow  # computes every page once (shared with the browser test)
FIGURE = re.compile(r'data-figure="([^"]+)" data-value="([^"]*)"')
CELL = re.compile(r'data-cell="([^"]+)" data-value="([^"]*)"')


def test_precompute_fills_the_cache_for_every_page(web: WebSetup) -> None:
    state = web.app.state.web
    state.run_precompute(functools.partial(warm, state, templates=web.app.state.templates))
    assert state.precompute.failed == []
    with web.client() as client:
        status = client.get("/api/status", headers=web.auth("chief")).json()
    assert (
        status["precompute"]["done"]
        == status["precompute"]["total"]
        == len([p for p in pages() if p.precompute])
    )
    from revline.web.registry import Filters

    for page in (p for p in pages() if p.precompute):
        assert state.is_cached(("page", page.name, state.normalize(Filters()).key()))


@pytest.mark.parametrize("name", [p.name for p in pages()])
def test_every_page_and_its_json_twin_agree(web: WebSetup, name: str) -> None:
    with web.client() as client:
        api = client.get(f"/api/{name}", headers=web.auth("chief"))
        html = client.get(f"/{name}", headers=web.auth("chief"))
    assert api.status_code == 200 and html.status_code == 200
    body = api.json()
    assert body["page"] == name
    shown = {k: unescape(v) for k, v in FIGURE.findall(html.text)}
    assert shown == {f["id"]: as_text(f["value"]) for f in body.get("figures", [])}
    cells = {k: unescape(v) for k, v in CELL.findall(html.text)}
    assert cells == {
        f"{table['id']}.{i}.{key}": as_text(cell["value"])
        for table in body.get("tables", [])
        for i, row in enumerate(table["rows"])
        for key, cell in row.items()
    }
    for chart in body.get("charts", []):
        assert f'data-chart="{chart["id"]}"' in html.text


def test_revenue_figures_come_from_the_registry_and_the_bridge_reconciles(web: WebSetup) -> None:
    with web.client() as client:
        body = client.get("/api/revenue?segment=smb", headers=web.auth("chief")).json()
    period = body["period"]
    arr = compute("arr", period, "segment", warehouse=web.warehouse, settings=web.settings)
    expected = arr[arr["segment"] == "smb"]["value"].iloc[0]
    figure = next(f for f in body["figures"] if f["id"] == "arr")
    assert Decimal(figure["value"]) == Decimal(str(expected))
    bridge = next(t for t in body["tables"] if t["id"] == "mrr_bridge")["rows"]
    amounts = [Decimal(r["amount"]["value"]) for r in bridge]
    assert sum(amounts[:-1]) == amounts[-1]  # start + movements = end, exactly
    assert all(r["amount"].get("link", "").startswith("/rows/") for r in bridge)


def test_definitions_list_every_metric(web: WebSetup) -> None:
    with web.client() as client:
        body = client.get("/api/definitions", headers=web.auth("viewer")).json()
    listed = [r["metric"]["value"] for r in body["tables"][0]["rows"]]
    assert listed == list(REGISTRY)


def test_drilldown_rows_add_up_to_the_figure_and_download_as_csv(web: WebSetup) -> None:
    with web.client() as client:
        page = client.get("/api/revenue", headers=web.auth("chief")).json()
        churn = next(
            r
            for r in next(t for t in page["tables"] if t["id"] == "mrr_bridge")["rows"]
            if r["step"]["value"] == "Churn"
        )
        link = churn["amount"]["link"]
        first = client.get(f"/api{link}&size=5", headers=web.auth("chief")).json()
        assert first["page"] == 1 and len(first["rows"]) == min(5, first["total"])
        download = client.get(first["csv"], headers=web.auth("chief"))
    assert download.headers["content-type"].startswith("text/csv")
    assert "attachment" in download.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(download.text)))
    assert len(rows) == first["total"]
    assert sum(Decimal(r["amount"]) for r in rows) == -Decimal(churn["amount"]["value"])


def test_metric_values_api(web: WebSetup) -> None:
    with web.client() as client:
        body = client.get(
            "/api/metrics/nrr?period=quarter&by=segment", headers=web.auth("chief")
        ).json()
    frame = compute("nrr", "quarter", "segment", warehouse=web.warehouse, settings=web.settings)
    assert len(body["values"]) == len(frame)
    assert {v["segment"] for v in body["values"]} == set(frame["segment"])
