"""Breakdown values that say nothing: missing, or a placeholder such as ``unknown``.

A funnel by channel (or by Olist's ``origin``) is only as trustworthy as the share of journeys
whose channel is known. This counts, per breakdown, the journeys with no value and those whose
value is a placeholder, kept apart (an empty origin is not the source's own ``unknown``).
"""

from __future__ import annotations

from dataclasses import dataclass

from revline.analyses.seams import dims
from revline.model.lifecycle import journeys
from revline.warehouse import Warehouse

#: Values that stand for "we do not know" in source systems (compared lower-cased).
PLACEHOLDERS = ("unknown", "other", "none", "null", "n/a", "na", "not set", "-", "?")


@dataclass(frozen=True)
class Gap:
    """Journeys whose breakdown value is missing or a placeholder."""

    dimension: str
    value: str  # "(none)" for missing, else the placeholder as spelt in the data
    journeys: int
    total: int

    @property
    def share(self) -> float:
        return self.journeys / self.total if self.total else 0.0

    def describe(self) -> str:
        what = "no value" if self.value == dims.NONE else f"the value {self.value!r}"
        return (
            f"{self.journeys:,} of {self.total:,} journeys ({self.share:.1%}) have {what} "
            f"for {self.dimension}"
        )


def gaps(wh: Warehouse, by: tuple[str, ...] | list[str]) -> list[Gap]:
    """Missing and placeholder values of each breakdown in ``by`` (lead-stage owner for owner)."""
    out: list[Gap] = []
    j = journeys(wh)
    for name in dims.check(by):
        value = dims.value(j, name, "lead")
        counts = j.group_by(v=value).aggregate(n=j.count()).to_pyarrow().to_pylist()
        total = sum(r["n"] for r in counts)
        for r in sorted(counts, key=lambda r: -r["n"]):
            v = str(r["v"])
            if v == dims.NONE or v.strip().lower() in PLACEHOLDERS:
                out.append(Gap(dims.label(name), v, int(r["n"]), total))
    return out
