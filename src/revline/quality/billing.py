"""Billing consistency: overlapping subscriptions, usage outside its subscription, churn that
did not stop billing, and subscriptions with no price.

A subscription covers the interval ``[start_at, end_at)``; an empty ``end_at`` means it still
runs. A usage day covers ``[day 00:00, next day 00:00)`` UTC and counts as inside a
subscription when the two intervals intersect.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from revline.quality.findings import Context, Finding, example_list, ids_of, noun, verb

#: Stands in for "still running" when comparing end times.
_OPEN_END = ibis.timestamp("9999-12-31 00:00:00", timezone="UTC")
_UTC = ibis.dtype("timestamp('UTC', 6)")


def _end(value: ir.TimestampValue) -> ir.TimestampValue:
    return value.fill_null(_OPEN_END.cast(_UTC))


def overlapping_subscriptions(ctx: Context) -> list[Finding]:
    """Accounts with two subscriptions whose intervals intersect."""
    if not ctx.has("subscriptions"):
        return []
    s = ctx.table("subscriptions")
    t = s.view()
    pairs = s.join(
        t,
        [
            s.account_id == t.account_id,
            s.subscription_id < t.subscription_id,
            s.start_at < _end(t.end_at),
            t.start_at < _end(s.end_at),
        ],
    ).select(account_id=s.account_id, first=s.subscription_id, second=t.subscription_id)
    count, examples = ids_of(ctx.wh, pairs, "account_id")
    if not count:
        return []
    involved = pairs.select(id=pairs.first).union(pairs.select(id=pairs.second))
    n_subs, _ = ids_of(ctx.wh, involved, "id")
    # for each example account, its first overlapping pair and how many pairs it has
    shown = pairs.filter(pairs.account_id.isin(list(examples)))
    by_account = ibis.window(group_by="account_id", order_by=["first", "second"])
    shown = shown.mutate(
        rank=ibis.row_number().over(by_account),
        n=shown.count().over(ibis.window(group_by="account_id")),
    )
    rows = ctx.wh.ibis.execute(shown.filter(shown["rank"] == 0).order_by("account_id"))
    details = tuple(
        f"{row.account_id}: {row.first} overlaps {row.second}"
        + (f" (and {row.n - 1} more overlapping pairs)" if row.n > 1 else "")
        for row in rows.itertuples(index=False)
    )
    message = (
        f"{noun('accounts', count)} {verb(count, 'has', 'have')} overlapping subscriptions "
        f"({n_subs} subscriptions involved): {example_list(count, examples)}; account MRR may "
        f"be double counted."
    )
    return [
        Finding(
            "overlapping_subscriptions",
            ("subscriptions", "accounts"),
            "warning",
            count,
            examples,
            message,
            columns=("start_at", "end_at"),
            details=details,
        )
    ]


def _day_window(day: ir.DateValue) -> tuple[ir.TimestampValue, ir.TimestampValue]:
    start = day.cast(_UTC)
    return start, (day + ibis.interval(days=1)).cast(_UTC)


def usage_outside_subscription(ctx: Context) -> list[Finding]:
    """Usage on a day its subscription (or, without one, any subscription of its account) did
    not cover."""
    if not ctx.has("usage", "subscriptions"):
        return []
    u = ctx.table("usage")
    s = ctx.table("subscriptions")
    day_start, day_end = _day_window(u.usage_date)
    with_sub = u.filter(u.subscription_id.notnull()).join(s, u.subscription_id == s.subscription_id)
    by_sub = with_sub.filter(
        (day_end <= with_sub.start_at) | (day_start >= _end(with_sub.end_at))
    ).select("usage_id")
    no_sub = u.filter(u.subscription_id.isnull() & u.account_id.notnull())
    by_account = no_sub.anti_join(
        s,
        [
            no_sub.account_id == s.account_id,
            day_end > s.start_at,
            day_start < _end(s.end_at),
        ],
    ).select("usage_id")
    bad = by_sub.union(by_account)
    count, examples = ids_of(ctx.wh, bad, "usage_id")
    if not count:
        return []
    message = (
        f"{noun('usage', count)} fall outside the dates of {verb(count, 'its', 'their')} "
        f"subscription (or of every subscription of the account): "
        f"{example_list(count, examples)}; usage-based health and revenue are attributed to "
        f"periods with no contract."
    )
    return [
        Finding(
            "usage_outside_subscription",
            ("usage", "subscriptions"),
            "warning",
            count,
            examples,
            message,
            columns=("usage_date",),
        )
    ]


def churn_with_running_subscription(ctx: Context) -> list[Finding]:
    """Churn events on accounts with a subscription that started before the churn and had not
    ended by it."""
    if not ctx.has("churn_events", "subscriptions"):
        return []
    c = ctx.table("churn_events")
    s = ctx.table("subscriptions")
    running = c.semi_join(
        s,
        [
            c.account_id == s.account_id,
            s.start_at <= c.churned_at,
            _end(s.end_at) > c.churned_at,
        ],
    )
    count, examples = ids_of(ctx.wh, running, "churn_event_id")
    if not count:
        return []
    n_accounts, _ = ids_of(ctx.wh, running, "account_id")
    message = (
        f"{noun('churn_events', count)} (on {noun('accounts', n_accounts)}) "
        f"{verb(count, 'has', 'have')} a subscription still running after the churn date: "
        f"{example_list(count, examples)}; churn and MRR disagree, so churned revenue or "
        f"retention is misstated."
    )
    return [
        Finding(
            "churn_with_running_subscription",
            ("churn_events", "subscriptions"),
            "warning",
            count,
            examples,
            message,
            columns=("churned_at",),
        )
    ]


def subscription_without_price(ctx: Context) -> list[Finding]:
    """Subscriptions with no unit amount, no plan and no source MRR: their MRR is unknown."""
    if not ctx.has("subscriptions"):
        return []
    s = ctx.table("subscriptions")
    bad = s.filter(s.unit_amount.isnull() & s.plan_id.isnull() & s.source_mrr.isnull())
    count, examples = ids_of(ctx.wh, bad, "subscription_id")
    if not count:
        return []
    message = (
        f"{noun('subscriptions', count)} {verb(count, 'has', 'have')} no price (no "
        f"unit_amount, plan_id or source_mrr): {example_list(count, examples)}; their MRR "
        f"cannot be computed and is counted as zero."
    )
    return [
        Finding(
            "subscription_without_price",
            ("subscriptions",),
            "error",
            count,
            examples,
            message,
            columns=("unit_amount", "plan_id", "source_mrr"),
        )
    ]
