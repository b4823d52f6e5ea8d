"""Benchmark ``revline.synth.build`` (what ``revline synth`` runs): wall time, peak memory, rows.

Run from the repository root, e.g.::

    python bench/bench_synth.py --accounts 1000000 --months 24
    python bench/bench_synth.py --customers 1000000 --scope revenue

It writes a fresh warehouse in a temporary folder (deleted afterwards unless ``--keep``) and
appends one dated section with the machine and the figures to ``bench/synth_results.md``.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from revline.synth import build
from revline.synth.opening import accounts_for

RESULTS = Path(__file__).with_name("synth_results.md")


def machine() -> str:
    cpu = "unknown"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as f:
        kib = int(f.readline().split()[1])
    python = platform.python_version()
    return f"{os.cpu_count()} cores, {cpu}, {kib / 2**20:.1f} GiB RAM, Python {python}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--customers", type=int, default=None, help="Sets --accounts.")
    parser.add_argument("--scope", default="full", help="full or revenue (docs/synth.md).")
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--dir", default=None, help="Folder for the warehouse (default: a temp dir)."
    )
    parser.add_argument("--keep", action="store_true", help="Keep the warehouse file.")
    args = parser.parse_args()
    if args.customers is not None:
        args.accounts = accounts_for(args.customers)
    folder = Path(args.dir or tempfile.mkdtemp(prefix="revline-bench-"))
    path = folder / f"synth_{args.accounts}x{args.months}.duckdb"
    path.unlink(missing_ok=True)
    started = time.perf_counter()
    result = build(path, args.accounts, args.months, args.seed, scope=args.scope)
    wall = time.perf_counter() - started
    peak_gib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    size_gib = path.stat().st_size / 2**30
    if not args.keep:
        path.unlink()
    total = sum(result.rows.values())
    lines = [
        f"\n## {args.accounts:,} accounts x {args.months} months, seed {args.seed}, scope "
        f"{args.scope}",
        "",
        f"- date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; machine: {machine()}",
        "- command: `python bench/bench_synth.py"
        f" --accounts {args.accounts} --months {args.months} --scope {args.scope}`",
        f"- wall time: {wall:.1f} s (generate: {result.seconds:.1f} s, incl. commit); "
        f"peak RSS: {peak_gib:.2f} GiB; warehouse file: {size_gib:.2f} GiB",
        f"- rows: {total:,} in all ({total / result.seconds:,.0f} rows/s)",
        "",
        "| table | rows |",
        "| --- | ---: |",
        *[f"| {name} | {rows:,} |" for name, rows in result.rows.items()],
    ]
    text = "\n".join(lines) + "\n"
    if not RESULTS.exists():
        RESULTS.write_text(
            "# revline synth benchmark results\n\nAppended by bench/bench_synth.py.\n"
        )
    with RESULTS.open("a") as f:
        f.write(text)
    print(text)


if __name__ == "__main__":
    main()
