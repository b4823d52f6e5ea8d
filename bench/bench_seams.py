"""Benchmark of the seams: lifecycle report, every hand-off, leaking seams and SLAs.

    python bench/bench_seams.py --accounts 20000 --months 24

Builds a synthetic company in ``bench/_work/seams_<accounts>.duckdb`` (reused when it exists),
then times, each on a fresh process-level call: ``lifecycle_report``, ``seams`` (every hand-off
of the map with its detail), ``seams(by=["segment"])``, ``leaking_seams`` (segment, region,
channel) and ``evaluate_slas`` (the built-in SLAs). It appends the figures, the machine, the
load average and the date to ``bench/seams_results.md``.
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from revline.analyses.seams import evaluate_slas, leaking_seams, lifecycle_report, seams
from revline.synth import generate
from revline.warehouse import Warehouse

HERE = Path(__file__).parent
RESULTS = HERE / "seams_results.md"


def _cpu() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor()


def _ram_gib() -> float:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal"):
            return int(line.split()[1]) / 1024 / 1024
    return 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=20_000)
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    (HERE / "_work").mkdir(exist_ok=True)
    path = HERE / "_work" / f"seams_{args.accounts}x{args.months}_{args.seed}.duckdb"
    if not path.exists():
        with Warehouse.create(path) as wh:
            generate(wh, args.accounts, args.months, args.seed)
    runs: list[tuple[str, Callable[[Warehouse], Any]]] = [
        ("lifecycle_report", lifecycle_report),
        ("seams", seams),
        ("seams by segment", lambda wh: seams(wh, by=["segment"])),
        ("leaking_seams", leaking_seams),
        ("evaluate_slas", evaluate_slas),
    ]
    rows = []
    with Warehouse.open(path, read_only=True) as wh:
        leads = wh.counts()["leads"]
        for name, run in runs:
            started = time.perf_counter()
            run(wh)
            rows.append((name, time.perf_counter() - started))
    load = os.getloadavg()
    lines = [
        f"\n## {datetime.now(UTC):%Y-%m-%d %H:%M} UTC: {args.accounts:,} accounts x "
        f"{args.months} months (seed {args.seed}), {leads:,} leads\n",
        f"Machine: {os.cpu_count()} cores ({_cpu()}), {_ram_gib():.0f} GiB RAM; load average "
        f"{load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} (shared machine: times are upper "
        "bounds).\n",
        "| call | seconds |",
        "| --- | --- |",
        *[f"| `{name}` | {seconds:.1f} |" for name, seconds in rows],
    ]
    if not RESULTS.exists():
        RESULTS.write_text(
            "# revline seams benchmark results\n\n`python bench/bench_seams.py --accounts N "
            "--months M` times the seams calls on a synthetic company and appends a section.\n",
            encoding="utf-8",
        )
    with RESULTS.open("a", encoding="utf-8") as out:
        out.write("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
