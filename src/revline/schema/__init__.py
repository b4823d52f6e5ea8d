"""The canonical model: every table revline stores, declared once per domain.

>>> from revline.schema import get_table
>>> get_table("subscriptions").primary_key
'subscription_id'
"""

from __future__ import annotations

from revline.errors import SchemaError, unknown
from revline.schema import billing, finance, leads, marketing, people, sales, success
from revline.schema.core import (
    AnyOfCheck,
    Check,
    Column,
    Kind,
    OrderCheck,
    Table,
)

#: The domains in load order: a domain's foreign keys point to its own or earlier domains,
#: except where noted in the column (e.g. leads → opportunities).
DOMAINS = ("people", "marketing", "sales", "leads", "billing", "success", "finance")

TABLES: dict[str, Table] = {
    t.name: t
    for module in (people, marketing, sales, leads, billing, success, finance)
    for t in module.TABLES
}


def get_table(name: str) -> Table:
    """The canonical table called ``name``; an unknown name suggests the closest."""
    try:
        return TABLES[name]
    except KeyError:
        raise SchemaError(unknown("table", name, TABLES)) from None


__all__ = [
    "DOMAINS",
    "TABLES",
    "AnyOfCheck",
    "Check",
    "Column",
    "Kind",
    "OrderCheck",
    "Table",
    "get_table",
]
