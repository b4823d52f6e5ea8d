"""Validation of one column spec of a mapping file against the canonical column it feeds.

Part of :mod:`revline.ingest.mapping_checks`: problems are appended to a list, never raised, so
that a mapping author sees every problem of the file at once.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from functools import cache
from typing import TYPE_CHECKING, Any

import duckdb

from revline.errors import unknown
from revline.schema import Column, Kind
from revline.schema.core import MONEY_SCALE
from revline.schema.enums import CURRENCIES

if TYPE_CHECKING:
    from revline.ingest.mapping import ColumnSpec

#: ``id: "@row"``: the 1-based data row number is the source id, for files with no id.
ROW_ID = "@row"
SPEC_KEYS = ("column", "value", "format", "values", "unmapped", "prefix", "scale", "round")
NUMERIC = (Kind.INT, Kind.DECIMAL, Kind.MONEY)
TIMES = (Kind.DATE, Kind.TIMESTAMP)


def text_value(data: dict[str, Any], key: str, problems: list[str]) -> str | None:
    """The text value of ``key`` (``None`` when absent); a list or mapping is a problem."""
    value = data.get(key)
    if value is None or isinstance(value, str):
        return value
    problems.append(f"{key}: expected a single value, got {value!r}.")
    return None


def check_spec(
    where: str, raw: object, col: Column | None, id_prefix: str, problems: list[str]
) -> ColumnSpec | None:
    from revline.ingest.mapping import NULL_WORDS, UNMAPPED_CHOICES, ColumnSpec

    if isinstance(raw, str):
        return ColumnSpec(column=raw)
    if not isinstance(raw, dict):
        problems.append(f"{where}: expected a source column name or a spec, got {raw!r}.")
        return None
    before = len(problems)
    for key in raw:
        if key not in SPEC_KEYS:
            problems.append(f"{where}: " + unknown("spec key", str(key), SPEC_KEYS))
    if ("column" in raw) == ("value" in raw):
        problems.append(f"{where}: give exactly one of `column` (source column) or `value`.")
    fmt = text_value(raw, "format", problems)
    if fmt is not None:
        _check_format(where, fmt, col, problems)
    values = _check_values(where, raw.get("values"), col, problems)
    unmapped = text_value(raw, "unmapped", problems) or "keep"
    if unmapped not in UNMAPPED_CHOICES:
        problems.append(f"{where}.unmapped: " + unknown("choice", unmapped, UNMAPPED_CHOICES))
    prefix = raw.get("prefix")
    if prefix is not None and not isinstance(prefix, str):
        problems.append(f"{where}.prefix: expected text, got {prefix!r}.")
    elif prefix == "true":
        prefix = id_prefix  # `prefix: true` reuses the mapping's id_prefix
    scale = _check_scale(where, text_value(raw, "scale", problems), col, problems)
    places = _check_round(where, text_value(raw, "round", problems), col, problems)
    constant = text_value(raw, "value", problems)
    if constant in NULL_WORDS:
        constant = None
    if constant is not None and col is not None:
        _check_constant(where, constant, col, problems)
    if len(problems) > before:
        return None
    return ColumnSpec(
        column=text_value(raw, "column", problems),
        constant=constant,
        format=fmt,
        values=values,
        unmapped=unmapped,
        prefix=prefix,
        scale=scale,
        round=places,
    )


@cache
def _format_checker() -> duckdb.DuckDBPyConnection:
    from revline.warehouse import DUCKDB_CONFIG

    return duckdb.connect(":memory:", config=DUCKDB_CONFIG)


def _check_format(where: str, fmt: str, col: Column | None, problems: list[str]) -> None:
    if col is not None and col.kind not in TIMES:
        problems.append(f"{where}.format: only dates and timestamps take a format ({col.kind}).")
        return
    try:
        _format_checker().execute("SELECT try_strptime('', ?)", [fmt])
    except duckdb.Error as err:
        problems.append(f"{where}.format: bad strptime format {fmt!r}: {err}")
        return
    if "%" not in fmt:
        problems.append(f"{where}.format: {fmt!r} has no % directive (e.g. %Y-%m-%d).")


def _check_values(
    where: str, values: object, col: Column | None, problems: list[str]
) -> dict[str, str | None] | None:
    from revline.ingest.mapping import NULL_WORDS

    if values is None:
        return None
    if not isinstance(values, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in values.items()
    ):
        problems.append(f"{where}.values: expected source value: canonical value pairs.")
        return None
    out = {k: (None if v in NULL_WORDS else v) for k, v in values.items()}
    if col is not None:
        for target in {v for v in out.values() if v is not None}:
            _check_constant(f"{where}.values", target, col, problems)
    return out


def _check_round(
    where: str, text: str | None, col: Column | None, problems: list[str]
) -> int | None:
    if text is None:
        return None
    numeric = (Kind.INT, Kind.DECIMAL, Kind.MONEY)
    if col is not None and col.kind not in numeric:
        problems.append(f"{where}.round: only numbers can be rounded ({col.name} is {col.kind}).")
        return None
    most = 0 if col is not None and col.kind is Kind.INT else MONEY_SCALE
    if not text.isdigit() or int(text) > most:
        problems.append(
            f"{where}.round: expected a whole number of decimals from 0 to {most}, got {text!r}."
        )
        return None
    return int(text)


def _check_scale(
    where: str, text: str | None, col: Column | None, problems: list[str]
) -> Decimal | None:
    if text is None:
        return None
    if col is not None and col.kind not in NUMERIC:
        problems.append(f"{where}.scale: only numbers take a scale ({col.name} is {col.kind}).")
        return None
    try:
        scale = Decimal(text)
    except InvalidOperation:
        problems.append(f"{where}.scale: expected a number such as 0.01, got {text!r}.")
        return None
    if not scale.is_finite() or scale == 0:
        problems.append(f"{where}.scale: expected a non-zero number, got {text!r}.")
        return None
    return scale


def _check_constant(where: str, value: str, col: Column, problems: list[str]) -> None:
    """A constant or value-map target must be valid for the column's declaration."""
    from revline.ingest.mapping import parse_bool

    if col.enum is not None and value not in col.enum:
        problems.append(f"{where}: " + unknown(f"{col.name} value", value, col.enum))
    elif col.currency and value.upper() not in CURRENCIES:
        problems.append(f"{where}: {value!r} is not an ISO 4217 currency code (e.g. USD, EUR).")
    elif col.kind is Kind.BOOL and parse_bool(value) is None:
        problems.append(f"{where}: {value!r} is not a boolean (true/false/yes/no/1/0).")
    elif col.kind in NUMERIC:
        try:
            Decimal(value)
        except InvalidOperation:
            problems.append(f"{where}: {value!r} is not a number.")
