"""Schemathesis against the app's OpenAPI schema: generated requests never get a 5xx, and
every error answer has the one error shape."""

from __future__ import annotations

import hypothesis
import pytest
import schemathesis
from web_helpers import ERROR_KEYS, WebSetup

pytestmark = pytest.mark.slow


def test_no_server_errors(web: WebSetup) -> None:
    """Every operation of the schema, with generated parameters: no 5xx, errors in shape."""
    schema = schemathesis.openapi.from_asgi("/openapi.json", web.app, headers=web.auth("chief"))
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10
    seen: list[int] = []
    for operation in operations:

        @hypothesis.given(case=operation.as_strategy())
        @hypothesis.settings(
            max_examples=12,
            deadline=None,
            suppress_health_check=list(hypothesis.HealthCheck),
            derandomize=True,
            database=None,
        )
        def check(case: schemathesis.Case) -> None:
            response = case.call(headers=web.auth("chief"))
            seen.append(response.status_code)
            assert response.status_code < 500, (case.path, case.query, response.text[:300])
            if response.status_code >= 400 and "json" in response.headers.get("content-type", ""):
                body = response.json()
                assert set(body) == ERROR_KEYS and body["status"] == response.status_code

        check()
    assert any(code == 422 for code in seen) and any(code == 200 for code in seen)


def test_schema_lists_every_page_twin(web: WebSetup) -> None:
    from revline.web.registry import pages

    paths = web.app.openapi()["paths"]
    for page in pages():
        assert page.api_path in paths
    assert "/login" not in paths and "/revenue" not in paths  # HTML routes stay out


def test_schema_declares_the_bearer_and_cookie_schemes(web: WebSetup) -> None:
    with web.client() as client:
        schema = client.get("/openapi.json", headers=web.auth("chief")).json()
    schemes = schema["components"]["securitySchemes"]
    assert schemes["bearer"] == {
        "type": "http",
        "scheme": "bearer",
        "description": schemes["bearer"]["description"],
    }
    assert (schemes["session"]["in"], schemes["session"]["name"]) == ("cookie", "revline_session")
    assert schema["security"] == [{"bearer": []}, {"session": []}]
