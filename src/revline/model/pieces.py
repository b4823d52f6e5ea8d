"""Customer pieces: runs of months in which a customer's MRR stays the same.

A customer's MRR changes only where one of its subscription segments starts or ends, a
subscription-month is delinquent, or a usage charge is billed. Each of those is an **event**
(``+value`` in the month it starts counting, ``-value`` in the month after it stops); summed
per customer and month, and accumulated in month order with one window, the events give the
customer's contract, billed and usage MRR from each change to the next: a **piece**. Months
after the last computed month are never reached, so an end there is not an event.

A piece carries its movement against the piece before it (the previous piece always ends the
month before, so "the month before" is "the piece before"): ``prev_cents`` (0 when there was
none), the movement kind and its amount. Pieces are kept in whole cents (``int64``); results
convert the columns they return to exact ``DECIMAL`` at the edge (:func:`in_money`).
Customer-months and movements are pieces expanded to their months only at the end; the bridge
needs no expansion.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from revline.model.money import from_cents, to_cents, union_all


def _rows(
    t: ir.Table,
    keys: tuple[str, ...],
    idx: ir.IntegerValue,
    contract: ir.IntegerValue,
    billed: ir.IntegerValue,
    usage: ir.IntegerValue | None,
) -> ir.Table:
    values = {"d_contract": contract, "d_billed": billed}
    if usage is not None:
        values["d_usage"] = usage
    return t.select(
        *keys,
        month_idx=idx.cast("int64"),
        **{name: value.cast("int64") for name, value in values.items()},
    )


def _events(
    keys: tuple[str, ...],
    segments: ir.Table,
    late: ir.Table | None,
    usage: ir.Table | None,
    last: int,
) -> ir.Table:
    """Every change to a unit's MRR, in cents: ``keys, month_idx, d_contract, d_billed``, and
    ``d_usage`` when there is usage. ``late`` and ``usage`` are ``None`` when empty."""
    has_usage = usage is not None
    zero = ibis.literal(0) if has_usage else None
    billed = segments.mutate(start_idx=ibis.greatest(segments.first_idx, segments.billable_from))
    paid = billed.filter(
        (billed.start_idx <= billed.last_idx)
        & ((billed.contract_cents > 0) | (billed.billed_cents > 0))
    )
    ends = paid.filter(paid.last_idx < last)
    parts = [
        _rows(paid, keys, paid.start_idx, paid.contract_cents, paid.billed_cents, zero),
        _rows(ends, keys, ends.last_idx + 1, -ends.contract_cents, -ends.billed_cents, zero),
    ]
    if late is not None:
        back = late.filter(late.month_idx < last)
        parts += [
            _rows(late, keys, late.month_idx, -late.contract_cents, -late.billed_cents, zero),
            _rows(back, keys, back.month_idx + 1, back.contract_cents, back.billed_cents, zero),
        ]
    if usage is not None:
        usage = usage.filter(usage.month_idx <= last)  # charges after the last month: not yet
        used = usage.filter(usage.month_idx < last)
        amount, back_amount = to_cents(usage.usage_mrr), to_cents(used.usage_mrr)
        parts += [
            _rows(usage, keys, usage.month_idx, ibis.literal(0), ibis.literal(0), amount),
            _rows(used, keys, used.month_idx + 1, ibis.literal(0), ibis.literal(0), -back_amount),
        ]
    return union_all(*parts)


def unit_pieces(
    keys: tuple[str, ...],
    segments: ir.Table,
    late: ir.Table | None,
    usage: ir.Table | None,
    last: int,
    basis: str,
    include_usage: bool,
) -> ir.Table:
    """The pieces of every unit (``keys``): one row per change in its MRR.

    Columns: the keys, ``first_idx`` and ``last_idx`` (the piece's first and last month),
    and in whole cents (``int64``; :func:`in_money` converts them to exact ``DECIMAL``)
    ``contract_cents``, ``billed_cents``, ``usage_cents``, ``mrr_cents`` (the basis, plus usage
    when included), ``prev_cents`` (the piece before's ``mrr``, 0 when none); ``movement`` (in the
    piece's first month: ``new`` when no earlier piece paid, ``reactivation`` after a gap,
    ``expansion``, ``contraction`` or ``unchanged`` against the month before, ``churn`` for the
    first non-paying piece after a paying one, ``none`` for other non-paying pieces) and
    ``amount_cents`` (the size of that movement). Events, levels and the stored pieces are whole
    cents; results convert to ``DECIMAL`` only at the edge. ``late`` and ``usage`` are ``None``
    when they hold no rows, which
    leaves their events (and the usage column's arithmetic) out of the plan.
    """
    events = _events(keys, segments, late, usage, last)
    deltas = [c for c in ("d_contract", "d_billed", "d_usage") if c in events.columns]
    summed = events.group_by([*keys, "month_idx"]).agg(
        **{c: events[c].sum().cast("int64") for c in deltas}
    )
    moved = summed[deltas[0]] != 0
    for c in deltas[1:]:
        moved |= summed[c] != 0
    changes = summed.filter(moved)
    running = ibis.cumulative_window(group_by=list(keys), order_by=changes.month_idx)
    window = ibis.window(group_by=list(keys), order_by=changes.month_idx)
    level = {c: changes[c].sum().over(running).cast("int64") for c in deltas}
    delta = {c: changes[c] for c in deltas}
    usage_delta = delta.get("d_usage", ibis.literal(0).cast("int64"))
    base_delta = delta["d_billed"] if basis == "billed" else delta["d_contract"]
    total_delta = base_delta + usage_delta if include_usage else base_delta
    # One window per unit gives the levels, the next change, and whether the unit paid before
    # (MRR levels never go below 0, so a unit has paid before a piece exactly when an earlier
    # piece raised its MRR). Each window sum is computed once here; ``mrr`` and ``prev`` are
    # derived from them in the next projection, not summed again.
    rise = ibis.greatest(total_delta, 0)
    windowed = changes.select(
        *keys,
        first_idx="month_idx",
        last_idx=ibis.least(changes.month_idx.lead().over(window) - 1, last)
        .coalesce(last)
        .cast("int64"),
        total_delta=total_delta,
        rise=rise,
        rises=rise.sum().over(running),
        **{f"lvl_{c}": value for c, value in level.items()},
    )
    got = {c: windowed[f"lvl_{c}"] for c in deltas}
    usage_now = got.get("d_usage", ibis.literal(0).cast("int64"))
    base_now = got["d_billed"] if basis == "billed" else got["d_contract"]
    mrr_now = base_now + usage_now if include_usage else base_now
    levels = windowed.select(
        *keys,
        "first_idx",
        "last_idx",
        contract=got["d_contract"],
        billed=got["d_billed"],
        usage=usage_now,
        mrr=mrr_now,
        prev=mrr_now - windowed.total_delta,
        paid_before=(windowed.rises - windowed.rise) > 0,
    )
    change = levels.mrr - levels.prev
    movement = ibis.cases(
        (levels.mrr == 0, ibis.ifelse(levels.prev > 0, "churn", "none")),
        (~levels.paid_before, "new"),
        (levels.prev == 0, "reactivation"),
        (change > 0, "expansion"),
        (change < 0, "contraction"),
        else_="unchanged",
    )
    return levels.select(
        *keys,
        "first_idx",
        "last_idx",
        contract_cents=levels.contract,
        billed_cents=levels.billed,
        usage_cents=levels.usage,
        mrr_cents=levels.mrr,
        prev_cents=levels.prev,
        movement=movement,
        amount_cents=ibis.ifelse(change >= 0, change, -change),
    )


def in_money(pieces: ir.Table, *names: str) -> dict[str, ir.DecimalValue]:
    """Exact money columns (``DECIMAL``) named ``names`` from the pieces' cents columns
    (``contract_mrr`` from ``contract_cents``, ``mrr`` from ``mrr_cents``, ``amount`` from
    ``amount_cents``).

    Pieces keep whole cents (``int64``, cheaper to window, store and expand); a result converts
    only the columns it returns, at the edge.
    """
    return {name: from_cents(pieces[f"{name.removesuffix('_mrr')}_cents"]) for name in names}
