"""Small builders for the sqlglot expressions the loader runs on DuckDB.

Import builds every statement as a sqlglot tree (never by formatting strings), so that a column
called ``select`` or a value with a quote in it cannot change the statement.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlglot import exp

from revline.ddl import sql_type
from revline.schema import Kind


def col(name: str, table: str | None = None) -> exp.Column:
    """A quoted column reference."""
    return exp.column(name, table=table, quoted=True)


def lit(value: str | int | None) -> exp.Expr:
    """A literal: text, integer or NULL."""
    if value is None:
        return exp.null()
    if isinstance(value, int):
        return exp.Literal.number(value)
    return exp.Literal.string(value)


def fn(name: str, *args: exp.Expr) -> exp.Expr:
    """A call to a DuckDB function by name."""
    return exp.Anonymous(this=name, expressions=list(args))


#: What :func:`strip` removes around a cell: space, tab, line feed, carriage return, vertical
#: tab, form feed and no-break space (docs/mappings.md, "Ids and whitespace").
WHITESPACE = " \t\n\r\x0b\x0c\u00a0"


def strip(value: exp.Expr) -> exp.Expr:
    """The text without surrounding :data:`WHITESPACE` (DuckDB's one-argument trim removes
    spaces only, so ``fz-1<TAB>`` would stay a different id from ``fz-1``)."""
    return fn("trim", value, lit(WHITESPACE))


def try_cast(value: exp.Expr, to: str | exp.DataType) -> exp.Expr:
    kind = to if isinstance(to, exp.DataType) else exp.DataType.build(to, dialect="duckdb")
    return exp.TryCast(this=value, to=kind)


def cast(value: exp.Expr, to: str | exp.DataType) -> exp.Expr:
    kind = to if isinstance(to, exp.DataType) else exp.DataType.build(to, dialect="duckdb")
    return exp.Cast(this=value, to=kind)


def typed_null(kind: Kind) -> exp.Expr:
    return exp.Cast(this=exp.null(), to=sql_type(kind))


def concat(*parts: exp.Expr | str) -> exp.Expr:
    """``a || b || ...`` where a NULL part is shown as ``NULL`` (for messages)."""
    items = [
        lit(p) if isinstance(p, str) else exp.Coalesce(this=p, expressions=[lit("NULL")])
        for p in parts
    ]
    out = items[0]
    for item in items[1:]:
        out = exp.DPipe(this=out, expression=item)
    return out


def quoted(value: exp.Expr) -> exp.Expr:
    """``'value'`` with quotes around it, for messages."""
    return concat("'", value, "'")


def in_set(value: exp.Expr, choices: Iterable[str]) -> exp.Expr:
    return value.isin(*[lit(c) for c in sorted(choices)])


def case(pairs: Iterable[tuple[exp.Expr, exp.Expr]], default: exp.Expr | None = None) -> exp.Expr:
    node = exp.Case()
    for cond, then in pairs:
        node = node.when(cond, then)
    if default is not None:
        node = node.else_(default)
    return node


def json_object(names: Iterable[str], table: str | None = None) -> exp.Expr:
    """``json_object('a', "a", 'b', "b", ...)`` over text columns."""
    args: list[exp.Expr] = []
    for name in names:
        args.extend([lit(name), col(name, table)])
    return fn("json_object", *args)
