"""Load benchmark of the dashboard: 50 concurrent users on loopback, p50/p95 latency.

    python bench/bench_web.py --warehouse bench/_work/web_1m.duckdb

Build the warehouse first (about 6 GiB of memory at 1M accounts; check ``free -g``):
``revline synth --accounts 1000000 --months 24 -w bench/_work/web_1m.duckdb``.

What it does: adds a ``bench`` user with an API token to the warehouse's user store, starts
``revline serve --no-precompute`` in a subprocess on a free loopback port, then

1. **not precomputed**: requests each page's JSON twin once, one at a time, then its HTML
   (the first request computes the page data; the HTML one draws the charts): the latency a
   visitor sees on a view nobody has opened since the server started;
2. **precomputed**: ``--users`` concurrent clients (httpx, asyncio) each make ``--requests``
   requests over a random mix of every page's HTML and JSON twin; p50/p95 per kind. Twice:
   users who read a page before the next click (``--think``, mean 1 s), then a closed loop
   with no think time (a stress test: latency there is about users / throughput). Before
   them, a single-user sequential baseline over every URL, with the stylesheet (no work at
   all) as a reference in the same process; after each run, what stalled the server in it
   (full garbage collections, event-loop lag: the server's own counters, ``/api/status``).

It appends the figures, the machine and the date to ``bench/web_results.md``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import socket
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
BUILT_IN = ("overview", "revenue", "retention", "efficiency", "sales", "ownership", "definitions")


def machine() -> str:
    cpu = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem = 0.0
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal"):
            mem = int(line.split()[1]) / 1024**2
    load = os.getloadavg()
    return (
        f"{os.cpu_count()} cores ({cpu}), {mem:.1f} GiB RAM, Python {platform.python_version()}; "
        f"load average at start {load[0]:.1f}, {load[1]:.1f}, {load[2]:.1f}"
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def percentile(values: list[float], q: int) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def bench_token(warehouse: Path) -> str:
    from revline.web.users import UserStore, users_path

    store = UserStore(users_path(warehouse))
    if store.get("bench") is not None:
        store.remove("bench")
    store.add("bench", os.urandom(12).hex(), "exec")
    return store.create_token("bench", "bench_web")


def start_server(warehouse: Path, port: int) -> subprocess.Popen[bytes]:
    revline = Path(sys.executable).with_name("revline")
    command = [str(revline), "serve", "-w", str(warehouse), "--port", str(port), "--no-precompute"]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL)


def wait_ready(base: str, headers: dict[str, str], timeout: float = 600) -> float:
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        try:
            if httpx.get(f"{base}/api/me", headers=headers, timeout=5).status_code == 200:
                return time.perf_counter() - started
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"The server at {base} did not answer within {timeout} s.")


Cold = list[tuple[str, float, float, int]]
Stalls = dict[str, Any]


def server_stalls(base: str, headers: dict[str, str]) -> Stalls:
    """The server's own GC and event-loop figures (``/api/status``; cumulative)."""
    body = httpx.get(f"{base}/api/status", headers=headers, timeout=60).json()
    return dict(body.get("server") or {})


def stall_line(before: Stalls, after: Stalls) -> str:
    """What stalled the server during one run (differences of its counters)."""
    if not after or not before:
        return "- server stalls: not reported"

    def diff(key: str, gen: int | None = None) -> Any:
        if gen is None:
            return after[key] - before[key]
        return after[key][gen] - before[key][gen]

    full_ms = diff("gc_total_ms", 2)
    young_ms = diff("gc_total_ms", 0) + diff("gc_total_ms", 1)
    return (
        f"- server during this run: {diff('gc_collections', 2)} full (gen 2) collections "
        f"({full_ms:.0f} ms in all, {diff('gc_over_100ms', 2)} over 100 ms), "
        f"{diff('gc_collections', 0) + diff('gc_collections', 1):,} young ones "
        f"({young_ms:.0f} ms in all); event loop woke more than 100 ms late "
        f"{diff('loop_lag_over_100ms')} times and more than 1 s late {diff('loop_lag_over_1s')} "
        f"times in {diff('loop_samples'):,} ticks of 50 ms; objects frozen out of the "
        f"collector {after['gc_frozen_objects']:,}"
    )


