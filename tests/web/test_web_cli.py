"""`revline serve` and the demo's login helper."""

from __future__ import annotations

from pathlib import Path

from web_helpers import WebSetup, login

from revline.web.demo import demo_login


def test_serve_without_a_warehouse_is_a_clear_error(revline_cli: object, tmp_path: Path) -> None:
    result = revline_cli("serve", "-w", str(tmp_path / "none.duckdb"))  # type: ignore[operator]
    assert result.exit_code == 2
    assert "No warehouse at" in result.output and "revline init" in result.output
    assert "Traceback" not in result.output


def test_demo_login_creates_a_cro_that_can_sign_in(web: WebSetup) -> None:
    assert web.store.get("cro") is None
    first = demo_login(web.warehouse)
    second = demo_login(web.warehouse)  # a rerun resets the password
    assert first.username == second.username == "cro"
    assert first.password != second.password and second.password in str(second)
    with web.client() as client:
        login(client, second.username, second.password)
        assert client.get("/api/me").json()["role"] == "exec"
    web.store.remove("cro")
