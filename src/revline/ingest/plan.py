"""Resolving a mapping against a file's actual columns: what feeds each canonical column.

A column the mapping needs but the file lacks is an unreadable file (SourceFileError naming the
column, the columns found and the closest one). Without a mapping, the file's headers must be
canonical column names, and every other header goes to ``attributes``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from revline.errors import ConfigError, SourceFileError, closest
from revline.ingest.mapping import ColumnSpec, Mapping
from revline.ingest.mapping_model import ROW_ID
from revline.schema import Table
from revline.settings import DATE_WINDOW, DateWindow


@dataclass(frozen=True)
class Plan:
    """Everything the loader needs to turn the staged file into canonical rows."""

    table: Table
    mapping: Mapping
    source: str
    columns: dict[str, ColumnSpec]
    id_columns: tuple[str, ...]
    pk_explicit: bool
    extra: tuple[str, ...]
    window: DateWindow = field(default=DATE_WINDOW)

    @property
    def id_label(self) -> str:
        return ":".join(self.id_columns)


def default_mapping(table: Table) -> Mapping:
    """The mapping used when none is given: canonical header names, id = primary key."""
    specs = {
        c.name: ColumnSpec(column=c.name)
        for c in table.own_columns
        if c.name != table.primary_key  # the key comes from the id, as source_id does
    }
    return Mapping(table=table.name, columns=specs, id=(table.primary_key,))


def resolve(
    table: Table,
    mapping: Mapping | None,
    headers: list[str],
    path: Path,
    source: str | None,
) -> Plan:
    """Match ``mapping`` (or the default) to ``headers``; raise for anything missing."""
    given = mapping is not None
    if mapping is None:
        mapping = default_mapping(table)
    elif mapping.table != table.name:
        raise ConfigError(
            f"Mapping {mapping.origin} is for table {mapping.table!r}, not {table.name!r}.",
            hint=f"Import into {mapping.table}, or use the mapping written for {table.name}.",
        )
    present = set(headers)
    if given:
        columns = dict(mapping.columns)
    else:
        columns = {n: s for n, s in mapping.columns.items() if s.column in present}
    pk = table.primary_key
    pk_spec = columns.get(pk)
    if mapping.id is not None:
        ids = mapping.id
    elif pk_spec is not None and pk_spec.column is not None:
        ids = (pk_spec.column,)
    else:
        ids = (pk,)
    missing = sorted({s.column for s in columns.values() if s.column} | set(ids) - {ROW_ID})
    missing = [m for m in missing if m not in present]
    if not given:
        missing += [
            c.name
            for c in table.own_columns
            if c.required and c.name != pk and c.name not in columns and c.name not in missing
        ]
    if missing:
        raise _missing_columns(path, missing, headers, mapping if given else None)
    used = {s.column for s in columns.values() if s.column} | set(ids)
    extra = tuple(h for h in headers if h not in used) if mapping.keep_unmapped else ()
    return Plan(
        table=table,
        mapping=mapping,
        source=source or mapping.source or _mapping_name(mapping if given else None) or path.stem,
        columns=columns,
        id_columns=ids,
        pk_explicit=pk_spec is not None,
        extra=extra,
    )


def _mapping_name(mapping: Mapping | None) -> str | None:
    """A mapping file's name without extension: the default source of the files it maps, so a
    renamed export of the same system updates its rows instead of conflicting with them."""
    if mapping is None or not mapping.path:
        return None
    return Path(mapping.path).stem


def _missing_columns(
    path: Path, missing: list[str], headers: list[str], mapping: Mapping | None
) -> SourceFileError:
    parts = []
    for name in missing:
        near = closest(name, headers)
        parts.append(f"{name!r}" + (f" (did you mean {near!r}?)" if near else ""))
    found = ", ".join(headers)
    plural = "s" if len(missing) > 1 else ""
    if mapping is None:
        hint = (
            "Rename the file's headers to the canonical column names, or write a mapping "
            "(docs/mappings.md) and pass it with --mapping."
        )
    else:
        hint = f"Fix the column names in {mapping.origin}, or check that this is the right file."
    return SourceFileError(
        str(path),
        f"missing required column{plural} {', '.join(parts)}. Columns found: {found}.",
        hint=hint,
    )
