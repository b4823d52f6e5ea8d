"""Roles: what each one may open, and refusals that leak nothing."""

from __future__ import annotations

import pytest
from web_helpers import WebSetup, assert_error_shape, login


def test_lead_is_refused_another_functions_rows_and_nothing_leaks(web: WebSetup) -> None:
    with web.client() as client:
        allowed = client.get("/api/rows/new_mrr?period=2025-Q4", headers=web.auth("chief"))
        assert allowed.status_code == 200 and allowed.json()["total"] > 0
        account = allowed.json()["rows"][0][1]
        # new_mrr is owned by sales: a marketing lead gets 403, in JSON, HTML and CSV.
        for path in ("/api/rows/new_mrr", "/rows/new_mrr.csv", "/api/rows/new_mrr.csv"):
            refused = client.get(f"{path}?period=2025-Q4", headers=web.auth("mkt"))
            assert refused.status_code == 403
            assert account not in refused.text and "acc_" not in refused.text
            assert "start_mrr" not in refused.text and "amount" not in refused.text
        body = assert_error_shape(
            client.get("/api/rows/new_mrr?period=2025-Q4", headers=web.auth("mkt")), 403
        )
        assert "new_mrr" in str(body["error"])
        # The customer-success lead sees the rows of churn, which their function owns.
        own = client.get("/api/rows/churned_mrr?period=2025-Q4", headers=web.auth("cs"))
        assert own.status_code == 200


def test_lead_html_drilldown_refused_in_the_browser_flow(web: WebSetup) -> None:
    with web.client() as client:
        login(client, "mkt")
        refused = client.get("/rows/new_mrr?period=2025-Q4")
        assert refused.status_code == 403 and "acc_" not in refused.text
        assert "403 Forbidden" in refused.text


def test_lead_sees_only_pages_of_their_functions(web: WebSetup) -> None:
    with web.client() as client:
        listed = {p["name"] for p in client.get("/api/pages", headers=web.auth("mkt")).json()}
        assert "efficiency" in listed and "definitions" in listed and "ownership" in listed
        assert "sales" not in listed and "retention" not in listed and "overview" not in listed
        assert_error_shape(client.get("/api/sales", headers=web.auth("mkt")), 403)
        refused = client.get("/api/retention", headers=web.auth("mkt"))
        assert "nrr" not in refused.text.lower()
        assert client.get("/api/efficiency", headers=web.auth("mkt")).status_code == 200
        assert client.get("/api/retention", headers=web.auth("cs")).status_code == 200


@pytest.mark.parametrize(
    ("user", "rows", "users"), [("admin", 200, 200), ("chief", 200, 403), ("viewer", 403, 403)]
)
def test_roles(web: WebSetup, user: str, rows: int, users: int) -> None:
    with web.client() as client:
        every = {p["name"] for p in client.get("/api/pages", headers=web.auth(user)).json()}
        assert {"overview", "revenue", "retention", "efficiency", "sales"} <= every
        got = client.get("/api/rows/mrr?period=2025-Q4&size=1", headers=web.auth(user))
        assert got.status_code == rows
        assert client.get("/api/users", headers=web.auth(user)).status_code == users


def test_metric_values_follow_ownership(web: WebSetup) -> None:
    with web.client() as client:
        assert client.get("/api/metrics/win_rate", headers=web.auth("mkt")).status_code == 403
        own = client.get("/api/metrics/spend_cac?period=quarter", headers=web.auth("mkt"))
        assert own.status_code == 200 and own.json()["values"]
