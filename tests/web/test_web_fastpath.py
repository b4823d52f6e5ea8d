"""The cached fast path: the in-memory sign-in check, prebuilt bytes with ETags, per-user
frames, the stylesheet from memory, and the GC / event-loop monitor."""

from __future__ import annotations

import asyncio
import gc
import time
from pathlib import Path

from web_helpers import PASSWORD, WebSetup, login

from revline.web.monitor import Monitor
from revline.web.usercache import CachedUsers
from revline.web.users import UserStore


def test_user_cache_reads_once_and_sees_a_removal_at_once(tmp_path: Path) -> None:
    path = tmp_path / "u.users.sqlite"
    server_side, cli_side = UserStore(path), UserStore(path)  # two handles, as two processes
    cli_side.add("ann", PASSWORD, "viewer")
    token = cli_side.create_token("ann")
    users = CachedUsers(server_side, max_age=3600)
    assert users.get("ann") is not None and users.user_for_token(token) is not None
    # The token's first use records its last use (a write: the cache starts again once).
    assert users.get("ann") is not None and users.user_for_token(token) is not None
    reads = users.reads
    for _ in range(5):
        assert users.get("ann") is not None
        assert users.user_for_token(token) is not None
    assert users.reads == reads  # answered from memory
    cli_side.remove("ann")  # in the same clock tick as the reads above, most likely
    assert users.get("ann") is None
    assert users.user_for_token(token) is None
    cli_side.add("ann", PASSWORD, "exec")
    found = users.get("ann")
    assert found is not None and found.role == "exec"


def test_user_cache_expires_and_does_not_keep_unknown_tokens(tmp_path: Path) -> None:
    store = UserStore(tmp_path / "u.users.sqlite")
    store.add("bob", PASSWORD, "viewer")
    users = CachedUsers(store, max_age=0.0)
    users.get("bob")
    before = users.reads
    time.sleep(0.01)
    users.get("bob")
    assert users.reads == before + 1  # too old: read again
    for _ in range(3):
        assert users.user_for_token("rl_guess") is None
    assert users.reads == before + 4  # each guess is a read, none is kept


def test_json_twin_has_an_etag_and_a_repeat_gets_304(web: WebSetup) -> None:
    with web.client() as client:
        first = client.get("/api/definitions", headers=web.auth("chief"))
        assert first.status_code == 200 and first.headers["cache-control"] == "private, no-cache"
        etag = first.headers["etag"]
        again = client.get("/api/definitions", headers={**web.auth("chief"), "If-None-Match": etag})
        assert again.status_code == 304 and again.content == b""
        other = client.get(
            "/api/definitions", headers={**web.auth("chief"), "If-None-Match": '"x"'}
        )
        assert other.status_code == 200 and other.content == first.content
        # the validator does not bypass access control
        assert client.get("/api/definitions", headers={"If-None-Match": etag}).status_code == 401


def test_html_frames_are_per_user_and_reused(web: WebSetup) -> None:
    frames = web.app.state.web.frames
    with web.client() as chief, web.client() as mkt:
        login(chief, "chief")
        login(mkt, "mkt")
        one = chief.get("/definitions")
        count = len(frames)
        two = chief.get("/definitions")
        assert one.text == two.text and len(frames) == count  # the same prebuilt bytes
        theirs = mkt.get("/definitions").text
        assert "mkt · lead" in theirs and "chief · exec" not in theirs
        assert "chief · exec" in one.text
        assert 'href="/retention"' in one.text and 'href="/retention"' not in theirs
        revalidated = chief.get("/definitions", headers={"If-None-Match": one.headers["etag"]})
        assert revalidated.status_code == 304


def test_stylesheet_is_served_from_memory_with_an_etag(web: WebSetup) -> None:
    with web.client() as client:
        css = client.get("/static/style.css")
        assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
        assert (
            css.content
            == (Path(__file__).parents[2] / "src/revline/web/static/style.css").read_bytes()
        )
        again = client.get("/static/style.css", headers={"If-None-Match": css.headers["etag"]})
        assert again.status_code == 304


def test_monitor_sees_loop_lag_and_collections_and_settle_freezes() -> None:
    monitor = Monitor(tick=0.01)

    async def run() -> None:
        monitor.start()
        await asyncio.sleep(0.05)
        time.sleep(0.2)  # a blocking call on the event loop
        await asyncio.sleep(0.05)
        gc.collect()
        monitor.settle()
        assert gc.get_freeze_count() > 0
        monitor.stop()

    try:
        asyncio.run(run())
    finally:
        gc.unfreeze()
    report = monitor.report()
    assert report["loop_lag_max_ms"] >= 150 and report["loop_lag_over_100ms"] >= 1
    assert report["gc_collections"][2] >= 1  # ours; settle's is counted apart
    assert report["settles"] == 1 and report["gc_frozen_objects"] > 0
    assert gc.get_freeze_count() == 0  # stop hands the objects back
    assert monitor._on_gc not in gc.callbacks


def test_gzip_is_prebuilt_and_each_encoding_has_its_own_etag(web: WebSetup) -> None:
    with web.client() as client:
        auth = web.auth("chief")
        plain = client.get("/api/definitions", headers={**auth, "Accept-Encoding": "identity"})
        packed = client.get("/api/definitions", headers={**auth, "Accept-Encoding": "gzip"})
        assert "content-encoding" not in plain.headers
        assert packed.headers["content-encoding"] == "gzip"
        assert packed.content == plain.content  # httpx decodes: the same JSON
        assert packed.headers["etag"] != plain.headers["etag"]
        assert packed.headers["vary"] == "Accept-Encoding"
        stale = client.get(
            "/api/definitions",
            headers={**auth, "Accept-Encoding": "gzip", "If-None-Match": plain.headers["etag"]},
        )
        assert stale.status_code == 200  # the identity ETag does not validate the gzip bytes
