"""The dashboard in a real browser: Debian's chromium driven by Playwright (../shared/STACK.md).

The session's app is served by uvicorn on a free loopback port. The test signs in, opens every
registered page (pages added later are covered as soon as they register), saves a screenshot
of each, checks every figure and table cell on the page against the page's JSON twin, applies
a filter, follows a drill-down, downloads its CSV, and checks that a function lead is refused
another function's rows and that an unauthenticated visitor gets the login page or a 401.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from web_helpers import PASSWORD, WebSetup, as_text, served

from revline.web.registry import pages

pytestmark = pytest.mark.slow
playwright_api = pytest.importorskip("playwright.sync_api")
CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
BUILT_IN = ("overview", "revenue", "retention", "efficiency", "sales", "ownership", "definitions")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "web"


@pytest.fixture(scope="module")
def base_url(web: WebSetup) -> Iterator[str]:
    with served(web.app) as port:
        yield f"http://127.0.0.1:{port}"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium is not installed at /usr/bin/chromium")
    with playwright_api.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield launched
        launched.close()


def sign_in(page: Any, base_url: str, user: str, target: str) -> None:
    page.goto(f"{base_url}{target}")
    assert "/login" in page.url
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base_url}{target}")


def figures_on(page: Any) -> dict[str, str]:
    return dict(
        page.eval_on_selector_all(
            "[data-figure]", "els => els.map(e => [e.dataset.figure, e.dataset.value])"
        )
    )


def cells_on(page: Any) -> dict[str, str]:
    return dict(
        page.eval_on_selector_all(
            "[data-cell]", "els => els.map(e => [e.dataset.cell, e.dataset.value])"
        )
    )


def twin(body: dict[str, Any]) -> tuple[dict[str, str], dict[str, str]]:
    figures = {f["id"]: as_text(f["value"]) for f in body.get("figures", [])}
    cells = {
        f"{t['id']}.{i}.{key}": as_text(cell["value"])
        for t in body.get("tables", [])
        for i, row in enumerate(t["rows"])
        for key, cell in row.items()
    }
    return figures, cells


def test_dashboard_in_chromium(web: WebSetup, base_url: str, browser: Any) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    # Every page renders under the content security policy with no console error (a CSP
    # violation, a failed resource or a script error is reported there).
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    # Unauthenticated: the API answers 401, a page sends the browser to the login form.
    assert context.request.get(f"{base_url}/api/revenue").status == 401
    sign_in(page, base_url, "chief", "/overview")

    served = web.app.state.web.pages  # every registered page (the app's view of the registry)
    assert {p.name for p in served} >= {p.name for p in pages() if p.name in BUILT_IN}
    for registered in served:
        response = page.goto(f"{base_url}{registered.path}")
        assert response is not None and response.status == 200, registered.name
        assert page.locator("h1").first.inner_text().startswith(registered.title)
        shot = ARTIFACTS / f"{registered.name}.png"
        page.screenshot(path=str(shot), full_page=True)
        assert shot.stat().st_size > 5_000
        body = context.request.get(f"{base_url}{registered.api_path}").json()
        figures, cells = twin(body)
        assert figures_on(page) == figures, registered.name
        assert cells_on(page) == cells, registered.name
        for chart in body.get("charts", []):
            assert page.locator(f'[data-chart="{chart["id"]}"]').count() == 1
        assert response.headers.get("content-security-policy"), registered.name
    assert problems == [], problems

    # Apply a filter through the form; the page then equals the API for the same query.
    page.goto(f"{base_url}/retention")
    page.select_option("select[name=segment]", "smb")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**/retention?**segment=smb**")
    filtered = context.request.get(f"{base_url}/api/retention?segment=smb").json()
    assert filtered["filters"]["segment"] == "smb"
    assert figures_on(page) == twin(filtered)[0]
    page.screenshot(path=str(ARTIFACTS / "retention-smb.png"), full_page=True)

    # Follow a figure's drill-down, then download the rows as CSV.
    page.goto(f"{base_url}/revenue")
    nrr_link = page.locator('[data-figure="customers"] a.drill')
    count = int(page.get_attribute('[data-figure="customers"]', "data-value") or "0")
    nrr_link.click()
    page.wait_for_url("**/rows/customers?**")
    total = int(page.get_attribute("[data-total]", "data-total") or "-1")
    assert total == count  # one row per paying customer at the period end
    page.screenshot(path=str(ARTIFACTS / "drilldown.png"), full_page=True)
    with page.expect_download() as info:
        page.click("a.csv")
    download = info.value
    saved = ARTIFACTS / download.suggested_filename
    download.save_as(str(saved))
    rows = list(csv.DictReader(io.StringIO(saved.read_text())))
    assert len(rows) == total and "account_id" in rows[0]
    context.close()


def test_lead_is_refused_other_rows_in_the_browser(base_url: str, browser: Any) -> None:
    context = browser.new_context()
    page = context.new_page()
    sign_in(page, base_url, "mkt", "/efficiency")
    nav = page.locator("header nav a").all_inner_texts()
    assert "Sales" not in nav and "GTM efficiency" in nav
    # The lead's view: marketing's figures, and what is withheld said in words.
    page.screenshot(path=str(ARTIFACTS / "efficiency-marketing-lead.png"), full_page=True)
    withheld = page.locator("[data-withheld]").inner_text()
    assert "LTV:CAC" in withheld and "owned by RevOps" in withheld, withheld
    assert set(figures_on(page)) == {"spend_cac", "pipeline_per_marketing_dollar"}
    assert page.locator("a.drill").count() == 0
    response = page.goto(f"{base_url}/rows/new_mrr?period=2025-Q4")
    assert response is not None and response.status == 403
    text = page.content()
    assert "acc_" not in text and "start_mrr" not in text
    assert page.goto(f"{base_url}/sales").status == 403  # type: ignore[union-attr]
    context.close()
