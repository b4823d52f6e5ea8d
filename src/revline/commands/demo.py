"""``revline demo``: build the synthetic company and show what it holds."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from revline import demo
from revline.cli import app
from revline.metrics import get_metric
from revline.metrics.core import display
from revline.output import console


@app.command("demo")
def demo_command(
    directory: Annotated[
        Path, typer.Option("--dir", help="Folder for the demo warehouse and report.")
    ] = demo.DEFAULT_DIR,
    accounts: Annotated[int, typer.Option(min=10, help="Accounts to generate.")] = (
        demo.DEFAULT_ACCOUNTS
    ),
    months: Annotated[int, typer.Option(min=3, max=120, help="Months of history.")] = (
        demo.DEFAULT_MONTHS
    ),
    seed: Annotated[int, typer.Option(help="Random seed (same seed, same company).")] = (
        demo.DEFAULT_SEED
    ),
    report: Annotated[
        bool, typer.Option(help="Write the board report for the last full quarter.")
    ] = True,
    serve: Annotated[
        bool, typer.Option(help="Start the dashboard when done (otherwise print how to).")
    ] = False,
    port: Annotated[int, typer.Option(min=1, max=65535, help="Dashboard port.")] = 8000,
) -> None:
    """Build a synthetic B2B SaaS company, summarise it, write its board report and sign-in.

    Ends by printing a local sign-in for the dashboard (user ``cro``, a fresh password each run)
    and either starting the dashboard (``--serve``) or printing the command that does.
    """
    with console.status("Generating the synthetic company..."):
        summary = demo.build_demo(directory, accounts=accounts, months=months, seed=seed)
    console.print(
        f"[bold]Synthetic company[/] (seed {summary.seed}, {summary.months} months of history "
        f"up to {summary.as_of}) built in {summary.seconds:.1f} s into {summary.warehouse}"
    )
    if summary.headline:
        numbers = Table(
            title=f"Headline metrics, {summary.quarter}, USD",
            caption="Definitions: revline metrics explain NAME",
        )
        numbers.add_column("metric")
        numbers.add_column("value", justify="right")
        for name, value in summary.headline.items():
            numbers.add_row(name, format_value(name, value))
        for segment, value in summary.mrr_by_segment.items():
            numbers.add_row(f"mrr: {segment}", format_value("mrr", value))
        for name, value in summary.yearly.items():
            numbers.add_row(f"{name} ({summary.year})", format_value(name, value))
        console.print(numbers)
    overview = Table(title="The company", show_header=False)
    overview.add_column("what")
    overview.add_column("value", justify="right")
    for segment, n in summary.accounts_by_segment.items():
        overview.add_row(f"accounts: {segment}", f"{n:,}")
    for outcome, n in summary.opportunities_by_outcome.items():
        overview.add_row(f"opportunities: {outcome}", f"{n:,}")
    for stage, n in summary.leads_by_stage.items():
        overview.add_row(f"leads: {stage}", f"{n:,}")
    overview.add_row(
        "subscriptions running at the as-of date", f"{summary.subscriptions_running:,}"
    )
    console.print(overview)
    rows = Table(title="Rows per table")
    rows.add_column("table")
    rows.add_column("rows", justify="right")
    for name, n in summary.table_rows.items():
        rows.add_row(name, f"{n:,}")
    console.print(rows)
    warehouse = Path(summary.warehouse)
    if report and summary.quarter:
        with console.status(f"Writing the board report for {summary.quarter}..."):
            written = demo.write_demo_report(warehouse, summary.quarter)
        console.print(f"[bold]Board report[/] ({summary.quarter}): {written}")
    from revline.web.demo import demo_login

    url = f"http://127.0.0.1:{port}/"
    login = demo_login(warehouse, url=url)
    console.print(
        f"[bold]Dashboard sign-in[/]: user {login.username}, password {login.password} "
        f"(users kept in {login.users_file})"
    )
    console.print(
        f"Next: revline check -w {warehouse}   (data-quality report)\n"
        f"      revline diagnose -w {warehouse}   (where revenue leaks, and who owns it)"
    )
    if serve:
        from revline.commands.serve import serve as serve_command

        serve_command(warehouse=warehouse, host="127.0.0.1", port=port, precompute=True)
    else:
        console.print(f"Dashboard: revline serve -w {warehouse} --port {port}, then open {url}")


def format_value(name: str, value: object) -> str:
    """A metric value as the registry's unit says to show it ("-" when there is none)."""
    return "-" if value is None else display(value, get_metric(name).unit)
