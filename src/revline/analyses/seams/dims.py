"""Breakdown dimensions of a journey: segment, region, channel, owner, and source attributes.

``owner`` is the rep who holds the journey at the seam's first stage: the lead's owner (SDR)
up to ``sql``, the opportunity's owner (AE) at ``opportunity`` and ``closed_won``, the customer
success manager from ``onboarded``. ``lead_owner``, ``opportunity_owner`` and ``csm_owner`` name
one of them explicitly. ``attr:KEY`` reads ``KEY`` from the source columns an import kept in
``attributes`` (the lead's first, else the opportunity's): ``attr:origin`` on the Olist data.
A missing value shows as ``(none)``, kept apart from a source's own ``unknown``.
"""

from __future__ import annotations

import ibis.expr.types as ir

from revline.errors import ConfigError, unknown
from revline.model.stages import owner_column

__all__ = ["DIMENSIONS", "NONE", "check", "label", "owner_column", "value"]

NONE = "(none)"
ATTR = "attr:"
PLAIN = {
    "segment": "segment",
    "region": "region",
    "channel": "channel",
    "lead_owner": "lead_owner_id",
    "opportunity_owner": "opportunity_owner_id",
    "csm_owner": "csm_owner_id",
}
DIMENSIONS = (*PLAIN, "owner", f"{ATTR}KEY")
#: Column names of the flow rows an attribute breakdown may not take.
RESERVED = (
    "journey_id",
    "lead_id",
    "account_id",
    "entered_at",
    "entry_month",
    "reached_at",
    "days",
    "outcome",
    "lost_to",
    "amount",
    "first_response_at",
    *PLAIN,
    "owner",
)


def check(by: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """Validate breakdown names; a ConfigError names the bad one and the closest valid one."""
    for name in by:
        if name.startswith(ATTR):
            if not name[len(ATTR) :]:
                raise ConfigError(
                    f"Breakdown {name!r} names no attribute.",
                    hint="Write attr:KEY, e.g. attr:origin.",
                )
            if name[len(ATTR) :] in RESERVED:
                raise ConfigError(
                    f"Breakdown {name!r} would be shown as {name[len(ATTR) :]!r}, a name the "
                    "funnel already uses.",
                    hint=f"Rename the source column in the mapping; taken: {', '.join(RESERVED)}.",
                )
        elif name not in PLAIN and name != "owner":
            raise ConfigError(unknown("breakdown", name, DIMENSIONS))
    if len(set(by)) != len(by):
        raise ConfigError(f"Breakdown {list(by)} repeats a dimension.", hint="Name each once.")
    return tuple(by)


def label(name: str) -> str:
    """The output column name of a breakdown (``attr:origin`` → ``origin``)."""
    return name[len(ATTR) :] if name.startswith(ATTR) else name


def value(j: ir.Table, name: str, stage: str) -> ir.StringValue:
    """The breakdown ``name`` of each journey at ``stage``, never null."""
    if name.startswith(ATTR):
        key = name[len(ATTR) :]
        raw = j.lead_attributes[key].str.coalesce(j.opportunity_attributes[key].str)
    elif name == "owner":
        raw = j[owner_column(stage)]
    else:
        raw = j[PLAIN[name]]
    assert isinstance(raw, ir.StringValue)
    return raw.fill_null(NONE)
