"""The one serializer of every JSON and CSV output: the CLI's ``--format json|csv``, the web
API and page twins, and drill-down CSV.

Rules (docs/cli.md "Output formats", docs/web.md "API"):

- **Money** is an exact decimal string: a ``Decimal`` is written with its digits
  (``"967388.76"``); a float declared money (its unit is a money unit, or its column is named
  in ``money=``) is rounded half-even to :data:`MONEY_PLACES` places first, so an estimate
  such as a forecast's P50 reads ``"3779259.64"``, never ``3779259.6377239106``.
- **Other numbers** are JSON numbers: numpy scalars become Python ``int``/``float``/``bool``.
- **Missing** is ``null`` (CSV: an empty cell): ``None``, NaN, NA, NaT and ±infinity.
- **Dates and instants** are ISO 8601 text.
- **CSV cells a spreadsheet would run** are neutralised (CWE-1236, OWASP "CSV Injection"):
  text starting with ``=``, ``+``, ``-``, ``@``, a tab, a carriage return or a NUL gets a
  leading ``'``, so an imported id such as ``=HYPERLINK(...)`` reads as text. Numbers stay
  numbers: a cell that is a plain decimal number (``-12.50``, ``1e-3``) is written as it is.

A value of a type this module does not know is an error (:class:`TypeError`), never its
``repr``: ``"np.float64(0.29)"`` or ``"Decimal('1')"`` in an answer is a bug a client cannot
parse. Arithmetic on money happens before serialisation, in ``Decimal``.
"""

from __future__ import annotations

import csv
import datetime as dt
import enum
import io
import json
import math
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import PurePath
from typing import Any

import numpy as np
import pandas as pd

#: Units whose values are money (metric units: ``revline.metrics`` declarations).
MONEY_UNITS = frozenset({"currency"})
#: Places of a computed money figure (cents). Stored amounts keep their own scale (at most
#: the schema's four, ``DECIMAL(22, 4)``); a float declared money is rounded to these places.
MONEY_PLACES = 2
#: The most places an exact money string may have: the canonical schema's money scale.
MAX_MONEY_PLACES = 4

_QUANTUM = Decimal(1).scaleb(-MONEY_PLACES)


def is_missing(value: Any) -> bool:
    """True for ``None``, NaN, NA, NaT and ±infinity (all written as ``null``)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, Decimal):
        return not value.is_finite()
    if isinstance(value, float | np.floating):
        return not math.isfinite(float(value))
    if isinstance(value, np.datetime64 | np.timedelta64):
        return bool(np.isnat(value))
    return False


def money(value: Any) -> str | None:
    """``value`` as an exact money string (``None`` when missing).

    A ``Decimal`` keeps its digits; an int is whole units; a float (an estimate, or an amount a
    computation left in floating point) is rounded half-even to :data:`MONEY_PLACES` places.
    """
    if is_missing(value):
        return None
    if isinstance(value, Decimal):
        return _fixed(value)
    if isinstance(value, bool | np.bool_):
        raise TypeError(f"a boolean is not money: {value!r}")
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, float | np.floating):
        return _fixed(Decimal(repr(float(value))).quantize(_QUANTUM, ROUND_HALF_EVEN))
    if isinstance(value, str):
        return _fixed(Decimal(value))
    raise TypeError(f"cannot write {type(value).__name__} as money: {value!r}")


def _fixed(value: Decimal) -> str:
    """Plain (never scientific) decimal text; ``-0`` reads ``0``."""
    text = format(value, "f")
    return text[1:] if text.startswith("-") and not value else text


def plain(value: Any, unit: str | None = None) -> Any:
    """A JSON-ready value: see the module docstring. ``unit`` in :data:`MONEY_UNITS` makes a
    number money (an exact string); mappings and sequences are converted item by item."""
    if unit in MONEY_UNITS and not isinstance(value, Mapping | list | tuple):
        return money(value)
    if is_missing(value):
        return None
    if isinstance(value, str):
        return value.value if isinstance(value, enum.Enum) else value
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, Decimal):
        return _fixed(value)
    if isinstance(value, float | np.floating):
        return float(value)
    if isinstance(value, pd.Timestamp | dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, np.datetime64):
        return pd.Timestamp(value).isoformat()
    if isinstance(value, enum.Enum):
        return plain(value.value)
    if isinstance(value, PurePath):
        return str(value)
    if isinstance(value, pd.DataFrame):
        return records(value)
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset | np.ndarray | pd.Series):
        return [plain(v) for v in value]
    raise TypeError(f"cannot serialise {type(value).__name__}: {value!r}")


def rows_of(data: pd.DataFrame | Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Rows as dicts with text keys, values untouched (column order kept)."""
    raw = data.to_dict("records") if isinstance(data, pd.DataFrame) else list(data)
    return [{str(k): v for k, v in row.items()} for row in raw]


def records(
    data: pd.DataFrame | Iterable[Mapping[str, Any]], money: Collection[str] = ()
) -> list[dict[str, Any]]:
    """Rows as JSON-ready dicts, column order kept; columns in ``money`` are money."""
    return [
        {k: plain(v, "currency" if k in money else None) for k, v in row.items()}
        for row in rows_of(data)
    ]


def dumps(data: Any, *, indent: int | None = 2) -> str:
    """``data`` (a document, rows or a frame) as JSON text; NaN can never be written."""
    separators = None if indent is not None else (",", ":")
    return json.dumps(
        plain(data), indent=indent, ensure_ascii=False, allow_nan=False, separators=separators
    )


def to_csv(
    data: pd.DataFrame | Iterable[Mapping[str, Any]],
    columns: Sequence[str] | None = None,
    money: Collection[str] = (),
) -> str:
    """Rows as CSV text with a header (also when there are no rows), values as in JSON: money
    exact, missing empty, dates ISO; a nested list or mapping is written as its JSON text."""
    rows = records(data, money)
    if columns is not None:
        names = list(columns)
    elif isinstance(data, pd.DataFrame):
        names = [str(c) for c in data.columns]
    else:
        names = list(dict.fromkeys(k for row in rows for k in row))
    out = io.StringIO()
    # The row terminator "\r\n" makes the writer quote any cell holding "\r" or "\n" (with
    # "\n" alone, a cell holding a lone "\r" went out unquoted and split the row for a reader);
    # each row then ends in "\n" as before.
    writer = csv.writer(out, lineterminator="\r\n")
    for cells in (names, *([_csv_cell(row.get(name)) for name in names] for row in rows)):
        writer.writerow(cells)
        out.seek(out.tell() - 2)
        out.write("\n")
        out.truncate()
    return out.getvalue()


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | dict):
        return neutralise(json.dumps(value, ensure_ascii=False, allow_nan=False))
    if isinstance(value, int | float):
        return str(value)
    return neutralise(str(value))


#: First characters that make a spreadsheet read a cell as a formula (or a DDE command).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\0")
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


def neutralise(text: str) -> str:
    """``text`` safe for a spreadsheet: a leading ``'`` when it would start a formula,
    unless the whole cell is a plain number (see the module docstring)."""
    if text.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text
