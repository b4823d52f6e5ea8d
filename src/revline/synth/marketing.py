"""Marketing: campaigns per paid channel and quarter, touches before each lead, monthly spend.

Spend follows the leads a channel actually produced (cost per lead times lead count, with noise),
so cost per lead and pipeline per marketing dollar are realistic and differ by channel.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from revline.schema.enums import CHANNELS
from revline.synth import columns as c
from revline.synth.config import DAY, LEAD_CHANNELS, Calendar
from revline.synth.people import Staff
from revline.warehouse import Warehouse

#: Lead channels that run campaigns (they have a cost per lead).
PAID = tuple(i for i, (_, _, _, cpl) in enumerate(LEAD_CHANNELS) if cpl > 0)
CAMPAIGN_TYPES = {
    "paid_search": "search program",
    "paid_social": "social program",
    "content": "ebook",
    "events": "trade show",
    "webinar": "webinar series",
    "email": "nurture",
}
TOUCH_CHANNELS = (
    "paid_search",
    "paid_social",
    "organic_search",
    "content",
    "email",
    "webinar",
    "events",
    "display",
)


def quarters(cal: Calendar) -> int:
    return (cal.months + 2) // 3


def campaign_of(lead_channel: np.ndarray, month: np.ndarray, cal: Calendar) -> np.ndarray:
    """Campaign number of a lead channel in a month, -1 for channels without campaigns."""
    slot = np.full(max(len(LEAD_CHANNELS), 1), -1)
    slot[list(PAID)] = np.arange(len(PAID))
    s = slot[lead_channel]
    return np.where(s < 0, -1, s * quarters(cal) + month // 3)


def campaigns(rng: np.random.Generator, cal: Calendar, staff: Staff, loaded_at: int) -> pa.Table:
    q = quarters(cal)
    n = len(PAID) * q
    slot, quarter = np.divmod(np.arange(n), q)
    names = [LEAD_CHANNELS[p][0] for p in PAID]
    channel = c.pick(names, slot)
    start = cal.starts[quarter * 3]
    end = cal.starts[np.minimum(quarter * 3 + 3, cal.months)] - DAY
    label = pc.binary_join_element_wise(channel, pc.cast(pa.array(quarter + 1), pa.string()), " Q")
    owners = staff.of("marketing")
    budget = np.asarray([LEAD_CHANNELS[p][3] for p in PAID])[slot] * rng.integers(80, 400, n) * 100
    return c.frame(
        "campaigns",
        loaded_at,
        {
            "campaign_id": c.ids("cmp_", np.arange(n)),
            "name": label,
            "channel": channel,
            "campaign_type": c.pick([CAMPAIGN_TYPES[x] for x in names], slot),
            "start_date": c.day(start),
            "end_date": c.day(end),
            "budget": c.money(budget),
            "currency": c.const("USD", n),
            "owner_id": c.ids("emp_", owners[rng.integers(0, len(owners), n)]),
        },
    )


def touches(
    rng: np.random.Generator,
    cal: Calendar,
    first_touch: int,
    lead_index: np.ndarray,
    lead_account: np.ndarray,
    lead_channel: np.ndarray,
    lead_created: np.ndarray,
    loaded_at: int,
) -> pa.Table:
    """The converting touch of each lead plus earlier touches from other channels."""
    n = len(lead_index)
    extra = rng.poisson(1.2, n)
    k = extra + 1
    row_lead = np.repeat(np.arange(n), k)
    pos = np.arange(len(row_lead)) - np.repeat(np.cumsum(k) - k, k)
    converting = pos == 0
    lead_names = [x[0] for x in LEAD_CHANNELS]
    as_lead = np.array([lead_names.index(t) if t in lead_names else -1 for t in TOUCH_CHANNELS])
    other = rng.integers(0, len(TOUCH_CHANNELS), len(row_lead))
    names = np.asarray(lead_names)[lead_channel[row_lead]]
    channel_name = np.where(converting, names, np.asarray(TOUCH_CHANNELS)[other])
    touch_lead_ch = np.where(converting, lead_channel[row_lead], as_lead[other])
    back = rng.integers(1 * DAY, 60 * DAY, len(row_lead))
    created = lead_created[row_lead]
    when = np.where(converting, created, np.maximum(created - back, cal.start))
    camp = np.where(
        touch_lead_ch < 0, -1, campaign_of(np.maximum(touch_lead_ch, 0), cal.month_of(when), cal)
    )
    kinds = np.where(converting, 0, rng.integers(1, 4, len(row_lead)))
    return c.frame(
        "touches",
        loaded_at,
        {
            "touch_id": c.ids("tch_", first_touch + np.arange(len(row_lead))),
            "lead_id": c.ids("led_", lead_index[row_lead]),
            "account_id": c.ids("acc_", lead_account[row_lead]),
            "channel": pa.array(channel_name, pa.string()),
            "campaign_id": c.ids("cmp_", np.maximum(camp, 0), camp < 0),
            "touched_at": c.instant(when),
            "touch_type": c.pick(("form_fill", "visit", "email_click", "event_attended"), kinds),
        },
    )


def spend(
    rng: np.random.Generator, cal: Calendar, leads_by_channel_month: np.ndarray, loaded_at: int
) -> tuple[pa.Table, np.ndarray]:
    """Monthly spend per paid channel, booked on the first of the month to the quarter's campaign.

    Also returns the total spend per month (cents), which finance books as programs.
    """
    rows = [(p, m) for p in PAID for m in range(cal.months)]
    ch = np.array([p for p, _ in rows], np.int64)
    month = np.array([m for _, m in rows], np.int64)
    cpl = np.asarray([x[3] for x in LEAD_CHANNELS])[ch]
    base = leads_by_channel_month[ch, month] * cpl * rng.lognormal(0, 0.15, len(rows))
    cents = np.round(base * 100).astype(np.int64) + 10_000  # a floor: programs never stop
    camp = campaign_of(ch, month, cal)
    table = c.frame(
        "marketing_spend",
        loaded_at,
        {
            "spend_id": c.ids("spd_", np.arange(len(rows))),
            "spend_date": c.day(cal.starts[month]),
            "channel": c.pick([x[0] for x in LEAD_CHANNELS], ch),
            "campaign_id": c.ids("cmp_", camp),
            "amount": c.money(cents),
            "currency": c.const("USD", len(rows)),
        },
    )
    return table, np.bincount(month, weights=cents, minlength=cal.months).astype(np.int64)


def acquisitions(wh: Warehouse, loaded_at: int) -> pa.Table:
    """New customers per month and lead channel: the aggregate view an ad platform reports.

    Derived from the company's own won new-business deals (by close month, with the channel of
    the lead they came from), so it always agrees with the deals; run after they are written.
    """
    opps, leads = wh.table("opportunities"), wh.table("leads")
    won = opps.filter(opps.is_won & (opps.opportunity_type == "new") & (opps.source == "synth"))
    rows = won.inner_join(leads, won.lead_id == leads.lead_id)
    rows = rows.mutate(acquired_on=rows.closed_at.truncate("M").date())
    counts = rows.group_by(["acquired_on", "channel"]).agg(customers=rows.count())
    frame = wh.ibis.execute(counts.order_by(["acquired_on", "channel"]))
    return c.frame(
        "acquisitions",
        loaded_at,
        {
            "acquisition_id": c.ids("acq_", np.arange(len(frame))),
            "acquired_on": pa.array(list(frame["acquired_on"]), pa.date32()),
            "channel": pa.array(list(frame["channel"]), pa.string()),
            "customers": np.asarray(frame["customers"], np.int64),
        },
    )


assert all(x[0] in CHANNELS for x in LEAD_CHANNELS) and all(t in CHANNELS for t in TOUCH_CHANNELS)
