"""Go-to-market efficiency: CAC, payback, CAC ratio, magic number, LTV:CAC, Rule of 40.

New customers and new MRR come from the MRR model's ``new`` movements (a customer's first
paying month); costs, revenue and margin from :mod:`revline.metrics.gtm_costs`, which documents
what fully loaded S&M cost includes and how it is allocated to a breakdown.
"""

from __future__ import annotations

from collections.abc import Callable

import ibis
import ibis.expr.types as ir

from revline.metrics import retention, revenue
from revline.metrics.core import MRR_TABLES, Benchmark, Metric
from revline.metrics.frame import BREAKDOWNS
from revline.metrics.gtm_costs import (
    allocated_cost,
    gross_margin,
    headcount,
    period_cost,
    period_financials,
)
from revline.metrics.gtm_frame import GtmFrame, unsupported
from revline.model.money import CENTS

#: Breakdowns efficiency metrics support: the MRR breakdowns (but plan) and channel.
SPLITS = ("segment", "region", "industry", "channel")
COST_TABLES = ("expenses", "marketing_spend", "leads", *MRR_TABLES)
FIN_TABLES = ("financials", "expenses", "marketing_spend")


def _filled(frame: GtmFrame, values: ir.Table) -> ir.Table:
    """Every period (null where missing) without a breakdown; sorted rows with one."""
    if frame.by:
        return values.order_by(["period", frame.by])
    joined = frame.period_bounds.select("period").left_join(values, "period")
    extra = [c for c in values.columns if c not in ("period", "value")]
    return joined.select("period", "value", *extra).order_by("period")


def _ratio(top: ir.FloatingValue, bottom: ir.NumericValue) -> ir.FloatingValue:
    return ibis.ifelse(bottom > 0, top / bottom.cast("float64"), ibis.null("float64"))


def _money(value: ir.FloatingValue) -> ir.DecimalValue:
    return value.round(2).cast(CENTS)


def _sm_spend(frame: GtmFrame) -> ir.Table:
    a = allocated_cost(frame, SPLITS)
    return _filled(frame, a.select("period", *frame.by_cols, value=_money(a.cost)))


def _new_customers(frame: GtmFrame) -> ir.Table:
    a = allocated_cost(frame, SPLITS)
    return _filled(frame, a.select("period", *frame.by_cols, value=a.customers.cast("int64")))


def _new_arr(frame: GtmFrame) -> ir.Table:
    a = allocated_cost(frame, SPLITS)
    return _filled(frame, a.select("period", *frame.by_cols, value=_money(a.new_mrr * 12)))


def _cac(frame: GtmFrame) -> ir.Table:
    a = allocated_cost(frame, SPLITS)
    value = _money(_ratio(a.cost, a.customers))
    return _filled(frame, a.select("period", *frame.by_cols, value=value))


def _cac_payback(frame: GtmFrame) -> ir.Table:
    # CAC / (new MRR per new customer x margin) = cost / (new MRR x margin)
    a = allocated_cost(frame, SPLITS).view()  # a view: both sides derive from the periods
    j = a.inner_join(gross_margin(frame), "period")
    value = _ratio(j.cost, j.new_mrr * j.margin)
    return _filled(frame, j.select("period", *frame.by_cols, value=value))


def _cac_ratio(frame: GtmFrame) -> ir.Table:
    a = allocated_cost(frame, SPLITS)
    return _filled(frame, a.select("period", *frame.by_cols, value=_ratio(a.new_mrr * 12, a.cost)))


def _company(frame: GtmFrame, name: str) -> None:
    if frame.by:
        raise unsupported(frame, name, ())


def _magic_number(frame: GtmFrame) -> ir.Table:
    _company(frame, "magic_number")
    now = period_financials(frame)
    before = period_financials(frame, "period").rename(prior="revenue").select("period", "prior")
    cost = period_cost(frame, "period")
    j = now.inner_join(before, "period").inner_join(cost, "period")
    b = frame.period_bounds
    j = j.inner_join(b, "period")
    annualise = 12 / (j.last_idx - j.first_idx + 1).cast("float64")
    value = _ratio((j.revenue - j.prior) * annualise, j.cost)
    return _filled(frame, j.select("period", value=value))


def _rule_of_40(frame: GtmFrame) -> ir.Table:
    _company(frame, "rule_of_40")
    now = period_financials(frame)
    year_ago = period_financials(frame, 12).rename(prior="revenue").select("period", "prior")
    j = now.inner_join(year_ago, "period")
    growth = _ratio(j.revenue, j.prior) - 1
    margin = _ratio(j.profit, j.revenue)
    values = j.select(
        "period", value=growth + margin, margin_basis=ibis.literal(frame.profit_basis)
    )
    out = _filled(frame, values)
    return out.mutate(margin_basis=ibis.literal(frame.profit_basis))


def _revenue_per_employee(frame: GtmFrame) -> ir.Table:
    _company(frame, "revenue_per_employee")
    fin = period_financials(frame)
    heads = headcount(frame)
    b = frame.period_bounds
    j = fin.inner_join(heads, "period").inner_join(b, "period")
    annual = j.revenue * 12 / (j.last_idx - j.first_idx + 1).cast("float64")
    return _filled(frame, j.select("period", value=_money(_ratio(annual, j.heads))))


def _ltv_cac(frame: GtmFrame) -> ir.Table:
    allowed = tuple(b for b in SPLITS if b in BREAKDOWNS)
    if frame.by and frame.by not in allowed:
        raise unsupported(frame, "ltv_cac", allowed)
    ltv = _ltv(frame)
    cac = _cac(frame).rename(cac="value")
    j = ltv.inner_join(cac, ["period", *frame.by_cols])
    value = _ratio(j.value, j.cac)
    return _filled(frame, j.select("period", *frame.by_cols, value=value))


