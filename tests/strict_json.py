"""The strict JSON check shared by the CLI and web output tests (tests/test_json_outputs.py,
tests/web/test_web_json.py).

A document passes when it parsed without ``NaN``/``Infinity``, no string in it is a Python
repr (``np.float64(...)``, ``Decimal(...)``, ``nan``), and every money field is a string that
parses as a ``Decimal`` with at most :data:`revline.serialize.MAX_MONEY_PLACES` places (a
figure revline computes at most :data:`revline.serialize.MONEY_PLACES`). Money fields are
found from the document itself, independently of the serializer: objects carrying
``"unit": "currency"`` (a figure, a scorecard line), table columns and charts declared in a
money unit, and the field names a test passes in ``money``.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from revline.serialize import MAX_MONEY_PLACES, MONEY_PLACES

#: Scorecard-line fields that carry the line's unit.
UNIT_FIELDS = ("value", "prior", "change", "target")
#: Fields holding figures computed by revline (cents); stored amounts may keep four places.
COMPUTED = frozenset({"value", "prior", "change", "at_stake", "base_mrr", "median", "mean"})
REPR = re.compile(r"np\.\w+\(|numpy\.|Decimal\(|^-?(nan|NaN|inf|Infinity|None|NaT|<NA>)$")
FLOAT_NOISE = re.compile(r"\d\.\d*(0{6,}[1-9]|9{6,}\d)\b")


def _refuse(name: str) -> Any:
    raise ValueError(f"non-standard JSON constant {name}")


def strict(text: str) -> Any:
    """``text`` parsed as JSON, refusing NaN, Infinity and -Infinity."""
    return json.loads(text, parse_constant=_refuse)


def money_ok(value: Any, places: int) -> str | None:
    """``None`` when ``value`` is an exact money string with at most ``places`` places."""
    if value is None:
        return None
    if not isinstance(value, str):
        return f"{value!r} is not a string"
    try:
        amount = Decimal(value)
    except InvalidOperation:
        return f"{value!r} is not a decimal"
    exponent = amount.as_tuple().exponent
    if not amount.is_finite() or not isinstance(exponent, int):
        return f"{value!r} is not finite"
    if -exponent > places:
        return f"{value!r} has more than {places} places"
    return None


def _tables(doc: dict[str, Any], money: frozenset[str], where: str) -> list[str]:
    """Money cells of a page table (columns with a unit) or a drill-down page (column names
    and rows as lists), and money values of a chart declared in a money unit."""
    found: list[str] = []
    columns, rows = doc.get("columns"), doc.get("rows")
    if isinstance(columns, list) and isinstance(rows, list):
        if all(isinstance(c, dict) for c in columns):
            keys = [c["key"] for c in columns if c.get("unit") == "currency"]
            for i, row in enumerate(rows):
                for key in keys:
                    bad = money_ok(row[key]["value"], MAX_MONEY_PLACES)
                    found += [f"{where}.rows[{i}].{key}: {bad}"] if bad else []
        elif all(isinstance(c, str) for c in columns):
            for i, row in enumerate(rows):
                for key, value in zip(columns, row, strict=True):
                    bad = money_ok(value, MAX_MONEY_PLACES) if key in money else None
                    found += [f"{where}.rows[{i}].{key}: {bad}"] if bad else []
    options = doc.get("options")
    if isinstance(options, dict) and options.get("unit") == "currency" and isinstance(rows, list):
        for i, row in enumerate(rows):
            bad = money_ok(row.get("value"), MAX_MONEY_PLACES)
            found += [f"{where}.rows[{i}].value: {bad}"] if bad else []
    return found


def problems(doc: Any, money: frozenset[str], where: str = "$") -> list[str]:
    """Every strictness problem in a parsed JSON document."""
    found: list[str] = []
    if isinstance(doc, dict):
        found += _tables(doc, money, where)
        tagged = doc.get("unit") == "currency"
        for key, value in doc.items():
            path = f"{where}.{key}"
            if key in money or (tagged and key in UNIT_FIELDS):
                places = MONEY_PLACES if key in COMPUTED and key != "target" else MAX_MONEY_PLACES
                if not isinstance(value, dict | list):
                    bad = money_ok(value, places)
                    found += [f"{path}: {bad}"] if bad else []
                    continue
            found += problems(value, money, path)
    elif isinstance(doc, list):
        for i, item in enumerate(doc):
            found += problems(item, money, f"{where}[{i}]")
    elif isinstance(doc, str) and REPR.search(doc.strip()):
        found.append(f"{where}: {doc!r} is a Python repr")
    return found
