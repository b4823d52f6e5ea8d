"""Validation of a parsed mapping file: collects every problem instead of stopping at the first.

The file's shape (keys, value types, one-value rules) is :mod:`revline.ingest.mapping_model`'s
pydantic models; this module adds what needs the canonical schema: the table and its columns
(with did-you-mean), the columns the loader fills, the required columns, and each column's spec
against the column's type (:func:`revline.ingest.spec_checks.check_spec`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from revline.errors import unknown
from revline.ingest.mapping_model import CsvModel, MappingModel, problems_of
from revline.ingest.spec_checks import check_spec
from revline.schema import TABLES, Table
from revline.schema.core import LINEAGE

if TYPE_CHECKING:
    from revline.ingest.mapping import ColumnSpec, CsvOptions, Mapping

LINEAGE_NAMES = tuple(c.name for c in LINEAGE)


def check_mapping(data: dict[str, Any], origin: str, problems: list[str]) -> Mapping | None:
    """Validate ``data`` (YAML with text scalars); append problems; return the Mapping if any."""
    from revline.ingest.formats import FORMATS
    from revline.ingest.mapping import Mapping

    model: MappingModel | None = None
    try:
        model = MappingModel.model_validate(data)
    except ValidationError as err:
        problems.extend(problems_of(err, MappingModel))
    raw_table = data.get("table")
    table = _check_table(raw_table, problems) if isinstance(raw_table, str) else None
    fmt = model.format if model else None
    if fmt is not None and fmt not in FORMATS:
        problems.append(unknown("format", fmt, FORMATS.names()))
    prefix = data.get("id_prefix")
    id_prefix = prefix if isinstance(prefix, str) else ""
    columns = _check_columns(data.get("columns"), table, id_prefix, problems)
    if model is None or table is None or columns is None:
        return None
    ids = model.id
    return Mapping(
        table=table.name,
        columns=columns,
        source=model.source,
        format=fmt,
        csv=_csv_options(model.csv),
        id=(ids,) if isinstance(ids, str) else tuple(ids) if ids else None,
        id_prefix=id_prefix,
        timezone=model.timezone or "UTC",
        local_times=model.local_times or "refuse",
        keep_unmapped=True if model.keep_unmapped is None else model.keep_unmapped,
        path=origin,
    )


def _csv_options(model: CsvModel | None) -> CsvOptions:
    from revline.ingest.mapping import CsvOptions

    if model is None:
        return CsvOptions()
    given = model.model_dump(exclude_none=True)
    if "null_values" in given:
        given["null_values"] = tuple(given["null_values"])
    return CsvOptions(**given)


def _check_table(value: str, problems: list[str]) -> Table | None:
    if value not in TABLES:
        problems.append("table: " + unknown("table", value, TABLES))
        return None
    return TABLES[value]


def _check_columns(
    value: object, table: Table | None, id_prefix: str, problems: list[str]
) -> dict[str, ColumnSpec] | None:
    if not isinstance(value, dict) or not value:
        return None  # reported by the model
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
