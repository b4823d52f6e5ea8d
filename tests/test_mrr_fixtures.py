"""Hand-computed MRR fixtures: every normalisation and movement rule, checked row by row.

Each scenario in tests/fixtures/mrr/*.yaml holds its input rows, the settings of each run, the
expected customer-month movements, and a comment with the arithmetic. The comparison is
complete: every movement revline produces must be expected and every expected one produced.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from fixtures.mrr.rows import load, scenarios
from revline.model import bridge, build_model, movements
from revline.model.periods import month_start
from revline.settings import MetricSettings
from revline.warehouse import Warehouse

RUNS = [
    pytest.param(scenario, index, id=f"{scenario['file'].removesuffix('.yaml')}-run{index}")
    for scenario in scenarios()
    for index in range(len(scenario["runs"]))
]


@pytest.fixture
def memory_wh() -> Iterator[Warehouse]:
    wh = Warehouse.create(":memory:")
    yield wh
    wh.close()


def _expected(text: str) -> set[tuple[str, str, str, Decimal, Decimal, bool]]:
    """Rows ``account month movement amount end [delinquent|-]`` (no flag: not delinquent)."""
    rows = set()
    for line in text.strip().splitlines():
        account, month, movement, amount, end, *flag = line.split()
        late = flag == ["delinquent"]
        rows.add((account, month, movement, Decimal(amount), Decimal(end), late))
    return rows


def _settings(raw: dict[str, Any]) -> MetricSettings:
    values = dict(raw)
    if isinstance(values.get("as_of"), str):
        values["as_of"] = date.fromisoformat(values["as_of"])
    return MetricSettings(**values)


@pytest.mark.parametrize(("scenario", "run"), RUNS)
def test_fixture_movements(memory_wh: Warehouse, scenario: dict[str, Any], run: int) -> None:
    load(memory_wh, scenario["tables"])
    spec = scenario["runs"][run]
    with build_model(memory_wh.ibis, _settings(spec["settings"])) as model:
        got = memory_wh.ibis.execute(movements(model))
        frame = memory_wh.ibis.execute(bridge(model))
    actual = {
        (
            r.account_id,
            f"{month_start(int(r.month_idx)):%Y-%m}",
            r.movement,
            Decimal(r.amount),
            Decimal(r.end_mrr),
            bool(r.delinquent),
        )
        for r in got.itertuples()
    }
    expected = _expected(spec["expect"])
    assert sorted(actual - expected) == [], "produced but not expected"
    assert sorted(expected - actual) == [], "expected but not produced"

    # The bridge of the same run reconciles every month.
    for row in frame.itertuples():
        flows = row.new + row.reactivation + row.expansion - row.contraction - row.churn
        assert row.start + flows == row.end, row
