"""Backtest the revenue forecast on the synthetic company, several seeds, and record the figures.

Run from the repository root::

    python bench/bench_forecast_revenue.py                       # 50k accounts x 36 months, 3 seeds
    python bench/bench_forecast_revenue.py --accounts 20000 --seeds 1 2

For each seed the company (``revline.synth.generate``, history ending 2025-12-31) is cached in
``bench/_work/`` (git-ignored). Every quarter start from 12 months after the first won new
deal is an as-of date, the same for every method (the company's opening book starts paying
years before its CRM, and the pipeline mode needs a year of won new deals); from each, the
forecast (fitted only on data known before it) gives MRR 3, 6 and 12 months ahead, scored
against the MRR model's actual month-end MRR: mean absolute percentage error of the P50, mean
bias, and how often the actual fell inside the 80% interval.
Every method of ``revline.analyses.forecast.revenue_backtest.METHODS`` is scored in the same table:
revline's two sources of new business (``history``: the trend of past arrivals; ``pipeline``:
the bookings forecast for the quarters it covers) and the peers users would otherwise use
(``revline.analyses.forecast.revenue_peers``: Baremetrics' linear and exponential forecasts,
ChartMogul's committed MRR, AutoETS on the monthly MRR series); the point-only peers have no
interval, so their coverage is a dash. Results, the machine and the date are
appended to ``bench/forecast_revenue_results.md``.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).parent
WORK = HERE / "_work"
RESULTS = HERE / "forecast_revenue_results.md"
sys.path.insert(0, str(HERE.parent / "src"))

from revline.analyses.forecast.revenue_backtest import (  # noqa: E402
    METHODS,
    as_of_dates,
    backtest_revenue,
    history_end,
)
from revline.synth import generate  # noqa: E402
from revline.warehouse import Warehouse  # noqa: E402

HORIZONS = (3, 6, 12)


def machine() -> str:
    """Cores, CPU model and RAM, from /proc, plus the load average (the machine is shared)."""
    cpuinfo = Path("/proc/cpuinfo").read_text().splitlines()
    cpu = next((line.split(":", 1)[1].strip() for line in cpuinfo if "model name" in line), "?")
    kib = int(Path("/proc/meminfo").read_text().split()[1])
    load = Path("/proc/loadavg").read_text().split()[0]
    cores = sum(1 for line in cpuinfo if line.startswith("processor"))
    return f"{cores} cores, {cpu}, {kib / 2**20:.0f} GiB RAM, load average {load} at start"


def commit() -> str:
    """The commit the figures were measured on (short hash, ``+dirty`` with local changes)."""
    head = subprocess.run(
        ["git", "-C", str(HERE), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "-C", str(HERE), "status", "--porcelain", "--untracked-files=no"],
        capture_output=True,
        text=True,
    ).stdout.strip()
    return head + ("+dirty" if dirty else "")


def company(accounts: int, months: int, seed: int) -> Path:
    """The cached synthetic company of this size and seed (built when missing)."""
    WORK.mkdir(exist_ok=True)
    path = WORK / f"forecast_revenue_{accounts}x{months}_s{seed}.duckdb"
    if not path.exists():
        with Warehouse.create(path) as wh:
            generate(wh, accounts, months, seed=seed)
    return path


def shared_dates(path: Path) -> list[date]:
    """The as-of dates every method is scored on: the backtest's quarter starts, which begin a
    year after the first won new deal when the company's opening book pays for years before
    its CRM records deals (``as_of_dates``)."""
    with Warehouse.open(path, read_only=True) as wh:
        return as_of_dates(wh, history_end(wh))


def score(path: Path, seed: int, method: str, sims: int, dates: list[date]) -> pd.DataFrame:
    """Backtest rows (as_of, horizon, actual, p50, lo80, hi80) for one company and method."""
    with Warehouse.open(path, read_only=True) as wh:
        rows = backtest_revenue(
            wh,
            dates,
            horizons=HORIZONS,
            rng=np.random.default_rng(seed),
            n_sims=sims,
            methods=[method],
        )
    return rows.assign(seed=seed)


def _coverage(group: pd.DataFrame) -> str:
    """Share of actuals inside the 80% interval, or a dash for a method without one."""
    return f"{group['inside80'].mean():.0%}" if group["interval"].all() else "-"


def table(rows: pd.DataFrame, keys: list[str]) -> str:
    """A markdown table of n, MAPE, bias and coverage grouped by ``keys``."""
    g = rows.groupby(keys)
    out = pd.DataFrame(
        {
            "n": g.size(),
            "MAPE": g["ape"].mean().map("{:.1%}".format),
            "bias": g["bias"].mean().map("{:+.1%}".format),
            "80% coverage": g.apply(_coverage, include_groups=False),
        }
    ).reset_index()
    header = "| " + " | ".join(out.columns) + " |"
    rule = "| " + " | ".join("---" for _ in out.columns) + " |"
    body = ["| " + " | ".join(str(v) for v in row) + " |" for row in out.itertuples(index=False)]
    return "\n".join([header, rule, *body])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=50_000)
    parser.add_argument("--months", type=int, default=36)
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--sims", type=int, default=300)
    parser.add_argument(
        "--methods", nargs="+", default=list(METHODS.names()), choices=list(METHODS.names())
    )
    args = parser.parse_args()
    started = time.perf_counter()
    header = machine()
    frames = []
    spans: list[str] = []
    for seed in args.seeds:
        path = company(args.accounts, args.months, seed)
        dates = shared_dates(path)
        print(f"seed {seed}: {len(dates)} as-of dates, {dates[0]} to {dates[-1]}", flush=True)
        spans.append(f"seed {seed}: {dates[0]} to {dates[-1]}")
        for method in args.methods:
            t0 = time.perf_counter()
            frames.append(score(path, seed, method, args.sims, dates))
            print(f"seed {seed} {method}: {time.perf_counter() - t0:.0f} s", flush=True)
    rows = pd.concat(frames, ignore_index=True)
    elapsed = time.perf_counter() - started
    text = [
        f"\n## {datetime.now(UTC):%Y-%m-%d %H:%M} UTC: {args.accounts:,} accounts x "
        f"{args.months} months, seeds {', '.join(map(str, args.seeds))}, {args.sims} simulations",
        "",
        f"Machine: {header}. Command: `python bench/bench_forecast_revenue.py --accounts "
        f"{args.accounts} --months {args.months} --seeds {' '.join(map(str, args.seeds))} "
        f"--sims {args.sims} --methods {' '.join(args.methods)}`. Wall time {elapsed:.0f} s. "
        f"Commit {commit()}. As-of dates (quarter starts from a year after the first won new "
        f"deal, the same for every method): {'; '.join(spans)}.",
        "",
        "All seeds, per method and horizon (months):",
        "",
        table(rows, ["method", "horizon"]),
        "",
        "Per seed:",
        "",
        table(rows, ["method", "seed", "horizon"]),
        "",
    ]
    with RESULTS.open("a") as out:
        out.write("\n".join(text))
    print("\n".join(text))


if __name__ == "__main__":
    main()
