"""Validation of one column spec of a mapping file against the canonical column it feeds.

Part of :mod:`revline.ingest.mapping_checks`: the spec's shape is pydantic's
(:class:`~revline.ingest.mapping_model.SpecModel`); what fits the column's type is checked here.
Problems are appended to a list, never raised, so that a mapping author sees every problem of
the file at once.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from functools import cache
from typing import TYPE_CHECKING

import duckdb
from pydantic import ValidationError

from revline.errors import unknown
from revline.ingest.mapping_model import UNMAPPED_CHOICES, SpecModel, parse_bool, problems_of
from revline.schema import Column, Kind
from revline.schema.core import MONEY_SCALE
from revline.schema.enums import CURRENCIES

if TYPE_CHECKING:
    from revline.ingest.mapping import ColumnSpec

NUMERIC = (Kind.INT, Kind.DECIMAL, Kind.MONEY)
TIMES = (Kind.DATE, Kind.TIMESTAMP)


def check_spec(
    where: str, raw: object, col: Column | None, id_prefix: str, problems: list[str]
) -> ColumnSpec | None:
    """The spec of the column at ``where``: its shape by :class:`SpecModel`, then each value
    against the canonical column ``col`` (``None`` when the column is unknown)."""
    from revline.ingest.mapping import NULL_WORDS, ColumnSpec

    if isinstance(raw, str):
        return ColumnSpec(column=raw)
    if not isinstance(raw, dict):
        problems.append(f"{where}: expected a source column name or a spec, got {raw!r}.")
        return None
    before = len(problems)
    try:
        spec = SpecModel.model_validate(raw)
    except ValidationError as err:
        problems.extend(problems_of(err, SpecModel, where))
        # the values pydantic did accept, so the column checks below still run on them
        valid = {str(k): v for k, v in raw.items() if str(k) in SpecModel.model_fields}
        spec = SpecModel.model_construct(None, **_texts(valid))
    if spec.format is not None:
        _check_format(where, spec.format, col, problems)
    values = _check_values(where, spec.values, col)
    if values is not None and col is not None:
        for target in {v for v in values.values() if v is not None}:
            _check_constant(f"{where}.values", target, col, problems)
    prefix = id_prefix if spec.prefix == "true" else spec.prefix  # `prefix: true`: id_prefix
    scale = _check_scale(where, spec.scale, col, problems)
    places = _check_round(where, spec.round, col, problems)
    constant = None if spec.value in NULL_WORDS else spec.value
    if constant is not None and col is not None:
        _check_constant(where, constant, col, problems)
    if len(problems) > before:
        return None
    return ColumnSpec(
        column=spec.column,
        constant=constant,
        format=spec.format,
        values=values,
        unmapped=spec.unmapped,
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


def _texts(raw: dict[str, object]) -> dict[str, object]:
    """The text values of ``raw`` (and ``values`` when it is a map of texts)."""
    out: dict[str, object] = {k: v for k, v in raw.items() if isinstance(v, str)}
    values = raw.get("values")
    if isinstance(values, dict) and all(isinstance(v, str) for v in values.values()):
        out["values"] = values
    if out.get("unmapped") not in UNMAPPED_CHOICES:
        out.pop("unmapped", None)
    return out


def _check_values(
    where: str, values: dict[str, str] | None, col: Column | None
) -> dict[str, str | None] | None:
    """The value map with the spellings of empty as ``None``."""
    from revline.ingest.mapping import NULL_WORDS

    if not isinstance(values, dict):
        return None
    return {k: (None if v in NULL_WORDS else v) for k, v in values.items()}


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
