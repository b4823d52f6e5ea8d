"""Source file formats, by name: how a file of each type becomes an Arrow table.

A format is a :class:`SourceFormat` registered in :data:`FORMATS` (the one
:class:`~revline.registry.Registry` helper): its name (a mapping's ``format:``), the file
suffixes that select it when the mapping names none, whether its columns arrive typed (and are
cast to text in DuckDB) and its reader ``read(path, csv_options) -> pyarrow.Table``. The
built-ins, ``csv`` and ``parquet``, register in :mod:`revline.ingest.reader`; adding a format is
one reader and one ``FORMATS.register`` call.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa

from revline.registry import Registry

if TYPE_CHECKING:
    from revline.ingest.mapping import CsvOptions

#: The format of a file whose suffix no format claims.
DEFAULT_FORMAT = "csv"


@dataclass(frozen=True)
class SourceFormat:
    """One file format: ``name``, claimed ``suffixes``, ``typed`` columns and its reader."""

    name: str
    suffixes: tuple[str, ...]
    read: Callable[[Path, CsvOptions], pa.Table]
    typed: bool = False


def _builtins() -> None:
    import revline.ingest.reader  # noqa: F401  (registers csv and parquet)


#: Every source format, by name.
FORMATS: Registry[SourceFormat] = Registry(
    "format", hint="Set `format:` in the mapping to one of those listed.", load=_builtins
)


def detect_format(path: Path, declared: str | None) -> str:
    """The mapping's ``format``, else the format claiming one of the file's suffixes, else csv."""
    if declared:
        return FORMATS.get(declared).name
    suffixes = {s.lower() for s in path.suffixes}
    for fmt in FORMATS:
        if suffixes & set(fmt.suffixes):
            return fmt.name
    return DEFAULT_FORMAT
