"""The lifecycle stages the seams module tracks, their order, and which ones are optional.

The main chain is ``lead → mql → sal → sql → opportunity → closed_won → onboarded``; after
onboarding a customer is ``renewed``, ``expanded`` or ``churned`` (three branches that share one
rank). A journey's *rank* at a stage is that stage's position here; reaching a stage whose rank
is more than one above the last stage reached is a **skip** of the stages in between.
"""

from __future__ import annotations

import ibis.expr.types as ir

from revline.errors import ConfigError, unknown

#: Stages in lifecycle order; the three outcomes after onboarding share the last rank.
CHAIN = ("lead", "mql", "sal", "sql", "opportunity", "closed_won", "onboarded")
OUTCOMES = ("renewed", "expanded", "churned")
STAGES = CHAIN + OUTCOMES
RANK: dict[str, int] = {s: i for i, s in enumerate(CHAIN)} | {s: len(CHAIN) for s in OUTCOMES}

#: Days a journey may wait at a stage before it counts as stalled (overridable per call).
STALL_DAYS: dict[str, int] = {
    "lead": 30,
    "mql": 14,
    "sal": 14,
    "sql": 30,
    "opportunity": 120,
    "closed_won": 30,
    "onboarded": 400,
}

#: Upper bounds (days) of the time-taken distribution buckets; the last bucket is open-ended.
BUCKETS: tuple[tuple[str, float], ...] = (
    ("<1h", 1 / 24),
    ("1h-1d", 1.0),
    ("1-3d", 3.0),
    ("3-7d", 7.0),
    ("7-14d", 14.0),
    ("14-30d", 30.0),
    ("30-60d", 60.0),
    ("60-90d", 90.0),
    ("90-180d", 180.0),
)
LAST_BUCKET = ">180d"
NEGATIVE_BUCKET = "negative"


def days_between(later: ir.TimestampValue, earlier: ir.TimestampValue) -> ir.FloatingValue:
    """Days from ``earlier`` to ``later`` as a double on every engine.

    The seconds are cast to float64 before dividing: Spark types a literal such as 86400.0 as
    a DECIMAL and would round the quotient to a few decimals.
    """
    seconds = (later.epoch_seconds() - earlier.epoch_seconds()).cast("float64")
    return seconds / 86400


def column(stage: str) -> str:
    """The journey column holding the time a stage was reached (``mql`` → ``mql_at``)."""
    return f"{check_stage(stage)}_at"


def check_stage(stage: str) -> str:
    """Return ``stage`` if it is a lifecycle stage; else a ConfigError with the closest name."""
    if stage not in RANK:
        raise ConfigError(unknown("lifecycle stage", stage, STAGES))
    return stage


def later_stages(stage: str) -> tuple[str, ...]:
    """The stage and every stage after it: reaching any of them means ``stage`` was passed.

    An outcome (renewed, expanded, churned) is passed only by reaching it: they are branches.
    Churn is never progress: a customer who churned without going live did not pass
    ``onboarded`` (it was lost there; it still counts as a skip of ``onboarded``).
    """
    check_stage(stage)
    if stage in OUTCOMES:
        return (stage,)
    return (*CHAIN[CHAIN.index(stage) :], "renewed", "expanded")


def owner_column(stage: str) -> str:
    """The journey column holding the rep who owns a journey at ``stage``: the lead's owner
    (SDR) up to ``sql``, the opportunity's owner (AE) at ``opportunity`` and ``closed_won``, the
    customer success manager from ``onboarded``."""
    if RANK[check_stage(stage)] <= RANK["sql"]:
        return "lead_owner_id"
    if RANK[stage] <= RANK["closed_won"]:
        return "opportunity_owner_id"
    return "csm_owner_id"
