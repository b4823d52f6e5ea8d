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
    scope: Annotated[
        str,
        typer.Option(
            help="Tables to write: full (every table) or revenue (what the revenue, retention, "
            "efficiency and sales metrics read, without daily usage, touches, tickets, health "
            "notes, payments and per-account-month truth; for large companies)."
        ),
    ] = "full",
    fmt: FormatOption = "table",
) -> None:
    """Generate a seeded B2B SaaS company with known ground truth into the warehouse.

    A rerun replaces the earlier synthetic company, all or nothing: a warehouse holding only
    synthetic data is rebuilt in a partial file renamed over it at the end; one holding other
    data is updated in one transaction.
    """
    from revline.synth import build
    from revline.synth.opening import accounts_for
    from revline.synth.orchestrate import check_scope
    from revline.synth.plants import planted_config

    fmt = check_format(fmt)
    check_scope(scope)
    config = planted_config(plant)
    if customers is not None:
        accounts = accounts_for(customers)
    with progress(f"Generating the synthetic company ({accounts:,} accounts)") as step:
        step(f"scope {scope}")
        result = build(warehouse, accounts, months, seed, config=config, scope=scope)
    rows = [{"table": name, "rows": count} for name, count in result.rows.items()]
    if fmt == "json":
        emit_json(
            {
                "accounts": accounts,
                "opening_accounts": result.opening_accounts,
                "subscribed": result.subscribed,
                "months": months,
                "seed": seed,
                "scope": scope,
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
        f"before; {result.subscribed:,} subscribed at the end (seed {seed}, scope {scope}), "
        f"written to "
        f"{warehouse} in {result.seconds:.1f} s."
    )
    emit(rows, "table", title="Rows per table", formatters={"rows": lambda n: f"{n:,}"})
