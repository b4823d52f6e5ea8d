"""Roles hold on every figure (issue 13 section 1): for every role x every page twin x every
metric and row route, an answer holds only the figures the role may see, and every link a page
shows opens for that user.

"What a role may see" is worked out here from the org map and the metric registry, not from
the redaction code: a lead sees the metrics their functions own (and their rows), a viewer
every metric but no rows, admins and executives everything.
"""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from web_helpers import USERS, WebSetup

from revline.metrics.api import REGISTRY
from revline.metrics.drill import ROWS
from revline.org import load_org
from revline.web.registry import Filters, Page, pages

ORG = load_org(None)
OWNER = {name: ORG.metric_owner(name, m.owner).function for name, m in REGISTRY.items()}
ROLE_USERS = sorted(USERS)
PAGES = pages()
ROW_LINK = re.compile(r"^/(?:api/)?rows/([A-Za-z0-9_]+)")


def may_see_metrics(user: str) -> set[str]:
    role, functions = USERS[user]
    if role != "lead":
        return set(REGISTRY)
    return {name for name, owner in OWNER.items() if owner in functions}


def may_see_rows(user: str) -> set[str]:
    role, functions = USERS[user]
    if role in ("admin", "exec"):
        return set(ROWS)
    if role == "lead":
        return {name for name in ROWS if OWNER[name] in functions}
    return set()


def may_see_owners(user: str) -> set[str]:
    role, functions = USERS[user]
    return set(functions) if role == "lead" else set(ORG.functions)


def may_open(user: str, page: Page) -> bool:
    role, functions = USERS[user]
    return role != "lead" or not page.functions or bool(set(page.functions) & set(functions))


def shown(obj: Any) -> tuple[set[str], set[str], set[str]]:
    """(metric names, owner functions, drill-down metrics) an answer carries, wherever they
    are: a ``metric`` or ``_metric`` name, a ``metrics`` list, an ``_owner`` or ``owners``,
    and the metric of every ``/rows/...`` link."""
    metrics: set[str] = set()
    owners: set[str] = set()
    drills: set[str] = set()

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if key in ("metric", "_metric") and isinstance(item, str):
                    metrics.add(item)
                elif key == "metrics" and isinstance(item, list):
                    metrics.update(str(m) for m in item)
                elif key == "_owner" and isinstance(item, str) and item:
                    owners.add(item)
                elif key == "owners" and isinstance(item, list):
                    owners.update(str(o) for o in item)
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)
        elif isinstance(value, str):
            found = ROW_LINK.match(value)
            if found:
                drills.add(found[1])

    walk(obj)
    return metrics, owners, drills


#: (user, link) already checked, so each link is fetched once per user in the session.
CHECKED: dict[tuple[str, str], int] = {}


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
@pytest.mark.parametrize("user", ROLE_USERS)
def test_page_twins_hold_only_what_the_role_may_see(web: WebSetup, user: str, page: Page) -> None:
    with web.client() as client:
        got = client.get(page.api_path, headers=web.auth(user))
        page_html = client.get(page.path, headers=web.auth(user))
        if not may_open(user, page):
            assert got.status_code == 403 and page_html.status_code == 403
            return
        assert got.status_code == 200, got.text
        assert page_html.status_code == 200
        metrics, owners, drills = shown(got.json())
        assert metrics <= may_see_metrics(user), metrics - may_see_metrics(user)
        assert owners <= may_see_owners(user), owners - may_see_owners(user)
        assert drills <= may_see_rows(user), drills - may_see_rows(user)
        # The HTML twin: the figures it marks and every link it shows.
        text = page_html.text
        marked = set(re.findall(r'data-metric="([^"]*)"', text)) - {""}
        assert marked <= may_see_metrics(user), marked - may_see_metrics(user)
        links = {html.unescape(h) for h in re.findall(r'href="([^"#]+)"', text)}
        linked_rows = {m[1] for link in links if (m := ROW_LINK.match(link))}
        assert linked_rows <= may_see_rows(user), linked_rows - may_see_rows(user)
        for link in sorted(links):
            if (user, link) not in CHECKED:
                answer = client.get(link, headers=web.auth(user), follow_redirects=True)
                CHECKED[(user, link)] = answer.status_code
            assert CHECKED[(user, link)] == 200, (link, CHECKED[(user, link)])


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_page_marks_what_its_figures_show(web: WebSetup, page: Page) -> None:
    """The rule can only hold on figures a page marks: every figure names its metric, every
    chart its metrics or owners, and every number column of a table its metric (or the table
    its metrics, or each row its metric or owner)."""
    data = web.app.state.web.page_data(page, Filters())
    for figure in data.get("figures", []):
        assert figure.get("metric") in REGISTRY, figure
    for chart in data.get("charts", []):
        assert chart.get("metrics") or chart.get("owners"), chart["id"]
        assert set(chart.get("metrics", [])) <= set(REGISTRY)
    for table in data.get("tables", []):
        marks = table.get("marks", [])
        assert not marks or len(marks) == len(table["rows"])
        every_row = len(marks) == len(table["rows"])
        marked = bool(table.get("metrics")) or (
            every_row and all(m.get("_metric") or m.get("_owner") for m in marks)
        )
        for col in table["columns"]:
            if col["unit"] != "text":
                assert marked or col.get("metric") in REGISTRY, (table["id"], col["key"])
    for note in data.get("notes", []):
        assert isinstance(note, str | dict)


