"""The scorecard page: every headline metric with its trend, target, benchmark, status, owner.

The lines come from :func:`revline.scorecard.scorecard` (itself built on the metric registry);
the reading names how ARR moved and the red lines that moved the wrong way, with their owners.
"""

from __future__ import annotations

from decimal import Decimal

from revline.report.context import ReportContext
from revline.report.readings import VERSUS, change_phrase, change_to, sentence, show
from revline.report.registry import Figure, SectionContent, TableBlock, section
from revline.scorecard import Line, scorecard


def _f(value: Decimal | float | None) -> float | None:
    """A line's value as a float for the prose and figures (money is exact in the line)."""
    return None if value is None else float(value)


def _worsened(line: Line) -> float:
    """How far a line moved the wrong way, relative to its prior (0 when it did not)."""
    if line.value is None or line.prior is None or line.prior == 0:
        return 0.0
    from revline.scorecard import HEADLINES

    higher = next((h.higher_is_better for h in HEADLINES if h.label == line.label), True)
    change = (float(line.value) - float(line.prior)) / abs(float(line.prior))
    return -change if higher else change


def reading(lines: tuple[Line, ...], grain: str) -> str:
    """ARR's move, the count of red lines, and the worst movers among them with their owners."""
    arr = next((line for line in lines if line.metric == "arr" and line.label == "ARR"), None)
    first = "" if arr is None else change_to("ARR", _f(arr.value), _f(arr.prior), arr.unit, grain)
    rated = [line for line in lines if line.status != "n/a"]
    red = [line for line in rated if line.status == "red"]
    if not rated:
        return sentence(first, "no headline metric has a benchmark or target to rate it")
    count = f"{len(red)} of {len(rated)} rated headline metrics are red"
    worst = sorted((line for line in red if _worsened(line) > 0), key=_worsened, reverse=True)
    if worst:
        named = " and ".join(
            f"{line.label} {change_phrase(_f(line.value), _f(line.prior), line.unit)} to "
            f"{show(_f(line.value), line.unit)}, owned by {line.owner}"
            for line in worst[:2]
        )
        count += f", and getting worse: {named}"
    elif not red:
        count = f"none of {len(rated)} rated headline metrics is red"
    elif any(line.prior is not None for line in red):
        count += f" but none worsened {VERSUS[grain]}: the misses are long-standing"
    return sentence(first, count)


def build(ctx: ReportContext) -> SectionContent:
    """The scorecard of the report period, as figures and one table."""
    card = scorecard(ctx.wh, ctx.period.label, ctx.settings)
    rows = []
    figures = []
    for line in card.lines:
        segment = line.label.split(" ", 1)[1] if line.label.startswith("GRR ") else None
        figures.append(
            Figure(
                line.label,
                _f(line.value),
                line.unit,
                line.metric,
                _f(line.prior),
                by="segment" if segment else None,
                by_value=segment,
            )
        )
        attain = "-" if line.attainment is None else f"{line.attainment:.0%}"
        rows.append(
            (
                line.label,
                show(_f(line.value), line.unit),
                show(_f(line.prior), line.unit),
                show(_f(line.target), line.unit),
                attain,
                line.benchmark or "-",
                line.status,
                line.owner,
            )
        )
    table = TableBlock(
        f"Scorecard {card.period} (vs {card.prior_period}; data as of {card.as_of})",
        ("metric", "value", "prior", "target", "attainment", "benchmark", "status", "owner"),
        tuple(rows),
        tuple(figures),
    )
    note = (
        "Status is the worse of the benchmark band and target attainment (>= 100% green, "
        ">= 90% amber); see docs/gtm-metrics.md."
    )
    return SectionContent(reading(card.lines, ctx.grain), (), (), (table,), (note,))


section("scorecard", "Scorecard", order=10, description="Headline metrics, status and owners.")(
    build
)
