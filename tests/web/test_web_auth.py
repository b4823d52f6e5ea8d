"""Sign-in, sessions, API tokens, CSRF, and the user store (hashes only, shared with the CLI)."""

from __future__ import annotations

import sqlite3

import pytest
from web_helpers import PASSWORD, WebSetup, assert_error_shape, csrf_of, login

from revline.errors import ConfigError
from revline.web.users import UserStore, check_password, hash_password, users_path


def test_unauthenticated_html_redirects_to_login_and_api_gets_401(web: WebSetup) -> None:
    with web.client() as client:
        page = client.get("/revenue?period=2025-Q4", follow_redirects=False)
        assert page.status_code == 303
        assert page.headers["location"] == "/login?next=%2Frevenue%3Fperiod%3D2025-Q4"
        for path in ("/api/revenue", "/api/rows/mrr", "/api/metrics", "/openapi.json", "/api/me"):
            body = assert_error_shape(client.get(path), 401)
            assert "revenue" not in str(body).lower() or path == "/api/revenue"
        assert client.get("/login").status_code == 200
        assert client.get("/static/style.css").status_code == 200


def test_login_logout_with_csrf(web: WebSetup) -> None:
    with web.client() as client:
        form = client.get("/login")
        wrong = client.post(
            "/login",
            data={"username": "chief", "password": "nope-nope", "csrf_token": csrf_of(form.text)},
        )
        assert wrong.status_code == 401 and "Wrong user name or password" in wrong.text
        login(client, "chief")
        me = client.get("/api/me").json()
        assert me == {"username": "chief", "role": "exec", "functions": []}
        page = client.get("/definitions")
        refused = client.post("/logout", data={"csrf_token": "forged"}, follow_redirects=False)
        assert refused.status_code == 403
        assert client.get("/api/me").status_code == 200  # still signed in
        done = client.post(
            "/logout", data={"csrf_token": csrf_of(page.text)}, follow_redirects=False
        )
        assert done.status_code == 303
        assert client.get("/api/me").status_code == 401


def test_login_without_csrf_token_is_refused(web: WebSetup) -> None:
    with web.client() as client:
        client.get("/login")
        response = client.post(
            "/login",
            data={"username": "chief", "password": PASSWORD},
            headers={"accept": "application/json"},
        )
        assert_error_shape(response, 403)
        assert client.get("/api/me").status_code == 401


def test_login_does_not_follow_offsite_next(web: WebSetup) -> None:
    with web.client() as client:
        form = client.get("/login")
        response = client.post(
            "/login",
            data={
                "username": "chief",
                "password": PASSWORD,
                "csrf_token": csrf_of(form.text),
                "next": "//evil.example/x",
            },
            follow_redirects=False,
        )
        assert response.headers["location"] == "/"


def test_api_tokens(web: WebSetup) -> None:
    with web.client() as client:
        assert client.get("/api/me", headers=web.auth("mkt")).json()["functions"] == ["marketing"]
        assert_error_shape(client.get("/api/me", headers={"Authorization": "Bearer rl_x"}), 401)


def test_store_keeps_hashes_only(web: WebSetup) -> None:
    raw = web.store.path.read_bytes()
    assert PASSWORD.encode() not in raw
    assert web.tokens["chief"].encode() not in raw
    with sqlite3.connect(web.store.path) as db:
        stored = db.execute("SELECT password FROM users WHERE username = 'chief'").fetchone()[0]
    assert stored.startswith("scrypt$") and check_password(PASSWORD, stored)
    assert not check_password("wrong password", stored)
    assert hash_password(PASSWORD) != hash_password(PASSWORD)  # salted


def test_cli_users_while_the_server_holds_the_warehouse(
    web: WebSetup, revline_cli: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`revline users` works while the app holds the DuckDB file open; changes apply at once."""
    run = revline_cli
    w = str(web.warehouse)
    monkeypatch.setenv("REVLINE_PASSWORD", "a new password 1")
    added = run("users", "add", "temp", "--role", "lead", "-f", "sales", "-w", w)  # type: ignore[operator]
    assert added.exit_code == 0, added.output
    listed = run("users", "list", "-w", w)  # type: ignore[operator]
    assert "temp" in listed.stdout and "sales" in listed.stdout
    token = run("users", "token", "temp", "-w", w).stdout.strip()  # type: ignore[operator]
    with web.client() as client:
        headers = {"Authorization": f"Bearer {token}"}
        assert client.get("/api/me", headers=headers).json()["role"] == "lead"
        login(client, "temp", "a new password 1")
        assert client.get("/api/me").status_code == 200
        removed = run("users", "remove", "temp", "-w", w)  # type: ignore[operator]
        assert removed.exit_code == 0
        assert client.get("/api/me").status_code == 401  # the session ends with the user
        assert client.get("/api/me", headers=headers).status_code == 401


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["x", "--role", "boss"], "Unknown role 'boss'"),
        (["x", "--role", "lead"], "has no functions"),
        (["x", "--role", "lead", "-f", "markting"], "Did you mean 'marketing'?"),
        (["x", "--role", "exec", "-f", "sales"], "Only the lead role"),
        (["bad name!", "--role", "exec"], "is not valid"),
        (["chief", "--role", "exec"], "already exists"),
    ],
)
def test_cli_users_errors(
    web: WebSetup,
    revline_cli: object,
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    message: str,
) -> None:
    monkeypatch.setenv("REVLINE_PASSWORD", "long enough password")
    result = revline_cli("users", "add", *args, "-w", str(web.warehouse))  # type: ignore[operator]
    assert result.exit_code == 2 and message in result.output
    assert "Traceback" not in result.output


def test_short_password_and_unknown_user(tmp_path: object) -> None:
    store = UserStore(users_path(f"{tmp_path}/w.duckdb"))
    with pytest.raises(ConfigError, match="Use at least 8"):
        store.add("a", "short", "viewer")
    with pytest.raises(ConfigError, match="Unknown user 'ghost'"):
        store.remove("ghost")
    assert store.authenticate("ghost", "whatever1") is None
    assert store.secret_key() == store.secret_key()
