"""The same MRR model, bridge and registry metrics on DuckDB and PySpark give the same results.

The company is the hand-computed one in tests/fixtures/mrr/company.py (its docstring shows the
arithmetic). Each engine builds the model once per module and computes the bridge and every
metric of the registry for 2025-Q2 (plus breakdowns and a monthly series); the tests check
them against the hand-computed figures and, for PySpark, row for row against DuckDB.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import ibis
import ibis.expr.types as ir
import pandas as pd
import pytest

import engines
from engines import Engine
from fixtures.mrr.company import TABLES
from revline.metrics import movement, retention, revenue
from revline.metrics.core import Frame
from revline.metrics.frame import build_frame
from revline.model import bridge, build_model
from revline.model.engine import EngineError, check_engine
from revline.model.money import union_all
from revline.settings import MetricSettings

SETTINGS = MetricSettings(as_of=date(2025, 6, 30))
#: (period, breakdown, metrics) computed; ``None`` is every metric of :data:`METRICS`. Spark's
#: cost is per query (about 10 s each here), so the breakdown query takes a few metrics only.
QUERIES: tuple[tuple[str, str | None, tuple[str, ...] | None], ...] = (
    ("2025-Q2", None, None),
    ("2025-Q2", "segment", ("mrr", "customers", "churned_mrr", "nrr", "grr")),
)
#: The revenue, movement and retention families (the metrics over the MRR model alone).
METRICS = (*revenue.METRICS, *movement.METRICS, *retention.METRICS)
_DUCKDB_RESULTS: dict[str, pd.DataFrame] = {}
#: The engine fixtures (see tests/engines.py), made visible to pytest in this module.
backend = engines.backend
spark_session = engines.spark_session


def _tidy(frame: pd.DataFrame) -> pd.DataFrame:
    """Engines return dates as ``date`` or ``Timestamp``: make them ``date``; order the rows."""
    out = frame.copy()
    if "month" in out:
        out["month"] = pd.to_datetime(out["month"]).dt.date
    return out.sort_values(list(out.columns[:-1])).reset_index(drop=True)


def _all_metrics(frame: Frame, names: tuple[str, ...] | None) -> ir.Table:
    """The metrics called ``names`` (default: all) over ``frame``, as one table and one query.

    Exact values (decimals, counts) are kept as text, which both engines print the same way;
    every value is also given as a float, for the ratios.
    """
    parts = []
    for metric in METRICS:
        if names is not None and metric.name not in names:
            continue
        t = metric.compute(frame)
        exact = t.value.type().is_decimal() or t.value.type().is_integer()
        parts.append(
            t.select(
                metric=ibis.literal(metric.name),
                period=t.period,
                group=t[frame.by].cast("string") if frame.by else ibis.null("string"),
                exact=t.value.cast("string") if exact else ibis.null("string"),
                value=t.value.cast("float64"),
            )
        )
    return union_all(*parts)


def compute_all(con: ibis.BaseBackend) -> dict[str, pd.DataFrame]:
    """The bridge, and the metrics of each of :data:`QUERIES`, over one model."""
    out: dict[str, pd.DataFrame] = {}
    with build_model(con, SETTINGS) as model:
        out["bridge"] = _tidy(con.execute(bridge(model)))
        for period, by, names in QUERIES:
            rows = _tidy(con.execute(_all_metrics(build_frame(model, period, by), names)))
            for name, part in rows.groupby("metric"):
                out[f"{name}/{period}/{by}"] = part.drop(columns="metric").reset_index(drop=True)
    return out


@pytest.fixture(scope="module")
def results(backend: Engine) -> Iterator[tuple[str, dict[str, pd.DataFrame]]]:
    computed = compute_all(backend.load(TABLES))
    if backend.name == "duckdb":
        _DUCKDB_RESULTS.update(computed)
    yield backend.name, computed


def duckdb_results() -> dict[str, pd.DataFrame]:
    if not _DUCKDB_RESULTS:
        engine = Engine("duckdb")
        _DUCKDB_RESULTS.update(compute_all(engine.load(TABLES)))
        engine.close()
    return _DUCKDB_RESULTS


def q2(results: dict[str, pd.DataFrame], name: str) -> Any:
    frame = results[f"{name}/2025-Q2/None"]
    assert frame.period.tolist() == ["2025-Q2"]
    exact = frame.exact.iloc[0]
    return frame.value.iloc[0] if exact is None else Decimal(exact)


def test_bridge_is_the_hand_computed_one(results: tuple[str, dict[str, pd.DataFrame]]) -> None:
    _, got = results
    br = got["bridge"]
    assert br.month.tolist() == [date(2025, m, 1) for m in range(1, 7)]
    assert br.end.tolist() == [Decimal(v) for v in ("350", "490", "440", "440", "360", "400")]
    assert br.start.tolist() == [Decimal(v) for v in ("0", "350", "490", "440", "440", "360")]
    flows = br.new + br.reactivation + br.expansion - br.contraction - br.churn
    assert (br.start + flows == br.end).all()
    assert br.customers.tolist() == [3, 5, 4, 4, 4, 5]


def test_q2_metrics_are_the_hand_computed_ones(
    results: tuple[str, dict[str, pd.DataFrame]],
) -> None:
    _, got = results
    assert q2(got, "mrr") == Decimal("400.00")
    assert q2(got, "arr") == Decimal("4800.00")
    assert q2(got, "customers") == 5
    assert q2(got, "arpa") == Decimal("80.00")
    assert q2(got, "new_mrr") == Decimal("80.00")
    assert q2(got, "reactivation_mrr") == Decimal("110.00")
    assert q2(got, "expansion_mrr") == Decimal("50.00")
    assert q2(got, "contraction_mrr") == Decimal("40.00")
    assert q2(got, "churned_mrr") == Decimal("240.00")
    assert q2(got, "net_new_mrr") == Decimal("-40.00")
    assert q2(got, "quick_ratio") == pytest.approx(240 / 280)
    assert q2(got, "nrr") == pytest.approx(250 / 440)
    assert q2(got, "grr") == pytest.approx(200 / 440)
    assert q2(got, "logo_retention") == pytest.approx(0.75)
    by_segment = got["nrr/2025-Q2/segment"]
    assert dict(zip(by_segment.group, by_segment.value, strict=True)) == pytest.approx(
        {"enterprise": 1.5, "smb": 60 / 300, "mid_market": 1.0}
    )


def test_every_result_is_identical_to_duckdb(
    results: tuple[str, dict[str, pd.DataFrame]],
) -> None:
    name, got = results
    if name == "duckdb":
        pytest.skip("DuckDB is the reference")
    expected = duckdb_results()
    assert sorted(got) == sorted(expected)
    for key, frame in expected.items():
        other = got[key]
        assert list(other.columns) == list(frame.columns), key
        assert other.astype(object).where(other.notna(), None).values.tolist() == (
            frame.astype(object).where(frame.notna(), None).values.tolist()
        ), key


class _Elsewhere:
    """Stands in for an ibis backend the model does not support."""

    name = "sqlite"


def test_an_unsupported_engine_is_refused_by_name() -> None:
    with pytest.raises(EngineError, match=r"(?s)'sqlite'.*Run it on one of: duckdb, pyspark"):
        check_engine(_Elsewhere())  # type: ignore[arg-type]


def test_spark_that_rounds_decimals_is_refused(spark_session: Any) -> None:
    key = "spark.sql.decimalOperations.allowPrecisionLoss"
    con = ibis.pyspark.connect(spark_session)
    spark_session.conf.set(key, "true")
    try:
        with pytest.raises(EngineError, match="allowPrecisionLoss=true"):
            build_model(con, SETTINGS)
    finally:
        spark_session.conf.set(key, "false")
