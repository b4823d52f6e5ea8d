"""Property tests on random subscription histories (Hypothesis).

An independent oracle written in plain Python with ``Decimal`` computes each customer's MRR per
month from the same rows (intervals, counts, seats, discounts, cancellations under each
churn-recognition setting, EUR converted at dated rates, subscriptions delinquent after the
dunning window of an unpaid invoice); revline must match it to the cent.
On top of that: the bridge reconciles every month, movements sum to the MRR change,
GRR <= 100% and GRR <= NRR, and the result does not depend on the order rows were loaded in.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import hypothesis.strategies as st
import pytest
from hypothesis import HealthCheck, given, settings

from fixtures.mrr.rows import load
from revline.metrics.frame import build_frame
from revline.metrics.retention import METRICS as RETENTION
from revline.model import bridge, build_model, movements
from revline.model.periods import month_index
from revline.settings import MetricSettings
from revline.warehouse import Warehouse

AS_OF = date(2025, 12, 31)
FACTORS = {"month": (1, 1), "quarter": (1, 3), "year": (1, 12), "week": (52, 12)}
CYCLE_MONTHS = {"month": 1, "quarter": 3, "year": 12}
#: EUR -> USD, applied from each date on.
EUR_RATES = [(date(2024, 12, 1), Decimal("1.1")), (date(2025, 6, 10), Decimal("1.2345"))]
FX_ROWS = [
    {
        "fx_rate_id": f"r{i}",
        "rate_date": d,
        "base_currency": "EUR",
        "quote_currency": "USD",
        "rate": r,
    }
    for i, (d, r) in enumerate(EUR_RATES)
]


def _add_months(moment: datetime, months: int) -> datetime:
    index = moment.month - 1 + months
    return moment.replace(year=moment.year + index // 12, month=index % 12 + 1)


def _invoice(
    draw: st.DrawFn, invoice_id: str, sub: str, account: str, start: datetime
) -> dict[str, Any]:
    """An invoice of the subscription (or, sometimes, of the whole account), paid or not."""
    issued = start + timedelta(days=draw(st.integers(0, 200)))
    due = draw(st.none() | st.integers(0, 30).map(lambda d: issued + timedelta(days=d)))
    status = draw(st.sampled_from(["paid", "paid", "open", "uncollectible", "void", "draft"]))
    paid = None
    if status == "paid" and due is not None and draw(st.booleans()):
        paid = due + timedelta(days=draw(st.integers(-10, 90)), hours=draw(st.integers(0, 23)))
    return {
        "invoice_id": invoice_id,
        "account_id": account,
        "subscription_id": draw(st.sampled_from([sub, sub, sub, None])),
        "issued_at": issued,
        "due_at": due,
        "amount": Decimal("10.00"),
        "currency": "USD",
        "status": status,
        "paid_at": paid,
    }


def _delinquent(r: dict[str, Any], invoices: list[dict[str, Any]], snapshot: datetime) -> bool:
    """Past the 30-day dunning window with an owed invoice still unpaid at the snapshot."""
    for inv in invoices:
        applies = inv["subscription_id"] == r["subscription_id"] or (
            inv["subscription_id"] is None and inv["account_id"] == r["account_id"]
        )
        owed = inv["status"] in ("open", "paid", "uncollectible") and not (
            inv["status"] == "paid" and inv["paid_at"] is None
        )
        if not (applies and owed and inv["due_at"] is not None):
            continue
        unpaid = inv["paid_at"] is None or inv["paid_at"] >= snapshot
        if inv["due_at"] + timedelta(days=30) < snapshot and unpaid:
            return True
    return False


@st.composite
def subscription(draw: st.DrawFn, index: int) -> dict[str, Any]:
    # Days 1-28 only, so that adding months never needs end-of-month clamping.
    start = datetime(2025, draw(st.integers(1, 12)), draw(st.integers(1, 28)), 9, tzinfo=UTC)
    months = draw(st.none() | st.integers(0, 10))
    end = None
    if months is not None:
        end = max(_add_months(start, months).replace(day=draw(st.integers(1, 28))), start)
    cancel = None
    if draw(st.booleans()):
        cancel = start + timedelta(days=draw(st.integers(-5, 400)), hours=draw(st.integers(0, 23)))
    account = f"a{draw(st.integers(0, 4))}"
    invoices = [
        _invoice(draw, f"s{index}-i{k}", f"s{index}", account, start)
        for k in range(draw(st.integers(0, 2)))
    ]
    return {
        "invoices": invoices,
        "subscription_id": f"s{index}",
        "account_id": account,
        "quantity": draw(st.integers(1, 5)),
        "unit_amount": Decimal(draw(st.integers(0, 200_000))) / 100,
        "billing_interval": draw(st.sampled_from(sorted(FACTORS))),
        "interval_count": draw(st.integers(1, 2)),
        "discount_percent": Decimal(draw(st.sampled_from([0, 0, 10, 25, 33]))),
        "discount_amount": Decimal(draw(st.sampled_from([0, 0, 500, 1999]))) / 100,
        "currency": draw(st.sampled_from(["USD", "USD", "EUR"])),
        "start_at": start,
        "end_at": end,
        "canceled_at": cancel,
    }


histories = st.integers(1, 8).flatmap(
    lambda n: st.tuples(*(subscription(i) for i in range(n))).map(list)
)
recognitions = st.sampled_from(["cancellation", "paid_period_end", "scheduled_end"])


def _paid_until(r: dict[str, Any]) -> datetime:
    """End of the billing cycle holding the cancellation, by stepping cycle by cycle."""
    start, cancel, count = r["start_at"], r["canceled_at"], r["interval_count"]
    if cancel < start:
        return start
    k = 1
    while True:
        if r["billing_interval"] == "week":
            boundary = start + timedelta(weeks=k * count)
        else:
            boundary = _add_months(start, k * count * CYCLE_MONTHS[r["billing_interval"]])
        if boundary > cancel:
            return boundary
        k += 1


def _effective_end(r: dict[str, Any], recognition: str) -> datetime | None:
    if r["canceled_at"] is None:
        return r["end_at"]
    cut = {
        "cancellation": r["canceled_at"],
        "paid_period_end": _paid_until(r),
        "scheduled_end": r["end_at"] or _paid_until(r),
    }[recognition]
    return cut if r["end_at"] is None else min(r["end_at"], cut)


def _rate(currency: str, month_end: date) -> Decimal:
    if currency == "USD":
        return Decimal(1)
    return [rate for day, rate in EUR_RATES if day <= month_end][-1]


def oracle(rows: list[dict[str, Any]], recognition: str) -> dict[tuple[str, int], Decimal]:
    """Billed MRR in USD per (account, month index) by the documented rules, in plain Python."""
    out: dict[tuple[str, int], Decimal] = defaultdict(Decimal)
    invoices = [inv for r in rows for inv in r["invoices"]]
    for r in rows:
        num, den = FACTORS[r["billing_interval"]]
        listed = r["unit_amount"] * r["quantity"]
        net = max(listed * (100 - r["discount_percent"]) - r["discount_amount"] * 100, Decimal(0))
        end = _effective_end(r, recognition)
        for idx in range(month_index(r["start_at"].date()), month_index(AS_OF) + 1):
            nxt = idx + 1
            snapshot = datetime(nxt // 12, nxt % 12 + 1, 1, tzinfo=UTC)
            running = r["start_at"] < snapshot and (end is None or end >= snapshot)
            if running and not _delinquent(r, invoices, snapshot):
                rate = _rate(r["currency"], (snapshot - timedelta(days=1)).date())
                monthly = net * num * rate / (den * r["interval_count"] * 100)
                out[(r["account_id"], idx)] += monthly.quantize(Decimal("0.01"), ROUND_HALF_UP)
    return {k: v for k, v in out.items() if v > 0}


def _run(
    rows: list[dict[str, Any]], recognition: str = "scheduled_end"
) -> tuple[Any, Any, Any, dict[str, Any]]:
    with Warehouse.create(":memory:") as wh:
        invoices = [inv for r in rows for inv in r["invoices"]]
        load(wh, {"subscriptions": rows, "invoices": invoices, "fx_rates": FX_ROWS})
        settings = MetricSettings(as_of=AS_OF, churn_recognition=recognition)  # type: ignore[arg-type]
        with build_model(wh.ibis, settings) as model:
            cm = wh.ibis.execute(model.customer_months())
            moves = wh.ibis.execute(movements(model))
            br = wh.ibis.execute(bridge(model))
            frame = build_frame(model, "quarter", None)
            ratios = {m.name: wh.ibis.execute(m.compute(frame)) for m in RETENTION}
    return cm, moves, br, ratios


@pytest.mark.slow
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=histories, recognition=recognitions)
def test_random_histories_obey_the_accounting_identities(
    rows: list[dict[str, Any]], recognition: str
) -> None:
    cm, moves, br, ratios = _run(rows, recognition)

    # Customer-month MRR equals the oracle's, to the cent.
    got = {(r.account_id, int(r.month_idx)): r.mrr for r in cm.itertuples()}
    assert got == oracle(rows, recognition)

    # The bridge reconciles every month, and its end is the month's total MRR.
    totals: dict[int, Decimal] = defaultdict(Decimal)
    for (_, idx), value in got.items():
        totals[idx] += value
    for row in br.itertuples():
        flows = row.new + row.reactivation + row.expansion - row.contraction - row.churn
        assert row.start + flows == row.end
        assert row.end == totals.get(month_index(row.month), Decimal(0))

    # Each customer's movements sum to its MRR change, month by month.
    sign = {"new": 1, "reactivation": 1, "expansion": 1, "contraction": -1, "churn": -1}
    for r in moves.itertuples():
        before = got.get((r.account_id, int(r.month_idx) - 1), Decimal(0))
        after = got.get((r.account_id, int(r.month_idx)), Decimal(0))
        assert r.start_mrr == before and r.end_mrr == after
        assert sign.get(r.movement, 0) * r.amount == after - before
        assert r.amount >= 0

    # GRR <= 100% and GRR <= NRR in every quarter, period-based and trailing twelve months;
    # churn rate = 1 - logo retention.
    for net_name, gross_name in (("nrr", "grr"), ("nrr_t12m", "grr_t12m")):
        nrr = ratios[net_name].set_index("period").value
        grr = ratios[gross_name].set_index("period").value
        for period in grr.dropna().index:
            assert grr[period] <= 1.0
            assert grr[period] <= nrr[period]
    kept = ratios["logo_retention"].set_index("period").value.dropna()
    churn = ratios["customer_churn_rate"].set_index("period").value.dropna()
    assert ((kept + churn - 1).abs() < 1e-12).all()


@pytest.mark.slow
@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=histories, data=st.data())
def test_results_do_not_depend_on_row_order(rows: list[dict[str, Any]], data: Any) -> None:
    shuffled = data.draw(st.permutations(rows))
    first, second = _run(rows), _run(shuffled)
    key = ["account_id", "month_idx", "movement"]
    a = first[1].sort_values(key).reset_index(drop=True)
    b = second[1].sort_values(key).reset_index(drop=True)
    assert a.equals(b)
    assert first[2].equals(second[2])
