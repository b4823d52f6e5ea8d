"""Shared fixtures: a fresh warehouse per test, and the real datasets in ../shared/data."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

# Rich sizes tables to the terminal; tests read CLI output, so give them a wide, fixed one.
os.environ["COLUMNS"] = "200"

from revline.warehouse import Warehouse

REPO = Path(__file__).resolve().parent.parent
SHARED_DATA = Path(
    os.environ.get("REVLINE_SHARED_DATA", REPO.parent / "shared" / "data")
)


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
