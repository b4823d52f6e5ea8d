"""What diagnosis reports: a finding, the rows behind it, and how findings are ranked.

A :class:`Finding` states one problem in one sentence, names its owner from the function
category map, puts a measured figure on the revenue at stake (with the method), says how the
problem was measured (the statistical test and its p-value), lists the figures as evidence, and
carries a :class:`Drill` handle: the canonical rows behind it, as an Ibis filter anyone can run.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import ibis
import ibis.expr.types as ir
import pandas as pd

from revline.errors import ConfigError, unknown
from revline.warehouse import Warehouse

#: Filter operators a :class:`Drill` understands.
OPS = ("=", "!=", ">=", "<", "is_null", "not_null", "in")
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Drill:
    """The rows behind a finding: a canonical table and a conjunction of column filters.

    ``where`` holds ``(column, op, value)`` triples (``op`` in :data:`OPS`; ``value`` is ignored
    by ``is_null``/``not_null`` and is a tuple for ``in``). :meth:`expr` builds the Ibis
    expression; :func:`revline.analyses.diagnose.rows` runs it.
    """

    table: str
    where: tuple[tuple[str, str, Any], ...] = ()
    note: str = ""
    #: Tables joined first, each ``(table, key column)``, so filters can use their columns.
    join: tuple[tuple[str, str], ...] = ()
    #: For a metric's figure: the metric drill-down (``revline metrics rows``) to use instead.
    metric: str | None = None
    period: str | None = None
    by: tuple[str, str] | None = None  # (breakdown, value)

    def rows(self, wh: Warehouse) -> pd.DataFrame:
        """The rows behind the finding, as a DataFrame."""
        if self.metric is not None and self.period is not None:
            from revline.metrics.drill import ROWS, rows

            if self.metric in ROWS:
                by, value = self.by or (None, None)
                return rows(self.metric, self.period, by, value, warehouse=wh)
        frame: pd.DataFrame = wh.ibis.execute(self.expr(wh))
        return frame

    def expr(self, wh: Warehouse) -> ir.Table:
        t = wh.table(self.table)
        for other, key in self.join:
            t = t.inner_join(wh.table(other), key)
        for column, op, value in self.where:
            if column not in t.columns:
                raise ConfigError(unknown(f"column of {self.table}", column, t.columns))
            c = t[column]
            if op == "=":
                t = t.filter(c == value)
            elif op == "!=":
                t = t.filter(c != value)
            elif op == ">=":
                t = t.filter(c >= ibis.literal(value))
            elif op == "<":
                t = t.filter(c < ibis.literal(value))
            elif op == "is_null":
                t = t.filter(c.isnull())
            elif op == "not_null":
                t = t.filter(c.notnull())
            elif op == "in":
                t = t.filter(c.isin(list(value)))
            else:
                raise ConfigError(unknown("drill operator", op, OPS))
        return t

    def describe(self) -> str:
        """The filter as text, e.g. ``leads where region = 'emea' and mql_at not null``."""
        parts = []
        for column, op, value in self.where:
            shown = "" if op in ("is_null", "not_null") else f" {_show(value)}"
            parts.append(f"{column} {op.replace('_', ' ')}{shown}")
        if self.metric is not None and self.period is not None:
            by = f" --by {self.by[0]} --value {self.by[1]}" if self.by else ""
            return f"revline metrics rows {self.metric} --period {self.period}{by}"
        joined = "".join(f" join {other} using ({key})" for other, key in self.join)
        return self.table + joined + (" where " + " and ".join(parts) if parts else "")

    def to_dict(self) -> dict[str, Any]:
        where = [[c, op, _plain(v)] for c, op, v in self.where]
        return {
            "table": self.table,
            "join": [list(j) for j in self.join],
            "where": where,
            "query": self.describe(),
            "note": self.note,
        }


def _show(value: Any) -> str:
    if isinstance(value, tuple):
        return "(" + ", ".join(_show(v) for v in value) + ")"
    if isinstance(value, str | date | datetime):
        return f"'{value}'"
    return str(value)


def _plain(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


@dataclass(frozen=True)
class Finding:
    """One diagnosed problem (see the module docstring).

    ``at_stake`` is ARR in the reporting currency (``None`` when the problem has no measured
    money figure); ``confidence`` is 1 - the test's adjusted p-value (or the stated certainty
    of a rule-based finding); ``subject`` says where the problem is (e.g. ``{"region":
    "emea"}``) so findings can be matched to a planted truth or to a page.
    """

    detector: str
    problem: str
    owner: str  # function key in the org map
    owner_label: str
    at_stake: Decimal | None
    at_stake_method: str
    method: str
    confidence: float
    evidence: tuple[tuple[str, str], ...]
    drill: Drill
    subject: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "detector": self.detector,
            "problem": self.problem,
            "owner": self.owner,
            "owner_label": self.owner_label,
            "at_stake": None if self.at_stake is None else str(self.at_stake),
            "at_stake_method": self.at_stake_method,
            "method": self.method,
            "confidence": round(self.confidence, 4),
            "evidence": [{"figure": k, "value": v} for k, v in self.evidence],
            "drill": self.drill.to_dict(),
            "subject": dict(self.subject),
        }


def money(value: float | Decimal) -> Decimal:
    """An ARR estimate rounded to cents (never negative: a gain is not revenue at stake)."""
    amount = Decimal(str(value)) if not isinstance(value, Decimal) else value
    return max(amount, Decimal(0)).quantize(CENT)


def priced(customers: float, per_customer: Decimal) -> Decimal:
    """ARR at stake of ``customers`` (an expected, fractional count) at ``per_customer`` each."""
    return money(Decimal(str(round(customers, 6))) * per_customer)


def rank(findings: Iterable[Finding]) -> list[Finding]:
    """Findings ordered by revenue at stake weighted by confidence, then confidence.

    Findings without a money figure come after every finding with one, by confidence.
    """

    def key(f: Finding) -> tuple[int, Decimal, float, str]:
        if f.at_stake is None:
            return (1, Decimal(0), -f.confidence, f.problem)
        weighted = f.at_stake * Decimal(str(round(f.confidence, 6)))
        return (0, -weighted, -f.confidence, f.problem)

    return sorted(findings, key=key)
