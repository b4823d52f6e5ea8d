"""``revline org``: the function category map — who owns each stage, hand-off and metric."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from revline.cli import app
from revline.org import OrgMap, load_org
from revline.output import FormatOption, check_format, console, emit, emit_json

org_app = typer.Typer(help="The function category map: who owns what.", no_args_is_help=True)
app.add_typer(org_app, name="org")

OrgOption = Annotated[
    Path | None,
    typer.Option("--org", envvar="REVLINE_ORG", help="An org map file (default: the built-in)."),
]
ModelOption = Annotated[
    str | None, typer.Option("--model", help="Org model to apply instead of the file's.")
]


def ownership(org_map: OrgMap) -> list[dict[str, str]]:
    """Every owned thing as one row: kind (function, stage, handoff, metric), name, from, to,
    owner and reports-to; the csv and json forms of ``revline org show``."""
    rows = [
        {
            "kind": "function",
            "name": f.name,
            "from": "",
            "to": "",
            "owner": f.label,
            "reports_to": org_map.executives[f.name],
        }
        for f in org_map.functions.values()
    ]
    rows += [
        {
            "kind": "stage",
            "name": s,
            "from": "",
            "to": "",
            "owner": str(org_map.stage_owner(s)),
            "reports_to": "",
        }
        for s in org_map.stages
    ]
    rows += [
        {
            "kind": "handoff",
            "name": h.name,
            "from": h.from_stage,
            "to": h.to_stage,
            "owner": str(org_map.owner(h.owner)),
            "reports_to": "crosses executives" if org_map.crosses_executives(h.name) else "",
        }
        for h in org_map.handoffs.values()
    ]
    rows += [
        {
            "kind": "metric",
            "name": m,
            "from": "",
            "to": "",
            "owner": str(org_map.owner(f)),
            "reports_to": "",
        }
        for m, f in org_map.metric_owners.items()
    ]
    return rows


@org_app.command("show")
def show(org: OrgOption = None, model: ModelOption = None, fmt: FormatOption = "table") -> None:
    """Print who owns each lifecycle stage and hand-off under the chosen org model."""
    fmt = check_format(fmt)
    org_map = load_org(org, model)
    if fmt == "csv":
        emit(ownership(org_map), "csv")
        return
    if fmt == "json":
        emit_json(
            {
                "org_model": org_map.org_model,
                "description": org_map.model_description,
                "ownership": ownership(org_map),
            }
        )
        return
    console.print(f"[bold]Org model:[/] {org_map.org_model} — {org_map.model_description}")
    functions = Table(title="Functions")
    for header in ("function", "reports to", "description"):
        functions.add_column(header)
    for f in org_map.functions.values():
        functions.add_row(f.label, org_map.executives[f.name], f.description)
    console.print(functions)
    stages = Table(title="Lifecycle stages")
    stages.add_column("stage")
    stages.add_column("owner")
    for stage in org_map.stages:
        stages.add_row(stage, str(org_map.stage_owner(stage)))
    console.print(stages)
    handoffs = Table(title="Hand-offs")
    for header in ("hand-off", "from", "to", "owner", "crosses executives"):
        handoffs.add_column(header)
    for h in org_map.handoffs.values():
        crosses = "yes" if org_map.crosses_executives(h.name) else ""
        handoffs.add_row(h.name, h.from_stage, h.to_stage, str(org_map.owner(h.owner)), crosses)
    console.print(handoffs)
    if org_map.metric_owners:
        metrics = Table(title="Metric owners moved from the registry's default")
        metrics.add_column("metric")
        metrics.add_column("owner")
        for metric, function in org_map.metric_owners.items():
            metrics.add_row(metric, str(org_map.owner(function)))
        console.print(metrics)


@org_app.command("validate")
def validate(org: OrgOption = None, model: ModelOption = None) -> None:
    """Check the org map; every problem is reported at once."""
    org_map = load_org(org, model)
    console.print(
        f"{org_map.path}: valid ({len(org_map.functions)} functions, "
        f"{len(org_map.stages)} stages, {len(org_map.handoffs)} hand-offs, "
        f"org model {org_map.org_model})."
    )
