"""Every JSON the web app serves parses strictly, with money as exact strings.

Every page of the registry (a page registered later is covered as soon as it registers) and
the API routes beside the twins (metric values, drill-down rows as JSON and CSV, status, pages,
declarations) are parsed with the strict check of ``tests/strict_json.py``: no ``NaN``, no
Python repr such as ``"np.float64(0.29)"`` (what every ratio of ``/api/revenue``,
``/api/retention``, ``/api/efficiency`` and ``/api/sales`` used to be), money (figures, table
columns and charts declared ``currency``) an exact decimal string, other numbers JSON numbers.
"""

from __future__ import annotations

import csv
import io

import pytest
from web_helpers import WebSetup

from revline.metrics.api import REGISTRY
from revline.serialize import MONEY_PLACES
from revline.web.registry import pages
from strict_json import FLOAT_NOISE, money_ok, problems, strict

#: Money columns of the drill-down rows (customer-month movements).
ROW_MONEY = frozenset({"start_mrr", "end_mrr", "amount", "mrr"})


@pytest.mark.parametrize("name", [p.name for p in pages()])
def test_page_twin_is_strict(web: WebSetup, name: str) -> None:
    with web.client() as client:
        answer = client.get(f"/api/{name}", headers=web.auth("chief"))
    assert answer.status_code == 200, answer.text
    doc = strict(answer.text)
    assert problems(doc, frozenset()) == []
    for figure in doc.get("figures", []):
        value = figure["value"]
        if figure["unit"] == "currency":
            assert money_ok(value, MONEY_PLACES) is None, figure
        elif figure["unit"] != "text":
            assert value is None or isinstance(value, int | float), figure


@pytest.mark.parametrize(
    "path",
    [
        "/api/pages",
        "/api/metrics",
        "/api/status",
        "/api/metrics/arr?period=quarter",
        "/api/metrics/nrr?period=quarter&by=segment",
        "/api/metrics/customers",
        "/api/metrics/cac_payback_months?period=quarter",
        "/api/metrics/win_rate?period=year",
        "/api/rows/churned_mrr?period=2025-Q4",
    ],
)
def test_api_route_is_strict(web: WebSetup, path: str) -> None:
    with web.client() as client:
        answer = client.get(path, headers=web.auth("admin"))
    assert answer.status_code == 200, answer.text
    doc = strict(answer.text)
    assert problems(doc, ROW_MONEY) == []
    if path.startswith("/api/metrics/"):
        unit = doc["metric"]["unit"]
        assert doc["values"]
        for row in doc["values"]:
            if unit == "currency":
                assert money_ok(row["value"], MONEY_PLACES) is None, row
            else:
                assert row["value"] is None or isinstance(row["value"], int | float), row


def test_drilldown_csv_is_exact(web: WebSetup) -> None:
    with web.client() as client:
        answer = client.get("/api/rows/churned_mrr.csv?period=2025-Q4", headers=web.auth("chief"))
    assert answer.status_code == 200
    rows = list(csv.DictReader(io.StringIO(answer.text)))
    assert rows and not FLOAT_NOISE.search(answer.text)
    for row in rows:
        for key in ROW_MONEY & set(row):
            assert money_ok(row[key] or None, MONEY_PLACES + 2) is None, row
        assert all(v not in ("nan", "NaN", "None", "<NA>") for v in row.values()), row


def test_every_metric_declaration_is_listed(web: WebSetup) -> None:
    with web.client() as client:
        listed = strict(client.get("/api/metrics", headers=web.auth("chief")).text)
    assert [m["name"] for m in listed] == list(REGISTRY)
