"""``import_file``: read, map, validate, quarantine and upsert one source file atomically.

The file is read and checked for readability before the warehouse is touched. Everything after
runs in one transaction: staging, the rule queries, the upsert, the quarantine rows and the
``loads`` record. Any error rolls it all back, so readers see all of a load or none of it.
"""

from __future__ import annotations

import hashlib
import stat
import uuid
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
from sqlglot import exp

from revline.ddl import DIALECT, to_sql
from revline.errors import SourceFileError, WarehouseError
from revline.ingest.expressions import staging_select
from revline.ingest.formats import FORMATS, detect_format
from revline.ingest.keys import key_rules
from revline.ingest.mapping import CsvOptions, Mapping, load_mapping
from revline.ingest.plan import Plan, resolve
from revline.ingest.reader import read_source
from revline.ingest.result import ImportResult, Problem
from revline.ingest.rules import column_rules, table_rules
from revline.ingest.sql import cast, col
from revline.ingest.upsert import INSERT, SAME, UPDATE, final_select, write_quarantine, write_rows
from revline.schema import get_table
from revline.settings import DATE_WINDOW, DateWindow
from revline.warehouse import Warehouse

RAW_ROW = "_revline_row"
ARROW, RAW, STAGED, PROBLEMS, FINAL = (
    "_revline_arrow",
    "_revline_raw",
    "_revline_staged",
    "_revline_problems",
    "_revline_final",
)
EXAMPLES = 5
PROBLEM_COLUMNS = ("row_number", "source_id", "column_name", "value", "rule", "message")


def import_file(
    wh: Warehouse,
    table: str,
    path: str | Path,
    mapping: str | Path | Mapping | None = None,
    source: str | None = None,
    window: DateWindow = DATE_WINDOW,
) -> ImportResult:
    """Import one CSV or Parquet file into canonical table ``table``; see docs/mappings.md.

    Unreadable files raise SourceFileError and leave the warehouse untouched; bad rows are
    quarantined with their reasons and the good rows are upserted by (source, source_id).
    Dates and timestamps outside ``window`` are quarantined (``date_window``).
    """
    started = datetime.now(UTC)
    target = get_table(table)
    spec = mapping if isinstance(mapping, Mapping) or mapping is None else load_mapping(mapping)
    file = Path(path)
    fmt = detect_format(file, spec.format if spec else None)
    options = spec.csv if spec else CsvOptions()
    before = _identity(file)
    sha = _sha256(file) if before is not None else ""
    data = read_source(file, fmt, options)
    if _identity(file) != before:
        raise SourceFileError(
            str(file),
            "the file changed while it was read (replaced, appended to or rewritten), so the "
            "rows read may be a mix of two versions.",
            hint="Import it again once whatever writes it has finished (write to a temporary "
            "name and rename when done).",
        )
    plan = replace(resolve(target, spec, list(data.column_names), file, source), window=window)
    data = data.append_column(RAW_ROW, pa.array(np.arange(1, data.num_rows + 1, dtype=np.int64)))
    key = str(file.resolve())
    load_id = uuid.uuid4().hex[:16]
    con = wh.con
    con.register(ARROW, data)
    try:
        with wh.transaction():
            raw = _stage_raw(con, data, fmt)
            _create_temp(con, STAGED, staging_select(plan, raw, RAW_ROW))
            _create_problems(con, plan)
            _create_temp(con, FINAL, final_select(plan, STAGED, PROBLEMS, started))
            counts = write_rows(con, plan, FINAL)
            raw_columns = [c for c in data.column_names if c != RAW_ROW]
            write_quarantine(con, plan, PROBLEMS, raw, raw_columns, RAW_ROW, load_id, key, started)
            result = _result(con, plan, load_id, key, data.num_rows, counts)
            _write_load_record(wh, result, sha, started)
            _drop_temp(con)
    except duckdb.Error as err:
        raise WarehouseError(
            f"Import of {file} into {target.name} failed and was rolled back: {err}",
            hint="The warehouse is unchanged. Run again with --debug and report the error.",
        ) from None
    finally:
        con.unregister(ARROW)
        _drop_temp(con)
    return result


def _create_temp(con: duckdb.DuckDBPyConnection, name: str, select: exp.Query) -> None:
    """``CREATE TEMPORARY TABLE name AS select`` (dropped again at the end of the import)."""
    properties = exp.Properties(expressions=[exp.TemporaryProperty()])
    create = exp.Create(
        this=exp.to_table(name), kind="TABLE", properties=properties, expression=select
    )
    _run(con, create)


