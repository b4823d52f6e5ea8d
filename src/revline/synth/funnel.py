"""The lead funnel: created → MQL → first response → SAL → SQL → converted, or disqualified.

Every account arrives through one primary lead (its channel: partner for partner-sourced
accounts, outbound for some, else the marketing mix); some accounts bring extra leads that end
as duplicates. The speed of the first sales response is causal: the chance that sales accepts a
lead falls with the log of the hours it waited, so leads answered within the hour convert more
than leads left for a day.

The planted problems of :mod:`revline.synth.plants` act here when switched on: a slow-response
region waits longer (and so converts less), a junk-lead channel brings more leads that sales
rejects.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from revline.schema.enums import REGIONS, SEGMENTS
from revline.synth import columns as c
from revline.synth.accounts import COUNTRY_LIST, Accounts, account_names
from revline.synth.config import (
    DAY,
    DISQUALIFICATION_REASONS,
    LEAD_CHANNELS,
    Calendar,
    SynthConfig,
)
from revline.synth.marketing import campaign_of
from revline.synth.people import Staff
from revline.synth.sales import sigmoid

PARTNER = [x[0] for x in LEAD_CHANNELS].index("partner")
OUTBOUND = [x[0] for x in LEAD_CHANNELS].index("outbound")
NEVER = -1


@dataclass(frozen=True)
class Leads:
    """One chunk of leads; times are epoch seconds, ``NEVER`` (-1) when a stage was not reached."""

    index: np.ndarray
    account: np.ndarray  # position in the chunk's Accounts
    primary: np.ndarray
    channel: np.ndarray  # index into LEAD_CHANNELS
    owner: np.ndarray
    created: np.ndarray
    mql: np.ndarray
    response: np.ndarray
    sal: np.ndarray
    sql: np.ndarray
    converted: np.ndarray
    disqualified: np.ndarray
    reason: np.ndarray  # index into DISQUALIFICATION_REASONS, -1 if none

    def __len__(self) -> int:
        return len(self.index)


def _step(
    rng: np.random.Generator, ok: np.ndarray, after: np.ndarray, days: float, end: int
) -> np.ndarray:
    """The time of the next stage for rows where ``ok``; NEVER if it falls at or after ``end``."""
    t = after + (rng.exponential(days, len(after)) * DAY).astype(np.int64) + 60
    return np.where(ok & (after >= 0) & (t < end), t, NEVER)


def build_leads(
    rng: np.random.Generator,
    config: SynthConfig,
    cal: Calendar,
    staff: Staff,
    acc: Accounts,
    first: int,
) -> Leads:
    n_acc = len(acc)
    extra = rng.poisson(config.extra_leads_per_account, n_acc)
    k = extra + 1
    account = np.repeat(np.arange(n_acc), k)
    primary = (np.arange(len(account)) - np.repeat(np.cumsum(k) - k, k)) == 0
    n = len(account)
    share = np.array([x[1] for x in LEAD_CHANNELS])
    junk = _channel_index(config.junk_lead_channel)
    if junk is not None:  # planted: the junk channel brings many more leads
        share[junk] *= config.junk_lead_volume
    channel = rng.choice(len(LEAD_CHANNELS), n, p=share / share.sum())
    channel = np.where(acc.partner[account] >= 0, PARTNER, channel)
    later = (rng.exponential(60, n) * DAY).astype(np.int64)
    created = np.where(primary, acc.created[account], acc.created[account] + later)
    created = np.minimum(created, cal.end - DAY)
    fit = acc.fit[account]
    end = cal.end
    mql_rate = np.array([x[2] for x in LEAD_CHANNELS])[channel]
    logit_mql = np.log(mql_rate / (1 - mql_rate)) + 0.5 * fit
    # Hand-raisers (demo requests) qualify at once; the rest after nurturing.
    instant = rng.random(n) < 0.6
    mql = _step(rng, rng.random(n) < sigmoid(logit_mql), created, 0.01, end)
    nurtured = mql + (rng.exponential(4, n) * DAY).astype(np.int64)
    mql = np.where(instant | (mql < 0) | (nurtured >= end), mql, nurtured)
    median = np.asarray(config.response_median_hours)[acc.region[account]]
    if config.slow_response_region is not None:  # planted: one region is answered slowly
        slow = acc.region[account] == REGIONS.index(config.slow_response_region)
        median = np.where(slow, median * config.slow_response_factor, median)
    hours = rng.lognormal(np.log(median), 1.3, n)
    responded = rng.random(n) > 0.06
    response = mql + (hours * 3600).astype(np.int64)
    response = np.where((mql >= 0) & responded & (response < end), response, NEVER)
    p_sal = sigmoid(1.6 + 0.5 * fit - 0.45 * np.log1p(hours))
    p_sql = sigmoid(0.7 + 0.5 * fit)
    if junk is not None:  # planted: sales rejects the junk channel's leads
        penalty = config.junk_lead_penalty * (channel == junk)
        p_sal = sigmoid(1.6 + 0.5 * fit - 0.45 * np.log1p(hours) - penalty)
        p_sql = sigmoid(0.7 + 0.5 * fit - penalty)
    sal = _step(rng, rng.random(n) < p_sal, response, 2.0, end)
    sql = _step(rng, rng.random(n) < p_sql, sal, 5.0, end)
    converted = _step(rng, primary & (rng.random(n) < 0.85), sql, 3.0, end)
    last = np.maximum.reduce([created, mql, response, sal, sql])
    stopped = converted < 0
    dq_time = last + (rng.exponential(7, n) * DAY).astype(np.int64) + 3600
    dq = stopped & (rng.random(n) < 0.85) & (dq_time < end)
    # The reason follows the stage reached: unfit before MQL, unresponsive after, no budget later.
    reason = np.where(mql < 0, rng.choice([1, 3], n), np.where(sal < 0, 2, rng.choice([0, 1], n)))
    reason = np.where(~primary & (sql >= 0), 4, reason)
    return Leads(
        index=first + np.arange(n),
        account=account,
        primary=primary,
        channel=channel,
        owner=staff.assign(rng, "sales_development", acc.region[account]),
        created=created,
        mql=mql,
        response=response,
        sal=sal,
        sql=sql,
        converted=converted,
        disqualified=np.where(dq, dq_time, NEVER),
        reason=np.where(dq, reason, -1),
    )


def _channel_index(name: str | None) -> int | None:
    return None if name is None else [x[0] for x in LEAD_CHANNELS].index(name)


def leads_frame(
    cal: Calendar, acc: Accounts, leads: Leads, opportunity: np.ndarray, loaded_at: int
) -> pa.Table:
    """The leads table; ``opportunity`` holds each lead's opportunity number or -1."""
    a = leads.account

    def when(t: np.ndarray) -> pa.Array:
        return c.instant(np.maximum(t, 0), t < 0)

    camp = campaign_of(leads.channel, cal.month_of(leads.created), cal)
    return c.frame(
        "leads",
        loaded_at,
        {
            "lead_id": c.ids("led_", leads.index),
            "account_id": c.ids("acc_", acc.index[a]),
            "company": account_names(acc.index[a]),
            "segment": c.pick(SEGMENTS, acc.segment[a]),
            "region": c.pick(REGIONS, acc.region[a]),
            "country": c.pick(COUNTRY_LIST, acc.country[a]),
            "channel": c.pick([x[0] for x in LEAD_CHANNELS], leads.channel),
            "campaign_id": c.ids("cmp_", np.maximum(camp, 0), camp < 0),
            "owner_id": c.ids("emp_", leads.owner),
            "created_at": c.instant(leads.created),
            "mql_at": when(leads.mql),
            "first_response_at": when(leads.response),
            "sal_at": when(leads.sal),
            "sql_at": when(leads.sql),
            "converted_at": when(leads.converted),
            "opportunity_id": c.ids("opp_", np.maximum(opportunity, 0), opportunity < 0),
            "disqualified_at": when(leads.disqualified),
            "disqualification_reason": c.pick(
                DISQUALIFICATION_REASONS, np.maximum(leads.reason, 0), leads.reason < 0
            ),
        },
    )
