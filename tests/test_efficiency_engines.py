"""Efficiency, sales and spend-CAC metrics on DuckDB and PySpark give the same results.

The company is the hand-built one of tests/fixtures/gtm/company.py (its expected figures are in
tests/test_efficiency.py and tests/test_sales_metrics.py); every go-to-market metric of the
registry is computed for 2025-Q2 on both engines, in one query, and compared value for value.
Spark plans that query for about a minute on two cores, hence ``slow``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import ibis
import pandas as pd
import pytest

from engines import spark_session  # noqa: F401  (fixture)
from fixtures.gtm.company import AS_OF, tables
from fixtures.mrr.rows import load
from revline.metrics import REGISTRY, Conversion
from revline.metrics.gtm_frame import GtmSettings, build_gtm_frame
from revline.model import build_model
from revline.model.money import union_all
from revline.schema import TABLES
from revline.warehouse import Warehouse

pytestmark = pytest.mark.slow
SETTINGS = GtmSettings(as_of=AS_OF)
#: Every go-to-market metric but the funnel conversions: each of those builds the lifecycle's
#: journeys, and eleven of them in one Spark plan took over 13 minutes; they share one code
#: path, so two of them (one a hand-off, one with its owner breakdown) are compared below.
GTM = sorted(
    name
    for name, metric in REGISTRY.items()
    if metric.frame == "gtm" and not isinstance(metric.kind, Conversion)
)
CONVERSIONS = ("mql_to_sal_rate", "sql_to_closed_won_rate")


def compute_all(
    con: ibis.BaseBackend, names: tuple[str, ...] | list[str] = tuple(GTM)
) -> dict[str, pd.DataFrame]:
    """The metrics ``names`` in one query (Spark's cost is per query, not per row)."""
    with build_model(con, SETTINGS) as model:
        frame = build_gtm_frame(model, "2025-Q2", None)
        parts = []
        for name in names:
            t = REGISTRY[name].compute(frame)
            parts.append(
                t.select("period", metric=ibis.literal(name), value=t.value.cast("float64"))
            )
        rows = con.execute(union_all(*parts))
    return {
        name: part.sort_values("period").reset_index(drop=True)
        for name, part in rows.groupby("metric")
    }


@pytest.fixture(scope="module")
def duckdb_wh() -> Iterator[Warehouse]:
    wh = Warehouse.create(":memory:")
    load(wh, tables())
    yield wh
    wh.close()


def test_every_gtm_metric_is_the_same_on_pyspark(
    duckdb_wh: Warehouse, request: pytest.FixtureRequest
) -> None:
    spark: Any = request.getfixturevalue("spark_session")
    expected = compute_all(duckdb_wh.ibis)
    for name in TABLES:
        arrow = duckdb_wh.con.table(name).arrow()
        arrow = arrow.read_all() if hasattr(arrow, "read_all") else arrow
        spark.createDataFrame(arrow).createOrReplaceTempView(name)
    got = compute_all(ibis.pyspark.connect(spark))
    expected.update(compute_all(duckdb_wh.ibis, CONVERSIONS))
    got.update(compute_all(ibis.pyspark.connect(spark), CONVERSIONS))
    for name in (*GTM, *CONVERSIONS):
        want = expected[name]
        assert got[name]["period"].tolist() == want["period"].tolist() == ["2025-Q2"], name
        assert got[name]["value"].tolist() == pytest.approx(want["value"].tolist(), nan_ok=True), (
            name
        )
