"""Declared breakdowns: each metric says what it can be broken down by, and keeps its word.

- ``supports(metric, by)`` answers from the declaration; an undeclared breakdown is refused
  before the warehouse is opened, naming the supported ones and the closest (issue 12:
  ``revline metrics compute cac_payback_months --by competitor``).
- On a small synthetic company, every metric computes by every breakdown it declares, and no
  breakdown repeats the company's value in every group (issue 12: CAC payback by segment gave
  the company's 6.8537 for all three segments).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from conftest import CliRunnerFn
from revline.errors import ConfigError
from revline.metrics import REGISTRY, compute, compute_many, supports
from revline.metrics.gtm_frame import GtmSettings
from revline.synth import generate
from revline.warehouse import Warehouse

PERIOD = "2025-Q3"


def test_supports_reads_the_declaration() -> None:
    assert supports("nrr", "segment") and supports("nrr", None)
    assert supports("win_rate", "competitor") and not supports("nrr", "competitor")
    assert not supports("cac_payback_months", "competitor")
    assert not supports("magic_number", "segment")  # the whole company only
    assert supports(REGISTRY["quota_attainment"], "owner")


def test_an_undeclared_breakdown_is_refused_before_any_query(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-warehouse.duckdb"  # never opened: refused before
    with pytest.raises(ConfigError) as refused:
        compute("cac_payback_months", PERIOD, "competitor", warehouse=missing)
    text = str(refused.value)
    assert "cannot be broken down by 'competitor'" in text
    assert "Its breakdowns: segment, region, industry, channel." in text
    assert not missing.exists()
    with pytest.raises(ConfigError, match="Did you mean 'segment'"):
        compute("nrr", PERIOD, "segmnt", warehouse=missing)
    with pytest.raises(ConfigError, match=r"none \(the whole company only\)"):
        compute("rule_of_40", PERIOD, "region", warehouse=missing)


def test_cli_refuses_before_running(tmp_path: Path, revline_cli: CliRunnerFn) -> None:
    missing = tmp_path / "nothing.duckdb"
    args = ["metrics", "compute", "cac_payback_months", "-w", str(missing), "--by", "competitor"]
    result = revline_cli(*args)
    assert result.exit_code != 0
    assert "segment, region, industry, channel" in result.stderr
    assert not missing.exists()


@pytest.fixture(scope="module")
def company(tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    wh = Warehouse.create(tmp_path_factory.mktemp("declared") / "synth.duckdb")
    generate(wh, accounts=400, months=24, seed=11)
    return wh


def _number(value: Any) -> float | None:
    if value is None or (isinstance(value, float) and math.isnan(value)) or pd.isna(value):
        return None
    return float(value)


def _per_period(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per period (the cohort matrices: the first month since start)."""
    if "months_since_start" in frame:
        frame = frame[frame["months_since_start"] == 1]
    return frame[frame["period"] == PERIOD]


@pytest.mark.slow
def test_no_breakdown_repeats_the_company_value(company: Warehouse) -> None:
    settings = GtmSettings()
    names = list(REGISTRY)
    whole = compute_many(names, PERIOD, warehouse=company, settings=settings)
    dims = sorted({by for m in REGISTRY.values() for by in m.breakdowns})
    checked = 0
    repeated = []
    for by in dims:
        declared = [n for n in names if by in REGISTRY[n].breakdowns]
        frames = compute_many(declared, PERIOD, by, warehouse=company, settings=settings)
        for name, frame in frames.items():
            total = _per_period(whole[name])
            value = _number(total["value"].iloc[0]) if len(total) else None
            groups = [v for v in map(_number, _per_period(frame)["value"]) if v is not None]
            if value is None or len(groups) < 2:
                continue
            if value in (0.0, 1.0) and REGISTRY[name].unit == "ratio":
                continue  # every group at 0% or 100% (nobody churned) is no sign of a repeat
            checked += 1
            if all(math.isclose(v, value, rel_tol=1e-12) for v in groups):
                repeated.append((name, by, value))
    assert repeated == []
    # most (metric, breakdown) pairs have two groups or more to compare
    assert checked > 120, checked
