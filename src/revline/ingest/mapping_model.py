"""The shape of a mapping file as pydantic models, and their errors as revline's problems.

pydantic checks the keys (unknown keys refused), the type of every value and the rules of one
value (one-character delimiter, an IANA time zone, a known encoding, ``unmapped`` choices,
exactly one of ``column`` and ``value``). What needs the canonical schema (does the table or
column exist, does a format, scale or constant fit the column) is checked after, in
:mod:`revline.ingest.mapping_checks` and :mod:`revline.ingest.spec_checks`. Every error becomes
one line naming the key, the value received and what was expected, with a did-you-mean for an
unknown key, so a mapping author fixes the whole file in one pass.

All YAML scalars arrive as text (``yaml.BaseLoader``): booleans are spelt ``true``, ``yes``, ...
"""

from __future__ import annotations

import codecs
import zoneinfo
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    ValidationError,
    field_validator,
    model_validator,
)

from revline.errors import unknown

TOP_KEYS = (
    "table",
    "source",
    "format",
    "csv",
    "id",
    "id_prefix",
    "timezone",
    "local_times",
    "keep_unmapped",
    "columns",
)
CSV_KEYS = ("delimiter", "quote", "encoding", "header", "null_values")
SPEC_KEYS = ("column", "value", "format", "values", "unmapped", "prefix", "scale", "round")
UNMAPPED_CHOICES = ("keep", "null", "error")
#: ``local_times``: a local time the ``timezone`` skips or repeats is quarantined (``refuse``)
#: or moved to a real instant (``shift``: forward by the gap; the first of two occurrences).
LOCAL_TIME_CHOICES = ("refuse", "shift")
#: ``id: "@row"``: the 1-based data row number is the source id, for files with no id.
ROW_ID = "@row"
TRUE_WORDS = frozenset({"true", "yes", "on", "1", "t", "y"})
FALSE_WORDS = frozenset({"false", "no", "off", "0", "f", "n"})


def parse_bool(text: str) -> bool | None:
    """``True``/``False`` for the spellings revline accepts as booleans, else ``None``."""
    low = text.strip().lower()
    if low in TRUE_WORDS:
        return True
    if low in FALSE_WORDS:
        return False
    return None


def _yaml_bool(value: object) -> object:
    parsed = parse_bool(value) if isinstance(value, str) else None
    if parsed is None:
        raise ValueError(f"expected true or false, got {value!r}.")
    return parsed


