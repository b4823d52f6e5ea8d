"""The generator's ground truth, in tables of its own next to the canonical ones.

``truth_account_month`` holds, for every paying account-month, the churn hazard the generator
used to draw churn (and the latent state behind it); ``truth_opportunity`` the win probability
used to draw each deal's outcome and its true cycle; ``truth_plants`` the problems planted on
purpose (empty when none is). Models and diagnosis are scored against these. They are
not canonical (no lineage, not in ``revline.schema.TABLES``); probabilities are DOUBLE so that
small hazards are stored as used, not rounded to four decimals.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
from sqlglot import exp

from revline.ddl import create_table, to_sql
from revline.schema.core import Column, Kind, Table, flag, ident, integer, number, text
from revline.synth import columns as c
from revline.synth.config import SEGMENTS
from revline.warehouse import Warehouse


def real(name: str, description: str) -> Column:
    """A required approximate number: a probability or latent state, stored as used."""
    return Column(name, Kind.FLOAT, description, required=True)


ACCOUNT_MONTH = Table(
    "truth_account_month",
    "synth",
    "Ground truth per paying account and month: the churn hazard used and the state behind it.",
    "account_month_id",
    (
        ident("account_month_id", "Row id."),
        text("account_id", "Account (accounts.account_id).", required=True),
        Column("month", Kind.DATE, "First day of the month.", required=True),
        text("segment", "Segment of the account.", required=True),
        number("mrr_usd", "Recurring revenue that month, in USD.", required=True),
        real("usage_health", "Latent usage health (0 is typical)."),
        real("payment_risk", "Latent payment risk (higher pays worse)."),
        integer(
            "late_or_failed_3m", "Late or failed payments this and the two prior months.", True
        ),
        real("usage_decline_3m", "Fall of usage health over the last three months."),
        real("churn_hazard", "Probability of churning at the end of this month, as used."),
        flag("churned", "Churn was drawn this month (takes effect next month).", required=True),
    ),
)

OPPORTUNITY = Table(
    "truth_opportunity",
    "synth",
    "Ground truth per opportunity: the win probability used to draw its outcome.",
    "opportunity_id",
    (
        ident("opportunity_id", "Opportunity (opportunities.opportunity_id)."),
        real("win_probability", "Probability of winning, as used to draw the outcome."),
        real("true_cycle_days", "Days from creation to the true close."),
        real(
            "median_cycle_days",
            "Median of the cycle the deal's close was drawn from, if won (new deals: by segment"
            " and size; expansion and renewal deals close on a scheduled day: their cycle).",
        ),
        flag("won", "The drawn outcome (also for deals still open at as_of).", required=True),
    ),
)

PLANTED = Table(
    "truth_plants",
    "synth",
    "The problems planted on purpose (revline.synth.plants): one row per active plant.",
    "plant",
    (
        ident("plant", "Plant name (slow_response, poor_onboarding, junk_leads)."),
        text("dimension", "Column the value belongs to: region, segment or channel.", True),
        text("value", "Where it was planted, e.g. emea.", required=True),
        text("owner_kind", "stage or handoff of the org map whose owner is responsible.", True),
        text("owner_key", "The stage or hand-off name, e.g. mql_to_sal.", required=True),
        text("description", "What was planted.", required=True),
    ),
)

TRUTH_TABLES: dict[str, Table] = {t.name: t for t in (ACCOUNT_MONTH, OPPORTUNITY, PLANTED)}
_ARROW = {
    Kind.STRING: pa.string(),
    Kind.DATE: pa.date32(),
    Kind.INT: pa.int64(),
    Kind.BOOL: pa.bool_(),
    Kind.DECIMAL: c.DECIMAL,
    Kind.FLOAT: pa.float64(),
}


def reset(wh: Warehouse) -> None:
    """Create the truth tables if missing and empty them (inside the caller's transaction)."""
    existing = set(wh.list_tables())
    for table in TRUTH_TABLES.values():
        if table.name not in existing:
            wh.con.execute(to_sql(create_table(table)))
        else:
            wh.con.execute(to_sql(exp.delete(exp.to_table(table.name))))


def append(wh: Warehouse, name: str, columns: dict[str, pa.Array | np.ndarray]) -> int:
    """Insert rows into a truth table (every column by name)."""
    return wh.append(name, frame(name, columns), TRUTH_TABLES[name])


def frame(name: str, columns: dict[str, pa.Array | np.ndarray]) -> pa.Table:
    """A truth table's rows as Arrow (every column by name)."""
    table = TRUTH_TABLES[name]
    arrays = []
    for col in table.columns:
        value = columns[col.name]
        kind = _ARROW[col.kind]
        arrays.append(pa.array(value, type=kind) if isinstance(value, np.ndarray) else value)
    return pa.Table.from_arrays(arrays, names=list(table.column_names))


def segment_names(segment: np.ndarray) -> pa.Array:
    return c.pick(SEGMENTS, segment)
