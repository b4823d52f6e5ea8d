"""SLA breaches per owner function, rep and period, with the revenue they put at stake.

Revenue at stake is measured on the data, never assumed:

- **first response**: leads answered late convert to a won deal less often than leads answered
  on time; each late lead puts (on-time rate − late rate) × the average won deal at stake;
- **hand-off** and **go-live**: customers handed over (or taken live) late churn more often;
  each late one puts (late churn rate − on-time churn rate) × the average won ARR at stake;
- **lead volume / velocity**: the MQLs missing against the commitment × won ARR per MQL;
- **lead quality**: the SQLs missing against the committed MQL → SQL rate × won ARR per SQL;
- **rejection feedback**: not measurable from the data (``None``): the breach is counted only.

A difference that favours the late group counts as zero: no revenue is at stake then.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import ibis.expr.types as ir
import pandas as pd

from revline.analyses.seams.flows import default_as_of
from revline.analyses.seams.funnel import cached_journeys
from revline.analyses.seams.sla_config import SlaSet, SlaSpec, load_slas
from revline.analyses.seams.sla_rows import AWAITED, COLUMNS, period_rows, record_rows, recorded
from revline.model.lifecycle import instant
from revline.org import OrgMap, Owner, load_org
from revline.warehouse import Warehouse

CENT = Decimal("0.01")
RECORD_KINDS = ("first_response", "rejection_feedback", "handoff", "go_live")


@dataclass(frozen=True)
class BreachCount:
    """Breaches of one SLA for one rep or one period."""

    key: str
    measured: int
    breaches: int
    revenue_at_stake: Decimal | None


@dataclass(frozen=True)
class SlaResult:
    """One SLA judged over the data: how often it was breached, by whom, and what it costs."""

    name: str
    kind: str
    description: str
    owner: Owner
    measured: int
    breaches: int
    revenue_at_stake: Decimal | None
    how_measured: str
    by_rep: tuple[BreachCount, ...]
    by_period: tuple[BreachCount, ...]
    examples: tuple[str, ...]

    @property
    def breach_rate(self) -> float | None:
        return self.breaches / self.measured if self.measured else None


@dataclass(frozen=True)
class SlaReport:
    """Every SLA of a file judged as of one moment; ``rows`` holds what each was judged on."""

    as_of: datetime
    path: str
    results: tuple[SlaResult, ...]
    rows: pd.DataFrame

    def by_owner(self) -> dict[str, tuple[int, int, Decimal]]:
        """Per owner function: (measured, breaches, revenue at stake)."""
        out: dict[str, tuple[int, int, Decimal]] = {}
        for r in self.results:
            m, b, v = out.get(r.owner.function, (0, 0, Decimal(0)))
            out[r.owner.function] = (m + r.measured, b + r.breaches, v + (r.revenue_at_stake or 0))
        return out


def _money(value: Any) -> Decimal:
    return Decimal(str(value)) if value is not None and not pd.isna(value) else Decimal(0)


def _mean_amount(rows: pd.DataFrame) -> Decimal:
    won = [_money(a) for a, w in zip(rows.amount, rows.won, strict=True) if w and a is not None]
    return (sum(won, Decimal(0)) / len(won)).quantize(CENT) if won else Decimal(0)


def _share(flags: pd.Series) -> float | None:
    return float(flags.mean()) if len(flags) else None


def _record_stake(rows: pd.DataFrame, spec: SlaSpec) -> tuple[list[Decimal | None], str]:
    """Revenue at stake per row of a record SLA, and how it was measured."""
    if spec.kind == "rejection_feedback" or rows.empty:
        how = "Counted only: the data cannot tell what a missing rejection reason costs."
        return [None] * len(rows), how
    late, on_time = rows[rows.breached], rows[~rows.breached]
    value = _mean_amount(rows)
    outcome = "won" if spec.kind == "first_response" else "churned"
    late_rate, on_rate = _share(late[outcome].astype(bool)), _share(on_time[outcome].astype(bool))
    if late_rate is None or on_rate is None:
        diff = 0.0
    elif outcome == "won":
        diff = max(0.0, on_rate - late_rate)
    else:
        diff = max(0.0, late_rate - on_rate)
    per = (Decimal(str(round(diff, 6))) * value).quantize(CENT)
    word = "converted to a won deal" if outcome == "won" else "churned"

    def pct(x: float | None) -> str:
        return "n/a" if x is None else f"{x:.1%}"

    how = (
        f"Of {len(late)} late record(s) {pct(late_rate)} {word}, of {len(on_time)} on time "
        f"{pct(on_rate)}; each late one puts {diff:.1%} x {value:,.2f} (average won ARR) = "
        f"{per:,.2f} at stake."
    )
    return [per if b else Decimal("0.00") for b in rows.breached], how


def _values(j: ir.Table) -> tuple[Decimal, Decimal]:
    """Won ARR per MQL and per SQL, measured over all journeys."""
    won = j.closed_won_at.notnull()
    agg = j.aggregate(
        mqls=j.mql_at.count(),
        sqls=j.sql_at.count(),
        mql_arr=j.amount.sum(where=won & j.mql_at.notnull()),
        sql_arr=j.amount.sum(where=won & j.sql_at.notnull()),
    )
    r = agg.to_pyarrow().to_pylist()[0]
    per_mql = _money(r["mql_arr"]) / r["mqls"] if r["mqls"] else Decimal(0)
    per_sql = _money(r["sql_arr"]) / r["sqls"] if r["sqls"] else Decimal(0)
    return per_mql.quantize(CENT), per_sql.quantize(CENT)


def _period_stake(
    rows: pd.DataFrame, spec: SlaSpec, j: ir.Table
) -> tuple[list[Decimal | None], str]:
    per_mql, per_sql = _values(j)
    unit, per = ("SQL", per_sql) if spec.kind == "lead_quality" else ("MQL", per_mql)
    stakes: list[Decimal | None] = []
    for _, r in rows.iterrows():
        gap = float(r.target) - float(r.value)
        if not r.breached:
            stakes.append(Decimal("0.00"))
            continue
        short = gap if spec.kind == "lead_volume" else gap * float(r.volume)
        stakes.append((Decimal(str(round(short, 6))) * per).quantize(CENT))
    how = (
        f"Each breached month's shortfall in {unit}s against the commitment x {per:,.2f} "
        f"(won ARR per {unit}, measured over all journeys)."
    )
    return stakes, how


def _counts(rows: pd.DataFrame, key: str) -> tuple[BreachCount, ...]:
    out = []
    for value, g in rows.groupby(key, sort=True):
        stakes = [s for s in g.at_stake if s is not None]
        stake = sum(stakes, Decimal(0)) if stakes else None
        name = value.isoformat()[:7] if hasattr(value, "isoformat") else str(value)
        out.append(BreachCount(name, len(g), int(g.breached.sum()), stake))
    return tuple(out)


def evaluate_slas(
    wh: Warehouse,
    slas: SlaSet | None = None,
    *,
    org: OrgMap | None = None,
    as_of: date | datetime | None = None,
) -> SlaReport:
    """Judge every SLA of ``slas`` (default: the built-in file) against the warehouse."""
    slas = slas or load_slas()
    org = org or load_org()
    results, frames = [], []
    with cached_journeys(wh, instant(as_of)) as j:
        when = instant(as_of) or default_as_of(wh, j)
        for spec in slas.slas:
            owner = org.stage_owner(spec.stage)
            measurable = spec.kind not in RECORD_KINDS or recorded(j, spec)
            stakes: list[Decimal | None]
            if not measurable:
                rows, stakes = pd.DataFrame(columns=COLUMNS), []
                how = (
                    f"Not measurable: no record in the data has {AWAITED[spec.kind]}, so "
                    "the source does not record it; no breach is counted."
                )
            elif spec.kind in RECORD_KINDS:
                rows = record_rows(j, spec, when)
                stakes, how = _record_stake(rows, spec)
            else:
                rows = period_rows(wh, j, spec, when)
                stakes, how = _period_stake(rows, spec, j)
            rows = rows.assign(
                at_stake=pd.Series(stakes, index=rows.index, dtype=object),
                sla=spec.name,
                owner_function=owner.function,
            )
            known = [s for s in stakes if s is not None]
            priced = measurable and spec.kind != "rejection_feedback"
            total = sum(known, Decimal(0)) if priced else None
            breached = rows[rows.breached.astype(bool)]
            results.append(
                SlaResult(
                    name=spec.name,
                    kind=spec.kind,
                    description=spec.description,
                    owner=owner,
                    measured=len(rows),
                    breaches=len(breached),
                    revenue_at_stake=total,
                    how_measured=how,
                    by_rep=_counts(rows, "rep"),
                    by_period=_counts(rows, "period"),
                    examples=tuple(str(x) for x in breached.record_id.head(5)),
                )
            )
            frames.append(rows)
    columns = ["sla", "owner_function", *COLUMNS, "at_stake"]
    every = [f[columns].astype(object) for f in frames if not f.empty]
    table = pd.concat(every, ignore_index=True) if every else pd.DataFrame(columns=columns)
    return SlaReport(when, slas.path, tuple(results), table)
