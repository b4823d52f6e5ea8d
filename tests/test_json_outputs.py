"""Every command's ``--format json`` parses strictly, with money as exact strings.

The commands are read from the typer app (every command and sub-command whose ``--format``
offers json), so a new command is covered as soon as it registers; it needs a line in
:data:`RECIPES` (its arguments on the test company), and the test says so when it has none.

Each output is parsed with a strict parser (``NaN``/``Infinity`` refused), no string in it may be
a Python repr (``np.float64(...)``, ``Decimal(...)``, ``nan``), and every money field is a string
that parses as a ``Decimal`` with at most :data:`revline.serialize.MAX_MONEY_PLACES` places (a
computed figure at most :data:`revline.serialize.MONEY_PLACES`). Money fields are found three
ways, independently of the serializer: objects that carry ``"unit": "currency"`` (scorecard
lines), the metric's declared unit (``metrics compute``), and the money columns listed per
command below. CSV goes through the same serializer and is checked for the float noise the
scorecard used to print (``469105.0800000001``).
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from cli_commands import click_app, walk
from conftest import CliRunnerFn
from revline.serialize import MONEY_PLACES
from revline.synth import generate
from revline.warehouse import Warehouse
from strict_json import FLOAT_NOISE, money_ok, problems, strict

INGEST = Path(__file__).parent / "data" / "ingest"


def _takes_json(command: Any) -> bool:
    for param in command.params:
        if "--format" in (getattr(param, "opts", None) or []):
            return "json" in (param.help or "").lower()
    return False


def json_commands() -> list[str]:
    """Every command of the CLI whose ``--format`` offers json."""
    return sorted(name for name, cmd in walk(click_app()) if _takes_json(cmd))


#: Arguments of each command on the test company; ``{wh}`` is the company, ``{tmp}`` a fresh
#: folder. Money columns (besides unit-tagged objects) are listed after the arguments.
RECIPES: dict[str, tuple[list[str], frozenset[str]]] = {
    "check": (["-w", "{wh}"], frozenset()),
    "diagnose": (["-w", "{wh}"], frozenset({"at_stake"})),
    "funnel": (["-w", "{wh}"], frozenset()),
    "sla": (["-w", "{wh}"], frozenset()),
    "import": (
        ["subscriptions", str(INGEST / "subscriptions.csv"), "-w", "{tmp}/import.duckdb"],
        frozenset(),
    ),
    "schema": ([], frozenset()),
    "scorecard": (["-w", "{wh}"], frozenset()),
    "synth": (["--accounts", "40", "--months", "4", "-w", "{tmp}/synth.duckdb"], frozenset()),
    "forecast bookings": (
        ["-w", "{wh}", "--as-of", "2025-11-15"],
        frozenset({"mean", "median", "lo-80", "hi-80", "lo-90", "hi-90", "value", "expected"}),
    ),
    "forecast backtest": (
        ["-w", "{wh}", "--start", "2025-10-01"],
        frozenset({"forecast", "lo_80", "hi_80", "actual"}),
    ),
    "forecast revenue": (
        ["-w", "{wh}", "--as-of", "2026-01-01", "--sims", "40", "--months", "3", "-s", "churn-2"],
        frozenset({"base_mrr", "mean", "median", "lo-80", "hi-80", "lo-90", "hi-90"}),
    ),
    "metrics list": ([], frozenset()),
    "metrics explain": (["nrr"], frozenset()),
    "metrics compute": (["new_arr", "-w", "{wh}", "-p", "quarter"], frozenset({"value"})),
    "metrics rows": (
        ["churned_mrr", "-w", "{wh}", "-p", "2025-Q4"],
        frozenset({"amount", "start_mrr", "end_mrr"}),
    ),
    "org show": ([], frozenset()),
    "users list": (["-w", "{tmp}/users.duckdb"], frozenset()),
    "users tokens": (["-w", "{tmp}/users.duckdb"], frozenset()),
}


@pytest.fixture(scope="module")
def company(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("json") / "company.duckdb"
    with Warehouse.create(path) as wh:
        generate(wh, accounts=1_500, months=24, seed=3)
    return str(path)


def test_every_json_command_has_a_recipe() -> None:
    missing = sorted(set(json_commands()) - set(RECIPES))
    assert not missing, f"add these commands to RECIPES in {__file__}: {missing}"
    assert {"scorecard", "metrics compute", "forecast backtest"} <= set(json_commands())


@pytest.mark.parametrize("command", json_commands())
def test_json_is_strict(
    command: str, company: str, tmp_path: Path, revline_cli: CliRunnerFn
) -> None:
    args, money = RECIPES.get(command, ([], frozenset()))
    assert command in RECIPES, f"add {command!r} to RECIPES"
    filled = [a.replace("{wh}", company).replace("{tmp}", str(tmp_path)) for a in args]
    if command == "import":
        with Warehouse.create(tmp_path / "import.duckdb"):
            pass
    out = revline_cli(*command.split(), *filled, "--format", "json")
    assert out.exit_code == 0, out.output
    doc = strict(out.stdout)
    assert problems(doc, money) == []


def test_metric_values_follow_the_declared_unit(company: str, revline_cli: CliRunnerFn) -> None:
    """``metrics compute``: money an exact string, ratios and counts JSON numbers."""
    from revline.metrics import get_metric

    for name in ("arr", "nrr", "customers", "cac_payback_months", "bookings", "win_rate"):
        out = revline_cli("metrics", "compute", name, "-w", company, "-p", "quarter", "-f", "json")
        assert out.exit_code == 0, out.output
        unit = get_metric(name).unit
        for row in strict(out.stdout):
            value = row["value"]
            if unit == "currency":
                assert money_ok(value, MONEY_PLACES) is None, (name, value)
            else:
                assert value is None or isinstance(value, int | float), (name, value)


def test_scorecard_change_is_exact(company: str, revline_cli: CliRunnerFn) -> None:
    """The change of a money line is exact decimal arithmetic (was ``3169905.4800000004``),
    in JSON and in CSV."""
    out = revline_cli("scorecard", "-w", company, "--format", "json")
    assert out.exit_code == 0, out.output
    lines = [line for line in strict(out.stdout)["lines"] if line["unit"] == "currency"]
    assert lines and any(line["change"] is not None for line in lines)
    for line in lines:
        if line["change"] is not None:
            assert Decimal(line["change"]) == Decimal(line["value"]) - Decimal(line["prior"])
    as_csv = revline_cli("scorecard", "-w", company, "--format", "csv")
    assert as_csv.exit_code == 0, as_csv.output
    assert not FLOAT_NOISE.search(as_csv.stdout), as_csv.stdout
    for row in csv.DictReader(io.StringIO(as_csv.stdout)):
        if row["unit"] == "currency" and row["change"]:
            assert Decimal(row["change"]) == Decimal(row["value"]) - Decimal(row["prior"])


def test_checker_catches_the_old_bugs() -> None:
    """The checks above fail on what the commands printed before the one serializer."""
    with pytest.raises(ValueError, match="NaN"):
        strict('{"value": NaN}')
    line = {"unit": "currency", "value": "1.00", "change": 3169905.4800000004}
    assert problems(line, frozenset()) == ["$.change: 3169905.4800000004 is not a string"]
    ratio = {"unit": "ratio", "value": "np.float64(0.2911246118343689)"}
    assert problems(ratio, frozenset()) == [
        "$.value: 'np.float64(0.2911246118343689)' is a Python repr"
    ]
    assert problems({"median": 84503.2968599476}, frozenset({"median"}))
    assert problems({"value": "3701047.0931"}, frozenset({"value"}))  # more places than cents
    assert FLOAT_NOISE.search("2025-Q4,new_arr,New ARR,currency,1,2,469105.0800000001")
