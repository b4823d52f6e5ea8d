"""The seams on a small synthetic company: accounting identities, ownership from the map,
leaks and SLAs, and the ``revline funnel`` / ``revline sla`` commands end to end."""

from __future__ import annotations

import csv
import io
import itertools
import json
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from conftest import CliRunnerFn
from revline.analyses.seams import FlowStats, evaluate_slas, leaking_seams, seams
from revline.model.stages import CHAIN
from revline.org import default_org_path, load_org
from revline.synth import generate
from revline.warehouse import Warehouse


@pytest.fixture(scope="module")
def company(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("seams") / "synth.duckdb"
    with Warehouse.create(path) as wh:
        generate(wh, 400, 18, 11)
    yield path


@pytest.fixture(scope="module")
def stats(company: Path) -> list[FlowStats]:
    with Warehouse.open(company) as wh:
        return seams(wh)


def test_every_hand_off_of_the_map_is_measured_with_its_owner(stats: list[FlowStats]) -> None:
    org = load_org()
    assert [f.name for f in stats] == [
        "lead_to_mql",
        "mql_to_sal",
        "sal_to_sql",
        "sql_to_opportunity",
        "opportunity_to_closed_won",
        "closed_won_to_onboarded",
        "onboarded_to_expanded",
        "onboarded_to_renewed",
    ]
    for f in stats:
        assert f.owner == org.handoff_owner(f.name)


def test_outcomes_add_up_and_cohorts_sum_to_the_whole(stats: list[FlowStats]) -> None:
    for f in stats:
        assert f.entered == f.converted + f.lost + f.stalled + f.open, f.name
        assert sum(c.entered for c in f.cohorts) == f.entered, f.name
        assert sum(c.open for c in f.cohorts) == f.open, f.name
        assert sum(f.lost_to.values()) == f.lost + f.stalled, f.name
        assert sum(f.time.buckets.values()) == f.time.count, f.name
        assert f.entered > 0, f.name


def test_each_funnel_stage_is_at_most_the_one_before(stats: list[FlowStats]) -> None:
    chain = {f.from_stage: f for f in stats if f.to_stage in CHAIN}
    passed = [chain[s].converted for s in CHAIN[:-1]]
    assert passed == sorted(passed, reverse=True)
    # what passes one seam is what enters the next, unless it skipped the stage in between
    for a, b in itertools.pairwise(CHAIN[:-1]):
        assert chain[b].entered <= chain[a].converted


def test_ownership_moves_with_the_map(company: Path, tmp_path: Path) -> None:
    raw = yaml.safe_load(default_org_path().read_text(encoding="utf-8"))
    raw["handoffs"]["mql_to_sal"]["owner"] = "marketing"
    custom = tmp_path / "org.yaml"
    custom.write_text(yaml.safe_dump(raw), encoding="utf-8")
    with Warehouse.open(company) as wh:
        (f,) = [x for x in seams(wh, org=load_org(custom)) if x.name == "mql_to_sal"]
    assert f.owner is not None and f.owner.function == "marketing"


def test_leaks_are_ranked_and_their_stake_is_the_stated_product(company: Path) -> None:
    with Warehouse.open(company) as wh:
        leaks = leaking_seams(wh, by=["channel"], min_entered=10, ratio=0.9)
    assert leaks, "a company this size has some group below 90% of its seam"
    stakes = [x.revenue_at_stake for x in leaks]
    assert stakes == sorted(stakes, reverse=True)
    for x in leaks:
        assert x.conversion < 0.9 * x.baseline
        expected = (Decimal(str(round(x.lost_volume, 6))) * x.value_per_conversion).quantize(
            Decimal("0.01")
        )
        assert x.revenue_at_stake == expected
        assert x.owner.function in load_org().functions
        assert x.examples


def test_sla_breaches_add_up_per_rep_and_period(company: Path) -> None:
    with Warehouse.open(company) as wh:
        report = evaluate_slas(wh)
    for r in report.results:
        assert sum(c.breaches for c in r.by_rep) == r.breaches, r.name
        assert sum(c.breaches for c in r.by_period) == r.breaches, r.name
        assert sum(c.measured for c in r.by_period) == r.measured, r.name
        rows = report.rows[report.rows.sla == r.name]
        assert len(rows) == r.measured and int(rows.breached.sum()) == r.breaches, r.name
    owners = report.by_owner()
    assert set(owners) == {"marketing", "sales_development", "sales", "customer_success"}
    first = {r.name: r for r in report.results}["first_response"]
    assert first.breaches > 0 and first.revenue_at_stake is not None


def test_funnel_command_formats(company: Path, revline_cli: CliRunnerFn) -> None:
    done = revline_cli("funnel", "-w", str(company), "--by", "segment", "--format", "csv")
    assert done.exit_code == 0, done.output
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    assert {r["segment"] for r in rows} <= {"enterprise", "mid_market", "smb", "(none)"}
    assert {r["seam"] for r in rows} >= {"lead_to_mql", "closed_won_to_onboarded"}
    done = revline_cli("funnel", "-w", str(company), "--from", "lead", "--to", "mql", "-f", "json")
    assert done.exit_code == 0, done.output
    (parsed,) = json.loads(done.stdout)
    assert parsed["seam"] == "lead_to_mql" and parsed["owner"] == "Marketing (CRO)"
    assert isinstance(parsed["lost_to"], dict) and isinstance(parsed["time_buckets"], dict)
    for args in (["--cohorts", "--from", "mql", "--to", "sal"], ["--anomalies"]):
        done = revline_cli("funnel", "-w", str(company), *args)
        assert done.exit_code == 0, done.output


def test_leaks_command(company: Path, revline_cli: CliRunnerFn) -> None:
    done = revline_cli("funnel", "-w", str(company), "--leaks", "--by", "segment", "-f", "json")
    assert done.exit_code == 0, done.output
    for row in json.loads(done.stdout):
        assert row["dimension"] == "segment" and row["conversion"] < row["baseline"]


def test_sla_command(company: Path, revline_cli: CliRunnerFn) -> None:
    done = revline_cli("sla", "-w", str(company), "--by", "owner", "--format", "json")
    assert done.exit_code == 0, done.output
    owners = {r["owner"] for r in json.loads(done.stdout)}
    assert "sales_development" in owners
    done = revline_cli("sla", "-w", str(company))
    assert done.exit_code == 0 and "first_response" in done.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["funnel", "--by", "segmnt"], "Did you mean 'segment'?"),
        (["funnel", "--from", "mql"], "--from and --to go together"),
        (["funnel", "--from", "sql", "--to", "mql"], "does not come after"),
        (["funnel", "--from", "mql", "--to", "sqll"], "Unknown lifecycle stage 'sqll'"),
        (["funnel", "--as-of", "2025-02-30"], "is not a date"),
        (["sla", "--by", "reps"], "Did you mean 'rep'?"),
    ],
)
def test_bad_input_is_an_error_without_a_trace(
    company: Path, revline_cli: CliRunnerFn, args: list[str], message: str
) -> None:
    done = revline_cli(args[0], "-w", str(company), *args[1:])
    assert done.exit_code == 2
    assert message in done.output
    assert "Traceback" not in done.output


