"""The function category map: loaded from data, validated at once, owners move with the model."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

import revline.commands  # noqa: F401
from revline.cli import app
from revline.errors import ConfigError
from revline.org import STAGES, default_org_path, load_org, parse_org


def test_builtin_map_is_valid_and_complete() -> None:
    org = load_org()
    assert org.org_model == "full_cro"
    assert set(org.stages) == set(STAGES)
    assert {"marketing", "sales", "customer_success", "revops"} <= set(org.functions)
    assert all(org.executives[f] == "CRO" for f in org.functions)


def test_changing_the_org_model_changes_owners_without_code() -> None:
    full = load_org(org_model="full_cro")
    cmo = load_org(org_model="cmo_beside_cro")
    cco = load_org(org_model="cco_without_marketing")
    assert str(full.stage_owner("mql")) == "Marketing (CRO)"
    assert str(cmo.stage_owner("mql")) == "Marketing (CMO)"
    assert str(cco.stage_owner("mql")) == "Marketing (CEO)"
    assert not full.crosses_executives("mql_to_sal")
    assert cmo.crosses_executives("mql_to_sal") and cco.crosses_executives("mql_to_sal")
    assert not cco.crosses_executives("opportunity_to_closed_won")


def test_overrides_move_ownership_for_one_model(tmp_path: Path) -> None:
    raw = yaml.safe_load(default_org_path().read_text())
    raw["overrides"] = {"cmo_beside_cro": {"stages": {"sal": "marketing"}}}
    assert parse_org(raw, "x.yaml", "cmo_beside_cro").stage_owner("sal").function == "marketing"
    assert parse_org(raw, "x.yaml", "full_cro").stage_owner("sal").function == "sales_development"


def test_every_problem_is_reported_at_once() -> None:
    raw = yaml.safe_load(default_org_path().read_text())
    raw["stages"]["mql"] = "marketting"
    del raw["stages"]["churned"]
    raw["handoffs"]["mql_to_sal"]["owner"] = "nobody"
    raw["org_models"]["full_cro"]["executives"]["CRO"].remove("revops")
    with pytest.raises(ConfigError) as info:
        parse_org(raw, "broken.yaml")
    message = str(info.value)
    assert "4 problem(s)" in message
    assert "stages.mql: Unknown function 'marketting'. Did you mean 'marketing'?" in message
    assert "'churned' has no owner" in message
    assert "handoffs.mql_to_sal: Unknown function 'nobody'" in message
    assert "function 'revops' reports to no executive" in message


def test_unknown_org_model_suggests_the_closest() -> None:
    with pytest.raises(ConfigError, match="Did you mean 'full_cro'"):
        load_org(org_model="full_cr")


def test_metric_owners_must_be_functions() -> None:
    org = load_org()
    assert org.check_metrics({"nrr": "customer_success", "win_rate": "sales"}) == []
    problems = org.check_metrics({"nrr": "finance"})
    assert len(problems) == 1 and "metric 'nrr': owner 'finance'" in problems[0]


def test_cli_shows_and_validates(tmp_path: Path) -> None:
    runner = CliRunner()
    shown = runner.invoke(app, ["org", "show", "--model", "cco_without_marketing"])
    assert shown.exit_code == 0, shown.output
    assert "Marketing (CEO)" in shown.output and "crosses executives" in shown.output
    valid = runner.invoke(app, ["org", "validate"])
    assert valid.exit_code == 0 and "valid" in valid.output
    broken = tmp_path / "org.yaml"
    broken.write_text("org_model: nope\nfunctions: {}\n")
    result = runner.invoke(app, ["org", "validate", "--org", str(broken)])
    assert isinstance(result.exception, ConfigError)
