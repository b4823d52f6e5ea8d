"""The lifecycle on PySpark: the hand-computed fixtures give the same skips, out-of-order
stages and flows there as on DuckDB (DESIGN.md "Engines": the same ibis expressions)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import ibis
import pytest
import yaml

from engines import spark_session  # noqa: F401  (the session-wide SparkSession fixture)
from fixtures.mrr.rows import load
from revline.analyses.seams import flow_rows, out_of_order, skips
from revline.analyses.seams.funnel import cached_journeys
from revline.model.lifecycle import instant
from revline.warehouse import Warehouse

pytestmark = pytest.mark.slow  # a SparkSession (6-13 s to start) and Spark queries
HERE = Path(__file__).parent / "fixtures" / "seams"
TABLES = ("leads", "opportunities", "accounts", "onboarding", "churn_events")


class SparkTables:
    """What the seams read of a warehouse (``table(name)``), served by PySpark."""

    def __init__(self, backend: ibis.BaseBackend) -> None:
        self.backend = backend

    def table(self, name: str) -> Any:
        return self.backend.table(name)


def test_fixture_on_pyspark_matches_duckdb(spark_session: Any) -> None:  # noqa: F811
    scenario = yaml.safe_load((HERE / "02_out_of_order.yaml").read_text(encoding="utf-8"))
    wh = Warehouse.create(":memory:")
    load(wh, scenario["tables"])
    for name in TABLES:
        arrow = wh.con.table(name).arrow()
        arrow = arrow.read_all() if hasattr(arrow, "read_all") else arrow
        spark_session.createDataFrame(arrow).createOrReplaceTempView(name)
    spark = SparkTables(ibis.pyspark.connect(spark_session))
    for engine in (wh, spark):
        when = instant(scenario["as_of"])
        with cached_journeys(engine) as journeys:  # type: ignore[arg-type]
            found = skips(engine, journeys).to_pandas()  # type: ignore[arg-type]
            early = out_of_order(engine, journeys).to_pandas()  # type: ignore[arg-type]
            rows = flow_rows(
                engine,  # type: ignore[arg-type]
                "sal",
                "sql",
                as_of=when,
                journey_table=journeys,
            ).to_pandas()
        assert set(zip(found.journey_id, found.stage, strict=True)) == {("L5", "closed_won")}
        got = dict(zip(early.journey_id, early.days_early, strict=True))
        assert set(got) == {"L4", "L5"}
        assert got["L5"] == pytest.approx(102065 / 86400, abs=1e-9)
        assert list(zip(rows.journey_id, rows.outcome, rows.days, strict=True)) == [
            ("L4", "converted", -1.0)
        ]
    wh.close()
