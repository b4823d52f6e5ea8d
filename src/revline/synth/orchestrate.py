"""Orchestration: write the synthetic company into a warehouse, all or nothing.

:func:`build` writes a company into a warehouse file: into a fresh partial file next to it,
committed chunk by chunk (so memory does not grow with the company), then renamed over the
target; a killed run leaves the target as it was and a ``.partial`` file behind. A target that
holds rows other than the synthetic company's is written in place in one transaction instead.
:func:`generate` writes into an open warehouse, in one transaction unless told otherwise.

A scope (:data:`SCOPES`) leaves out tables: ``revenue`` writes what revline's revenue, retention,
efficiency and sales metrics read, without the high-volume behavioural tables. The draws are the
same in every scope, so the tables a scope writes are identical to the full company's.

Order: clear earlier synthetic rows, write the company-wide tables (staff, partners, plans,
campaigns), then accounts in chunks (each chunk's leads, deals, customers and their lifecycle,
appended as Arrow tables), then the tables that sum over all chunks (spend, expenses, financials,
targets, quotas, FX). Every draw comes from one ``numpy`` Generator seeded by ``seed``, in a fixed
order, so a seed and a configuration give byte-identical tables.
"""

from __future__ import annotations

import os
import queue
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
from sqlglot import exp

from revline.ddl import to_sql
from revline.errors import ConfigError, unknown
from revline.schema import TABLES
from revline.schema.core import Table
from revline.synth import accounts as accounts_mod
from revline.synth import (
    billing,
    finance,
    funnel,
    invoicing,
    marketing,
    opening,
    people,
    plants,
    sales,
    success,
    truth,
)
from revline.synth import columns as c
from revline.synth.config import DAY, Calendar, SynthConfig
from revline.synth.deals import from_lifecycle, new_business
from revline.synth.lifecycle import Customers, Lifecycle, simulate
from revline.warehouse import SYSTEM_TABLES, Warehouse

#: Tables each scope leaves out. ``revenue`` keeps every table a metric reads (billing: accounts,
#: plans, subscriptions, invoices, FX; sales: leads, opportunities and their history, quotas,
#: targets; finance: expenses, financials, marketing spend; people, onboarding and churn events)
#: and drops daily usage, marketing touches, support tickets, health notes, payments and the
#: per-account-month truth: most of the rows of a full company.
SCOPES: dict[str, frozenset[str]] = {
    "full": frozenset(),
    "revenue": frozenset(
        {"usage", "touches", "tickets", "health_notes", "payments", "truth_account_month"}
    ),
}


def check_scope(scope: str) -> frozenset[str]:
    """The tables ``scope`` leaves out; an unknown scope is a clear error."""
    if scope not in SCOPES:
        raise ConfigError(unknown("synth scope", scope, SCOPES))
    return SCOPES[scope]


@dataclass(frozen=True)
class SynthResult:
    """What a run wrote: rows per table (canonical and truth), the as-of date and the time taken.

    ``accounts`` arrived in the window; ``opening_accounts`` are the opening book's customers
    (won before it; ``rows["accounts"]`` is the sum); ``subscribed`` have a subscription running
    in the last month (a usage-priced one may bill nothing that month, so the registry's
    ``customers``, which counts MRR above zero, is a little lower).
    """

    rows: dict[str, int]
    as_of: date
    seconds: float
    accounts: int
    months: int
    seed: int
    opening_accounts: int = 0
    subscribed: int = 0


