"""Planted problems: switches that break one part of the synthetic company on purpose.

Diagnosis (:mod:`revline.analyses.diagnose`) is scored against these: each plant is a known problem
in a
known place with a known owner, so a test can ask whether ``revline diagnose`` names it, and
whether it stays quiet when every plant is off. The switches are fields of
:class:`~revline.synth.config.SynthConfig` with neutral defaults; with all of them off the
generator makes exactly the draws it makes without them, so the company is byte-identical.

The plants (CLI: ``revline synth --plant NAME:VALUE``):

- ``slow_response:REGION``: sales answers the region's leads ``slow_response_factor`` times
  slower; the generator's causal link (the chance sales accepts a lead falls with the log of
  the hours it waited) turns that into fewer SALs and wins. Owner: the MQL -> SAL hand-off.
- ``poor_onboarding:SEGMENT``: the segment's go-lives take ``poor_onboarding_factor`` times
  longer and stall with probability ``poor_onboarding_stall``; customers whose onboarding failed
  or ran long churn more (``poor_onboarding_churn`` on the logit of the monthly hazard). Owner:
  the closed-won -> onboarded hand-off.
- ``junk_leads:CHANNEL``: the channel brings ``junk_lead_volume`` times its share of leads, and
  sales accepts and qualifies them far less (``junk_lead_penalty`` off the logits). Owner: the
  lead stage (lead quality is marketing's commitment).

The planted truth is written to ``truth_plants`` (one row per active plant).
"""

from __future__ import annotations

from dataclasses import dataclass

from revline.errors import ConfigError, unknown
from revline.org import OrgMap, Owner
from revline.synth.config import LEAD_CHANNELS, REGIONS, SEGMENTS, SynthConfig


@dataclass(frozen=True)
class Plant:
    """One kind of planted problem: its config field, what it is keyed by and who owns it.

    ``owner_kind`` and ``owner_key`` name the stage or hand-off of the org map whose owner is
    responsible (``revline.org.OrgMap.stage_owner`` / ``handoff_owner``).
    """

    name: str
    field: str
    dimension: str  # the leads/accounts column the value belongs to
    choices: tuple[str, ...]
    owner_kind: str  # "stage" or "handoff"
    owner_key: str
    description: str


PLANTS: dict[str, Plant] = {
    p.name: p
    for p in (
        Plant(
            "slow_response",
            "slow_response_region",
            "region",
            REGIONS,
            "handoff",
            "mql_to_sal",
            "Sales answers this region's leads far slower, so fewer are accepted and won.",
        ),
        Plant(
            "poor_onboarding",
            "poor_onboarding_segment",
            "segment",
            SEGMENTS,
            "handoff",
            "closed_won_to_onboarded",
            "This segment's onboarding is slow or stalls, and its customers churn for it.",
        ),
        Plant(
            "junk_leads",
            "junk_lead_channel",
            "channel",
            tuple(x[0] for x in LEAD_CHANNELS),
            "stage",
            "lead",
            "This channel brings many leads that sales rejects and few that close.",
        ),
    )
}


def check_plants(config: SynthConfig) -> None:
    """Raise :class:`ConfigError` for a planted value that is not a region/segment/channel."""
    for plant in PLANTS.values():
        value = getattr(config, plant.field)
        if value is not None and value not in plant.choices:
            raise ConfigError(
                f"synth {plant.field}: {unknown(plant.dimension, value, plant.choices)}",
                hint=f"Plant it as --plant {plant.name}:{plant.choices[0]}",
            )


def active(config: SynthConfig) -> list[tuple[Plant, str]]:
    """The plants switched on in ``config``, with their value."""
    out = []
    for plant in PLANTS.values():
        value = getattr(config, plant.field)
        if value is not None:
            out.append((plant, str(value)))
    return out


def parse_plant(spec: str) -> tuple[str, str]:
    """``"slow_response:emea"`` -> ``("slow_response_region", "emea")``, checked.

    Raises :class:`ConfigError` naming the spec, the valid plant names or values, and a fix.
    """
    name, sep, value = spec.partition(":")
    name, value = name.strip(), value.strip()
    if name not in PLANTS:
        raise ConfigError(
            f"--plant {spec!r}: {unknown('plant', name, PLANTS)}",
            hint="Write --plant NAME:VALUE, e.g. --plant slow_response:emea",
        )
    plant = PLANTS[name]
    if not sep or value not in plant.choices:
        raise ConfigError(
            f"--plant {spec!r}: {unknown(plant.dimension, value, plant.choices)}",
            hint=f"Write --plant {name}:{plant.choices[0]}",
        )
    return plant.field, value


def planted_config(specs: list[str] | None, base: SynthConfig | None = None) -> SynthConfig:
    """``base`` (default: the default config) with each ``NAME:VALUE`` spec switched on."""
    from dataclasses import replace

    fields: dict[str, object] = dict(parse_plant(spec) for spec in specs or [])
    return replace(base or SynthConfig(), **fields)  # type: ignore[arg-type]


def plant_owner(org: OrgMap, plant: Plant) -> Owner:
    """The owner of a planted problem under ``org``: its stage's or hand-off's owner."""
    if plant.owner_kind == "stage":
        return org.stage_owner(plant.owner_key)
    return org.handoff_owner(plant.owner_key)