def baseline(base: str, headers: dict[str, str], names: list[str], rounds: int) -> list[str]:
    """One user, one request at a time, every page cached: the floor under the load runs,
    with ``/static/style.css`` (no work at all) as the reference in the same process."""
    urls = [(f"/{n}", "page") for n in names] + [(f"/api/{n}", "api") for n in names]
    urls.append(("/static/style.css", "css"))
    ms: dict[str, list[float]] = {"page": [], "api": [], "css": []}
    with httpx.Client(base_url=base, headers=headers, timeout=60) as client:
        for _ in range(rounds):
            for url, kind in urls:
                t0 = time.perf_counter()
                client.get(url)
                ms[kind].append((time.perf_counter() - t0) * 1000)
    ref = statistics.median(ms["css"])
    lines = [
        f"Single user, sequential, cached ({rounds} rounds over every URL; load average "
        f"{os.getloadavg()[0]:.1f}):",
        "",
        "| kind | requests | p50 ms | p95 ms | max ms | p50 / css p50 |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for kind, values in ms.items():
        p50 = percentile(values, 50)
        lines.append(
            f"| {kind} | {len(values):,} | {p50:.2f} | {percentile(values, 95):.2f} | "
            f"{max(values):.2f} | {p50 / ref:.2f} |"
        )
    return [*lines, ""]


Warm = tuple[dict[str, list[float]], int, float, tuple[float, int]]


def cold(base: str, headers: dict[str, str], names: list[str]) -> Cold:
    """Per page: JSON latency (computes the data), HTML latency (draws the charts), status."""
    out = []
    with httpx.Client(base_url=base, headers=headers, timeout=3600) as client:
        for name in names:
            t0 = time.perf_counter()
            api = client.get(f"/api/{name}")
            t1 = time.perf_counter()
            page = client.get(f"/{name}")
            t2 = time.perf_counter()
            out.append((name, t1 - t0, t2 - t1, max(api.status_code, page.status_code)))
            print(f"  cold {name}: json {t1 - t0:.2f} s, html {t2 - t1:.2f} s", flush=True)
    return out


async def load(
    base: str,
    headers: dict[str, str],
    names: list[str],
    users: int,
    requests: int,
    seed: int,
    think: float,
) -> Warm:
    urls = [(f"/{n}", "page") for n in names] + [(f"/api/{n}", "api") for n in names]
    latencies: dict[str, list[float]] = {"page": [], "api": []}
    errors = 0
    limits = httpx.Limits(max_connections=users, max_keepalive_connections=users)

    async def user(client: httpx.AsyncClient, rng: random.Random) -> None:
        nonlocal errors
        for _ in range(requests):
            url, kind = rng.choice(urls)
            t0 = time.perf_counter()
            response = await client.get(url)
            latencies[kind].append(time.perf_counter() - t0)
            errors += response.status_code != 200
            if think:
                await asyncio.sleep(rng.expovariate(1 / think))

    lag = [0.0, 0]  # the client's own event-loop lag: longest (ms), ticks over 100 ms

    async def watch() -> None:
        loop = asyncio.get_running_loop()
        while True:
            due = loop.time() + 0.05
            await asyncio.sleep(0.05)
            late = max(0.0, loop.time() - due) * 1000
            lag[0] = max(lag[0], late)
            lag[1] += late > 100

    started = time.perf_counter()
    watcher = asyncio.get_running_loop().create_task(watch())
    async with httpx.AsyncClient(
        base_url=base, headers=headers, timeout=600, limits=limits
    ) as client:
        await asyncio.gather(*(user(client, random.Random(seed + i)) for i in range(users)))
    watcher.cancel()
    return latencies, errors, time.perf_counter() - started, (lag[0], int(lag[1]))


def table(args: argparse.Namespace, warm: Warm, think: float, stalls: str) -> list[str]:
    latencies, errors, seconds, (client_lag, client_late) = warm
    total = sum(len(v) for v in latencies.values())
    how = (
        f"each waiting a random think time (exponential, mean {think:g} s) between requests"
        if think
        else "closed loop, no think time (each user sends its next request at once)"
    )
    lines = [
        f"Precomputed (cached), {args.users} concurrent users, {how}: {total:,} requests in "
        f"{seconds:.1f} s ({total / seconds:,.0f} req/s), {errors} non-200 responses:",
        "",
        "| kind | requests | p50 ms | p95 ms | max ms |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for kind, values in latencies.items():
        ms = [v * 1000 for v in values]
        lines.append(
            f"| {kind} | {len(ms):,} | {percentile(ms, 50):.1f} | {percentile(ms, 95):.1f} | "
            f"{max(ms):.1f} |"
        )
    client = (
        f"- client (the users' own event loop, same 2 cores): longest lag {client_lag:.0f} ms, "
        f"{client_late} ticks of 50 ms woke more than 100 ms late"
    )
    return [*lines, "", stalls, client, ""]


def report(
    args: argparse.Namespace,
    ready: float,
    colds: Cold,
    base_lines: list[str],
    runs: list[tuple[float, Warm, str]],
) -> str:
    lines = [
        f"## {args.warehouse.name}: {args.users} users x {args.requests} requests",
        "",
        f"- date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; machine: {machine()}",
        f"- command: `python bench/bench_web.py --warehouse {args.warehouse} "
        f"--users {args.users} --requests {args.requests}`",
        f"- server start (open warehouse read-only, load id, as-of): {ready:.1f} s",
        "",
        "Not precomputed (first request of each page after start, one at a time):",
        "",
        "| page | JSON (computes the data) s | HTML (draws the charts) s | status |",
        "| --- | ---: | ---: | ---: |",
        *(f"| {n} | {a:.2f} | {h:.2f} | {s} |" for n, a, h, s in colds),
        "",
    ]
    lines += base_lines
    for think, warm, stalls in runs:
        lines += table(args, warm, think, stalls)
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warehouse", type=Path, default=ROOT / "bench/_work/web_1m.duckdb")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--requests", type=int, default=40, help="Requests per user.")
    parser.add_argument("--pages", nargs="*", default=list(BUILT_IN))
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--think", type=float, default=1.0, help="Mean think time between a user's requests (s)."
    )
    parser.add_argument(
        "--baseline", type=int, default=30, help="Rounds of the single-user baseline."
    )
    parser.add_argument("--out", type=Path, default=ROOT / "bench/web_results.md")
    args = parser.parse_args()
    if not args.warehouse.exists():
        raise SystemExit(f"No warehouse at {args.warehouse}; build it first (see the docstring).")
    headers = {"Authorization": f"Bearer {bench_token(args.warehouse)}"}
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_server(args.warehouse, port)
    try:
        ready = wait_ready(base, headers)
        print(f"server ready in {ready:.1f} s; computing each page once", flush=True)
        colds = cold(base, headers, args.pages)
        base_lines = baseline(base, headers, args.pages, args.baseline)
        print("\n".join(base_lines), flush=True)
        runs = []
        for think in (args.think, 0.0):
            print(f"{args.users} users x {args.requests} requests, think {think} s", flush=True)
            before = server_stalls(base, headers)
            warm = asyncio.run(
                load(base, headers, args.pages, args.users, args.requests, args.seed, think)
            )
            runs.append((think, warm, stall_line(before, server_stalls(base, headers))))
    finally:
        server.terminate()
        server.wait(timeout=30)
    section = report(args, ready, colds, base_lines, runs)
    print(section)
    with args.out.open("a", encoding="utf-8") as out:
        out.write("\n" + section)


if __name__ == "__main__":
    main()
