"""Ingest: read a source file, map it to a canonical table, validate, quarantine, load atomically.

>>> from revline.ingest import import_file, load_mapping  # doctest: +SKIP
>>> result = import_file(wh, "subscriptions", "subs.csv", mapping="subs.yaml")  # doctest: +SKIP

The mapping format is documented in docs/mappings.md.
"""

from __future__ import annotations

from revline.ingest.load import import_file
from revline.ingest.mapping import ColumnSpec, CsvOptions, Mapping, load_mapping, parse_mapping
from revline.ingest.result import ImportResult, Problem

__all__ = [
    "ColumnSpec",
    "CsvOptions",
    "ImportResult",
    "Mapping",
    "Problem",
    "import_file",
    "load_mapping",
    "parse_mapping",
]
