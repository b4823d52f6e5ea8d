"""Benchmark revline's MRR movements, bridge, NRR, GRR and cohorts against hand-written baselines.

Run from the repository root::

    python bench/bench_mrr.py                        # 1M paying accounts x 24 months
    python bench/bench_mrr.py --accounts 250000      # a smaller company
    python bench/bench_mrr.py --company synthetic    # revline.synth's whole company
    python bench/bench_mrr.py --company synthetic-customers --accounts 100000
        # revline.synth sized by paying customers (``revline synth --customers``)

The default company (``--company customers``, ``bench/mrr_company.py``, seed 7) is the issue's
reference scale: every account pays, ~3.3M subscription rows, ~15.7M customer-month rows. The
synthetic one (``revline.synth.generate``, seed 7) holds a whole company in which only a few
percent of the accounts become customers. Either warehouse is cached in ``bench/_work/``
(git-ignored) and reused. Each implementation runs in its
own child process, so that its peak memory (``ru_maxrss``) is its own:

- **revline**: ``build_model`` + ``movements`` (the customer-month movements), then the bridge,
  NRR and GRR by quarter, and the cohort NRR and logo retention matrices by month;
- **hand SQL** (in ``bench/mrr_baselines.py``, with the others): the issue's reference design,
  one hand-written DuckDB query for the same movements: subscription segments (a subscription's
  months at one exchange rate, valued once), one window over each customer's changes, expanded
  to customer-months only at the end;
- **grid SQL**: the earlier hand query, kept as a second reference: every subscription
  expanded to its months first, converted at the rate in force (an ``ASOF`` join), summed per
  customer-month, one ``lag``/``lead`` window;
- **pandas**: a straightforward pandas version (``repeat`` to months, ``merge``, ``groupby``,
  ``shift``), exact in ``int64`` (Python integers only for converted currencies).

All four must give the same movement rows (account, month, kind, amount in whole cents),
checked in DuckDB on the rows each child saved (so no child holds a copy for the check and its
peak memory is its own); the figures, the ratios, the peak memory and the machine are appended
to ``bench/mrr_results.md``. Settings: billed MRR, churn at
the scheduled end, past-due handling off (the baselines do not model dunning; revline with its
default 30-day dunning window is timed as well, for reference).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from mrr_baselines import AS_OF, KEY, WORK, run_pandas, run_sql

HERE = Path(__file__).parent
RESULTS = HERE / "mrr_results.md"


def machine() -> str:
    """Cores, CPU model and RAM, from /proc, plus the load average (the machine is shared)."""
    cpuinfo = Path("/proc/cpuinfo").read_text().splitlines()
    cpu = next((line.split(":", 1)[1].strip() for line in cpuinfo if "model name" in line), "?")
    kib = int(Path("/proc/meminfo").read_text().split()[1])
    load = Path("/proc/loadavg").read_text().split()[0]
    cores = len(os.sched_getaffinity(0))
    return f"{cores} cores, {cpu}, {kib / 2**20:.1f} GiB RAM; load average {load} at the start"


def warehouse_path(company: str, accounts: int, months: int) -> Path:
    """The cached warehouse, built (to a partial file, then renamed) when missing.

    ``customers`` is the bench-only company of ``bench/mrr_company.py`` (every account pays);
    ``synthetic`` is the whole company of ``revline.synth.generate`` with ``accounts`` arriving
    in its window; ``synthetic-customers`` the same sized to about ``accounts`` paying customers
    (``revline synth --customers``; see bench/synth_results.md for how long that takes).
    """
    if company == "customers":
        path = WORK / f"customers_{accounts}x{months}_s7.duckdb"
        if not path.exists():
            from mrr_company import build

            WORK.mkdir(exist_ok=True)
            partial = path.with_suffix(".partial")
            partial.unlink(missing_ok=True)
            print(f"building {path} ...", flush=True)
            build(partial, accounts, months, 7)
            partial.rename(path)
        return path
    if company == "synthetic-customers":
        from revline.synth.opening import accounts_for

        path = WORK / f"synth_customers_{accounts}x{months}_s7.duckdb"
        accounts = accounts_for(accounts)
    else:
        path = WORK / f"synth_{accounts}x{months}_s7.duckdb"
    if not path.exists():
        from revline.synth import generate
        from revline.warehouse import Warehouse

        WORK.mkdir(exist_ok=True)
        partial = path.with_suffix(".partial")
        partial.unlink(missing_ok=True)
        print(f"building {path} (minutes) ...", flush=True)
        with Warehouse.create(partial) as wh:
            generate(wh, accounts, months, 7)
        partial.rename(path)
    return path


def run_revline(path: Path, dunning: bool) -> dict[str, Any]:
    from revline.metrics import get_metric
    from revline.metrics.frame import build_frame
    from revline.model import bridge, build_model, movements
    from revline.settings import MetricSettings
    from revline.warehouse import Warehouse

    settings = MetricSettings(as_of=AS_OF, dunning_days=30 if dunning else None)
    times: dict[str, Any] = {}
    with Warehouse.open(path, read_only=True) as wh:
        con = wh.ibis
        started = time.perf_counter()
        with build_model(con, settings) as model:
            times["build_model"] = time.perf_counter() - started
            arrow = con.to_pyarrow(movements(model))  # materialised, as the hand query's rows
            times["movements"] = time.perf_counter() - started
            for name, expr in (("bridge", lambda: bridge(model)),):
                t0 = time.perf_counter()
                con.to_pyarrow(expr())
                times[name] = time.perf_counter() - t0
            quarters = build_frame(model, "quarter", None)
            for name in ("nrr", "grr"):
                t0 = time.perf_counter()
                con.to_pyarrow(get_metric(name).compute(quarters))
                times[name] = time.perf_counter() - t0
            monthly = build_frame(model, "month", None)
            for name in ("cohort_nrr", "cohort_logo_retention"):
                t0 = time.perf_counter()
                try:
                    metric = get_metric(name)
                except Exception as missing:  # the cohort family may not be in the registry
                    times[name] = f"not available: {missing}"
                    continue
                con.to_pyarrow(metric.compute(monthly))
                times[name] = time.perf_counter() - t0
        times["total"] = time.perf_counter() - started
    if not dunning:  # kept as Arrow (exact decimal128), compared in DuckDB: see agree()
        pq.write_table(
            arrow.select([*KEY, "amount"]), WORK / "moves_revline.parquet", compression="none"
        )
    times["rows"] = arrow.num_rows
    return times


def child(which: str, path: Path) -> None:
    runs = {
        "revline": lambda: run_revline(path, dunning=False),
        "revline_dunning": lambda: run_revline(path, dunning=True),
        "sql": lambda: run_sql(path),
        "sql_grid": lambda: run_sql(path, grid=True),
        "pandas": lambda: run_pandas(path),
    }
    result = runs[which]()
    result["peak_gib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    print(json.dumps(result))


def measure(which: str, path: Path) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", which, "--path", str(path)],
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    print(which, result, flush=True)
    return result


def agree() -> int:
    """Check that every implementation gives revline's movement rows; return their count.

    Compared inside DuckDB as whole cents (``BIGINT``; revline's exact ``DECIMAL`` amounts times
    100, which must be whole), as multisets both ways, so that the check holds no rows in Python
    and the children's peak memory is the implementations' own.
    """
    import duckdb

    con = duckdb.connect()
    rev = str(WORK / "moves_revline.parquet")
    con.execute(
        "CREATE TEMP TABLE rev AS SELECT account_id, month_idx, movement, "
        "CAST(amount * 100 AS BIGINT) AS cents, amount * 100 = CAST(amount * 100 AS BIGINT) "
        "AS whole FROM read_parquet(?)",
        [rev],
    )
    broken = con.execute("SELECT count(*) FROM rev WHERE NOT whole").fetchone()
    assert broken is not None and broken[0] == 0, "revline amounts are not whole cents"
    rows = con.execute("SELECT count(*) FROM rev").fetchone()
    assert rows is not None
    for name in ("sql", "sql_grid", "pandas"):
        other = str(WORK / f"moves_{name}.parquet")
        only = con.execute(
            "WITH other AS (SELECT account_id, month_idx, movement, cents FROM read_parquet(?)), "
            "mine AS (SELECT account_id, month_idx, movement, cents FROM rev) "
            "SELECT (SELECT count(*) FROM (FROM mine EXCEPT ALL FROM other)), "
            "(SELECT count(*) FROM (FROM other EXCEPT ALL FROM mine))",
            [other],
        ).fetchone()
        assert only == (0, 0), (
            f"{name} movements differ from revline's: (rows only in revline's, only in "
            f"{name}'s) = {only}"
        )
    return int(rows[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--company",
        choices=("customers", "synthetic", "synthetic-customers"),
        default="customers",
        help="customers: every account pays (bench/mrr_company.py, the issue's scale); "
        "synthetic: revline.synth.generate's whole company (--accounts arrive in its window); "
        "synthetic-customers: the same with about --accounts paying customers.",
    )
    parser.add_argument("--accounts", type=int, default=1_000_000)
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--repeat", type=int, default=3, help="Runs each; the fastest counts.")
    parser.add_argument("--child", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--path", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, Path(args.path))
        return
    path = warehouse_path(args.company, args.accounts, args.months)
    runs: dict[str, dict[str, Any]] = {}
    for _ in range(args.repeat):  # interleaved, so that a busy spell hits every implementation
        for name in ("sql", "revline", "pandas", "sql_grid", "revline_dunning"):
            result = measure(name, path)
            if name not in runs or result["movements"] < runs[name]["movements"]:
                runs[name] = result
    rows = agree()
    write_results(args, runs, rows)


def write_results(args: argparse.Namespace, runs: dict[str, dict[str, Any]], rows: int) -> None:
    sql, rev, pds, grid = (
        runs["sql"]["movements"],
        runs["revline"]["movements"],
        runs["pandas"]["movements"],
        runs["sql_grid"]["movements"],
    )
    extra = {k: v for k, v in runs["revline"].items() if k not in ("rows", "peak_gib")}
    dun = runs["revline_dunning"]
    size = runs["sql"]["input"]
    lines = [
        f"\n## {args.accounts:,} accounts x {args.months} months (seed 7, company "
        f"`{args.company}`), as of {AS_OF}",
        "",
        f"- date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; machine: {machine()}; "
        f"Python {sys.version.split()[0]}",
        f"- command: `python bench/bench_mrr.py --company {args.company} --accounts "
        f"{args.accounts} --months {args.months} --repeat {args.repeat}`",
        f"- input: {size}; best of {args.repeat} interleaved runs per implementation, "
        "each in its own process",
        f"- all four give the same {rows:,} customer-month movement rows (checked row for row)",
        "",
        "| customer-month movements | seconds | ratio to hand SQL | peak memory (GiB) |",
        "| --- | ---: | ---: | ---: |",
        f"| hand-written DuckDB SQL (segments) | {sql:.2f} | 1.00 | "
        f"{runs['sql']['peak_gib']:.2f} |",
        f"| revline (build_model + movements) | {rev:.2f} | {rev / sql:.2f} | "
        f"{runs['revline']['peak_gib']:.2f} |",
        f"| grid SQL (second reference) | {grid:.2f} | {grid / sql:.2f} | "
        f"{runs['sql_grid']['peak_gib']:.2f} |",
        f"| pandas | {pds:.2f} | {pds / sql:.2f} | {runs['pandas']['peak_gib']:.2f} |",
        "",
        f"- revline / hand SQL: {rev / sql:.2f}x (target at most 1.5x); pandas / revline: "
        f"{pds / rev:.2f}x (target at least 4x)",
        "- revline steps (seconds; bridge, NRR, GRR by quarter and cohorts by month reuse the "
        "model): "
        + ", ".join(
            f"{k} {v:.2f}" if isinstance(v, float) else f"{k} {v}" for k, v in extra.items()
        ),
        "- revline with the default 30-day dunning window: movements "
        f"{dun['movements']:.2f} s, total {dun['total']:.2f} s",
    ]
    if not RESULTS.exists():
        RESULTS.write_text("# MRR benchmark results\n\nAppended by bench/bench_mrr.py.\n")
    with RESULTS.open("a") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
