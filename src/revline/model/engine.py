"""What the MRR model needs from an engine beyond plain queries: materialised intermediate facts.

The model computes its subscription-month facts once and reuses them in every metric, so it
stores them on the engine for the length of one computation. Each engine does that its own way:

- **DuckDB**: ``CREATE TEMPORARY TABLE ... AS`` (dropped with ``DROP TABLE``).
- **PySpark**: ``CACHE TABLE ... AS`` (an eagerly cached temporary view; ibis's
  ``create_table(temp=True)`` is not implemented for Spark), dropped with ``UNCACHE TABLE`` and
  ``DROP VIEW``. Spark must keep decimal scale exactly
  (``spark.sql.decimalOperations.allowPrecisionLoss=false``): by default it rounds the scale of
  wide decimal products away, which would move amounts by a cent.

Extracting the year and month of a ``TIMESTAMPTZ`` is slow on DuckDB (each call goes through
the ICU calendar, about 0.4 us, a second per million subscriptions); :func:`month_of` reads the
instant's microseconds since the epoch as a plain (UTC) ``TIMESTAMP`` there instead, ten times
faster. PySpark extracts them directly (its session time zone is UTC).

Any other engine raises :class:`EngineError` rather than silently falling back to recomputing
the facts in every query. Statements are sqlglot expressions, never formatted strings.
"""

from __future__ import annotations

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir
from sqlglot import exp

from revline.errors import RevlineError
from revline.model.periods import month_index_of

#: Engines the model runs on (ibis backend names).
ENGINES = ("duckdb", "pyspark")
_EXACT_DECIMALS = "spark.sql.decimalOperations.allowPrecisionLoss"


class EngineError(RevlineError):
    """The engine cannot run the MRR model (unsupported, or set up in a way that loses cents)."""


def check_engine(backend: ibis.BaseBackend) -> None:
    """Raise :class:`EngineError` unless ``backend`` can run the model exactly."""
    if backend.name not in ENGINES:
        raise EngineError(
            f"The MRR model cannot store its intermediate facts on engine {backend.name!r}.",
            hint=f"Run it on one of: {', '.join(ENGINES)}.",
        )
    if backend.name == "pyspark":
        session = backend._session  # ibis keeps the SparkSession here; there is no public name
        loses = str(session.conf.get(_EXACT_DECIMALS, "true")).lower() != "false"
        if loses:
            raise EngineError(
                f"Spark is set to round decimal products ({_EXACT_DECIMALS}=true), which can "
                "move MRR amounts by a cent.",
                hint=f"Create the SparkSession with .config({_EXACT_DECIMALS!r}, 'false').",
            )


def store(backend: ibis.BaseBackend, name: str, expr: ir.Table) -> ir.Table:
    """Materialise ``expr`` on ``backend`` under ``name`` for this computation; return it."""
    select = backend.compiler.to_sqlglot(expr)
    if backend.name == "pyspark":
        statement: exp.Expression = exp.Cache(this=exp.to_table(name), expression=select)
    elif backend.name == "duckdb":
        statement = exp.Create(
            this=exp.to_table(name),
            kind="TABLE",
            expression=select,
            properties=exp.Properties(expressions=[exp.TemporaryProperty()]),
        )
    else:
        check_engine(backend)
    backend.raw_sql(statement.sql(dialect=backend.dialect))
    return backend.table(name)


def drop(backend: ibis.BaseBackend, name: str) -> None:
    """Drop what :func:`store` made under ``name`` (no error if it is already gone)."""
    if backend.name == "pyspark":
        table = exp.to_table(name)
        backend.raw_sql(exp.Uncache(this=table, exists=True).sql(dialect=backend.dialect))
        backend.raw_sql(exp.Drop(this=table, kind="VIEW", exists=True).sql(dialect=backend.dialect))
    else:
        backend.drop_table(name, force=True)


@ibis.udf.scalar.builtin  # type: ignore[untyped-decorator]
def epoch_us(at: dt.Timestamp(timezone="UTC")) -> dt.int64:  # type: ignore[valid-type]
    """DuckDB's ``epoch_us``: microseconds since 1970-01-01 UTC."""


@ibis.udf.scalar.builtin  # type: ignore[untyped-decorator]
def make_timestamp(micros: dt.int64) -> dt.Timestamp():  # type: ignore[valid-type]
    """DuckDB's ``make_timestamp``: a ``TIMESTAMP`` (UTC, no time zone) from epoch microseconds."""


def month_of(engine: str, at: ir.TimestampValue) -> ir.IntegerValue:
    """The month index of a UTC instant, the fast way for ``engine`` (see the module notes)."""
    if engine == "duckdb":
        return month_index_of(make_timestamp(epoch_us(at)))
    return month_index_of(at)