class _Writer:
    """Appends and commits on one background thread, in order, while numpy draws the next chunk.

    DuckDB releases the GIL while it inserts, so generation and writing overlap on two cores.
    The main thread does not touch the connection between :meth:`start` and :meth:`sync`. A
    failed write is raised on the main thread at the next call; after an error on either side
    the queued writes are dropped, so the caller's rollback sees an idle connection.
    """

    def __init__(self, wh: Warehouse) -> None:
        self.wh = wh
        self.ops: queue.Queue[tuple[str, str, pa.Table | None, Table | None] | None] = queue.Queue(
            maxsize=8
        )
        self.error: BaseException | None = None
        self.cancelled = False
        self.thread = threading.Thread(target=self._loop, name="synth-writer", daemon=True)
        self.thread.start()

    def _loop(self) -> None:
        while (op := self.ops.get()) is not None:
            if self.error is not None or self.cancelled:
                continue
            kind, name, data, declared = op
            try:
                if kind == "append" and data is not None:
                    self.wh.append(name, data, declared)
                elif kind == "commit":
                    self.wh.con.execute("COMMIT")
                    self.wh.con.execute("BEGIN TRANSACTION")
            except BaseException as err:  # raised on the main thread
                self.error = err

    def _check(self) -> None:
        if self.error is not None:
            raise self.error

    def append(self, name: str, data: pa.Table, declared: Table | None = None) -> None:
        self._check()
        self.ops.put(("append", name, data, declared))

    def commit(self) -> None:
        self._check()
        self.ops.put(("commit", "", None, None))

    def close(self, failed: bool) -> None:
        """Wait for the queued writes (dropped if ``failed``); raise a write's error."""
        self.cancelled = failed
        self.ops.put(None)
        self.thread.join()
        if not failed:
            self._check()


class _Run:
    """The state of one run: warehouse, generator, calendar, id counters and monthly totals."""

    def __init__(
        self, wh: Warehouse, config: SynthConfig, seed: int, left_out: frozenset[str], atomic: bool
    ) -> None:
        self.wh = wh
        self.writer: _Writer | None = None
        self.left_out = left_out
        self.atomic = atomic
        self.config = config
        self.rng = np.random.default_rng(seed)
        self.cal = Calendar.of(config)
        self.history = Calendar.history(config)
        self.loaded_at = self.cal.end
        self.rows: Counter[str] = Counter()
        self.totals = finance.Totals(config.months)

    def writes(self, name: str) -> bool:
        return name not in self.left_out

    def put(self, name: str, data: pa.Table | None, declared: Table | None = None) -> None:
        """Queue ``data`` for table ``name``; its rows count at once (they number the ids)."""
        if data is None or not self.writes(name) or not data.num_rows:
            return
        if self.writer is None:
            self.wh.append(name, data, declared)
        else:
            self.writer.append(name, data, declared)
        self.rows[name] += data.num_rows

    def put_truth(self, name: str, columns: dict[str, Any]) -> None:
        if self.writes(name):
            self.put(name, truth.frame(name, columns), truth.TRUTH_TABLES[name])

    def commit(self) -> None:
        """End a chunk: commit it and open the next transaction, unless the run is atomic."""
        if not self.atomic and self.writer is not None:
            self.writer.commit()

    @contextmanager
    def writing(self) -> Iterator[None]:
        """Write on a background thread inside the block; every write is done at its end."""
        self.writer = _Writer(self.wh)
        failed = True
        try:
            yield
            failed = False
        finally:
            writer, self.writer = self.writer, None
            writer.close(failed)


def build(
    path: str | Path,
    accounts: int,
    months: int,
    seed: int,
    config: SynthConfig | None = None,
    scope: str = "full",
) -> SynthResult:
    """Replace the synthetic company in the warehouse file ``path`` (created if missing).

    A missing target, or one holding only an earlier synthetic company, is replaced by a fresh
    warehouse written to ``PATH.partial`` chunk by chunk and renamed over it at the end (memory
    stays bounded with the company's size; a killed run leaves the target untouched). A target
    with other rows (imports, a foreign DuckDB file) is written in place in one transaction.
    """
    check_scope(scope)
    target = Path(path)
    if target.exists() and not _only_synthetic(target):
        with Warehouse.create(target) as wh:
            return generate(wh, accounts, months, seed, config, scope)
    partial = target.with_name(target.name + ".partial")
    wal = target.with_name(target.name + ".wal")
    _remove(partial, partial.with_name(partial.name + ".wal"))
    try:
        with Warehouse.create(partial) as wh:
            # Committed blocks (rows, indexes) can be evicted: cap DuckDB's buffers (numpy and
            # Arrow come on top), or it keeps the tables' indexes loaded as the company grows.
            wh.con.execute("SET memory_limit = '2GB'")
            result = generate(wh, accounts, months, seed, config, scope, atomic=False)
            wh.con.execute("CHECKPOINT")
    except BaseException:
        _remove(partial, partial.with_name(partial.name + ".wal"))
        raise
    _remove(wal)  # a target closed cleanly has none; a stale one must not replay on the new file
    os.replace(partial, target)
    return result


