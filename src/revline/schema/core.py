"""The vocabulary the canonical schema is declared in: columns, tables and their checks.

Every canonical table is declared once, in the module of its domain, with :func:`table`. The
declaration is the single place a column is named; DDL, import validation, ``revline check``
and the docs are all generated from it.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from decimal import Decimal

import ibis.expr.datatypes as dt


class Kind(enum.StrEnum):
    """The logical type of a column. Money is exact; times are UTC."""

    STRING = "string"
    INT = "int"
    DECIMAL = "decimal"  # exact, non-money quantities (usage quantity, rates, scores)
    FLOAT = "float"  # approximate: probabilities and model outputs, never money
    MONEY = "money"  # exact amount in the currency named by the table's currency column
    BOOL = "bool"
    DATE = "date"  # a calendar day, no time of day
    TIMESTAMP = "timestamp"  # an instant, always UTC
    JSON = "json"


#: Money and decimals: 18 digits before the point, 4 after. Exact, never a float.
MONEY_PRECISION = 22
MONEY_SCALE = 4

_IBIS_TYPES: dict[Kind, dt.DataType] = {
    Kind.STRING: dt.string,
    Kind.INT: dt.int64,
    Kind.DECIMAL: dt.Decimal(MONEY_PRECISION, MONEY_SCALE),
    Kind.MONEY: dt.Decimal(MONEY_PRECISION, MONEY_SCALE),
    Kind.FLOAT: dt.float64,
    Kind.BOOL: dt.boolean,
    Kind.DATE: dt.date,
    Kind.TIMESTAMP: dt.Timestamp(timezone="UTC", scale=6),
    Kind.JSON: dt.JSON(),
}


@dataclass(frozen=True)
class Column:
    """One column of a canonical table.

    ``enum`` restricts values to a closed set; ``minimum`` bounds numbers from below (amounts
    that cannot be negative); ``references`` names a foreign key as ``"table.column"``;
    ``currency`` marks an ISO 4217 currency code.
    """

    name: str
    kind: Kind
    description: str
    required: bool = False
    enum: tuple[str, ...] | None = None
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    references: str | None = None
    currency: bool = False

    @property
    def ibis_type(self) -> dt.DataType:
        return _IBIS_TYPES[self.kind].copy(nullable=not self.required)


@dataclass(frozen=True)
class OrderCheck:
    """A row-level rule that ``later`` is not before ``earlier`` when both are present.

    ``severity="error"`` quarantines a breaking row at import; ``"warning"`` loads it and
    ``revline check`` reports it (for data where out-of-order events are real, such as a lead
    stage recorded late).
    """

    earlier: str
    later: str
    severity: str = "error"

    @property
    def name(self) -> str:
        return f"{self.later}_not_before_{self.earlier}"

    @property
    def message(self) -> str:
        return f"{self.later} is before {self.earlier}"


@dataclass(frozen=True)
class AnyOfCheck:
    """A row-level rule that at least one of ``columns`` is present."""

    columns: tuple[str, ...]
    severity: str = "error"

    @property
    def name(self) -> str:
        return "one_of_" + "_".join(self.columns)

    @property
    def message(self) -> str:
        return "needs at least one of " + ", ".join(self.columns)


Check = OrderCheck | AnyOfCheck


#: Columns every canonical table carries, after its own.
SOURCE = Column(
    "source", Kind.STRING, "The system the row came from (e.g. 'salesforce', 'synth').", True
)
SOURCE_ID = Column("source_id", Kind.STRING, "The row's id in its source system.", True)
ATTRIBUTES = Column(
    "attributes", Kind.JSON, "Source columns with no canonical home, kept so nothing is lost."
)
LOADED_AT = Column("loaded_at", Kind.TIMESTAMP, "When revline last wrote the row (UTC).", True)
LINEAGE = (SOURCE, SOURCE_ID, ATTRIBUTES, LOADED_AT)


@dataclass(frozen=True)
class Table:
    """A canonical table: its domain, columns, primary key and checks.

    The primary key is a single id column. ``(source, source_id)`` is unique too: a re-import
    of the same source row updates it instead of adding a second one.
    """

    name: str
    domain: str
    description: str
    primary_key: str
    columns: tuple[Column, ...]
    checks: tuple[Check, ...] = field(default=())

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        from revline.errors import SchemaError, unknown

        raise SchemaError(unknown(f"column of table {self.name!r}", name, self.column_names))

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(col.name for col in self.columns)

    @property
    def has_lineage(self) -> bool:
        """Canonical tables carry source, source_id, attributes and loaded_at; system tables not."""
        return all(col.name in self.column_names for col in LINEAGE)

    @property
    def own_columns(self) -> tuple[Column, ...]:
        """The columns without the lineage columns every table shares."""
        lineage = {col.name for col in LINEAGE}
        return tuple(col for col in self.columns if col.name not in lineage)

    @property
    def foreign_keys(self) -> tuple[tuple[str, str, str], ...]:
        """``(column, referenced table, referenced column)`` for each foreign key."""
        out = []
        for col in self.columns:
            if col.references:
                ref_table, ref_col = col.references.split(".")
                out.append((col.name, ref_table, ref_col))
        return tuple(out)

    def ibis_schema(self) -> dict[str, dt.DataType]:
        return {col.name: col.ibis_type for col in self.columns}


def table(
    name: str,
    domain: str,
    description: str,
    columns: list[Column],
    checks: tuple[Check, ...] = (),
) -> Table:
    """Declare a canonical table. The first column is its primary key; lineage is appended."""
    pk = columns[0]
    if not pk.required or pk.kind is not Kind.STRING:
        raise ValueError(f"{name}: the first column must be a required string id")
    return Table(name, domain, description, pk.name, (*columns, *LINEAGE), checks)


# Short constructors keep the domain modules readable.
def ident(name: str, description: str) -> Column:
    return Column(name, Kind.STRING, description, required=True)


def ref(name: str, target: str, description: str, required: bool = False) -> Column:
    return Column(name, Kind.STRING, description, required=required, references=target)


def text(name: str, description: str, required: bool = False) -> Column:
    return Column(name, Kind.STRING, description, required=required)


def choice(name: str, values: tuple[str, ...], description: str, required: bool = False) -> Column:
    return Column(name, Kind.STRING, description, required=required, enum=values)


def money(name: str, description: str, required: bool = False, signed: bool = False) -> Column:
    return Column(
        name,
        Kind.MONEY,
        description,
        required=required,
        minimum=None if signed else Decimal(0),
    )


def number(
    name: str,
    description: str,
    required: bool = False,
    minimum: Decimal | None = Decimal(0),
    maximum: Decimal | None = None,
) -> Column:
    return Column(name, Kind.DECIMAL, description, required, minimum=minimum, maximum=maximum)


def integer(name: str, description: str, required: bool = False, minimum: int | None = 0) -> Column:
    low = None if minimum is None else Decimal(minimum)
    return Column(name, Kind.INT, description, required, minimum=low)


def flag(name: str, description: str, required: bool = False) -> Column:
    return Column(name, Kind.BOOL, description, required=required)


def day(name: str, description: str, required: bool = False) -> Column:
    return Column(name, Kind.DATE, description, required=required)


def moment(name: str, description: str, required: bool = False) -> Column:
    return Column(name, Kind.TIMESTAMP, description, required=required)


def currency(name: str = "currency", required: bool = True) -> Column:
    return Column(
        name, Kind.STRING, "ISO 4217 currency code of the row's amounts.", required, currency=True
    )
