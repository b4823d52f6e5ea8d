"""The warehouse: an embedded DuckDB file holding the canonical tables.

Writes go through :meth:`Warehouse.transaction`: a load either commits whole or leaves the
warehouse as it was, and readers never see half of it (DuckDB gives each reader a consistent
snapshot of committed data).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import ibis
import pyarrow as pa
from ibis.backends.duckdb import Backend as IbisDuckDB
from ibis.expr.types import Table as IbisTable
from sqlglot import exp

from revline import __version__
from revline.ddl import create_table, to_sql
from revline.errors import WarehouseError
from revline.schema import TABLES, Table
from revline.schema.core import Column, Kind, ident, integer, moment, text

SCHEMA_VERSION = 1

#: Configuration for every DuckDB connection: never download an extension at run time.
DUCKDB_CONFIG: dict[str, Any] = {
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
}

QUARANTINE = Table(
    "quarantine",
    "system",
    "Rows an import refused, one row per problem, with the raw row so nothing is lost.",
    "quarantine_id",
    (
        ident("quarantine_id", "Id of the problem: load id, row number and problem number."),
        ident("load_id", "The load that refused the row."),
        text("table_name", "Canonical table the row was meant for.", required=True),
        text("file", "Source file.", required=True),
        integer("row_number", "1-based data row number in the file (header excluded).", True),
        text("source_id", "The row's source id, if it could be read."),
        text("column_name", "Canonical column at fault (empty for whole-row rules)."),
        text("value", "The offending value as read."),
        text(
            "rule", "Rule broken (required, type, enum, minimum, order, duplicate_key, ...).", True
        ),
        text("message", "What was wrong and what was expected.", required=True),
        Column("raw", Kind.JSON, "The whole source row as read.", required=True),
        moment("quarantined_at", "When the row was quarantined (UTC).", required=True),
    ),
)

LOADS = Table(
    "loads",
    "system",
    "One row per import: what was read, loaded and quarantined.",
    "load_id",
    (
        ident("load_id", "Load id."),
        text("table_name", "Canonical table loaded.", required=True),
        text("file", "Source file.", required=True),
        text("source", "Source system name.", required=True),
        text("file_sha256", "Checksum of the file loaded.", required=True),
        integer("rows_read", "Data rows in the file.", True),
        integer("rows_inserted", "Rows new to the warehouse.", True),
        integer(
            "rows_updated", "Rows that replaced an earlier import of the same source id.", True
        ),
        integer("rows_unchanged", "Rows identical to their earlier import.", True),
        integer("rows_quarantined", "Rows refused, with their reasons in `quarantine`.", True),
        moment("started_at", "When the load started (UTC).", required=True),
        moment("finished_at", "When the load committed (UTC).", required=True),
    ),
)

META = Table(
    "revline_meta",
    "system",
    "Key-value facts about the warehouse (schema version, revline version).",
    "key",
    (ident("key", "Fact name."), text("value", "Fact value.", required=True)),
)

SYSTEM_TABLES: dict[str, Table] = {t.name: t for t in (QUARANTINE, LOADS, META)}


class Warehouse:
    """A revline warehouse on one DuckDB file (or ``":memory:"``)."""

    def __init__(self, con: duckdb.DuckDBPyConnection, path: str) -> None:
        self.con = con
        self.path = path
        self._ibis: IbisDuckDB | None = None

    # -- opening -------------------------------------------------------------------------
    @classmethod
    def create(cls, path: str | Path) -> Warehouse:
        """Create a warehouse at ``path`` (or bring an existing one up to date) and open it."""
        target = str(path)
        if target != ":memory:":
            parent = Path(target).parent
            if not parent.exists():
                raise WarehouseError(
                    f"Cannot create warehouse {target}: folder {parent} does not exist.",
                    hint=f"Create the folder first (mkdir -p {parent}) or choose another path.",
                )
        wh = cls(_connect(target, read_only=False), target)
        with wh.transaction():
            existing = set(wh.list_tables())
            for table in TABLES.values():
                if table.name not in existing:
                    wh.con.execute(to_sql(create_table(table)))
            for table in SYSTEM_TABLES.values():
                if table.name not in existing:
                    wh.con.execute(to_sql(create_table(table)))
            wh.con.execute(
                "INSERT OR REPLACE INTO revline_meta VALUES (?, ?), (?, ?)",
                ["schema_version", str(SCHEMA_VERSION), "revline_version", __version__],
            )
        return wh

    @classmethod
    def open(cls, path: str | Path, read_only: bool = False) -> Warehouse:
        """Open an existing warehouse; a missing or foreign file is a clear error."""
        target = str(path)
        if target != ":memory:" and not Path(target).exists():
            raise WarehouseError(
                f"No warehouse at {target}.",
                hint=f"Create one with: revline init {target}",
            )
        wh = cls(_connect(target, read_only=read_only), target)
        if "revline_meta" not in wh.list_tables():
            wh.close()
            raise WarehouseError(
                f"{target} is a DuckDB file but not a revline warehouse.",
                hint=f"Create a warehouse with: revline init {target}",
            )
        return wh

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Warehouse:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- reading -------------------------------------------------------------------------
    @property
    def ibis(self) -> IbisDuckDB:
        """An Ibis backend on the same connection, for metric expressions."""
        if self._ibis is None:
            self._ibis = ibis.duckdb.from_connection(self.con)
        return self._ibis

    def table(self, name: str) -> IbisTable:
        return self.ibis.table(name)

    def list_tables(self) -> list[str]:
        rows = self.con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'"
        ).fetchall()
        return sorted(r[0] for r in rows)

    def count(self, name: str) -> int:
        expr = ibis.table(self._schema_of(name), name=name).count()
        row = self.con.execute(to_sql_expr(expr)).fetchone()
        return int(row[0]) if row else 0

    def counts(self) -> dict[str, int]:
        """Row counts of every canonical and system table."""
        return {name: self.count(name) for name in [*TABLES, *SYSTEM_TABLES]}

    def fingerprint(self, name: str, exclude: tuple[str, ...] = ()) -> str:
        """A sha256 of a table's full contents, independent of row order.

        Used to prove that a refused load left a table unchanged and that two synthetic runs
        with the same seed wrote the same bytes.
        """
        table = self.table(name)
        cols = [c for c in table.columns if c not in exclude]
        ordered = table.select(cols).order_by(cols)
        digest = hashlib.sha256()
        for batch in ordered.to_pyarrow_batches(chunk_size=100_000):
            for column in batch.columns:
                digest.update(str(column.to_pylist()).encode())
        return digest.hexdigest()

    def fingerprints(self, exclude: tuple[str, ...] = ()) -> dict[str, str]:
        return {name: self.fingerprint(name, exclude) for name in [*TABLES, *SYSTEM_TABLES]}

    # -- writing -------------------------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """One all-or-nothing transaction: commits on success, rolls back on any error."""
        self.con.execute("BEGIN TRANSACTION")
        try:
            yield self.con
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        else:
            self.con.execute("COMMIT")

    def append(self, name: str, data: pa.Table, declared: Table | None = None) -> int:
        """Insert an Arrow table's rows into table ``name`` (inside the caller's transaction).

        ``data`` must carry every column of the table, by name; order does not matter. Types
        are cast by DuckDB to the declared ones, and the declared constraints are enforced.
        ``declared`` is the table's declaration, for tables outside the canonical and system
        ones (e.g. the synthetic company's ground truth). Returns the number of rows inserted.
        """
        table = declared or TABLES.get(name) or SYSTEM_TABLES.get(name)
        if table is None:
            self._schema_of(name)  # raises the helpful error
            raise AssertionError("unreachable")
        missing = [c for c in table.column_names if c not in data.column_names]
        if missing:
            raise WarehouseError(f"Cannot append to {name}: missing columns {missing}.")
        if data.num_rows == 0:
            return 0
        view = f"_revline_append_{name}"
        self.con.register(view, data.select(list(table.column_names)))
        try:
            insert = exp.insert(
                exp.select(*[exp.column(c) for c in table.column_names]).from_(view),
                exp.to_table(name),
                columns=list(table.column_names),
            )
            self.con.execute(to_sql(insert))
        finally:
            self.con.unregister(view)
        return int(data.num_rows)

    def _schema_of(self, name: str) -> dict[str, Any]:
        table = TABLES.get(name) or SYSTEM_TABLES.get(name)
        if table is None:
            from revline.errors import SchemaError, unknown

            raise SchemaError(unknown("table", name, [*TABLES, *SYSTEM_TABLES]))
        return table.ibis_schema()


def to_sql_expr(expr: ibis.Expr) -> str:
    return str(ibis.to_sql(expr, dialect="duckdb"))


def _connect(path: str, read_only: bool) -> duckdb.DuckDBPyConnection:
    try:
        con = duckdb.connect(path, read_only=read_only, config=DUCKDB_CONFIG)
        con.execute("SET TimeZone = 'UTC'")
        return con
    except duckdb.Error as err:
        raise WarehouseError(
            f"Cannot open warehouse {path}: {err}",
            hint="Check the path; another process may hold the file open for writing.",
        ) from None
