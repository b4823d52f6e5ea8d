"""``revline diagnose``: the ranked findings of the whole revenue engine, each with its owner."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from revline.cli import DEFAULT_WAREHOUSE, WarehouseOption, app
from revline.output import FormatOption, check_format, console, emit, emit_json


@app.command("diagnose")
def diagnose_command(
    period: Annotated[
        str | None,
        typer.Option(help="Period judged: 2025-Q4, 2025-11 or 2025 (default: last full quarter)."),
    ] = None,
    top: Annotated[int, typer.Option(min=1, help="How many findings to show.")] = 10,
    details: Annotated[
        bool, typer.Option(help="Table format: print evidence and method under the table.")
    ] = True,
    detector: Annotated[
        list[str] | None,
        typer.Option(help="Run only this detector (repeatable); see docs/diagnose.md."),
    ] = None,
    fmt: FormatOption = "table",
    warehouse: WarehouseOption = Path(DEFAULT_WAREHOUSE),
) -> None:
    """Find where revenue leaks, who owns each leak and what it puts at stake.

    Findings are ranked by revenue at stake (ARR, reporting currency) weighted by confidence;
    those without a money figure come last. See docs/diagnose.md.
    """
    from revline.analyses.diagnose import diagnose
    from revline.warehouse import Warehouse

    fmt = check_format(fmt)
    with Warehouse.open(warehouse, read_only=True) as wh:
        result = diagnose(wh, period, only=detector)
    if fmt == "json":
        emit_json(result.to_dict(top))
        return
    rows = [_row(i + 1, f.to_dict()) for i, f in enumerate(result.top(top))]
    if fmt == "csv":
        emit(rows, "csv")
        return
    title = (
        f"Diagnosis {result.period} (data to {result.as_of}): "
        f"top {len(rows)} of {len(result.findings)} findings"
    )
    emit(rows, "table", title=title, columns=["rank", "problem", "owner", "at_stake", "confidence"])
    if details:
        for i, f in enumerate(result.top(top), start=1):
            console.print(f"\n[bold]{i}. {f.problem}[/]", highlight=False)
            console.print(f"   owner: {f.owner_label}", highlight=False, markup=False)
            stake = "not measured" if f.at_stake is None else f"{f.at_stake:,.2f}"
            console.print(
                f"   at stake: {stake} ({f.at_stake_method})", highlight=False, markup=False
            )
            console.print(f"   measured: {f.method}", highlight=False, markup=False)
            for name, value in f.evidence:
                console.print(f"   - {name}: {value}", highlight=False, markup=False)
            console.print(f"   rows: {f.drill.describe()}", highlight=False, markup=False)


def _row(rank: int, f: dict[str, Any]) -> dict[str, Any]:
    return {
        "rank": rank,
        "problem": f["problem"],
        "owner": f["owner_label"],
        "owner_function": f["owner"],
        "at_stake": f["at_stake"],
        "confidence": f"{f['confidence']:.3f}",
        "detector": f["detector"],
        "at_stake_method": f["at_stake_method"],
        "method": f["method"],
        "rows": f["drill"]["query"],
    }
