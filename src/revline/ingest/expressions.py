"""The staging projection: one SELECT that turns every raw text column into its canonical type.

For each mapped canonical column ``c`` the staged table holds ``c__raw`` (the cell as read,
reported in quarantine) and ``c`` (typed, NULL where the text does not parse). Rules compare
them (mapped text present but ``c`` NULL is a type error), so every rule is one vectorised
expression over all rows.
"""

from __future__ import annotations

from decimal import Decimal

from sqlglot import exp

from revline.ddl import sql_type
from revline.ingest.mapping import ColumnSpec
from revline.ingest.mapping_model import FALSE_WORDS, ROW_ID, TRUE_WORDS
from revline.ingest.plan import Plan
from revline.ingest.sql import case, cast, col, fn, in_set, json_object, lit, strip, try_cast
from revline.schema import Column, Kind

ROW = "_row"
SID = "_sid"
ATTRS = "_attrs"
WIDE = "DECIMAL(38, 10)"
NARROW = "DECIMAL(18, 4)"
PLAIN_INT = "[+-]?[0-9]{1,18}"
PLAIN_DECIMAL = r"[+-]?[0-9]{1,14}(\.[0-9]{0,4})?"
#: A number as a person writes it in a CSV: digits, an optional point and exponent. DuckDB's
#: casts also accept ``1_000``, ``0x10`` and ``0b101``; those are type errors here.
WRITTEN_NUMBER = r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?"
#: A timestamp text that carries its own UTC offset (or Z).
OFFSET_RE = r".*[0-9]{2}:?[0-9]{2}(:?[0-9]{2}(\.[0-9]+)?)?\s*(Z|z|UTC|[+-][0-9]{2}(:?[0-9]{2})?)$"
#: A numeric UTC offset after a clock time that no place uses: past 14 hours (the widest real
#: offsets are -12:00 and +14:00) or with minutes past 59.
BAD_OFFSET_RE = (
    r"[0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?\s*[+-]"
    r"(?:(?:1[5-9]|[2-9][0-9])(?::?[0-9]{2})?|14:?(?:0[1-9]|[1-5][0-9])|[0-9]{2}:?[6-9][0-9])$"
)


def raw_name(column: str) -> str:
    return f"{column}__raw"


def source_id_expr(plan: Plan, raw_row: str) -> exp.Expr:
    """The row's source id.

    One id column: its value (NULL when empty). Several: their values joined with ':', an empty
    part kept as an empty string so the position still tells the parts apart (NULL only when
    every part is empty). ``@row``: the 1-based data row number, for files with no id.
    """
    if plan.id_columns == (ROW_ID,):
        return cast(col(raw_row), "VARCHAR")
    parts = [exp.Nullif(this=strip(col(c)), expression=lit("")) for c in plan.id_columns]
    if len(parts) == 1:
        return parts[0]
    joined: exp.Expr = exp.Coalesce(this=parts[0], expressions=[lit("")])
    for part in parts[1:]:
        piece = exp.Coalesce(this=part, expressions=[lit("")])
        joined = exp.DPipe(this=exp.DPipe(this=joined, expression=lit(":")), expression=piece)
    every_part_empty = exp.and_(*[p.is_(exp.null()) for p in parts])
    return case([(every_part_empty, exp.null())], joined)


def staging_select(plan: Plan, raw_table: str, raw_row: str) -> exp.Select:
    """``SELECT _row, _sid, _attrs, <c__raw and typed c for each column> FROM raw``.

    Only the raw cell and the typed value are stored (materialising columns is most of the
    cost of staging); rules rebuild the mapped text with :func:`text_expr` where they need it.
    An inner SELECT names the raw cells and an outer one types them, so no expression depends
    on DuckDB resolving aliases of the same SELECT.
    """
    sid = source_id_expr(plan, raw_row)
    inner: list[exp.Expr] = [
        exp.alias_(col(raw_row), ROW, quoted=True),
        exp.alias_(sid, SID, quoted=True),
        exp.alias_(attributes_expr(plan), ATTRS, quoted=True),
    ]
    outer: list[exp.Expr] = [exp.Star()]
    for column in staged_columns(plan):
        spec = plan.columns.get(column.name)
        if spec is None:
            inner.append(exp.alias_(sid, raw_name(column.name), quoted=True))
        elif spec.column is not None:
            inner.append(exp.alias_(col(spec.column), raw_name(column.name), quoted=True))
        value = typed(text_expr(plan, column), column, spec, plan)
        outer.append(exp.alias_(value, column.name, quoted=True))
    source = exp.select(*inner).from_(exp.to_table(raw_table)).subquery("_text")
    return exp.select(*outer).from_(source)


