"""The canonical schema: declared once, consistent, and created as declared."""

from __future__ import annotations

import pytest

from revline.errors import SchemaError
from revline.schema import TABLES, get_table
from revline.schema.core import Kind
from revline.warehouse import Warehouse


def test_every_table_keeps_its_source_and_source_id() -> None:
    for table in TABLES.values():
        names = table.column_names
        assert "source" in names and "source_id" in names, table.name
        assert table.column(table.primary_key).required


def test_foreign_keys_point_at_declared_primary_keys() -> None:
    for table in TABLES.values():
        for column, ref_table, ref_column in table.foreign_keys:
            assert ref_table in TABLES, f"{table.name}.{column} -> {ref_table}"
            assert TABLES[ref_table].primary_key == ref_column, f"{table.name}.{column}"


def test_money_tables_name_their_currency() -> None:
    for table in TABLES.values():
        if any(c.kind is Kind.MONEY for c in table.columns):
            assert any(c.currency for c in table.columns), table.name


def test_checks_name_declared_columns() -> None:
    for table in TABLES.values():
        for check in table.checks:
            cols = (check.earlier, check.later) if hasattr(check, "earlier") else check.columns
            for col in cols:
                table.column(col)


def test_unknown_table_suggests_the_closest() -> None:
    with pytest.raises(SchemaError, match="Did you mean 'subscriptions'"):
        get_table("subscription")


def test_warehouse_has_every_table_with_declared_types(wh: Warehouse) -> None:
    for name, table in TABLES.items():
        actual = wh.table(name).schema()
        assert dict(actual.items()) == table.ibis_schema(), name


def test_warehouse_enforces_declared_rules(wh: Warehouse) -> None:
    import duckdb

    with pytest.raises(duckdb.ConstraintException):
        wh.con.execute(
            "INSERT INTO quotas VALUES ('q1', 'e1', DATE '2025-02-01', DATE '2025-01-01', 10, "
            "'USD', 'test', 'q1', NULL, now())"
        )
    with pytest.raises(duckdb.ConstraintException):
        wh.con.execute(
            "INSERT INTO quotas VALUES ('q1', 'e1', DATE '2025-01-01', DATE '2025-02-01', -1, "
            "'USD', 'test', 'q1', NULL, now())"
        )
    assert wh.count("quotas") == 0


def test_init_is_idempotent(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "w.duckdb"
    Warehouse.create(path).close()
    with Warehouse.create(path) as wh:
        assert set(TABLES) <= set(wh.list_tables())
