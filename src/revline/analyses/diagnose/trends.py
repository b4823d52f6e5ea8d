"""Trend detectors: the patterns the seeds warn about, read from monthly registry metrics.

- **High churn despite strong bookings**: bookings (new ARR) grew over the last 12 months while
  gross revenue retention over those months (``grr_t12m``) sits below the benchmark band.
- **Bookings plateau while sales and marketing spend rises**: S&M spend (``sm_spend``) rose
  significantly over the last 12 months against the 12 before, bookings did not.
- **New business up while retention falls**: new MRR rose over the last 6 months against the 6
  before while monthly GRR fell.

"Rose" and "fell" are one-sided Welch t-tests on the monthly values (:func:`mean_shift`), so a
noisy month does not make a trend. All figures come from the metric registry; nothing here
recomputes a metric.
"""

from __future__ import annotations

from decimal import Decimal

import pandas as pd

from revline.analyses.diagnose.context import Context
from revline.analyses.diagnose.findings import Drill, Finding, money
from revline.analyses.diagnose.stats import ALPHA, mean_shift
from revline.metrics.api import compute_many, get_metric
from revline.model.periods import month_index, month_start

METRICS = ("new_arr", "sm_spend", "new_mrr", "grr", "grr_t12m", "mrr")
GROWTH = 0.10  # growth that counts as strong bookings or rising spend
PLATEAU = 0.05  # bookings growth at or below this is a plateau
TREND_P = 0.05  # one-sided p-value for a trend


def monthly(ctx: Context) -> pd.DataFrame:
    """The trend metrics per month up to the period's end: one column each, months ascending."""
    frames = compute_many(list(METRICS), None, warehouse=ctx.wh, settings=ctx.settings)
    last = month_start(ctx.period.last).strftime("%Y-%m")
    table = pd.DataFrame({name: f.set_index("period")["value"] for name, f in frames.items()})
    table = table[table.index <= last].sort_index()
    out: pd.DataFrame = table.apply(lambda col: pd.to_numeric(col.map(_float), errors="coerce"))
    return out


def _float(value: object) -> float | None:
    if value is None or (isinstance(value, float) and value != value):
        return None
    return float(str(value))


def _halves(series: pd.Series, months: int) -> tuple[list[float], list[float]]:
    values = series.dropna().tolist()
    return values[-months:], values[-2 * months : -months]


def _owner(ctx: Context, metric: str) -> tuple[str, str]:
    owner = ctx.org.metric_owner(metric, get_metric(metric).owner)
    return owner.function, str(owner)


def _drill(ctx: Context, table: str, column: str, months: int) -> Drill:
    first = month_start(month_index(ctx.end) - months)
    return Drill(table, ((column, ">=", first), (column, "<", ctx.end)), f"last {months} months")


def trend_findings(ctx: Context) -> list[Finding]:
    """Run the three trend detectors over one monthly table."""
    table = monthly(ctx)
    if len(table) < 12:
        return []
    return [f for f in (_churn(ctx, table), _plateau(ctx, table), _retention(ctx, table)) if f]


def _churn(ctx: Context, t: pd.DataFrame) -> Finding | None:
    now, before = _halves(t["new_arr"].fillna(0), 12)
    grr = t["grr_t12m"].dropna()
    if len(before) < 12 or grr.empty or sum(before) <= 0:
        return None
    growth = sum(now) / sum(before) - 1
    p = mean_shift(now, before, "greater")
    value = float(grr.iloc[-1])
    # GRR over 12 months below the benchmark's amber threshold is high churn (the registry's)
    bench = get_metric("grr_t12m").benchmark
    assert bench is not None and bench.green is not None and bench.amber is not None
    band, floor = bench.green, bench.amber
    if growth < GROWTH or value >= floor or p >= TREND_P:
        return None
    mrr = t["mrr"].dropna()
    start_arr = Decimal(str(mrr.iloc[-13] if len(mrr) > 12 else mrr.iloc[0])) * 12
    function, label = _owner(ctx, "grr_t12m")
    return Finding(
        detector="churn_despite_bookings",
        problem=(
            f"Churn is high despite strong bookings: new ARR grew {growth:.0%} over the last 12 "
            f"months, but only {value:.1%} of the revenue of a year ago was kept."
        ),
        owner=function,
        owner_label=label,
        at_stake=money(Decimal(str(band - value)) * start_arr),
        at_stake_method=(
            f"({band:.0%} benchmark GRR - {value:.1%}) x ARR 12 months ago ({start_arr:,.0f})"
        ),
        method=(
            f"grr_t12m against its benchmark (< {floor:.0%}, {bench.source}); bookings growth by a "
            f"one-sided Welch t-test of monthly new ARR, 12 vs the 12 before, p = {p:.2g}"
        ),
        confidence=1 - p,
        evidence=(
            ("new ARR, last 12 months", f"{sum(now):,.0f} (before: {sum(before):,.0f})"),
            ("GRR, trailing 12 months", f"{value:.1%}"),
        ),
        drill=_drill(ctx, "churn_events", "churned_at", 12),
    )


