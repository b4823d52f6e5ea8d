"""``revline funnel`` and ``revline sla``: the hand-offs, where they leak, and the SLAs.

Thin: every figure comes from :mod:`revline.analyses.seams`; this module only shapes rows for
:func:`revline.output.emit` (``--format table|csv|json``).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

from revline.cli import DEFAULT_WAREHOUSE, WarehouseOption, app
from revline.errors import ConfigError
from revline.output import FormatOption, check_format, console, emit

ByOption = Annotated[
    list[str] | None,
    typer.Option(
        "--by",
        help="Break down by segment, region, channel, owner, lead_owner, opportunity_owner, "
        "csm_owner or attr:KEY (a source column kept in attributes). Repeat for several.",
    ),
]
AsOfOption = Annotated[
    str | None,
    typer.Option("--as-of", help="Judge as of this day (YYYY-MM-DD); default: the latest event."),
]
OrgOption = Annotated[
    Path | None,
    typer.Option("--org", envvar="REVLINE_ORG", help="An org map file (default: the built-in)."),
]


def _day(as_of: str | None) -> date | None:
    if as_of is None:
        return None
    try:
        return date.fromisoformat(as_of)
    except ValueError:
        raise ConfigError(
            f"--as-of {as_of!r} is not a date.", hint="Write it as YYYY-MM-DD."
        ) from None


def _pct(value: Any) -> str:
    return "" if value is None else f"{value:.1%}"


def _days(value: Any) -> str:
    return "" if value is None else f"{value:.1f}"


def _flow_row(f: Any, nested: bool) -> dict[str, Any]:
    row: dict[str, Any] = {"seam": f.name, "owner": str(f.owner) if f.owner else ""}
    row.update(f.group)
    row.update(
        entered=f.entered,
        converted=f.converted,
        conversion=f.conversion,
        closed_conversion=f.closed_conversion,
        lost=f.lost,
        stalled=f.stalled,
        open=f.open,
        median_days=f.time.median_days,
        p75_days=f.time.p75_days,
        p90_days=f.time.p90_days,
    )
    if nested:
        row.update(lost_to=f.lost_to, time_buckets=f.time.buckets)
    else:
        top = list(f.lost_to.items())[:2]
        row["lost_to"] = "; ".join(f"{k} ({v})" for k, v in top)
    return row


FLOW_FORMATS = {
    "conversion": _pct,
    "closed_conversion": _pct,
    "median_days": _days,
    "p75_days": _days,
    "p90_days": _days,
}


@app.command("funnel")
def funnel(
    warehouse: WarehouseOption = Path(DEFAULT_WAREHOUSE),
    by: ByOption = None,
    from_stage: Annotated[
        str | None, typer.Option("--from", help="First stage of one flow (with --to).")
    ] = None,
    to_stage: Annotated[
        str | None, typer.Option("--to", help="Last stage of one flow (with --from).")
    ] = None,
    cohorts: Annotated[
        bool, typer.Option("--cohorts", help="One row per entry month, with how many are open.")
    ] = False,
    anomalies: Annotated[
        bool,
        typer.Option(
            "--anomalies",
            help="Skipped and out-of-order stages instead, and missing or placeholder values "
            "of the --by breakdowns (default: channel).",
        ),
    ] = False,
    leaks: Annotated[
        bool, typer.Option("--leaks", help="Groups converting far below their seam instead.")
    ] = False,
    as_of: AsOfOption = None,
    org: OrgOption = None,
    fmt: FormatOption = "table",
) -> None:
    """Every hand-off of the lifecycle: volume, conversion, time taken, losses and owner."""
    from revline.analyses.seams import flow, gaps, leaking_seams, lifecycle_report, seams
    from revline.org import load_org
    from revline.warehouse import Warehouse

    fmt = check_format(fmt)
    if (from_stage is None) != (to_stage is None):
        raise ConfigError("--from and --to go together.", hint="Give both, or neither.")
    org_map = load_org(org)
    day = _day(as_of)
    with Warehouse.open(warehouse) as wh:
        if anomalies:
            report = lifecycle_report(wh)
            rows = [
                {
                    "kind": a.kind,
                    "from": a.previous_stage,
                    "to": a.stage,
                    "missing": a.missing,
                    "journeys": a.count,
                    "examples": ", ".join(a.examples),
                }
                for a in (*report.skips, *report.out_of_order)
            ]
            rows += [
                {
                    "kind": "missing_value" if g.value == "(none)" else "placeholder_value",
                    "from": g.dimension,
                    "to": g.value,
                    "missing": "",
                    "journeys": g.journeys,
                    "examples": g.describe(),
                }
                for g in gaps(wh, by or ("channel",))
            ]
            title = f"Lifecycle anomalies over {report.journeys:,} journeys"
            emit(
                rows,
                fmt,
                title=title,
                columns=["kind", "from", "to", "missing", "journeys", "examples"],
            )
            return
        if leaks:
            found = leaking_seams(
                wh, by=by or ("segment", "region", "channel"), as_of=day, org=org_map
            )
            rows = [
                {
                    "seam": x.seam,
                    "owner": str(x.owner),
                    "dimension": x.dimension,
                    "value": x.value,
                    "conversion": x.conversion,
                    "baseline": x.baseline,
                    "lost_volume": round(x.lost_volume, 1),
                    "revenue_at_stake": x.revenue_at_stake,
                }
                for x in found
            ]
            if not rows and fmt == "table":
                console.print(
                    "No group of 20 or more decided journeys converts below 75% of the rest "
                    "of its seam."
                )
                return
            emit(
                rows, fmt, title="Leaking seams", formatters={"conversion": _pct, "baseline": _pct}
            )
            return
        if from_stage is not None and to_stage is not None:
            stats = flow(wh, from_stage, to_stage, by=by or (), as_of=day, org=org_map)
        else:
            stats = seams(wh, by=by or (), as_of=day, org=org_map)
    if cohorts:
        rows = [
            {
                "seam": f.name,
                **f.group,
                "month": c.month,
                "entered": c.entered,
                "converted": c.converted,
                "lost": c.lost,
                "stalled": c.stalled,
                "open": c.open,
                "conversion": c.conversion,
                "closed_conversion": c.closed_conversion,
            }
            for f in stats
            for c in f.cohorts
        ]
        emit(rows, fmt, title="Cohorts by entry month", formatters=FLOW_FORMATS)
        return
    rows = [_flow_row(f, nested=fmt == "json") for f in stats]
    when = stats[0].as_of.isoformat() if stats else "-"
    emit(rows, fmt, title=f"Hand-offs as of {when}", formatters=FLOW_FORMATS)


SLA_VIEWS = ("sla", "owner", "rep", "period")


@app.command("sla")
def sla(
    warehouse: WarehouseOption = Path(DEFAULT_WAREHOUSE),
    slas: Annotated[
        Path | None, typer.Option("--slas", help="An SLA file (default: the built-in slas.yaml).")
    ] = None,
    by: Annotated[str, typer.Option("--by", help="sla, owner, rep or period.")] = "sla",
    as_of: AsOfOption = None,
    org: OrgOption = None,
    fmt: FormatOption = "table",
) -> None:
    """SLA breaches per SLA, owner function, rep or month, with the revenue at stake."""
    from revline.analyses.seams import evaluate_slas, load_slas
    from revline.errors import unknown
    from revline.org import load_org
    from revline.warehouse import Warehouse

    fmt = check_format(fmt)
    if by not in SLA_VIEWS:
        raise ConfigError(
            unknown("SLA view", by, SLA_VIEWS), hint="Use --by sla, owner, rep or period."
        )
    spec = load_slas(slas)
    org_map = load_org(org)
    with Warehouse.open(warehouse) as wh:
        report = evaluate_slas(wh, spec, org=org_map, as_of=_day(as_of))
    rows: list[dict[str, Any]] = []
    if by == "sla":
        rows = [
            {
                "sla": r.name,
                "owner": str(r.owner),
                "measured": r.measured,
                "breaches": r.breaches,
                "breach_rate": r.breach_rate,
                "revenue_at_stake": r.revenue_at_stake,
                "commitment": r.description,
            }
            for r in report.results
        ]
    elif by == "owner":
        rows = [
            {"owner": f, "measured": m, "breaches": b, "revenue_at_stake": v}
            for f, (m, b, v) in report.by_owner().items()
        ]
    else:
        for r in report.results:
            for c in r.by_rep if by == "rep" else r.by_period:
                rows.append(
                    {
                        "sla": r.name,
                        "owner": str(r.owner),
                        by: c.key,
                        "measured": c.measured,
                        "breaches": c.breaches,
                        "revenue_at_stake": c.revenue_at_stake,
                    }
                )
    emit(
        rows,
        fmt,
        title=f"SLAs ({report.path}) as of {report.as_of.isoformat()}",
        formatters={"breach_rate": _pct},
    )
    if fmt == "table" and by == "sla":
        for r in report.results:
            console.print(f"{r.name}: {r.how_measured}", highlight=False, markup=False)
