"""Helpers of the web tests (imported by name: this folder is on sys.path under pytest)."""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient

from revline.org import load_org
from revline.web.users import UserStore

PASSWORD = "correct horse battery"
#: user name -> (role, functions)
USERS: dict[str, tuple[str, tuple[str, ...]]] = {
    "admin": ("admin", ()),
    "chief": ("exec", ()),
    "mkt": ("lead", ("marketing",)),
    "cs": ("lead", ("customer_success",)),
    "sales": ("lead", ("sales",)),
    "revops": ("lead", ("revops",)),
    "mkt_sales": ("lead", ("marketing", "sales")),
    "viewer": ("viewer", ()),
}
#: The functions of the org map the app serves (the default map).
FUNCTIONS: tuple[str, ...] = tuple(load_org(None).functions)
for _fn in FUNCTIONS:  # a lead of every function of the org map
    if ("lead", (_fn,)) not in USERS.values():
        USERS[f"lead_{_fn}"] = ("lead", (_fn,))


@dataclass(frozen=True)
class WebSetup:
    warehouse: Path
    app: FastAPI
    store: UserStore
    tokens: dict[str, str]

    def client(self) -> AbstractContextManager[TestClient]:
        """A test client on the shared app, without its lifespan (which would close the
        session's warehouse on exit)."""
        return nullcontext(TestClient(self.app, raise_server_exceptions=False))

    @property
    def settings(self) -> Any:
        """The metric settings the app computes with (the data's as-of date)."""
        return self.app.state.web.settings

    def auth(self, user: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[user]}"}


def as_text(value: Any) -> str:
    """A JSON twin's value as the page's ``data-value`` attribute shows it: money and text as
    they are, numbers as Python (and Jinja) print them, missing as empty."""
    return "" if value is None else value if isinstance(value, str) else str(value)


def login(client: TestClient, user: str, password: str = PASSWORD) -> None:
    """Sign ``client`` in through the login form (with its CSRF token)."""
    page = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token, page.text
    done = client.post(
        "/login",
        data={"username": user, "password": password, "csrf_token": token[1], "next": "/"},
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, html
    return found[1]


ERROR_KEYS = {"ok", "status", "title", "error", "hint", "details"}


def assert_error_shape(response: httpx.Response, status: int) -> dict[str, object]:
    """The one JSON error shape, with ``status`` both in the body and on the response."""
    code = response.status_code
    body = response.json()
    assert code == status, body
    assert set(body) == ERROR_KEYS, body
    assert body["ok"] is False and body["status"] == status
    assert isinstance(body["error"], str) and body["error"]
    assert "Traceback" not in str(body)
    return dict(body)


@contextmanager
def served(app: FastAPI, log_level: str = "warning") -> Iterator[int]:
    """``app`` served by uvicorn on a free loopback port (in a thread); yields the port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level=log_level, lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(400):  # up to 20 s: the machine may be busy
        if server.started:
            break
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    try:
        yield port
    finally:
        server.should_exit = True
        thread.join(timeout=10)
