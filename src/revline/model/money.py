"""Exact money arithmetic in Ibis expressions, and conversion into the reporting currency.

Engines divide decimals in floating point (DuckDB turns ``DECIMAL / DECIMAL`` into ``DOUBLE``),
which can round a half cent the wrong way: 999.90 / 12 = 83.325 is 83.32499... as a double.
:func:`cents` therefore divides only to get a candidate and then corrects it with exact decimal
multiplications and comparisons, so every amount is rounded half-up to the cent exactly as the
decimal arithmetic would.

Conversion into the reporting currency has one rule, :func:`rates`: the rate in force on a day
is the latest ``fx_rates`` row dated before it, quoted either way round. The MRR model and the
go-to-market frame convert per month with it (:func:`convert`); the forecasts, which value deals
at one as-of date, read the same rule for one day (:func:`factors_on`).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir

from revline.errors import RevlineError

#: Exact integers and intermediate amounts, by scale. Ibis only multiplies decimals of one
#: type, so every product is cast back to the scale its factors imply (which is exact).
WIDE = dt.Decimal(38, 0)
D4 = dt.Decimal(38, 4)
D8 = dt.Decimal(38, 8)
D12 = dt.Decimal(38, 12)
#: Amounts rounded to the cent.
CENTS = dt.Decimal(38, 2)
_ONE_CENT = ibis.literal(Decimal("0.01"), type=dt.Decimal(18, 2))
#: How close (in cents) to a half cent the float candidate must be for the exact check to run.
_NEAR_HALF = 0.001


def cents(
    numerator: ir.NumericValue,
    denominator: ir.NumericValue,
    estimate: ir.FloatingValue | None = None,
) -> ir.DecimalValue:
    """``numerator / denominator`` rounded half-up to the cent, exactly (see :func:`cent_count`)."""
    return from_cents(cent_count(numerator, denominator, estimate))


def cent_count(
    numerator: ir.NumericValue,
    denominator: ir.NumericValue,
    estimate: ir.FloatingValue | None = None,
) -> ir.IntegerValue:
    """``numerator / denominator`` rounded half-up to the cent, as an exact number of cents.

    Both arguments are exact decimals (or integers); ``numerator >= 0`` and ``denominator > 0``.
    The float candidate is within one cent for any amount below about 10^13, and the two exact
    checks move it to the right cent: ``c`` is correct when
    ``(2c - 1) * d <= 200 * n < (2c + 1) * d``.

    Wide-decimal arithmetic is slow (microseconds a row on DuckDB, including a cast of a
    ``DECIMAL(38, 8)`` to a float), so the exact checks run only where the float value lies
    within 0.001 of a half cent, the only place the candidate can be wrong; both engines
    evaluate a ``CASE`` branch only on the rows that reach it. ``estimate`` is a float
    approximation of ``numerator / denominator`` (e.g. from float copies of the factors), so
    that the exact operands are not computed for every row just to get the candidate. The fast
    path is exact while the float error stays under 0.001 cent: for any single amount below
    about 10^9 in the reporting currency (the error there is about 10^-5 cent).
    """
    n = numerator.cast(D12)
    d = denominator.cast(D4)
    if estimate is None:
        estimate = n.cast("float64") / d.cast("float64")
    c, near = estimate_cents(estimate)
    far = ~near
    twice = (n * 200).cast(D12)
    upper = ((c * 2 + 1).cast(D4) * d).cast(D8)
    lower = ((c * 2 - 1).cast(D4) * d).cast(D8)
    return ibis.cases((far, c), (twice >= upper, c + 1), (twice < lower, c - 1), else_=c)


def estimate_cents(estimate: ir.FloatingValue) -> tuple[ir.IntegerValue, ir.BooleanValue]:
    """A float amount rounded to whole cents, and whether that may be wrong.

    The rounding can only be wrong where the float value lies within 0.001 cent of a half cent
    (the second value is then true), given a float error under 0.001 cent (see :func:`cent_count`).
    """
    approx = estimate * 100
    near = ((approx - approx.floor()) - 0.5).abs() < _NEAR_HALF
    return approx.round(0).cast("int64"), near


def from_cents(count: ir.IntegerValue) -> ir.DecimalValue:
    """An integer number of cents as a :data:`CENTS` amount, exactly."""
    # An 18-digit integer times 0.01 keeps the scale: no wide-decimal rescaling per row.
    return (count.cast(dt.Decimal(18, 0)) * _ONE_CENT).cast(CENTS)


def to_cents(amount: ir.DecimalValue) -> ir.IntegerValue:
    """A :data:`CENTS` amount as an integer number of cents, exactly."""
    return (amount.cast(CENTS) * 100).cast("int64")


def times(a: ir.NumericValue, b: ir.NumericValue, scale_a: int, scale_b: int) -> ir.DecimalValue:
    """The exact product of two decimals with at most ``scale_a`` and ``scale_b`` decimals."""
    common = dt.Decimal(38, max(scale_a, scale_b))
    return (a.cast(common) * b.cast(common)).cast(dt.Decimal(38, scale_a + scale_b))


def union_all(first: ir.Table, *rest: ir.Table) -> ir.Table:
    """``UNION ALL`` of tables with the same columns, ignoring differences in nullability."""

    def relaxed(table: ir.Table) -> ir.Table:
        return table.cast({name: typ.copy(nullable=True) for name, typ in first.schema().items()})

    if not rest:
        return relaxed(first)
    return relaxed(first).union(*[relaxed(t) for t in rest])


def rates(fx_rates: ir.Table, months: ir.Table, currencies: ir.Table, reporting: str) -> ir.Table:
    """The conversion factor of each (currency, month) into ``reporting``.

    Returns ``currency, month_idx, rate_mul, rate_div``: an amount converts as
    ``amount * rate_mul / rate_div``. The rate in force for a month is the latest ``rate_date``
    on or before the month's last day; a rate quoted the other way round (reporting currency as
    the base) is used by dividing. The reporting currency itself converts at 1. Pairs without
    any rate come back with null factors; :func:`check_rates` turns them into an error.
    """
    one = ibis.literal(Decimal(1), type=dt.Decimal(22, 4))
    usable = fx_rates.filter(fx_rates.rate > 0)
    direct = usable.filter(usable.quote_currency == reporting).select(
        currency=usable.base_currency,
        rate_date=usable.rate_date,
        rate_mul=usable.rate,
        rate_div=one,
        preference=ibis.literal(0),
    )
    inverse = usable.filter(usable.base_currency == reporting).select(
        currency=usable.quote_currency,
        rate_date=usable.rate_date,
        rate_mul=one,
        rate_div=usable.rate,
        preference=ibis.literal(1),
    )
    quoted = union_all(direct, inverse)
    wanted = currencies.cross_join(months.select("month_idx", "snapshot_day"))
    joined = wanted.left_join(
        quoted,
        [
            wanted.currency == quoted.currency,
            quoted.rate_date < wanted.snapshot_day,
        ],
    )
    order = [joined.rate_date.desc(), joined.preference, joined.rate_mul, joined.rate_div]
    ranked = joined.mutate(
        rank=ibis.row_number().over(group_by=[joined.currency, joined.month_idx], order_by=order)
    )
    best = ranked.filter(ranked.rank == 0)
    same = best.currency == reporting
    return best.select(
        currency=best.currency,
        month_idx=best.month_idx,
        rate_mul=ibis.ifelse(same, one, best.rate_mul),
        rate_div=ibis.ifelse(same, one, best.rate_div),
    )


def factors_on(backend: ibis.BaseBackend, day: date, reporting: str) -> dict[str, Decimal]:
    """Units of ``reporting`` per unit of each currency, at the rate in force on ``day``.

    The same rule as :func:`rates` (the latest rate dated before ``day``, quoted either way
    round) for one day: ``factor = rate_mul / rate_div``. ``reporting`` itself is 1; a currency
    without a rate before ``day`` is absent.
    """
    factors = {reporting: Decimal(1)}
    if "fx_rates" not in backend.list_tables():
        return factors
    fx = backend.table("fx_rates")
    named = union_all(
        fx.select(currency=fx.base_currency), fx.select(currency=fx.quote_currency)
    ).distinct()
    one_day = ibis.memtable({"month_idx": [0]}).mutate(snapshot_day=ibis.literal(day))
    found = backend.execute(rates(fx, one_day, named, reporting))
    for row in found.itertuples():
        if row.rate_mul is not None and row.rate_div is not None and row.rate_mul == row.rate_mul:
            factors.setdefault(str(row.currency), Decimal(row.rate_mul) / Decimal(row.rate_div))
    return factors


def check_rates(reporting: str, *needed: ir.Table) -> None:
    """Raise when a currency has no rate into ``reporting`` for a month it is needed in.

    Each of ``needed`` has ``currency``, ``month_idx`` and ``rate_mul`` (null when no rate).
    """
    factors = union_all(*(t.select("currency", "month_idx", "rate_mul") for t in needed))
    missing = (
        factors.filter(factors.rate_mul.isnull())
        .group_by("currency")
        .agg(first=factors.month_idx.min(), months=factors.month_idx.nunique())
        .order_by("currency")
        .to_pandas()
    )
    if missing.empty:
        return
    from revline.model.periods import month_start

    examples = ", ".join(
        f"{row.currency} (first needed {month_start(int(row.first)):%Y-%m}, {row.months} months)"
        for row in missing.itertuples()
    )
    raise RevlineError(
        f"No exchange rate into {reporting} for: {examples}.",
        hint=f"Load fx_rates rows from each currency to {reporting} dated on or before the first "
        "month listed, or report in another currency (--currency).",
    )


def signed_cents(
    amount: ir.NumericValue, rate_mul: ir.NumericValue, rate_div: ir.NumericValue
) -> ir.DecimalValue:
    """``amount * rate_mul / rate_div`` rounded half away from zero to the cent, exactly.

    ``amount`` and the factors have at most 4 decimals (the canonical ``DECIMAL(22, 4)``).
    """
    magnitude = cents(times(amount.abs(), rate_mul, 4, 4), rate_div)
    return ibis.ifelse(amount < 0, -magnitude, magnitude)


def _rated(
    rows: ir.Table, month_idx: ir.IntegerValue, factors: ir.Table, reporting: str
) -> tuple[ir.Table, ir.BooleanValue]:
    """``rows`` with the factors of their currency and (clamped) month, and "in reporting"."""
    bounds = factors.aggregate(fx_lo=factors.month_idx.min(), fx_hi=factors.month_idx.max())
    keyed = rows.mutate(fx_at=month_idx).cross_join(bounds)
    clamped = ibis.least(ibis.greatest(keyed.fx_at, keyed.fx_lo), keyed.fx_hi)
    keyed = keyed.mutate(fx_month=clamped.coalesce(keyed.fx_hi))
    f = factors.select(
        fx_currency="currency", fx_idx="month_idx", fx_mul="rate_mul", fx_div="rate_div"
    )
    j = keyed.left_join(f, [keyed.currency == f.fx_currency, keyed.fx_month == f.fx_idx])
    return j, j.currency.isnull() | (j.currency == reporting)


def convert(
    rows: ir.Table,
    amounts: tuple[str, ...],
    month_idx: ir.IntegerValue,
    factors: ir.Table,
    reporting: str,
) -> ir.Table:
    """``rows`` with each of ``amounts`` in ``reporting``, at the rate of ``month_idx``.

    ``factors`` is :func:`rates`' table; the month is clamped into its months (a date after the
    last month converts at the last month's rate, the latest known). Rows already in
    ``reporting`` (or without a currency) keep their amounts exactly; others are converted and
    rounded half away from zero to the cent. A row with no rate gets null amounts
    (:func:`unconverted` finds them). The columns are those of ``rows``.
    """
    j, same = _rated(rows, month_idx, factors, reporting)
    exact = dt.Decimal(38, 4)
    converted = {
        name: ibis.ifelse(
            same, j[name].cast(exact), signed_cents(j[name], j.fx_mul, j.fx_div).cast(exact)
        )
        for name in amounts
    }
    return j.mutate(**converted).select(*rows.columns)


def unconverted(
    rows: ir.Table,
    amounts: tuple[str, ...],
    month_idx: ir.IntegerValue,
    factors: ir.Table,
    reporting: str,
) -> ir.Table:
    """The ``rows`` with an amount in another currency than ``reporting`` and no rate for it."""
    j, same = _rated(rows, month_idx, factors, reporting)
    has_amount = ibis.or_(*(j[name].notnull() for name in amounts))
    return j.filter(~same & j.fx_mul.isnull() & has_amount).select(*rows.columns)
