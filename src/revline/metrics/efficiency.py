"""Go-to-market efficiency: CAC, payback, CAC ratio, magic number, LTV:CAC, Rule of 40.

New customers and new MRR come from the MRR model's ``new`` movements (a customer's first
paying month); costs, revenue and margin from :mod:`revline.metrics.gtm_costs`, which documents
what fully loaded S&M cost includes and how it is allocated to a breakdown.
"""

from __future__ import annotations

from collections.abc import Callable

import ibis
import ibis.expr.types as ir

from revline.metrics.core import (
    MRR_TABLES,
    Benchmark,
    Derived,
    Kind,
    Measure,
    Metric,
    Ratio,
    Simple,
    read_input,
)
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


def _new_arr_per_customer(frame: GtmFrame) -> ir.Table:
    arr = read_input(frame, "new_arr")
    customers = read_input(frame, "new_customers").rename(customers="value")
    j = arr.inner_join(customers, ["period", *frame.by_cols])
    value = _money(_ratio(j.value.cast("float64"), j.customers))
    return _filled(frame, j.select("period", *frame.by_cols, value=value))


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
    ltv = read_input(frame, "ltv").select("period", *frame.by_cols, "value")
    cac = read_input(frame, "cac").rename(cac="value")
    j = ltv.inner_join(cac, ["period", *frame.by_cols])
    value = _ratio(j.value, j.cac)
    return _filled(frame, j.select("period", *frame.by_cols, value=value))


def _gross_margin(frame: GtmFrame) -> ir.Table:
    return _filled(frame, gross_margin(frame).select("period", value="margin"))


def _declare(
    name: str,
    kind: Kind,
    description: str,
    formula: str,
    unit: str,
    compute: Callable[[GtmFrame], ir.Table],
    benchmark: Benchmark | None = None,
    owner: str = "revops",
    tables: tuple[str, ...] = COST_TABLES,
    breakdowns: tuple[str, ...] = SPLITS,
    filters: tuple[str, ...] | None = None,
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
        filters=filters,
    )


