"""Planted problems in the synthetic company: off changes nothing, on plants what it says.

The golden fingerprints below were taken from the generator *before* the plant switches
existed (400 accounts x 12 months, seed 3, chunks of 150). With every switch off the company
must still be byte-identical to them: the switches add no random draws to the default path.
If a deliberate change to the generator or the schema changes them, regenerate them with
``_prints(wh)`` and say so in the change. The truth tables' floats are fingerprinted rounded
(see ``_truth_print``): their last bit depends on the CPU. ``truth_opportunity`` was
regenerated when it gained ``median_cycle_days`` (the bookings oracle's floor).
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
    "employees": "10e2d20271370b5692310ca8510439746ca54bfc9233f1cdac2d47c0245052c5",
    "campaigns": "771b31c2873a326109981fd05ef61593c1b327e84bf9939595d3aeb58fdbb1b9",
    "touches": "c2d72b3884a1d81e4d24fce1dfdb5ad9b3bc67bd8163d97791fb717f6a5c9ede",
    "marketing_spend": "f0d448c9e3631518cdd5437a5e62b7e34d9805c33cd1910ed8d9b6ac1d36207d",
    "acquisitions": "043ad9f905124fadffd3dc5a83f33865d5b301c85664dbd05a664ef4aa4c4943",
    "partners": "bcdca436a5f0b48f44cacd2d21d59ee98de66228e588a8eef6c86aae66ff9bd2",
    "accounts": "e4c485cf590ed9100b89ed8c2341b61d2eedf65962e335174b6ae52027bbf9cd",
    "opportunities": "76c099ac7c612a6922390aaeb91a265f7f575e0ff2915110df6a73b760de600c",
    "opportunity_history": "7c305d48995653dde7edbc25a17ff3b5bf2ae8782858b2ee404b2bf116308aa4",
    "quotas": "14191b2c8ecbcd1813626772ce47e832f4df9a74711cb98392d70d68e6cb8ee4",
    "leads": "3e496e576f5b02b087bfd6981521a351ca9b3a113b5532470a787333009be1cc",
    "plans": "a215fea0d772e7ad6e07dd277965ec7962085b62e6e05196b2c48b0927d87b8e",
    "subscriptions": "2a0eda14529d8399af5140a6e7f1e15c9b39d76d12979b7248db968eab218bbb",
    "invoices": "84f24e5c97a52de5a9c5f1004841b00c65be259139751a43607aaf0b858fa0db",
    "payments": "061fb334bc0b4cef5baf7947f2845cd520970b2a0824fee20d1a370acf5a6855",
    "usage": "78a5c523f959a819d6e4cc08d357beb5a9bfb2d2dace5b96a9e38479cb45ecb7",
    "tickets": "ab7a05027da8b8151430ee1ff393dbeeb5ce28d07ba70d1d0f8240acf2d7ca71",
    "onboarding": "6922b773392fd02dfd9cd732c8f182f3d764d9d015daf8b185ae6143a520cb89",
    "health_notes": "a976d8a4c69747d05ddfbafce8df4327465a61324adeb2522232a23f8583524e",
    "churn_events": "4ad0a496d9e06968d07f106b1724f85c67257ce4bb17b975b2e89be7da86de44",
    "expenses": "fd408edb90ec6af7b549968ba73ded38f4af1966f03a57a86f199046735e90de",
    "financials": "f36422f10b03fa90b9c3ef485070f34c6658aea17468601d023b83b62cc3661a",
    "targets": "8486ecd04bd0c53a6e123928ee363e8b128f98fddfa0bcb361a50bd1f2f10165",
    "fx_rates": "a5d7ef6c7db9d6323ccb70e1495b1d6a474fbbf6d92a52c298f1cd749fce5e3e",
    "truth_account_month": "831b0a313788aebdb6139456fd5d999d02351a1767bfcff2cacb92f47c9e7c20",
    "truth_opportunity": "1f04579da0d93b4fc9cea6b87ff29d1b7728746948efb7352334d8a9d3257438",
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
    sql = "SELECT avg(churn_hazard) FILTER (WHERE segment = 'mid_market') FROM truth_account_month"
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
