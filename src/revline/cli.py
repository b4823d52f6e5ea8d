"""The ``revline`` command line. Thin: every command calls the library and prints its result.

Errors raised on purpose (:class:`revline.errors.RevlineError`) are printed without a stack
trace and exit with status 2; ``--debug`` shows the trace.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from revline.errors import RevlineError
from revline.output import console, err_console

app = typer.Typer(
    name="revline",
    help="revline: one source of truth for the whole revenue engine.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

DEFAULT_WAREHOUSE = "revline.duckdb"
WarehouseOption = Annotated[
    Path,
    typer.Option(
        "--warehouse",
        "-w",
        envvar="REVLINE_WAREHOUSE",
        help="The warehouse file (DuckDB).",
    ),
]
#: ``--period`` of the commands that report one closed period (report, scorecard).
ReportPeriodOption = Annotated[
    str | None,
    typer.Option("--period", "-p", help="2025-Q4, 2025-07 or 2025; default: last full quarter."),
]

_state = {"debug": False}


@app.callback()
def _root(
    debug: Annotated[bool, typer.Option("--debug", help="Show stack traces on errors.")] = False,
) -> None:
    _state["debug"] = debug or os.environ.get("REVLINE_DEBUG") == "1"


@app.command()
def init(
    path: Annotated[Path, typer.Argument(help="Where to create the warehouse file.")] = Path(
        DEFAULT_WAREHOUSE
    ),
) -> None:
    """Create a warehouse with every canonical table (or bring an existing one up to date)."""
    from revline.warehouse import Warehouse

    with Warehouse.create(path) as wh:
        console.print(f"Warehouse ready at {path} ({len(wh.list_tables())} tables).")


def main() -> None:
    """Entry point of the ``revline`` console script."""
    from revline import commands  # noqa: F401  (registers the commands of each part)

    try:
        # Without standalone mode click returns (rather than raises) a command's exit code.
        code = app(standalone_mode=False)
    except RevlineError as err:
        if _state["debug"]:
            raise
        err_console.print(f"[bold red]Error:[/] {err}", markup=True, highlight=False)
        sys.exit(2)
    except (typer.Abort, KeyboardInterrupt):
        err_console.print("Aborted.")
        sys.exit(130)
    except typer.Exit as err:
        sys.exit(err.exit_code)
    except typer.TyperException as err:  # usage errors: unknown option, missing argument, ...
        show = getattr(err, "show", None)
        if callable(show):
            show()
        else:
            err_console.print(str(err), highlight=False)
        sys.exit(int(getattr(err, "exit_code", 2)))
    except Exception as err:  # a bug: say so plainly, and how to see the trace
        if _state["debug"]:
            raise
        err_console.print(
            f"[bold red]Internal error:[/] {type(err).__name__}: {err}\n"
            "Run again with --debug to see the stack trace, and report it.",
            highlight=False,
        )
        sys.exit(1)
    sys.exit(code if isinstance(code, int) else 0)