def _remove(*paths: Path) -> None:
    for p in paths:
        p.unlink(missing_ok=True)


def _only_synthetic(path: Path) -> bool:
    """Whether ``path`` is a revline warehouse holding no rows but the synthetic company's."""
    import duckdb

    from revline.errors import WarehouseError

    try:
        wh = Warehouse.open(path, read_only=True)
    except (WarehouseError, duckdb.Error):
        return False
    with wh:
        known = {*TABLES, *SYSTEM_TABLES, *truth.TRUTH_TABLES}
        if set(wh.list_tables()) - known:
            return False
        if any(wh.count(name) for name in SYSTEM_TABLES if name != "revline_meta"):
            return False
        table_names = [name for name in TABLES if name in wh.list_tables()]
        for name in table_names:
            t = wh.table(name)
            if wh.ibis.execute(t.filter(t.source != "synth").count()):
                return False
    return True


def generate(
    wh: Warehouse,
    accounts: int,
    months: int,
    seed: int,
    config: SynthConfig | None = None,
    scope: str = "full",
    atomic: bool = True,
) -> SynthResult:
    """Replace the synthetic company in ``wh`` with a fresh one of ``accounts`` x ``months``.

    ``scope`` names the tables written (:data:`SCOPES`). ``atomic``: one transaction (the
    default); otherwise each chunk of accounts is committed, which keeps memory bounded but
    leaves a partial company if the run stops (:func:`build` writes such runs to a file it
    renames only at the end).
    """
    started = time.perf_counter()
    left_out = check_scope(scope)
    cfg = replace(config or SynthConfig(), accounts=accounts, months=months)
    run = _Run(wh, cfg, seed, left_out, atomic)
    rng, cal, at = run.rng, run.cal, run.loaded_at
    with wh.transaction():
        _clear(wh)
        staff = people.build_staff(rng, cfg, cal, opening.served(cfg))
        fx = finance.fx_matrix(rng, run.history)
        lead = run.history.months - cal.months
        run.put("employees", people.employees(rng, staff, at))
        run.put("partners", people.partners(rng, cfg, staff, at))
        run.put("plans", billing.plans_frame(at))
        run.put("campaigns", marketing.campaigns(rng, cal, staff, at))
        with run.writing():
            for first in range(0, cfg.accounts, cfg.chunk_size):
                _chunk(run, staff, fx[:, lead:], first, min(cfg.chunk_size, cfg.accounts - first))
                run.commit()
            _opening(run, staff, fx)
        spend_table, spend = marketing.spend(rng, cal, run.totals.leads, at)
        run.put("marketing_spend", spend_table)
        run.put("acquisitions", marketing.acquisitions(wh, at))
        expense_table, opex = finance.expenses(cal, staff, run.totals, spend, at)
        run.put("expenses", expense_table)
        run.put("financials", finance.financials(cal, run.totals, opex, at))
        target_table, new_arr_target = finance.targets(cfg, cal, run.totals, at)
        run.put("targets", target_table)
        per_ae = new_arr_target * 12 // 10 // max(len(staff.of("sales")), 1)
        run.put("quotas", people.quotas(staff, cal, per_ae, at))
        run.put("fx_rates", finance.fx_frame(run.history, fx, at))
        _record_plants(run)
    rows = {name: run.rows.get(name, 0) for name in [*TABLES, *truth.TRUTH_TABLES]}
    return SynthResult(
        rows,
        cfg.as_of,
        time.perf_counter() - started,
        accounts,
        months,
        seed,
        rows["accounts"] - accounts,
        int(run.totals.customers[-1]),
    )


