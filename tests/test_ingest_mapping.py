"""Mapping files: the documented format parses exactly, and every problem is reported at once."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from revline.errors import ConfigError, SourceFileError
from revline.ingest import ColumnSpec, import_file, load_mapping
from revline.warehouse import Warehouse

DATA = Path(__file__).parent / "data" / "ingest"
DOC_EXAMPLE = """
table: subscriptions
source: ravenstack
format: csv
csv: {delimiter: ",", encoding: utf-8, header: true, null_values: ["", "NULL"]}
id: subscription_id
id_prefix: ""
timezone: UTC
keep_unmapped: true
columns:
  account_id: account_id
  start_at: {column: start_date, format: "%Y-%m-%d"}
  quantity: {value: 1}
  currency: {value: USD}
  unit_amount: {column: mrr_amount, scale: 0.01}
  is_trial: is_trial
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "mapping.yaml"
    path.write_text(text)
    return path


def test_documented_example_parses_exactly(tmp_path: Path) -> None:
    mapping = load_mapping(write(tmp_path, DOC_EXAMPLE))
    assert (mapping.table, mapping.source, mapping.format) == ("subscriptions", "ravenstack", "csv")
    assert mapping.id == ("subscription_id",)
    assert mapping.csv.null_values == ("", "NULL")
    assert mapping.columns["quantity"] == ColumnSpec(constant="1")
    assert mapping.columns["unit_amount"].scale == Decimal("0.01")  # exact, not a float
    assert mapping.columns["start_at"].format == "%Y-%m-%d"


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
table: subscriptions
colums: {}
timezone: Mars/Olympus
csv: {delimiter: ";;"}
columns:
  acount_id: account_id
  start_at: {column: start, format: "%Y-%Q"}
  quantity: {column: seats, scale: lots}
  billing_interval: {column: period, values: {M: monthly}}
  currency: {column: cur, unmapped: drop}
  source_id: id
""",
    )
    with pytest.raises(ConfigError) as caught:
        load_mapping(path)
    message = str(caught.value)
    assert str(path) in message
    expected = [
        "Unknown mapping key 'colums'. Did you mean 'columns'?",
        "unknown time zone 'Mars/Olympus'",
        "csv.delimiter: expected one character",
        "columns.acount_id: Unknown column of table 'subscriptions' 'acount_id'. "
        "Did you mean 'account_id'?",
        "columns.start_at.format: bad strptime format '%Y-%Q'",
        "columns.quantity.scale: expected a number such as 0.01, got 'lots'",
        "Unknown billing_interval value 'monthly'. Did you mean 'month'?",
        "columns.currency.unmapped: Unknown choice 'drop'",
        "columns.source_id: source_id is filled by the loader",
        "required column 'account_id' of subscriptions is not mapped",
    ]
    for fragment in expected:
        assert fragment in message
    assert "has 10 problem(s)" in message


def test_unknown_table_suggests_the_closest(tmp_path: Path) -> None:
    path = write(tmp_path, "table: subscription\ncolumns: {a: b}\n")
    with pytest.raises(ConfigError, match="Did you mean 'subscriptions'"):
        load_mapping(path)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("table: [", "not valid YAML"),
        ("- a\n- b\n", "must be a YAML mapping"),
        ("table: usage\ncolumns:\n  quantity: {column: q, format: '%Y'}\n", "only dates"),
        ("table: usage\ncolumns:\n  meter: {value: x, column: y}\n", "exactly one of"),
        ("table: accounts\ncolumns:\n  name: n\n  currency: {value: DOLLAR}\n", "ISO 4217"),
    ],
)
def test_malformed_mappings_name_the_problem(tmp_path: Path, text: str, fragment: str) -> None:
    with pytest.raises(ConfigError, match=fragment):
        load_mapping(write(tmp_path, text))


def test_missing_mapping_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_mapping(tmp_path / "nope.yaml")


def test_mapping_for_another_table_is_refused(wh: Warehouse) -> None:
    with pytest.raises(ConfigError, match="is for table 'accounts', not 'subscriptions'"):
        import_file(wh, "subscriptions", DATA / "accounts_crm.csv", DATA / "accounts_crm.yaml")


def test_mapped_column_missing_from_file_names_the_closest(wh: Warehouse, tmp_path: Path) -> None:
    source = tmp_path / "a.csv"
    source.write_text("Company Id,Company\n1,A\n")
    with pytest.raises(SourceFileError) as caught:
        import_file(wh, "accounts", source, DATA / "accounts_crm.yaml")
    message = str(caught.value)
    assert "'Company ID' (did you mean 'Company Id'?)" in message
    assert "Columns found: Company Id, Company" in message
    assert "accounts_crm.yaml" in message


def test_the_example_in_the_docs_is_a_valid_mapping(tmp_path: Path) -> None:
    doc = (Path(__file__).parent.parent / "docs" / "mappings.md").read_text()
    example = doc.split("```yaml\n", 1)[1].split("```", 1)[0]
    mapping = load_mapping(write(tmp_path, example))
    assert mapping.id_prefix == "rs-"
    assert mapping.columns["account_id"].prefix == "rs-"
    assert mapping.columns["billing_interval"].unmapped == "error"


def test_the_shape_is_checked_by_the_model_with_clear_messages(tmp_path: Path) -> None:
    """pydantic checks the shape (revline.ingest.mapping_model); each message still names the
    file, the key, the value received and what was expected."""
    path = write(
        tmp_path,
        "table: accounts\ncsv: {sep: ';', header: maybe}\nid: [a, '@row']\n"
        "keep_unmapped: perhaps\ncolumns:\n  name: {column: n, colour: red}\n",
    )
    with pytest.raises(ConfigError) as caught:
        load_mapping(path)
    message = str(caught.value)
    assert str(path) in message
    for fragment in (
        "csv: Unknown csv option 'sep'.",
        "csv.header: expected true or false, got 'maybe'.",
        "id: @row stands alone",
        "keep_unmapped: expected true or false, got 'perhaps'.",
        "columns.name: Unknown spec key 'colour'. Did you mean 'column'?",
    ):
        assert fragment in message
    assert "has 5 problem(s)" in message
