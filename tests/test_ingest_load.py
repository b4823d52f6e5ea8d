"""The good path: mappings, exact types, idempotent re-import, updates, Parquet, atomicity."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from revline.ingest import import_file
from revline.warehouse import Warehouse

DATA = Path(__file__).parent / "data" / "ingest"


def rows(wh: Warehouse, sql: str) -> list[tuple[object, ...]]:
    return wh.con.execute(sql).fetchall()


def test_mapping_renames_maps_prefixes_scales_and_parses_dates(wh: Warehouse) -> None:
    result = import_file(wh, "accounts", DATA / "accounts_crm.csv", DATA / "accounts_crm.yaml")
    assert (result.rows_read, result.inserted, result.quarantined) == (3, 3, 0)
    assert result.source == "crm"
    got = rows(
        wh,
        "SELECT account_id, name, segment, industry, owner_id, annual_revenue, currency, "
        "created_at, country, source, source_id FROM accounts ORDER BY account_id",
    )
    paris_midnight = datetime(2024, 1, 30, 23, 0, tzinfo=UTC)  # 31/01/2024 00:00 in Paris
    assert got[0] == (
        "crm-101", "Acme", "enterprise", "technology", "emp-7", Decimal("1234567.8900"), "USD",
        paris_midnight, "US", "crm", "101",
    )  # fmt: skip
    assert got[1][2:6] == ("smb", "retail", None, Decimal("5.0000"))
    assert got[2][2:6] == ("mid_market", "technology", "emp-9", Decimal("0.9900"))
    attributes = [
        json.loads(str(r[0])) for r in rows(wh, "SELECT attributes FROM accounts ORDER BY 1")
    ]
    assert sorted(a["tags"] or "" for a in attributes) == ["", "a,b", "vip"]


def test_canonical_headers_need_no_mapping(wh: Warehouse) -> None:
    result = import_file(wh, "subscriptions", DATA / "subscriptions.csv")
    assert (result.inserted, result.quarantined, result.source) == (3, 0, "subscriptions")
    got = rows(
        wh,
        "SELECT subscription_id, quantity, unit_amount, currency, start_at, is_trial "
        "FROM subscriptions ORDER BY 1",
    )
    assert got == [
        ("s1", 2, Decimal("10.5000"), "USD", datetime(2024, 1, 1, tzinfo=UTC), False),
        ("s2", 1, Decimal("99.9900"), "EUR", datetime(2024, 2, 1, 7, 30, tzinfo=UTC), True),
        ("s3", 10, Decimal("0.0001"), "USD", datetime(2024, 3, 1, 12, tzinfo=UTC), False),
    ]


def test_composite_id_and_semicolon_delimiter(wh: Warehouse) -> None:
    result = import_file(wh, "usage", DATA / "usage_semicolon.csv", DATA / "usage_semicolon.yaml")
    assert (result.inserted, result.quarantined) == (1, 1)
    assert rows(wh, "SELECT usage_id, source_id, quantity FROM usage") == [
        ("a1:api_calls:2024-01-01", "a1:api_calls:2024-01-01", Decimal("100.0000"))
    ]
    assert (result.examples[0].rule, result.examples[0].value) == ("type", "1,5")


def test_reimport_changes_nothing(wh: Warehouse) -> None:
    mapping = DATA / "accounts_crm.yaml"
    import_file(wh, "accounts", DATA / "accounts_crm.csv", mapping)
    import_file(wh, "subscriptions", Path(__file__).parent / "data/broken/wrong_types.csv")
    counts = wh.counts()
    canonical = wh.fingerprints(exclude=("loaded_at",))
    stamps = rows(wh, "SELECT loaded_at FROM accounts ORDER BY account_id")
    again = import_file(wh, "accounts", DATA / "accounts_crm.csv", mapping)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 3)
    again = import_file(wh, "subscriptions", Path(__file__).parent / "data/broken/wrong_types.csv")
    assert (again.unchanged, again.quarantined) == (1, 3)
    assert wh.counts() == counts
    after = wh.fingerprints(exclude=("loaded_at",))
    for name in ("accounts", "subscriptions"):
        assert after[name] == canonical[name]
    assert rows(wh, "SELECT loaded_at FROM accounts ORDER BY account_id") == stamps


def test_updated_file_updates_by_source_id_and_keeps_missing_rows(
    wh: Warehouse, tmp_path: Path
) -> None:
    first = tmp_path / "subs.csv"
    first.write_text((DATA / "subscriptions.csv").read_text())
    import_file(wh, "subscriptions", first)
    lines = first.read_text().splitlines()
    header, s1, s2, _s3 = lines
    changed = s2.replace(",1,99.99,", ",4,99.99,")
    first.write_text("\n".join([header, s1, changed, "s4,a4,1,5,USD,2024-05-01,,false"]) + "\n")
    result = import_file(wh, "subscriptions", first)
    assert (result.inserted, result.updated, result.unchanged) == (1, 1, 1)
    got = rows(wh, "SELECT subscription_id, quantity FROM subscriptions ORDER BY 1")
    assert got == [("s1", 2), ("s2", 4), ("s3", 10), ("s4", 1)]  # s3 is not deleted
    assert wh.count("loads") == 1
    assert rows(wh, "SELECT rows_inserted, rows_updated FROM loads") == [(1, 1)]


def test_parquet_with_native_types(wh: Warehouse, tmp_path: Path) -> None:
    path = tmp_path / "usage.parquet"
    table = pa.table(
        {
            "usage_id": ["u1", "u2", "u3"],
            "account_id": ["a1", "a2", None],
            "meter": ["api_calls", "api_calls", "seats"],
            "usage_date": pa.array([date(2024, 1, 1), date(2024, 1, 2), date(2024, 1, 3)]),
            "quantity": pa.array([Decimal("1.5"), Decimal("-2"), Decimal(3)], pa.decimal128(10, 2)),
            "region": ["eu", "us", "eu"],
        }
    )
    pq.write_table(table, path)
    result = import_file(wh, "usage", path)
    assert (result.rows_read, result.inserted, result.quarantined) == (3, 1, 2)
    assert {(p.row_number, p.rule) for p in result.examples} == {(2, "minimum"), (3, "any_of")}
    got = rows(wh, "SELECT usage_id, usage_date, quantity, attributes FROM usage")
    assert got == [("u1", date(2024, 1, 1), Decimal("1.5000"), '{"region":"eu"}')]


def test_readers_see_all_or_nothing_of_a_load(
    wh: Warehouse, monkeypatch: pytest.MonkeyPatch
) -> None:
    import revline.ingest.load as load

    reader = wh.con.cursor()  # a second connection to the same database
    seen: list[int] = []

    def fail_midway(*args: object) -> None:
        # The rows are written in the importer's transaction; another reader must not see them.
        inside = wh.con.execute("SELECT count(*) FROM subscriptions").fetchone()
        outside = reader.execute("SELECT count(*) FROM subscriptions").fetchone()
        assert inside is not None and outside is not None
        seen.extend([int(inside[0]), int(outside[0])])
        raise RuntimeError("disk full")

    before = wh.fingerprints()
    monkeypatch.setattr(load, "_write_load_record", fail_midway)
    with pytest.raises(RuntimeError, match="disk full"):
        import_file(wh, "subscriptions", DATA / "subscriptions.csv")
    assert seen == [3, 0]
    assert wh.fingerprints() == before
    assert reader.execute("SELECT count(*) FROM subscriptions").fetchone() == (0,)
    monkeypatch.undo()
    import_file(wh, "subscriptions", DATA / "subscriptions.csv")
    assert reader.execute("SELECT count(*) FROM subscriptions").fetchone() == (3,)
    assert reader.execute("SELECT count(*) FROM loads").fetchone() == (1,)


def test_value_map_error_mode_quarantines_unlisted_values(wh: Warehouse, tmp_path: Path) -> None:
    mapping = tmp_path / "m.yaml"
    mapping.write_text(
        "table: accounts\nid: id\ncolumns:\n  name: name\n"
        "  segment: {column: size, values: {L: enterprise, S: smb}, unmapped: error}\n"
    )
    source = tmp_path / "a.csv"
    source.write_text("id,name,size\n1,A,L\n2,B,XL\n3,C,\n")
    result = import_file(wh, "accounts", source, mapping)
    assert (result.inserted, result.quarantined) == (2, 1)
    assert [(p.row_number, p.rule, p.value) for p in result.examples] == [(2, "value_map", "XL")]


def test_headerless_file_and_local_timestamps(wh: Warehouse, tmp_path: Path) -> None:
    mapping = tmp_path / "m.yaml"
    mapping.write_text(
        "table: payments\nid: column1\ntimezone: America/New_York\ncsv: {header: false}\n"
        "columns:\n  account_id: column2\n  attempted_at: column3\n  amount: column4\n"
        "  currency: {value: usd}\n  status: {column: column5, values: {ok: succeeded}}\n"
    )
    source = tmp_path / "p.csv"
    source.write_text("p1,a1,2024-01-01 10:00,5,ok\np2,a1,2024-07-01T10:00:00Z,6,ok\n")
    result = import_file(wh, "payments", source, mapping)
    assert (result.inserted, result.quarantined) == (2, 0)
    assert rows(wh, "SELECT payment_id, attempted_at, currency FROM payments ORDER BY 1") == [
        ("p1", datetime(2024, 1, 1, 15, 0, tzinfo=UTC), "USD"),  # EST is UTC-5
        ("p2", datetime(2024, 7, 1, 10, 0, tzinfo=UTC), "USD"),  # an explicit offset wins
    ]


def test_unmapped_null_and_dropping_unmapped_columns(wh: Warehouse, tmp_path: Path) -> None:
    mapping = tmp_path / "m.yaml"
    mapping.write_text(
        "table: accounts\nid: id\nkeep_unmapped: false\ncolumns:\n  name: name\n"
        "  segment: {column: size, values: {L: enterprise}, unmapped: null}\n"
    )
    source = tmp_path / "a.csv"
    source.write_text("id,name,size,notes\n1,A,L,x\n2,B,XL,y\n")
    result = import_file(wh, "accounts", source, mapping)
    assert (result.inserted, result.quarantined) == (2, 0)
    got = rows(wh, "SELECT account_id, segment, attributes FROM accounts ORDER BY 1")
    assert got == [("1", "enterprise", None), ("2", None, None)]
    assert result.examples == []
