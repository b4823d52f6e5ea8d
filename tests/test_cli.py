"""The command line: commands exist, are documented, and refuse bad input without a trace."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import revline.commands  # noqa: F401  (registers every command)
from revline.cli import app
from revline.schema.docs import markdown

REPO = Path(__file__).resolve().parent.parent


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "revline", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
    )


def test_init_creates_a_warehouse(tmp_path: Path) -> None:
    result = run("init", str(tmp_path / "w.duckdb"))
    assert result.returncode == 0, result.stderr
    assert "Warehouse ready" in result.stdout
    assert (tmp_path / "w.duckdb").exists()


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("schema", "subscription"), "Did you mean 'subscriptions'"),
        (("init", "/nonexistent-folder/w.duckdb"), "folder /nonexistent-folder does not exist"),
        (("schema", "--no-such-option"), "No such option"),
        (("org", "show", "--model", "flat"), "Unknown org_model 'flat'"),
    ],
)
def test_bad_input_is_refused_without_a_stack_trace(args: tuple[str, ...], expected: str) -> None:
    result = run(*args)
    assert result.returncode == 2
    assert expected in result.stderr.replace("\n", " ")
    assert "Traceback" not in result.stderr + result.stdout


def test_debug_shows_the_stack_trace() -> None:
    result = run("--debug", "schema", "nosuch")
    assert result.returncode != 0
    assert "Traceback" in result.stderr


def test_schema_reference_is_up_to_date() -> None:
    documented = (REPO / "docs" / "schema.md").read_text()
    assert documented == markdown(), "regenerate: revline schema --markdown > docs/schema.md"


def test_every_command_is_in_the_readme() -> None:
    readme = (REPO / "README.md").read_text()
    names = [c.name or (c.callback.__name__ if c.callback else "") for c in app.registered_commands]
    assert names, "no commands registered"
    missing = [name for name in names if f"revline {name}" not in readme]
    assert not missing, f"commands missing from README.md: {missing}"
