"""Impossible dates: declared orderings broken, dates after the data was written, dates before 1990.

The order rules are the :class:`~revline.schema.core.OrderCheck` declarations of each table
with ``severity="warning"``: the importer loads rows that break them and this check reports
them. ``"error"`` rules need no check here: the importer quarantines rows that break them and
the warehouse enforces them as CHECK constraints, so no stored row can break one.
"""

from __future__ import annotations

from collections.abc import Callable

import ibis
import ibis.expr.types as ir

from revline.quality.findings import Context, Finding, example_list, ids_of, noun, verb
from revline.schema import TABLES, Kind, OrderCheck, Table
from revline.settings import DATE_WINDOW

#: Dates that may lie after the moment the row was written: plans, terms and expectations.
#: Every other date or timestamp records something that has happened.
PLANNED = frozenset(
    {
        ("subscriptions", "end_at"),
        ("subscriptions", "trial_end_at"),
        ("invoices", "due_at"),
        ("invoices", "period_start"),
        ("invoices", "period_end"),
        ("opportunities", "close_date"),
        ("opportunity_history", "close_date"),
        ("quotas", "period_start"),
        ("quotas", "period_end"),
        ("targets", "period_start"),
        ("targets", "period_end"),
        ("campaigns", "start_date"),
        ("campaigns", "end_date"),
        ("employees", "start_date"),
        ("employees", "end_date"),
    }
)

#: Dates that may genuinely lie before 1990 (long tenures, historical exchange rates).
HISTORICAL = frozenset({("employees", "start_date"), ("fx_rates", "rate_date")})

#: Before this day a business date is almost surely a parsing default or a typo.
EARLIEST = "1990-01-01"

_TIME_KINDS = (Kind.DATE, Kind.TIMESTAMP)


def _comparable(rows: ibis.Table, table: Table, a: str, b: str) -> tuple[ir.Value, ir.Value]:
    """The two columns as values of one type: a date and a timestamp compare as dates."""
    ka, kb = table.column(a).kind, table.column(b).kind
    left, right = rows[a], rows[b]
    if ka is not kb:
        left = left.date() if ka is Kind.TIMESTAMP else left
        right = right.date() if kb is Kind.TIMESTAMP else right
    return left, right


def date_order(ctx: Context) -> list[Finding]:
    """Rows where a declared warning-level order (``later`` not before ``earlier``) is broken."""
    out = []
    for table in TABLES.values():
        if not ctx.has(table.name):
            continue
        for check in table.checks:
            if not isinstance(check, OrderCheck) or check.severity != "warning":
                continue
            rows = ctx.table(table.name)
            earlier, later = _comparable(rows, table, check.earlier, check.later)
            bad = rows.filter(earlier.notnull() & later.notnull() & (later < earlier))
            count, examples = ids_of(ctx.wh, bad, table.primary_key)
            if not count:
                continue
            message = (
                f"{noun(table.name, count)} {verb(count, 'has', 'have')} {check.later} before "
                f"{check.earlier}: {example_list(count, examples)}; durations and stage timing "
                f"computed from them are negative or wrong."
            )
            out.append(
                Finding(
                    "date_order",
                    (table.name,),
                    "warning",
                    count,
                    examples,
                    message,
                    columns=(check.earlier, check.later),
                )
            )
    return out


def _time_columns(table: Table) -> list[str]:
    return [c.name for c in table.own_columns if c.kind in _TIME_KINDS]


Rule = Callable[[ibis.Table, Table, str], ir.BooleanValue]


def _scan(ctx: Context, rule: Rule, skip: frozenset[tuple[str, str]]) -> list[tuple[str, str]]:
    """``(table, column)`` for every time column where ``rule`` holds on some row.

    One query per table counts the rows breaking the rule in each of its columns.
    """
    hits = []
    for table in TABLES.values():
        columns = [c for c in _time_columns(table) if (table.name, c) not in skip]
        if not columns or not ctx.has(table.name):
            continue
        rows = ctx.table(table.name)
        sums = {c: rule(rows, table, c).cast("int64").sum() for c in columns}
        counts = ctx.wh.ibis.execute(rows.aggregate(**sums))
        hits += [(table.name, c) for c in columns if int(counts[c].iloc[0] or 0) > 0]
    return hits


def _findings(
    ctx: Context,
    check: str,
    rule: Rule,
    skip: frozenset[tuple[str, str]],
    problem: str,
    why: str,
    severity: str = "warning",
) -> list[Finding]:
    out = []
    for name, column in _scan(ctx, rule, skip):
        table = TABLES[name]
        rows = ctx.table(name)
        count, examples = ids_of(ctx.wh, rows.filter(rule(rows, table, column)), table.primary_key)
        message = (
            f"{noun(name, count)} {verb(count, 'has', 'have')} a {column} {problem}: "
            f"{example_list(count, examples)}; {why}"
        )
        out.append(Finding(check, (name,), severity, count, examples, message, columns=(column,)))
    return out


def _after_load(rows: ibis.Table, table: Table, column: str) -> ir.BooleanValue:
    value = rows[column]
    if table.column(column).kind is Kind.TIMESTAMP:
        return value.notnull() & (value > rows.loaded_at)
    return value.notnull() & (value > rows.loaded_at.date())


def _before_earliest(rows: ibis.Table, table: Table, column: str) -> ir.BooleanValue:
    value = rows[column]
    day = value.date() if table.column(column).kind is Kind.TIMESTAMP else value
    return value.notnull() & (day < ibis.date(EARLIEST))


def future_dates(ctx: Context) -> list[Finding]:
    """Recorded events dated after the row was written (``loaded_at``): they cannot have happened.

    Plans and expectations (:data:`PLANNED`) are allowed in the future.
    """
    return _findings(
        ctx,
        "future_dates",
        _after_load,
        PLANNED,
        "after the row was loaded",
        "an event cannot be recorded before it happens, so the date is wrong (time zone or typo?).",
    )


def ancient_dates(ctx: Context) -> list[Finding]:
    """Dates before 1990, except where history is plausible (:data:`HISTORICAL`)."""
    return _findings(
        ctx,
        "dates_before_1990",
        _before_earliest,
        HISTORICAL,
        f"before {EARLIEST}",
        "such dates are usually a default or a typo and stretch every time series built on them.",
    )


def _outside_window(rows: ibis.Table, table: Table, column: str) -> ir.BooleanValue:
    value = rows[column]
    if table.column(column).kind is Kind.TIMESTAMP:
        low: ir.Value = ibis.timestamp(f"{DATE_WINDOW.earliest.isoformat()} 00:00:00")
        high: ir.Value = ibis.timestamp(f"{DATE_WINDOW.latest.isoformat()} 23:59:59.999999")
    else:
        low, high = ibis.date(DATE_WINDOW.earliest), ibis.date(DATE_WINDOW.latest)
    return value.notnull() & ((value < low) | (value > high))


def dates_outside_window(ctx: Context) -> list[Finding]:
    """Dates outside the importer's window (:data:`~revline.settings.DATE_WINDOW`), such as
    ``9999-12-31`` or ``infinity``, written by an older version or by hand.

    The importer quarantines them; analyses ignore them when dating the data. Every table and
    column is scanned, plans included.
    """
    return _findings(
        ctx,
        "dates_outside_window",
        _outside_window,
        frozenset(),
        f"outside the date window {DATE_WINDOW.earliest} to {DATE_WINDOW.latest}",
        "the importer refuses such dates and analyses ignore them when dating the data; "
        "fix or empty them at the source and re-import.",
        severity="error",
    )