def _run(con: duckdb.DuckDBPyConnection, expression: exp.Expr) -> None:
    con.execute(expression.sql(dialect=DIALECT))


def _stage_raw(con: duckdb.DuckDBPyConnection, data: pa.Table, fmt: str) -> str:
    """The name of the raw rows as text plus the 1-based row number.

    A CSV is already all text, so its Arrow table is scanned in place; Parquet columns keep
    their types in Arrow and are cast to text into a temporary table.
    """
    if not FORMATS.get(fmt).typed:
        return ARROW
    items: list[exp.Expr] = []
    for name in data.column_names:
        value: exp.Expr = col(name) if name == RAW_ROW else cast(col(name), "VARCHAR")
        items.append(exp.alias_(value, name, quoted=True))
    select = exp.select(*items).from_(ARROW)
    _create_temp(con, RAW, select)
    return RAW


def _create_problems(con: duckdb.DuckDBPyConnection, plan: Plan) -> None:
    def fetch(query: exp.Select) -> list[str]:
        return [str(r[0]) for r in con.execute(to_sql(query)).fetchall()]

    queries = [
        *column_rules(plan, STAGED, fetch),
        *table_rules(plan, STAGED),
        *key_rules(plan, STAGED, plan.table.name),
    ]
    union: exp.Query = queries[0]
    for query in queries[1:]:
        union = exp.union(union, query, distinct=False)
    _create_temp(con, PROBLEMS, union)


def _result(
    con: duckdb.DuckDBPyConnection,
    plan: Plan,
    load_id: str,
    file: str,
    rows_read: int,
    counts: dict[str, int],
) -> ImportResult:
    total = exp.select(
        exp.Count(this=exp.Star()), exp.Count(this=exp.Distinct(expressions=[col("row_number")]))
    ).from_(PROBLEMS)
    n_problems, n_rows = con.execute(to_sql(total)).fetchone() or (0, 0)
    first = (
        exp.select(*[col(c) for c in PROBLEM_COLUMNS])
        .from_(PROBLEMS)
        .order_by(col("row_number"), col("rule"), col("column_name"))
        .limit(EXAMPLES)
    )
    examples = [
        Problem(
            row_number=int(r[0]), source_id=r[1], column=r[2], value=r[3], rule=r[4], message=r[5]
        )
        for r in con.execute(to_sql(first)).fetchall()
    ]
    return ImportResult(
        load_id=load_id,
        table=plan.table.name,
        file=file,
        source=plan.source,
        rows_read=rows_read,
        inserted=counts[INSERT],
        updated=counts[UPDATE],
        unchanged=counts[SAME],
        quarantined=int(n_rows),
        problems=int(n_problems),
        examples=examples,
    )


def _write_load_record(wh: Warehouse, result: ImportResult, sha: str, started: datetime) -> None:
    """The ``loads`` row; it replaces the record of an earlier load of the same file."""
    where = exp.and_(
        col("table_name").eq(exp.Literal.string(result.table)),
        col("file").eq(exp.Literal.string(result.file)),
    )
    wh.con.execute(to_sql(exp.delete("loads", where=where)))
    record = {
        "load_id": result.load_id,
        "table_name": result.table,
        "file": result.file,
        "source": result.source,
        "file_sha256": sha,
        "rows_read": result.rows_read,
        "rows_inserted": result.inserted,
        "rows_updated": result.updated,
        "rows_unchanged": result.unchanged,
        "rows_quarantined": result.quarantined,
        "started_at": started,
        "finished_at": datetime.now(UTC),
    }
    wh.append("loads", pa.Table.from_pylist([record]))


def _identity(path: Path) -> tuple[int, ...] | None:
    """What changes when a file is replaced, appended to or rewritten (``None``: no file).

    Taken before the hash and after the read: if it is the same, the bytes hashed are the bytes
    loaded, and ``loads.file_sha256`` names them.
    """
    try:
        info = path.stat()
    except OSError:
        return None  # read_source names the problem
    if not stat.S_ISREG(info.st_mode):
        return None  # a pipe or device is never opened here; read_source refuses it
    return (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _drop_temp(con: duckdb.DuckDBPyConnection) -> None:
    for name in (FINAL, PROBLEMS, STAGED, RAW):
        _run(con, exp.Drop(this=exp.to_table(name), kind="TABLE", exists=True))
