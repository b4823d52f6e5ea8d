"""Filters: a figure restricted to several declared dimensions at once, broken down by another.

On the hand-built company of tests/fixtures/gtm/company.py (accounts a0, a1, a4: smb in emea;
a3: smb in north_america; a2: enterprise in north_america), for every metric that can be
filtered by segment and region: the figure filtered to one segment equals that segment's group
of the breakdown by segment, and filtered to a segment and a region equals that region's group
of the breakdown by region filtered to the segment. A filter on an undeclared dimension is
refused before a query runs.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from conftest import CliRunnerFn
from fixtures.gtm.company import AS_OF, build
from revline.errors import ConfigError
from revline.metrics import REGISTRY, compute, compute_many
from revline.metrics.gtm_frame import GtmSettings
from revline.warehouse import Warehouse

SETTINGS = GtmSettings(as_of=AS_OF)
FILTERED = [
    n
    for n, m in REGISTRY.items()
    if {"segment", "region"} <= set(m.filterable) and not n.startswith("cohort_")
]


@pytest.fixture(scope="module")
def company(tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    return build(Warehouse.create(tmp_path_factory.mktemp("filters") / "filters.duckdb"))


def _values(frame: pd.DataFrame, by: str | None = None) -> dict[Any, float | None]:
    keys = list(zip(frame["period"], frame[by], strict=True)) if by else list(frame["period"])
    values = frame["value"]
    return {k: (None if pd.isna(v) else float(v)) for k, v in zip(keys, values, strict=True)}


def _same(got: dict[Any, float | None], want: dict[Any, float | None], name: str) -> None:
    for key, value in want.items():
        other = got.get(key)
        if value is None:
            assert other is None or math.isnan(other), (name, key, other)
        else:
            assert other is not None and math.isclose(other, value, rel_tol=1e-9), (
                name,
                key,
                other,
                value,
            )


def test_a_filter_is_the_group_of_the_breakdown(company: Warehouse) -> None:
    by_segment = compute_many(FILTERED, "quarter", "segment", warehouse=company, settings=SETTINGS)
    smb = compute_many(
        FILTERED, "quarter", warehouse=company, settings=SETTINGS, filters={"segment": "smb"}
    )
    compared = 0
    for name in FILTERED:
        groups = _values(by_segment[name], "segment")
        want = {p: v for (p, g), v in groups.items() if g == "smb"}
        got = _values(smb[name])
        _same(got, want, name)
        compared += sum(v is not None for v in want.values())
    assert compared > 40, compared  # most metrics have smb figures in some quarter


def test_two_filters_are_the_group_of_the_filtered_breakdown(company: Warehouse) -> None:
    smb = {"segment": "smb"}
    by_region = compute_many(
        FILTERED, "quarter", "region", warehouse=company, settings=SETTINGS, filters=smb
    )
    emea = compute_many(
        FILTERED,
        "quarter",
        warehouse=company,
        settings=SETTINGS,
        filters={**smb, "region": "emea"},
    )
    for name in FILTERED:
        groups = _values(by_region[name], "region")
        _same(_values(emea[name]), {p: v for (p, g), v in groups.items() if g == "emea"}, name)
    # and by hand: smb in emea is a0, a1 and a4, whose MRR is below the smb total
    mrr_emea = _values(emea["mrr"])
    mrr_smb = _values(compute("mrr", "quarter", warehouse=company, settings=SETTINGS, filters=smb))
    assert any(v and mrr_smb[p] and v < mrr_smb[p] for p, v in mrr_emea.items())


def test_a_filter_by_owner_restricts_deals_and_quotas(company: Warehouse) -> None:
    by_owner = compute_many(
        ["bookings", "quota_attainment"], "2025-Q2", "owner", warehouse=company, settings=SETTINGS
    )
    for name, frame in by_owner.items():
        for owner, value in zip(frame["owner"], frame["value"], strict=True):
            one = compute(
                name, "2025-Q2", warehouse=company, settings=SETTINGS, filters={"owner": owner}
            )
            assert float(one["value"].iloc[0]) == pytest.approx(float(value)), (name, owner)


def test_an_undeclared_filter_is_refused(tmp_path: Path, revline_cli: CliRunnerFn) -> None:
    missing = tmp_path / "none.duckdb"
    with pytest.raises(ConfigError, match=r"cannot be filtered by 'segment'\. Its filters: none"):
        compute("cac", "2025-Q2", warehouse=missing, filters={"segment": "smb"})
    with pytest.raises(ConfigError, match="Did you mean 'region'"):
        compute("mrr", "2025-Q2", warehouse=missing, filters={"regon": "emea"})
    result = revline_cli(
        "metrics", "compute", "mrr", "-w", str(missing), "--where", "competitor=acme"
    )
    assert result.exit_code != 0 and "Its filters: segment, region" in result.stderr
    bad = revline_cli("metrics", "compute", "mrr", "-w", str(missing), "--where", "segment")
    assert bad.exit_code != 0 and "is not DIM=VALUE" in bad.stderr
    assert not missing.exists()


def test_cli_where(company: Warehouse, revline_cli: CliRunnerFn, tmp_path: Path) -> None:
    import io

    path = tmp_path / "c.duckdb"
    build(Warehouse.create(path)).close()
    args = ["metrics", "compute", "mrr", "-w", str(path), "-p", "2025-Q2", "-f", "csv"]
    result = revline_cli(
        *args, "--where", "segment=smb", "--where", "region=emea", "--as-of", str(AS_OF)
    )
    assert result.exit_code == 0, result.output
    got = pd.read_csv(io.StringIO(result.stdout))
    want = compute(
        "mrr",
        "2025-Q2",
        warehouse=company,
        settings=SETTINGS,
        filters={"segment": "smb", "region": "emea"},
    )
    assert float(got["value"].iloc[0]) == float(want["value"].iloc[0])