def _record_plants(run: _Run) -> None:
    """One ``truth_plants`` row per planted problem (none when every plant is off)."""
    on = plants.active(run.config)
    if not on:
        return

    def col(values: list[str]) -> pa.Array:
        return pa.array(values, pa.string())

    run.put_truth(
        "truth_plants",
        {
            "plant": col([p.name for p, _ in on]),
            "dimension": col([p.dimension for p, _ in on]),
            "value": col([v for _, v in on]),
            "owner_kind": col([p.owner_kind for p, _ in on]),
            "owner_key": col([p.owner_key for p, _ in on]),
            "description": col([p.description for p, _ in on]),
        },
    )


def _clear(wh: Warehouse) -> None:
    """Delete earlier synthetic rows (source = 'synth') and empty the truth tables."""
    for name in TABLES:
        where = exp.column("source").eq(exp.Literal.string("synth"))
        wh.con.execute(to_sql(exp.delete(exp.to_table(name), where=where)))
    truth.reset(wh)


def _chunk(run: _Run, staff: people.Staff, fx: np.ndarray, first: int, n: int) -> None:
    """Window accounts ``first`` .. ``first + n``: their funnel, deals and customers."""
    rng, cfg, cal, at, tot, ids = run.rng, run.config, run.cal, run.loaded_at, run.totals, run.rows
    acc = accounts_mod.build_accounts(rng, cfg, cal, staff, first, n)
    run.put("accounts", accounts_mod.accounts_frame(rng, acc, at))
    leads = funnel.build_leads(rng, cfg, cal, staff, acc, ids["leads"])
    np.add.at(tot.leads, (leads.channel, cal.month_of(leads.created)), 1)
    np.add.at(tot.mqls, cal.month_of(leads.mql[leads.mql >= 0]), 1)
    np.add.at(tot.sqls, cal.month_of(leads.sql[leads.sql >= 0]), 1)
    # New business from converted leads.
    conv = np.flatnonzero(leads.converted >= 0)
    a = leads.account[conv]
    fx_usd = fx[acc.currency[a], cal.month_of(leads.converted[conv])]
    prices = billing.choose(rng, acc.segment[a], acc.fit[a], fx_usd)
    deals, cycle, median = new_business(
        rng, cfg, acc, leads, conv, prices, fx_usd, ids["opportunities"]
    )
    opp_of_lead = np.full(len(leads), -1)
    opp_of_lead[conv] = deals.index
    run.put("leads", funnel.leads_frame(cal, acc, leads, opp_of_lead, at))
    run.put(
        "touches",
        marketing.touches(
            rng,
            cal,
            ids["touches"],
            leads.index,
            acc.index[leads.account],
            leads.channel,
            leads.created,
            at,
        ),
    )
    _write_deals(run, deals, cycle, median)
    # Customers: deals won before as_of, onboarded, then simulated month by month.
    won = np.flatnonzero(deals.won & (deals.end < cal.end))
    seg_w, fit_w = acc.segment[a[won]], acc.fit[a[won]]
    handoff, kickoff, live, health0, lift = success.onboarding(
        rng, cfg, cal, seg_w, fit_w, deals.end[won]
    )
    run.put(
        "onboarding",
        success.onboarding_frame(
            cal,
            ids["onboarding"],
            c.ids("acc_", deals.account[won]),
            c.ids("opp_", deals.index[won]),
            acc.csm[a[won]],
            handoff,
            kickoff,
            live,
            at,
        ),
    )
    p = prices.take(won)
    cust = Customers(
        a[won],
        seg_w,
        deals.end[won],
        p.plan,
        p.quantity,
        billing.PLAN_YEARLY[p.plan],
        fit_w,
        health0,
        lift,
    )
    _book(run, cal, 0, fx, acc, cust, p, fx_usd[won])
    usd = np.round(deals.amount1 * fx[deals.currency, cal.month_of(deals.end)]).astype(np.int64)
    closed_won = deals.won & (deals.end < cal.end)
    np.add.at(tot.new_arr, cal.month_of(deals.end[closed_won]), usd[closed_won])


