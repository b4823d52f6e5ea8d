"""The write phase of an import: upsert good rows, replace the file's quarantine and load record.

Runs inside the caller's transaction. Good rows are compared with what the warehouse holds for
the same (source, source_id): new rows are inserted, changed rows are replaced (delete + insert,
which DuckDB 1.5 accepts on the same keys inside one transaction; ``INSERT OR REPLACE`` is refused
on a table with two unique constraints) and identical rows are left alone, loaded_at included.
"""

from __future__ import annotations

from datetime import datetime

import duckdb
from sqlglot import exp

from revline.ddl import to_sql
from revline.ingest.expressions import ATTRS, ROW, SID
from revline.ingest.plan import Plan
from revline.ingest.sql import cast, col, concat, json_object, lit, typed_null

INSERT, UPDATE, SAME = "insert", "update", "same"
STATUS = "_status"


def final_select(plan: Plan, staged: str, problems: str, loaded_at: datetime) -> exp.Select:
    """Good rows in canonical shape, each with its status against the current warehouse."""
    table = plan.table
    mine, theirs = "s", "t"
    items: list[exp.Expr] = []
    same: list[exp.Expr] = []
    mapped = set(plan.columns) | {table.primary_key}
    for column in table.own_columns:
        value = col(column.name, mine) if column.name in mapped else typed_null(column.kind)
        items.append(exp.alias_(value, column.name, quoted=True))
        same.append(exp.NullSafeEQ(this=value, expression=col(column.name, theirs)))
    attrs = col(ATTRS, mine)
    same.append(
        exp.NullSafeEQ(
            this=cast(attrs, "VARCHAR"), expression=cast(col("attributes", theirs), "VARCHAR")
        )
    )
    status = (
        exp.Case()
        .when(col("source_id", theirs).is_(exp.null()), lit(INSERT))
        .when(exp.and_(*same), lit(SAME))
        .else_(lit(UPDATE))
    )
    items += [
        exp.alias_(lit(plan.source), "source"),
        exp.alias_(col(SID, mine), "source_id"),
        exp.alias_(attrs, "attributes"),
        exp.alias_(cast(lit(loaded_at.isoformat()), "TIMESTAMPTZ"), "loaded_at"),
        exp.alias_(status, STATUS, quoted=True),
    ]
    on = exp.and_(
        col("source", theirs).eq(lit(plan.source)), col("source_id", theirs).eq(col(SID, mine))
    )
    bad = exp.select(col("row_number")).from_(problems)
    return (
        exp.select(*items)
        .from_(exp.to_table(staged).as_(mine))
        .join(exp.to_table(table.name).as_(theirs), on=on, join_type="left")
        .where(col(ROW, mine).isin(query=bad).not_())
    )


def write_rows(con: duckdb.DuckDBPyConnection, plan: Plan, final: str) -> dict[str, int]:
    """Replace updated rows and insert new ones; returns the count per status."""
    counts = {INSERT: 0, UPDATE: 0, SAME: 0}
    grouped = exp.select(col(STATUS), exp.Count(this=exp.Star())).from_(final).group_by(col(STATUS))
    for status, n in con.execute(to_sql(grouped)).fetchall():
        counts[str(status)] = int(n)
    target = plan.table.name
    if counts[UPDATE]:
        updated = exp.select(col("source_id")).from_(final).where(col(STATUS).eq(lit(UPDATE)))
        delete = exp.delete(
            target,
            where=exp.and_(
                col("source").eq(lit(plan.source)), col("source_id").isin(query=updated)
            ),
        )
        con.execute(to_sql(delete))
    if counts[INSERT] or counts[UPDATE]:
        names = list(plan.table.column_names)
        rows = exp.select(*[col(n) for n in names]).from_(final).where(col(STATUS).neq(lit(SAME)))
        con.execute(to_sql(exp.insert(rows, exp.to_table(target), columns=names)))
    return counts


def write_quarantine(
    con: duckdb.DuckDBPyConnection,
    plan: Plan,
    problems: str,
    raw: str,
    raw_columns: list[str],
    raw_row: str,
    load_id: str,
    file: str,
    at: datetime,
) -> None:
    """Replace the quarantine rows of earlier loads of this (table, file) with this load's."""
    where = exp.and_(col("table_name").eq(lit(plan.table.name)), col("file").eq(lit(file)))
    con.execute(to_sql(exp.delete("quarantine", where=where)))
    p, r = "p", "r"
    n = exp.Window(
        this=exp.RowNumber(),
        partition_by=[col("row_number", p)],
        order=exp.Order(
            expressions=[exp.Ordered(this=col("rule", p)), exp.Ordered(this=col("column_name", p))]
        ),
    )
    values = [
        concat(load_id + ":", cast(col("row_number", p), "VARCHAR"), ":", cast(n, "VARCHAR")),
        lit(load_id),
        lit(plan.table.name),
        lit(file),
        col("row_number", p),
        col("source_id", p),
        col("column_name", p),
        col("value", p),
        col("rule", p),
        col("message", p),
        cast(json_object(raw_columns, r), "JSON"),
        cast(lit(at.isoformat()), "TIMESTAMPTZ"),
    ]
    names = [
        "quarantine_id",
        "load_id",
        "table_name",
        "file",
        "row_number",
        "source_id",
        "column_name",
        "value",
        "rule",
        "message",
        "raw",
        "quarantined_at",
    ]
    rows = (
        exp.select(*values)
        .from_(exp.to_table(problems).as_(p))
        .join(exp.to_table(raw).as_(r), on=col(raw_row, r).eq(col("row_number", p)))
    )
    con.execute(to_sql(exp.insert(rows, exp.to_table("quarantine"), columns=names)))
