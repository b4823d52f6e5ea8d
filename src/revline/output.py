"""One way for every command to print results: ``--format table|csv|json``, and progress bars.

Commands build their result as rows (a pandas frame or a list of dicts) and call :func:`emit`;
they never format CSV or JSON themselves: both go through :mod:`revline.serialize`, the one
serializer of every output (money an exact decimal string such as ``"967388.76"``, other numbers
JSON numbers, dates ISO 8601, missing values ``null``). CSV writes every row with a header.
``table`` is a rich table for people.

:func:`progress` shows a rich progress bar on long work when stderr is a terminal; without one
(a pipe, CI, a test) it prints one plain line per step to stderr and never touches stdout, so
``--format csv`` output stays clean.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Annotated, Any

import pandas as pd
import typer
from rich.console import Console
from rich.table import Table

from revline.errors import ConfigError, unknown
from revline.serialize import dumps, plain, records, rows_of, to_csv

#: Where the CLI prints: figures on stdout, errors and progress on stderr.
console = Console()
err_console = Console(stderr=True, soft_wrap=True)

FORMATS = ("table", "csv", "json")

FormatOption = Annotated[
    str, typer.Option("--format", "-f", help="table (for people), csv or json (for tools).")
]


def check_format(fmt: str, allowed: Sequence[str] = FORMATS) -> str:
    """``fmt`` lower-cased if it is one of ``allowed``; otherwise a did-you-mean error."""
    value = fmt.strip().lower()
    if value not in allowed:
        raise ConfigError(
            unknown("format", fmt, allowed), hint=f"Use --format {' or '.join(allowed)}."
        )
    return value


def _cell(value: Any) -> str:
    shown = plain(value)
    return "" if shown is None else str(shown)


def table(
    data: pd.DataFrame | Sequence[Mapping[str, Any]],
    title: str | None = None,
    columns: Sequence[str] | None = None,
    formatters: Mapping[str, Callable[[Any], str]] | None = None,
) -> Table:
    """A rich table of the rows; ``formatters`` turn a column's values into display text."""
    rows = rows_of(data)
    if columns:
        names = list(columns)
    elif isinstance(data, pd.DataFrame):
        names = [str(c) for c in data.columns]
    else:
        names = list(dict.fromkeys(k for row in rows for k in row))
    out = Table(title=title)
    for name in names:
        out.add_column(name, overflow="fold")
    shown = formatters or {}
    for row in rows:
        out.add_row(*(shown.get(n, _cell)(row.get(n)) for n in names))
    return out


def emit(
    data: pd.DataFrame | Sequence[Mapping[str, Any]],
    fmt: str,
    *,
    title: str | None = None,
    columns: Sequence[str] | None = None,
    formatters: Mapping[str, Callable[[Any], str]] | None = None,
    money: Collection[str] = (),
) -> None:
    """Print rows in ``fmt``: a rich table, CSV or JSON (a list of objects) on stdout.

    ``money`` names columns holding money in floating point (estimates): they are written as
    exact strings rounded to the cent. ``Decimal`` values are money already.
    """
    fmt = check_format(fmt)
    if columns:
        data = [{c: row.get(c) for c in columns} for row in rows_of(data)]
    if fmt == "csv":
        typer.echo(to_csv(data, columns, money), nl=False)
    elif fmt == "json":
        typer.echo(dumps(records(data, money) if money else data))
    else:
        console.print(table(data, title, columns, formatters))


def emit_json(data: Any) -> None:
    """Print any JSON-able document (a dict of sections, say) through the one serializer."""
    typer.echo(dumps(data))


@contextmanager
def progress(description: str, total: int | None = None) -> Iterator[Callable[[str], None]]:
    """A progress bar for long work; yields ``step(label)`` to call as each part finishes.

    On a terminal (stderr) it is a rich bar with the current step; elsewhere each step is one
    plain line on stderr. ``total`` is the number of steps (None: an indeterminate spinner).
    """
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    if not err_console.is_terminal:
        err_console.print(f"{description}...", highlight=False, markup=False)

        def line(label: str) -> None:
            err_console.print(f"  {label}", highlight=False, markup=False)

        yield line
        return
    columns = [
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
    ]
    with Progress(*columns, console=err_console, transient=True) as bar:
        task = bar.add_task(description, total=total)
        started = [False]

        def advance(label: str) -> None:
            if started[0]:
                bar.advance(task)
            started[0] = True
            bar.update(task, description=f"{description}: {label}")

        yield advance
        bar.update(task, completed=total if total is not None else 1)