def _opening(run: _Run, staff: people.Staff, fx: np.ndarray) -> None:
    """The opening book (:mod:`revline.synth.opening`): customers won before the window."""
    rng, cfg, cal, full, at = run.rng, run.config, run.cal, run.history, run.loaded_at
    total = opening.candidates(cfg, cal, full)
    arrived = opening.arrivals(rng, cfg, cal, full, total)
    # Planted problems start with the window: the opening book is onboarded without them.
    before = replace(cfg, poor_onboarding_segment=None)
    first = cfg.accounts
    for lo in range(0, total, cfg.chunk_size):
        n = min(cfg.chunk_size, total - lo)
        market = accounts_mod.build_accounts(
            rng, cfg, full, staff, 0, n, created=arrived[lo : lo + n]
        )
        fx_usd = fx[market.currency, full.month_of(market.created)]
        prices = billing.choose(rng, market.segment, market.fit, fx_usd)
        competitor = np.where(rng.random(n) < 0.6, rng.integers(0, 4, n), -1)
        _, won, cycle = sales.new_business_outcome(
            rng,
            market.fit,
            prices.arr_local * fx_usd,
            market.partner >= 0,
            competitor,
            market.segment,
            cfg.partner_win_effect,
            cfg.size_win_effect,
            cfg.size_cycle_effect,
        )
        signed = market.created + opening.deal_lag(rng, n) + (cycle * DAY).astype(np.int64)
        keep = np.flatnonzero(won & (signed < cal.start))
        acc = market.take(keep, first)
        first += len(keep)
        run.put("accounts", accounts_mod.accounts_frame(rng, acc, at))
        signed = signed[keep]
        _, _, _, health0, _ = success.onboarding(rng, before, full, acc.segment, acc.fit, signed)
        p = prices.take(keep)
        cust = Customers(
            np.arange(len(acc)),
            acc.segment,
            signed,
            p.plan,
            p.quantity,
            billing.PLAN_YEARLY[p.plan],
            acc.fit,
            health0,
        )
        lead = full.months - cal.months
        _book(run, full, lead, fx, acc, cust, p, fx_usd[keep])
        run.commit()


