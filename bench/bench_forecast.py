"""Backtest revline's bookings forecast against its baselines, on synthetic companies and Maven.

Run from the repository root::

    python bench/bench_forecast.py                               # 3 seeds, 200k x 36 months
    python bench/bench_forecast.py --accounts 50000              # smaller: fewer deals, noisier
    python bench/bench_forecast.py --maven-only                  # the Maven dataset only
    python bench/bench_forecast.py --model blend                 # another open-deal model

For each seed the synthetic company (``revline.synth.generate``) is written to
``bench/_work/`` (git-ignored, reused) and ``revline.analyses.forecast.backtest.backtest`` replays
every
quarter from the fourth one of the data with every method. The script prints Markdown: per
seed, the summary (mean APE, bias, 80% coverage per method and horizon), revline's P50 and
interval against the actual per quarter, and the deal-level log loss of revline next to the
generator's true probabilities; then the same for Maven (imported with ``mappings/maven``).
Each synthetic seed also gets the oracle (``revline.analyses.forecast.oracle``: each open deal's
posterior win probability given its stage path under the generator's process, the deal-level
log-loss floor, and the quarterly forecast made from it) and a
second summary restricted to as-of dates with at least ``MIN_HISTORY`` months of history.
Paste the output into ``bench/forecast_results.md``.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from revline.analyses.forecast.backtest import Backtest, backtest, data_bounds
from revline.analyses.forecast.bookings import BookingsSettings
from revline.analyses.forecast.open_deals import OPEN_DEAL_MODELS
from revline.analyses.forecast.oracle import oracle_backtest
from revline.analyses.forecast.scoring import summarise_errors
from revline.model.pipeline import pipeline_as_of
from revline.synth import generate
from revline.warehouse import Warehouse

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / "_work"
MAVEN = ROOT.parent / "shared" / "data" / "maven-crm-sales-opportunities"
#: Months of history an as-of date needs to count in the "enough history" summary.
MIN_HISTORY = 12
MAVEN_FILES = {
    "accounts": "accounts.csv",
    "employees": "sales_teams.csv",
    "plans": "products.csv",
    "opportunities": "sales_pipeline.csv",
}


def machine() -> str:
    """One line: cores, CPU model, RAM, Python, date."""
    cpu = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return (
        f"{os.cpu_count()} cores, {cpu}, {mem:.1f} GiB RAM, Python {platform.python_version()}, "
        f"load average {os.getloadavg()[0]:.2f}; {now}"
    )


def summary_md(forecasts: pd.DataFrame) -> str:
    lines = [
        "| method | horizon | quarters | mean APE | bias | 80% coverage |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for r in summarise_errors(forecasts).itertuples(index=False):
        lines.append(
            f"| {r.method} | {r.horizon} | {r.quarters} | {r.mape:.1%} | {r.bias:+.1%} | "
            f"{r.coverage_80:.0%} |"
        )
    return "\n".join(lines)


def quarters_md(forecasts: pd.DataFrame) -> str:
    f = forecasts[(forecasts["method"] == "revline") & (forecasts["horizon"] == 1)]
    o = forecasts[(forecasts["method"] == "oracle") & (forecasts["horizon"] == 1)]
    oracle = dict(zip(o["quarter"], o["error"], strict=True))
    lines = [
        "| quarter | P10 | P50 | P90 | actual | error | inside | oracle error |",
        "|---|---:|---:|---:|---:|---:|:-:|---:|",
    ]
    for r in f.itertuples(index=False):
        orc = f"{oracle[r.quarter]:+.1%}" if r.quarter in oracle else "-"
        lines.append(
            f"| {r.quarter} | {r.lo_80:,.0f} | {r.forecast:,.0f} | {r.hi_80:,.0f} | "
            f"{r.actual:,.0f} | {r.error:+.1%} | {'yes' if r.covered else 'no'} | {orc} |"
        )
    return "\n".join(lines)


def with_oracle(wh: Warehouse, result: Backtest, seed: int) -> tuple[pd.DataFrame, str]:
    """The backtest's rows plus the oracle's (:mod:`revline.analyses.forecast.oracle`), and its
    loss.
    """
    f = result.forecasts
    rows, loss = oracle_backtest(
        wh,
        pipeline_as_of(wh, result.end),
        f[f["method"] == "revline"],
        result.deals,
        np.random.default_rng(seed),
        result.currency,
    )
    return pd.concat(
        [f, rows[f.columns]], ignore_index=True
    ), f"oracle (the floor: posterior given the path) {loss:.3f}"


def history_months(forecasts: pd.DataFrame, first: date) -> np.ndarray:
    """Whole months of data before each row's as-of date."""
    return np.asarray(
        [(d.year - first.year) * 12 + d.month - first.month for d in forecasts["as_of"]]
    )


