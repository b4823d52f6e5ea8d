"""Declarations of the sales metrics (computed in :mod:`revline.metrics.sales`)."""

from __future__ import annotations

from collections.abc import Callable

import ibis.expr.types as ir

from revline.metrics import sales as s
from revline.metrics.core import Benchmark, Metric, MetricKind
from revline.metrics.gtm_frame import GtmFrame

BRIDGE = "The Bridge Group, SaaS AE Metrics & Compensation report"


def _declare(
    name: str,
    kind: MetricKind,
    unit: str,
    description: str,
    formula: str,
    compute: Callable[[GtmFrame], ir.Table],
    benchmark: Benchmark | None = None,
    owner: str = "sales",
    tables: tuple[str, ...] = s.DEAL_TABLES,
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
    )


def _cycle(name: str, q: float, words: str) -> Metric:
    return _declare(
        name,
        "simple",
        "days",
        f"{words} of the days from creation to close of the deals won in the period.",
        f"quantile {q:g} of (close date - created date) over won deals closed in the period",
        s._cycle(q),
        Benchmark(
            band="median 30-90 days for mid-market, 90-180+ for enterprise",
            source=BRIDGE,
        )
        if q == 0.5
        else None,
    )


METRICS = (
    _declare(
        "win_rate",
        "ratio",
        "ratio",
        "Share of the deals closed in the period that were won (renewals excluded).",
        "won / (won + lost), deals closed in the period",
        s._win_rate,
        Benchmark(band="20-30% is typical for B2B SaaS new business", source=BRIDGE),
    ),
    _cycle("sales_cycle_days", 0.5, "Median"),
    _cycle("sales_cycle_p25_days", 0.25, "25th percentile"),
    _cycle("sales_cycle_p75_days", 0.75, "75th percentile"),
    _cycle("sales_cycle_p90_days", 0.9, "90th percentile"),
    _declare(
        "avg_deal_size",
        "ratio",
        "currency",
        "Average ARR of the deals won in the period.",
        "sum(amount) / count, won deals closed in the period",
        s._avg_deal,
    ),
    _declare(
        "bookings",
        "simple",
        "currency",
        "ARR won in the period (by partner: partner-sourced against direct revenue).",
        "sum(amount) of won deals closed in the period",
        s._bookings,
    ),
    _declare(
        "deals_per_rep",
        "ratio",
        "ratio",
        "Deals won in the period per sales employee in post at the period end.",
        "won deals / sales headcount at the period end",
        s._deals_per_rep,
    ),
    _declare(
        "quota_attainment",
        "ratio",
        "ratio",
        "ARR won while each quota ran over the quota (quotas inside the period; by owner: "
        "per rep).",
        "sum(won ARR in each quota's dates) / sum(quota)",
        s._quota_attainment,
        Benchmark(band="about 60-70% of reps reach quota in healthy teams", source=BRIDGE),
        tables=("quotas", "opportunities"),
    ),
    _declare(
        "reps_at_quota_share",
        "ratio",
        "ratio",
        "Share of the reps with a quota in the period who won at least their quota.",
        "reps with won >= quota / reps with a quota",
        s._at_quota_share,
        Benchmark(band="60-70% or more", source=BRIDGE),
        tables=("quotas", "opportunities"),
    ),
    _declare(
        "pipeline_velocity",
        "derived",
        "currency",
        "ARR the pipeline is expected to close per day: open deals at the period end x win "
        "rate x average deal size / median sales cycle days.",
        "open opportunities x win_rate x avg_deal_size / sales_cycle_days",
        s._velocity,
    ),
    _declare(
        "pipeline_coverage",
        "ratio",
        "multiple",
        "Open pipeline due in the period over the new-ARR target still to win (targets metric "
        "new_arr), as of the as-of month inside the period, else the period's first month.",
        "open pipeline due by the period end / (new_arr target - ARR won so far)",
        s._coverage,
        Benchmark(band="3x or more at the start of the period", source="common SaaS practice"),
        tables=("opportunities", "targets"),
    ),
    _declare(
        "pipeline_created",
        "simple",
        "currency",
        "ARR of the deals created in the period.",
        "sum(amount) of deals created in the period",
        s._pipeline_created,
    ),
    _declare(
        "pipeline_per_marketing_dollar",
        "ratio",
        "multiple",
        "Marketing-sourced pipeline created per unit of marketing cost in the period.",
        "pipeline created with lead_source marketing / marketing function cost",
        s._per_marketing_dollar,
        owner="marketing",
        tables=("opportunities", "expenses", "marketing_spend"),
    ),
    _declare(
        "pipeline_per_sdr",
        "ratio",
        "currency",
        "SDR-sourced pipeline created in the period per SDR in post at the period end.",
        "pipeline created with lead_source sdr / sales development headcount",
        s._per_sdr,
        owner="sales_development",
        tables=("opportunities", "employees"),
    ),
)
