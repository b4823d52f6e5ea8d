"""DDL for the canonical tables, built as sqlglot expressions (never by string formatting).

The warehouse enforces what a database can: types, NOT NULL, the primary key, the uniqueness of
``(source, source_id)``, closed sets of values, bounds and error-level date order. Import
validation checks the same rules first, row by row, so that a bad row is quarantined with its
reason instead of failing the whole load.
"""

from __future__ import annotations

from sqlglot import exp

from revline.schema.core import MONEY_PRECISION, MONEY_SCALE, Column, Kind, OrderCheck, Table

DIALECT = "duckdb"

_TYPES: dict[Kind, exp.DataType] = {
    Kind.STRING: exp.DataType.build("VARCHAR"),
    Kind.INT: exp.DataType.build("BIGINT"),
    Kind.DECIMAL: exp.DataType.build(f"DECIMAL({MONEY_PRECISION}, {MONEY_SCALE})"),
    Kind.MONEY: exp.DataType.build(f"DECIMAL({MONEY_PRECISION}, {MONEY_SCALE})"),
    Kind.FLOAT: exp.DataType.build("DOUBLE"),
    Kind.BOOL: exp.DataType.build("BOOLEAN"),
    Kind.DATE: exp.DataType.build("DATE"),
    Kind.TIMESTAMP: exp.DataType.build("TIMESTAMPTZ"),
    Kind.JSON: exp.DataType.build("JSON"),
}


def sql_type(kind: Kind) -> exp.DataType:
    return _TYPES[kind].copy()


def _column_check(col: Column) -> exp.Condition | None:
    ref = exp.column(col.name)
    conditions: list[exp.Expression] = []
    if col.enum is not None:
        conditions.append(ref.isin(*[exp.Literal.string(v) for v in col.enum]))
    if col.minimum is not None:
        conditions.append(ref >= exp.Literal.number(str(col.minimum)))
    if col.maximum is not None:
        conditions.append(ref <= exp.Literal.number(str(col.maximum)))
    if not conditions:
        return None
    return exp.or_(ref.is_(exp.null()), exp.and_(*conditions))


def column_def(col: Column, primary_key: bool = False) -> exp.ColumnDef:
    constraints: list[exp.ColumnConstraint] = []
    if col.required:
        constraints.append(exp.ColumnConstraint(kind=exp.NotNullColumnConstraint()))
    if primary_key:
        constraints.append(exp.ColumnConstraint(kind=exp.PrimaryKeyColumnConstraint()))
    check = _column_check(col)
    if check is not None:
        constraints.append(exp.ColumnConstraint(kind=exp.CheckColumnConstraint(this=check)))
    return exp.ColumnDef(
        this=exp.to_identifier(col.name), kind=sql_type(col.kind), constraints=constraints
    )


def create_table(table: Table, name: str | None = None) -> exp.Create:
    """``CREATE TABLE`` for a canonical table (optionally under another name, for staging)."""
    items: list[exp.Expression] = [
        column_def(col, primary_key=col.name == table.primary_key) for col in table.columns
    ]
    if table.has_lineage:  # a re-import updates by (source, source_id), never duplicates
        items.append(
            exp.UniqueColumnConstraint(
                this=exp.Schema(
                    expressions=[exp.to_identifier("source"), exp.to_identifier("source_id")]
                )
            )
        )
    for check in table.checks:
        if isinstance(check, OrderCheck) and check.severity == "error":
            earlier, later = exp.column(check.earlier), exp.column(check.later)
            cond = exp.or_(earlier.is_(exp.null()), later.is_(exp.null()), later >= earlier)
            items.append(exp.CheckColumnConstraint(this=cond))
    return exp.Create(
        this=exp.Schema(this=exp.to_table(name or table.name), expressions=items),
        kind="TABLE",
    )


def to_sql(expression: exp.Expression) -> str:
    return expression.sql(dialect=DIALECT)
