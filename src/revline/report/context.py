"""What a report section is built from: the warehouse, the checked period, and one shared,
memoised path to the metric registry.

Every figure in the report comes from :func:`revline.metrics.api.compute_many`; sections ask
through :meth:`ReportContext.metrics` so a metric computed for one section (ARR for the
scorecard, say) is reused by the next rather than computed twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd

from revline.errors import ConfigError
from revline.metrics.api import compute_many
from revline.metrics.gtm_frame import GtmSettings
from revline.model.periods import Period, month_index, parse_period
from revline.warehouse import Warehouse

#: How many periods the trend charts show, the report period included.
TREND_PERIODS = 8
_GRAINS = {1: "month", 3: "quarter", 12: "year"}


@dataclass
class ReportContext:
    """The inputs every section builder receives (see docs/report.md, "Adding a section").

    ``period`` is the checked report period, ``prior`` the period of the same length before it,
    ``grain`` its grain (``month``, ``quarter`` or ``year``), ``as_of`` the last day of data and
    ``settings`` the metric settings every computation uses.
    """

    wh: Warehouse
    period: Period
    prior: str
    grain: str
    as_of: date
    first_month: int
    settings: GtmSettings
    _cache: dict[tuple[str, str, str | None], pd.DataFrame] = field(default_factory=dict)

    def metrics(
        self, names: Sequence[str], spec: str | None = None, by: str | None = None
    ) -> dict[str, pd.DataFrame]:
        """Metric frames for ``names`` over ``spec`` (default: the report's grain, i.e. every
        period of that grain) broken down ``by``; each computed once per report."""
        key_spec = spec or self.grain
        todo = [n for n in names if (n, key_spec, by) not in self._cache]
        if todo:
            frames = compute_many(todo, key_spec, by, warehouse=self.wh, settings=self.settings)
            for name, frame in frames.items():
                self._cache[(name, key_spec, by)] = frame
        return {n: self._cache[(n, key_spec, by)] for n in names}

    def prefetch(self, needs: Sequence[tuple[str, str | None]]) -> None:
        """Compute the ``(metric, by)`` pairs not cached yet: one registry call per ``by``."""
        by_values = list(dict.fromkeys(by for _, by in needs))
        for by in by_values:
            names = list(dict.fromkeys(name for name, b in needs if b == by))
            self.metrics(names, None, by)

    def value(
        self,
        name: str,
        period: str | None = None,
        by_value: str | None = None,
        by: str | None = None,
    ) -> float | None:
        """One figure of metric ``name`` for ``period`` (default: the report period)."""
        frame = self.metrics([name], None, by)[name]
        rows = frame[frame["period"] == (period or self.period.label)]
        if by is not None and by_value is not None:
            rows = rows[rows[by] == by_value]
        return number(rows["value"].iloc[0]) if len(rows) else None

    def trend(self, name: str, by: str | None = None) -> pd.DataFrame:
        """The last :data:`TREND_PERIODS` periods of ``name`` up to the report period, in order."""
        frame = self.metrics([name], None, by)[name]
        labels = [p for p in dict.fromkeys(frame["period"]) if p <= self.period.label]
        keep = set(labels[-TREND_PERIODS:])
        return frame[frame["period"].isin(keep)].reset_index(drop=True)


def number(value: Any) -> float | None:
    """A figure as a float for reading and charting (None for missing or NaN)."""
    if value is None:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        return None
    return float(value)


def _first_month(wh: Warehouse) -> int | None:
    """The first month with a subscription running: where MRR history can start."""
    subs = wh.ibis.table("subscriptions")
    first = wh.ibis.execute(subs.start_at.min())
    if first is None or pd.isna(first):
        return None
    return month_index(pd.Timestamp(first).date())


def make_context(wh: Warehouse, period: str | None) -> ReportContext:
    """Check ``period`` against the data and build the context; errors say what is valid.

    A period must be a month, quarter or year (``2025-07``, ``2025-Q4``, ``2025``), end on or
    before the last day of data and start on or after the first month with a subscription.
    """
    from revline.model.data_end import data_end
    from revline.model.periods import last_full_quarter, prior_period

    first = _first_month(wh)
    if first is None:
        raise ConfigError(
            f"The warehouse {wh.path} has no subscriptions, so there is nothing to report.",
            hint="Load data first (revline import ..., or revline synth / revline demo).",
        )
    as_of = data_end(wh.ibis)
    current = parse_period(period or last_full_quarter(as_of))
    months = current.last - current.first + 1
    grain = _GRAINS[months]
    last = month_index(as_of)
    latest = last_full_quarter(as_of)
    if current.last > last:
        raise ConfigError(
            f"Period {current.label!r} ends after the data: the last day of data is {as_of}.",
            hint=f"Pick a period that ends by {as_of}, e.g. --period {latest}.",
        )
    if current.first < first:
        start = pd.Timestamp(year=first // 12, month=first % 12 + 1, day=1).date()
        raise ConfigError(
            f"Period {current.label!r} starts before the data: the first subscription "
            f"starts in {start:%Y-%m}.",
            hint=f"Pick a period from {start:%Y-%m} to {as_of}, e.g. --period {latest}.",
        )
    settings = GtmSettings(as_of=as_of)
    return ReportContext(wh, current, prior_period(current), grain, as_of, first, settings)
