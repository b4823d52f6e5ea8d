"""One way for every command to print results: ``--format table|csv|json``, and progress bars.

Commands build their result as rows (a pandas frame or a list of dicts) and call :func:`emit`;
they never format CSV or JSON themselves. JSON keeps money exact: a ``Decimal`` is written as a
string (``"967388.76"``), dates as ISO 8601, missing values as ``null``. CSV writes every row
with a header. ``table`` is a rich table for people.

:func:`progress` shows a rich progress bar on long work when stderr is a terminal; without one
(a pipe, CI, a test) it prints one plain line per step to stderr and never touches stdout, so
``--format csv`` output stays clean.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from decimal import Decimal
from typing import Annotated, Any

import pandas as pd
import typer
from rich.console import Console
from rich.table import Table

from revline.errors import ConfigError, unknown

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


def plain(value: Any) -> Any:
    """A JSON-ready scalar: exact Decimal as text, dates as ISO text, NaN/NA as None."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        return None if value.is_nan() else str(value)
    if isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return None if math.isnan(value) else value
    if isinstance(value, pd.Timestamp | dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    if hasattr(value, "item"):  # numpy scalars
        return plain(value.item())
    return str(value)


def _rows(data: pd.DataFrame | Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Rows as dicts with text keys, values untouched (column order kept)."""
    raw = data.to_dict("records") if isinstance(data, pd.DataFrame) else list(data)
    return [{str(k): v for k, v in row.items()} for row in raw]


def records(data: pd.DataFrame | Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Rows as a list of plain (JSON-ready) dicts, column order kept."""
    return [{k: plain(v) for k, v in row.items()} for row in _rows(data)]


def to_json(data: Any) -> str:
    """``data`` (rows, a dict, a frame) as indented JSON, money exact."""
    if isinstance(data, pd.DataFrame):
        data = records(data)
    return json.dumps(plain(data), indent=2, ensure_ascii=False)


def to_csv(
    data: pd.DataFrame | Sequence[Mapping[str, Any]], columns: Sequence[str] | None = None
) -> str:
    """Rows as CSV text with a header (also when there are no rows); Decimals in full."""
    if isinstance(data, pd.DataFrame):
        frame = data if columns is None else data[list(columns)]
    else:
        frame = pd.DataFrame(records(data), columns=list(columns) if columns else None)
    return frame.to_csv(index=False)


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
    rows = _rows(data)
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
) -> None:
    """Print rows in ``fmt``: a rich table, CSV or JSON (a list of objects) on stdout."""
    fmt = check_format(fmt)
    if columns:
        data = [{c: row.get(c) for c in columns} for row in _rows(data)]
    if fmt == "csv":
        typer.echo(to_csv(data, columns), nl=False)
    elif fmt == "json":
        typer.echo(to_json(data))
    else:
        console.print(table(data, title, columns, formatters))


def emit_json(data: Any) -> None:
    """Print any JSON-able document (a dict of sections, say), money exact."""
    typer.echo(to_json(data))


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