@pytest.mark.parametrize("user", ROLE_USERS)
def test_metric_values_route_follows_the_rule(web: WebSetup, user: str) -> None:
    allowed = may_see_metrics(user)
    with web.client() as client:
        for name in REGISTRY:
            got = client.get(f"/api/metrics/{name}", headers=web.auth(user))
            if name in allowed:
                assert got.status_code != 403, (name, got.text)
                if got.status_code == 200:
                    assert got.json()["metric"]["name"] == name
            else:
                assert got.status_code == 403, name
                assert "values" not in got.text


@pytest.mark.parametrize("user", ROLE_USERS)
def test_row_and_csv_routes_follow_the_rule(web: WebSetup, user: str) -> None:
    allowed = may_see_rows(user)
    with web.client() as client:
        for name in ROWS:
            for path in (f"/api/rows/{name}?size=1", f"/rows/{name}.csv", f"/rows/{name}?size=1"):
                got = client.get(path, headers=web.auth(user))
                assert got.status_code == (200 if name in allowed else 403), (path, got.text)


def efficiency_of(web: WebSetup, user: str) -> dict[str, Any]:
    with web.client() as client:
        got = client.get("/api/efficiency", headers=web.auth(user))
        assert got.status_code == 200
        return dict(got.json())


def test_marketing_lead_efficiency_holds_no_revops_or_sales_figure(web: WebSetup) -> None:
    mine = efficiency_of(web, "mkt")
    metrics, _, drills = shown(mine)
    assert {OWNER[m] for m in metrics} == {"marketing"}, metrics
    assert [f["metric"] for f in mine["figures"]] == ["spend_cac", "pipeline_per_marketing_dollar"]
    assert not mine["tables"] and not mine["charts"] and not drills
    withheld = {w["owner"]: w["labels"] for w in mine["withheld"]}
    assert {"CAC", "LTV:CAC", "CAC ratio", "Magic number", "S&M spend"} <= set(withheld["RevOps"])
    assert "New ARR" in withheld["Sales"]
    # Labels, never ids: no withheld metric's name is in the answer.
    assert '"cac"' not in str(mine).replace("'", '"') and "new_arr" not in str(mine)
    # The admin's answer has them all, and a figure's exact value is not in the lead's.
    every = efficiency_of(web, "admin")
    assert {"cac", "ltv_cac", "new_arr", "sm_spend"} <= {f["metric"] for f in every["figures"]}
    assert every["withheld"] == []
    with web.client() as client:
        page = client.get("/efficiency", headers=web.auth("mkt")).text
    assert "Withheld for your role" in page and "owned by RevOps" in page
    assert "LTV:CAC" in page and 'data-figure="cac"' not in page


