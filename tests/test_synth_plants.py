"""Planted problems in the synthetic company: off changes nothing, on plants what it says.

The golden fingerprints below were taken from the generator *before* the plant switches
existed (400 accounts x 12 months, seed 3, chunks of 150). With every switch off the company
must still be byte-identical to them: the switches add no random draws to the default path.
If a deliberate change to the generator or the schema changes them, regenerate them with
``_prints(wh)`` and say so in the change. The truth tables' floats are fingerprinted rounded
(see ``_truth_print``): their last bit depends on the CPU. ``truth_opportunity`` was
regenerated when it gained ``median_cycle_days`` (the bookings oracle's floor). All of them were
regenerated when the company gained its opening book (``revline.synth.opening``), after the
causal tests passed on it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import CliRunnerFn
from revline.errors import ConfigError
from revline.org import load_org
from revline.schema import TABLES
from revline.schema.core import Kind
from revline.synth import TRUTH_TABLES, SynthConfig, generate
from revline.synth.plants import PLANTS, parse_plant, plant_owner, planted_config
from revline.warehouse import Warehouse

GOLDEN = {
    "employees": "917b6738f67a33320278730a4ee23831d3c5d4ae9760ab6677a557f5cf92cf0d",
    "campaigns": "cf70c86d0d595f90c5039b7ab1c0bdf5493aa01e37ec58ebc4baaa8841834810",
    "touches": "ae800e9b1dedc3bd50f738d1044b93653fbfdd1ae42b2ea353988eeb2faf3cb1",
    "marketing_spend": "19c96ce6686a37c789a977f7a415cd7b14a97a1561bb2dc87d56b77964c2aa19",
    "acquisitions": "ffdec1eaf8dfef7408d53fd45fd1dd67f6651018609706fb294946a531661c7e",
    "partners": "ea55e7154928d5146c978b077b5498dcabe1c241e7b3d8627b69fb4d573ad969",
    "accounts": "af29292f98866910e9a3128b1162fea1247d686856b8b5ccc4a87d3fcaa58a94",
    "opportunities": "4adf9194b6c13e8a8c94d073796c3c7ccd3148113279e5ea6edb71a1416579c4",
    "opportunity_history": "212c37bfb1b6f36cb3759cd6bc97525c0326c235ff2b6c42f6def8b559363d21",
    "quotas": "b8b286a573233bcfd2c9f854137134efdc3aac41045ec0192c9275232053c12e",
    "leads": "59f591c2b03ab4e02dd8d672a55fa9e9ec0c3def44d3eafedc247a519a26a9b8",
    "plans": "a215fea0d772e7ad6e07dd277965ec7962085b62e6e05196b2c48b0927d87b8e",
    "subscriptions": "175b6a41959b5b5e91f33ecd4e0ff99373b7dad3068b8d8b58bb837da6769e34",
    "invoices": "03365bdcb0107b15cbfa6d2a62bc7f1debb6ea7be6fcff3848e65c8ef3a52b5e",
    "payments": "989c34070a956bcb0edbe3d3d7f00a73d72eebc9abb8899abf6f8acca4fd4923",
    "usage": "19d581b30faa70a3e8908266809210250691fa50cdf5fdd73a6061f6ce70c7ed",
    "tickets": "65fd830070cf3c3abf6e554ca5fc2d0fdf77694d944e1c6d6e1624abbf53f104",
    "onboarding": "a52624cd7c6d8cb8ce0528ddb477feb0ca4c8ee7d80558a8a55672a2a7741740",
    "health_notes": "4cf421b51fe31b0cfcc0d9cd2b1de2ee2b009cd9bd02df5190502a916df3ccc2",
    "churn_events": "4828e313fb846c5e982836270808c4334b0fd303f801d681dc15dc9370f94452",
    "expenses": "14c72d72071a9714e1e7ffc8db7ab802c449e5b5830198ef4e86abd9aa66e9d3",
    "financials": "7a5603fdc15bdeb3e9d2976d8bc645e6eb0073363b80f40979990833e4eadd2a",
    "targets": "d0e40f3a04414dc6a32adbbb7936ca4bedb074afa761f17a1d010aed4f4dab2e",
    "fx_rates": "8a47d0092a2756b4b14706f6d7545937e1bed4a213f2855e2c61ecf48cbd1f9f",
    "truth_account_month": "af352c26e4bfb6cc0896916cdf1e6d2ac7a71df74443cc4bbdf07708598280d3",
    "truth_opportunity": "b9e222595ca873dedd7d4c0cb7c178b9e02b3a3f6fcfe200436285b664863311",
}


def _prints(wh: Warehouse) -> dict[str, str]:
    prints = {name: wh.fingerprint(name) for name in TABLES}
    prints.update({name: _truth_print(wh, name) for name in TRUTH_PRINTED})
    return prints


#: Truth tables in the golden set (``truth_plants`` is empty with every switch off).
TRUTH_PRINTED = ("truth_account_month", "truth_opportunity")
#: Decimal places a truth table's floats are fingerprinted at.
FLOAT_PLACES = 9


def _truth_print(wh: Warehouse, name: str) -> str:
    """A truth table's fingerprint with its floats rounded to :data:`FLOAT_PLACES` places.

    Hazards and probabilities come from numpy's ``exp`` and ``log``, whose float64 results
    differ in the last bit between CPUs (numpy has its own AVX-512 routines and falls back to
    the C library elsewhere). Every other column, and every canonical table, is compared
    exactly; a changed draw moves a float far more than a billionth. Adding 0.0 makes a
    rounded -0.0 (a last-bit residue of an exact zero) read as 0.0.
    """
    floats = [col.name for col in TRUTH_TABLES[name].columns if col.kind is Kind.FLOAT]
    table = wh.table(name)
    cols = list(table.columns)
    rows = table.select(cols).order_by(cols).to_pyarrow()
    digest = hashlib.sha256()
    for col in cols:
        values = rows.column(col).to_pylist()
        if col in floats:
            values = [round(v, FLOAT_PLACES) + 0.0 for v in values]
        digest.update(str(values).encode())
    return digest.hexdigest()


def test_default_company_is_byte_identical_to_before_the_switches() -> None:
    with Warehouse.create(":memory:") as wh:
        generate(wh, accounts=400, months=12, seed=3, config=SynthConfig(chunk_size=150))
        prints = _prints(wh)
        assert _plants(wh) == 0
    changed = sorted(name for name in GOLDEN if prints.get(name) != GOLDEN[name])
    assert changed == []
    assert set(prints) == set(GOLDEN)


def _plants(wh: Warehouse) -> int:
    row = wh.con.execute("SELECT count(*) FROM truth_plants").fetchone()
    return int(row[0]) if row else -1


def _region_stats(wh: Warehouse) -> dict[str, tuple[float, float]]:
    rows = wh.con.execute(
        "SELECT region, median(epoch(first_response_at - mql_at)) / 3600,"
        " count(sal_at) / count(first_response_at) FROM leads GROUP BY 1"
    ).fetchall()
    return {r: (hours, sal) for r, hours, sal in rows}


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Warehouse]]:
    """The same company (seed 5) without plants and with all three."""
    folder = tmp_path_factory.mktemp("plants")
    config = planted_config(
        ["slow_response:emea", "poor_onboarding:mid_market", "junk_leads:webinar"]
    )
    off = Warehouse.create(folder / "off.duckdb")
    on = Warehouse.create(folder / "on.duckdb")
    generate(off, accounts=1500, months=18, seed=5)
    generate(on, accounts=1500, months=18, seed=5, config=config)
    yield {"off": off, "on": on}
    off.close()
    on.close()


def test_slow_response_slows_the_region_and_costs_conversion(
    planted: dict[str, Warehouse],
) -> None:
    off, on = _region_stats(planted["off"]), _region_stats(planted["on"])
    assert on["emea"][0] > 5 * off["emea"][0]
    assert abs(on["north_america"][0] - off["north_america"][0]) < 0.5
    assert on["emea"][1] < off["emea"][1] - 0.1


def test_poor_onboarding_stalls_the_segment(planted: dict[str, Warehouse]) -> None:
    def stalled(wh: Warehouse) -> dict[str, float]:
        rows = wh.con.execute(
            "SELECT a.segment, avg((o.status = 'stalled')::INT) FROM onboarding o"
            " JOIN accounts a USING (account_id) GROUP BY 1"
        ).fetchall()
        return dict(rows)

    assert stalled(planted["on"])["mid_market"] > 0.25
    assert stalled(planted["off"])["mid_market"] < 0.2
    # The plant acts on the customers onboarded in the window (the opening book was onboarded
    # before it), so their hazards are compared.
    sql = (
        "SELECT avg(churn_hazard) FILTER (WHERE segment = 'mid_market') FROM truth_account_month"
        " WHERE account_id IN (SELECT account_id FROM onboarding)"
    )
    hazard = planted["on"].con.execute(sql).fetchone()
    before = planted["off"].con.execute(sql).fetchone()
    assert hazard is not None and before is not None and hazard[0] > 1.5 * before[0]


def test_junk_channel_brings_many_leads_that_do_not_qualify(
    planted: dict[str, Warehouse],
) -> None:
    def channel(wh: Warehouse) -> tuple[float, float]:
        row = wh.con.execute(
            "SELECT avg((channel = 'webinar')::INT),"
            " count(sql_at) FILTER (WHERE channel = 'webinar')"
            " / count(*) FILTER (WHERE channel = 'webinar') FROM leads"
        ).fetchone()
        assert row is not None
        return row[0], row[1]

    (share_off, sql_off), (share_on, sql_on) = channel(planted["off"]), channel(planted["on"])
    assert share_on > 2 * share_off
    assert sql_on < sql_off / 3


def test_planted_truth_is_recorded_with_its_owner(planted: dict[str, Warehouse]) -> None:
    rows = (
        planted["on"]
        .con.execute(
            "SELECT plant, dimension, value, owner_kind, owner_key FROM truth_plants ORDER BY 1"
        )
        .fetchall()
    )
    assert rows == [
        ("junk_leads", "channel", "webinar", "stage", "lead"),
        ("poor_onboarding", "segment", "mid_market", "handoff", "closed_won_to_onboarded"),
        ("slow_response", "region", "emea", "handoff", "mql_to_sal"),
    ]
    assert _plants(planted["off"]) == 0
    org = load_org()
    owners = {p.name: plant_owner(org, p).function for p in PLANTS.values()}
    assert owners == {
        "slow_response": "sales_development",
        "poor_onboarding": "customer_success",
        "junk_leads": "marketing",
    }


def test_plant_specs_are_checked() -> None:
    assert parse_plant("slow_response:emea") == ("slow_response_region", "emea")
    with pytest.raises(ConfigError, match="Did you mean 'webinar'"):
        parse_plant("junk_leads:webnar")
    with pytest.raises(ConfigError, match="Unknown plant 'slow'"):
        parse_plant("slow:emea")
    with pytest.raises(ConfigError, match="Unknown region ''"):
        parse_plant("slow_response")
    with pytest.raises(ConfigError, match="Unknown segment 'midmarket'"):
        SynthConfig(poor_onboarding_segment="midmarket")


def test_cli_plants_and_refuses_bad_specs(revline_cli: CliRunnerFn, tmp_path: Path) -> None:
    path = str(tmp_path / "w.duckdb")
    args = ["synth", "-w", path, "--accounts", "150", "--months", "6"]
    bad = revline_cli(*args, "--plant", "junk_leads:webnar")
    assert bad.exit_code == 2
    assert "Did you mean 'webinar'" in bad.stderr and "Traceback" not in bad.output
    ok = revline_cli(*args, "--plant", "slow_response:apac", "--plant", "junk_leads:email")
    assert ok.exit_code == 0, ok.output
    with Warehouse.open(path, read_only=True) as wh:
        assert _plants(wh) == 2
    assert "truth_plants" in TRUTH_TABLES