def staged_columns(plan: Plan) -> list[Column]:
    """The canonical columns the staged table holds: the mapped ones and the primary key."""
    pk = plan.table.primary_key
    return [c for c in plan.table.own_columns if c.name in plan.columns or c.name == pk]


def raw_ref(plan: Plan, name: str) -> exp.Expr:
    """The cell as read for canonical column ``name`` (a constant is its own literal)."""
    spec = plan.columns.get(name)
    if spec is not None and spec.column is None:
        return lit(spec.constant)
    return col(raw_name(name))


def text_expr(plan: Plan, column: Column) -> exp.Expr:
    """The mapped text of a staged column: raw cell after empty → NULL, value map, prefix."""
    spec = plan.columns.get(column.name)
    raw = raw_ref(plan, column.name)
    if spec is None:  # the primary key, derived from the source id
        return _prefixed(raw, plan.mapping.id_prefix or None)
    is_id = column.name == plan.table.primary_key or column.references is not None
    return _text(raw, spec, column, is_id)


def attributes_expr(plan: Plan) -> exp.Expr:
    if not plan.extra:
        return cast(exp.null(), "JSON")
    return cast(json_object(plan.extra), "JSON")


def _prefixed(value: exp.Expr, prefix: str | None) -> exp.Expr:
    if not prefix:
        return value
    return exp.DPipe(this=lit(prefix), expression=value)  # NULL stays NULL


def _text(raw: exp.Expr, spec: ColumnSpec, column: Column, is_id: bool) -> exp.Expr:
    """Raw cell → canonical text: stripped (ids and typed values), empty → NULL, value map,
    then prefix. Free text keeps its whitespace."""
    value: exp.Expr = raw
    if column.kind is not Kind.STRING or column.currency or spec.values is not None or is_id:
        value = strip(value)
    value = exp.Nullif(this=value, expression=lit(""))
    if spec.values is not None:
        pairs = [(value.eq(lit(k)), lit(v)) for k, v in spec.values.items()]
        default = exp.null() if spec.unmapped == "null" else value
        value = case(pairs, default)
    if column.currency:
        value = exp.Upper(this=value)
    return _prefixed(value, spec.prefix)


def typed(text: exp.Expr, column: Column, spec: ColumnSpec | None, plan: Plan) -> exp.Expr:
    """Text → the column's type; NULL where the text is not a valid value of that type."""
    kind = column.kind
    if kind is Kind.STRING:
        return text
    if kind in (Kind.INT, Kind.DECIMAL, Kind.MONEY):
        if spec is not None and spec.round is not None:
            return _rounded(text, kind, spec.scale, spec.round)
        return _number(text, kind, spec.scale if spec else None)
    if kind is Kind.BOOL:
        low = exp.Lower(this=text)
        return case(
            [(in_set(low, TRUE_WORDS), exp.true()), (in_set(low, FALSE_WORDS), exp.false())]
        )
    fmt = spec.format if spec else None
    if kind is Kind.DATE:
        if fmt:
            return try_cast(fn("try_strptime", text, lit(fmt)), "DATE")
        return try_cast(text, "DATE")
    if kind is Kind.TIMESTAMP:
        return _timestamp(text, fmt, plan.mapping.timezone, plan.mapping.local_times)
    return try_cast(text, "JSON")


def _number(text: exp.Expr, kind: Kind, scale: Decimal | None) -> exp.Expr:
    """Exact numbers: a value with more than 4 decimals (or a fractional int) is a type error.

    DuckDB parses text into a DECIMAL wider than 18 digits about a hundred times slower than
    into BIGINT or DECIMAL(18, 4), so plain values (the common case, recognised by a regular
    expression) take the narrow cast, and only the rest take the wide one with an exactness
    check.
    """
    target = sql_type(kind)
    plain_int = fn("regexp_full_match", text, lit(PLAIN_INT))
    plain_dec = fn("regexp_full_match", text, lit(PLAIN_DECIMAL))
    narrow = try_cast(text, NARROW)
    written = fn("regexp_full_match", text, lit(WRITTEN_NUMBER))
    wide: exp.Expr = case(
        [(plain_dec, cast(narrow, WIDE)), (written, try_cast(text, WIDE))], exp.null()
    )
    if scale is not None:
        places = max(0, -int(scale.as_tuple().exponent))
        factor = cast(lit(str(scale)), f"DECIMAL(18, {min(places, 10)})")
        wide = fn("try", exp.Mul(this=wide, expression=factor))
    if kind is Kind.INT:
        exact = case([(wide.eq(exp.func("trunc", wide)), try_cast(wide, target))])
        if scale is not None:
            return exact
        return case([(plain_int, try_cast(text, target))], exact)
    exact = case([(wide.eq(try_cast(wide, target)), try_cast(wide, target))])
    if scale is not None:
        return exact
    return case([(plain_dec, cast(narrow, target))], exact)


