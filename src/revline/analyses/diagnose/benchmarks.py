"""Metrics below benchmark or target: the scorecard's red lines, as findings.

The scorecard (:func:`revline.scorecard.scorecard`) already judges each headline metric against
its benchmark band and the ``targets`` table; this detector turns its red lines into findings
with an owner and, where the metric is money or retention, the revenue at stake:

- a currency metric short of its target: the shortfall (target - value);
- NRR or GRR below the band (company or segment): (the band's red line - value) x the ARR at
  the period start (of that segment);
- other metrics (ratios of efficiency, attainment): no money figure; they rank after the
  findings that have one.

A single period against a band is a rule, not a test: these findings carry a confidence of
:data:`RULE_CONFIDENCE`, so that a measured, tested problem of the same size ranks above them.
"""

from __future__ import annotations

from decimal import Decimal

from revline.analyses.diagnose.context import Context
from revline.analyses.diagnose.findings import Drill, Finding, money
from revline.metrics.api import compute_many, get_metric
from revline.metrics.core import display
from revline.scorecard import HEADLINES, Line, scorecard

RULE_CONFIDENCE = 0.5
RETENTION = ("nrr", "grr")


def benchmark_findings(ctx: Context) -> list[Finding]:
    card = scorecard(ctx.wh, period=ctx.period.label, settings=ctx.settings)
    out = []
    for line, headline in zip(card.lines, HEADLINES, strict=True):
        if line.status != "red" or line.value is None:
            continue
        metric = get_metric(line.metric)
        owner = ctx.org.metric_owner(line.metric, metric.owner)
        at_stake, how = _at_stake(ctx, line, headline.amber, headline.segment, card.prior_period)
        against = (
            f"target {display(line.target, line.unit)}"
            if line.reason.startswith("target")
            else f"benchmark {line.benchmark} ({line.source})"
        )
        by = ("segment", headline.segment) if headline.segment else None
        out.append(
            Finding(
                detector="below_benchmark",
                problem=(
                    f"{line.label} is {display(line.value, line.unit)} in {card.period}, "
                    f"below its {against}."
                ),
                owner=owner.function,
                owner_label=str(owner),
                at_stake=at_stake,
                at_stake_method=how,
                method=f"scorecard status rule ({line.reason}); one period, not a test",
                confidence=RULE_CONFIDENCE,
                evidence=tuple(
                    (k, v)
                    for k, v in (
                        ("value", display(line.value, line.unit)),
                        ("prior period", display(line.prior, line.unit)),
                        ("target", display(line.target, line.unit)),
                        ("benchmark", line.benchmark),
                    )
                    if v and v != "-"
                ),
                drill=Drill(
                    metric.tables[0],
                    metric=line.metric,
                    period=card.period,
                    by=by,
                    note=f"the rows behind {line.metric} in {card.period}",
                ),
                subject={"metric": line.metric, **({"segment": by[1]} if by else {})},
            )
        )
    return out


def _at_stake(
    ctx: Context, line: Line, red_line: float | None, segment: str | None, prior: str
) -> tuple[Decimal | None, str]:
    if line.value is None:
        return None, ""
    if line.unit == "currency" and line.target is not None and line.reason.startswith("target"):
        gap = Decimal(str(line.target)) - Decimal(str(line.value))
        return money(gap), "target - value"
    if line.metric in RETENTION and red_line is not None:
        arr = _start_arr(ctx, segment, prior)
        gap = Decimal(str(red_line - float(line.value)))
        where = f" of {segment}" if segment else ""
        return money(gap * arr), f"({red_line:.0%} band - value) x ARR{where} at the period start"
    return None, "not measured in money"


def _start_arr(ctx: Context, segment: str | None, prior: str) -> Decimal:
    """ARR at the end of the prior period (company or one segment), from the registry.

    One computation by segment per run: the company's ARR is the sum of its segments'.
    """
    key = f"arr_by_segment:{prior}"
    if key not in ctx.memo:
        frame = compute_many(["arr"], prior, "segment", warehouse=ctx.wh, settings=ctx.settings)
        rows = frame["arr"][frame["arr"]["period"] == prior]
        ctx.memo[key] = {
            str(seg): Decimal(str(v))
            for seg, v in zip(rows["segment"], rows["value"], strict=True)
            if v is not None and v == v
        }
    by_segment: dict[str, Decimal] = ctx.memo[key]
    if segment:
        return by_segment.get(segment, Decimal(0))
    return sum(by_segment.values(), Decimal(0))