def loss_md(result: Backtest) -> str:
    parts = [f"{r.model} {r.log_loss:.3f}" for r in result.log_loss.itertuples(index=False)]
    n = int(result.log_loss["deals"].iloc[0]) if len(result.log_loss) else 0
    return f"deal-level log loss over {n:,} open deals: " + ", ".join(parts)


def report(
    title: str,
    result: Backtest,
    seconds: float,
    forecasts: pd.DataFrame | None = None,
    extra_loss: str = "",
    first: date | None = None,
) -> None:
    """Print one dataset's section; ``forecasts`` adds rows (the oracle) to the backtest's."""
    f = result.forecasts if forecasts is None else forecasts
    print(f"\n### {title}\n")
    print(f"- replayed {result.start} to {result.end} in {seconds:.0f} s")
    print(f"- {loss_md(result)}" + (f", {extra_loss}" if extra_loss else ""))
    for row in result.skipped.drop_duplicates("method").itertuples(index=False):
        n = int((result.skipped["method"] == row.method).sum())
        print(f"- skipped {row.method} at {n} as-of date(s): {row.reason}")
    print("\nAll replayed quarters:\n\n" + summary_md(f))
    if first is not None:
        months = history_months(f, first)
        print(
            f"\nOnly as-of dates with at least {MIN_HISTORY} months of history (from "
            f"{first}):\n\n" + summary_md(f[months >= MIN_HISTORY])
        )
    print("\nrevline, horizon 1 (this quarter):\n\n" + quarters_md(f))


def synthetic(accounts: int, months: int, seed: int, settings: BookingsSettings) -> None:
    WORK.mkdir(parents=True, exist_ok=True)
    path = WORK / f"forecast_{accounts}x{months}_s{seed}.duckdb"
    if not path.exists():
        with Warehouse.create(path) as wh:
            generate(wh, accounts, months, seed)
    with Warehouse.open(path, read_only=True) as wh:
        started = time.perf_counter()
        result = backtest(wh, rng=np.random.default_rng(seed), settings=settings)
        seconds = time.perf_counter() - started
        forecasts, loss = with_oracle(wh, result, seed)
        first, _ = data_bounds(wh)
        report(
            f"synthetic {accounts:,} accounts x {months} months, seed {seed}",
            result,
            seconds,
            forecasts,
            loss,
            first,
        )


def maven(settings: BookingsSettings) -> None:
    from revline.ingest import import_file

    if not MAVEN.is_dir():
        print(f"\n(Maven dataset not found at {MAVEN}: skipped)")
        return
    WORK.mkdir(parents=True, exist_ok=True)
    path = WORK / f"forecast_maven_{settings.model}.duckdb"
    path.unlink(missing_ok=True)
    with Warehouse.create(path) as wh:
        for table, name in MAVEN_FILES.items():
            import_file(wh, table, MAVEN / name, ROOT / "mappings" / "maven" / f"{table}.yaml")
        started = time.perf_counter()
        result = backtest(wh, rng=np.random.default_rng(0), settings=settings)
        report("Maven CRM sales opportunities", result, time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=200_000)
    parser.add_argument("--months", type=int, default=36)
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--maven-only", action="store_true")
    parser.add_argument(
        "--model", choices=OPEN_DEAL_MODELS.names(), default=BookingsSettings().model
    )
    args = parser.parse_args()
    pd.set_option("display.width", 200)
    print(f"- machine: {machine()}")
    print(f"- command: `python {' '.join(['bench/bench_forecast.py', *sys.argv[1:]])}`")
    settings = BookingsSettings(model=args.model)
    print(f"- open-deal model: `{settings.model}`")
    if not args.maven_only:
        for seed in args.seeds:
            synthetic(args.accounts, args.months, seed, settings)
    maven(settings)


if __name__ == "__main__":
    main()
