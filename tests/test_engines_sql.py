"""Compiled SQL of the MRR model, the bridge and NRR for Postgres, BigQuery and Snowflake.

Each expression is compiled with ``ibis.to_sql`` and compared with a golden file in
``tests/snapshots/<dialect>/<name>.sql``, so a change to the SQL revline sends to a warehouse
shows up in review. The model's stored facts (fx factors, subscription segments, their
exact-cent fixes, delinquent months, usage-months and customer pieces; retention reads the
pieces, so no customer-months are stored on this path) are captured as they are handed to the
engine, and compiled too.

Regenerate the golden files after an intended change with::

    REVLINE_UPDATE_SNAPSHOTS=1 .venv/bin/pytest tests/test_engines_sql.py

Generated names (the model's temporary tables, ibis's in-memory tables and helpers) are
replaced by stable ones before the comparison.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import ibis
import ibis.expr.types as ir
import pytest

import revline.model.mrr as mrr_module
import revline.model.segments as segments_module
from fixtures.mrr.company import TABLES
from fixtures.mrr.rows import load
from revline.metrics import get_metric
from revline.metrics.frame import build_frame
from revline.model import bridge, build_model
from revline.model.engine import portable_month_of
from revline.settings import MetricSettings
from revline.warehouse import Warehouse

SNAPSHOTS = Path(__file__).parent / "snapshots"
DIALECTS = ("postgres", "bigquery", "snowflake")
UPDATE = os.environ.get("REVLINE_UPDATE_SNAPSHOTS") == "1"
_NAMES = (
    (re.compile(r"_revline_([a-z]+)_[0-9a-f]{16}"), r"_revline_\1"),
    # ibis's generated names (in-memory tables, array helpers): a prefix and 26 random characters
    (re.compile(r"\b(ibis_[a-z_]+?)_[a-z0-9]{26}\b"), r"\1"),
    # the random separator ibis's Snowflake compiler gives ARRAY_TO_STRING/SPLIT in a range
    (re.compile(r"'[0-9a-f]{32}'"), "'separator'"),
)


def _stable(sql: str) -> str:
    for pattern, replacement in _NAMES:
        sql = pattern.sub(replacement, sql)
    return sql.strip() + "\n"


@pytest.fixture(scope="module")
def expressions() -> Iterator[dict[str, ir.Table]]:
    """Name -> expression: the model's stored facts, the bridge and NRR by quarter."""
    stored: dict[str, ir.Table] = {}
    real_store = mrr_module.store

    def capture(backend: ibis.BaseBackend, name: str, expr: ir.Table) -> ir.Table:
        kind = re.sub(r"^_revline_([a-z]+)_.*$", r"\1", name)
        stored[f"model_{kind}"] = expr
        return real_store(backend, name, expr)

    with pytest.MonkeyPatch.context() as patch, Warehouse.create(":memory:") as wh:
        patch.setattr(mrr_module, "store", capture)
        # The DuckDB-only shortcut for a month index (engine.month_of) is not SQL the other
        # dialects know: compile the portable form, as they would run it.
        patch.setattr(segments_module, "month_of", lambda _engine, at: portable_month_of(at))
        load(wh, TABLES)
        with build_model(wh.ibis, MetricSettings(as_of=date(2025, 6, 30))) as model:
            frame = build_frame(model, "quarter", None)
            yield {
                **stored,
                "bridge": bridge(model),
                "nrr_by_quarter": get_metric("nrr").compute(frame),
            }


@pytest.mark.parametrize("dialect", DIALECTS)
def test_compiled_sql_matches_the_snapshot(expressions: dict[str, ir.Table], dialect: str) -> None:
    stored = {"model_mrr", "model_fix", "model_pieces"}
    assert {"bridge", "nrr_by_quarter", *stored} <= set(expressions)
    folder = SNAPSHOTS / dialect
    for name, expr in sorted(expressions.items()):
        sql = _stable(ibis.to_sql(expr, dialect=dialect))
        path = folder / f"{name}.sql"
        if UPDATE:
            folder.mkdir(parents=True, exist_ok=True)
            path.write_text(sql)
            continue
        assert path.exists(), (
            f"no snapshot {path}; create it with REVLINE_UPDATE_SNAPSHOTS=1 (see module docstring)"
        )
        assert sql == path.read_text(), (
            f"compiled {dialect} SQL of {name} differs from {path}; if the change is intended, "
            "regenerate with REVLINE_UPDATE_SNAPSHOTS=1 and review the diff"
        )


def test_snapshot_folder_has_no_stale_files(expressions: dict[str, ir.Table]) -> None:
    if UPDATE:
        for dialect in DIALECTS:
            for path in (SNAPSHOTS / dialect).glob("*.sql"):
                if path.stem not in expressions:
                    path.unlink()
    for dialect in DIALECTS:
        names = {p.stem for p in (SNAPSHOTS / dialect).glob("*.sql")}
        assert names == set(expressions), dialect