def _plateau(ctx: Context, t: pd.DataFrame) -> Finding | None:
    spend_now, spend_before = _halves(t["sm_spend"].fillna(0), 12)
    book_now, book_before = _halves(t["new_arr"].fillna(0), 12)
    if len(spend_before) < 12 or sum(spend_before) <= 0 or sum(book_before) <= 0:
        return None
    g_spend = sum(spend_now) / sum(spend_before) - 1
    g_book = sum(book_now) / sum(book_before) - 1
    p_spend = mean_shift(spend_now, spend_before, "greater")
    if g_spend < GROWTH or g_book > PLATEAU or p_spend >= TREND_P:
        return None
    extra = Decimal(str(sum(spend_now) - sum(spend_before) * (1 + max(g_book, 0))))
    function, label = _owner(ctx, "magic_number")
    return Finding(
        detector="bookings_plateau",
        problem=(
            f"Bookings have plateaued while sales and marketing spend rises: spend grew "
            f"{g_spend:.0%} over the last 12 months, new ARR {g_book:+.0%}."
        ),
        owner=function,
        owner_label=label,
        at_stake=money(extra),
        at_stake_method="S&M spend of the last 12 months beyond the prior 12 grown at the "
        "bookings growth rate (spend that bought no extra bookings)",
        method=(
            f"one-sided Welch t-test of monthly S&M spend, 12 vs the 12 before, "
            f"p = {p_spend:.2g}; bookings growth {g_book:+.1%} (plateau: <= {PLATEAU:.0%})"
        ),
        confidence=1 - p_spend,
        evidence=(
            (
                "S&M spend, last 12 months",
                f"{sum(spend_now):,.0f} (before: {sum(spend_before):,.0f})",
            ),
            ("new ARR, last 12 months", f"{sum(book_now):,.0f} (before: {sum(book_before):,.0f})"),
        ),
        drill=_drill(ctx, "expenses", "month", 12),
    )


def _retention(ctx: Context, t: pd.DataFrame) -> Finding | None:
    new_now, new_before = _halves(t["new_mrr"].fillna(0), 6)
    grr_now, grr_before = _halves(t["grr"], 6)
    if len(new_before) < 6 or len(grr_before) < 6 or sum(new_before) <= 0:
        return None
    p_new = mean_shift(new_now, new_before, "greater")
    p_grr = mean_shift(grr_now, grr_before, "less")
    drop = sum(grr_before) / 6 - sum(grr_now) / 6
    p = max(p_new, p_grr)
    if p >= ALPHA * 5 or drop <= 0:
        return None
    mrr = Decimal(str(float(t["mrr"].dropna().iloc[-7])))
    function, label = _owner(ctx, "grr")
    return Finding(
        detector="retention_falls",
        problem=(
            f"New business is up while retention falls: new MRR rose "
            f"{sum(new_now) / sum(new_before) - 1:.0%} over the last 6 months, and monthly GRR "
            f"fell {drop:.1%} points."
        ),
        owner=function,
        owner_label=label,
        at_stake=money(Decimal(str(drop)) * mrr * 12),
        at_stake_method="fall of mean monthly GRR x MRR six months ago x 12 (a year of the "
        "extra monthly loss)",
        method=(
            f"one-sided Welch t-tests, last 6 months vs the 6 before: new MRR up p = {p_new:.2g}, "
            f"GRR down p = {p_grr:.2g}"
        ),
        confidence=1 - p,
        evidence=(
            ("new MRR, last 6 months", f"{sum(new_now):,.0f} (before: {sum(new_before):,.0f})"),
            ("mean monthly GRR", f"{sum(grr_now) / 6:.1%} (before: {sum(grr_before) / 6:.1%})"),
        ),
        drill=_drill(ctx, "churn_events", "churned_at", 6),
    )
