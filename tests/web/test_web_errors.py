"""One JSON error shape for every error: 401, 403, 404, 422 and 500 (datasette's test)."""

from __future__ import annotations

import pytest
from web_helpers import WebSetup, assert_error_shape

from revline.web import create_app, registry
from revline.web.registry import Page, PageContext


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/api/nope", 404),
        ("/api/metrics/nrrr", 404),
        ("/api/rows/nrrr", 404),
        ("/api/rows/win_rate", 404),  # no row-level drill-down
        ("/api/revenue?period=2025-Q9", 422),
        ("/api/revenue?period=0000", 422),
        ("/api/revenue?segment=smbx", 422),
        ("/api/revenue?segment=smb&region=emea", 422),
        ("/api/overview?segment=smb", 422),
        ("/api/definitions?period=2025-Q4", 422),
        ("/api/rows/mrr?size=0", 422),
        ("/api/rows/mrr?page=abc", 422),
        ("/api/rows/mrr?value=smb", 422),
        ("/api/rows/mrr?by=colour", 422),
        ("/api/metrics/nrr?by=owner", 422),
        ("/api/users", 403),
    ],
)
def test_error_shape(web: WebSetup, path: str, status: int) -> None:
    with web.client() as client:
        body = assert_error_shape(client.get(path, headers=web.auth("chief")), status)
        if status == 422 and "segment=smbx" in path:
            assert "Did you mean 'smb'?" in str(body["error"])


def test_html_errors_keep_the_status_and_show_no_trace(web: WebSetup) -> None:
    with web.client() as client:
        page = client.get("/revenue?period=2025-Q9", headers=web.auth("chief"))
        assert page.status_code == 422 and "Cannot read period" in page.text
        assert "text/html" in page.headers["content-type"] and "Traceback" not in page.text
        missing = client.get("/nowhere", headers=web.auth("chief"))
        assert missing.status_code == 404 and "Traceback" not in missing.text


def test_unexpected_exception_is_a_500_with_the_shape(web: WebSetup) -> None:
    def boom(ctx: PageContext) -> dict[str, object]:
        raise RuntimeError("secret internals /etc/passwd")

    page = Page(name="boom", title="Boom", functions=(), data=boom, precompute=False)
    from fastapi.testclient import TestClient

    with registry.PAGES.temporary("boom", page):
        app = create_app(web.warehouse)
    with TestClient(app, raise_server_exceptions=False) as client:
        body = assert_error_shape(client.get("/api/boom", headers=web.auth("chief")), 500)
        assert "secret" not in str(body)
        html = client.get("/boom", headers=web.auth("chief"))
        assert html.status_code == 500 and "secret" not in html.text
    app.state.web.close()
