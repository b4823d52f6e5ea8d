"""What every detector is given: the warehouse, the org map, the period and shared figures.

The diagnosis period (default: the last full quarter of the data, as the scorecard) ends at
``end`` (exclusive). Detectors that compare groups look back further for statistical power:
leads created in the 13 months before ``end`` less two months (so each had time to convert),
onboardings handed over in the 24 months before ``end``. Figures several detectors share are
computed once here, from the metric registry: the average new ARR per new customer (ratio
``new_arr_per_customer``, its inputs summed over the trailing 12 months) and the chance that an
accepted or a qualified lead becomes a customer (conversion metrics ``sal_to_closed_won_rate``
and ``sql_to_closed_won_rate``, their counts summed over the lead window's months).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import cached_property
from typing import Any

import ibis
import ibis.expr.types as ir
import pandas as pd

from revline.metrics.api import compute_many, get_metric
from revline.metrics.gtm_frame import GtmSettings
from revline.metrics.kinds import Ratio
from revline.model.data_end import data_end
from revline.model.periods import Period, last_full_quarter, month_index, month_start, parse_period
from revline.org import OrgMap, load_org
from revline.warehouse import Warehouse

LEAD_LOOKBACK_MONTHS = 13
LEAD_MATURITY_MONTHS = 2
ONBOARDING_LOOKBACK_MONTHS = 24
#: The registry ratio of the average new ARR per new customer.
NEW_ARR_PER_CUSTOMER = "new_arr_per_customer"
#: The registry conversion metrics of a lead's yield, by the stage it starts from.
YIELDS = {"sal": "sal_to_closed_won_rate", "sql": "sql_to_closed_won_rate"}


def instant(day: date) -> datetime:
    """Midnight UTC of ``day``: the timestamp columns are TIMESTAMPTZ."""
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


@dataclass
class Context:
    """One diagnosis run's inputs (see the module docstring)."""

    wh: Warehouse
    period: Period
    as_of: date
    org: OrgMap
    settings: GtmSettings
    _arr: dict[str, dict[str, Decimal]] = field(default_factory=dict)
    #: Figures a detector computes once per run, by a key of its choosing.
    memo: dict[str, Any] = field(default_factory=dict)
    #: New ARR and new customers per group, by breakdown ("" for none), as computed.
    _totals: dict[str, tuple[dict[str, Decimal], dict[str, Decimal]]] = field(default_factory=dict)

    @classmethod
    def build(cls, wh: Warehouse, period: str | None = None, org: OrgMap | None = None) -> Context:
        as_of = data_end(wh.ibis)  # without finance, deals or billing: the latest activity
        chosen = parse_period(period or last_full_quarter(as_of))
        return cls(wh, chosen, as_of, org or load_org(), GtmSettings(as_of=as_of))

    @property
    def end(self) -> date:
        """First day after the period."""
        return month_start(self.period.last + 1)

    def months_before_end(self, months: int) -> date:
        return month_start(month_index(self.end) - months)

    @property
    def lead_window(self) -> tuple[datetime, datetime]:
        first = self.months_before_end(LEAD_LOOKBACK_MONTHS)
        return instant(first), instant(self.months_before_end(LEAD_MATURITY_MONTHS))

    @property
    def onboarding_window(self) -> tuple[datetime, datetime]:
        first = self.months_before_end(ONBOARDING_LOOKBACK_MONTHS)
        return instant(first), instant(self.months_before_end(1))

    def leads(self) -> ir.Table:
        """The leads created in :attr:`lead_window`."""
        t = self.wh.table("leads")
        first, last = self.lead_window
        return t.filter((t.created_at >= ibis.literal(first)) & (t.created_at < ibis.literal(last)))

    def avg_new_arr(self, by: str | None = None) -> dict[str, Decimal]:
        """New ARR per new customer over the last 12 months to ``end`` (registry metrics
        ``new_arr`` and ``new_customers``), per value of ``by`` plus ``""`` for the company."""
        key = by or ""
        if key not in self._arr:
            if not by and self._totals:  # new ARR and customers add up over any breakdown
                arr, customers = (
                    sum(d.values(), Decimal(0)) for d in next(iter(self._totals.values()))
                )
                self._arr[""] = {"": arr / customers} if customers else {}
            else:
                self._arr[key] = self._new_arr(by)
            company = self.avg_new_arr(None) if by else self._arr[key]
            self._arr[key][""] = company.get("", Decimal(0))
        return self._arr[key]

    def _new_arr(self, by: str | None) -> dict[str, Decimal]:
        """Registry ratio :data:`NEW_ARR_PER_CUSTOMER` over the trailing 12 months: its inputs
        (new ARR over new customers) summed over the months, then divided."""
        ratio = get_metric(NEW_ARR_PER_CUSTOMER).kind
        assert isinstance(ratio, Ratio)
        inputs = [str(ratio.numerator), str(ratio.denominator)]
        frames = compute_many(inputs, None, by, warehouse=self.wh, settings=self.settings)
        first = self.months_before_end(12).strftime("%Y-%m")
        last = month_start(self.period.last).strftime("%Y-%m")
        col = by or "_all"
        merged = []
        for name in inputs:
            f = frames[name]
            f = f[(f["period"] >= first) & (f["period"] <= last)].copy()
            f[col] = f[by].astype(str) if by else ""
            totals: dict[str, Decimal] = {}
            for group, value in zip(f[col], f["value"], strict=True):
                totals[str(group)] = totals.get(str(group), Decimal(0)) + _dec(value)
            merged.append(totals)
        arr, customers = merged
        self._totals[by or ""] = (arr, customers)
        out: dict[str, Decimal] = {}
        for group, total in arr.items():
            count = customers.get(group, Decimal(0))
            if count:
                out[group] = total / count
        return out

    @cached_property
    def sla_report(self) -> Any:
        """The seams part's SLA report (``revline.analyses.seams.evaluate_slas``) as of :attr:`end`,
        computed once per run; ``None`` when the seams part is not installed."""
        try:
            from revline.analyses.seams import evaluate_slas
        except ImportError:
            return None
        return evaluate_slas(self.wh, org=self.org, as_of=self.end)

    def sla_names(self, kind: str) -> list[str]:
        """Names of the SLAs of ``kind`` (e.g. ``first_response``) in the SLA report."""
        report = self.sla_report
        if report is None:
            return []
        return [r.name for r in report.results if r.kind == kind]

    @cached_property
    def lead_to_customer(self) -> dict[str, float]:
        """Share of the accepted (SAL) and of the qualified (SQL) leads of :attr:`lead_window`
        (by the month they were accepted or qualified) whose deal was won by the as-of date:
        the registry's conversion metrics :data:`YIELDS`, their entered and converted counts
        summed over the window's months. The yield of one more good lead, used to price lost
        leads."""
        names = list(YIELDS.values())
        frames = compute_many(names, "month", warehouse=self.wh, settings=self.settings)
        start, stop = (when.strftime("%Y-%m") for when in self.lead_window)
        out: dict[str, float] = {}
        for stage, name in YIELDS.items():
            f = frames[name]
            f = f[(f["period"] >= start) & (f["period"] < stop)]
            entered, converted = int(f["entered"].sum()), int(f["converted"].sum())
            out[stage] = converted / entered if entered else 0.0
        return out


def _dec(value: object) -> Decimal:
    if value is None or (isinstance(value, float) and value != value) or value is pd.NA:
        return Decimal(0)
    return value if isinstance(value, Decimal) else Decimal(str(value))
