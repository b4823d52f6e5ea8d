"""Diagnosis scored against the synthetic company's planted problems, over several seeds.

For each seed the same company is generated twice: with all three plants on (a slow-response
region, a poorly onboarding segment, a junk-lead channel; they touch different regions,
segments and channels) and with all off. Diagnosis must name each planted problem in its top
five findings with the owner the org map gives the planted stage or hand-off; with all off it
must report none of them anywhere in its findings.

A finding *names* a plant when its subject puts the plant's value in the plant's dimension
(``{"region": "emea"}``). Findings about a metric's level in a segment (``below_benchmark``,
subject ``{"metric": "grr", "segment": ...}``) judge a metric against its band, not the
planted cause, and do not count either way.

Only the group detectors (:data:`GROUP_DETECTORS`) can put a region, segment or channel in a
subject; the full runs with the plants on check that, so the runs with them off (which must
find none) run only those detectors, to keep the suite fast.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from revline.analyses.diagnose import Diagnosis, Finding, diagnose
from revline.org import load_org
from revline.synth import generate
from revline.synth.plants import PLANTS, plant_owner, planted_config
from revline.warehouse import Warehouse

SEEDS = (1, 2, 3)
GROUP_DETECTORS = ("slow_response", "lead_quality", "poor_onboarding", "leaking_seams")
PLANTED = {"slow_response": "emea", "poor_onboarding": "mid_market", "junk_leads": "webinar"}
ACCOUNTS, MONTHS = 3000, 24

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def runs() -> Iterator[dict[tuple[int, bool], Diagnosis]]:
    """Diagnoses by (seed, plants on), computed on first use and kept for the module."""
    cache: dict[tuple[int, bool], Diagnosis] = {}
    yield cache


def _diagnosis(runs: dict[tuple[int, bool], Diagnosis], seed: int, on: bool) -> Diagnosis:
    if (seed, on) not in runs:
        specs = [f"{name}:{value}" for name, value in PLANTED.items()] if on else []
        with Warehouse.create(":memory:") as wh:
            generate(wh, accounts=ACCOUNTS, months=MONTHS, seed=seed, config=planted_config(specs))
            runs[(seed, on)] = diagnose(wh, only=None if on else GROUP_DETECTORS)
    return runs[(seed, on)]


def _names(finding: Finding, plant: str) -> bool:
    dimension, value = PLANTS[plant].dimension, PLANTED[plant]
    return "metric" not in finding.subject and finding.subject.get(dimension) == value


@pytest.mark.parametrize("plant", sorted(PLANTED))
@pytest.mark.parametrize("seed", SEEDS)
def test_each_planted_problem_is_in_the_top_five_with_its_owner(
    runs: dict[tuple[int, bool], Diagnosis], seed: int, plant: str
) -> None:
    result = _diagnosis(runs, seed, on=True)
    top = result.top(5)
    naming = [f for f in top if _names(f, plant)]
    shown = [(f.detector, f.subject, f.owner) for f in top]
    assert naming, f"{plant} not in the top five of seed {seed}: {shown}"
    owner = plant_owner(load_org(), PLANTS[plant]).function
    assert naming[0].owner == owner, shown
    assert naming[0].at_stake is not None and naming[0].at_stake > 0
    dimensions = {p.dimension for p in PLANTS.values()}
    grouped = {
        f.detector
        for f in result.findings
        if "metric" not in f.subject and dimensions & set(f.subject)
    }
    assert grouped <= {"slow_response", "lead_quality", "poor_onboarding", "leaking_seam"}


@pytest.mark.parametrize("seed", SEEDS)
def test_no_planted_problem_is_reported_when_switched_off(
    runs: dict[tuple[int, bool], Diagnosis], seed: int
) -> None:
    result = _diagnosis(runs, seed, on=False)
    false_alarms = [
        (plant, f.detector, f.subject)
        for f in result.findings
        for plant in PLANTED
        if _names(f, plant)
    ]
    assert false_alarms == []
