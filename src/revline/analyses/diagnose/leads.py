"""Lead detectors: slow first response in a region or segment, and channels whose leads convert
far below the rest.

Both compare one group with the rest of the company on one yes/no outcome per lead (Fisher's
exact test, Bonferroni over the groups, an effect-size floor; see
:mod:`revline.analyses.diagnose.stats`),
over the leads of the lead window (:class:`revline.analyses.diagnose.context.Context`). They know
nothing of the synthetic company's switches: they find the same problems in real data.
"""

from __future__ import annotations

from decimal import Decimal

import pandas as pd

from revline.analyses.diagnose.context import Context
from revline.analyses.diagnose.findings import Drill, Finding, priced
from revline.analyses.diagnose.stats import ALPHA, GroupTest, compare_groups, share_test

#: A lead answered later than this many hours after it became an MQL (or never) is late.
LATE_HOURS = 24.0
#: Flag a group whose late share is at least this multiple of the rest's, and 10 points above.
LATE_RATIO = 1.5
#: Flag a channel whose lead -> SQL rate is below this share of the other channels' rate.
QUALITY_RATIO = 0.5
RESPONSE_DIMENSIONS = ("region", "segment")


def _pct(x: float) -> str:
    return f"{x:.1%}"


def response_frame(ctx: Context) -> tuple[pd.DataFrame, str]:
    """One row per MQL of the lead window: its groups, hours to first response, late, SAL.

    ``late`` is the verdict of the seams part's first-response SLA (``revline sla``) when one is
    declared; otherwise a response after :data:`LATE_HOURS` hours, or none. Also returns the
    rule used, in words.
    """
    t = ctx.leads().filter(lambda t: t.mql_at.notnull())
    hours = (t.first_response_at.epoch_seconds() - t.mql_at.epoch_seconds()) / 3600
    frame: pd.DataFrame = ctx.wh.ibis.execute(
        t.select("lead_id", *RESPONSE_DIMENSIONS, hours=hours, sal=t.sal_at.notnull())
    )
    frame["sal"] = frame["sal"].astype(bool)
    names = ctx.sla_names("first_response")
    if not names:
        frame["late"] = frame["hours"].isna() | (frame["hours"] > LATE_HOURS)
        return frame, f"answered after {LATE_HOURS:.0f} h or never"
    rows = ctx.sla_report.rows
    verdict = rows[rows["sla"] == names[0]][["record_id", "breached"]]
    frame = frame.merge(verdict, left_on="lead_id", right_on="record_id", how="inner")
    frame["late"] = [_truthy(b) for b in frame["breached"]]
    spec = next(r for r in ctx.sla_report.results if r.name == names[0])
    return frame, f"breaching SLA '{spec.name}' ({spec.description.rstrip('.')})"


def _truthy(value: object) -> bool:
    """A verdict cell as a bool: missing (None, NaN, NA: not yet due) is not a breach."""
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return False
    return bool(value)