def _book(
    run: _Run,
    cal: Calendar,
    lead: int,
    fx: np.ndarray,
    acc: accounts_mod.Accounts,
    cust: Customers,
    p: billing.Prices,
    fx_sign: np.ndarray,
) -> None:
    """Simulate customers over ``cal`` and write what they leave; the window starts at month
    ``lead`` of ``cal`` (0 for window customers, the opening months for the opening book).

    Subscriptions cover their whole life; invoices and payments start ``INVOICE_MONTHS`` before
    the window; usage, tickets, notes, churn events, lifecycle deals and truth are the window's.
    """
    rng, cfg, at, tot, ids = run.rng, run.config, run.loaded_at, run.totals, run.rows
    life = simulate(rng, cfg, cal, cust)
    shown = life.since(lead)
    segs = billing.segments(cal, cust, life)
    currency = acc.currency[cust.account]
    sub0 = ids["subscriptions"]
    run.put(
        "subscriptions",
        billing.subscriptions_frame(rng, cust, acc.index, p, currency, segs, life, sub0, at),
    )
    usage_table, used = invoicing.usage(
        rng, cal, cust, acc.index, p, segs, shown, ids["usage"], sub0, at, run.writes("usage")
    )
    run.put("usage", usage_table)
    if lead:
        used += invoicing.usage_before(rng, cal, cust, p, segs, life, lead)
    inv, pay, metered = invoicing.invoices(
        rng,
        cal,
        cust,
        acc.index,
        p,
        currency,
        fx_sign,
        segs,
        life.since(lead - opening.INVOICE_MONTHS),
        used,
        ids["invoices"],
        ids["payments"],
        sub0,
        at,
    )
    run.put("invoices", inv)
    run.put("payments", pay)
    run.put("tickets", success.tickets(rng, cal, cust, acc.index, shown, ids["tickets"], at))
    run.put(
        "health_notes",
        success.health_notes(rng, cal, cust, acc.index, acc.csm, shown, ids["health_notes"], at),
    )
    run.put(
        "churn_events",
        success.churn_events(
            rng, cal, cust, acc.index, shown, segs.cell, sub0, ids["churn_events"], at
        ),
    )
    later = from_lifecycle(rng, cal, acc, cust, p, shown, ids["opportunities"])
    # A lifecycle deal's close day does not depend on its outcome: its cycle is its median.
    cycle_later = (later.end - later.created) / DAY
    _write_deals(run, later, cycle_later, cycle_later)
    # Truth per paying account-month of the window, and the month totals finance needs.
    cu, m = np.nonzero(shown.active)
    plan = p.plan[cu]
    cycle_local = p.unit_local[cu] * life.quantity[cu, m] * (100 - p.discount[cu]) // 100
    mrr_local = np.where(billing.PLAN_YEARLY[plan], cycle_local // 12, cycle_local)
    mrr_usd = np.round(mrr_local * fx[currency[cu], m]).astype(np.int64)
    if run.writes("truth_account_month"):
        _truth_account_month(run, cal, acc, cust, life, cu, m, mrr_usd)
    np.add.at(tot.revenue, m - lead, mrr_usd)
    tot.revenue += metered[lead:]
    np.add.at(tot.customers, m - lead, 1)
    np.add.at(tot.churned, np.nonzero(shown.churned)[1] - lead, 1)
    exp_won = (later.kind == 1) & later.won & (later.end < cal.end)
    usd_exp = np.round(later.amount1 * fx[later.currency, cal.month_of(later.end)]).astype(np.int64)
    np.add.at(tot.expansion_arr, cal.month_of(later.end[exp_won]) - lead, usd_exp[exp_won])


def _truth_account_month(
    run: _Run,
    cal: Calendar,
    acc: accounts_mod.Accounts,
    cust: Customers,
    life: Lifecycle,
    cu: np.ndarray,
    m: np.ndarray,
    mrr_usd: np.ndarray,
) -> None:
    """Truth per paying account-month of the window (``cu``, ``m``: customer and month)."""
    run.put_truth(
        "truth_account_month",
        {
            "account_month_id": c.ids("tam_", run.rows["truth_account_month"] + np.arange(len(cu))),
            "account_id": c.ids("acc_", acc.index[cust.account[cu]]),
            "month": c.day(cal.starts[m]),
            "segment": truth.segment_names(cust.segment[cu]),
            "mrr_usd": c.money(mrr_usd),
            "usage_health": life.health[cu, m],
            "payment_risk": life.risk[cu, m],
            "late_or_failed_3m": life.events3[cu, m],
            "usage_decline_3m": life.decline[cu, m],
            "churn_hazard": life.hazard[cu, m],
            "churned": life.churned[cu, m],
        },
    )


def _write_deals(
    run: _Run, deals: sales.Deals, cycle_days: np.ndarray, median_days: np.ndarray
) -> None:
    opportunities, history = sales.write(
        deals, run.cal, run.rows["opportunity_history"], run.loaded_at
    )
    run.put("opportunities", opportunities)
    run.put("opportunity_history", history)
    run.put_truth(
        "truth_opportunity",
        {
            "opportunity_id": c.ids("opp_", deals.index),
            "win_probability": deals.win_probability,
            "true_cycle_days": np.asarray(cycle_days, float),
            "median_cycle_days": np.asarray(median_days, float),
            "won": deals.won,
        },
    )
