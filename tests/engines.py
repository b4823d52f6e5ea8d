"""The ``backend`` fixture: the same metric code on DuckDB and on PySpark (local mode).

As in ibis's own ``backends/conftest.py``, a test that takes ``backend`` runs once per engine.
An :class:`Engine` loads canonical rows (dicts, as in ``tests/fixtures/mrr``) and hands back
an ibis backend holding the tables the MRR model reads, so a test can build the model there and
run the bridge and the registry's metrics.

Rows always go through a DuckDB warehouse first (which converts and types them exactly as
``revline import`` would); PySpark then receives each table as Arrow, with the canonical column
types (DECIMAL(22,4), TIMESTAMP in UTC, DATE), as temporary views.

One SparkSession serves the whole test run (it takes 6-13 s to start): ``local[2]``, Arrow on
(else missing dates fail to load), a fresh ``spark.sql.warehouse.dir`` (else
``LOCATION_ALREADY_EXISTS`` on a rerun), exact decimal scale (see
:mod:`revline.model.engine`), one shuffle partition and no adaptive execution or whole-stage
code generation, which only cost planning time on tables this small. PySpark tests are skipped,
with the reason, when pyspark or Java is not installed (``scripts/install dev`` installs both).
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import ibis
import pytest

from fixtures.mrr.rows import load
from revline.warehouse import Warehouse

ENGINES = ("duckdb", "pyspark")
#: The canonical tables the MRR model reads.
MODEL_TABLES = ("subscriptions", "plans", "invoices", "fx_rates", "accounts")
SPARK_CONF = {
    "spark.sql.execution.arrow.pyspark.enabled": "true",
    "spark.sql.decimalOperations.allowPrecisionLoss": "false",
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.shuffle.partitions": "1",
    "spark.default.parallelism": "2",
    "spark.sql.adaptive.enabled": "false",
    "spark.sql.codegen.wholeStage": "false",
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
}


@dataclass
class Engine:
    """One engine under test: its name and how to load rows into it."""

    name: str
    spark: Any = None
    _open: list[Warehouse] = field(default_factory=list)

    def load(self, tables: Mapping[str, Any]) -> ibis.BaseBackend:
        """A backend holding ``tables`` (and the other model tables, empty)."""
        wh = Warehouse.create(":memory:")
        self._open.append(wh)
        load(wh, tables)
        if self.name == "duckdb":
            return wh.ibis
        for name in MODEL_TABLES:
            arrow = wh.con.table(name).arrow()
            arrow = arrow.read_all() if hasattr(arrow, "read_all") else arrow
            self.spark.createDataFrame(arrow).createOrReplaceTempView(name)
        backend: ibis.BaseBackend = ibis.pyspark.connect(self.spark)
        return backend

    def close(self) -> None:
        while self._open:
            self._open.pop().close()


@pytest.fixture(scope="session")
def spark_session() -> Iterator[Any]:
    """The one local SparkSession of the test run (skips when pyspark or Java is missing)."""
    pytest.importorskip("pyspark", reason="pyspark is not installed (scripts/install dev)")
    if shutil.which("java") is None:
        pytest.skip("Java is not installed (scripts/install dev installs openjdk-17)")
    from pyspark.sql import SparkSession

    folder = tempfile.mkdtemp(prefix="revline-spark-")
    builder = SparkSession.builder.master("local[2]").appName("revline-tests")
    for key, value in {**SPARK_CONF, "spark.sql.warehouse.dir": folder}.items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module", params=["duckdb", pytest.param("pyspark", marks=pytest.mark.slow)])
def backend(request: pytest.FixtureRequest) -> Iterator[Engine]:
    """Each engine in turn (module scope, so a module's expensive results are built once)."""
    name: str = request.param
    spark = request.getfixturevalue("spark_session") if name == "pyspark" else None
    engine = Engine(name, spark)
    yield engine
    engine.close()
