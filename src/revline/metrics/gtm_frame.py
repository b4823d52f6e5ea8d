"""The go-to-market frame: what efficiency and sales metrics compute over.

A :class:`GtmFrame` holds the reporting periods over the whole data range (opportunities,
expenses, spend and financials as well as MRR), the breakdown asked for, the profit basis of
the Rule of 40, and the MRR :class:`~revline.metrics.core.Frame` over the same periods, so that
new customers and new MRR always come from the MRR model, never from a second definition.

Breakdowns: the MRR ones (``segment``, ``region``, ``industry``, ``plan``, ``channel``: the
channel of an account's earliest lead, see :mod:`revline.metrics.channel`; for a deal, its own
lead's channel), plus ``owner``, ``manager``
and ``team`` (the opportunity owner, the owner's manager and team), ``competitor``, ``source``
(``lead_source``), ``product``, ``deal_size`` (a band of the amount) and ``partner``
(``partner`` when the deal was partner-sourced or has a partner, else ``direct``) and
``deal_type`` (the opportunity's type: ``new``, ``expansion``, ...); spend CAC
also takes ``campaign`` and ``country``.

**Currencies.** :meth:`GtmFrame.table` gives the money tables (:data:`MONEY_TABLES`) with their
amounts in the reporting currency, converted through the same dated rates as MRR
(:func:`revline.model.money.rates`, :func:`~revline.model.money.convert`) at the month of
the row's date: a deal at its close date (actual once closed, expected while open, as CRMs
with dated exchange rates do), a quota at its period start, an expense, a financials row or
marketing spend at its month. A date after the as-of month converts at the as-of month's rate.
A figure that reads a money table with rows it cannot convert is refused, with their
count and example ids (:func:`check_converted`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal, get_args
from uuid import uuid4

import ibis
import ibis.expr.types as ir
import pandas as pd

from revline.errors import ConfigError, RevlineError, WarehouseError, unknown
from revline.metrics.core import Frame, Scope
from revline.metrics.frame import BREAKDOWNS, NONE_LABEL, build_frame, frame_changes
from revline.model.engine import store
from revline.model.money import CENTS, convert, rates, unconverted, union_all
from revline.model.mrr import MrrModel
from revline.model.periods import (
    expand_periods,
    month_index,
    month_index_of,
    months_table,
    periods_table,
)
from revline.settings import MetricSettings

ProfitBasis = Literal["ebitda", "operating_profit"]
PROFIT_BASES: tuple[str, ...] = get_args(ProfitBasis)
OPPORTUNITY_BREAKDOWNS = (
    "owner",
    "manager",
    "team",
    "competitor",
    "source",
    "product",
    "deal_size",
    "partner",
    "deal_type",
)
GTM_BREAKDOWNS = tuple(
    dict.fromkeys((*BREAKDOWNS, "channel", *OPPORTUNITY_BREAKDOWNS, "campaign", "country"))
)
#: Tables with amounts: name -> (id column, money columns, the column dating the amounts).
MONEY_TABLES: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = {
    "opportunities": ("opportunity_id", ("amount",), ("closed_at", "close_date")),
    "quotas": ("quota_id", ("amount",), ("period_start",)),
    "expenses": ("expense_id", ("amount",), ("month",)),
    "marketing_spend": ("spend_id", ("amount",), ("spend_date",)),
    "financials": (
        "financial_id",
        ("revenue", "cost_of_revenue", "gross_profit", "operating_profit", "ebitda"),
        ("month",),
    ),
    "acquisitions": ("acquisition_id", ("revenue",), ("acquired_on",)),
}
#: Deal-size bands (ARR, reporting currency): lower bound -> label.
DEAL_SIZE_BANDS = ((0, "under 5k"), (5_000, "5k-25k"), (25_000, "25k-100k"), (100_000, "100k+"))


@dataclass(frozen=True)
class GtmSettings(MetricSettings):
    """:class:`MetricSettings` plus the go-to-market choices.

    ``profit_margin_basis`` (default ``"ebitda"``): the profit margin of the Rule of 40, EBITDA
    or operating profit (EBIT) over revenue; every Rule of 40 output names it.
    """

    profit_margin_basis: ProfitBasis = "ebitda"

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.profit_margin_basis not in PROFIT_BASES:
            raise ConfigError(
                unknown("profit margin basis", self.profit_margin_basis, PROFIT_BASES),
                hint="The Rule of 40 uses EBITDA or operating profit over revenue.",
            )


@dataclass(frozen=True)
class GtmFrame:
    """Periods, breakdown and the MRR frame for go-to-market metrics."""

    mrr: Frame
    backend: ibis.BaseBackend
    periods: ir.Table
    by: str | None
    profit_basis: str
    as_of_idx: int
    #: :func:`revline.model.money.rates` into the reporting currency, or ``None`` when every
    #: amount is in the reporting currency already.
    factors: ir.Table | None = None
    reporting: str = "USD"
    #: The money tables with amounts in other currencies (converted by :meth:`table`).
    foreign: tuple[str, ...] = ()
    #: The foreign money tables checked for rows without a rate (shared by copies).
    checked: set[str] = field(default_factory=set, compare=False)
    #: The metric being computed and its declared inputs (:func:`revline.metrics.core.read_input`).
    scope: Scope | None = field(default=None, compare=False)
    #: (dimension, value) pairs the facts are restricted to (``compute(..., filters=...)``).
    filters: tuple[tuple[str, str], ...] = ()

    @property
    def by_cols(self) -> list[str]:
        return [self.by] if self.by else []

    @property
    def period_bounds(self) -> ir.Table:
        return self.periods.select("period", "first_idx", "last_idx").distinct()

    def table(self, name: str) -> ir.Table:
        """A canonical table; one missing from an older warehouse is a clear error.

        A money table comes with its amounts in the reporting currency; the first time one is
        read, rows that cannot be converted refuse the figure (:func:`check_converted`).
        """
        if name not in self.backend.list_tables():
            raise WarehouseError(
                f"The warehouse has no table {name!r} (it was created by an older revline).",
                hint="Create the missing tables with: revline init WAREHOUSE",
            )
        table = self.backend.table(name)
        if self.factors is None or name not in self.foreign:
            return table
        if name not in self.checked:
            check_converted(self.backend, name, self.factors, self.reporting)
            self.checked.add(name)
        amounts = MONEY_TABLES[name][1]
        return convert(table, amounts, _dated(table, name), self.factors, self.reporting)


def _data_first_month(backend: ibis.BaseBackend, fallback: int) -> int:
    """The earliest month of any go-to-market fact (``fallback`` when there is none)."""
    sources = (
        ("opportunities", "created_at"),
        ("opportunities", "closed_at"),
        ("expenses", "month"),
        ("marketing_spend", "spend_date"),
        ("financials", "month"),
        ("acquisitions", "acquired_on"),
    )
    first = fallback
    present = set(backend.list_tables())
    for table, column in sources:
        if table not in present:  # an older warehouse: no such facts
            continue
        value = backend.execute(backend.table(table)[column].min())
        if value is not None and not pd.isna(value):
            first = min(first, month_index(pd.Timestamp(value).date()))
    return first


def _dated(table: ir.Table, name: str) -> ir.IntegerValue:
    """The month index that dates the amounts of money table ``name``."""
    dates = MONEY_TABLES[name][2]
    day = ibis.coalesce(*(table[c].cast("date") for c in dates)) if len(dates) > 1 else None
    return month_index_of(day if day is not None else table[dates[0]])


def _foreign(backend: ibis.BaseBackend, reporting: str) -> tuple[ir.Table | None, list[str]]:
    """The currencies of the money tables, and the tables with amounts not in ``reporting``."""
    present = [n for n in MONEY_TABLES if n in backend.list_tables()]
    if not present:
        return None, []
    parts = [backend.table(n).select("currency", table=ibis.literal(n)) for n in present]
    found = union_all(*parts).distinct().drop_null("currency")
    rows = backend.execute(found)
    foreign = sorted(set(rows.loc[rows["currency"] != reporting, "table"]))
    return found.select("currency").distinct(), foreign


def _rates(model: MrrModel, first: int, reporting: str) -> tuple[ir.Table | None, tuple[str, ...]]:
    """Exchange factors for the months ``first`` to the as-of month (stored with the model's
    facts, released with them) and the money tables that need them; ``(None, ())`` when every
    amount is in ``reporting``."""
    backend = model.backend
    currencies, foreign = _foreign(backend, reporting)
    if currencies is None or not foreign:
        return None, ()
    months = months_table(min(first, model.last_idx), model.last_idx)
    temp = f"_revline_gtmfx_{uuid4().hex[:16]}"
    factors = store(backend, temp, rates(backend.table("fx_rates"), months, currencies, reporting))
    model.temp_tables.append(temp)
    return factors, tuple(foreign)


def check_converted(
    backend: ibis.BaseBackend, name: str, factors: ir.Table, reporting: str
) -> None:
    """Raise when money table ``name`` has amounts with no rate into ``reporting`` for their
    month, with the count and example ids per currency."""
    table = backend.table(name)
    id_col, amounts, _ = MONEY_TABLES[name]
    rows = unconverted(table, amounts, _dated(table, name), factors, reporting)
    rows = rows.select("currency", row_id=rows[id_col].cast("string"))
    summary = rows.group_by("currency").agg(n=rows.count(), ids=rows.row_id.collect())
    problems = []
    for row in backend.execute(summary).sort_values("currency").itertuples():
        ids = ", ".join(sorted(str(i) for i in row.ids)[:3])
        more = ", ..." if row.n > 3 else ""
        problems.append(f"{row.n} {name} rows in {row.currency} ({ids}{more})")
    if problems:
        raise RevlineError(
            f"No exchange rate into {reporting} on or before the date of: {'; '.join(problems)}.",
            hint=f"Load fx_rates rows from each currency to {reporting} dated on or before "
            "those rows' months, or report in another currency (--currency).",
        )


def build_gtm_frame(
    model: MrrModel,
    period: str | None,
    by: str | None,
    filters: tuple[tuple[str, str], ...] = (),
) -> GtmFrame:
    """The frame for ``period`` (a period, a grain or ``None`` for every month) and ``by``,
    restricted to ``filters`` ((dimension, value) pairs): the MRR frame inside by those that
    are MRR breakdowns, deals (:func:`revline.metrics.gtm_deals.deals`) by all."""
    for dim in (by, *(d for d, _ in filters)):
        if dim is not None and dim not in GTM_BREAKDOWNS:
            raise ConfigError(
                unknown("breakdown", dim, GTM_BREAKDOWNS),
                hint="Break a metric down by one of these.",
            )
    first = _data_first_month(model.backend, model.first_idx)
    periods = periods_table(expand_periods(period, first, model.last_idx, model.settings.as_of))
    on_mrr = tuple((d, v) for d, v in filters if d in BREAKDOWNS)
    mrr = build_frame(model, period, by if by in BREAKDOWNS else None, on_mrr)
    mrr = replace(mrr, periods=periods)
    basis = str(getattr(model.settings, "profit_margin_basis", "ebitda"))
    reporting = model.settings.reporting_currency
    factors, foreign = _rates(model, first, reporting)
    return GtmFrame(
        mrr,
        model.backend,
        periods,
        by,
        basis,
        model.last_idx,
        factors,
        reporting,
        foreign,
        filters=tuple(filters),
    )


def unsupported(frame: GtmFrame, metric: str, allowed: tuple[str, ...]) -> ConfigError:
    """The error for a breakdown a metric cannot be split by."""
    return ConfigError(
        f"Metric {metric!r} cannot be broken down by {frame.by!r}.",
        hint=f"Break it down by one of: {', '.join(allowed)}; or not at all.",
    )


def label(value: ir.Value) -> ir.StringValue:
    """A breakdown value as text, with :data:`NONE_LABEL` for empty ones."""
    text: ir.StringValue = value.cast("string")
    return ibis.ifelse(text.isnull() | (text == ""), NONE_LABEL, text)


def new_customer_moves(frame: GtmFrame, allowed: tuple[str, ...]) -> ir.Table:
    """New-customer movements from the MRR model in each period: ``period``, group, ``amount``.

    One row per customer's first paying month (movement ``new``); ``amount`` is its new MRR.
    """
    if frame.by is not None and frame.by not in allowed:
        raise unsupported(frame, "new customers", allowed)
    moves = frame_changes(frame.mrr)  # the movements but "unchanged", not expanded to months
    moves = moves.filter(moves.movement == "new")
    periods = frame.periods.select("period", p_idx=frame.periods.month_idx)
    rows = moves.inner_join(periods, moves.month_idx == periods.p_idx)
    return rows.select("period", *frame.by_cols, "account_id", amount=rows.amount.cast(CENTS))
