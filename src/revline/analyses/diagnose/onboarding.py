"""Onboarding detector: a segment or region whose new customers fail to go live far more often.

An onboarding has failed when it is marked stalled, when it has not gone live
:data:`NOT_LIVE_DAYS` days after kickoff, or when it went live after more than
:data:`SLOW_DAYS` days. Each group is compared with the rest (Fisher's exact test, Bonferroni,
an effect-size floor). The consequence is measured too: the churn rate of customers whose
onboarding failed against those whose onboarding succeeded, company-wide.
"""

from __future__ import annotations

from datetime import timedelta

import ibis
import pandas as pd

from revline.analyses.diagnose.context import Context, instant
from revline.analyses.diagnose.findings import Drill, Finding, priced
from revline.analyses.diagnose.stats import ALPHA, compare_groups, share_test

NOT_LIVE_DAYS = 120
SLOW_DAYS = 180
#: Flag a group whose failure share is at least this multiple of the rest's, and 10 points above.
FAIL_RATIO = 2.0
DIMENSIONS = ("segment", "region")


def onboarding_frame(ctx: Context) -> pd.DataFrame:
    """One row per onboarding handed over in the onboarding window: groups, failed, churned."""
    o, a = ctx.wh.table("onboarding"), ctx.wh.table("accounts")
    first, last = ctx.onboarding_window
    o = o.filter((o.handoff_at >= ibis.literal(first)) & (o.handoff_at < ibis.literal(last)))
    cutoff = instant(ctx.end - timedelta(days=NOT_LIVE_DAYS))
    days = (o.go_live_at.epoch_seconds() - o.kickoff_at.epoch_seconds()) / 86_400
    failed = (
        (o.status == "stalled")
        | (o.go_live_at.isnull() & o.kickoff_at.notnull() & (o.kickoff_at < ibis.literal(cutoff)))
        | (days > SLOW_DAYS).fill_null(False)
    )
    churn = ctx.wh.table("churn_events")
    churned = churn.select(churned_id=churn.account_id).distinct()
    rows = o.inner_join(a, o.account_id == a.account_id).left_join(
        churned, o.account_id == churned.churned_id
    )
    frame: pd.DataFrame = ctx.wh.ibis.execute(
        rows.select(
            "onboarding_id",
            *DIMENSIONS,
            days=days,
            failed=failed,
            churned=rows.churned_id.notnull(),
        )
    )
    frame["failed"] = frame["failed"].astype(bool)
    frame["churned"] = frame["churned"].astype(bool)
    return frame


def poor_onboarding(ctx: Context) -> list[Finding]:
    """Groups whose onboardings fail far more often than the rest's.

    Revenue at stake: the group's failed onboardings beyond the rest's failure share, times
    the group's new ARR per new customer (the ARR that did not reach a working go-live).
    """
    frame = onboarding_frame(ctx)
    if frame.empty:
        return []
    bad, good = frame[frame["failed"]], frame[~frame["failed"]]
    churn_bad = float(bad["churned"].mean()) if len(bad) else 0.0
    churn_good = float(good["churned"].mean()) if len(good) else 0.0
    p_churn = share_test(
        int(bad["churned"].sum()), len(bad), int(good["churned"].sum()), len(good), "greater"
    )
    owner = ctx.org.handoff_owner("closed_won_to_onboarded")
    first, last = ctx.onboarding_window
    out = []
    for dim in DIMENSIONS:
        for t in compare_groups(frame, dim, "failed", "greater"):
            if (
                t.p_value >= ALPHA
                or t.rate < FAIL_RATIO * t.rest_rate
                or t.rate - t.rest_rate < 0.1
            ):
                continue
            rows = frame[frame[dim] == t.group]
            arr = ctx.avg_new_arr(dim)
            per_customer = arr.get(t.group, arr[""])
            excess = (t.rate - t.rest_rate) * t.n
            out.append(
                Finding(
                    detector="poor_onboarding",
                    problem=(
                        f"New customers in {dim} {t.group} fail to go live: {t.rate:.1%} of "
                        f"onboardings stalled or ran late, against {t.rest_rate:.1%} elsewhere."
                    ),
                    owner=owner.function,
                    owner_label=str(owner),
                    at_stake=priced(excess, per_customer),
                    at_stake_method=(
                        f"{excess:,.1f} failed onboardings beyond the rest's share x "
                        f"{per_customer:,.0f} new ARR per new customer"
                    ),
                    method=(
                        f"Fisher's exact test of the failure share (stalled, not live "
                        f"{NOT_LIVE_DAYS} days after kickoff, or live after {SLOW_DAYS} days), "
                        f"{dim} {t.group} vs the rest, one-sided, Bonferroni-adjusted "
                        f"p = {t.p_value:.2g}"
                    ),
                    confidence=1 - t.p_value,
                    evidence=(
                        ("onboardings", f"{t.n:,}"),
                        ("failed", f"{t.hits:,} ({t.rate:.1%} vs {t.rest_rate:.1%})"),
                        ("median days to go-live", f"{rows['days'].median():.0f}"),
                        (
                            "churned after a failed vs a good onboarding (company)",
                            f"{churn_bad:.1%} vs {churn_good:.1%} (p = {p_churn:.2g})",
                        ),
                    ),
                    drill=Drill(
                        "onboarding",
                        (
                            (dim, "=", t.group),
                            ("handoff_at", ">=", first),
                            ("handoff_at", "<", last),
                        ),
                        "onboardings handed over in the onboarding window",
                        join=(("accounts", "account_id"),),
                    ),
                    subject={dim: t.group},
                )
            )
    return out
