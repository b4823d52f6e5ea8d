"""``revline metrics``: list, explain, validate and compute the shared metric definitions."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, cast

import typer

from revline.cli import DEFAULT_WAREHOUSE, WarehouseOption, app
from revline.errors import ConfigError
from revline.output import FormatOption, check_format, console, emit, emit_json
from revline.settings import ChurnRecognition, MetricSettings, MrrBasis

metrics_app = typer.Typer(
    help="The metric registry: one definition per metric.", no_args_is_help=True
)
app.add_typer(metrics_app, name="metrics")

PeriodOption = Annotated[
    str | None,
    typer.Option("--period", "-p", help="2025-07, 2025-Q3, 2025, or month/quarter/year."),
]
ByOption = Annotated[
    str | None,
    typer.Option(
        "--by", help="Break down by one of the metric's breakdowns (revline metrics explain)."
    ),
]
CurrencyOption = Annotated[str, typer.Option("--currency", help="Reporting currency.")]
ChurnOption = Annotated[
    str,
    typer.Option("--churn-recognition", help="cancellation, paid_period_end or scheduled_end."),
]
BasisOption = Annotated[str, typer.Option("--basis", help="billed (net of discounts) or contract.")]
UsageOption = Annotated[bool, typer.Option("--include-usage", help="Add metered usage to MRR.")]
WhereOption = Annotated[
    list[str] | None,
    typer.Option(
        "--where",
        help="Filter by a declared dimension, DIM=VALUE (repeat for several: segment=smb).",
    ),
]
AsOfOption = Annotated[
    str | None,
    typer.Option("--as-of", help="Last day computed (YYYY-MM-DD); default the data's last day."),
]


def _settings(
    currency: str, churn: str, basis: str, usage: bool, as_of: str | None
) -> MetricSettings:
    """Settings from the options; :class:`MetricSettings` rejects unknown choices."""
    try:
        day = date.fromisoformat(as_of) if as_of else None
    except ValueError:
        raise ConfigError(
            f"--as-of {as_of!r} is not a date.", hint="Write it as YYYY-MM-DD."
        ) from None
    return MetricSettings(
        reporting_currency=currency.upper(),
        churn_recognition=cast(ChurnRecognition, churn),
        mrr_basis=cast(MrrBasis, basis),
        include_usage=usage,
        as_of=day,
    )


def _filters(where: list[str]) -> dict[str, str]:
    """``--where DIM=VALUE`` options as a dict; a malformed one is an error."""
    out: dict[str, str] = {}
    for item in where:
        dim, sep, value = item.partition("=")
        if not sep or not dim.strip() or not value.strip():
            raise ConfigError(
                f"--where {item!r} is not DIM=VALUE.", hint="Write e.g. --where segment=smb."
            )
        out[dim.strip().lower()] = value.strip()
    return out


@metrics_app.command("list")
def list_metrics(fmt: FormatOption = "table") -> None:
    """List every metric with its kind, unit, grain and owner."""
    from revline.metrics import REGISTRY

    fmt = check_format(fmt)
    rows = [
        {
            "name": m.name,
            "kind": m.kind_name,
            "unit": m.unit,
            "grain": m.grain,
            "owner": m.owner,
            "description": m.description,
        }
        for m in REGISTRY.values()
    ]
    columns = None if fmt != "table" else ("name", "kind", "unit", "owner", "description")
    emit(rows, fmt, title="Metrics", columns=columns)


@metrics_app.command("explain")
def explain_metric(
    name: Annotated[str, typer.Argument(help="Metric name.")],
    fmt: Annotated[
        str,
        typer.Option(
            "--format", "-f", help="text (for people) or json (the whole declaration, for tools)."
        ),
    ] = "text",
) -> None:
    """Print a metric's declaration: kind with its inputs, definition, formula, owner,
    breakdowns, benchmark, the tables it reads (and, as json, its code and value test)."""
    from revline.metrics import declaration, explain

    if check_format(fmt, ("text", "table", "json")) == "json":
        emit_json(declaration(name))
        return
    console.print(explain(name), highlight=False, markup=False)


@metrics_app.command("validate")
def validate() -> None:
    """Check the whole catalogue and report every problem at once."""
    from revline.metrics import REGISTRY, validate_catalogue

    problems = validate_catalogue()
    if problems:
        for problem in problems:
            console.print(f"- {problem}", highlight=False, markup=False)
        raise ConfigError(f"{len(problems)} problems in the metric catalogue.", hint="See above.")
    console.print(f"The catalogue is sound: {len(REGISTRY)} metrics.")


@metrics_app.command("docs")
def docs_command(
    docs: Annotated[
        Path, typer.Option("--docs", help="The docs directory (metrics.md, gtm-metrics.md).")
    ] = Path("docs"),
    write: Annotated[
        bool, typer.Option("--write", help="Rewrite the generated tables in place.")
    ] = False,
) -> None:
    """Check (or, with --write, regenerate) the metric tables of the docs from the registry."""
    from revline.metrics import REGISTRY
    from revline.metrics.docs import stale
    from revline.metrics.docs import write as rewrite

    if write:
        changed = rewrite(docs, REGISTRY)
        console.print(f"Regenerated: {', '.join(changed) or 'nothing (up to date)'}.")
        return
    behind = stale(docs, REGISTRY)
    if behind:
        raise ConfigError(
            f"The metric tables of {', '.join(behind)} differ from the registry.",
            hint="Regenerate them with: revline metrics docs --write",
        )
    console.print("The metric tables of the docs match the registry.")


@metrics_app.command("compute")
def compute_metric(
    name: Annotated[str, typer.Argument(help="Metric name.")],
    warehouse: WarehouseOption = Path(DEFAULT_WAREHOUSE),
    period: PeriodOption = None,
    by: ByOption = None,
    where: WhereOption = None,
    currency: CurrencyOption = "USD",
    churn_recognition: ChurnOption = "scheduled_end",
    basis: BasisOption = "billed",
    include_usage: UsageOption = False,
    as_of: AsOfOption = None,
    fmt: FormatOption = "table",
) -> None:
    """Compute a metric from the warehouse and print it per period (money exact in csv/json)."""
    from revline.metrics import compute

    fmt = check_format(fmt)
    settings = _settings(currency, churn_recognition, basis, include_usage, as_of)
    filters = _filters(where or [])
    frame = compute(name, period, by, warehouse=warehouse, settings=settings, filters=filters)
    emit(frame, fmt, title=name)
    if fmt == "table" and frame["to_date"].any():
        console.print(
            "to_date: the period ends after the as-of date, so it is read to date (QTD, YTD): "
            "balances at the as-of month, flows over the months elapsed.",
            highlight=False,
        )


@metrics_app.command("rows")
def metric_rows(
    name: Annotated[str, typer.Argument(help="Metric name.")],
    period: Annotated[str, typer.Option("--period", "-p", help="2025-07, 2025-Q3 or 2025.")],
    warehouse: WarehouseOption = Path(DEFAULT_WAREHOUSE),
    by: ByOption = None,
    value: Annotated[
        str | None, typer.Option("--value", help="Only this breakdown value (with --by).")
    ] = None,
    output: Annotated[
        str,
        typer.Option("--format", "-f", help="table (first --limit rows), csv or json (all rows)."),
    ] = "table",
    limit: Annotated[int, typer.Option("--limit", min=1, help="Rows shown as a table.")] = 50,
    currency: CurrencyOption = "USD",
    churn_recognition: ChurnOption = "scheduled_end",
    basis: BasisOption = "billed",
    include_usage: UsageOption = False,
    as_of: AsOfOption = None,
) -> None:
    """The customer-month rows behind a metric's figure: the drill-down, as a table or CSV."""
    from revline.metrics import rows

    output = check_format(output)
    settings = _settings(currency, churn_recognition, basis, include_usage, as_of)
    frame = rows(name, period, by, value, warehouse=warehouse, settings=settings)
    if output != "table":
        emit(frame, output)
        return
    emit(frame.head(limit), "table", title=f"Rows behind {name} {period}")
    if len(frame) > limit:
        console.print(f"... {len(frame) - limit:,} more rows (use --format csv for all).")
