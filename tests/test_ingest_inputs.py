"""Issue 13 §4: odd inputs are refused or quarantined for the right reason, and nothing that gets
in can crash an analysis.

Every file is built by the test. A refused file leaves every table byte-identical; a quarantined
row names the rule it broke.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from conftest import CliRunnerFn
from revline.errors import ConfigError, SourceFileError
from revline.ingest import import_file
from revline.ingest.mapping import CsvOptions
from revline.settings import DateWindow
from revline.warehouse import Warehouse

SUB_HEAD = "subscription_id,account_id,quantity,unit_amount,currency,start_at,end_at\n"


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def quarantined(wh: Warehouse) -> list[tuple[str, str, str, str]]:
    rows = wh.con.execute(
        "SELECT source_id, column_name, rule, message FROM quarantine ORDER BY row_number, rule"
    ).fetchall()
    return [(str(a), str(b), str(c), str(d)) for a, b, c, d in rows]


# -- dates -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "rule"),
    [
        ("infinity", "date_special"),
        ("-infinity", "date_special"),
        ("epoch", "date_special"),
        ("2020-01-01 (BC)", "date_special"),
        ("10000-01-01", "date_window"),
        ("9999-12-31", "date_window"),
        ("1899-12-31", "date_window"),
        ("2200-01-01", "date_window"),
    ],
)
def test_special_and_out_of_window_dates_are_quarantined(
    wh: Warehouse, tmp_path: Path, cell: str, rule: str
) -> None:
    path = write(
        tmp_path,
        "subs.csv",
        SUB_HEAD + "s1,a1,1,10,USD,2024-01-01,\n" + f"s2,a1,1,10,USD,{cell},\n",
    )
    result = import_file(wh, "subscriptions", path)
    assert (result.inserted, result.quarantined) == (1, 1)
    [(sid, column, got, message)] = quarantined(wh)
    assert (sid, column, got) == ("s2", "start_at", rule)
    assert cell in message
    assert rule in message or "window" in message or "special" in message


def test_date_column_window_applies_to_date_columns_too(wh: Warehouse, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "spend.csv",
        "spend_date,channel,amount,currency\n9999-12-31,other,1,USD\nepoch,other,1,USD\n"
        "2024-01-01,other,1,USD\n",
    )
    mapping = write(
        tmp_path,
        "spend.yaml",
        "table: marketing_spend\nid: '@row'\ncolumns:\n  spend_date: spend_date\n"
        "  channel: channel\n  amount: amount\n  currency: currency\n",
    )
    result = import_file(wh, "marketing_spend", path, mapping)
    assert (result.inserted, result.quarantined) == (1, 2)
    assert [(q[1], q[2]) for q in quarantined(wh)] == [
        ("spend_date", "date_window"),
        ("spend_date", "date_special"),
    ]


def test_the_window_is_a_setting(wh: Warehouse, tmp_path: Path) -> None:
    path = write(tmp_path, "subs.csv", SUB_HEAD + "s1,a1,1,10,USD,1850-06-01,\n")
    window = DateWindow(earliest=__import__("datetime").date(1800, 1, 1))
    result = import_file(wh, "subscriptions", path, window=window)
    assert (result.inserted, result.quarantined) == (1, 0)
    with pytest.raises(ConfigError, match="earliest"):
        DateWindow(earliest=__import__("datetime").date(2300, 1, 1))


# -- timestamps ----------------------------------------------------------------------------------

ACC_HEAD = "account_id,name,created_at\n"


def accounts_mapping(tmp_path: Path, extra: str = "") -> Path:
    return write(
        tmp_path,
        "accounts.yaml",
        "table: accounts\nsource: crm\ntimezone: Europe/Berlin\n"
        + extra
        + "columns:\n  account_id: account_id\n  name: name\n  created_at: created_at\n",
    )


def created(wh: Warehouse) -> dict[str, str]:
    rows = wh.con.execute(
        "SELECT source_id, strftime(created_at AT TIME ZONE 'UTC', '%Y-%m-%d %H:%M') "
        "FROM accounts ORDER BY 1"
    ).fetchall()
    return {str(a): str(b) for a, b in rows}


@pytest.mark.parametrize("offset", ["+25:00", "+25", "-15:00", "+14:30", "+05:75"])
def test_invalid_utc_offset_is_quarantined(wh: Warehouse, tmp_path: Path, offset: str) -> None:
    path = write(
        tmp_path,
        "acc.csv",
        ACC_HEAD + "a1,Ok,2025-01-01T10:00:00+14:00\n" + f"a2,Bad,2025-01-01T10:00:00{offset}\n",
    )
    result = import_file(wh, "accounts", path)
    assert (result.inserted, result.quarantined) == (1, 1)
    [(sid, column, rule, message)] = quarantined(wh)
    assert (sid, column, rule) == ("a2", "created_at", "timestamp_offset")
    assert "-14:00 to +14:00" in message
    assert created(wh) == {"a1": "2024-12-31 20:00"}


def test_nonexistent_and_ambiguous_local_times_are_refused_by_default(
    wh: Warehouse, tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        "acc.csv",
        ACC_HEAD
        + "a1,Summer,2025-06-01 12:00\n"
        + "a2,Gap,2025-03-30 02:30\n"  # clocks jump from 02:00 to 03:00
        + "a3,Twice,2025-10-26 02:30\n",  # 02:00-03:00 happens twice
    )
    result = import_file(wh, "accounts", path, accounts_mapping(tmp_path))
    assert (result.inserted, result.quarantined) == (1, 2)
    problems = quarantined(wh)
    assert [(p[0], p[2]) for p in problems] == [("a2", "local_time"), ("a3", "local_time")]
    assert "does not exist in Europe/Berlin" in problems[0][3]
    assert "occurs twice in Europe/Berlin" in problems[1][3]
    assert "local_times: shift" in problems[0][3]
    assert created(wh) == {"a1": "2025-06-01 10:00"}


def test_local_times_shift_is_an_explicit_choice(wh: Warehouse, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "acc.csv",
        ACC_HEAD + "a2,Gap,2025-03-30 02:30\na3,Twice,2025-10-26 02:30\n",
    )
    result = import_file(wh, "accounts", path, accounts_mapping(tmp_path, "local_times: shift\n"))
    assert (result.inserted, result.quarantined) == (2, 0)
    # the gap moves forward by its length (02:30 CET = 03:30 CEST); a repeated time takes its
    # first occurrence (summer time)
    assert created(wh) == {"a2": "2025-03-30 01:30", "a3": "2025-10-26 00:30"}


def test_local_times_takes_only_known_choices(tmp_path: Path) -> None:
    from revline.ingest import load_mapping

    with pytest.raises(ConfigError, match="local_times"):
        load_mapping(accounts_mapping(tmp_path, "local_times: guess\n"))


# -- numbers and ids -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("column", "cell"),
    [
        ("unit_amount", "1_000"),
        ("unit_amount", "1_000.50"),
        ("quantity", "1_000"),
        ("quantity", "0x10"),
        ("quantity", "0b101"),
        ("unit_amount", "1_000_000_000_000_000_000"),
    ],
)
def test_numbers_a_person_would_not_write_are_refused(
    wh: Warehouse, tmp_path: Path, column: str, cell: str
) -> None:
    values = {"quantity": "1", "unit_amount": "10"} | {column: cell}
    path = write(
        tmp_path,
        "subs.csv",
        SUB_HEAD
        + "s1,a1,2,1000,USD,2024-01-01,\n"
        + f"s2,a1,{values['quantity']},{values['unit_amount']},USD,2024-01-01,\n",
    )
    result = import_file(wh, "subscriptions", path)
    assert (result.inserted, result.quarantined) == (1, 1)
    [(sid, got_column, rule, message)] = quarantined(wh)
    assert (sid, got_column, rule) == ("s2", column, "type")
    assert cell in message


@pytest.mark.parametrize("padding", ["\t", " \t", "\r", "\u00a0", "\t "])
def test_ids_are_stripped_of_every_surrounding_whitespace(
    wh: Warehouse, tmp_path: Path, padding: str
) -> None:
    accounts = write(
        tmp_path, "acc.csv", f'account_id,name\nfz-1,First\n"{padding}fz-1{padding}",Again\n'
    )
    result = import_file(wh, "accounts", accounts)
    assert (result.inserted, result.quarantined) == (1, 1)
    assert [(q[0], q[2]) for q in quarantined(wh)] == [("fz-1", "duplicate_key")]
    cells = f'"s1{padding}","{padding}fz-1{padding}"'
    subs = write(tmp_path, "subs.csv", SUB_HEAD + f"{cells},1,10,USD,2024-01-01,\n")
    import_file(wh, "subscriptions", subs)
    stored = wh.con.execute("SELECT source_id, subscription_id, account_id FROM subscriptions")
    assert stored.fetchall() == [("s1", "s1", "fz-1")]


def test_mapped_primary_key_is_stripped_like_the_source_id(wh: Warehouse, tmp_path: Path) -> None:
    path = write(tmp_path, "acc.csv", "id,name\nfz-1\t,First\n")
    mapping = write(
        tmp_path,
        "acc.yaml",
        "table: accounts\nsource: crm\ncolumns:\n  account_id: id\n  name: name\n",
    )
    import_file(wh, "accounts", path, mapping)
    stored = wh.con.execute("SELECT source_id, account_id FROM accounts").fetchall()
    assert stored == [("fz-1", "fz-1")]


# -- files refused for the wrong reason ----------------------------------------------------------


@pytest.fixture
def loaded(wh: Warehouse, tmp_path: Path) -> Warehouse:
    """A warehouse that already holds a load, so 'unchanged' means more than 'still empty'."""
    import_file(wh, "accounts", write(tmp_path, "first.csv", "account_id,name\na0,Zero\n"))
    return wh


def refused(wh: Warehouse, path: Path) -> str:
    """The message of the SourceFileError importing ``path``; the warehouse is unchanged."""
    before = wh.fingerprints()
    with pytest.raises(SourceFileError) as caught:
        import_file(wh, "accounts", path)
    assert caught.value.hint
    assert wh.fingerprints() == before
    return str(caught.value)


@pytest.mark.parametrize("row", [1, 2])
def test_a_field_over_128_kib_loads_in_any_row(loaded: Warehouse, tmp_path: Path, row: int) -> None:
    big = "x" * 140_000
    lines = ["a1,Small", f'a2,"{big}"']
    if row == 1:
        lines.reverse()
    path = write(tmp_path, "big.csv", "account_id,name\n" + "\n".join(lines) + "\n")
    result = import_file(loaded, "accounts", path)
    assert (result.inserted, result.quarantined) == (2, 0)
    got = loaded.con.execute("SELECT length(name) FROM accounts WHERE account_id = 'a2'")
    assert got.fetchall() == [(140_000,)]


def test_a_field_over_128_kib_with_a_broken_row_names_the_row_not_quoting(
    loaded: Warehouse, tmp_path: Path
) -> None:
    big = "x" * 140_000
    path = write(tmp_path, "big.csv", f"account_id,name\na1,{big}\na2,b,c\n")
    message = refused(loaded, path)
    assert "line 3 (data row 2) has 3 fields but the header has 2" in message
    assert "broken quoting" not in message


def test_a_wide_header_of_5000_columns_loads(loaded: Warehouse, tmp_path: Path) -> None:
    extra = [f"extra_column_{i:05d}_padding_texts" for i in range(4998)]
    header = ",".join(["account_id", "name", *extra])
    assert len(header) > 160_000
    path = write(tmp_path, "wide.csv", header + "\n" + ",".join(["a1", "n"] + ["v"] * 4998) + "\n")
    result = import_file(loaded, "accounts", path)
    assert (result.inserted, result.quarantined) == (1, 0)


@pytest.mark.parametrize("ending", ["", "\n", "\r\n"])
def test_a_header_only_file_loads_no_rows_with_or_without_final_newline(
    loaded: Warehouse, tmp_path: Path, ending: str
) -> None:
    before = loaded.fingerprints(exclude=("loaded_at",))
    path = write(tmp_path, "empty_export.csv", "account_id,name" + ending)
    result = import_file(loaded, "accounts", path)
    assert (result.rows_read, result.inserted, result.quarantined) == (0, 0, 0)
    after = loaded.fingerprints(exclude=("loaded_at",))
    assert after["accounts"] == before["accounts"]


def test_a_directory_is_not_a_file(loaded: Warehouse, tmp_path: Path) -> None:
    folder = tmp_path / "exports.csv"
    folder.mkdir()
    message = refused(loaded, folder)
    assert "is a directory, not a file" in message and "not found" not in message


def test_a_fifo_is_refused_without_blocking(loaded: Warehouse, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    message = refused(loaded, fifo)
    assert "not a regular file (a named pipe)" in message and "not found" not in message


def test_a_device_is_refused(loaded: Warehouse) -> None:
    message = refused(loaded, Path("/dev/zero"))
    assert "not a regular file (a device)" in message and "not found" not in message


def test_a_symlink_loop_is_named(loaded: Warehouse, tmp_path: Path) -> None:
    loop = tmp_path / "loop.csv"
    loop.symlink_to(loop)
    message = refused(loaded, loop)
    assert "symbolic link loop" in message and "not found" not in message


def test_a_missing_file_is_still_not_found(loaded: Warehouse, tmp_path: Path) -> None:
    assert "file not found" in refused(loaded, tmp_path / "nope.csv")


def test_a_header_named_like_revlines_own_column_is_refused(
    loaded: Warehouse, tmp_path: Path
) -> None:
    path = write(tmp_path, "acc.csv", "account_id,name,_revline_row\na1,n,5\n")
    message = refused(loaded, path)
    assert "'_revline_row'" in message and "reserved" in message
    assert "report the error" not in message


# -- a file that changes while it is read --------------------------------------------------------


def _change_during_read(monkeypatch: pytest.MonkeyPatch, change: Callable[[Path], None]) -> None:
    import revline.ingest.load as load

    original = load.read_source

    def read_then_change(path: Path, fmt: str, options: CsvOptions) -> pa.Table:
        table = original(path, fmt, options)
        change(path)
        return table

    monkeypatch.setattr(load, "read_source", read_then_change)


def _append(path: Path) -> None:
    with path.open("a", encoding="utf-8") as handle:
        handle.write("a9,Appended\n")


def _replace(path: Path) -> None:
    other = path.with_name("other.csv")
    other.write_text("account_id,name\nb1,Replacement\n", encoding="utf-8")
    os.replace(other, path)


@pytest.mark.parametrize("change", [_append, _replace], ids=["appended", "replaced"])
def test_a_file_changed_while_read_is_refused(
    loaded: Warehouse, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change: Any
) -> None:
    path = write(tmp_path, "acc.csv", "account_id,name\na1,One\na2,Two\n")
    _change_during_read(monkeypatch, change)
    message = refused(loaded, path)
    assert "changed while it was read" in message


def test_the_load_records_the_hash_of_the_bytes_loaded(loaded: Warehouse, tmp_path: Path) -> None:
    path = write(tmp_path, "acc.csv", "account_id,name\na1,One\na2,Two\n")
    import_file(loaded, "accounts", path)
    sha = loaded.con.execute("SELECT file_sha256 FROM loads WHERE file = ?", [str(path)])
    assert sha.fetchall() == [(hashlib.sha256(path.read_bytes()).hexdigest(),)]


# -- the source of a renamed file ----------------------------------------------------------------

ACCOUNTS = "account_id,name\n" + "".join(f"a{i},Company {i}\n" for i in range(1000))


def test_a_mapping_is_its_source_so_a_renamed_export_updates(wh: Warehouse, tmp_path: Path) -> None:
    mapping = write(tmp_path, "crm_accounts.yaml", "table: accounts\ncolumns:\n  name: name\n")
    first = import_file(
        wh, "accounts", write(tmp_path, "accounts_2025-11-01.csv", ACCOUNTS), mapping
    )
    assert (first.source, first.inserted) == ("crm_accounts", 1000)
    renamed = ACCOUNTS.replace("a7,Company 7\n", "a7,Company Seven\n")
    again = import_file(
        wh, "accounts", write(tmp_path, "accounts_2025-12-01.csv", renamed), mapping
    )
    assert (again.source, again.inserted, again.updated, again.unchanged) == (
        "crm_accounts",
        0,
        1,
        999,
    )
    assert again.quarantined == 0
    assert wh.count("accounts") == 1000


def test_a_real_conflict_names_both_sources_and_the_fix(wh: Warehouse, tmp_path: Path) -> None:
    import_file(wh, "accounts", write(tmp_path, "accounts_2025-11-01.csv", ACCOUNTS))
    result = import_file(wh, "accounts", write(tmp_path, "accounts_2025-12-01.csv", ACCOUNTS))
    assert result.quarantined == 1000
    message = result.examples[0].message
    assert "source 'accounts_2025-11-01'" in message
    assert "this file's source is 'accounts_2025-12-01'" in message
    assert "--source accounts_2025-11-01" in message
    assert "id_prefix" in message


def test_the_window_is_a_command_line_option(tmp_path: Path, revline_cli: CliRunnerFn) -> None:
    warehouse = tmp_path / "w.duckdb"
    Warehouse.create(warehouse).close()
    path = write(tmp_path, "subs.csv", SUB_HEAD + "s1,a1,1,10,USD,1850-06-01,\n")
    base = ["import", "subscriptions", str(path), "-w", str(warehouse), "-f", "json"]
    refused_by_default = json.loads(revline_cli(*base).stdout)
    assert refused_by_default["quarantined"] == 1
    assert refused_by_default["examples"][0]["rule"] == "date_window"
    widened = json.loads(revline_cli(*base, "--earliest-date", "1800-01-01").stdout)
    assert (widened["inserted"], widened["quarantined"]) == (1, 0)
    bad = revline_cli(*base, "--earliest-date", "2300-01-01")
    assert bad.exit_code == 2 and "earliest 2300-01-01 is after latest" in bad.output
