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
(``partner`` when the deal was partner-sourced or has a partner, else ``direct``); spend CAC
also takes ``campaign`` and ``country``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal, get_args

import ibis
import ibis.expr.types as ir
import pandas as pd

from revline.errors import ConfigError, WarehouseError, unknown
from revline.metrics.core import Frame
from revline.metrics.frame import BREAKDOWNS, NONE_LABEL, build_frame
from revline.model.money import CENTS
from revline.model.mrr import MrrModel
from revline.model.periods import expand_periods, month_index, periods_table
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
)
GTM_BREAKDOWNS = tuple(
    dict.fromkeys((*BREAKDOWNS, "channel", *OPPORTUNITY_BREAKDOWNS, "campaign", "country"))
)
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

    @property
    def by_cols(self) -> list[str]:
        return [self.by] if self.by else []

    @property
    def period_bounds(self) -> ir.Table:
        return self.periods.select("period", "first_idx", "last_idx").distinct()

    def table(self, name: str) -> ir.Table:
        """A canonical table; one missing from an older warehouse is a clear error."""
        if name not in self.backend.list_tables():
            raise WarehouseError(
                f"The warehouse has no table {name!r} (it was created by an older revline).",
                hint="Create the missing tables with: revline init WAREHOUSE",
            )
        return self.backend.table(name)


def month_of(value: ir.Value) -> ir.IntegerValue:
    """The month index (``year * 12 + month - 1``) of a date or timestamp expression."""
    year: ir.IntegerValue = value.year().cast("int64")
    month: ir.IntegerValue = value.month().cast("int64")
    return year * 12 + month - 1


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


def build_gtm_frame(model: MrrModel, period: str | None, by: str | None) -> GtmFrame:
    """The frame for ``period`` (a period, a grain or ``None`` for every month) and ``by``."""
    if by is not None and by not in GTM_BREAKDOWNS:
        raise ConfigError(
            unknown("breakdown", by, GTM_BREAKDOWNS), hint="Break a metric down by one of these."
        )
    first = _data_first_month(model.backend, model.first_idx)
    periods = periods_table(expand_periods(period, first, model.last_idx, model.settings.as_of))
    mrr = build_frame(model, period, by if by in BREAKDOWNS else None)
    mrr = replace(mrr, periods=periods)
    basis = str(getattr(model.settings, "profit_margin_basis", "ebitda"))
    return GtmFrame(mrr, model.backend, periods, by, basis, model.last_idx)


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
    moves = frame.mrr.movements.filter(lambda t: t.movement == "new")
    periods = frame.periods.select("period", p_idx=frame.periods.month_idx)
    rows = moves.inner_join(periods, moves.month_idx == periods.p_idx)
    return rows.select("period", *frame.by_cols, "account_id", amount=rows.amount.cast(CENTS))
