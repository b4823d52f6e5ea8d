"""Opt-in rounding of numbers, ids for files without one, and composite ids with empty parts."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from revline.errors import ConfigError
from revline.ingest import import_file, load_mapping
from revline.warehouse import Warehouse

SPEND = (
    "day,ch,country,amount\n"
    "2025-01-01,1,NA,32.75999993272126\n"  # a float printed in full
    "2025-01-01,1,NA,2.345\n"  # an exact repeat of the key, a different row
    "2025-01-02,,DE,-0.005\n"  # negative: refused even though it rounds to -0.01
    "2025-01-02,,DE,1.5\n"
)


def mapping(tmp_path: Path, id_line: str, amount: str = "{column: amount, round: 2}") -> Path:
    path = tmp_path / "spend.yaml"
    path.write_text(
        "table: marketing_spend\nsource: t\n"
        'csv: {null_values: [""]}\n'
        f"id: {id_line}\n"
        "columns:\n"
        "  spend_date: day\n"
        "  channel: {value: other}\n"
        '  campaign_id: {column: ch, prefix: "c-"}\n'
        "  country: country\n"
        f"  amount: {amount}\n"
        "  currency: {value: EUR}\n"
    )
    return path


@pytest.fixture
def spend(tmp_path: Path) -> Path:
    path = tmp_path / "spend.csv"
    path.write_text(SPEND)
    return path


def amounts(wh: Warehouse) -> list[tuple[str, Decimal]]:
    return wh.con.execute("SELECT source_id, amount FROM marketing_spend ORDER BY 1").fetchall()


def test_round_is_opt_in_and_half_away_from_zero(
    wh: Warehouse, spend: Path, tmp_path: Path
) -> None:
    result = import_file(wh, "marketing_spend", spend, mapping(tmp_path, '"@row"'))
    assert (result.rows_read, result.inserted, result.quarantined) == (4, 3, 1)
    # 32.75999993272126 -> 32.76; 2.345 -> 2.35 (half away from zero, not to even)
    assert amounts(wh) == [("1", Decimal("32.76")), ("2", Decimal("2.35")), ("4", Decimal("1.5"))]
    assert [p.rule for p in result.examples] == ["minimum"]


def test_without_round_money_is_never_rounded_silently(tmp_path: Path, spend: Path) -> None:
    with Warehouse.create(tmp_path / "w.duckdb") as wh:
        result = import_file(wh, "marketing_spend", spend, mapping(tmp_path, '"@row"', "amount"))
        assert result.quarantined == 2  # 32.75999993272126 (type) and -0.005
        assert {p.rule for p in result.examples} == {"type", "minimum"}


def test_row_number_ids_make_reimport_idempotent(
    wh: Warehouse, spend: Path, tmp_path: Path
) -> None:
    first = import_file(wh, "marketing_spend", spend, mapping(tmp_path, '"@row"'))
    again = import_file(wh, "marketing_spend", spend, mapping(tmp_path, '"@row"'))
    assert (again.inserted, again.unchanged, again.quarantined) == (0, first.inserted, 1)
    assert wh.count("marketing_spend") == 3


def test_composite_ids_keep_empty_parts_by_position(
    wh: Warehouse, spend: Path, tmp_path: Path
) -> None:
    result = import_file(wh, "marketing_spend", spend, mapping(tmp_path, "[day, ch, country]"))
    ids = [sid for sid, _ in amounts(wh)]
    assert ids == ["2025-01-01:1:NA"]  # row 2 repeats row 1's key; row 4 repeats row 3's
    rules = sorted(p.rule for p in result.examples)
    assert rules == ["duplicate_key", "duplicate_key", "minimum"]
    assert any("'2025-01-02::DE'" in p.message for p in result.examples)


@pytest.mark.parametrize(
    ("id_line", "amount", "expected"),
    [
        ('"@row"', "{column: amount, round: 7}", "round: expected a whole number of decimals"),
        ('"@row"', "{column: amount, round: two}", "round: expected a whole number of decimals"),
        ("[day, '@row']", "amount", "@row stands alone"),
    ],
)
def test_bad_round_and_row_id_are_refused(
    tmp_path: Path, id_line: str, amount: str, expected: str
) -> None:
    with pytest.raises(ConfigError, match=expected):
        load_mapping(mapping(tmp_path, id_line, amount))
