"""Benchmark revline's MRR suite against hand-written DuckDB queries for the same outputs.

Run from the repository root::

    python bench/bench_mrr.py                        # 1M paying accounts x 24 months, 3 rounds
    python bench/bench_mrr.py --accounts 200000      # a smaller company (cheap, for profiling)
    python bench/bench_mrr.py --movement-baselines   # also the movements-only references
    python bench/bench_mrr.py --company synthetic-customers --accounts 100000
        # revline.synth sized by paying customers (``revline synth --customers``)

**The suite** (``bench/mrr_suite.py``): the customer-month movements, the monthly bridge, NRR and
GRR by quarter, the three cohort matrices by month (NRR, logo and gross revenue retention), and
the efficiency metrics that read the MRR model (new customers, new ARR, CAC, CAC payback, CAC
ratio, LTV:CAC by quarter). revline computes it as a library user does (one ``build_model``,
each metric's ``compute``); the hand side with hand-written SQL (the customers' pieces stored
once, then one query per family). Both sides' outputs are checked equal inside DuckDB.

Each side runs in its own child process, so that its peak memory (``ru_maxrss``) is its own;
the rounds interleave them (hand, revline, then revline, hand, ...), so a busy spell on the
shared machine hits both. Every output is materialised as Arrow. The figures (min and median
per family, the ratios, peak memory), the machine and its load average are appended to
``bench/mrr_results.md``.

The default company (``--company customers``, ``bench/mrr_company.py``, seed 7) is the issue's
reference scale: every account pays, ~3.3M subscription rows, ~15.7M customer-month rows, plus
S&M expenses and financials for the efficiency metrics. The synthetic one
(``revline.synth.generate``, seed 7) is a whole company in which only a few percent of the
accounts become customers. Either warehouse is cached in ``bench/_work/`` (git-ignored).

``--movement-baselines`` adds the earlier movements-only comparison: revline's movements against
the hand query (``HAND_SQL``), the subscription-month grid query (``GRID_SQL``) and pandas, all
checked row for row. Settings: billed MRR, churn at the scheduled end, past-due handling off
(the hand queries do not model dunning).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from mrr_baselines import AS_OF, KEY, WORK, run_pandas, run_sql
from mrr_suite import FAMILIES, check, run_hand
from mrr_suite import run_revline as run_revline_suite

HERE = Path(__file__).parent
RESULTS = HERE / "mrr_results.md"


def machine() -> str:
    """Cores, CPU model and RAM, from /proc, plus the load average (the machine is shared)."""
    cpuinfo = Path("/proc/cpuinfo").read_text().splitlines()
    cpu = next((line.split(":", 1)[1].strip() for line in cpuinfo if "model name" in line), "?")
    kib = int(Path("/proc/meminfo").read_text().split()[1])
    load = Path("/proc/loadavg").read_text().split()[0]
    cores = len(os.sched_getaffinity(0))
    return f"{cores} cores, {cpu}, {kib / 2**20:.1f} GiB RAM; load average {load} when written"


def warehouse_path(company: str, accounts: int, months: int) -> Path:
    """The cached warehouse, built (to a partial file, then renamed) when missing.

    ``customers`` is the bench-only company of ``bench/mrr_company.py`` (every account pays);
    ``synthetic`` is the whole company of ``revline.synth.generate`` with ``accounts`` arriving
    in its window; ``synthetic-customers`` the same sized to about ``accounts`` paying customers,
    without the tables no suite output reads (``revline synth --customers N --scope revenue``;
    see bench/synth_results.md for how long that takes).
    """
    if company == "customers":
        path = WORK / f"customers_{accounts}x{months}_s7_v2.duckdb"  # v2: with expenses
        if not path.exists():
            from mrr_company import build

            WORK.mkdir(exist_ok=True)
            partial = path.with_suffix(".partial")
            partial.unlink(missing_ok=True)
            print(f"building {path} ...", flush=True)
            build(partial, accounts, months, 7)
            partial.rename(path)
        return path
    from revline.synth import build as build_synth

    if company == "synthetic-customers":
        from revline.synth.opening import accounts_for

        path = WORK / f"synth_customers_{accounts}x{months}_s7_revenue.duckdb"
        accounts, scope = accounts_for(accounts), "revenue"
    else:
        path = WORK / f"synth_{accounts}x{months}_s7.duckdb"
        scope = "full"
    if not path.exists():  # build() writes a partial file and renames it at the end
        WORK.mkdir(exist_ok=True)
        print(f"building {path} (minutes) ...", flush=True)
        build_synth(path, accounts, months, 7, scope=scope)
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
        "suite_revline": lambda: run_revline_suite(path),
        "suite_hand": lambda: run_hand(path),
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
    parser.add_argument("--repeat", type=int, default=3, help="Rounds (each runs both sides).")
    parser.add_argument(
        "--movement-baselines",
        action="store_true",
        help="Also time the movements-only references (hand SQL, grid SQL, pandas).",
    )
    parser.add_argument("--child", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--path", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, Path(args.path))
        return
    path = warehouse_path(args.company, args.accounts, args.months)
    load = Path("/proc/loadavg").read_text().split()[:3]
    suite: dict[str, list[dict[str, Any]]] = {"suite_hand": [], "suite_revline": []}
    loads = []
    for i in range(args.repeat):  # interleaved: hand, revline, then revline, hand, ...
        order = ("suite_hand", "suite_revline") if i % 2 == 0 else ("suite_revline", "suite_hand")
        for name in order:
            loads.append(Path("/proc/loadavg").read_text().split()[0])
            suite[name].append(measure(name, path))
    rows = check()
    write_suite(args, suite, rows, load, loads)
    if args.movement_baselines:
        runs: dict[str, dict[str, Any]] = {}
        for _ in range(args.repeat):
            for name in ("sql", "revline", "pandas", "sql_grid", "revline_dunning"):
                result = measure(name, path)
                if name not in runs or result["movements"] < runs[name]["movements"]:
                    runs[name] = result
        write_results(args, runs, agree())


def family_times(side: str, run: dict[str, Any]) -> dict[str, float]:
    """Seconds per family (revline: the sum of its outputs; hand: its one query), and total."""
    out: dict[str, float] = {}
    for family, names in FAMILIES.items():
        if side == "suite_hand" or family in ("movements", "bridge"):
            out[family] = float(run[family])
        else:
            out[family] = sum(float(run[n]) for n in names)
    out["total"] = float(run["total"])
    return out


def write_suite(
    args: argparse.Namespace,
    suite: dict[str, list[dict[str, Any]]],
    rows: dict[str, int],
    load: list[str],
    loads: list[str],
) -> None:
    hand = [family_times("suite_hand", r) for r in suite["suite_hand"]]
    rev = [family_times("suite_revline", r) for r in suite["suite_revline"]]

    def stats(runs: list[dict[str, float]], key: str) -> tuple[float, float]:
        values = [r[key] for r in runs]
        return min(values), statistics.median(values)

    table = [
        "| family (outputs) | hand min / median (s) | revline min / median (s) "
        "| revline / hand (min, median) |",
        "| --- | ---: | ---: | ---: |",
    ]
    for family in [*FAMILIES, "total"]:
        hmin, hmed = stats(hand, family)
        rmin, rmed = stats(rev, family)
        label = (
            "total (the suite)"
            if family == "total"
            else (f"{family} ({', '.join(FAMILIES[family])})")
        )
        table.append(
            f"| {label} | {hmin:.2f} / {hmed:.2f} | {rmin:.2f} / {rmed:.2f} "
            f"| {rmin / hmin:.2f}x, {rmed / hmed:.2f}x |"
        )
    peak = {s: [r["peak_gib"] for r in suite[s]] for s in suite}
    moves = statistics.median(r["movements"] for r in suite["suite_revline"])
    cohort_medians = {
        n: statistics.median(r[n] for r in suite["suite_revline"]) for n in FAMILIES["cohorts"]
    }
    total_ratio = stats(rev, "total")[1] / stats(hand, "total")[1]
    mem_ratio = max(peak["suite_revline"]) / max(peak["suite_hand"])
    lines = [
        f"\n## Full suite, {args.accounts:,} accounts x {args.months} months (seed 7, company "
        f"`{args.company}`), as of {AS_OF}",
        "",
        f"- date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; machine: {machine()}; "
        f"Python {sys.version.split()[0]}",
        f"- load average at the start (1, 5, 15 min): {' '.join(load)}; before each run: "
        f"{', '.join(loads)}",
        f"- command: `python bench/bench_mrr.py --company {args.company} --accounts "
        f"{args.accounts} --months {args.months} --repeat {args.repeat}`",
        f"- {args.repeat} interleaved rounds, each side in its own process; every output "
        "checked equal to the hand query's inside DuckDB ("
        + ", ".join(f"{n} {c:,} rows" for n, c in rows.items())
        + ")",
        "",
        *table,
        "",
        f"- **suite: revline / hand {total_ratio:.2f}x** (median; target at most 1.5x)",
        f"- **peak memory** (GiB, max RSS per run): revline "
        f"{', '.join(f'{p:.2f}' for p in peak['suite_revline'])}; hand "
        f"{', '.join(f'{p:.2f}' for p in peak['suite_hand'])}: **{mem_ratio:.2f}x** "
        "(highest of each; target at most 2x)",
        f"- **cohort matrices against the movements** (revline, median seconds; movements "
        f"include build_model): movements {moves:.2f}; "
        + ", ".join(f"{n} {t:.2f}" for n, t in cohort_medians.items())
        + " (target: each no slower than the movements)",
        "- revline per output (median seconds): "
        + ", ".join(
            f"{k} {statistics.median(float(r[k]) for r in suite['suite_revline']):.2f}"
            for k in suite["suite_revline"][0]
            if k not in ("peak_gib",)
        ),
        "- hand per query (median seconds): "
        + ", ".join(
            f"{k} {statistics.median(float(r[k]) for r in suite['suite_hand']):.2f}"
            for k in suite["suite_hand"][0]
            if k not in ("peak_gib",)
        ),
    ]
    if not RESULTS.exists():
        RESULTS.write_text("# MRR benchmark results\n\nAppended by bench/bench_mrr.py.\n")
    with RESULTS.open("a") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines))


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
