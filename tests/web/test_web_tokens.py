"""API tokens: listed without the secret, revoked, expiring, with their last use (issue 13 §2).

A revoked or expired token answers 401 at once, also on a running server (the user cache sees
the user file change); a user file from before token ids and expiries is upgraded in place.
"""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest
from web_helpers import WebSetup

from revline.errors import ConfigError
from revline.web.users import UserStore


def status(web: WebSetup, token: str) -> int:
    with web.client() as client:
        return client.get("/api/me", headers={"Authorization": f"Bearer {token}"}).status_code


def test_revoked_token_answers_401(web: WebSetup) -> None:
    token = web.store.create_token("viewer", "to revoke")
    assert status(web, token) == 200
    listed = [t for t in web.store.tokens("viewer") if t.label == "to revoke"]
    assert len(listed) == 1 and listed[0].last_used_at is not None
    assert token not in repr(web.store.tokens())  # the list never holds a token
    web.store.revoke_token(listed[0].token_id)
    assert status(web, token) == 401
    with pytest.raises(ConfigError, match="Unknown token id"):
        web.store.revoke_token(listed[0].token_id)


def test_expired_token_answers_401(web: WebSetup) -> None:
    token = web.store.create_token("viewer", "short", expires_days=1, now=time.time() - 2 * 86400)
    assert status(web, token) == 401
    never = web.store.create_token("viewer", "forever", expires_days=None)
    assert status(web, never) == 200
    assert [t.expires_at for t in web.store.tokens("viewer") if t.label == "forever"] == [None]


def test_a_token_cannot_be_made_to_expire_in_the_past(web: WebSetup) -> None:
    with pytest.raises(ConfigError, match="cannot expire after 0 days"):
        web.store.create_token("viewer", "bad", expires_days=0)


def test_an_older_user_file_is_upgraded(tmp_path: Path) -> None:
    path = tmp_path / "old.users.sqlite"
    with sqlite3.connect(path) as db:
        db.executescript(
            "CREATE TABLE users (username TEXT PRIMARY KEY, role TEXT NOT NULL, "
            "functions TEXT NOT NULL, password TEXT NOT NULL, created_at TEXT NOT NULL);"
            "CREATE TABLE tokens (token_hash TEXT PRIMARY KEY, username TEXT NOT NULL "
            "REFERENCES users(username) ON DELETE CASCADE, label TEXT NOT NULL, "
            "created_at TEXT NOT NULL);"
            "INSERT INTO users VALUES ('ann', 'exec', '', 'x', '2025-01-01');"
            "INSERT INTO tokens VALUES ('abc', 'ann', 'old', '2025-01-01');"
        )
    store = UserStore(path)
    [old] = store.tokens()
    assert old.token_id.startswith("tok_") and old.expires_at is None and old.label == "old"


def test_cli_lists_and_revokes_tokens(web: WebSetup, revline_cli: Any) -> None:
    warehouse = str(web.warehouse)
    made = revline_cli("users", "token", "viewer", "--label", "cli", "-w", warehouse)
    assert made.exit_code == 0, made.output
    token = made.stdout.strip()
    listed = revline_cli("users", "tokens", "viewer", "-f", "json", "-w", warehouse)
    assert listed.exit_code == 0 and token not in listed.stdout
    [row] = [r for r in json.loads(listed.stdout) if r["label"] == "cli"]
    assert row["user"] == "viewer" and row["last used"] == "never"
    gone = revline_cli("users", "revoke-token", row["id"], "-w", warehouse)
    assert gone.exit_code == 0 and row["id"] in gone.stdout
    assert status(web, token) == 401
    bad = revline_cli("users", "revoke-token", "tok_nope", "-w", warehouse)
    assert bad.exit_code == 2 and "Unknown token id" in bad.output
    assert "Traceback" not in bad.output
