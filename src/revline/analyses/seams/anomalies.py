"""Skipped and out-of-order stages: reported with counts and rows, never raised as errors.

A journey **skips** when it reaches a stage whose lifecycle rank is more than one above the last
stage it reached before (a lead that is an SQL without ever being accepted by sales; a deal won
with no opportunity stage). Its first stage is where it entered and is never a skip: a deal no
lead led to starts at ``opportunity``. A stage is **out of order** when it is timed before the
stage reached just before it in the lifecycle (a deal won before the lead's first contact).
Both come from one window over :func:`revline.model.lifecycle.events`, ordered by rank then time.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import ibis
import ibis.expr.types as ir

from revline.model.lifecycle import events, journeys
from revline.model.stages import CHAIN, days_between
from revline.warehouse import Warehouse

_COLUMNS = ("journey_id", "lead_id", "account_id", "stage", "at", "previous_stage", "previous_at")


def _sequenced(wh: Warehouse, journey_table: ir.Table | None) -> ir.Table:
    e = events(wh, journey_table)
    w = ibis.window(group_by=e.journey_id, order_by=[e["rank"], e.at, e.stage])
    return e.mutate(
        previous_stage=e.stage.lag().over(w),
        previous_rank=e["rank"].lag().over(w),
        previous_at=e.at.lag().over(w),
    )


def _stage_name(rank: ir.IntegerValue) -> ir.StringValue:
    return ibis.cases(*[(rank == i, name) for i, name in enumerate(CHAIN)], else_="")


def skips(wh: Warehouse, journey_table: ir.Table | None = None) -> ir.Table:
    """One row per skip: the stage reached, the one before it, and the stages in between.

    Columns: ``journey_id``, ``lead_id``, ``account_id``, ``stage``, ``at``, ``previous_stage``,
    ``previous_at``, ``first_missing``, ``last_missing`` and ``missing_count``.
    """
    s = _sequenced(wh, journey_table)
    gap = s["rank"] - s.previous_rank - 1
    s = s.filter(s.previous_rank.notnull() & (gap > 0))
    return s.select(
        *_COLUMNS,
        first_missing=_stage_name(s.previous_rank + 1),
        last_missing=_stage_name(s["rank"] - 1),
        missing_count=gap,
    )


def out_of_order(wh: Warehouse, journey_table: ir.Table | None = None) -> ir.Table:
    """One row per stage timed before the stage reached just before it in the lifecycle.

    Columns: ``journey_id``, ``lead_id``, ``account_id``, ``stage``, ``at``, ``previous_stage``,
    ``previous_at`` and ``days_early`` (how long before the previous stage it is timed).
    """
    s = _sequenced(wh, journey_table)
    s = s.filter(s.previous_at.notnull() & (s["rank"] > s.previous_rank) & (s.at < s.previous_at))
    early = days_between(s.previous_at, s.at)
    return s.select(*_COLUMNS, days_early=early)


@dataclass(frozen=True)
class Anomaly:
    """One kind of anomaly between two stages: how many journeys, and example journey ids."""

    kind: str  # "skip" or "out_of_order"
    previous_stage: str
    stage: str
    count: int
    examples: tuple[str, ...]
    missing: str = ""  # for skips: the stages skipped, "sal..opportunity"

    def describe(self) -> str:
        ids = ", ".join(self.examples)
        if self.kind == "skip":
            return (
                f"{self.count} journey(s) reached {self.stage} from {self.previous_stage} "
                f"without {self.missing}: {ids}"
            )
        return f"{self.count} journey(s) reached {self.stage} before {self.previous_stage}: {ids}"


@dataclass(frozen=True)
class LifecycleReport:
    """Skips and out-of-order stages over all journeys, grouped by the pair of stages."""

    journeys: int
    skips: tuple[Anomaly, ...]
    out_of_order: tuple[Anomaly, ...]

    @property
    def skipped(self) -> int:
        """Journeys with at least one skip are counted once per skip."""
        return sum(a.count for a in self.skips)

    @property
    def misordered(self) -> int:
        return sum(a.count for a in self.out_of_order)

    def lines(self) -> list[str]:
        """One human sentence per anomaly, for the CLI and reports."""
        return [a.describe() for a in (*self.skips, *self.out_of_order)]


def lifecycle_report(wh: Warehouse, examples: int = 5) -> LifecycleReport:
    """Count skips and out-of-order stages per pair of stages, with up to ``examples`` ids each."""
    with journeys(wh).cache() as j:
        total = int(j.count().to_pyarrow().as_py() or 0)
        sk = skips(wh, j).order_by("journey_id").to_pandas()
        oo = out_of_order(wh, j).order_by("journey_id").to_pandas()

    def group(frame: object, kind: str) -> tuple[Anomaly, ...]:
        import pandas as pd

        assert isinstance(frame, pd.DataFrame)
        out: list[Anomaly] = []
        if frame.empty:
            return ()
        counts = Counter(zip(frame.previous_stage, frame.stage, strict=True))
        for (prev, stage), n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
            rows = frame[(frame.previous_stage == prev) & (frame.stage == stage)]
            missing = ""
            if kind == "skip":
                first, last = rows.first_missing.iloc[0], rows.last_missing.iloc[0]
                missing = first if first == last else f"{first}..{last}"
            ids = tuple(str(x) for x in rows.journey_id.head(examples))
            out.append(Anomaly(kind, str(prev), str(stage), int(n), ids, missing))
        return tuple(out)

    return LifecycleReport(total, group(sk, "skip"), group(oo, "out_of_order"))