def test_bad_sla_file_names_file_key_value_and_expectation(
    company: Path, revline_cli: CliRunnerFn, tmp_path: Path
) -> None:
    bad = tmp_path / "slas.yaml"
    bad.write_text(
        "slas:\n  fr: {kind: first_response, within_hours: soon}\n  x: {kind: go_lve}\n",
        encoding="utf-8",
    )
    done = revline_cli("sla", "-w", str(company), "--slas", str(bad))
    assert done.exit_code == 2
    assert str(bad) in done.output
    assert "slas.fr.within_hours: got 'soon', expected a number at least 0" in done.output
    assert "Did you mean 'go_live'?" in done.output
    assert "Traceback" not in done.output


def test_funnel_page_shows_the_seams_of_the_filtered_group(company: Path) -> None:
    from revline.web.pages.funnel import funnel
    from revline.web.registry import Filters, PageContext

    with Warehouse.open(company, read_only=True) as wh:
        ctx = PageContext(wh, Filters(region="emea"), "2025-Q2", None, load_org())
        data = funnel(ctx)
        want = {
            f.name: f
            for f in seams(wh, by=["region"], as_of=date(2025, 7, 1))
            if f.group["region"] == "emea"
        }
    handoffs, slas = data["tables"]
    assert [r["seam"]["value"] for r in handoffs["rows"]] == list(want)
    for row in handoffs["rows"]:
        f = want[row["seam"]["value"]]
        assert row["entered"]["value"] == f.entered
        assert row["converted"]["value"] == f.converted
    assert {r["sla"]["value"] for r in slas["rows"]} >= {"first_response", "go_live"}