BVP = "Bessemer Venture Partners, State of the Cloud / 'Scaling to $100M' efficiency benchmarks"
#: Shared S&M cost is allocated to one breakdown at a time (gtm_costs); filtering it by several
#: dimensions at once (an allocation over their combination) is not built: cost metrics and
#: those computed from them declare no filters, so a filter is refused before a query runs.
NO_FILTERS: tuple[str, ...] = ()
REVENUE = Measure("recognised revenue (financials) of the period", "currency")
METRICS = (
    _declare(
        "sm_spend",
        Simple("fully loaded S&M cost (expenses and unbooked marketing spend)", "flow"),
        "Fully loaded sales and marketing cost: salaries, commissions, tools, programs and "
        "overhead of the acquisition functions, plus marketing spend not already booked as "
        "marketing programs (see docs/gtm-metrics.md for the allocation to a breakdown).",
        "sum of expenses of marketing, SDR, sales, SE, partnerships and RevOps "
        "+ marketing_spend in months without booked marketing programs",
        "currency",
        _sm_spend,
        filters=NO_FILTERS,
    ),
    _declare(
        "new_customers",
        Simple("accounts with a new movement", "flow", "count distinct"),
        "Customers paying for the first time in the period (the MRR model's new movements).",
        "count of new movements in the period's months",
        "count",
        _new_customers,
        owner="sales",
        tables=COST_TABLES,
    ),
    _declare(
        "new_arr",
        Derived(("new_mrr",), "new_mrr x 12"),
        "Annual recurring revenue added by new customers in the period.",
        "new_mrr x 12",
        "currency",
        _new_arr,
        owner="sales",
    ),
    _declare(
        "new_arr_per_customer",
        Ratio("new_arr", "new_customers"),
        "Average new ARR a new customer brings: new ARR over the customers paying for the "
        "first time in the period.",
        "new_arr / new_customers",
        "currency",
        _new_arr_per_customer,
        owner="sales",
    ),
    _declare(
        "cac",
        Ratio("sm_spend", "new_customers"),
        "Customer acquisition cost, fully loaded: S&M cost per new customer.",
        "sm_spend / new_customers",
        "currency",
        _cac,
        Benchmark(
            band="no universal band (it depends on segment and deal size): lower is better; "
            "judge it through CAC payback and LTV:CAC",
            source="David Skok, 'SaaS Metrics 2.0' (For Entrepreneurs)",
            year=2013,
            direction="lower",
        ),
        filters=NO_FILTERS,
    ),
    _declare(
        "gross_margin",
        Ratio(Measure("gross profit (financials) of the period", "currency"), REVENUE),
        "Gross margin of the period: gross profit (or revenue minus cost of revenue) over "
        "recognised revenue, from financials; the gross_margin setting when the period has no "
        "revenue. The whole company's: efficiency metrics apply it to every group.",
        "gross profit / revenue (financials), else the gross_margin setting",
        "ratio",
        _gross_margin,
        owner="revops",
        tables=FIN_TABLES,
        breakdowns=(),
    ),
    _declare(
        "cac_payback_months",
        Derived(
            ("cac", "new_customers", "new_mrr", "gross_margin"),
            "cac / (new_mrr / new_customers x gross_margin)",
        ),
        "Months of gross-margin-adjusted new MRR it takes to earn back the CAC.",
        "cac / (new MRR per new customer x gross margin %) = sm_spend / (new_mrr x margin)",
        "months",
        _cac_payback,
        Benchmark(
            band="12 months or less is efficient; 12-24 amber; over 24 is a warning",
            source=BVP,
            year=2024,
            direction="lower",
            green=12,
            amber=24,
        ),
        tables=(*COST_TABLES, "financials"),
        filters=NO_FILTERS,
    ),
    _declare(
        "cac_ratio",
        Ratio("new_arr", "sm_spend"),
        "New ARR bought per unit of S&M cost in the period.",
        "new_arr / sm_spend",
        "multiple",
        _cac_ratio,
        Benchmark(
            band="above 1.0 healthy; 0.5-1.0 amber; below 0.5 inefficient",
            source=BVP,
            year=2024,
            green=1.0,
            amber=0.5,
        ),
        filters=NO_FILTERS,
    ),
    _declare(
        "magic_number",
        Derived(
            (REVENUE, Measure("recognised revenue of the previous period", "currency"), "sm_spend"),
            "(revenue - previous revenue) x 12 / months / previous period's sm_spend",
        ),
        "Annualised revenue added in the period per unit of the previous period's S&M cost.",
        "(revenue - previous period's revenue) x (12 / months) / previous period's sm_spend",
        "multiple",
        _magic_number,
        Benchmark(
            band="0.75 or more: invest more in S&M; 0.5-0.75 amber; below 0.5 fix efficiency first",
            source="Scale Venture Partners (Rory O'Driscoll), the SaaS magic number",
            year=2013,
            green=0.75,
            amber=0.5,
        ),
        tables=FIN_TABLES,
        breakdowns=(),
    ),
    _declare(
        "ltv_cac",
        Ratio("ltv", "cac"),
        "Customer lifetime value (the ltv metric) per unit of CAC.",
        "ltv / cac",
        "multiple",
        _ltv_cac,
        Benchmark(
            band="3 or more; 2-3 amber; above 5 (amber) suggests under-investment in growth",
            source="David Skok, 'SaaS Metrics 2.0' (For Entrepreneurs)",
            year=2013,
            green=3.0,
            amber=2.0,
            ceiling=5.0,
        ),
        tables=(*COST_TABLES, "financials"),
        filters=NO_FILTERS,
    ),
    _declare(
        "rule_of_40",
        Derived(
            (
                Measure("recognised revenue growth year on year", "ratio"),
                Measure("profit margin (EBITDA or operating profit / revenue)", "ratio"),
            ),
            "revenue growth + profit margin",
        ),
        "Revenue growth year on year plus profit margin, as a fraction (0.40 = 40%). The margin "
        "basis (EBITDA by default, or operating profit) is a setting and is in every output.",
        "revenue / revenue 12 months earlier - 1 + profit / revenue",
        "ratio",
        _rule_of_40,
        Benchmark(
            band="40% (0.40) or more; 30-40% amber; below 30% red",
            source="Brad Feld, 'The Rule of 40%'; BVP",
            year=2015,
            green=0.40,
            amber=0.30,
        ),
        tables=("financials",),
        breakdowns=(),
    ),
    _declare(
        "revenue_per_employee",
        Ratio(
            Measure("recognised revenue, annualised", "currency"),
            Measure("employees in post at the period end", "count"),
        ),
        "Annualised recognised revenue per employee in post at the period end.",
        "revenue x (12 / months) / employees in post at the period end",
        "currency",
        _revenue_per_employee,
        Benchmark(
            band="about 150k-250k USD for growth-stage SaaS; more for efficient public SaaS",
            source="KeyBanc Capital Markets SaaS Survey",
            year=2023,
        ),
        tables=("financials", "employees"),
        breakdowns=(),
    ),
)
