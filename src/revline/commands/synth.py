"""``revline synth``: write the synthetic company into a warehouse (created if missing)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from revline.cli import DEFAULT_WAREHOUSE, WarehouseOption, app, console


@app.command("synth")
def synth_command(
    accounts: Annotated[
        int, typer.Option(min=1, help="Accounts (customers and prospects).")
    ] = 1_000,
    months: Annotated[int, typer.Option(min=1, max=240, help="Months of history.")] = 24,
    seed: Annotated[
        int, typer.Option(help="Random seed: the same seed gives the same company.")
    ] = 7,
    warehouse: WarehouseOption = Path(DEFAULT_WAREHOUSE),
) -> None:
    """Generate a seeded B2B SaaS company with known ground truth into the warehouse.

    A rerun replaces the earlier synthetic rows (source 'synth') in one transaction.
    """
    from revline.synth import generate
    from revline.warehouse import Warehouse

    with Warehouse.create(warehouse) as wh, console.status("Generating the synthetic company..."):
        result = generate(wh, accounts=accounts, months=months, seed=seed)
    console.print(
        f"Synthetic company: {accounts:,} accounts, {months} months to {result.as_of} "
        f"(seed {seed}), written to {warehouse} in {result.seconds:.1f} s."
    )
    table = Table(title="Rows per table")
    table.add_column("table")
    table.add_column("rows", justify="right")
    for name, rows in result.rows.items():
        table.add_row(name, f"{rows:,}")
    console.print(table)
