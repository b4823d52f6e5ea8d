"""Property test (Hypothesis): every breakdown of every additive metric adds up to its total.

Issue 12: shared S&M cost disappeared from breakdowns in a period without new MRR (it was split
by share of new MRR, and there was none). On random small companies (accounts, leads, plans,
subscriptions, deals with and without an account, expenses and marketing spend, in a window of
18 months), for every additive metric (a sum of money or a count of things that each fall in one
group: kind ``simple`` in currency or count) and every breakdown it supports, the groups of each
quarter add up to the quarter's total. Money groups are each rounded to the cent, so their sum
may differ from the rounded total by at most half a cent a group.

Not additive, and left out: counts of customers by plan (a customer on two plans is one
customer, and one in each plan: docs/metrics.md, "Breakdowns"); and each MRR movement by plan on
its own (a switch from plan A to plan B is churn on A and new on B, while the company books one
expansion or contraction). What holds for plan movements instead is the net: net new MRR by plan
adds up to the company's net new MRR (checked below, with the movements that make it).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import hypothesis.strategies as st
import ibis
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings

from fixtures.mrr.rows import load
from revline.errors import ConfigError
from revline.metrics import REGISTRY
from revline.metrics.frame import BREAKDOWNS, build_frame
from revline.metrics.gtm_frame import GTM_BREAKDOWNS, GtmSettings, build_gtm_frame
from revline.model import build_model
from revline.schema.enums import CHANNELS, EXPENSE_CATEGORIES, REGIONS, SEGMENTS
from revline.warehouse import Warehouse

AS_OF = date(2025, 6, 30)
MONTHS = [date(2024 + (m // 12), m % 12 + 1, 1) for m in range(18)]  # 2024-01 .. 2025-06
SETTINGS = GtmSettings(as_of=AS_OF)
ADDITIVE = sorted(
    name for name, m in REGISTRY.items() if m.kind == "simple" and m.unit in ("currency", "count")
)
#: (metric, breakdown) pairs that are not sums over disjoint groups, with the reason above.
NOT_ADDITIVE = {(name, "plan") for name in ADDITIVE if REGISTRY[name].unit == "count"}
MOVEMENTS = ("new_mrr", "expansion_mrr", "contraction_mrr", "churned_mrr", "reactivation_mrr")
NOT_ADDITIVE |= {(name, "plan") for name in MOVEMENTS}
#: Checked additive by plan although its parts are not (see above).
NET_BY_PLAN = ("net_new_mrr",)

months = st.sampled_from(range(len(MONTHS)))
money = st.integers(1, 40).map(lambda n: Decimal(n * 125))


@st.composite
def companies(draw: st.DrawFn) -> dict[str, list[dict[str, Any]]]:
    n = draw(st.integers(1, 4))
    accounts = [
        {
            "account_id": f"a{i}",
            "name": f"A{i}",
            "segment": draw(st.none() | st.sampled_from(SEGMENTS)),
            "region": draw(st.none() | st.sampled_from(REGIONS)),
            "industry": draw(st.none() | st.sampled_from(["software", "retail"])),
        }
        for i in range(n)
    ]
    ids = [a["account_id"] for a in accounts]
    leads = [
        {
            "lead_id": f"l{i}",
            "account_id": draw(st.sampled_from(ids)),
            "channel": draw(st.sampled_from(CHANNELS[:4])),
            "created_at": MONTHS[draw(months)],
        }
        for i in range(draw(st.integers(0, 3)))
    ]
    plans = [
        {
            "plan_id": p,
            "product": "core",
            "pricing_model": "flat",
            "billing_interval": "month",
            "interval_count": 1,
            "currency": "USD",
        }
        for p in ("p1", "p2")
    ]
    subscriptions = []
    for i in range(draw(st.integers(0, 5))):
        start = draw(months)
        end = draw(st.none() | st.integers(start + 1, len(MONTHS)))
        subscriptions.append(
            {
                "subscription_id": f"s{i}",
                "account_id": draw(st.sampled_from(ids)),
                "plan_id": draw(st.sampled_from(["p1", "p2"])),
                "quantity": 1,
                "unit_amount": draw(money),
                "currency": "USD",
                "billing_interval": "month",
                "interval_count": 1,
                "start_at": MONTHS[start],
                "end_at": None if end is None or end >= len(MONTHS) else MONTHS[end],
            }
        )
    opportunities = []
    for i in range(draw(st.integers(0, 4))):
        created = draw(months)
        closed = draw(st.none() | st.integers(created, len(MONTHS) - 1))
        won = closed is not None and draw(st.booleans())
        opportunities.append(
            {
                "opportunity_id": f"o{i}",
                "account_id": draw(st.none() | st.sampled_from(ids)),
                "opportunity_type": draw(st.sampled_from(["new", "expansion", "renewal"])),
                "lead_source": draw(st.sampled_from(["marketing", "sdr", "ae", "partner"])),
                "stage": "open" if closed is None else ("won" if won else "lost"),
                "amount": draw(money),
                "currency": "USD",
                "created_at": MONTHS[created],
                "closed_at": None if closed is None else MONTHS[closed],
                "close_date": MONTHS[closed if closed is not None else len(MONTHS) - 1],
                "is_closed": closed is not None,
                "is_won": won,
                "owner_id": draw(st.sampled_from(["e1", "e2"])),
                "competitor": draw(st.none() | st.sampled_from(["X", "Y"])),
            }
        )
    expenses = [
        {
            "expense_id": f"x{i}",
            "month": MONTHS[draw(months)],
            "function": draw(st.sampled_from(["marketing", "sales", "revops", "finance"])),
            "category": draw(st.sampled_from(EXPENSE_CATEGORIES)),
            "amount": draw(money),
            "currency": "USD",
        }
        for i in range(draw(st.integers(0, 5)))
    ]
    spend = [
        {
            "spend_id": f"m{i}",
            "spend_date": MONTHS[draw(months)],
            "channel": draw(st.sampled_from(CHANNELS[:4])),
            "amount": draw(money),
            "currency": "USD",
        }
        for i in range(draw(st.integers(0, 4)))
    ]
    employees = [
        {"employee_id": "e1", "name": "E1", "function": "sales", "team": "west"},
        {"employee_id": "e2", "name": "E2", "function": "sales", "team": "east"},
    ]
    return {
        "accounts": accounts,
        "leads": leads,
        "plans": plans,
        "subscriptions": subscriptions,
        "opportunities": opportunities,
        "expenses": expenses,
        "marketing_spend": spend,
        "employees": employees,
    }


def _values(
    con: ibis.BaseBackend, frame: object, names: list[str], by: str | None
) -> tuple[pd.DataFrame, set[str]]:
    """``metric``, ``period``, ``group`` and ``value`` of the metrics ``frame`` supports; and
    the names of those metrics."""
    parts = []
    supported = set()
    for name in names:
        try:
            t = REGISTRY[name].compute(frame)
        except ConfigError:  # a breakdown the metric does not support
            continue
        supported.add(name)
        group = t[by].cast("string") if by else ibis.literal("")
        parts.append(
            t.select(
                metric=ibis.literal(name),
                period="period",
                group=group,
                value=t.value.cast("float64"),
            )
        )
    if not parts:
        return pd.DataFrame(columns=["metric", "period", "group", "value"]), supported
    out: pd.DataFrame = con.execute(parts[0].union(*parts[1:]) if len(parts) > 1 else parts[0])
    return out, supported


def _check(totals: pd.DataFrame, groups: pd.DataFrame, supported: set[str], by: str) -> None:
    """Each supported metric's groups add up to its total in every quarter."""
    total = totals.set_index(["metric", "period"])["value"].fillna(0.0)
    sums = groups.assign(value=groups["value"].fillna(0.0).astype(float))
    sums = sums.groupby(["metric", "period"])["value"].agg(["sum", "count"])
    for (name, period), expected in total.items():
        if name not in supported or (name, by) in NOT_ADDITIVE:
            continue
        got, count = sums.loc[(name, period)] if (name, period) in sums.index else (0.0, 0)
        slack = 0.005 * (count + 1) if REGISTRY[str(name)].unit == "currency" else 0.0
        assert abs(got - expected) <= slack + 1e-9, (name, by, period, got, expected)
    extra = set(sums.index) - set(total.index)
    assert not {(n, p) for n, p in extra if sums.loc[(n, p), "sum"] != 0}, (by, extra)


