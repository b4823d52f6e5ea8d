"""Backtest the revenue forecast on the synthetic company, several seeds, and record the figures.

Run from the repository root::

    python bench/bench_forecast_revenue.py                       # 50k accounts x 36 months, 3 seeds
    python bench/bench_forecast_revenue.py --accounts 20000 --seeds 1 2

For each seed the company (``revline.synth.generate``, history ending 2025-12-31) is cached in
``bench/_work/`` (git-ignored). Every quarter start from 12 months after the first paying
month is an as-of date; from each, the forecast (fitted only on data known before it) gives MRR
3, 6 and 12 months ahead, scored against the MRR model's actual month-end MRR: mean absolute
percentage error of the P50, mean bias, and how often the actual fell inside the 80% interval.
Both sources of new business are scored (``history``: the trend of past arrivals; ``pipeline``:
the bookings forecast for the quarters it covers). Results, the machine and the date are
appended to ``bench/forecast_revenue_results.md``.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).parent
WORK = HERE / "_work"
RESULTS = HERE / "forecast_revenue_results.md"
sys.path.insert(0, str(HERE.parent / "src"))

from revline.forecast.revenue import RevenueForecaster  # noqa: E402
from revline.forecast.revenue_backtest import as_of_dates, history_end  # noqa: E402
from revline.metrics.api import bridge_frame  # noqa: E402
from revline.model.periods import month_index, month_start  # noqa: E402
from revline.settings import MetricSettings  # noqa: E402
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


def company(accounts: int, months: int, seed: int) -> Path:
    """The cached synthetic company of this size and seed (built when missing)."""
    WORK.mkdir(exist_ok=True)
    path = WORK / f"forecast_revenue_{accounts}x{months}_s{seed}.duckdb"
    if not path.exists():
        with Warehouse.create(path) as wh:
            generate(wh, accounts, months, seed=seed)
    return path


def score(path: Path, seed: int, mode: str, sims: int) -> pd.DataFrame:
    """Backtest rows (as_of, horizon, actual, p50, lo80, hi80) for one company and mode."""
    rows = []
    with Warehouse.open(path, read_only=True) as wh:
        end = history_end(wh)
        actual = bridge_frame(wh, MetricSettings(as_of=month_start(month_index(end) - 1)))
        by_month = {
            month_index(pd.Timestamp(m).date()): float(v)
            for m, v in zip(actual["month"], actual["end"], strict=True)
        }
        model = RevenueForecaster(np.random.default_rng(seed), sims, new_business=mode)
        for as_of in as_of_dates(wh, end):
            usable = [h for h in HORIZONS if month_index(as_of) - 1 + h < month_index(end)]
            frame = model.forecast(wh, as_of, max(usable), level=(80,))
            mrr = frame[frame["unique_id"] == "mrr"].reset_index(drop=True)
            for h in usable:
                row = mrr.iloc[h - 1]
                truth = by_month[month_index(as_of) - 1 + h]
                rows.append(
                    {
                        "seed": seed,
                        "mode": mode,
                        "as_of": as_of,
                        "horizon": h,
                        "actual": truth,
                        "p50": float(row["median"]),
                        "ape": abs(float(row["median"]) - truth) / truth,
                        "bias": (float(row["median"]) - truth) / truth,
                        "inside80": bool(row["lo-80"] <= truth <= row["hi-80"]),
                    }
                )
    return pd.DataFrame(rows)


def table(rows: pd.DataFrame, keys: list[str]) -> str:
    """A markdown table of n, MAPE, bias and coverage grouped by ``keys``."""
    g = rows.groupby(keys)
    out = pd.DataFrame(
        {
            "n": g.size(),
            "MAPE": g["ape"].mean().map("{:.1%}".format),
            "bias": g["bias"].mean().map("{:+.1%}".format),
            "80% coverage": g["inside80"].mean().map("{:.0%}".format),
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
    parser.add_argument("--modes", nargs="+", default=["history", "pipeline"])
    args = parser.parse_args()
    started = time.perf_counter()
    header = machine()
    frames = []
    for seed in args.seeds:
        path = company(args.accounts, args.months, seed)
        for mode in args.modes:
            t0 = time.perf_counter()
            frames.append(score(path, seed, mode, args.sims))
            print(f"seed {seed} {mode}: {time.perf_counter() - t0:.0f} s", flush=True)
    rows = pd.concat(frames, ignore_index=True)
    elapsed = time.perf_counter() - started
    text = [
        f"\n## {datetime.now(UTC):%Y-%m-%d %H:%M} UTC: {args.accounts:,} accounts x "
        f"{args.months} months, seeds {', '.join(map(str, args.seeds))}, {args.sims} simulations",
        "",
        f"Machine: {header}. Command: `python bench/bench_forecast_revenue.py --accounts "
        f"{args.accounts} --months {args.months} --seeds {' '.join(map(str, args.seeds))} "
        f"--sims {args.sims}`. Wall time {elapsed:.0f} s.",
        "",
        "All seeds, per source of new business and horizon (months):",
        "",
        table(rows, ["mode", "horizon"]),
        "",
        "Per seed:",
        "",
        table(rows, ["mode", "seed", "horizon"]),
        "",
    ]
    with RESULTS.open("a") as out:
        out.write("\n".join(text))
    print("\n".join(text))


if __name__ == "__main__":
    main()
