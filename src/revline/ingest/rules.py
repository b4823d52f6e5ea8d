"""Row rules, generated from the schema declaration: one vectorised query per rule and column.

Each rule is ``SELECT row_number, source_id, column_name, value, rule, message FROM staged
WHERE <broken>``; the loader stacks them with UNION ALL, so a million rows are checked by a few
dozen column expressions in DuckDB, never by a Python loop over rows. No rule is written for a
particular table: required, type, enum, bounds, currency and the table's error-level checks
all come from :mod:`revline.schema`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from sqlglot import exp

from revline.errors import unknown
from revline.ingest.expressions import (
    ROW,
    SID,
    bad_offset,
    local_time_problems,
    raw_ref,
    staged_columns,
    text_expr,
)
from revline.ingest.plan import Plan
from revline.ingest.sql import case, cast, col, concat, fn, in_set, lit, quoted, strip
from revline.schema import AnyOfCheck, Column, Kind, OrderCheck
from revline.schema.enums import CURRENCIES

#: Runs a query and returns its first column (used to find distinct bad enum values).
Fetch = Callable[[exp.Select], list[str]]

KIND_TEXT = {
    Kind.INT: "whole number",
    Kind.DECIMAL: "number with at most 4 decimal places",
    Kind.MONEY: "amount with at most 4 decimal places",
    Kind.BOOL: "boolean (true/false, yes/no, 1/0, t/f)",
    Kind.DATE: "date (YYYY-MM-DD)",
    Kind.TIMESTAMP: "timestamp (ISO 8601, e.g. 2024-01-31 12:00:00 or 2024-01-31T12:00:00Z)",
    Kind.JSON: "JSON value",
}
#: Words and eras a date parser accepts that are not a business date: ``infinity``, ``epoch``
#: (read as 1970-01-01), ``(BC)``. A cell matching this (case-insensitive) is ``date_special``.
SPECIAL_DATE_RE = r"(?i).*(infinity|epoch|allballs|\bbc\b|\bad\b).*"
#: How many distinct bad enum values get their own did-you-mean message.
SUGGEST_LIMIT = 500


def problem(
    staged: str,
    where: exp.Expr,
    column: str | None,
    value: exp.Expr,
    rule: str,
    message: exp.Expr,
) -> exp.Select:
    """One rule as a query over the staged table."""
    return (
        exp.select(
            exp.alias_(col(ROW), "row_number"),
            exp.alias_(col(SID), "source_id"),
            exp.alias_(exp.cast(lit(column), "VARCHAR"), "column_name"),
            exp.alias_(exp.cast(value, "VARCHAR"), "value"),
            exp.alias_(lit(rule), "rule"),
            exp.alias_(message, "message"),
        )
        .from_(exp.to_table(staged))
        .where(where)
    )


def column_rules(plan: Plan, staged: str, fetch: Fetch) -> list[exp.Select]:
    """Required, value map, type, enum, currency and bounds for every staged column."""
    out: list[exp.Select] = []
    for column in staged_columns(plan):
        spec = plan.columns.get(column.name)
        name = column.name
        raw, text, value = raw_ref(plan, name), text_expr(plan, column), col(name)
        ok_map: exp.Expr = exp.true()
        if spec is not None and spec.values is not None and spec.unmapped == "error":
            keys = list(spec.values)
            bad = exp.and_(strip(raw).is_(exp.null()).not_(), in_set(strip(raw), keys).not_())
            ok_map = bad.not_()
            msg = concat(f"{name}: ", quoted(raw), f" is not in the value map (maps: {keys})")
            out.append(problem(staged, bad, name, raw, "value_map", msg))
        if column.required:
            msg = concat(f"{name} is required but empty (read ", quoted(raw), ")")
            out.append(problem(staged, text.is_(exp.null()), name, raw, "required", msg))
        if column.kind is not Kind.STRING:
            what = KIND_TEXT[column.kind]
            if spec is not None and spec.format:
                what = f"{column.kind} in format {spec.format}"
            broken = exp.and_(text.is_(exp.null()).not_(), value.is_(exp.null()), ok_map)
            if column.kind is Kind.TIMESTAMP:
                own, reasons = _timestamp_rules(plan, column, staged, raw, text, broken)
                out.extend(own)
                broken = exp.and_(broken, *[exp.paren(r).not_() for r in reasons])
            msg = concat(f"{name}: ", quoted(raw), f" is not a valid {what}")
            out.append(problem(staged, broken, name, raw, "type", msg))
        if column.kind in (Kind.DATE, Kind.TIMESTAMP):
            out.extend(_date_rules(plan, column, staged, raw, text, value))
        out.extend(_value_rules(column, staged, raw, value, ok_map, fetch))
    return out


def _timestamp_rules(
    plan: Plan, column: Column, staged: str, raw: exp.Expr, text: exp.Expr, failed: exp.Expr
) -> tuple[list[exp.Select], list[exp.Expr]]:
    """``timestamp_offset`` (an offset past 14 hours or 59 minutes) and ``local_time`` (a wall
    time the mapping's zone skips or repeats, refused unless ``local_times: shift``), and the
    conditions they stand for (so the generic type rule leaves those rows to them)."""
    name = column.name
    spec = plan.columns.get(name)
    fmt = spec.format if spec else None
    out: list[exp.Select] = []
    reasons: list[exp.Expr] = []
    if not fmt:
        msg = concat(
            f"{name}: ",
            quoted(raw),
            " has a UTC offset outside -14:00 to +14:00 (or minutes past 59) "
            "[rule timestamp_offset]",
        )
        offset = bad_offset(text)
        reasons.append(offset)
        out.append(problem(staged, exp.and_(failed, offset), name, raw, "timestamp_offset", msg))
    tz = plan.mapping.timezone
    nonexistent, ambiguous = local_time_problems(text, fmt, tz)
    if tz != "UTC" and plan.mapping.local_times == "refuse":
        fix = (
            " [rule local_time]; give the time with its offset, or set `local_times: shift` "
            "in the mapping to move it (forward by the gap; the first of two occurrences)"
        )
        where = exp.and_(failed, nonexistent)
        msg = concat(f"{name}: ", quoted(raw), f" does not exist in {tz} (clocks skip it){fix}")
        out.append(problem(staged, where, name, raw, "local_time", msg))
        where = exp.and_(failed, ambiguous, exp.paren(nonexistent).not_())
        msg = concat(f"{name}: ", quoted(raw), f" occurs twice in {tz} (clocks go back){fix}")
        out.append(problem(staged, where, name, raw, "local_time", msg))
        reasons += [nonexistent, ambiguous]
    return out, reasons


def _date_rules(
    plan: Plan, column: Column, staged: str, raw: exp.Expr, text: exp.Expr, value: exp.Expr
) -> list[exp.Select]:
    """``date_special`` (a parser's special word or era) and ``date_window`` (outside the
    configured :class:`~revline.settings.DateWindow`) for a parsed date or timestamp."""
    name = column.name
    window = plan.window
    parsed = value.is_(exp.null()).not_()
    special = exp.and_(parsed, fn("regexp_full_match", text, lit(SPECIAL_DATE_RE)))
    msg = concat(
        f"{name}: ", quoted(raw), " is a special date word or era, not a date [rule date_special]"
    )
    out = [problem(staged, special, name, raw, "date_special", msg)]
    if column.kind is Kind.DATE:
        low: exp.Expr = cast(lit(window.earliest.isoformat()), "DATE")
        high: exp.Expr = cast(lit(window.latest.isoformat()), "DATE")
        outside = exp.or_(value < low, value > high)
    else:
        low = cast(lit(f"{window.earliest.isoformat()} 00:00:00+00"), "TIMESTAMPTZ")
        after = window.latest + timedelta(days=1)
        high = cast(lit(f"{after.isoformat()} 00:00:00+00"), "TIMESTAMPTZ")
        outside = exp.or_(value < low, value >= high)
    broken = exp.and_(parsed, exp.paren(special, copy=False).not_(), exp.paren(outside))
    msg = concat(
        f"{name}: ",
        quoted(raw),
        f" is outside the accepted date window {window.earliest} to {window.latest} "
        "[rule date_window]; a placeholder such as 9999-12-31 means empty, so leave the cell "
        "empty (or widen the window if the date is real)",
    )
    out.append(problem(staged, broken, name, raw, "date_window", msg))
    return out


def _value_rules(
    column: Column,
    staged: str,
    raw: exp.Expr,
    value: exp.Expr,
    ok_map: exp.Expr,
    fetch: Fetch,
) -> list[exp.Select]:
    name = column.name
    out: list[exp.Select] = []
    present = exp.and_(value.is_(exp.null()).not_(), ok_map)
    if column.enum is not None:
        broken = exp.and_(present, in_set(value, column.enum).not_())
        bad = fetch(exp.select(value).distinct().from_(staged).where(broken).limit(SUGGEST_LIMIT))
        generic = concat(f"{name}: ", quoted(value), f" is not one of {', '.join(column.enum)}")
        pairs = [
            (value.eq(lit(v)), lit(f"{name}: " + unknown("value", v, column.enum))) for v in bad
        ]
        msg = case(pairs, generic) if pairs else generic
        out.append(problem(staged, broken, name, raw, "enum", msg))
    if column.currency:
        broken = exp.and_(present, in_set(value, CURRENCIES).not_())
        msg = concat(f"{name}: ", quoted(raw), " is not an ISO 4217 currency code (e.g. USD)")
        out.append(problem(staged, broken, name, raw, "currency", msg))
    if column.minimum is not None:
        broken = exp.and_(present, value < exp.Literal.number(str(column.minimum)))
        msg = concat(f"{name} must be at least {column.minimum}, got ", quoted(raw))
        out.append(problem(staged, broken, name, raw, "minimum", msg))
    if column.maximum is not None:
        broken = exp.and_(present, value > exp.Literal.number(str(column.maximum)))
        msg = concat(f"{name} must be at most {column.maximum}, got ", quoted(raw))
        out.append(problem(staged, broken, name, raw, "maximum", msg))
    return out


def table_rules(plan: Plan, staged: str) -> list[exp.Select]:
    """The table's error-level order and any-of checks (warnings load and are left to check)."""
    present = {c.name for c in staged_columns(plan)}
    out: list[exp.Select] = []
    for check in plan.table.checks:
        if check.severity != "error":
            continue
        if isinstance(check, OrderCheck):
            if not {check.earlier, check.later} <= present:
                continue
            early, late = col(check.earlier), col(check.later)
            broken = exp.and_(
                early.is_(exp.null()).not_(), late.is_(exp.null()).not_(), late < early
            )
            value = raw_ref(plan, check.later)
            msg = concat(
                f"{check.later} (", value, f") is before {check.earlier} (",
                raw_ref(plan, check.earlier), ")",
            )  # fmt: skip
            out.append(problem(staged, broken, check.later, value, "order", msg))
        elif isinstance(check, AnyOfCheck):
            conds = [col(c).is_(exp.null()) for c in check.columns if c in present]
            broken = exp.and_(*conds) if conds else exp.true()
            msg = lit(f"the row {check.message}; all are empty")
            out.append(problem(staged, broken, None, exp.null(), "any_of", msg))
    return out
