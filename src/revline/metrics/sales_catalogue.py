"""Declarations of the sales metrics (computed in :mod:`revline.metrics.sales`)."""

from __future__ import annotations

from collections.abc import Callable

import ibis.expr.types as ir

from revline.metrics import sales as s
from revline.metrics.core import Benchmark, Derived, Kind, Measure, Metric, Ratio, Simple
from revline.metrics.gtm_deals import DEAL_SPLITS
from revline.metrics.gtm_frame import GtmFrame

BRIDGE = "The Bridge Group, SaaS AE Metrics & Compensation report"
WON = "won deals (renewals excluded) closed in the period"


def _declare(
    name: str,
    kind: Kind,
    unit: str,
    description: str,
    formula: str,
    compute: Callable[[GtmFrame], ir.Table],
    benchmark: Benchmark | None = None,
    owner: str = "sales",
    tables: tuple[str, ...] = s.DEAL_TABLES,
    breakdowns: tuple[str, ...] = DEAL_SPLITS,
) -> Metric:
    return Metric(
        name=name,
        kind=kind,
        description=description,
        formula=formula,
        unit=unit,
        grain="period",
        owner=owner,
        tables=tables,
        compute=compute,
        benchmark=benchmark,
        frame="gtm",
        breakdowns=breakdowns,
    )


def _cycle(name: str, q: float, words: str) -> Metric:
    statistic = "median" if q == 0.5 else f"quantile {q:g}"
    return _declare(
        name,
        Simple(f"days from creation to close of {WON}", "flow", statistic),
        "days",
        f"{words} of the days from creation to close of the deals won in the period.",
        f"quantile {q:g} of (close date - created date) over won deals closed in the period",
        s._cycle(q),
        Benchmark(
            band="median 30-90 days for mid-market, 90-180+ for enterprise",
            source=BRIDGE,
            year=2023,
            direction="lower",
        )
        if q == 0.5
        else None,
    )


