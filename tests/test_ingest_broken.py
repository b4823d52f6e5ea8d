"""The corpus of broken files in tests/data/broken: each gives its exact error or quarantine row.

Unreadable files must raise one SourceFileError naming the file, the problem and the fix, and
leave every table of the warehouse byte-for-byte as it was. Row-level problems load the good
rows, quarantine the bad ones with rule, column, value and row, and the counts add up.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from revline.errors import SourceFileError
from revline.ingest import ImportResult, import_file
from revline.warehouse import Warehouse

BROKEN = Path(__file__).parent / "data" / "broken"
GOOD = Path(__file__).parent / "data" / "ingest" / "subscriptions.csv"


@pytest.fixture
def loaded(wh: Warehouse) -> Warehouse:
    """A warehouse that already holds a load, so 'unchanged' means more than 'still empty'."""
    import_file(wh, "subscriptions", GOOD, source="billing")
    return wh


@pytest.mark.parametrize(
    ("name", "fragments"),
    [
        ("truncated_quote.csv", ["broken quoting near line 3", "never closed", "truncated"]),
        (
            "truncated_last_line.csv",
            ["line 3 (data row 2) has 5 fields but the header has 7", "truncated"],
        ),
        ("latin1.csv", ["not valid utf-8", "byte offset 79 (line 2)", "encoding: cp1252"]),
        ("semicolon.csv", ["semicolon-delimited", 'csv: {delimiter: ";"}']),
        ("empty.csv", ["empty (0 bytes)"]),
        (
            "missing_required.csv",
            [
                "missing required column 'account_id' (did you mean 'account'?)",
                "Columns found: subscription_id, account, quantity, currency, start_at",
            ],
        ),
        ("corrupt.parquet", ["not a readable Parquet file", "corrupt"]),
        ("does_not_exist.csv", ["file not found"]),
    ],
)
def test_unreadable_file_is_one_error_and_changes_nothing(
    loaded: Warehouse, name: str, fragments: list[str]
) -> None:
    before = loaded.fingerprints()
    with pytest.raises(SourceFileError) as caught:
        import_file(loaded, "subscriptions", BROKEN / name)
    message = str(caught.value)
    assert name in message
    for fragment in fragments:
        assert fragment in message
    assert caught.value.hint  # every file error says how to fix it
    assert loaded.fingerprints() == before


def quarantine(wh: Warehouse) -> list[tuple[object, ...]]:
    return wh.con.execute(
        "SELECT row_number, source_id, column_name, value, rule FROM quarantine "
        "ORDER BY row_number, rule, column_name"
    ).fetchall()


def adds_up(result: ImportResult) -> None:
    total = result.inserted + result.updated + result.unchanged + result.quarantined
    assert result.rows_read == total


@pytest.mark.parametrize(
    ("name", "table", "mapping", "expected", "loaded_rows"),
    [
        (
            "wrong_types.csv",
            "subscriptions",
            None,
            [
                (2, "s2", "quantity", "two", "type"),
                (3, "s3", "unit_amount", "ten", "type"),
                (4, "s4", "start_at", "yesterday", "type"),
            ],
            1,
        ),
        (
            "duplicate_keys.csv",
            "subscriptions",
            None,
            [(3, "s1", "subscription_id", "s1", "duplicate_key")],
            2,
        ),
        (
            "end_before_start.csv",
            "subscriptions",
            None,
            [(2, "s2", "end_at", "2024-05-01", "order")],
            1,
        ),
        (
            "negative_amount.csv",
            "subscriptions",
            None,
            [(2, "s2", "unit_amount", "-10.00", "minimum")],
            1,
        ),
        (
            "unknown_currency.csv",
            "subscriptions",
            None,
            [(3, "s3", "currency", "DOLLARS", "currency")],
            2,
        ),
        ("bad_enum.csv", "accounts", None, [(3, "ac3", "segment", "enterprize", "enum")], 2),
        (
            "bad_date_format.csv",
            "subscriptions",
            "bad_date_format.yaml",
            [(2, "s2", "start_at", "2024-01-31", "type")],
            1,
        ),
    ],
)
def test_bad_rows_are_quarantined_and_counts_add_up(
    wh: Warehouse,
    name: str,
    table: str,
    mapping: str | None,
    expected: list[tuple[object, ...]],
    loaded_rows: int,
) -> None:
    result = import_file(wh, table, BROKEN / name, mapping=BROKEN / mapping if mapping else None)
    adds_up(result)
    assert quarantine(wh) == expected
    assert result.quarantined == len({row[0] for row in expected})
    assert result.problems == len(expected)
    assert result.inserted == loaded_rows
    assert wh.count(table) == loaded_rows
    assert wh.count("loads") == 1


def test_quarantine_row_keeps_the_whole_raw_row_and_a_message(wh: Warehouse) -> None:
    import_file(wh, "subscriptions", BROKEN / "duplicate_keys.csv")
    found = wh.con.execute("SELECT raw, message, file FROM quarantine").fetchall()
    assert len(found) == 1
    raw, message, file = found[0]
    assert json.loads(raw) == {
        "subscription_id": "s1",
        "account_id": "a3",
        "quantity": "5",
        "unit_amount": "50.00",
        "currency": "USD",
        "start_at": "2024-03-01",
        "end_at": None,
    }
    assert "first seen at row 1" in message
    assert file == str((BROKEN / "duplicate_keys.csv").resolve())
    kept = wh.con.execute("SELECT account_id FROM subscriptions WHERE source_id = 's1'").fetchall()
    assert kept == [("a1",)]  # the FIRST occurrence wins


def test_enum_problem_suggests_the_closest_value(wh: Warehouse) -> None:
    result = import_file(wh, "accounts", BROKEN / "bad_enum.csv")
    assert "Did you mean 'enterprise'?" in result.examples[0].message


def test_id_owned_by_another_source_is_a_conflict(loaded: Warehouse) -> None:
    result = import_file(loaded, "subscriptions", BROKEN / "negative_amount.csv", source="other")
    adds_up(result)
    rules = {(r[0], r[4]) for r in quarantine(loaded)}
    assert rules == {(1, "id_conflict"), (2, "id_conflict"), (2, "minimum")}
    assert result.inserted == 0
    owner = loaded.con.execute("SELECT source FROM subscriptions WHERE subscription_id = 's1'")
    assert owner.fetchall() == [("billing",)]
