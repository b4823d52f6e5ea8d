"""Arrow columns built straight from numpy arrays: ids, money, instants, days, choices.

Money never passes through Python ``Decimal`` objects or floats at write time: amounts are
integer cents, laid into decimal128(22, 4) buffers as scaled integers (exact and fast at
millions of rows).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from revline.schema import get_table
from revline.schema.core import MONEY_PRECISION, MONEY_SCALE, Kind, Table

DECIMAL = pa.decimal128(MONEY_PRECISION, MONEY_SCALE)
TIMESTAMP = pa.timestamp("us", tz="UTC")
_ARROW: dict[Kind, pa.DataType] = {
    Kind.STRING: pa.string(),
    Kind.INT: pa.int64(),
    Kind.DECIMAL: DECIMAL,
    Kind.MONEY: DECIMAL,
    Kind.BOOL: pa.bool_(),
    Kind.DATE: pa.date32(),
    Kind.TIMESTAMP: TIMESTAMP,
    Kind.JSON: pa.string(),
}
ID_WIDTH = 8


def ids(prefix: str, index: np.ndarray, mask: np.ndarray | None = None) -> pa.Array:
    """Ids such as ``acc_00000042`` for each integer index (null where ``mask`` is true)."""
    digits = pc.utf8_lpad(
        pc.cast(pa.array(np.asarray(index, np.int64)), pa.string()), ID_WIDTH, "0"
    )
    out = pc.binary_join_element_wise(prefix, digits, "")
    if mask is not None and mask.any():
        out = pc.if_else(pa.array(mask), pa.nulls(len(out), pa.string()), out)
    return out


def scaled(units: np.ndarray, factor: int, mask: np.ndarray | None = None) -> pa.Array:
    """decimal128(22, 4) from integers worth ``1 / factor`` each (100 for cents, 10_000 for 4dp)."""
    values = np.asarray(units, np.int64) * (10**MONEY_SCALE // factor)
    buf = np.empty((len(values), 2), np.int64)
    buf[:, 0] = values
    buf[:, 1] = values >> 63  # two's complement sign extension into the high word
    validity = None
    if mask is not None and mask.any():
        validity = pa.array(~mask).buffers()[1]
    return pa.Array.from_buffers(DECIMAL, len(values), [validity, pa.py_buffer(buf)])


def money(cents: np.ndarray, mask: np.ndarray | None = None) -> pa.Array:
    return scaled(cents, 100, mask)


def instant(seconds: np.ndarray, mask: np.ndarray | None = None) -> pa.Array:
    """UTC timestamps from epoch seconds."""
    micros = np.asarray(seconds, np.int64) * 1_000_000
    return pa.array(micros, type=TIMESTAMP, mask=_mask(mask))


def day(seconds: np.ndarray, mask: np.ndarray | None = None) -> pa.Array:
    """Calendar days (UTC) of epoch seconds."""
    days = (np.asarray(seconds, np.int64) // 86_400).astype(np.int32)
    return pa.array(days, type=pa.date32(), mask=_mask(mask))


def pick(values: Sequence[str], index: np.ndarray, mask: np.ndarray | None = None) -> pa.Array:
    """The string ``values[i]`` for each index ``i``."""
    out = pa.array(list(values), pa.string()).take(pa.array(np.asarray(index, np.int64)))
    if mask is not None and mask.any():
        out = pc.if_else(pa.array(mask), pa.nulls(len(out), pa.string()), out)
    return out


def const(value: str, n: int) -> pa.Array:
    return pa.array([value], pa.string()).take(pa.array(np.zeros(n, np.int64)))


def _mask(mask: np.ndarray | None) -> np.ndarray | None:
    return None if mask is None or not mask.any() else np.asarray(mask, bool)


def frame(
    name: str, loaded_at: int, columns: dict[str, Any], table: Table | None = None
) -> pa.Table:
    """An Arrow table for ``name`` with every declared column.

    Columns not given are typed nulls; ``source`` is ``synth``, ``source_id`` is the primary key
    and ``loaded_at`` is the fixed as-of instant.
    """
    spec = table or get_table(name)
    pk = columns[spec.primary_key]
    n = len(pk)
    lineage = {
        "source": const("synth", n),
        "source_id": pk,
        "loaded_at": instant(np.full(n, loaded_at, np.int64)),
    }
    arrays: list[pa.Array] = []
    for col in spec.columns:
        value = columns.get(col.name, lineage.get(col.name))
        arrow_type = _ARROW[col.kind]
        if value is None:
            arrays.append(pa.nulls(n, arrow_type))
        elif isinstance(value, np.ndarray):
            arrays.append(pa.array(value, type=arrow_type))
        else:
            arrays.append(value if value.type == arrow_type else value.cast(arrow_type))
    return pa.Table.from_arrays(arrays, names=list(spec.column_names))
