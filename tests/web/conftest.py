"""Fixtures of the web tests: one small synthetic company and one app, shared by the session.

The warehouse (2,000 accounts, 24 months) is built once; the app is created once, so each
page's data is computed once for the whole session (on first use) and every test, and the
browser test serving the same app from a uvicorn thread, reads the same cache.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from web_helpers import PASSWORD, USERS, WebSetup

from revline.synth import generate
from revline.warehouse import Warehouse
from revline.web import create_app
from revline.web.users import UserStore, users_path


@pytest.fixture(scope="session")
def web_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("web") / "company.duckdb"
    with Warehouse.create(path) as wh:
        generate(wh, accounts=2_000, months=24, seed=7)
    return path


@pytest.fixture(scope="session")
def web(web_warehouse: Path) -> Iterator[WebSetup]:
    store = UserStore(users_path(web_warehouse))
    tokens = {}
    for name, (role, functions) in USERS.items():
        store.add(name, PASSWORD, role, functions)
        tokens[name] = store.create_token(name, "tests")
    app = create_app(web_warehouse)  # pages are computed on first use, then cached
    yield WebSetup(web_warehouse, app, store, tokens)
    app.state.web.close()
