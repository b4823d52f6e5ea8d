"""``revline synth``: write the synthetic company into a warehouse (created if missing)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from revline.cli import DEFAULT_WAREHOUSE, WarehouseOption, app
from revline.output import FormatOption, check_format, console, emit, emit_json, progress


@app.command("synth")
def synth_command(
    accounts: Annotated[
        int,
        typer.Option(
            min=1,
            help="Prospect accounts arriving in the window (the opening book's customers come "
            "on top).",
        ),
    ] = 1_000,
    customers: Annotated[
        int | None,
        typer.Option(
            min=1,
            help="Size the company to about this many paying customers at the end instead "
            "(sets --accounts).",
        ),
    ] = None,
    months: Annotated[int, typer.Option(min=1, max=240, help="Months of history.")] = 24,
    seed: Annotated[
        int, typer.Option(help="Random seed: the same seed gives the same company.")
    ] = 7,
    warehouse: WarehouseOption = Path(DEFAULT_WAREHOUSE),
    plant: Annotated[
        list[str] | None,
        typer.Option(
            help="Plant a known problem, NAME:VALUE (repeatable): slow_response:REGION, "
            "poor_onboarding:SEGMENT, junk_leads:CHANNEL. See docs/diagnose.md."
        ),
    ] = None,
    fmt: FormatOption = "table",
) -> None:
    """Generate a seeded B2B SaaS company with known ground truth into the warehouse.

    A rerun replaces the earlier synthetic rows (source 'synth') in one transaction.
    """
    from revline.synth import generate
    from revline.synth.opening import accounts_for
    from revline.synth.plants import planted_config
    from revline.warehouse import Warehouse

    fmt = check_format(fmt)
    config = planted_config(plant)
    if customers is not None:
        accounts = accounts_for(customers)
    with (
        Warehouse.create(warehouse) as wh,
        progress(f"Generating the synthetic company ({accounts:,} accounts)") as step,
    ):
        step("every table, in one transaction")
        result = generate(wh, accounts=accounts, months=months, seed=seed, config=config)
    rows = [{"table": name, "rows": count} for name, count in result.rows.items()]
    if fmt == "json":
        emit_json(
            {
                "accounts": accounts,
                "opening_accounts": result.opening_accounts,
                "subscribed": result.subscribed,
                "months": months,
                "seed": seed,
                "as_of": result.as_of,
                "warehouse": str(warehouse),
                "seconds": result.seconds,
                "rows": rows,
            }
        )
        return
    if fmt == "csv":
        emit(rows, "csv")
        return
    console.print(
        f"Synthetic company: {accounts:,} accounts arriving over {months} months to "
        f"{result.as_of} and an opening book of {result.opening_accounts:,} customers won "
        f"before; {result.subscribed:,} subscribed at the end (seed {seed}), written to "
        f"{warehouse} in {result.seconds:.1f} s."
    )
    emit(rows, "table", title="Rows per table", formatters={"rows": lambda n: f"{n:,}"})
