"""Accounts: the companies of the market, each with a latent product fit that drives the rest.

Arrivals grow over history (``growth_per_year``, before the window as in it); segment, region,
industry, size and partner sourcing are drawn per account. ``fit`` (standard normal, never
written to a canonical table) raises lead quality, win probability, usage and retention
together, as a good-fit customer does.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from revline.synth import columns as c
from revline.synth.config import (
    COUNTRIES,
    CURRENCIES,
    DAY,
    INDUSTRIES,
    REGIONS,
    SEGMENTS,
    Calendar,
    SynthConfig,
)
from revline.synth.people import Staff, partner_count

PREFIX = (
    "Nimbus",
    "Bright",
    "Atlas",
    "Cobalt",
    "Summit",
    "Harbor",
    "Vertex",
    "Maple",
    "Quartz",
    "Orbit",
    "Pioneer",
    "Lumen",
    "Granite",
    "Aurora",
    "Falcon",
    "Cedar",
)
SUFFIX = ("Labs", "Systems", "Health", "Logistics", "Capital", "Retail", "Works", "Media")
#: Median employees per segment, and revenue per employee (USD) for annual revenue.
EMPLOYEES = (4_000.0, 400.0, 40.0)
COUNTRY_LIST = tuple(code for region in REGIONS for code, _, _ in COUNTRIES[region])
COUNTRY_CURRENCY = np.array(
    [CURRENCIES.index(cur) for region in REGIONS for _, cur, _ in COUNTRIES[region]]
)


@dataclass(frozen=True)
class Accounts:
    """One chunk of accounts: ``index`` is the global account number."""

    index: np.ndarray
    segment: np.ndarray
    region: np.ndarray
    country: np.ndarray  # index into COUNTRY_LIST
    currency: np.ndarray  # index into CURRENCIES
    industry: np.ndarray
    employees: np.ndarray
    partner: np.ndarray  # partner number, -1 when not partner-sourced
    owner: np.ndarray  # AE employee number
    csm: np.ndarray  # customer success manager employee number
    created: np.ndarray  # epoch seconds
    fit: np.ndarray  # latent product fit, standard normal

    def __len__(self) -> int:
        return len(self.index)

    def take(self, rows: np.ndarray, first: int) -> Accounts:
        """The accounts at ``rows``, renumbered from ``first``."""
        taken = {f.name: getattr(self, f.name)[rows] for f in fields(self)}
        taken["index"] = first + np.arange(len(rows))
        return Accounts(**taken)


def arrivals(rng: np.random.Generator, config: SynthConfig, cal: Calendar, n: int) -> np.ndarray:
    """Creation instants with a density growing ``growth_per_year`` a year (inverse CDF)."""
    span = cal.end - cal.start
    g = np.log1p(config.growth_per_year) / (365 * DAY)
    u = rng.random(n)
    t = np.log1p(u * np.expm1(g * span)) / g
    out: np.ndarray = cal.start + np.minimum(t.astype(np.int64), span - 1)
    return out


def build_accounts(
    rng: np.random.Generator,
    config: SynthConfig,
    cal: Calendar,
    staff: Staff,
    first: int,
    n: int,
    created: np.ndarray | None = None,
) -> Accounts:
    """``n`` accounts numbered from ``first``, arriving over ``cal`` (or at ``created``)."""
    segment = rng.choice(3, n, p=np.asarray(config.segment_mix) / sum(config.segment_mix))
    region = rng.choice(4, n, p=np.asarray(config.region_mix) / sum(config.region_mix))
    country = np.empty(n, np.int64)
    offset = 0
    for r, name in enumerate(REGIONS):
        options = COUNTRIES[name]
        rows = np.flatnonzero(region == r)
        share = np.array([s for _, _, s in options])
        country[rows] = offset + rng.choice(len(options), len(rows), p=share / share.sum())
        offset += len(options)
    employees = np.maximum(
        1, np.round(np.asarray(EMPLOYEES)[segment] * rng.lognormal(0, 0.5, n))
    ).astype(np.int64)
    partnered = rng.random(n) < config.partner_share
    partner = np.where(partnered, rng.integers(0, partner_count(config), n), -1)
    return Accounts(
        index=np.arange(first, first + n),
        segment=segment,
        region=region,
        country=country,
        currency=COUNTRY_CURRENCY[country],
        industry=rng.integers(0, len(INDUSTRIES), n),
        employees=employees,
        partner=partner,
        owner=staff.assign(rng, "sales", region),
        csm=staff.assign(rng, "customer_success", region),
        created=np.sort(arrivals(rng, config, cal, n)) if created is None else created,
        fit=rng.standard_normal(n),
    )


def account_names(i: np.ndarray) -> pa.Array:
    """Company names of global account numbers (a pure function of the number)."""
    suffix = (i // len(PREFIX) + 3 * i) % len(SUFFIX)
    words = pc.binary_join_element_wise(
        c.pick(PREFIX, i % len(PREFIX)), c.pick(SUFFIX, suffix), " "
    )
    return pc.binary_join_element_wise(words, pc.cast(pa.array(i), pa.string()), " ")


def accounts_frame(rng: np.random.Generator, acc: Accounts, loaded_at: int) -> pa.Table:
    n = len(acc)
    revenue = acc.employees * rng.integers(150_000, 400_000, n) * 100
    return c.frame(
        "accounts",
        loaded_at,
        {
            "account_id": c.ids("acc_", acc.index),
            "name": account_names(acc.index),
            "segment": c.pick(SEGMENTS, acc.segment),
            "industry": c.pick(INDUSTRIES, acc.industry),
            "region": c.pick(REGIONS, acc.region),
            "country": c.pick(COUNTRY_LIST, acc.country),
            "employees": pa.array(acc.employees),
            "annual_revenue": c.money(revenue),
            "currency": c.pick(CURRENCIES, acc.currency),
            "partner_id": c.ids("ptn_", np.maximum(acc.partner, 0), acc.partner < 0),
            "owner_id": c.ids("emp_", acc.owner),
            "created_at": c.instant(acc.created),
        },
    )
