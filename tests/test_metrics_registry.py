"""The metric catalogue: declared once, validated as a whole, and reachable from the CLI."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

import revline.commands  # noqa: F401  (registers the CLI commands)
from conftest import CliRunnerFn
from fixtures.mrr.company import TABLES
from fixtures.mrr.rows import load
from revline.cli import app
from revline.errors import ConfigError
from revline.metrics import (
    ALL_METRICS,
    REGISTRY,
    Benchmark,
    Derived,
    Simple,
    explain,
    get_metric,
    validate_catalogue,
)
from revline.metrics.oracles import ORACLES
from revline.org import default_org_path, load_org, parse_org

REQUIRED = {
    "mrr",
    "arr",
    "customers",
    "arpa",
    "new_mrr",
    "expansion_mrr",
    "contraction_mrr",
    "churned_mrr",
    "reactivation_mrr",
    "net_new_mrr",
    "nrr",
    "grr",
    "logo_retention",
    "customer_churn_rate",
    "quick_ratio",
}


def test_the_catalogue_is_sound_and_complete() -> None:
    assert validate_catalogue() == []
    assert set(REGISTRY) >= REQUIRED
    assert len(REGISTRY) == len(ALL_METRICS)  # every metric declared once
    org = load_org()
    for metric in REGISTRY.values():
        assert metric.owner in org.functions


def test_owners_come_from_the_org_map() -> None:
    raw = yaml.safe_load(default_org_path().read_text())
    raw["metrics"] = {"nrr": "renewals", "nrr_12mo": "sales"}
    org = parse_org(raw, "org.yaml")
    assert org.metric_owner("nrr", REGISTRY["nrr"].owner).function == "renewals"
    text = [str(p) for p in validate_catalogue(org=org)]
    assert text == [
        "nrr_12mo: is given an owner in org.yaml but is not in the registry. "
        "Fix: Remove it from the metrics section of org.yaml (did you mean 'nrr_t12m'?)."
    ]
    raw["functions"].pop("revops")
    for model in raw["org_models"].values():
        for members in model["executives"].values():
            if "revops" in members:
                members.remove("revops")
    without_revops = parse_org(raw, "org.yaml")
    owned_by_revops = [m.name for m in REGISTRY.values() if m.owner == "revops"]
    text = [str(p) for p in validate_catalogue(org=without_revops)]
    assert len([t for t in text if "owner 'revops' is not a function" in t]) == len(owned_by_revops)


def test_every_problem_is_reported_at_once_with_its_fix() -> None:
    nrr = REGISTRY["nrr"]
    broken = [
        replace(nrr, name="nrr_bad", owner="salse", description=" ", tables=("subscriptons",)),
        replace(nrr, name="grr_bad", formula="", unit="", benchmark=Benchmark("", "", 2024)),
        replace(nrr, name="odd", kind="weird", grain="fortnight"),  # type: ignore[arg-type]
        nrr,
        nrr,
    ]
    # value tests are checked in test_a_broken_catalogue_reports_each_problem
    text = [str(p) for p in validate_catalogue(broken) if "value test" not in p.problem]
    assert any(
        "nrr_bad: owner 'salse' is not a function of the org map (did you mean 'sales'?)." in t
        for t in text
    )
    assert any("nrr_bad: has no description." in t for t in text)
    assert any(
        "reads unknown table 'subscriptons' (did you mean 'subscriptions'?)" in t for t in text
    )
    assert any(t.startswith("grr_bad: has no formula.") for t in text)
    assert any(t.startswith("grr_bad: has no unit.") for t in text)
    assert any("grr_bad: has a benchmark without a band or a source." in t for t in text)
    assert any(t.startswith("odd: kind 'weird'") for t in text)
    assert any(t.startswith("odd: grain 'fortnight' is unknown.") for t in text)
    assert any(t == "nrr: is declared 2 times. Fix: Declare each metric once." for t in text)
    assert all(" Fix: " in t for t in text)
    assert len(text) == 9


def test_a_broken_catalogue_reports_each_problem() -> None:
    """Missing input, cycle, a unit that does not follow from the kind, an unknown owner, no
    value test, an undeclared breakdown and a malformed benchmark: all reported at once."""
    r = REGISTRY
    broken = [
        *(m for m in r.values() if m.name not in ("arr", "cac", "ltv_cac", "cac_ratio")),
        replace(r["arr"], kind=Derived(("mrr", "mmr"), "mrr x 12")),  # missing input
        replace(r["cac"], kind=Derived(("sm_spend", "cac_payback_months"), "x")),  # a cycle
        replace(r["cac_ratio"], unit="currency"),  # new_arr / sm_spend: currency / currency
        replace(r["ltv_cac"], owner="finanse", breakdowns=("segment", "colour")),
        replace(r["mrr"], name="mrr_twice", kind=Simple("MRR", "balance")),  # no value test
        replace(
            r["win_rate"],
            name="win_rate_bad",
            benchmark=Benchmark("b", "s", 24, green=0.2, amber=0.3),
        ),
    ]
    oracles = {**ORACLES, "win_rate_bad": "tests/test_sales_metrics.py::test_deal_counts"}
    text = [str(p) for p in validate_catalogue(broken, oracles=oracles)]
    expected = [
        "arr: reads input 'mmr', which is not in the registry (did you mean 'mrr'?).",
        "cac_payback_months: is on a dependency cycle: cac_payback_months -> cac -> "
        "cac_payback_months.",
        "cac_ratio: unit 'currency' does not follow from its kind: a ratio of currency to "
        "currency is ratio or multiple.",
        "ltv_cac: owner 'finanse' is not a function of the org map",
        "ltv_cac: breakdown 'colour' is not one its gtm frame computes",
        "ltv_cac: declares breakdowns colour that its input 'ltv' does not support.",
        "ltv_cac: declares breakdowns colour that its input 'cac' does not support.",
        "mrr_twice: has no value test",
        "win_rate_bad: names value test tests/test_sales_metrics.py::test_deal_counts, whose "
        "file never names 'win_rate_bad'.",
        "win_rate_bad: benchmark year 24 is not a year.",
        "win_rate_bad: benchmark (company): green 0.2 is not beyond amber 0.3",
    ]
    for start in expected:
        assert any(t.startswith(start) for t in text), (start, text)
    assert all(" Fix: " in t for t in text)
    assert len(text) == len(expected)


def test_explain_prints_the_declaration() -> None:
    text = explain("NRR")
    assert text.startswith("nrr (ratio, ratio, by period)")
    assert "Owner: Customer success (CRO)" in text
    assert "Benchmark:" in text and "KeyBanc" in text
    assert "Reads: subscriptions, plans, invoices, fx_rates, accounts" in text
    with pytest.raises(ConfigError, match="Did you mean 'churned_mrr'"):
        get_metric("churn_mrr")


runner = CliRunner()


def test_cli_list_explain_validate() -> None:
    listed = runner.invoke(app, ["metrics", "list"], terminal_width=200)
    assert listed.exit_code == 0
    for name in REQUIRED:
        assert name in listed.output
    explained = runner.invoke(app, ["metrics", "explain", "grr"])
    assert explained.exit_code == 0 and "cannot exceed 100%" in explained.output
    valid = runner.invoke(app, ["metrics", "validate"])
    assert valid.exit_code == 0 and f"{len(REGISTRY)} metrics" in valid.output


def test_cli_unknown_metric_suggests_the_closest() -> None:
    result = runner.invoke(app, ["metrics", "explain", "nrrr"], standalone_mode=False)
    assert isinstance(result.exception, ConfigError)
    assert "Did you mean 'nrr'?" in str(result.exception)


def test_cli_compute_reads_the_warehouse(tmp_path: Path) -> None:
    from revline.warehouse import Warehouse

    path = tmp_path / "company.duckdb"
    with Warehouse.create(path) as wh:
        load(wh, TABLES)
    args = ["metrics", "compute", "mrr", "-w", str(path), "--period", "2025-Q2"]
    result = runner.invoke(app, [*args, "--as-of", str(date(2025, 6, 30))])
    assert result.exit_code == 0, result.output
    assert "2025-Q2" in result.output and "400.00" in result.output
    nrr = runner.invoke(
        app,
        [
            "metrics",
            "compute",
            "nrr",
            "-w",
            str(path),
            "-p",
            "2025-Q2",
            "--by",
            "segment",
            "--as-of",
            "2025-06-30",
        ],
    )
    assert nrr.exit_code == 0 and "enterprise" in nrr.output and "1.5" in nrr.output
    bad = runner.invoke(app, [*args, "--churn-recognition", "never"], standalone_mode=False)
    assert isinstance(bad.exception, ConfigError)


def test_cli_rows_drill_down_to_the_figure(tmp_path: Path, revline_cli: CliRunnerFn) -> None:
    import io

    import pandas as pd

    from revline.warehouse import Warehouse

    path = tmp_path / "company.duckdb"
    with Warehouse.create(path) as wh:
        load(wh, TABLES)
    common = ["-w", str(path), "--period", "2025-Q2", "--as-of", "2025-06-30"]
    shown = revline_cli("metrics", "rows", "churned_mrr", *common, "--format", "csv")
    assert shown.exit_code == 0, shown.output
    frame = pd.read_csv(io.StringIO(shown.stdout))
    assert set(frame["movement"]) == {"churn"}
    # the rows behind churned MRR add up to the figure (240.00 in tests/test_metrics_compute.py)
    assert round(frame["amount"].sum(), 2) == 240.00
    refused = revline_cli("metrics", "rows", "win_rate", *common)
    assert refused.exit_code == 2 and "has no customer-month drill-down" in refused.stderr


ROOT = Path(__file__).resolve().parent.parent
DECLARATION_KEYS = {
    "name",
    "kind",
    "inputs",
    "description",
    "formula",
    "unit",
    "grain",
    "frame",
    "breakdowns",
    "filters",
    "owner",
    "benchmark",
    "tables",
    "code",
    "test",
}


@pytest.mark.parametrize("name", list(REGISTRY))
def test_explain_json_gives_the_whole_declaration(name: str, revline_cli: CliRunnerFn) -> None:
    import json

    result = revline_cli("metrics", "explain", name, "--format", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    metric = REGISTRY[name]
    assert set(doc) == DECLARATION_KEYS
    assert doc["kind"]["name"] == metric.kind_name
    assert doc["inputs"] == list(metric.inputs) and doc["breakdowns"] == list(metric.breakdowns)
    assert doc["owner"]["function"] in load_org().functions and doc["owner"]["executive"]
    if metric.benchmark is not None:
        assert {"direction", "green", "amber", "band", "source", "year"} <= set(doc["benchmark"])
    # the code location points at the function that builds the metric's expression
    source = (ROOT / doc["code"]["file"]).read_text().splitlines()
    line = source[doc["code"]["line"] - 1]
    assert "def " in line or "lambda" in line, (doc["code"], line)
    # and the value test exists
    file, _, function = doc["test"].partition("::")
    assert f"def {function}(" in (ROOT / file).read_text()


def test_no_metric_family_reaches_the_registry() -> None:
    """Metrics reach each other through declared inputs (read_input), never by importing the
    registry (the old api -> catalogue -> efficiency -> api cycle, hidden by a lazy import)."""
    package = ROOT / "src" / "revline" / "metrics"
    for path in package.glob("*.py"):
        if path.name in ("api.py", "__init__.py", "drill.py"):  # the API (drill: rows API)
            continue
        text = path.read_text()
        assert "metrics.api" not in text and "REGISTRY" not in text, path.name


def test_derived_metrics_compute_from_their_inputs() -> None:
    """arr is mrr's expression times 12 through its declared input; ltv_cac reads ltv and cac;
    a metric reading an input it does not declare is refused."""
    from revline.metrics.core import Frame, Scope, read_input

    assert REGISTRY["arr"].inputs == ("mrr",)
    assert REGISTRY["ltv_cac"].inputs == ("ltv", "cac")
    assert set(REGISTRY["cac_payback_months"].inputs) == {
        "cac",
        "new_customers",
        "new_mrr",
        "gross_margin",
    }
    assert REGISTRY["avg_deal_size"].inputs == ("bookings", "deals_won")
    frame = Frame(None, None, None, (), None, None, scope=Scope("arr", ("mrr",), REGISTRY))  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="'arr' reads 'customers', which it does not declare"):
        read_input(frame, "customers")
