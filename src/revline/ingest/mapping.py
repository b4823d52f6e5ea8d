"""Mapping files: how the columns of one source file become the columns of a canonical table.

A mapping is YAML (docs/mappings.md). :func:`load_mapping` validates the whole file (its shape
with pydantic, :mod:`revline.ingest.mapping_model`; its fit to the schema in
:mod:`revline.ingest.mapping_checks`) and reports every problem at once, so a mapping author
fixes them in one pass. All YAML scalars are read as text (``yaml.BaseLoader``) so that
``scale: 0.01`` stays an exact decimal and a value map keeps the source's spelling of ``Yes`` or
``0``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import yaml

from revline.errors import ConfigError
from revline.ingest.mapping_checks import check_mapping

NULL_WORDS = frozenset({"", "~", "null", "Null", "NULL"})


@dataclass(frozen=True)
class CsvOptions:
    """How a CSV file is written: delimiter, quote, encoding, header, spellings of empty."""

    delimiter: str = ","
    quote: str = '"'
    encoding: str = "utf-8"
    header: bool = True
    null_values: tuple[str, ...] = ("", "NULL")


@dataclass(frozen=True)
class ColumnSpec:
    """Where one canonical column's value comes from, and how it is transformed.

    Exactly one of ``column`` (a source column) and ``constant`` is set. ``values`` maps source
    spellings to canonical ones (a ``None`` target means empty); ``unmapped`` says what happens
    to a value the map does not list: ``keep`` it, make it ``null``, or quarantine the row
    (``error``). ``prefix`` is prepended to non-empty values, ``scale`` multiplies numbers
    exactly, ``round`` rounds them (half away from zero) to that many decimals, after ``scale``
    (without it, a value with more decimals than the column holds is refused), ``format`` is a
    strptime format for dates and timestamps.
    """

    column: str | None = None
    constant: str | None = None
    format: str | None = None
    values: dict[str, str | None] | None = None
    unmapped: str = "keep"
    prefix: str | None = None
    scale: Decimal | None = None
    round: int | None = None


@dataclass(frozen=True)
class Mapping:
    """A validated mapping: target table, source name, reading options and column specs."""

    table: str
    columns: dict[str, ColumnSpec]
    source: str | None = None
    format: str | None = None
    csv: CsvOptions = field(default_factory=CsvOptions)
    id: tuple[str, ...] | None = None
    id_prefix: str = ""
    timezone: str = "UTC"
    local_times: str = "refuse"
    keep_unmapped: bool = True
    path: str | None = None

    @property
    def origin(self) -> str:
        return self.path or "mapping"


def load_mapping(path: str | Path) -> Mapping:
    """Read and validate a mapping file; every problem is reported in one ConfigError."""
    target = Path(path)
    try:
        text = target.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(
            f"Mapping file {target} does not exist.",
            hint="Check the path given to --mapping.",
        ) from None
    except (OSError, UnicodeDecodeError) as err:
        raise ConfigError(
            f"Cannot read mapping file {target}: {err}", hint="Save it as UTF-8 text."
        ) from None
    try:
        data = yaml.load(text, Loader=yaml.BaseLoader)
    except yaml.YAMLError as err:
        raise ConfigError(
            f"Mapping file {target} is not valid YAML: {err}",
            hint="Fix the YAML syntax at the line shown (indentation, quotes, colons).",
        ) from None
    return parse_mapping(data, str(target))


def parse_mapping(data: object, origin: str) -> Mapping:
    """Build a :class:`Mapping` from parsed YAML (all scalars as text), checking everything."""
    problems: list[str] = []
    if not isinstance(data, dict):
        raise ConfigError(
            f"Mapping file {origin} must be a YAML mapping with keys table, columns, ...",
            hint="See docs/mappings.md for the format and an example.",
        )
    mapping = check_mapping(data, origin, problems)
    if problems or mapping is None:
        listing = "\n".join(f"  - {p}" for p in problems)
        raise ConfigError(
            f"Mapping file {origin} has {len(problems)} problem(s):\n{listing}",
            hint="Fix each problem listed; docs/mappings.md describes every key.",
        )
    return mapping