#: Rounding reads up to 20 decimals, so a float printed in full (``32.75999993272126``) is
#: rounded once, not first cut to 10 decimals and then rounded again.
ROUNDING_SOURCE = "DECIMAL(38, 20)"


def _rounded(text: exp.Expr, kind: Kind, scale: Decimal | None, places: int) -> exp.Expr:
    """A number rounded half away from zero to ``places`` decimals, as the mapping asked.

    Only an explicit ``round:`` in the mapping rounds; otherwise a value with more decimals
    than the column holds is a type error (money is never rounded silently).
    """
    written = fn("regexp_full_match", text, lit(WRITTEN_NUMBER))
    value: exp.Expr = case([(written, try_cast(text, ROUNDING_SOURCE))], exp.null())
    if scale is not None:
        places_in = max(0, -int(scale.as_tuple().exponent))
        factor = cast(lit(str(scale)), f"DECIMAL(18, {min(places_in, 10)})")
        value = fn("try", exp.Mul(this=value, expression=factor))
    return try_cast(fn("round", value, exp.Literal.number(places)), sql_type(kind))


def bad_offset(text: exp.Expr) -> exp.Expr:
    """True where the text carries a numeric UTC offset no place uses (``+25:00``, ``+05:75``).

    DuckDB would accept such an offset and shift the instant by it. One regular expression.
    """
    return fn("regexp_matches", text, lit(BAD_OFFSET_RE))


def _local_text(text: exp.Expr, fmt: str | None) -> exp.Expr | None:
    """The wall-clock time the text gives when it carries no offset (``None``: always has one)."""
    if fmt:
        if "%z" in fmt or "%Z" in fmt:
            return None
        return try_cast(fn("try_strptime", text, lit(fmt)), "TIMESTAMP")
    return try_cast(text, "TIMESTAMP")


def _hour(value: exp.Expr, sign: int) -> exp.Expr:
    step = cast(lit("1 hour"), "INTERVAL")
    return (
        exp.Add(this=value, expression=step) if sign > 0 else exp.Sub(this=value, expression=step)
    )


def local_time_problems(text: exp.Expr, fmt: str | None, tz: str) -> tuple[exp.Expr, exp.Expr]:
    """``(nonexistent, ambiguous)``: the text is a wall-clock time ``tz`` skips (a spring-forward
    gap) or repeats (a fall-back hour). Both are false for UTC and for text with an offset."""
    local = _local_text(text, fmt)
    if tz == "UTC" or local is None:
        return exp.false(), exp.false()
    has_offset = fn("regexp_full_match", text, lit(OFFSET_RE)) if not fmt else exp.false()
    zone = lit(tz)
    instant = fn("timezone", zone, local)
    back = fn("timezone", zone, instant)
    wall = exp.and_(local.is_(exp.null()).not_(), exp.paren(has_offset).not_())
    nonexistent = exp.and_(wall, back.neq(local))
    repeated = exp.or_(
        fn("timezone", zone, _hour(instant, 1)).eq(local),
        fn("timezone", zone, _hour(instant, -1)).eq(local),
    )
    return nonexistent, exp.and_(wall, exp.paren(repeated))


def _timestamp(text: exp.Expr, fmt: str | None, tz: str, local_times: str) -> exp.Expr:
    """An instant in UTC; text without an offset is read in the mapping's time zone.

    An impossible offset gives NULL (rule ``timestamp_offset``); a local time the zone skips or
    repeats gives NULL (rule ``local_time``) unless ``local_times`` is ``shift``: a skipped
    time moves forward by the gap, a repeated one takes its first occurrence.
    """
    local = _local_text(text, fmt)
    if local is None:
        return fn("try_strptime", text, lit(fmt or ""))
    if tz == "UTC":  # the warehouse connection's zone is UTC
        value = try_cast(text, "TIMESTAMPTZ") if not fmt else fn("timezone", lit(tz), local)
        return case([(bad_offset(text), exp.null())], value) if not fmt else value
    zone = lit(tz)
    instant = fn("timezone", zone, local)
    nonexistent, ambiguous = local_time_problems(text, fmt, tz)
    if local_times == "shift":
        earlier = fn("timezone", zone, _hour(instant, -1)).eq(local)
        instant = case([(earlier, _hour(instant, -1))], instant)
    else:
        instant = case([(exp.or_(nonexistent, ambiguous), exp.null())], instant)
    if fmt:
        return instant
    has_offset = fn("regexp_full_match", text, lit(OFFSET_RE))
    return case(
        [(bad_offset(text), exp.null()), (has_offset, try_cast(text, "TIMESTAMPTZ"))], instant
    )
