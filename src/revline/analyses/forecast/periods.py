"""Quarters: the periods the bookings forecast and its backtest work in."""

from __future__ import annotations

from datetime import date


def quarter_start(day: date) -> date:
    """The first day of the quarter that contains ``day``."""
    return date(day.year, (day.month - 1) // 3 * 3 + 1, 1)


def add_quarters(start: date, n: int) -> date:
    """The first day of the quarter ``n`` quarters after the one starting on ``start``."""
    index = start.year * 4 + (start.month - 1) // 3 + n
    return date(index // 4, index % 4 * 3 + 1, 1)


def quarter_label(start: date) -> str:
    """``2025-Q3`` for the quarter starting on ``start``."""
    return f"{start.year}-Q{(start.month - 1) // 3 + 1}"


def quarters(as_of: date, h: int) -> list[date]:
    """The starts of the ``h`` quarters from the one containing ``as_of``."""
    first = quarter_start(as_of)
    return [add_quarters(first, i) for i in range(h)]
