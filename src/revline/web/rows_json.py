"""Cells as JSON: exact money as strings, dates as ISO text, missing as null."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from typing import Any

import pandas as pd


def jsonable(value: Any) -> Any:
    """A cell as JSON: exact money as a string, dates as ISO text, missing as null."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bool | str | int | float):
        return value
    if isinstance(value, dt.date | dt.datetime | pd.Timestamp):
        return value.isoformat()
    if hasattr(value, "item"):  # numpy scalars
        return jsonable(value.item())
    return None if pd.isna(value) else str(value)