@pytest.mark.slow
@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(companies())
def test_every_breakdown_of_an_additive_metric_adds_up_to_its_total(
    company: dict[str, list[dict[str, Any]]],
) -> None:
    wh = Warehouse.create(":memory:")
    try:
        load(wh, company)
        con = wh.ibis
        mrr_names = [n for n in ADDITIVE if REGISTRY[n].frame == "mrr"]
        gtm_names = [n for n in ADDITIVE if REGISTRY[n].frame == "gtm"]
        with build_model(con, SETTINGS) as model:
            totals = pd.concat(
                [
                    _values(con, build_frame(model, "quarter", None), mrr_names, None)[0],
                    _values(con, build_gtm_frame(model, "quarter", None), gtm_names, None)[0],
                ]
            )
            for by in GTM_BREAKDOWNS:
                groups, supported = _values(
                    con, build_gtm_frame(model, "quarter", by), gtm_names, by
                )
                if by in BREAKDOWNS:
                    mrr, more = _values(con, build_frame(model, "quarter", by), mrr_names, by)
                    groups = mrr if groups.empty else pd.concat([groups, mrr])
                    supported |= more
                _check(totals, groups, supported, by)
            net = list(NET_BY_PLAN)
            net_total, _ = _values(con, build_frame(model, "quarter", None), net, None)
            net_plans, supported = _values(con, build_frame(model, "quarter", "plan"), net, "plan")
            assert supported == set(net)
            _check(net_total, net_plans, supported, "plan")
    finally:
        wh.close()