YamlBool = Annotated[bool, BeforeValidator(_yaml_bool)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CsvModel(_Strict):
    """The ``csv:`` options (docs/mappings.md)."""

    delimiter: str | None = None
    quote: str | None = None
    encoding: str | None = None
    header: YamlBool | None = None
    null_values: list[str] | None = None

    @field_validator("delimiter", "quote")
    @classmethod
    def _one_character(cls, value: str | None) -> str | None:
        if value is None:
            return None
        char = {"\\t": "\t", "tab": "\t"}.get(value, value)
        if len(char) != 1:
            raise ValueError(f"expected one character, got {char!r}.")
        return char

    @field_validator("encoding")
    @classmethod
    def _known_encoding(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                codecs.lookup(value)
            except LookupError:
                raise ValueError(f"unknown encoding {value!r} (e.g. utf-8, latin-1).") from None
        return value


class SpecModel(_Strict):
    """One column's spec: where its value comes from and how it is transformed."""

    column: str | None = None
    value: str | None = None
    format: str | None = None
    values: dict[str, str] | None = None
    unmapped: str = "keep"
    prefix: str | None = None
    scale: str | None = None
    round: str | None = None

    @field_validator("unmapped")
    @classmethod
    def _choice(cls, value: str) -> str:
        if value not in UNMAPPED_CHOICES:
            raise ValueError(unknown("choice", value, UNMAPPED_CHOICES))
        return value

    @model_validator(mode="before")
    @classmethod
    def _one_source(cls, data: Any) -> Any:
        if isinstance(data, dict) and ("column" in data) == ("value" in data):
            raise ValueError("give exactly one of `column` (source column) or `value`.")
        return data


class MappingModel(_Strict):
    """The top level of a mapping file. ``columns`` is checked spec by spec (:class:`SpecModel`)
    so that every column's problems are reported, whatever the others hold."""

    table: str
    source: str | None = None
    format: str | None = None
    csv: CsvModel | None = None
    id: str | list[str] | None = None
    id_prefix: str | None = None
    timezone: str | None = None
    local_times: str | None = None
    keep_unmapped: YamlBool | None = None
    columns: dict[str, Any]

    @field_validator("local_times")
    @classmethod
    def _local_choice(cls, value: str | None) -> str | None:
        if value is not None and value not in LOCAL_TIME_CHOICES:
            raise ValueError(unknown("choice", value, LOCAL_TIME_CHOICES))
        return value

    @field_validator("timezone")
    @classmethod
    def _iana(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                zoneinfo.ZoneInfo(value)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                raise ValueError(
                    f"unknown time zone {value!r} (use an IANA name such as UTC)."
                ) from None
        return value

    @field_validator("id", mode="before")
    @classmethod
    def _ids(cls, value: Any) -> Any:
        ok_list = isinstance(value, list) and value and all(isinstance(v, str) and v for v in value)
        if not (value is None or (isinstance(value, str) and value) or ok_list):
            raise ValueError(
                f"expected a source column name, a list of them, or {ROW_ID}, got {value!r}."
            )
        if isinstance(value, list) and ROW_ID in value:
            raise ValueError(f"{ROW_ID} stands alone; it cannot be part of a list.")
        return value

    @field_validator("columns", mode="before")
    @classmethod
    def _some_columns(cls, value: Any) -> Any:
        if not isinstance(value, dict) or not value:
            raise ValueError("missing or empty; map canonical columns to source columns.")
        return value


#: What each model's keys are called in an unknown-key message.
_KEY_KINDS = {MappingModel: ("mapping key", TOP_KEYS), CsvModel: ("csv option", CSV_KEYS)}
_KEY_KINDS[SpecModel] = ("spec key", SPEC_KEYS)
#: The fix for a missing required key.
_MISSING = {"table": "missing; name the canonical table this file loads into."}
_MISSING["columns"] = "missing or empty; map canonical columns to source columns."
_SHAPES = {"csv": f"a mapping of {', '.join(CSV_KEYS)}", "values": "source value: canonical value"}


def problems_of(error: ValidationError, model: type[BaseModel], where: str = "") -> list[str]:
    """One line per pydantic error: ``key: what is wrong, the value and what was expected``."""
    out: list[str] = []
    for e in error.errors(include_url=False):
        path = [str(part) for part in e["loc"]]
        key = ".".join([where, *path] if where else path)
        kind = e["type"]
        if kind == "extra_forbidden":
            owner = model if len(path) == 1 else CsvModel
            label, keys = _KEY_KINDS[owner]
            parent = ".".join([where, *path[:-1]] if where else path[:-1])
            message = unknown(label, path[-1], keys)
            out.append(f"{parent}: {message}" if parent else message)
        elif kind == "missing":
            out.append(f"{key}: {_MISSING.get(path[-1], 'missing.')}")
        elif kind in ("value_error", "assertion_error"):
            text = str(e["ctx"]["error"]) if "ctx" in e else e["msg"]
            out.append(f"{key}: {text}" if key else text)
        elif kind in ("string_type", "bool_type"):
            out.append(f"{key}: expected a single value, got {e['input']!r}.")
        elif kind in ("dict_type", "model_type", "model_attributes_type"):
            shape = _SHAPES.get(path[-1] if path else "", "a mapping")
            out.append(f"{key}: expected {shape} pairs, got {e['input']!r}.")
        elif kind == "list_type":
            out.append(f"{key}: expected a list of strings, got {e['input']!r}.")
        else:
            out.append(f"{key}: {e['msg']}, got {e['input']!r}.")
    return _dedupe(out)


def _dedupe(lines: list[str]) -> list[str]:
    return list(dict.fromkeys(lines))