def test_sales_lead_revenue_holds_no_revops_figure(web: WebSetup) -> None:
    with web.client() as client:
        mine = client.get("/api/revenue", headers=web.auth("sales")).json()
    metrics, _, drills = shown(mine)
    assert not {"arr", "mrr", "customers", "net_new_mrr", "mrr_growth"} & metrics
    assert {OWNER[m] for m in metrics | drills} == {"sales"}
    assert [f["metric"] for f in mine["figures"]] == ["arpa"]
    bridge = next(t for t in mine["tables"] if t["id"] == "mrr_bridge")
    assert [mark["_metric"] for mark in bridge["marks"]] == ["new_mrr"]
    assert [row["step"]["value"] for row in bridge["rows"]] == ["New"]


def owned(answer: dict[str, Any], table_id: str) -> list[tuple[dict[str, Any], str]]:
    """(row, owning function) of each row of a table of a page answer."""
    table = next(t for t in answer["tables"] if t["id"] == table_id)
    return [(row, mark["_owner"]) for row, mark in zip(table["rows"], table["marks"], strict=True)]


@pytest.mark.parametrize("user", [u for u in ROLE_USERS if USERS[u][0] == "lead"])
def test_lead_diagnosis_holds_only_their_functions_findings(web: WebSetup, user: str) -> None:
    with web.client() as client:
        every = client.get("/api/diagnosis", headers=web.auth("admin")).json()
        mine = client.get("/api/diagnosis", headers=web.auth(user)).json()
    functions = set(USERS[user][1])
    findings = owned(mine, "findings")
    all_findings = owned(every, "findings")
    assert {owner for _, owner in findings} <= functions
    theirs = [row for row, owner in all_findings if owner in functions]
    # The same findings the admin sees of their functions, in the same order (top 10).
    assert [row["problem"] for row, _ in findings] == [row["problem"] for row in theirs][:10]
    ranks = {row["rank"]["value"] for row, _ in findings}
    evidence = owned(mine, "evidence")
    assert {row["rank"]["value"] for row, _ in evidence} <= ranks
    assert {owner for _, owner in evidence} <= functions
    hidden = {owner for _, owner in all_findings} - functions
    assert {w["owner"] for w in mine["withheld"]} >= {ORG.owner(f).label for f in hidden}


def test_viewer_sees_every_figure_but_no_row_ids_or_drill_links(web: WebSetup) -> None:
    with web.client() as client:
        viewer = client.get("/api/diagnosis", headers=web.auth("viewer")).json()
        admin = client.get("/api/diagnosis", headers=web.auth("admin")).json()
        overview = client.get("/overview", headers=web.auth("viewer")).text
        revenue = client.get("/api/revenue", headers=web.auth("viewer")).json()
    seen = next(t for t in viewer["tables"] if t["id"] == "findings")["rows"]
    full = next(t for t in admin["tables"] if t["id"] == "findings")["rows"]
    assert [r["problem"] for r in seen] == [r["problem"] for r in full]
    assert all(r["rows"]["value"] == "" for r in seen)
    assert any(r["rows"]["value"] for r in full)
    assert "/rows/" not in overview
    assert {f["metric"] for f in revenue["figures"]} >= {"arr", "mrr", "customers"}
    assert all(f["drill"] is None for f in revenue["figures"])
    assert revenue["withheld"] == []


def test_an_answer_is_never_served_to_another_visibility_class(web: WebSetup) -> None:
    with web.client() as client:
        admin = client.get("/api/efficiency", headers=web.auth("admin"))
        lead = client.get(
            "/api/efficiency", headers={**web.auth("mkt"), "If-None-Match": admin.headers["etag"]}
        )
        assert lead.status_code == 200 and lead.headers["etag"] != admin.headers["etag"]
        assert lead.content != admin.content
        # The same class again: the same bytes.
        again = client.get("/api/efficiency", headers=web.auth("mkt"))
        assert again.content == lead.content
        # An HTML frame: the marketing lead does not get the admin's figures after them.
        client.get("/efficiency", headers=web.auth("admin"))
        page = client.get("/efficiency", headers=web.auth("mkt")).text
        assert 'data-metric="cac"' not in page