COMPANY: tuple[str, ...] = ()
METRICS = (
    _declare(
        "deals_won",
        Simple(WON, "flow", "count"),
        "count",
        "Deals won in the period (renewals excluded).",
        "count of won deals closed in the period",
        s._deals_won,
    ),
    _declare(
        "deals_closed",
        Simple("won and lost deals (renewals excluded) closed in the period", "flow", "count"),
        "count",
        "Deals closed in the period, won or lost (renewals excluded).",
        "count of won and lost deals closed in the period",
        s._deals_closed,
    ),
    _declare(
        "win_rate",
        Ratio("deals_won", "deals_closed"),
        "ratio",
        "Share of the deals closed in the period that were won (renewals excluded).",
        "won / (won + lost), deals closed in the period",
        s._win_rate,
        Benchmark(
            band="25% or more; 20-25% amber; below 20% red (20-30% is typical for B2B SaaS new "
            "business)",
            source=BRIDGE,
            year=2023,
            green=0.25,
            amber=0.20,
        ),
    ),
    _cycle("sales_cycle_days", 0.5, "Median"),
    _cycle("sales_cycle_p25_days", 0.25, "25th percentile"),
    _cycle("sales_cycle_p75_days", 0.75, "75th percentile"),
    _cycle("sales_cycle_p90_days", 0.9, "90th percentile"),
    _declare(
        "avg_deal_size",
        Ratio("bookings", "deals_won"),
        "currency",
        "Average ARR of the deals won in the period.",
        "bookings / deals_won: sum(amount) / count, won deals closed in the period",
        s._avg_deal,
    ),
    _declare(
        "bookings",
        Simple(f"amount (ARR) of {WON}", "flow"),
        "currency",
        "ARR won in the period (by partner: partner-sourced against direct revenue).",
        "sum(amount) of won deals closed in the period",
        s._bookings,
    ),
    _declare(
        "deals_per_rep",
        Ratio("deals_won", Measure("sales employees in post at the period end", "count")),
        "ratio",
        "Deals won in the period per sales employee in post at the period end.",
        "won deals / sales headcount at the period end",
        s._deals_per_rep,
        breakdowns=COMPANY,
    ),
    _declare(
        "quota_attainment",
        Ratio(
            Measure("ARR won while each quota ran", "currency"),
            Measure("quota of the quotas inside the period", "currency"),
        ),
        "ratio",
        "ARR won while each quota ran over the quota (quotas inside the period; by owner: "
        "per rep).",
        "sum(won ARR in each quota's dates) / sum(quota)",
        s._quota_attainment,
        Benchmark(
            band="100% of quota or more is on plan; 90-100% amber; below 90% red",
            source=BRIDGE + " (most teams attain below 100%)",
            year=2023,
            green=1.0,
            amber=0.9,
        ),
        tables=("quotas", "opportunities"),
        breakdowns=("owner",),
    ),
    _declare(
        "reps_at_quota_share",
        Ratio(
            Measure("reps with won ARR at or above their quota", "count"),
            Measure("reps with a quota in the period", "count"),
        ),
        "ratio",
        "Share of the reps with a quota in the period who won at least their quota.",
        "reps with won >= quota / reps with a quota",
        s._at_quota_share,
        Benchmark(band="60-70% or more of reps at quota", source=BRIDGE, year=2023),
        tables=("quotas", "opportunities"),
        breakdowns=COMPANY,
    ),
    _declare(
        "pipeline_velocity",
        Derived(
            (
                Measure("open deals at the period end", "count"),
                "win_rate",
                "avg_deal_size",
                "sales_cycle_days",
            ),
            "open deals x win_rate x avg_deal_size / sales_cycle_days",
        ),
        "currency",
        "ARR the pipeline is expected to close per day: open deals at the period end x win "
        "rate x average deal size / median sales cycle days.",
        "open opportunities x win_rate x avg_deal_size / sales_cycle_days",
        s._velocity,
    ),
    _declare(
        "pipeline_coverage",
        Ratio(
            Measure("open pipeline due by the period end", "currency"),
            Measure("new_arr target still to win", "currency"),
        ),
        "multiple",
        "Open pipeline due in the period over the new-ARR target still to win (targets metric "
        "new_arr), as of the as-of month inside the period, else the period's first month.",
        "open pipeline due by the period end / (new_arr target - ARR won so far)",
        s._coverage,
        Benchmark(
            band="3x or more at the start of the period; 2-3x amber; below 2x red",
            source="common SaaS practice",
            year=2024,
            green=3.0,
            amber=2.0,
        ),
        tables=("opportunities", "targets"),
        breakdowns=COMPANY,
    ),
    _declare(
        "pipeline_created",
        Simple("amount (ARR) of deals created in the period", "flow"),
        "currency",
        "ARR of the deals created in the period.",
        "sum(amount) of deals created in the period",
        s._pipeline_created,
    ),
    _declare(
        "pipeline_per_marketing_dollar",
        Ratio(
            Measure("pipeline created with lead_source marketing", "currency"),
            Measure("marketing function cost", "currency"),
        ),
        "multiple",
        "Marketing-sourced pipeline created per unit of marketing cost in the period.",
        "pipeline created with lead_source marketing / marketing function cost",
        s._per_marketing_dollar,
        owner="marketing",
        tables=("opportunities", "expenses", "marketing_spend"),
        breakdowns=COMPANY,
    ),
    _declare(
        "pipeline_per_sdr",
        Ratio(
            Measure("pipeline created with lead_source sdr", "currency"),
            Measure("sales development employees in post at the period end", "count"),
        ),
        "currency",
        "SDR-sourced pipeline created in the period per SDR in post at the period end.",
        "pipeline created with lead_source sdr / sales development headcount",
        s._per_sdr,
        owner="sales_development",
        tables=("opportunities", "employees"),
        breakdowns=COMPANY,
    ),
)
