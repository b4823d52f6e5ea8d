"""MRR movements summed over each period: new, reactivation, expansion, contraction, churn.

Each is the sum of the monthly customer-level movements (see :mod:`revline.model.movements`)
in the period's months, so a quarter's figures add up to its three months' bridges.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from revline.metrics.core import (
    MRR_TABLES,
    Benchmark,
    Compute,
    Derived,
    Frame,
    Metric,
    Simple,
)
from revline.metrics.frame import fill_periods, in_period
from revline.model.money import CENTS
from revline.model.movements import SIGNS


def _flows(frame: Frame) -> ir.Table:
    """Every movement's total per period (and group), one column per movement."""
    rows = in_period(frame)
    zero = ibis.literal(0).cast(CENTS)
    return rows.group_by(["period", *frame.by_cols]).agg(
        **{
            name: ibis.ifelse(rows.movement == name, rows.amount, zero).sum().cast(CENTS)
            for name in SIGNS
        }
    )


def _flow(name: str) -> Compute:
    def compute(frame: Frame) -> ir.Table:
        flows = _flows(frame)
        values = flows.select("period", *frame.by_cols, value=flows[name])
        return fill_periods(frame, values, ibis.literal(0).cast(CENTS))

    return compute


def _delinquent_churn(frame: Frame) -> ir.Table:
    rows = in_period(frame)
    late = rows.filter((rows.movement == "churn") & rows.delinquent)
    values = late.group_by(["period", *frame.by_cols]).agg(value=late.amount.sum().cast(CENTS))
    return fill_periods(frame, values, ibis.literal(0).cast(CENTS))


def _net_new(frame: Frame) -> ir.Table:
    f = _flows(frame)
    net = f.new + f.reactivation + f.expansion - f.contraction - f.churn
    values = f.select("period", *frame.by_cols, value=net.cast(CENTS))
    return fill_periods(frame, values, ibis.literal(0).cast(CENTS))


def _quick_ratio(frame: Frame) -> ir.Table:
    f = _flows(frame)
    gained = (f.new + f.reactivation + f.expansion).cast("float64")
    lost = (f.contraction + f.churn).cast("float64")
    value = ibis.ifelse(lost > 0, gained / lost, ibis.null("float64"))
    return fill_periods(frame, f.select("period", *frame.by_cols, value=value), None)


#: The movement metrics net new MRR and the quick ratio are computed from.
FLOWS = ("new_mrr", "reactivation_mrr", "expansion_mrr", "contraction_mrr", "churned_mrr")


def _declare(name: str, movement: str, description: str, owner: str) -> Metric:
    return Metric(
        name=name,
        kind=Simple(f"{movement} movement amounts", "flow"),
        description=description,
        formula=f"sum of {movement} movements in the period's months",
        unit="currency",
        grain="month",
        owner=owner,
        tables=MRR_TABLES,
        compute=_flow(movement),
    )


METRICS = (
    _declare(
        "new_mrr",
        "new",
        "MRR from customers paying for the first time (their first paying month).",
        "sales",
    ),
    _declare(
        "reactivation_mrr",
        "reactivation",
        "MRR from returning customers: paying again after at least one month without MRR.",
        "customer_success",
    ),
    _declare(
        "expansion_mrr",
        "expansion",
        "MRR added by paying customers over the previous month: upgrades, more seats, a "
        "second subscription, a discount ending.",
        "customer_success",
    ),
    _declare(
        "contraction_mrr",
        "contraction",
        "MRR lost by customers who still pay: downgrades, fewer seats, a new discount, ending "
        "one of several subscriptions.",
        "customer_success",
    ),
    _declare(
        "churned_mrr",
        "churn",
        "MRR lost from customers who stopped paying (the last subscription ended), counted in "
        "the first month without MRR, at the previous month's amount.",
        "customer_success",
    ),
    Metric(
        name="delinquent_churned_mrr",
        kind=Simple("churn movement amounts flagged delinquent", "flow"),
        description="The part of churned MRR lost to non-payment: customers whose last paying "
        "subscription became delinquent (an invoice unpaid past the dunning window).",
        formula="sum of churn movements flagged delinquent in the period's months",
        unit="currency",
        grain="month",
        owner="customer_success",
        tables=MRR_TABLES,
        compute=_delinquent_churn,
    ),
    Metric(
        name="net_new_mrr",
        kind=Derived(
            FLOWS,
            "new_mrr + reactivation_mrr + expansion_mrr - contraction_mrr - churned_mrr",
        ),
        description="The change in MRR over the period, explained by its movements.",
        formula="new + reactivation + expansion - contraction - churn",
        unit="currency",
        grain="month",
        owner="revops",
        tables=MRR_TABLES,
        compute=_net_new,
    ),
    Metric(
        name="quick_ratio",
        kind=Derived(
            FLOWS,
            "(new_mrr + reactivation_mrr + expansion_mrr) / (contraction_mrr + churned_mrr)",
        ),
        description="SaaS quick ratio: MRR gained per unit of MRR lost in the period "
        "(empty when nothing was lost).",
        formula="(new + reactivation + expansion) / (contraction + churn)",
        unit="multiple",
        grain="month",
        owner="revops",
        tables=MRR_TABLES,
        compute=_quick_ratio,
        benchmark=Benchmark(
            band="above 4 is efficient growth; below 1 means MRR is shrinking",
            source="Mamoon Hamid (Social Capital), 'The SaaS Quick Ratio'",
            year=2015,
            green=4.0,
            amber=1.0,
        ),
    ),
)
