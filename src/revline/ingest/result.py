"""What an import reports back: counts that always add up, and a few example problems."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Problem:
    """One reason a row was quarantined: where it is, what was read and which rule it broke."""

    row_number: int
    column: str | None
    value: str | None
    rule: str
    message: str
    source_id: str | None = None

    @property
    def row(self) -> int:
        """The 1-based data row number (header excluded); same as ``row_number``."""
        return self.row_number

    def __str__(self) -> str:
        where = f"row {self.row_number}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.message} [{self.rule}]"


@dataclass(frozen=True)
class ImportResult:
    """The outcome of one committed import.

    ``rows_read == inserted + updated + unchanged + quarantined`` always holds; ``problems``
    counts problems (a quarantined row may have several), ``examples`` holds the first few.
    """

    load_id: str
    table: str
    file: str
    source: str
    rows_read: int
    inserted: int
    updated: int
    unchanged: int
    quarantined: int
    problems: int
    examples: list[Problem] = field(default_factory=list)

    def __post_init__(self) -> None:
        total = self.inserted + self.updated + self.unchanged + self.quarantined
        if total != self.rows_read:
            raise AssertionError(
                f"import of {self.file}: {self.rows_read} rows read but {total} accounted for"
            )
