"""Validation of a parsed mapping file: collects every problem instead of stopping at the first.

Checks the keys against the documented format, the table and canonical columns against the
schema (with did-you-mean), formats, value maps and constants against each column's type.
"""

from __future__ import annotations

import zoneinfo
from typing import TYPE_CHECKING, Any

from revline.errors import unknown
from revline.ingest.spec_checks import ROW_ID, check_spec, text_value
from revline.schema import TABLES, Table
from revline.schema.core import LINEAGE

if TYPE_CHECKING:
    from revline.ingest.mapping import ColumnSpec, CsvOptions, Mapping

TOP_KEYS = (
    "table",
    "source",
    "format",
    "csv",
    "id",
    "id_prefix",
    "timezone",
    "keep_unmapped",
    "columns",
)
CSV_KEYS = ("delimiter", "quote", "encoding", "header", "null_values")
LINEAGE_NAMES = tuple(c.name for c in LINEAGE)


def check_mapping(data: dict[str, Any], origin: str, problems: list[str]) -> Mapping | None:
    """Validate ``data`` (YAML with text scalars); append problems; return the Mapping if any."""
    from revline.ingest.formats import FORMATS
    from revline.ingest.mapping import Mapping

    for key in data:
        if key not in TOP_KEYS:
            problems.append(unknown("mapping key", str(key), TOP_KEYS))
    table = _check_table(data.get("table"), problems)
    fmt = text_value(data, "format", problems)
    if fmt is not None and fmt not in FORMATS:
        problems.append(unknown("format", fmt, FORMATS.names()))
    tz = text_value(data, "timezone", problems) or "UTC"
    try:
        zoneinfo.ZoneInfo(tz)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        problems.append(f"timezone: unknown time zone {tz!r} (use an IANA name such as UTC).")
    id_prefix = text_value(data, "id_prefix", problems) or ""
    keep = _flag(data, "keep_unmapped", True, problems)
    csv = _check_csv(data.get("csv"), problems)
    ids = _check_id(data.get("id"), problems)
    columns = _check_columns(data.get("columns"), table, id_prefix, problems)
    if table is None or columns is None:
        return None
    return Mapping(
        table=table.name,
        columns=columns,
        source=text_value(data, "source", problems),
        format=fmt,
        csv=csv,
        id=ids,
        id_prefix=id_prefix,
        timezone=tz,
        keep_unmapped=keep,
        path=origin,
    )


def _flag(data: dict[str, Any], key: str, default: bool, problems: list[str]) -> bool:
    from revline.ingest.mapping import parse_bool

    value = data.get(key)
    if value is None:
        return default
    parsed = parse_bool(value) if isinstance(value, str) else None
    if parsed is None:
        problems.append(f"{key}: expected true or false, got {value!r}.")
        return default
    return parsed


def _check_table(value: object, problems: list[str]) -> Table | None:
    if value is None:
        problems.append("table: missing; name the canonical table this file loads into.")
        return None
    if not isinstance(value, str) or value not in TABLES:
        problems.append("table: " + unknown("table", str(value), TABLES))
        return None
    return TABLES[value]


def _check_csv(value: object, problems: list[str]) -> CsvOptions:
    from revline.ingest.mapping import CsvOptions

    if value is None:
        return CsvOptions()
    if not isinstance(value, dict):
        problems.append(f"csv: expected a mapping of {', '.join(CSV_KEYS)}, got {value!r}.")
        return CsvOptions()
    for key in value:
        if key not in CSV_KEYS:
            problems.append("csv: " + unknown("csv option", str(key), CSV_KEYS))
    base = CsvOptions()
    options: dict[str, Any] = {}
    for key in ("delimiter", "quote"):
        char = text_value(value, key, problems)
        if char is not None:
            char = {"\\t": "\t", "tab": "\t"}.get(char, char)
            if len(char) != 1:
                problems.append(f"csv.{key}: expected one character, got {char!r}.")
            else:
                options[key] = char
    encoding = text_value(value, "encoding", problems)
    if encoding is not None:
        try:
            "".encode(encoding)
            options["encoding"] = encoding
        except LookupError:
            problems.append(f"csv.encoding: unknown encoding {encoding!r} (e.g. utf-8, latin-1).")
    options["header"] = _flag(value, "header", base.header, problems)
    nulls = value.get("null_values")
    if nulls is not None:
        if isinstance(nulls, list) and all(isinstance(n, str) for n in nulls):
            options["null_values"] = tuple(nulls)
        else:
            problems.append(f"csv.null_values: expected a list of strings, got {nulls!r}.")
    return CsvOptions(**options)


def _check_id(value: object, problems: list[str]) -> tuple[str, ...] | None:
    if value is None:
        return None
    if isinstance(value, str) and value:
        return (value,)
    if isinstance(value, list) and value and all(isinstance(v, str) and v for v in value):
        if ROW_ID in value:
            problems.append(f"id: {ROW_ID} stands alone; it cannot be part of a list.")
            return None
        return tuple(value)
    problems.append(
        f"id: expected a source column name, a list of them, or {ROW_ID}, got {value!r}."
    )
    return None


def _check_columns(
    value: object, table: Table | None, id_prefix: str, problems: list[str]
) -> dict[str, ColumnSpec] | None:
    if not isinstance(value, dict) or not value:
        problems.append("columns: missing or empty; map canonical columns to source columns.")
        return None
    specs: dict[str, ColumnSpec] = {}
    own = {c.name: c for c in table.own_columns} if table else {}
    for name, raw in value.items():
        where = f"columns.{name}"
        col = own.get(name)
        if table is not None and col is None:
            if name in LINEAGE_NAMES:
                problems.append(
                    f"{where}: {name} is filled by the loader; use the keys `id` and `source`."
                )
            else:
                kind = f"column of table {table.name!r}"
                problems.append(f"{where}: " + unknown(kind, str(name), own))
        spec = check_spec(where, raw, col, id_prefix, problems)
        if spec is not None:
            specs[str(name)] = spec
    if table is not None:
        for col in table.own_columns:
            if col.required and col.name != table.primary_key and col.name not in value:
                problems.append(
                    f"columns: required column {col.name!r} of {table.name} is not mapped "
                    "(map it to a source column, or give a constant with {value: ...})."
                )
    return specs