def _ltv(frame: GtmFrame) -> ir.Table:
    """LTV per period: the registry's ``ltv`` if declared, else ARPA x margin / monthly churn.

    A period's customer churn rate is over its length; it is turned into a monthly rate with
    ``1 - (1 - churn) ** (1 / months)`` so that LTV is in months of ARPA whatever the period.
    """
    from revline.metrics.api import REGISTRY

    declared = REGISTRY.get("ltv")
    if declared is not None and declared.frame == "mrr":
        return declared.compute(frame.mrr).select("period", *frame.by_cols, "value")
    arpa = _family(revenue.METRICS, "arpa")(frame.mrr).rename(arpa="value")
    churn = _family(retention.METRICS, "customer_churn_rate")(frame.mrr).rename(churn="value")
    keys = ["period", *frame.by_cols]
    j = arpa.inner_join(churn, keys).inner_join(gross_margin(frame), "period")
    j = j.inner_join(frame.period_bounds, "period")
    months = (j.last_idx - j.first_idx + 1).cast("float64")
    monthly = 1 - (1 - j.churn).pow(1 / months)
    value = _ratio(j.arpa.cast("float64") * j.margin, monthly)
    return j.select(*keys, value=value)


def _family(metrics: tuple[Metric, ...], name: str) -> Callable[..., ir.Table]:
    return next(m.compute for m in metrics if m.name == name)


def _declare(
    name: str,
    description: str,
    formula: str,
    unit: str,
    compute: Callable[[GtmFrame], ir.Table],
    benchmark: Benchmark | None = None,
    owner: str = "revops",
    tables: tuple[str, ...] = COST_TABLES,
) -> Metric:
    return Metric(
        name=name,
        kind="simple" if unit in ("currency", "count") and "/" not in formula else "ratio",
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


BVP = "Bessemer Venture Partners, State of the Cloud / 'Scaling to $100M' efficiency benchmarks"
METRICS = (
    _declare(
        "sm_spend",
        "Fully loaded sales and marketing cost: salaries, commissions, tools, programs and "
        "overhead of the acquisition functions, plus marketing spend not already booked as "
        "marketing programs (see docs/gtm-metrics.md for the allocation to a breakdown).",
        "sum of expenses of marketing, SDR, sales, SE, partnerships and RevOps "
        "+ marketing_spend in months without booked marketing programs",
        "currency",
        _sm_spend,
    ),
    _declare(
        "new_customers",
        "Customers paying for the first time in the period (the MRR model's new movements).",
        "count of new movements in the period's months",
        "count",
        _new_customers,
        owner="sales",
        tables=COST_TABLES,
    ),
    _declare(
        "new_arr",
        "Annual recurring revenue added by new customers in the period.",
        "new_mrr x 12",
        "currency",
        _new_arr,
        owner="sales",
    ),
    _declare(
        "cac",
        "Customer acquisition cost, fully loaded: S&M cost per new customer.",
        "sm_spend / new_customers",
        "currency",
        _cac,
        Benchmark(
            band="no universal band: judge it through CAC payback and LTV:CAC",
            source="revline guidance; CAC depends on segment and deal size",
        ),
    ),
    _declare(
        "cac_payback_months",
        "Months of gross-margin-adjusted new MRR it takes to earn back the CAC.",
        "cac / (new MRR per new customer x gross margin %) = sm_spend / (new_mrr x margin)",
        "months",
        _cac_payback,
        Benchmark(band="under 12 months is efficient; over 24 is a warning", source=BVP),
    ),
    _declare(
        "cac_ratio",
        "New ARR bought per unit of S&M cost in the period.",
        "new_arr / sm_spend",
        "multiple",
        _cac_ratio,
        Benchmark(band="below 0.5 inefficient; above 1.0 healthy", source=BVP),
    ),
    _declare(
        "magic_number",
        "Annualised revenue added in the period per unit of the previous period's S&M cost.",
        "(revenue - previous period's revenue) x (12 / months) / previous period's sm_spend",
        "multiple",
        _magic_number,
        Benchmark(
            band="above 0.75 invest more in S&M; below 0.5 fix efficiency first",
            source="Scale Venture Partners (Rory O'Driscoll), the SaaS magic number",
        ),
        tables=FIN_TABLES,
    ),
    _declare(
        "ltv_cac",
        "Customer lifetime value per unit of CAC. LTV is the registry's ltv metric when one is "
        "declared, else ARPA x gross margin / monthly customer churn rate.",
        "ltv / cac",
        "multiple",
        _ltv_cac,
        Benchmark(
            band="at least 3; above 5 suggests under-investment in growth",
            source="David Skok, 'SaaS Metrics 2.0' (For Entrepreneurs)",
        ),
        tables=(*COST_TABLES, "financials"),
    ),
    _declare(
        "rule_of_40",
        "Revenue growth year on year plus profit margin, as a fraction (0.40 = 40%). The margin "
        "basis (EBITDA by default, or operating profit) is a setting and is in every output.",
        "revenue / revenue 12 months earlier - 1 + profit / revenue",
        "ratio",
        _rule_of_40,
        Benchmark(band="40% (0.40) or more", source="Brad Feld, 'The Rule of 40%', 2015; BVP"),
        tables=("financials",),
    ),
    _declare(
        "revenue_per_employee",
        "Annualised recognised revenue per employee in post at the period end.",
        "revenue x (12 / months) / employees in post at the period end",
        "currency",
        _revenue_per_employee,
        Benchmark(
            band="about 150k-250k USD for growth-stage SaaS; more for efficient public SaaS",
            source="KeyBanc Capital Markets SaaS Survey",
        ),
        tables=("financials", "employees"),
    ),
)
