"""What ``revline check`` reports: findings, the report that holds them, and how they are worded.

A finding is one problem of one kind in one table (or a pair of tables): how many rows or
entities have it, up to five example ids, and a sentence saying what is wrong and why it
matters, so a reader can act on it without opening the warehouse.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import ibis

from revline.warehouse import Warehouse

#: Severities, worst first. ``error`` means a metric built on the rows is wrong; ``warning``
#: that it may be; ``info`` is worth knowing but normal (e.g. open deals without an account).
SEVERITIES = ("error", "warning", "info")

#: How many example ids a finding carries.
MAX_EXAMPLES = 5


@dataclass(frozen=True)
class Finding:
    """One problem found in the warehouse.

    ``count`` is the number of offending rows or entities (the message says which);
    ``examples`` are up to :data:`MAX_EXAMPLES` of their ids, sorted; ``details`` are optional
    extra lines for the examples (e.g. the subscriptions that overlap on an account).
    """

    check: str
    tables: tuple[str, ...]
    severity: str
    count: int
    examples: tuple[str, ...]
    message: str
    columns: tuple[str, ...] = ()
    details: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(f"severity must be one of {SEVERITIES}, not {self.severity!r}")

    def to_dict(self) -> dict[str, Any]:
        return {
            "check": self.check,
            "tables": list(self.tables),
            "columns": list(self.columns),
            "severity": self.severity,
            "count": self.count,
            "examples": list(self.examples),
            "details": list(self.details),
            "message": self.message,
        }


@dataclass(frozen=True)
class CheckReport:
    """Every finding of one ``run_checks`` call, worst first, and the checks that ran."""

    findings: tuple[Finding, ...]
    checks_run: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        """No findings at all."""
        return not self.findings

    def with_severity(self, severity: str) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == severity)

    def has_at_least(self, severity: str) -> bool:
        """Whether any finding is at ``severity`` or worse (for ``--fail-on``)."""
        worst = SEVERITIES[: SEVERITIES.index(severity) + 1]
        return any(f.severity in worst for f in self.findings)

    def by_check(self, check: str, table: str | None = None) -> tuple[Finding, ...]:
        """The findings of one check, optionally only those about ``table``."""
        return tuple(
            f for f in self.findings if f.check == check and (table is None or table in f.tables)
        )

    def summary(self) -> dict[str, int]:
        return {s: len(self.with_severity(s)) for s in SEVERITIES}

    def to_dict(self) -> dict[str, Any]:
        return {
            "summary": self.summary(),
            "checks_run": list(self.checks_run),
            "findings": [f.to_dict() for f in self.findings],
        }


def sort_findings(findings: Iterable[Finding]) -> tuple[Finding, ...]:
    """Worst severity first, then by check and table, so output is stable."""
    return tuple(
        sorted(findings, key=lambda f: (SEVERITIES.index(f.severity), f.check, f.tables, f.columns))
    )


@dataclass(frozen=True)
class Context:
    """What every check gets: the warehouse and its row counts (checks skip empty tables)."""

    wh: Warehouse
    counts: Mapping[str, int]
    _tables: dict[str, ibis.Table] = field(default_factory=dict, compare=False, repr=False)

    def has(self, *tables: str) -> bool:
        """Whether every one of ``tables`` has rows."""
        return all(self.counts.get(t, 0) > 0 for t in tables)

    def table(self, name: str) -> ibis.Table:
        """The ibis table ``name`` (looked up once per run: each lookup reads the catalog)."""
        if name not in self._tables:
            self._tables[name] = self.wh.table(name)
        return self._tables[name]


# -- counting offending ids ------------------------------------------------------------------
def ids_of(wh: Warehouse, rows: ibis.Table, column: str) -> tuple[int, tuple[str, ...]]:
    """The number of distinct non-null ``column`` values in ``rows`` and the first few, sorted."""
    ids = rows.select(id=rows[column].cast("string")).filter(ibis._.id.notnull()).distinct()
    first = ids.mutate(n=ibis._.count().over()).order_by("id").limit(MAX_EXAMPLES)
    frame = wh.ibis.execute(first)
    if frame.empty:
        return 0, ()
    return int(frame["n"].iloc[0]), tuple(str(v) for v in frame["id"])


# -- wording ---------------------------------------------------------------------------------
_SINGULAR = {
    "usage": "usage row",
    "opportunity_history": "opportunity history row",
    "marketing_spend": "marketing spend row",
    "financials": "financials row",
    "fx_rates": "FX rate",
    "quarantine": "quarantined row",
}
_PLURAL = {
    "usage": "usage rows",
    "opportunity_history": "opportunity history rows",
    "marketing_spend": "marketing spend rows",
    "financials": "financials rows",
    "fx_rates": "FX rates",
    "quarantine": "quarantined rows",
}


def noun(table: str, count: int) -> str:
    """``"3 subscriptions"``, ``"1 opportunity"``, ``"2 usage rows"``: a count of a table's rows."""
    if count == 1:
        word = _SINGULAR.get(table)
        if word is None:
            base = table.replace("_", " ")
            word = base[:-3] + "y" if base.endswith("ies") else base.removesuffix("s")
    else:
        word = _PLURAL.get(table, table.replace("_", " "))
    return f"{count} {word}"


def example_list(count: int, examples: Sequence[str]) -> str:
    """``"A-1, A-2, ..."``: the examples, with an ellipsis when there are more."""
    more = ", ..." if count > len(examples) else ""
    return ", ".join(examples) + more


def verb(count: int, singular: str, plural: str) -> str:
    return singular if count == 1 else plural
