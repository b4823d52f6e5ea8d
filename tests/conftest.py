"""Shared fixtures: a fresh warehouse per test, and the real datasets in ../shared/data."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

# Rich sizes tables to the terminal; tests read CLI output, so give them a wide, fixed one.
os.environ["COLUMNS"] = "200"

from revline.warehouse import Warehouse

REPO = Path(__file__).resolve().parent.parent
SHARED_DATA = Path(os.environ.get("REVLINE_SHARED_DATA", REPO.parent / "shared" / "data"))


@pytest.fixture
def wh(tmp_path: Path) -> Iterator[Warehouse]:
    """A new, empty warehouse file in the test's temporary folder."""
    warehouse = Warehouse.create(tmp_path / "test.duckdb")
    yield warehouse
    warehouse.close()


def shared_dataset(name: str) -> Path:
    """The folder of a real dataset under ../shared/data; the test is skipped when absent."""
    folder = SHARED_DATA / name
    if not folder.is_dir():
        pytest.skip(f"real dataset {name} not found at {folder}")
    return folder


@dataclass(frozen=True)
class CliResult:
    exit_code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


CliRunnerFn = Callable[..., CliResult]


@pytest.fixture
def revline_cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> CliRunnerFn:
    """Run the ``revline`` console script's ``main()`` in-process, exit code and all.

    Unlike typer's CliRunner on the app, this goes through main()'s error handling: the way a
    user meets an error (message, exit status 2, no stack trace).
    """
    from revline.cli import main

    def run(*args: str) -> CliResult:
        monkeypatch.setattr(sys, "argv", ["revline", *args])
        try:
            main()
            code = 0
        except SystemExit as done:
            code = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run
