"""The customer-month panel the retention curves are fitted on, aggregated in the engine.

Each **exposure** is a customer paying at the end of month ``e`` (its MRR ``start_mrr``); its
outcome is the movement of month ``e + 1`` from :func:`revline.model.movements.movements`:
``churn``, ``contraction``, ``expansion`` or ``unchanged``. Each exposure is described by the
customer's state at ``e``:

- ``segment`` (accounts.segment, ``unknown`` when empty);
- ``plan``: the plan carrying most of the customer's MRR at ``e`` (ties: the smallest id);
- ``tenure_band``: months since the customer's first paying month, banded by
  :data:`TENURE_BANDS` (a new customer is in band ``0-2`` in its first month);
- ``usage``: the trend of metered usage, the last three months (``e - 2 .. e``) against the
  three before: ``rising`` (more than 10% up, or usage appearing), ``falling`` (more than 10%
  down), ``steady``, or ``none`` without usage in those six months.

Exposures are weighted by recency, ``0.5 ** ((base - e - 1) / half_life)``, so the curves follow
the observed trend rather than the average of the whole history. Only the aggregated cells (one
row per segment x plan x tenure band x usage trend) leave the engine; the forecast's starting
state (:func:`unit_state` at the base month) is one row per paying customer.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import uuid4

import ibis
import ibis.expr.types as ir
import pandas as pd

from revline.model.engine import drop, store
from revline.model.movements import movements
from revline.model.mrr import MrrModel
from revline.model.periods import month_index_of

#: Tenure bands, in months since the first paying month: (label, first, last or None).
TENURE_BANDS: tuple[tuple[str, int, int | None], ...] = (
    ("0-2", 0, 2),
    ("3-5", 3, 5),
    ("6-11", 6, 11),
    ("12-23", 12, 23),
    ("24+", 24, None),
)
USAGE_TRENDS = ("rising", "steady", "falling", "none")
#: A change of usage within this fraction either way is ``steady``.
USAGE_BAND = 0.10
CELL_KEYS = ("segment", "plan", "tenure_band", "usage")


def tenure_band(tenure: ir.IntegerValue) -> ir.StringValue:
    """The :data:`TENURE_BANDS` label of a tenure in months."""
    cases = [(tenure <= last, label) for label, _, last in TENURE_BANDS if last is not None]
    return ibis.cases(*cases, else_=TENURE_BANDS[-1][0])


def band_of(tenure: int) -> str:
    """The same banding in Python (for the simulation, where tenure advances month by month)."""
    for label, _, last in TENURE_BANDS:
        if last is not None and tenure <= last:
            return label
    return TENURE_BANDS[-1][0]


@dataclass(frozen=True)
class Facts:
    """The facts every input query shares, stored once on the engine for one fit (compiling
    the MRR expressions again for each query is the slow part): the movements, each
    customer's first paying month, the plan carrying most of its MRR each month, the accounts'
    segments and monthly metered usage. Release with :meth:`release` (or ``with``)."""

    model: MrrModel
    backend: ibis.BaseBackend
    moves: ir.Table
    first: ir.Table
    top: ir.Table
    accounts: ir.Table
    usage: ir.Table
    names: tuple[str, ...]

    def release(self) -> None:
        """Drop the stored tables."""
        for name in self.names:
            drop(self.backend, name)

    def __enter__(self) -> Facts:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def build_facts(model: MrrModel, backend: ibis.BaseBackend) -> Facts:
    """Store the shared facts of ``model`` on ``backend`` (see :class:`Facts`)."""
    cm = model.customer_months()
    first = cm.group_by("account_id").agg(first_idx=cm.month_idx.min())
    sm = model.subscription_months
    by_plan = sm.group_by(["account_id", "month_idx", "plan_id"]).agg(
        weight=(sm.billed_mrr + sm.contract_mrr).sum()
    )
    rank = ibis.row_number().over(
        group_by=[by_plan.account_id, by_plan.month_idx],
        order_by=[ibis.desc(by_plan.weight), by_plan.plan_id],
    )
    top = by_plan.mutate(rank=rank)
    top = top.filter(top.rank == 0).select(
        p_account="account_id", p_idx="month_idx", plan=top.plan_id.coalesce("unknown")
    )
    accounts = model.accounts.select(
        a_account="account_id", segment=model.accounts.segment.coalesce("unknown")
    )
    raw = backend.table("usage")
    raw = raw.filter(raw.account_id.notnull())
    monthly = raw.group_by(
        account_id=raw.account_id,
        month_idx=month_index_of(raw.usage_date),
    ).agg(q=raw.quantity.sum().cast("float64"))
    exprs = {
        "moves": movements(model),
        "first": first.rename(f_account="account_id"),
        "top": top,
        "accounts": accounts,
        "usage": monthly,
    }
    names: list[str] = []
    stored: dict[str, ir.Table] = {}
    try:
        for key, expr in exprs.items():
            names.append(f"_revline_fc_{key}_{uuid4().hex[:12]}")
            stored[key] = store(backend, names[-1], expr)
    except BaseException:
        for name in names:
            drop(backend, name)
        raise
    return Facts(model, backend, **stored, names=tuple(names))


def unit_state(facts: Facts, units: ir.Table) -> ir.Table:
    """``units`` (``account_id``, ``e``) with ``segment``, ``plan``, ``tenure``,
    ``tenure_band`` and ``usage`` at month ``e`` (see the module docstring)."""
    first, top, accounts = facts.first, facts.top, facts.accounts
    usage = _usage_trend(facts.usage, units)
    joined = (
        units.left_join(first, units.account_id == first.f_account)
        .left_join(top, [units.account_id == top.p_account, units.e == top.p_idx])
        .left_join(accounts, units.account_id == accounts.a_account)
        .left_join(usage, [units.account_id == usage.u_account, units.e == usage.u_e])
    )
    tenure = (joined.e - joined.first_idx.coalesce(joined.e)).cast("int64")
    return joined.select(
        *units.columns,
        segment=joined.segment.coalesce("unknown"),
        plan=joined.plan.coalesce("unknown"),
        tenure=tenure,
        tenure_band=tenure_band(tenure),
        usage=joined.usage.coalesce("none"),
    )


def _usage_trend(monthly: ir.Table, units: ir.Table) -> ir.Table:
    """``u_account``, ``u_e``, ``usage``: the usage trend class of each unit at ``e``."""
    keys = units.select(k_account="account_id", k_e="e").distinct()
    near = keys.inner_join(
        monthly,
        [
            keys.k_account == monthly.account_id,
            monthly.month_idx <= keys.k_e,
            monthly.month_idx >= keys.k_e - 5,
        ],
    )
    recent_months = near.month_idx >= near.k_e - 2
    sums = near.group_by(u_account=near.k_account, u_e=near.k_e).agg(
        recent=ibis.ifelse(recent_months, near.q, 0.0).sum(),
        prior=ibis.ifelse(recent_months, 0.0, near.q).sum(),
    )
    trend = ibis.cases(
        ((sums.recent <= 0) & (sums.prior <= 0), "none"),
        (sums.prior <= 0, "rising"),
        (sums.recent > sums.prior * (1 + USAGE_BAND), "rising"),
        (sums.recent < sums.prior * (1 - USAGE_BAND), "falling"),
        else_="steady",
    )
    return sums.select("u_account", "u_e", usage=trend)


def exposure_cells(facts: Facts, base: int, window: int, half_life: float) -> pd.DataFrame:
    """Recency-weighted exposures and outcomes per cell (:data:`CELL_KEYS`).

    Outcomes are in months ``base - window + 1 .. base``. Columns: the keys, then ``n``
    (weighted exposures), ``churn`` (weighted churned customers), ``start_mrr`` (weighted MRR at
    risk, in currency units), ``churn_mrr``, ``exp_n`` and ``exp_mrr`` (weighted expansions and
    their amount), ``exp_start`` (their start MRR), and ``con_n``, ``con_mrr``, ``con_start``
    for contractions. Weighted sums are floats: they estimate rates, not money owed.
    """
    moves = facts.moves
    at_risk = moves.filter(
        (moves.start_mrr > 0) & (moves.month_idx > base - window) & (moves.month_idx <= base)
    )
    units = at_risk.select(
        "account_id",
        e=(at_risk.month_idx - 1).cast("int64"),
        movement="movement",
        start=at_risk.start_mrr.cast("float64"),
        amount=at_risk.amount.cast("float64"),
    )
    state = unit_state(facts, units)
    age = (ibis.literal(base) - state.e - 1).cast("float64")
    w = ibis.literal(0.5).pow(age / half_life)
    m = state.movement
    zero = ibis.literal(0.0)

    def when(kind: str, value: ir.NumericValue) -> ir.NumericValue:
        return ibis.ifelse(m == kind, value, zero)

    cells = state.group_by(list(CELL_KEYS)).agg(
        n=w.sum(),
        churn=when("churn", w).sum(),
        start_mrr=(w * state.start).sum(),
        churn_mrr=when("churn", w * state.start).sum(),
        exp_n=when("expansion", w).sum(),
        exp_mrr=when("expansion", w * state.amount).sum(),
        exp_start=when("expansion", w * state.start).sum(),
        con_n=when("contraction", w).sum(),
        con_mrr=when("contraction", w * state.amount).sum(),
        con_start=when("contraction", w * state.start).sum(),
    )
    frame: pd.DataFrame = facts.backend.execute(cells.order_by(list(CELL_KEYS)))
    return frame
