"""``revline demo``: a synthetic company in a local warehouse, and a short summary of it.

Later parts extend what the demo shows (metrics, the board report, the dashboard); the summary
here is read from the warehouse through ibis, so it shows what was stored, not what was intended.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import ibis

from revline.model.periods import last_full_quarter, last_full_year
from revline.warehouse import Warehouse

DEFAULT_DIR = Path("revline-demo")
DEFAULT_ACCOUNTS = 20_000
DEFAULT_MONTHS = 24
DEFAULT_SEED = 7


@dataclass(frozen=True)
class CompanySummary:
    """What the demo company looks like, read back from the warehouse."""

    warehouse: str
    seed: int
    months: int
    as_of: str  # exclusive: the history ends the day before
    seconds: float
    table_rows: dict[str, int]
    accounts_by_segment: dict[str, int]
    opportunities_by_outcome: dict[str, int]
    subscriptions_running: int
    leads_by_stage: dict[str, int] = field(default_factory=dict)
    #: The last full quarter of history, and its headline metrics from the metric registry.
    quarter: str = ""
    headline: dict[str, object] = field(default_factory=dict)
    mrr_by_segment: dict[str, object] = field(default_factory=dict)
    #: The last full calendar year, and its year-on-year figures (growth, NRR).
    year: str = ""
    yearly: dict[str, object] = field(default_factory=dict)


#: The metrics the demo shows, computed by the registry (the demo computes nothing itself).
HEADLINE = (
    "mrr",
    "arr",
    "customers",
    "arpa",
    "net_new_mrr",
    "nrr",
    "grr",
    "logo_retention",
    "rule_of_40",
    "cac_payback_months",
)
#: Figures the demo shows for the last full year: growth year on year, and the year's NRR.
YEARLY = ("mrr_growth", "nrr")


def build_demo(
    directory: Path = DEFAULT_DIR,
    accounts: int = DEFAULT_ACCOUNTS,
    months: int = DEFAULT_MONTHS,
    seed: int = DEFAULT_SEED,
) -> CompanySummary:
    """Build the demo company into ``directory/revline.duckdb`` (replacing an earlier demo)."""
    from revline.synth import generate

    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "revline.duckdb"
    for stale in (path, path.with_name(path.name + ".wal")):
        if stale.exists():
            stale.unlink()
    shutil.rmtree(directory / "report", ignore_errors=True)
    with Warehouse.create(path) as wh:
        result = generate(wh, accounts=accounts, months=months, seed=seed)
        return summarize(
            wh, seed=seed, months=months, as_of=str(result.as_of), seconds=result.seconds
        )


def write_demo_report(warehouse: Path, quarter: str) -> Path:
    """Write the board report (HTML) for ``quarter`` next to the demo warehouse."""
    from revline.report import write_report

    with Warehouse.open(warehouse) as wh:
        return write_report(wh, warehouse.parent / "report" / f"board-{quarter}.html", quarter)


def _grouped(table: ibis.Table, key: ibis.Value) -> dict[str, int]:
    frame = table.group_by(key=key).aggregate(n=table.count()).order_by("key").to_pandas()
    return {str(k): int(n) for k, n in zip(frame["key"], frame["n"], strict=True)}


def summarize(wh: Warehouse, seed: int, months: int, as_of: str, seconds: float) -> CompanySummary:
    """Read a short description of the company in ``wh``."""
    accounts = wh.table("accounts")
    opps = wh.table("opportunities")
    subs = wh.table("subscriptions")
    leads = wh.table("leads")
    as_of_ts = ibis.timestamp(as_of).cast("timestamp('UTC', 6)")
    outcome = ibis.cases((opps.is_won, "won"), (opps.is_closed, "lost"), else_="open")
    stage = ibis.cases(
        (leads.converted_at.notnull(), "converted to opportunity"),
        (leads.disqualified_at.notnull(), "disqualified"),
        (leads.sql_at.notnull(), "SQL"),
        (leads.sal_at.notnull(), "SAL"),
        (leads.mql_at.notnull(), "MQL"),
        else_="lead",
    )
    running = subs.filter(
        (subs.start_at <= as_of_ts) & (subs.end_at.isnull() | (subs.end_at > as_of_ts))
    ).count()
    return CompanySummary(
        warehouse=wh.path,
        seed=seed,
        months=months,
        as_of=as_of,
        seconds=seconds,
        table_rows={name: n for name, n in wh.counts().items() if n},
        accounts_by_segment=_grouped(accounts, accounts.segment.fill_null("unknown")),
        opportunities_by_outcome=_grouped(opps, outcome),
        subscriptions_running=int(running.execute()),
        leads_by_stage=_grouped(leads, stage),
        **_headline(wh, date.fromisoformat(as_of[:10])),
    )


def _headline(wh: Warehouse, as_of: date) -> dict[str, Any]:
    from revline.metrics import compute_many
    from revline.settings import MetricSettings

    quarter = last_full_quarter(as_of - timedelta(days=1))  # as_of: the day after the data
    year = last_full_year(as_of - timedelta(days=1))
    settings = MetricSettings(as_of=as_of - timedelta(days=1))
    values = compute_many(HEADLINE, quarter, warehouse=wh, settings=settings)
    yearly = compute_many(YEARLY, year, warehouse=wh, settings=settings)
    by_segment = compute_many(["mrr"], quarter, "segment", warehouse=wh, settings=settings)["mrr"]
    return {
        "quarter": quarter,
        "headline": {name: _first(frame) for name, frame in values.items()},
        "mrr_by_segment": dict(zip(by_segment["segment"], by_segment["value"], strict=True)),
        "year": year,
        "yearly": {name: _first(frame) for name, frame in yearly.items()},
    }


def _first(frame: Any) -> object:
    """A one-period figure's value (None when the period has no value)."""
    value = frame["value"].iloc[0] if len(frame) else None
    return None if value is None or value != value else value  # NaN: no value
