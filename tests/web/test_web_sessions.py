"""Server-side sessions and sign-in throttling (issue 13 §2; ASVS 3.3.1, 3.3.2, 2.2.1).

A session cookie copied before sign-out, user removal or a timeout must stop working (the
cookie is only signed; the session it names is kept and ended on the server); the 6th wrong
password for one user within a minute answers 429 with Retry-After, and so does the right one
until the window moves on.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from web_helpers import PASSWORD, WebSetup, assert_error_shape, csrf_of, login

from revline.errors import ConfigError
from revline.web import create_app
from revline.web.config import WebSettings
from revline.web.users import users_path

COOKIE = "revline_session"


@pytest.fixture
def app(web: WebSetup) -> Iterator[FastAPI]:
    """An app of its own (its own throttle counts) over the session's warehouse and users."""
    made = create_app(web.warehouse, settings=WebSettings())
    yield made
    made.state.web.close()


def replay(app: FastAPI, cookie: str) -> int:
    """Status of /api/me for a fresh client that only has a copy of ``cookie``."""
    other = TestClient(app, raise_server_exceptions=False)
    other.cookies.set(COOKIE, cookie)
    return other.get("/api/me").status_code


def signed_in(app: FastAPI, user: str) -> tuple[TestClient, str]:
    client = TestClient(app, raise_server_exceptions=False)
    login(client, user)
    cookie = client.cookies.get(COOKIE)
    assert cookie and replay(app, cookie) == 200
    return client, cookie


def test_a_cookie_copied_before_logout_stops_working(app: FastAPI) -> None:
    client, cookie = signed_in(app, "chief")
    page = client.get("/overview")
    done = client.post("/logout", data={"csrf_token": csrf_of(page.text)}, follow_redirects=False)
    assert done.status_code == 303
    assert replay(app, cookie) == 401


def test_removing_a_user_ends_their_sessions_even_if_the_name_returns(
    app: FastAPI, web: WebSetup
) -> None:
    web.store.add("temp", PASSWORD, "exec")
    try:
        _, cookie = signed_in(app, "temp")
        web.store.remove("temp")
        web.store.add("temp", PASSWORD, "viewer")
        assert replay(app, cookie) == 401
    finally:
        web.store.remove("temp")


@pytest.mark.parametrize(("column", "seconds"), [("last_seen", 31 * 60), ("created_at", 13 * 3600)])
def test_idle_and_absolute_timeouts_end_a_session(
    app: FastAPI, web: WebSetup, column: str, seconds: int
) -> None:
    _, cookie = signed_in(app, "chief")
    with sqlite3.connect(users_path(web.warehouse)) as db:
        db.execute(f"UPDATE sessions SET {column} = {column} - ?", (seconds,))
    assert replay(app, cookie) == 401


def post_login(client: TestClient, user: str, password: str) -> tuple[int, dict[str, str]]:
    token = csrf_of(client.get("/login").text)
    answer = client.post(
        "/login",
        data={"username": user, "password": password, "csrf_token": token, "next": "/"},
        headers={"Accept": "application/json"},
        follow_redirects=False,
    )
    return answer.status_code, dict(answer.headers)


def test_sixth_wrong_password_within_a_minute_is_throttled(app: FastAPI) -> None:
    client = TestClient(app, raise_server_exceptions=False)
    statuses = [post_login(client, "cs", "wrong password!")[0] for _ in range(5)]
    assert statuses == [401] * 5
    status, headers = post_login(client, "cs", "wrong password!")
    assert status == 429
    assert 1 <= int(headers["retry-after"]) <= 60
    # Locked: the right password is refused too, before it is checked.
    assert post_login(client, "cs", PASSWORD)[0] == 429
    # Another user from the same address is not locked by cs's failures.
    assert post_login(client, "chief", PASSWORD)[0] == 303


def test_throttle_answer_has_the_error_shape(app: FastAPI) -> None:
    client = TestClient(app, raise_server_exceptions=False)
    for _ in range(5):
        post_login(client, "viewer", "nope nope nope")
    answer = client.post(
        "/login",
        data={
            "username": "viewer",
            "password": "x",
            "csrf_token": csrf_of(client.get("/login").text),
        },
        headers={"Accept": "application/json"},
    )
    body = assert_error_shape(answer, 429)
    assert "Try again in" in str(body["hint"]) and answer.headers["retry-after"]


def test_a_successful_sign_in_clears_the_user_count() -> None:
    from revline.web.throttle import LoginThrottle

    throttle = LoginThrottle(WebSettings(login_limits_account="3/minute"))
    for _ in range(2):
        throttle.failed("Ann", "10.0.0.1")
    throttle.succeeded("ann")
    for _ in range(2):
        throttle.failed("ann", "10.0.0.1")
    assert throttle.retry_after("ann", "10.0.0.1") is None
    throttle.failed("ann", "10.0.0.1")
    assert throttle.retry_after("ANN", "10.0.0.2") is not None  # names are case-blind


@pytest.mark.parametrize(
    ("env", "fragment"),
    [
        ({"REVLINE_SESSION_IDLE_MINUTES": "soon"}, "not a number"),
        ({"REVLINE_SESSION_MAX_HOURS": "0"}, "session_max_hours is 0.0"),
        ({"REVLINE_LOGIN_LIMITS_ACCOUNT": "lots"}, "not a list of limits"),
    ],
)
def test_bad_settings_are_refused(env: dict[str, str], fragment: str) -> None:
    with pytest.raises(ConfigError, match=fragment):
        WebSettings.from_env(env)


def test_settings_from_the_environment() -> None:
    got = WebSettings.from_env(
        {"REVLINE_SESSION_IDLE_MINUTES": "5", "REVLINE_LOGIN_LIMITS_ADDRESS": "3/minute"}
    )
    assert got.idle_seconds == 300 and got.login_limits_address == "3/minute"
