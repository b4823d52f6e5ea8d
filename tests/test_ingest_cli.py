"""``revline import`` through the CLI: counts, example problems, exit codes, no stack traces."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

import revline.commands  # noqa: F401  (registers every command)
from conftest import CliRunnerFn
from revline.cli import app
from revline.warehouse import Warehouse

DATA = Path(__file__).parent / "data"
runner = CliRunner()


def make_warehouse(tmp_path: Path) -> Path:
    path = tmp_path / "w.duckdb"
    Warehouse.create(path).close()
    return path


def flat(text: str) -> str:
    """Output with line wrapping undone, so assertions do not depend on terminal width."""
    return " ".join(text.split())


def test_import_prints_counts(tmp_path: Path) -> None:
    wh = make_warehouse(tmp_path)
    args = ["import", "accounts", str(DATA / "ingest/accounts_crm.csv"), "-w", str(wh)]
    result = runner.invoke(app, [*args, "--mapping", str(DATA / "ingest/accounts_crm.yaml")])
    assert result.exit_code == 0, result.output
    out = flat(result.output)
    assert "read 3, inserted 3, updated 0, unchanged 0, quarantined 0" in out
    assert "Warning" not in out


def test_quarantined_rows_warn_show_examples_and_exit_zero(tmp_path: Path) -> None:
    wh = make_warehouse(tmp_path)
    result = runner.invoke(
        app,
        ["import", "subscriptions", str(DATA / "broken/wrong_types.csv"), "-w", str(wh),
         "--source", "legacy"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    out = flat(result.output)
    assert "read 4, inserted 1, updated 0, unchanged 0, quarantined 3" in out
    assert "Warning: 3 row(s) quarantined with 3 problem(s)" in out
    assert "row 2 column quantity value 'two' rule type" in out
    assert "quarantine" in out and "SELECT" in out
    with Warehouse.open(wh) as opened:
        assert opened.con.execute("SELECT DISTINCT source FROM subscriptions").fetchall() == [
            ("legacy",)
        ]


def test_unreadable_file_exits_2_without_traceback(
    tmp_path: Path, revline_cli: CliRunnerFn
) -> None:
    wh = make_warehouse(tmp_path)
    bad = DATA / "broken/semicolon.csv"
    result = revline_cli("import", "subscriptions", str(bad), "-w", str(wh))
    assert result.exit_code == 2
    out = flat(result.output)
    assert "semicolon-delimited" in out
    assert "Traceback" not in result.output


def test_bad_mapping_and_unknown_table_exit_2(tmp_path: Path, revline_cli: CliRunnerFn) -> None:
    wh = make_warehouse(tmp_path)
    mapping = tmp_path / "m.yaml"
    mapping.write_text("table: accounts\ncolumns:\n  nmae: Company\n")
    csv = str(DATA / "ingest/accounts_crm.csv")
    result = revline_cli("import", "accounts", csv, "-m", str(mapping), "-w", str(wh))
    assert result.exit_code == 2
    assert "Did you mean 'name'?" in flat(result.output)
    result = revline_cli("import", "acounts", csv, "-w", str(wh))
    assert result.exit_code == 2
    assert "Did you mean 'accounts'?" in flat(result.output)
    assert "Traceback" not in result.output


def test_missing_warehouse_is_the_warehouse_error(tmp_path: Path, revline_cli: CliRunnerFn) -> None:
    csv = str(DATA / "ingest/subscriptions.csv")
    result = revline_cli("import", "subscriptions", csv, "-w", str(tmp_path / "no.db"))
    assert result.exit_code == 2
    assert "No warehouse at" in flat(result.output)
    assert "revline init" in flat(result.output)


def test_console_script_exits_2_on_an_unreadable_file(tmp_path: Path) -> None:
    wh = make_warehouse(tmp_path)
    bad = DATA / "broken/latin1.csv"
    done = subprocess.run(
        [sys.executable, "-m", "revline", "import", "subscriptions", str(bad), "-w", str(wh)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert "byte offset 79 (line 2)" in flat(done.stderr)
    assert "Traceback" not in done.stderr
