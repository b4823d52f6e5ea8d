"""DuckDB and PySpark give identical movements and bridges on random subscription histories.

The histories are those of tests/test_mrr_properties.py (intervals, counts, seats, discounts,
cancellations, EUR at dated rates), under each churn-recognition setting. Spark's cost is per
query (about 2 s here, 8 queries an example), so the run is kept to 3 examples; the full
property suite (tests/test_mrr_properties.py) runs on DuckDB.
"""

from __future__ import annotations

from typing import Any

import hypothesis.strategies as st
import ibis
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings

import engines
from engines import Engine
from revline.model import bridge, build_model, movements
from revline.settings import MetricSettings
from test_mrr_properties import AS_OF, FX_ROWS, histories

spark_session = engines.spark_session
recognitions = st.sampled_from(["cancellation", "paid_period_end", "scheduled_end"])


def _results(con: ibis.BaseBackend, recognition: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    chosen = MetricSettings(as_of=AS_OF, churn_recognition=recognition)  # type: ignore[arg-type]
    with build_model(con, chosen) as model:
        moves = con.execute(movements(model))
        br = con.execute(bridge(model))
    key = ["account_id", "month_idx", "movement"]
    moves = moves.sort_values(key).reset_index(drop=True)
    br["month"] = pd.to_datetime(br["month"]).dt.date
    return moves, br.sort_values("month").reset_index(drop=True)


@pytest.mark.slow
@settings(
    max_examples=3,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(rows=histories, recognition=recognitions)
def test_duckdb_and_pyspark_agree_on_random_histories(
    spark_session: Any, rows: list[dict[str, Any]], recognition: str
) -> None:
    tables = {"subscriptions": rows, "fx_rates": FX_ROWS}
    duck, spark = Engine("duckdb"), Engine("pyspark", spark_session)
    try:
        expected = _results(duck.load(tables), recognition)
        got = _results(spark.load(tables), recognition)
    finally:
        duck.close()
        spark.close()
    for mine, theirs in zip(got, expected, strict=True):
        assert list(mine.columns) == list(theirs.columns)
        assert mine.astype(object).values.tolist() == theirs.astype(object).values.tolist()
