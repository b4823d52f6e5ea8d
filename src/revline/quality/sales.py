"""Sales consistency: won deals without an amount, closed deals without a close date, and
deals without an account (open ones are normal early on; closed ones are not)."""

from __future__ import annotations

import ibis

from revline.quality.findings import Context, Finding, example_list, ids_of, noun


def _finding(
    ctx: Context,
    check: str,
    rows: ibis.Table,
    severity: str,
    problem: str,
    why: str,
    columns: tuple[str, ...],
) -> list[Finding]:
    count, examples = ids_of(ctx.wh, rows, "opportunity_id")
    if not count:
        return []
    message = f"{noun('opportunities', count)} {problem}: {example_list(count, examples)}; {why}"
    return [Finding(check, ("opportunities",), severity, count, examples, message, columns=columns)]


def won_without_amount(ctx: Context) -> list[Finding]:
    """Won deals with no amount: bookings, deal size and quota attainment are understated."""
    if not ctx.has("opportunities"):
        return []
    o = ctx.table("opportunities")
    bad = o.filter(o.is_won & o.amount.isnull())
    return _finding(
        ctx,
        "won_without_amount",
        bad,
        "error",
        "are won but have no amount",
        "bookings, average deal size and quota attainment are understated.",
        ("is_won", "amount"),
    )


def closed_without_close_date(ctx: Context) -> list[Finding]:
    """Closed deals with no close date (nor closing time): they fall out of every period."""
    if not ctx.has("opportunities"):
        return []
    o = ctx.table("opportunities")
    bad = o.filter(o.is_closed & o.close_date.isnull() & o.closed_at.isnull())
    return _finding(
        ctx,
        "closed_without_close_date",
        bad,
        "error",
        "are closed but have no close date",
        "win rate, bookings and sales cycle by period leave them out.",
        ("is_closed", "close_date"),
    )


def opportunity_without_account(ctx: Context) -> list[Finding]:
    """Deals with no account, split into open (info) and closed (warning)."""
    if not ctx.has("opportunities"):
        return []
    o = ctx.table("opportunities")
    open_rows = o.filter(o.account_id.isnull() & ~o.is_closed)
    closed_rows = o.filter(o.account_id.isnull() & o.is_closed)
    return [
        *_finding(
            ctx,
            "open_opportunity_without_account",
            open_rows,
            "info",
            "are open with no account",
            "segment, industry and region reports of the pipeline leave them out.",
            ("account_id", "is_closed"),
        ),
        *_finding(
            ctx,
            "closed_opportunity_without_account",
            closed_rows,
            "warning",
            "are closed with no account",
            "their bookings or losses cannot be tied to a customer, so retention and "
            "segment win rates miss them.",
            ("account_id", "is_closed"),
        ),
    ]