def slow_response(ctx: Context) -> list[Finding]:
    """Regions or segments whose MQLs wait far longer for a first response than the rest.

    Revenue at stake: the group's late leads beyond the rest's late share, times the drop in
    MQL -> SAL conversion measured between late and on-time leads company-wide, times the
    share of SALs that became customers, times the group's new ARR per new customer.
    """
    frame, rule = response_frame(ctx)
    if frame.empty:
        return []
    late, on_time = frame[frame["late"]], frame[~frame["late"]]
    sal_late = float(late["sal"].mean()) if len(late) else 0.0
    sal_on_time = float(on_time["sal"].mean()) if len(on_time) else 0.0
    p_cost = share_test(
        int(late["sal"].sum()), len(late), int(on_time["sal"].sum()), len(on_time), "less"
    )
    drop = max(0.0, sal_on_time - sal_late) if p_cost < ALPHA else 0.0
    owner = ctx.org.handoff_owner("mql_to_sal")
    out = []
    for dim in RESPONSE_DIMENSIONS:
        for t in compare_groups(frame, dim, "late", "greater"):
            if not _late_enough(t):
                continue
            rows = frame[frame[dim] == t.group]
            arr = ctx.avg_new_arr(dim)
            per_customer = arr.get(t.group, arr[""])
            excess = (t.rate - t.rest_rate) * t.n
            at_stake = priced(excess * drop * ctx.lead_to_customer["sal"], per_customer)
            first, last = ctx.lead_window
            out.append(
                Finding(
                    detector="slow_response",
                    problem=(
                        f"Leads in {dim} {t.group} wait too long for a first response: "
                        f"{_pct(t.rate)} are late against {_pct(t.rest_rate)} elsewhere, "
                        "and late leads convert less."
                    ),
                    owner=owner.function,
                    owner_label=str(owner),
                    at_stake=at_stake,
                    at_stake_method=(
                        f"{excess:,.0f} late leads beyond the rest's late share x "
                        f"{_pct(drop)} lower MQL->SAL conversion of late leads (measured: "
                        f"{_pct(sal_late)} late vs {_pct(sal_on_time)} on time) x "
                        f"{_pct(ctx.lead_to_customer['sal'])} of SALs won x "
                        f"{per_customer:,.0f} new ARR per new customer"
                    ),
                    method=(
                        f"late = {rule}; Fisher's exact test of the late share, {dim} "
                        f"{t.group} vs the rest, one-sided, Bonferroni-adjusted "
                        f"p = {t.p_value:.2g}"
                    ),
                    confidence=1 - t.p_value,
                    evidence=(
                        ("MQLs", f"{t.n:,}"),
                        ("median hours to first response", f"{rows['hours'].median():.1f}"),
                        (
                            "median hours elsewhere",
                            f"{frame[frame[dim] != t.group]['hours'].median():.1f}",
                        ),
                        ("late share", f"{_pct(t.rate)} vs {_pct(t.rest_rate)}"),
                        (
                            "MQL->SAL",
                            f"{_pct(float(rows['sal'].mean()))} vs "
                            f"{_pct(float(frame[frame[dim] != t.group]['sal'].mean()))}",
                        ),
                    ),
                    drill=Drill(
                        "leads",
                        (
                            (dim, "=", t.group),
                            ("mql_at", "not_null", None),
                            ("created_at", ">=", first),
                            ("created_at", "<", last),
                        ),
                        f"MQLs of the lead window; late = {rule}",
                    ),
                    subject={dim: t.group},
                )
            )
    return out


def _late_enough(t: GroupTest) -> bool:
    return t.p_value < ALPHA and t.rate >= LATE_RATIO * t.rest_rate and t.rate - t.rest_rate >= 0.10


def lead_quality(ctx: Context) -> list[Finding]:
    """Lead channels whose leads reach SQL far less often than the other channels' leads.

    Revenue at stake: the SQLs the channel's leads would have made at the other channels'
    rate, times the share of SQLs won, times the company's new ARR per new customer.
    """
    t = ctx.leads()
    frame: pd.DataFrame = ctx.wh.ibis.execute(
        t.select("channel", mql=t.mql_at.notnull(), sql=t.sql_at.notnull())
    )
    if frame.empty:
        return []
    frame["sql"] = frame["sql"].astype(bool)
    owner = ctx.org.stage_owner("lead")
    per_customer = ctx.avg_new_arr(None).get("", Decimal(0))
    out = []
    for g in compare_groups(frame, "channel", "sql", "less", min_n=20):
        if g.p_value >= ALPHA or g.rate >= QUALITY_RATIO * g.rest_rate:
            continue
        rows = frame[frame["channel"] == g.group]
        mqls = int(rows["mql"].sum())
        lost = (g.rest_rate - g.rate) * g.n
        at_stake = priced(lost * ctx.lead_to_customer["sql"], per_customer)
        first, last = ctx.lead_window
        out.append(
            Finding(
                detector="lead_quality",
                problem=(
                    f"Leads from channel {g.group} rarely become sales-qualified: "
                    f"{_pct(g.rate)} reach SQL against {_pct(g.rest_rate)} from other channels."
                ),
                owner=owner.function,
                owner_label=str(owner),
                at_stake=at_stake,
                at_stake_method=(
                    f"{lost:,.0f} SQLs missing at the other channels' rate x "
                    f"{_pct(ctx.lead_to_customer['sql'])} of SQLs won x "
                    f"{per_customer:,.0f} new ARR per new customer"
                ),
                method=(
                    f"Fisher's exact test of lead -> SQL conversion, {g.group} vs the other "
                    f"channels, one-sided, Bonferroni-adjusted p = {g.p_value:.2g}"
                ),
                confidence=1 - g.p_value,
                evidence=(
                    ("leads", f"{g.n:,} ({g.n / len(frame):.0%} of all leads)"),
                    ("lead -> SQL", f"{_pct(g.rate)} vs {_pct(g.rest_rate)}"),
                    ("MQL -> SQL", f"{_pct(g.hits / mqls) if mqls else '-'}"),
                ),
                drill=Drill(
                    "leads",
                    (
                        ("channel", "=", g.group),
                        ("created_at", ">=", first),
                        ("created_at", "<", last),
                    ),
                    "leads of the lead window; converted = sql_at not null",
                ),
                subject={"channel": g.group},
            )
        )
    return out
